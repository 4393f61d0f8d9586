"""Automatic mail recognised by what it says: robots that send no RFC 3834 header.

The cues follow what help desks that face the same mail use: Zammad's out-of-office and
bounce filters (subject prefixes of Exchange, Gmail, Yandex, Mail.ru autoresponders), the
fixed texts of MTAs that sisimai and flufl.bounce recognise (Postfix, Exim, Sendmail, qmail,
Exchange, Gmail, Yandex, Mail.ru), and mass-mailing cues for spam (R-MBX-3, R-ID-5, D-37).
"""

from __future__ import annotations

import re

from parsers.types import AttachmentClass, ParsedLetter

# Subjects an autoresponder writes in front of the original subject (Exchange «Автоматический
# ответ:», Yandex/hosting «Автоответ:», Gmail «Out of Office», Apple «Auto reply:» …).
_OOO_SUBJECT = re.compile(
    r"^\s*(?:(?:re|fwd?|отв|ответ|на)\s*:\s*)*(?:автоответ|авто-ответ|автоматическ\w+\s+ответ|"
    r"auto(?:matic|matische)?[\s-]*(?:reply|response|antwort)|autoreply|out\s+of\s+(?:the\s+)?office|"
    r"abwesenheitsnotiz|vacation\s+(?:reply|response|notice)|отпуск\b|я\s+в\s+отпуске|"
    r"нахожусь\s+в\s+отпуске|меня\s+нет\s+на\s+месте|отсутству\w+\s+на\s+рабочем\s+месте)",
    re.I,
)
# What an out-of-office text says; only a short letter saying it counts (a partner may
# mention a vacation inside a real request).
_OOO_TEXT = re.compile(
    # in the first person: «Я в отпуске до …», «Нахожусь в отпуске», «В отпуске до …» opening
    # a sentence — not «Генеральный директор в отпуске до …» inside a request
    r"(?:\bя\s+(?:нахожусь\s+)?|\bнахожусь\s+|(?:^|(?<=[.!?]\s)|(?<=\n)))"
    r"в\s+(?:ежегодном\s+|очередном\s+)?отпуске\s+(?:до|по|с)\b|"
    r"\bбуду\s+отсутствовать\b|\bвременно\s+отсутствую\b|\bв\s+настоящее\s+время\s+отсутствую\b|"
    r"\bотсутствую\s+(?:в\s+офисе|на\s+рабочем\s+месте|до)\b|\bнахожусь\s+в\s+командировке\s+до\b|"
    r"\bэто\s+(?:письмо|сообщение)\s+(?:создано|сформировано|отправлено)\s+автоматически|"
    r"\bавтоматическ\w+\s+(?:ответ|уведомлени)|"
    r"\bi\s*(?:am|'m|will\s+be)\s+(?:currently\s+)?(?:out\s+of\s+(?:the\s+)?office|on\s+(?:annual\s+)?(?:vacation|leave|holiday))|"
    r"\bout\s+of\s+(?:the\s+)?office\s+(?:until|till|from)\b|\bwith\s+limited\s+access\s+to\s+(?:e-?mail|my\s+mail)",
    re.I,
)
_OOO_MAX_CHARS = 900
# Bounce subjects: Postfix, Exim, Sendmail, qmail, Exchange (en/ru), Gmail, Yandex, Mail.ru.
_BOUNCE_SUBJECT = re.compile(
    r"undeliver(?:ed|able)|delivery\s+status\s+notification|returned\s+mail|mail\s+delivery\s+(?:failed|failure|system)|"
    r"delivery\s+(?:failure|has\s+failed|notification)|failure\s+notice|non[\s-]?delivery|could\s+not\s+send\s+message|"
    r"mail\s+system\s+error|message\s+not\s+delivered|"
    r"не\s*удается\s+доставить|не\s+удалось\s+доставить|недоставленн\w+\s+(?:сообщени|письм)|"
    r"(?:сообщение|письмо)\s+не\s+доставлено|"
    r"возвращенн\w+\s+(?:письм|сообщени)",
    re.I,
)
# Fixed texts only MTAs write (Postfix, qmail, Exim, Sendmail, Exchange, Yandex, Mail.ru).
_MTA_TEXT = re.compile(
    r"this\s+is\s+the\s+mail\s+system\s+at\s+host|this\s+is\s+the\s+qmail-send\s+program|"
    r"this\s+message\s+was\s+created\s+automatically\s+by\s+mail\s+delivery\s+software|"
    r"the\s+original\s+message\s+was\s+received\s+at\s+\w|delivery\s+has\s+failed\s+to\s+these\s+recipients|"
    r"письмо\s+создано\s+автоматически\s+почтовым\s+сервером|диагностические\s+сведения\s+для\s+администраторов|"
    r"не\s+удалось\s+доставить\s+сообщение\s+следующим\s+получателям",
    re.I,
)
# Weaker wording of a failed delivery: counts together with a bounce subject.
_BOUNCE_TEXT = re.compile(
    r"could\s+not\s+be\s+delivered|delivery\s+to\s+the\s+following\s+recipients?\s+(?:failed|has\s+been\s+delayed)|"
    r"your\s+message\s+(?:wasn't|was\s+not|couldn't\s+be|could\s+not\s+be)\s+delivered|address\s+not\s+found|"
    r"permanent\s+(?:error|failure)|mailbox\s+(?:full|unavailable|not\s+found)|user\s+unknown|\b5\.\d\.\d+\b|"
    r"не\s+(?:удалось|удается)\s+доставить|не\s+(?:было\s+)?доставлено|ящик\s+(?:получателя\s+)?переполнен|"
    r"адрес\w*\s+не\s+(?:найден|существует)",
    re.I,
)
_REPLY = re.compile(r"^\s*(?:re|fwd?|fw|отв|ответ|на|пересл)\s*:", re.I)
# Parts of a delivery status notification (RFC 3464, RFC 6533) and of the returned headers.
_DSN_PARTS = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "text/rfc822-headers",
        "message/rfc822-headers",
    }
)
# Other reports only machines write: read receipts (RFC 8098) and abuse reports (RFC 5965).
_REPORT_PARTS = frozenset({"message/disposition-notification", "message/feedback-report"})
# Cues of mass mailing and advertising; spam needs several of them (or a failed DMARC).
_SPAM_CUES = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        r"скидк\w*\s+(?:до\s+)?\d+\s*%|\d+\s*%\s+скидк|\bsale\b|\bdiscount\b",
        r"только\s+(?:до|сегодня)|успейте|спешите|ограниченное\s+предложение|limited\s+(?:time\s+)?offer|act\s+now",
        r"(?:закажите|заказать|купить|купите|звоните|order\s+now|buy\s+now|click\s+here)\b",
        r"баз\w*\s+данных\s+(?:предприятий|компаний|организаций|клиентов)|\d[\d\s]{3,}\s+(?:актуальных\s+)?(?:контактов|адресов|e-?mail)",
        r"отписаться|unsubscribe|не\s+является\s+(?:спамом|рассылкой)|рассылк\w+\s+(?:по|для)",
        r"!{2,}",
        r"(?:telegram|whatsapp|viber)\s*:",
        r"https?://\S+\.(?:top|xyz|click|shop|online|site|club|icu|buzz)\b",
        r"заработ\w+|доход\w*\s+от|инвестиц|казино|casino|viagra|lottery|лотере",
    )
)
_SHOUT = re.compile(r"\b[A-ZА-ЯЁ]{4,}\b")
_BULK_MAILERS = re.compile(
    r"phpmailer|sendblaster|epochta|mailchimp|sendpulse|unisender|mailerlite|sendgrid|mass\s*mail|bulk",
    re.I,
)
_DMARC_FAIL = re.compile(r"\bdmarc\s*=\s*fail\b", re.I)
_SPF_FAIL = re.compile(r"\bspf\s*=\s*(?:fail|softfail)\b", re.I)
_DKIM_FAIL = re.compile(r"\bdkim\s*=\s*fail\b", re.I)


