"""The signed Appendix 1 as a scan (R-LIC-3, D-19): which attachments are the signed form,
and whether a letter is a license request that carries the form only as a scan.

«Форма запроса оформляется на официальном бланке компании за подписью руководителя»: the
partner sends the signed form as a scan (JPEG photo, image-only PDF) or signs the file
electronically (.sig). A phone camera names its photo IMG_1234.jpeg, so an image counts as
the scan when the covering text says the signed request is attached; an inline logo of the
e-mail signature (referenced by cid:) never does. No OCR: the fields of a scan-only form
stay unread, and the reply asks for a text copy (cfg:license.scan_only_policy).
"""

from __future__ import annotations

import re

from parsers.types import AttachmentClass, ParsedLetter

# The request the covering text speaks of: Appendix 1, the license request, the application.
_REQUEST = re.compile(
    r"заявк\w*\s+(?:\w+\s+){0,2}на\s+(?:приобретение\s+|покупку\s+)?лицензи"
    r"|заявк\w*\s+(?:\w+\s+){0,2}на\s+участие\s+в\s+партн[её]рск"
    r"|приложени\w*\s*(?:№\s*)?1\b|форм\w*\s+запроса|запрос\w*\s+(?:на\s+)?лицензи"
    # «подписанная форма (скан) во вложении», «скан заявки», «форма на бланке с подписью».
    r"|(?:подписанн|заполненн)\w*\s+(?:\w+\s+){0,2}(?:форм|заявк|бланк|экземпляр|письм|запрос)"
    r"|скан\w*\s+(?:\w+\s+){0,2}(?:форм|заявк|бланк)|форм\w*\s+(?:\(скан\)|на\s+бланке|с\s+подпис)",
    re.I,
)
# …and that it is attached, signed or scanned.
_ATTACHED = re.compile(
    r"во\s+вложени|вложени[еи]|прилага\w*|приклады\w*|скан\w*|подписанн\w*|подписал\w*", re.I
)


# «По нашей заявке на лицензии (исх. № 112) направляем сканы соглашения»: an earlier request
# named to place the letter, not the request being sent.
_EARLIER = re.compile(
    r"(?:по|к|в\s+продолжение|в\s+дополнение\s+к)\s+(?:нашей\s+|вашей\s+|этой\s+|данной\s+)?"
    r"(?:заявк|запрос)\w*(?:\s+на\s+(?:приобретение\s+)?лицензи\w*)?",
    re.I,
)


def _cover_text(letter: ParsedLetter) -> str:
    text = f"{letter.new_text}\n{letter.forwarded_text}"
    return _EARLIER.sub(" ", f"{letter.subject}\n{text}")


def _covered(letter: ParsedLetter) -> bool:
    text = _cover_text(letter)
    return bool(_REQUEST.search(text) and _ATTACHED.search(text))


def form_scans(letter: ParsedLetter) -> list[str]:
    """File names that satisfy `signed_form`: scans, e-signature containers, and photos
    of the form when the covering text says the signed request is attached."""
    scans = [
        a.filename
        for a in letter.attachments
        if a.cls in (AttachmentClass.SCAN, AttachmentClass.SIGNATURE)
    ]
    covered = _covered(letter)
    scans += [
        a.filename
        for a in letter.attachments
        if a.cls == AttachmentClass.IMAGE
        and not a.inline
        and (covered or _SCAN_NAME.search(a.filename))
    ]
    return scans


# A photo named as a scan or a signed copy («1342_skan.png», «Скан_заявки.jpg»,
# «podpisannaya_forma.jpeg») is one whatever the text says.
_SCAN_NAME = re.compile(r"скан|scan|skan|подпис|podpis", re.I)


def looks_like_license_form_scan(letter: ParsedLetter) -> bool:
    """A license request whose Appendix 1 is only a scan: a covering sentence about the
    request («направляем подписанную заявку на лицензии», «скан заявки (Приложение 1) во
    вложении») and a scan or photo attached, with no text copy of the form."""
    if not _covered(letter):
        return False
    has_text_form = any(
        a.cls in (AttachmentClass.DOCUMENT, AttachmentClass.EMAIL) and a.text.strip()
        for a in letter.attachments
    )
    return not has_text_form and bool(form_scans(letter))
