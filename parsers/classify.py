"""Letter kind from the thread, the subject, the words and the attachments (R-MBX-9, §2.3–§2.4).

Order: (1) inside a case thread, a follow-up of that case unless the letter is clearly a
new request of another kind (R-THR-8); (2) an explicit kind marker in the subject; (3) a
score over the §2.3 signals of the subject, the new text and text attachments, with the
mailbox as a prior. Quoted history never counts (R-MBX-11). A tie is not guessed: the
letter becomes `inquiry` with `ambiguous=True` so that the service asks the partner.
"""

from __future__ import annotations

import re

from parsers.types import AttachmentClass, Classification, Kind, ParsedLetter

_F = re.I | re.S
# (kind, weight, pattern). Word stems keep Russian forms together: «закреп» matches
# закрепить / закрепление / закреплении; «лицензи» matches лицензия / лицензий.
SIGNALS: tuple[tuple[Kind, int, re.Pattern[str]], ...] = tuple(
    (kind, weight, re.compile(pattern, _F))
    for kind, weight, pattern in (
        (Kind.PIN_REQUEST, 4, r"предварительн\w*\s+закреп"),
        (Kind.PIN_REQUEST, 3, r"(?:прошу|просим)\s+(?:\w+\s+){0,2}закрепить|закреплени\w+\s+(?:клиента|заказчика|организации)"),
        (Kind.PIN_REQUEST, 2, r"реестр\w*\s+клиент"),
        (Kind.PIN_REQUEST, 2, r"причин\w+\s+интереса"),
        (Kind.PIN_REQUEST, 1, r"контактн\w+\s+лиц"),
        (Kind.LICENSE_REQUEST, 4, r"запрос\w*\s+(?:на\s+)?лицензи|заявк\w+\s+на\s+приобретение\s+лицензи"),
        (Kind.LICENSE_REQUEST, 4, r"заявк\w+\s+на\s+участие\s+в\s+партнерской\s+программе"),
        (Kind.LICENSE_REQUEST, 2, r"дистрибьюторск\w+\s+соглашени|приложени\w+\s*(?:№\s*)?1\b|форм\w+\s+запроса"),
        (Kind.LICENSE_REQUEST, 2, r"конечн\w+\s+заказчик"),
        (Kind.LICENSE_REQUEST, 2, r"цел\w+\s+приобретения"),
        (Kind.LICENSE_REQUEST, 1, r"\bр/сч|\bк/сч|\bбик\b"),
        (Kind.TICKET, 2, r"ошибк|сбо[йяею]|не\s+работает|зависа|потер\w+\s+данных|недоступ|падает|вылета"),
        (Kind.TICKET, 2, r"tracker|priority|самостоятельной\s+диагностики|базовое\s+по|последовательност\w+\s+действий"),
        (Kind.TICKET, 1, r"\bлог(?:и|ов|а)?\b|скриншот|доработк|новый\s+функционал|техническое\s+задание"),
        (Kind.TICKET, 1, r"консультаци|как\s+настроить|документаци|service\s+desk"),
        (Kind.RESOURCE, 4, r"ресурс\w*\s+(?:сотрудник|разработчик|специалист)\w*\s+(?:головного\s+офиса|ГО)"),
        (Kind.RESOURCE, 3, r"оценк\w+\s+(?:мероприятия\s+)?в\s+часах|желаемое\s+время"),
        (Kind.RESOURCE, 1, r"настройк|конфигурирован|подключени\w+\s+к\s+предприяти"),
        (Kind.SD_ACCOUNT, 4, r"учетн\w+\s+запис\w*|доступ\w*\s+к\s+service\s+desk"),
        (Kind.SD_ACCOUNT, 2, r"согласи\w*\s+(?:\w+\s+){0,4}на\s+обработку\s+персональных"),
        (Kind.PIN_CONFIRMATION, 4, r"перечень\s+(?:специализированного\s+)?(?:по\b|программного)"),
        (Kind.PIN_CONFIRMATION, 3, r"государственной\s+регистрации|статус\s+закрепленного"),
        (Kind.PIN_CONFIRMATION, 2, r"\b(?:199[4-9]|20[0-4]\d)6\d{5}\b"),
        (Kind.PIN_EXTENSION, 5, r"продл\w+\s+(?:\w+\s+){0,3}закреплени|просим\s+продлить|продлени\w+\s+(?:срока\s+)?предварительного"),
        (Kind.ANNUAL_REPORT, 4, r"ежегодн\w+\s+отчет|отчет\w*\s+об\s+использовании|актуализаци\w+\s+(?:информации|статуса)"),
        (Kind.ANNUAL_REPORT, 3, r"проведенн\w+\s+поставк|планируем\w+\s+поставк"),
        (Kind.LICENSE_DOCUMENTS, 3, r"платежн\w+\s+поручени|п/п\s*№|оплатили|оплата\s+произведена"),
        (Kind.LICENSE_DOCUMENTS, 3, r"подписанн\w+\s+(?:\w+\s+)?(?:лицензионн|соглашени|договор|акт|документ)|со\s+своей\s+стороны"),
        (Kind.LICENSE_DOCUMENTS, 2, r"оригинал\w*\s+(?:\w+\s+)?(?:получ|отправ)|акт\w*\s+(?:на\s+)?передач"),
    )
)  # fmt: skip
# R-MBX-9 step 2: an explicit kind marker in the subject outweighs content words.
SUBJECT_MARKERS: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (Kind.PIN_REQUEST, r"предварительн\w*\s+закреп|закреплени\w+\s+клиент"),
        (Kind.LICENSE_REQUEST, r"запрос\w*\s+лицензи|заявк\w+\s+на\s+(?:участие|приобретение)"),
        (Kind.ANNUAL_REPORT, r"^(?:(?:re|fwd?|отв|ответ|на)\s*:\s*)*отч[её]т"),
        (Kind.PIN_EXTENSION, r"продлени\w*\s+(?:предварительного\s+)?закреплени"),
        (Kind.PIN_CONFIRMATION, r"перечень\s+(?:специализированного\s+)?по"),
        (Kind.SD_ACCOUNT, r"учетн\w+\s+запис"),
        (Kind.RESOURCE, r"ресурс\w*\s+сотрудник"),
    )
)
# Appendix 1 form markers (§2.3): three or more make a letter a license request.
FORM_MARKERS = tuple(
    re.compile(p, re.I)
    for p in (
        r"ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ",
        r"Наименование программного обеспечения",
        r"Цель приобретения ПО",
        r"Р/сч[её]т",
        r"К/сч[её]т",
        r"\bБИК\b",
        r"\bОГРН",
        r"Исх\.\s*№",
        r"М\.П\.",
        r"расшифровк\w*\s+подписи",
    )
)
NEW_REQUEST_KINDS = (
    Kind.PIN_REQUEST,
    Kind.LICENSE_REQUEST,
    Kind.TICKET,
    Kind.RESOURCE,
    Kind.SD_ACCOUNT,
)
FAMILY = {
    Kind.PIN_REQUEST: "pin",
    Kind.PIN_CONFIRMATION: "pin",
    Kind.PIN_EXTENSION: "pin",
    Kind.ANNUAL_REPORT: "pin",
    Kind.LICENSE_REQUEST: "license",
    Kind.LICENSE_DOCUMENTS: "license",
    Kind.TICKET: "ticket",
    Kind.RESOURCE: "resource",
    Kind.SD_ACCOUNT: "sd_account",
    Kind.INQUIRY: "inquiry",
}
GENERAL_KINDS = frozenset(
    k for k, f in FAMILY.items() if f in ("pin", "license", "resource", "sd_account")
)
MIN_SCORE = 3  # cfg:classify.min_score
SPLIT_SCORE = 6  # a new request inside another thread must be this clear (R-THR-8)


