"""compose(): the MIME bytes of a reply, read back by the stdlib and by our own parser."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest

from bot.outbox.compose import OutgoingLetter, compose
from parsers import parse_letter
from replies.render import RenderedReply, Renderer

AT = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
MESSAGE_ID = "<0123456789abcdef0123456789abcdef@technocom.tech>"
CONTEXT = {
    "case_number": "TCM-2026-000123",
    "kind": "ticket",
    "state": "needs_info",
    "topic": "Сбой при сохранении",
    "company": "ООО «ТЕХНОКОМ»",
    "phone": "(3452) 39-31-33",
    "reply_mailbox": "support@technocom.tech",
    "received_at": AT,
    "unknown_tags": [],
    "previous_case": None,
    "right_mailbox": None,
    "missing": ["client_inn"],
    "window_ends_at": AT,
    "invalid": [],
}
ENCODED_WORD = re.compile(rb"=\?utf-8\?b\?[A-Za-z0-9+/=]*\?=")


def outgoing(**changes: object) -> OutgoingLetter:
    letter = OutgoingLetter(
        reply_kind="clarification",
        template="clarification",
        sender="support@technocom.tech",
        sender_name="ООО «ТЕХНОКОМ»",
        to="ivan@partner.ru",
        rendered=Renderer().render("clarification", CONTEXT),
        dedupe_key="letter:1:clarification",
        in_reply_to="<first@partner.ru>",
        references=("<root@partner.ru>", "<first@partner.ru>"),
        extra_headers={"X-Partnerdesk-Case": "TCM-2026-000123"},
    )
    return replace(letter, **changes)


def with_subject(subject: str, text: str = "Текст\n", html: str = "<p>Текст</p>\n") -> dict:
    return {"rendered": RenderedReply(subject=subject, text=text, html=html)}


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def raw_header(raw: bytes, name: str) -> bytes:
    """One header as written, folds included."""
    match = re.search(
        rb"^" + name.encode() + rb":(.*?)\r\n(?![ \t])", header_block(raw) + b"\r\n", re.M | re.S
    )
    assert match, name
    return match.group(1)


def assert_round_trip(letter: OutgoingLetter, raw: bytes) -> None:
    """The stdlib (policy.default) and parsers.parse_letter read back what was composed."""
    rendered = letter.rendered
    message = message_from_bytes(raw, policy=default)
    parsed = parse_letter(raw)
    assert not [d for part in message.walk() for d in part.defects]
    assert not parsed.defects
    assert str(message["Subject"]) == parsed.subject == rendered.subject
    [sender] = message["From"].addresses
    assert sender.addr_spec == parsed.from_addr == letter.sender
    assert parsed.from_name == letter.sender_name
    assert [a.addr_spec for a in message["To"].addresses] == [letter.to]
    assert parsed.to == (letter.to,)
    if letter.cc:
        assert [a.addr_spec for a in message["Cc"].addresses] == list(letter.cc)
    assert parsed.cc == letter.cc
    assert [a.addr_spec for a in message["Reply-To"].addresses] == [letter.sender]
    assert message["Message-ID"] == parsed.message_id == MESSAGE_ID
    assert parsed.in_reply_to == ((letter.in_reply_to,) if letter.in_reply_to else ())
    assert parsed.references == letter.references
    assert tuple(str(message["References"] or "").split()) == letter.references
    assert message["Auto-Submitted"] == letter.auto_submitted
    assert message["X-Auto-Response-Suppress"] == "All"
    for name, value in letter.extra_headers.items():
        assert message[name] == value
    assert message["Date"].datetime == AT
    # MIME text is canonically CRLF; both readers give the rendered text back.
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain.get_content().replace("\r\n", "\n") == rendered.text
    assert html.get_content().replace("\r\n", "\n") == rendered.html
    assert parsed.text == rendered.text
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert {p.get_content_charset() for p in message.iter_parts()} == {"utf-8"}


def assert_wire_format(raw: bytes) -> None:
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in raw.replace(b"\r\n", b""), "bare CR"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))  # RFC 5322 §2.1.1
    for line in header_block(raw).split(b"\r\n"):
        assert len(line) <= 78, line
        assert line.isascii(), line
        for word in ENCODED_WORD.findall(line):
            assert len(word) <= 75, word  # RFC 2047 §2


def test_r_thr_2_cyrillic_subject_keeps_the_case_tag_readable_in_the_raw_header() -> None:
    letter = outgoing()
    raw = compose(letter, MESSAGE_ID, AT)
    subject = raw_header(raw, "Subject")
    assert subject.startswith(b" [TCM-2026-000123] =?utf-8?b?")
    assert b"[TCM-2026-000123]" not in b"".join(ENCODED_WORD.findall(subject))
    assert_wire_format(raw)
    assert_round_trip(letter, raw)


def test_ascii_words_of_a_mixed_subject_stay_ascii() -> None:
    letter = outgoing(**with_subject("[TCM-2026-000123] Заявка в Service Desk: уточнение"))
    raw = compose(letter, MESSAGE_ID, AT)
    unencoded = ENCODED_WORD.sub(b"", raw_header(raw, "Subject")).split()
    assert unencoded == [b"[TCM-2026-000123]", b"Service", b"Desk:"]
    assert_round_trip(letter, raw)


def test_ascii_subject_has_no_encoded_words() -> None:
    letter = outgoing(**with_subject("[TCM-2026-000123] Service Desk: request accepted"))
    raw = compose(letter, MESSAGE_ID, AT)
    assert raw_header(raw, "Subject") == b" [TCM-2026-000123] Service Desk: request accepted"
    assert_round_trip(letter, raw)


@pytest.mark.parametrize(
    "subject",
    [
        "[TCM-2026-000123] " + " ".join(["Очень длинная тема письма о закреплении клиента"] * 4),
        "[TCM-2026-000123] Закрепление клиента ООО «Ромашка» (ИНН 7204196795) за партнёром — "
        "решение HQ по заявке PIN-2026-0042 принято",
        "[LIC-2026-000001] Запрос лицензий: 1С:Предприятие 8.3 ПРОФ, 50 рабочих мест, "
        "ООО «Технологии Коммуникаций»",
        # One-letter words between ASCII words: nowhere to fold without encoding some of them.
        "[TCM-2026-000123] " + " ".join(f"а word{i} б" for i in range(12)),
        "[TCM-2026-000123] " + " ".join(["Re: Kaspersky Endpoint Security"] * 6),
        "[TCM-2026-000123] Ссылка https://partner.example.ru/" + "x" * 120 + " в письме",
    ],
)
def test_long_subjects_fold_within_limits_and_read_back_exactly(subject: str) -> None:
    letter = outgoing(**with_subject(subject))
    raw = compose(letter, MESSAGE_ID, AT)
    tag = subject.split()[0].encode()
    assert raw_header(raw, "Subject").startswith(b" " + tag + b" ")
    assert_wire_format(raw)
    assert_round_trip(letter, raw)


def test_subject_whitespace_runs_become_single_spaces() -> None:
    letter = outgoing(**with_subject("[TCM-2026-000123]   Заявка \t принята  "))
    message = message_from_bytes(compose(letter, MESSAGE_ID, AT), policy=default)
    assert message["Subject"] == "[TCM-2026-000123] Заявка принята"


@pytest.mark.parametrize(
    "name",
    [
        "ООО «ТЕХНОКОМ»",
        "Служба поддержки ООО «Технологии Коммуникаций» — отдел партнёров",
        "partnerdesk",
        "Acme, Inc.",
        'Support "Desk"',
        "Иван Петров",
    ],
)
def test_sender_names_are_encoded_when_needed_and_read_back(name: str) -> None:
    letter = outgoing(sender_name=name)
    raw = compose(letter, MESSAGE_ID, AT)
    assert_wire_format(raw)
    assert parse_letter(raw).from_name == name
    [sender] = message_from_bytes(raw, policy=default)["From"].addresses
    assert sender.addr_spec == "support@technocom.tech"
    # policy.default joins the encoded-words of a long name with an extra space (RFC 2047
    # §6.2 says to drop it); the split falls after a space so only spacing can differ.
    assert " ".join(sender.display_name.split()) == name
    if len(name.encode()) <= 42:
        assert sender.display_name == name
    if name.isascii():
        assert not ENCODED_WORD.search(raw_header(raw, "From"))


def test_cyrillic_name_of_a_recipient_is_encoded() -> None:
    letter = outgoing(to="Иван Петров <ivan@partner.ru>")
    raw = compose(letter, MESSAGE_ID, AT)
    [to] = message_from_bytes(raw, policy=default)["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Иван Петров", "ivan@partner.ru")
    assert_wire_format(raw)


def test_many_references_fold_between_ids_never_inside_one() -> None:
    references = tuple(f"<{i:032x}.{i}@mail.partner.example.ru>" for i in range(60))
    letter = outgoing(references=references, in_reply_to=references[-1])
    raw = compose(letter, MESSAGE_ID, AT)
    lines = raw_header(raw, "References").split(b"\r\n")
    assert len(lines) > 10
    for line in lines:
        assert re.fullmatch(rb"( <[^<>\s]+>)+", line), line
    assert_wire_format(raw)
    assert_round_trip(letter, raw)


def test_no_cc_header_when_cc_is_empty_and_every_cc_when_not() -> None:
    raw = compose(outgoing(cc=()), MESSAGE_ID, AT)
    assert b"\r\nCc:" not in header_block(raw)
    letter = outgoing(cc=("hq@technocom.tech", "admin@technocom.tech", "sla@technocom.tech"))
    raw = compose(letter, MESSAGE_ID, AT)
    assert_round_trip(letter, raw)


def test_scheduled_notice_without_thread_headers() -> None:
    letter = outgoing(in_reply_to=None, references=(), auto_submitted="auto-generated")
    raw = compose(letter, MESSAGE_ID, AT)
    assert b"In-Reply-To" not in raw and b"References" not in raw
    assert_round_trip(letter, raw)


def test_extra_headers_are_written_and_may_be_cyrillic_or_empty() -> None:
    extra = {"X-Partnerdesk-Case": "TCM-2026-000123", "X-Note": "Проверка связи", "X-Empty": ""}
    letter = outgoing(extra_headers=extra)
    raw = compose(letter, MESSAGE_ID, AT)
    assert b"\r\nX-Partnerdesk-Case: TCM-2026-000123\r\n" in raw
    assert_wire_format(raw)
    assert_round_trip(letter, raw)


@pytest.mark.parametrize("name", ["X-Bad: name", "X-A\r\nBcc", "", "Subject", "content-type"])
def test_extra_header_with_a_bad_or_taken_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        compose(outgoing(extra_headers={name: "value"}), MESSAGE_ID, AT)


INJECTION = "x\r\nBcc: victim@example.com\r\n\r\nforged body"


@pytest.mark.parametrize(
    "changes",
    [
        with_subject("[TCM-2026-000123] " + INJECTION),
        {"sender_name": INJECTION},
        {"extra_headers": {"X-Partnerdesk-Case": INJECTION}},
        {"auto_submitted": INJECTION},
    ],
)
def test_line_breaks_in_text_headers_become_spaces_not_new_headers(changes: dict) -> None:
    raw = compose(outgoing(**changes), MESSAGE_ID, AT)
    message = message_from_bytes(raw, policy=default)
    assert message["Bcc"] is None
    assert b"\r\nBcc:" not in header_block(raw)
    assert "forged body" not in message.get_body(("plain",)).get_content()
    assert_wire_format(raw)


@pytest.mark.parametrize(
    "changes",
    [
        {"to": "ivan@partner.ru\r\nBcc: victim@example.com"},
        {"cc": ("hq@technocom.tech\nBcc: victim@example.com",)},
        {"sender": "support@technocom.tech\r\nBcc: victim@example.com"},
        {"in_reply_to": "<a@b>\r\nBcc: victim@example.com"},
        {"references": ("<a@b>", "<c@d>\nBcc: victim@example.com")},
    ],
)
def test_line_breaks_in_addresses_and_ids_are_refused(changes: dict) -> None:
    with pytest.raises(ValueError):
        compose(outgoing(**changes), MESSAGE_ID, AT)


def test_own_message_id_must_be_writable() -> None:
    with pytest.raises(ValueError):
        compose(outgoing(), "<a@b>\r\nBcc: victim@example.com", AT)


def test_ids_that_cannot_be_written_are_left_out_of_the_thread_headers() -> None:
    letter = outgoing(in_reply_to="<письмо@partner.ru>", references=("<a@b>", "<c d@e>"))
    message = message_from_bytes(compose(letter, MESSAGE_ID, AT), policy=default)
    assert message["In-Reply-To"] is None
    assert message["References"] == "<a@b>"


def test_an_address_the_parser_mangled_is_written_not_refused() -> None:
    # "=?UTF-8?B?Rm9vLCBCYXI=?= <foo.bar@example.com>" reaches us as the address "foo".
    raw = compose(outgoing(to="foo"), MESSAGE_ID, AT)
    assert raw_header(raw, "To") == b" foo"


def test_international_domain_is_written_as_punycode() -> None:
    raw = compose(outgoing(to="ivan@почта.рф"), MESSAGE_ID, AT)
    assert raw_header(raw, "To") == b" ivan@xn--80a1acny.xn--p1ai"


def body_encoding(raw: bytes, subtype: str) -> str:
    part = message_from_bytes(raw, policy=default).get_body((subtype,))
    return part["Content-Transfer-Encoding"]


def stdlib_encoding(text: str) -> str:
    message = EmailMessage(policy=SMTP)
    message.set_content(text, charset="utf-8")
    return message["Content-Transfer-Encoding"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello\nworld\n", "7bit"),
        ("Привет\nмир\n", "8bit"),
        ("Длинная строка письма, которая не помещается в семьдесят восемь байт.\n", "base64"),
        ("Hello world " * 10 + "\nok é\n", "quoted-printable"),
        ("a" * 100 + "\n" + "б\n" * 20, "quoted-printable"),
        ("", "7bit"),
    ],
)
def test_transfer_encoding_is_the_one_email_contentmanager_chose(text: str, expected: str) -> None:
    letter = outgoing(rendered=RenderedReply(subject="[TCM-1] Тема", text=text, html=text))
    raw = compose(letter, MESSAGE_ID, AT)
    assert body_encoding(raw, "plain") == body_encoding(raw, "html") == expected
    assert stdlib_encoding(text) == expected
    message = message_from_bytes(raw, policy=default)
    content = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert content == (text if text.endswith("\n") else text + "\n")
    assert_wire_format(raw)


@pytest.mark.parametrize(
    "template", ["acceptance", "clarification", "clarification_reminder", "followup_received"]
)
def test_rendered_templates_keep_their_stdlib_transfer_encoding(template: str) -> None:
    context = {**CONTEXT, "warnings": [], "requested_at": AT, "attachments": ["log.zip"]}
    rendered = Renderer().render(template, context)
    letter = outgoing(rendered=rendered, template=template)
    raw = compose(letter, MESSAGE_ID, AT)
    assert body_encoding(raw, "plain") == stdlib_encoding(rendered.text)
    assert body_encoding(raw, "html") == stdlib_encoding(rendered.html)
    assert_wire_format(raw)
    assert_round_trip(letter, raw)


def test_boundary_is_fresh_for_every_reply_and_absent_from_the_parts() -> None:
    text = "--=_ looks like a boundary\n"
    letter = outgoing(rendered=RenderedReply(subject="[TCM-1] x", text=text, html=text))
    first, second = (compose(letter, MESSAGE_ID, AT) for _ in range(2))
    boundaries = [message_from_bytes(raw, policy=default).get_boundary() for raw in (first, second)]
    assert boundaries[0] != boundaries[1]
    assert first.count(boundaries[0].encode()) == 4  # header, two delimiters, the close
    assert first.endswith(b"--" + boundaries[0].encode() + b"--\r\n")
