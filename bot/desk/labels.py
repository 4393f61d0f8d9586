"""HQ's words for what the store keeps as codes: no internal code reaches a letter to HQ.

The partner-facing labels (replies/labels.py) speak to the partner («ожидает уточнения данных
от вас»); these speak to HQ about the partner.
"""

from __future__ import annotations

KINDS = {
    "pin_request": "закрепление клиента",
    "license_request": "запрос лицензий",
    "ticket": "заявка Service Desk",
    "resource": "запрос ресурса",
    "sd_account": "учетная запись Service Desk",
    "inquiry": "обращение",
    "outage": "сбой сервиса",  # R-TKT-21
}

STATES = {
    "new": "новое",
    "needs_info": "ждем данные от партнера",
    "open": "в работе",
    "resolved": "решение отправлено, ждем подтверждения",
    "deferred": "отложено до выхода обновления",
    "closed": "закрыто",
    "rejected": "отклонено",
    "merged": "объединено",
    "duplicate": "повторный запрос",
    "pre_pinned": "предварительно закреплен",
    "pinned": "закреплен",
    "report_overdue": "отчет просрочен",
    "unpin_pending": "ждет решения об откреплении",
    "extension_pending": "ждет решения о продлении",
    "hq_question_pending": "ждет ответа головного офиса",
    "expired": "срок закрепления истек",
    "unpinned": "откреплен",
    "withdrawn": "отозвано партнером",
    "answered": "ответ дан",
    "awaiting_hq": "ждет решения головного офиса",
    "in_review": "на рассмотрении",
    "awaiting_signed_scans": "ждем сканы подписанных документов",
    "awaiting_payment": "ждем оплату",
    "awaiting_license_docs": "оплачено, готовим документы на лицензии",
    "awaiting_originals": "обмен оригиналами",
    "completed": "завершено",
    "cancelled": "отменено",
    "scheduled": "назначен ответственный",
    "done": "выполнено",
    "quarantined": "на карантине",
    # R-TKT-21: an outage before and after the partners are told, and its end.
    "declared": "сбой объявлен, партнеры еще не уведомлены",
    "notified": "сбой, партнеры уведомлены",
    "ended": "сбой устранен",
}

FLAGS = {
    "pinned_by_other": "клиент уже закреплен за другим партнером",
    "race": "гонка запросов на одного клиента",
    "no_partner_discount": "без партнерской скидки",
    "possible_conflict": "возможный конфликт закрепления",
    "inn_mismatch": "ИНН не совпадает с наименованием",
    "demo_only": "только демо-проект",
    "premature_close": "преждевременное закрытие",
    "direct_client": "клиент обратился напрямую",
    "cross_partner_tag": "чужой номер обращения в теме",
    "multiple_tags": "в теме несколько номеров обращений",  # R-THR-10
    "offensive": "некорректные выражения",
    "out_of_scope": "возможно, вне компетенции поддержки",  # R-TKT-17, 004 §4.1
    "auth_failure": "письмо не прошло проверку отправителя",
    "bounce": "письмо не доставлено",
    "scans_overdue": "сканы просрочены",
    "payment_overdue": "оплата просрочена",
    "originals_overdue": "оригиналы просрочены",
}

# States in which the next move is the partner's; in every other open state it is HQ's.
PARTNER_MOVES = frozenset(
    {
        "needs_info",
        "resolved",
        "pre_pinned",
        "pinned",
        "report_overdue",
        "awaiting_signed_scans",
        "awaiting_payment",
        "awaiting_originals",
        "answered",
    }
)

# States nothing more happens in: the digest does not list them (except as flags or news).
TERMINAL = frozenset(
    {
        "closed",
        "rejected",
        "merged",
        "duplicate",
        "expired",
        "unpinned",
        "withdrawn",
        "completed",
        "cancelled",
        "done",
        "ended",
    }
)

# The actions HQ is most likely to take in a state (R-HQ-7 «available actions»); every
# command is printed whole, with --as, so that it can be pasted as it is.
ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ticket", "open"): (
        "resolve --text '…'",
        "request_info --text '…'",
        "set_priority --priority high",
    ),
    ("ticket", "needs_info"): ("mark_data_sufficient", "close --reason '…'"),
    ("ticket", "resolved"): ("reopen", "close --reason '…'"),
    ("license_request", "in_review"): ("accept", "reject --reason '…'"),
    ("license_request", "awaiting_hq"): ("accept", "reject --reason '…'"),
    ("license_request", "awaiting_payment"): ("mark_paid",),
    ("license_request", "awaiting_license_docs"): ("send_license_docs",),
    ("license_request", "awaiting_originals"): ("mark_originals_received",),
    ("pin_request", "awaiting_hq"): ("approve_pin", "reject_pin --reason '…'"),
    ("pin_request", "extension_pending"): ("approve_extension", "decline_extension"),
    ("pin_request", "unpin_pending"): ("unpin", "keep_pinned"),
    ("resource", "open"): ("assign", "decline --reason '…'"),
    ("resource", "scheduled"): ("log_hours", "complete"),
}
GENERIC = ("reply --text '…'",)


def kind_word(kind: str) -> str:
    return KINDS.get(kind, "обращение")


def state_word(state: str) -> str:
    return STATES.get(state, "в работе")


def flag_word(flag: str) -> str:
    return FLAGS.get(flag, "требует внимания")


def whose_move(state: str) -> str:
    return "партнер" if state in PARTNER_MOVES else "головной офис"


def commands(number: str, kind: str, state: str, actor: str) -> list[str]:
    """Complete `partnerdesk case` command lines for the case's likely next actions."""
    actions = ACTIONS.get((kind, state), ()) + GENERIC
    head = f"partnerdesk case {number}"
    out = []
    for action in actions:
        name, _, rest = action.partition(" ")
        out.append(f"{head} {name} --as {actor}" + (f" {rest}" if rest else ""))
    return out