def _haystack(letter: ParsedLetter) -> str:
    texts = [letter.subject, letter.new_text]
    texts += [
        a.text[:20000] for a in letter.attachments if a.text and a.cls == AttachmentClass.DOCUMENT
    ]
    return "\n".join(texts)


def score(letter: ParsedLetter, mailbox_role: str | None) -> tuple[dict[Kind, int], list[str]]:
    """Points per kind and the reasons, in words HQ can read in `parse --json`."""
    text = _haystack(letter)
    scores: dict[Kind, int] = {}
    reasons: list[str] = []
    for kind, weight, pattern in SIGNALS:
        if match := pattern.search(text):
            scores[kind] = scores.get(kind, 0) + weight
            reasons.append(f"{kind.value} +{weight}: «{' '.join(match.group(0).split())[:40]}»")
    for kind, pattern in SUBJECT_MARKERS:
        if pattern.search(letter.subject):
            scores[kind] = scores.get(kind, 0) + 4
            reasons.append(f"{kind.value} +4: subject marker")
    markers = sum(1 for m in FORM_MARKERS if m.search(text))
    if markers >= 3:
        scores[Kind.LICENSE_REQUEST] = scores.get(Kind.LICENSE_REQUEST, 0) + 6
        reasons.append(f"license_request +6: {markers} Appendix 1 form markers")
    classes = {a.cls for a in letter.attachments}
    if classes & {AttachmentClass.LOG, AttachmentClass.IMAGE}:
        scores[Kind.TICKET] = scores.get(Kind.TICKET, 0) + 1
        reasons.append("ticket +1: logs or screenshots attached")
    if mailbox_role == "support":
        scores[Kind.TICKET] = scores.get(Kind.TICKET, 0) + 2
        reasons.append("ticket +2: mailbox support@ prior")
    return scores, reasons