def _parts(letter: ParsedLetter) -> set[str]:
    return {a.content_type.lower() for a in letter.attachments} | {letter.content_type.lower()}


def out_of_office(letter: ParsedLetter) -> str | None:
    """An autoresponder's letter without Auto-Submitted: by its subject or its short text."""
    if _OOO_SUBJECT.search(letter.subject):
        return f"out-of-office subject «{letter.subject[:60]}»"
    text = letter.new_text.strip()
    # an autoresponder attaches no documents: a short letter with a form is a request
    papers = (AttachmentClass.DOCUMENT, AttachmentClass.SCAN)
    documents = any(a.cls in papers for a in letter.attachments)
    if len(text) <= _OOO_MAX_CHARS and not documents and (match := _OOO_TEXT.search(text)):
        return f"out-of-office text «{' '.join(match.group(0).split())}»"
    return None


def bounce(letter: ParsedLetter) -> str | None:
    """A delivery failure report: a DSN/MDN/ARF part, or a bounce subject with an MTA text."""
    if parts := sorted(_parts(letter) & _DSN_PARTS):
        return f"delivery report part {parts[0]}"
    head = letter.new_text[:4000]
    if match := _MTA_TEXT.search(head):
        return f"delivery failure report «{' '.join(match.group(0).split())}»"
    subject = _BOUNCE_SUBJECT.search(letter.subject)
    if subject and (_BOUNCE_TEXT.search(head) or not _REPLY.match(letter.subject)):
        return f"delivery failure report «{subject.group(0)}»"
    return None


def auth_failed(letter: ParsedLetter) -> bool:
    """R-ID-5: our server says the sender's domain did not authorise it."""
    results = " ".join(letter.header_all("authentication-results"))
    return bool(
        _DMARC_FAIL.search(results) or (_SPF_FAIL.search(results) and _DKIM_FAIL.search(results))
    )


def spam(letter: ParsedLetter) -> str | None:
    """Obvious advertising: several mass-mailing cues, fewer when authentication failed."""
    text = f"{letter.subject[:1000]}\n{letter.new_text[:5000]}"
    cues = [p.pattern[:24] for p in _SPAM_CUES if p.search(text)]
    if len(_SHOUT.findall(text)) >= 4:
        cues.append("shouting")
    if _BULK_MAILERS.search(letter.header("x-mailer") or ""):
        cues.append("bulk mailer")
    reply_to = (letter.header("reply-to") or "").lower()
    sender_domain = letter.from_addr.rpartition("@")[2].lower()
    if reply_to and sender_domain and sender_domain not in reply_to:
        cues.append("reply-to elsewhere")
    needed = 2 if auth_failed(letter) else 4
    if len(cues) >= needed:
        return f"spam: {len(cues)} mass-mailing cues" + (", DMARC failed" if needed == 2 else "")
    return None


def automatic_by_content(letter: ParsedLetter) -> str | None:
    """Why the letter is automatic by its content, or None."""
    if parts := sorted(_parts(letter) & _REPORT_PARTS):
        return f"machine report part {parts[0]}"
    return bounce(letter) or out_of_office(letter) or spam(letter)
