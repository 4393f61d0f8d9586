"""Russian wording for kinds, states, reasons and terms (R-NTF-1); field labels are in
replies/fields.py."""

from __future__ import annotations

from replies.fields import FIELDS as _FIELDS
from replies.fields import FieldHelp, field_help

__all__ = ["_FIELDS", "FieldHelp", "field_help"]  # where callers have always found them

_KINDS = {
    "pin_request": "Запрос на предварительное закрепление клиента",
    "license_request": "Запрос лицензий",
    "ticket": "Заявка в Service Desk",
    "resource": "Запрос ресурса сотрудников головного офиса",
    "sd_account": "Запрос учетной записи Service Desk",
    "inquiry": "Обращение в головной офис",
}

_STATES = {
    "needs_info": "ожидает уточнения данных от вас",
    "open": "в работе",
    "resolved": "решение предоставлено, ожидается ваше подтверждение",
    "deferred": "отложено до выхода обновления",
    "closed": "закрыто",
    "rejected": "отклонено",
    "merged": "объединено с другим обращением",
    "pre_pinned": "клиент предварительно закреплен",
    "pinned": "клиент закреплен",
    "report_overdue": "клиент закреплен, отчет просрочен",
    "unpin_pending": "клиент закреплен, решается вопрос об откреплении",
    "duplicate": "повторный запрос",
    "expired": "срок предварительного закрепления истек",
    "unpinned": "клиент откреплен",
    "withdrawn": "снято по запросу партнера",
    "answered": "ответ дан",
    # §5.3 license request
    "awaiting_hq": "ожидает решения головного офиса",
    "in_review": "на рассмотрении в головном офисе",
    "awaiting_signed_scans": "ожидаются сканы подписанных документов",
    "awaiting_payment": "ожидается оплата",
    "awaiting_license_docs": "оплата подтверждена, головной офис готовит документы на лицензии",
    "awaiting_originals": "документы на лицензии направлены, идет обмен оригиналами",
    "completed": "завершено",
    "cancelled": "отменено",
    # §5.4 resource request
    "scheduled": "назначен ответственный сотрудник",
    "done": "выполнено",
    # R-MBX-8, R-THR-4: a letter HQ has still to classify or to attach.
    "unclassified": "ожидает рассмотрения в головном офисе",
    "discarded": "закрыто без ответа",
    "quarantined": "на проверке в головном офисе",
    "unmatched": "не отнесено к обращению",
}


def kind_title(kind: str) -> str:
    return _KINDS.get(kind, "Обращение")


def state_title(state: str) -> str:
    """The state in the partner's words; never the internal code (issue 24)."""
    return _STATES.get(state, "в обработке")


TRACKERS = {
    "bug": "Неисправность (ошибка, сбой)",
    "feature": "Разработка (новый функционал)",
    "support": "Консультация (поддержка)",
}
PRIORITIES = {"urgent": "Срочный", "high": "Высокий", "normal": "Нормальный", "low": "Низкий"}

# R-TKT-17 refusal reasons and closing reasons in plain Russian (A-TKT-REJ, A-TKT-CLOSED).
REASONS = {
    "unidentified": "адрес отправителя не найден среди зарегистрированных адресов Service Desk",
    "license_violation": "нарушение условий лицензионного договора",
    "insufficient_info": "недостаточно информации для решения",
    "incomprehensible": "обращение сформулировано непонятно",
    "offensive_language": "обращение содержит некорректные выражения",
    "out_of_scope": "вопрос не входит в предмет технической поддержки",
    "self_diagnosis_failed": "самостоятельная диагностика выявила неисправность базового ПО, "
    "СУБД, сети или прав доступа",
    "confirmed": "вы подтвердили, что вопрос решен",
    "auto": "подтверждение решения не поступило в установленный срок",
    "hq": "решение головного офиса",
    "feature_declined": "доработка не будет выполнена",
    "not_partner": "у отправителя нет действующего дистрибьюторского соглашения",
    "withdrawn": "вы отозвали заявку",
    # R-ID-7, R-ID-8 (presets electronic_order, shtrih_m)
    "missing_identification": "нет идентифицирующей пользователя информации: логина (e-mail) "
    "в системе, ФИО пользователя, ИНН и наименования организации",
    "no_support_period": "нет оплаченного периода технической поддержки на дату обращения",
    "act_number_used": "по этому акту техническая поддержка уже продлевалась",
}

# §3.5, §3.6, R-LIC-9/11: license terms in plain Russian, by group and code.
TERMS: dict[str, dict[str, str]] = {
    "purpose": {
        "own_use": "воспроизведение для собственного использования",
        "demo": "демонстрационное представление функциональных возможностей",
        "sublicensing": "предоставление простых неисключительных лицензий (сублицензий)",
        "extension_development": "разработка/тестирование дополнительных функциональных "
        "компонентов (библиотек) в целях расширения функционала",
        "support_modification": "модификации функциональных компонентов (библиотек) в целях "
        "оказания технической поддержки",
    },
    "document": {
        "transfer_act": "акт передачи прав на лицензию",
        "license_certificate": "сертификат на лицензию",
        "supp_agreement": "дополнительное соглашение на техническую поддержку",
    },
    "role": {
        "authorized": "авторизованный партнер",
        "gold": "золотой (официальный) партнер",
    },
    "channel": {
        "post": "почтой",
        "courier": "курьерской службой",
        "edo": "через ЭДО «Диадок»",
    },
}


def tracker_title(code: str | None) -> str:
    return TRACKERS.get(code or "", "не указан")


def priority_title(code: str | None) -> str:
    return PRIORITIES.get(code or "", "не указан")


def reason_title(code: str | None) -> str:
    return REASONS.get(code or "", code or "")


def term(group: str, code: str | None) -> str:
    return TERMS.get(group, {}).get(code or "", code or "")