def _wrong_mailbox(kind: Kind, mailbox_role: str | None) -> str | None:
    """R-MBX-6: the mailbox this kind should have been sent to, when it was not."""
    if mailbox_role == "support" and kind in GENERAL_KINDS:
        return "general"
    if mailbox_role == "general" and kind == Kind.TICKET:
        return "support"
    return None


def _family(thread_kind: str) -> str:
    """The case family of a thread; the service may name it by kind or by case type."""
    try:
        return FAMILY.get(Kind(thread_kind), thread_kind)
    except ValueError:
        return thread_kind  # "pin", "license", "ticket" … as in §2.2


def _in_thread(
    scores: dict[Kind, int], reasons: list[str], thread_kind: str, mailbox_role: str | None
) -> Classification:
    family = _family(thread_kind)
    others = [(s, k) for k, s in scores.items() if k in NEW_REQUEST_KINDS and FAMILY[k] != family]
    if others:
        best_score, best = max(others, key=lambda item: item[0])
        if best_score >= SPLIT_SCORE:
            why = (*reasons, f"new {best.value} inside a {thread_kind} thread (R-THR-8)")
            return Classification(best, 0.8, why, _wrong_mailbox(best, mailbox_role))
    followups = {
        "pin": (Kind.PIN_CONFIRMATION, Kind.PIN_EXTENSION, Kind.ANNUAL_REPORT),
        "license": (Kind.LICENSE_DOCUMENTS,),
    }.get(family, ())
    ranked = sorted(((scores.get(k, 0), k) for k in followups), key=lambda i: i[0], reverse=True)
    if ranked and ranked[0][0] >= MIN_SCORE:
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
            why = (*reasons, "tie between follow-up kinds")
            return Classification(Kind.FOLLOWUP, 0.4, why, None, True, (ranked[0][1], ranked[1][1]))
        kind = ranked[0][1]
        return Classification(
            kind,
            0.9,
            (*reasons, f"follow-up in a {thread_kind} thread"),
            _wrong_mailbox(kind, mailbox_role),
        )
    return Classification(Kind.FOLLOWUP, 0.9, (*reasons, f"reply in a {thread_kind} thread"))


def classify(
    letter: ParsedLetter, mailbox_role: str | None, *, thread_kind: str | None = None
) -> Classification:
    """Kind, confidence and reasons; `thread_kind` is the kind of the case thread, if any."""
    scores, reasons = score(letter, mailbox_role)
    if thread_kind:
        return _in_thread(scores, reasons, thread_kind, mailbox_role)
    if not scores:
        return Classification(Kind.INQUIRY, 0.3, ("no kind signals",))
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    if best_score < MIN_SCORE:
        return Classification(
            Kind.INQUIRY, 0.3, (*reasons, f"best score {best_score} below {MIN_SCORE}")
        )
    if len(ranked) > 1 and ranked[1][1] == best_score:
        tied = tuple(k for k, s in ranked if s == best_score)
        why = (*reasons, f"tie between {', '.join(k.value for k in tied)}: ask the partner")
        return Classification(Kind.INQUIRY, 0.4, why, None, True, tied)
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    confidence = round(min(0.99, 0.5 + (best_score - runner_up) / (2 * best_score)), 2)
    return Classification(best, confidence, tuple(reasons), _wrong_mailbox(best, mailbox_role))
