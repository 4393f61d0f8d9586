"""Issue 19 (hostile mail), the minor defects: each test failed on the code before its fix."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import func, select

from bot.app import Service
from bot.ingest import Arrival
from bot.pipeline import Pipeline
from bot.reply_guard import MAX_HQ_NOTICES_PER_HOUR
from bot.store.models import Letter
from parsers.types import ParsedLetter
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, letter

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_letter_writers_are_split_under_300_lines_without_a_cycle() -> None:
    # The reply writer was one 389-line module; it is now bot/letters/, one module per
    # addressee, HQ notices imported one way only (partner letters use them, not back).
    folder = ROOT / "bot" / "letters"
    modules = sorted(folder.glob("*.py"))
    assert {path.name for path in modules} >= {"partner.py", "hq.py", "case.py", "writer.py"}
    for path in modules:
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines < 300, f"bot/letters/{path.name} has {lines} lines"
    assert "bot.letters.hq" in _imports(folder / "partner.py")
    assert not {"bot.letters.partner", "bot.letters.case"} & _imports(folder / "hq.py")
    assert not (ROOT / "bot" / "letters_out.py").exists()


def _arrival(service: Service, raw: bytes) -> Arrival:
    return Arrival(raw=raw, received_at=service.clock.now(), source="test")


def _templates(result) -> list[str]:
    return [reply["template"] for reply in result.replies]


# -- 1. a known Message-ID on another letter (R-MBX-1) --------------------------------------


def test_r_mbx_1_another_letter_with_a_known_message_id_is_kept_and_quarantined(
    service: Service,
) -> None:
    first = deliver(service, letter(message_id="<same@partner.ru>", body=COMPLETE_TICKET))
    assert first.status == "processed"
    forged = letter(
        message_id="<same@partner.ru>",
        sender="mallory@elsewhere.example",
        subject="Другое",
        body="Совсем другое письмо",
    )
    second = deliver(service, forged)
    assert not second.duplicate and second.letter_id != first.letter_id
    assert second.status == "quarantined" and "reused Message-ID" in (second.reason or "")
    notice = next(r for r in second.replies if r["template"] == "hq_quarantine")
    assert f"show-letter {first.letter_id}" in notice["text"]
    assert f"reprocess {second.letter_id}" in notice["text"]
    # Its own retry is its duplicate, not a third letter; HQ's re-run processes it.
    assert deliver(service, forged).letter_id == second.letter_id
    again = service.pipeline.reprocess(second.letter_id)
    assert again.status != "quarantined"
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 2


def test_r_mbx_1_automatic_mail_reusing_a_known_message_id_is_only_stored(
    service: Service,
) -> None:
    """An auto-reply or bounce under a known Message-ID is never answered anyway: it is
    stored apart and ignored, with no quarantine for HQ to clear (R-MBX-1, R-MBX-3)."""
    deliver(service, letter(message_id="<known@partner.ru>", body=COMPLETE_TICKET))
    auto = letter(
        message_id="<known@partner.ru>",
        subject="Автоответ: Сбой",
        body="Я в отпуске до понедельника.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    result = deliver(service, auto)
    assert not result.duplicate and result.status == "ignored"
    assert result.replies == []


def test_r_mbx_1_the_same_letter_through_another_relay_is_still_a_duplicate(
    service: Service,
) -> None:
    raw = letter(message_id="<twice@partner.ru>", body=COMPLETE_TICKET)
    first = deliver(service, raw)
    trace = (
        b"Return-Path: <ivan@partner.ru>\r\nDelivered-To: support@technocom.tech\r\n"
        b"Received: from mx2 by imap; Mon, 2 Mar 2026 10:01:00 +0500\r\nX-Spam-Score: 0\r\n"
    )
    # Through IMAP: trace fields in front, LF line endings.
    second = deliver(service, (trace + raw).replace(b"\r\n", b"\n"))
    assert second.duplicate and second.letter_id == first.letter_id


def test_r_mbx_1_a_batch_keeps_a_reused_message_id_apart_too(service: Service) -> None:
    deliver(service, letter(message_id="<batch@partner.ru>", body=COMPLETE_TICKET))
    arrivals = [
        _arrival(service, letter(body=COMPLETE_TICKET)),
        _arrival(service, letter(message_id="<batch@partner.ru>", body="Другое")),
    ]
    results = service.pipeline.ingest_many(arrivals)
    assert results[0].status == "processed"
    assert results[1].status == "quarantined" and not results[1].duplicate


# -- 4. a letter without From -----------------------------------------------------------------


def _without_from(n: int) -> bytes:
    return (
        f"To: support@technocom.tech\r\nSubject: Без отправителя {n}\r\n"
        f"Message-ID: <nofrom-{n}@example.org>\r\nDate: Mon, 2 Mar 2026 05:00:00 +0000\r\n\r\n"
        "Текст\r\n"
    ).encode()


def test_issue19_a_letter_without_from_is_ignored_and_hq_is_told(service: Service) -> None:
    result = deliver(service, _without_from(0))
    assert result.status == "ignored"
    assert [(r["to"], r["template"]) for r in result.replies] == [
        ("hq@technocom.tech", "hq_no_sender")
    ]
    assert f"partnerdesk show-letter {result.letter_id}" in result.replies[0]["text"]


def test_issue19_notices_of_letters_without_from_are_capped(service: Service) -> None:
    results = [deliver(service, _without_from(n)) for n in range(MAX_HQ_NOTICES_PER_HOUR + 5)]
    replies = [r for result in results for r in result.replies]
    sent = [r for r in replies if r["template"] == "hq_no_sender" and r["status"] == "queued"]
    held = [r for r in replies if r["template"] == "hq_no_sender" and r["status"] == "held"]
    assert len(sent) == MAX_HQ_NOTICES_PER_HOUR and len(held) == 5
    # One summary for the hour says the rest are held and how to release them.
    assert "hq_notices_held" in _templates(results[MAX_HQ_NOTICES_PER_HOUR])


# -- 5. raw UTF-8 subjects in the quarantine notice -------------------------------------------


def test_issue19_quarantine_notice_decodes_a_raw_utf8_subject(service: Service) -> None:
    def exploding(raw: bytes) -> ParsedLetter:
        raise RuntimeError("parser exploded")

    real = service.pipeline
    service.pipeline = Pipeline(
        real._sessions, real._clock, real._config, real._applier, real._rules, reader=exploding
    )
    raw = (
        b"From: ivan@partner.ru\r\nTo: support@technocom.tech\r\nSubject: "
        + "Сбой лицензии".encode()
        + b"\r\nMessage-ID: <u8@partner.ru>\r\nDate: Mon, 2 Mar 2026 05:00:00 +0000\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n\r\nТекст\r\n".encode()
    )
    result = deliver(service, raw)
    assert result.status == "quarantined"
    notice = next(r for r in result.replies if r["template"] == "hq_quarantine")
    assert "Сбой лицензии" in notice["subject"] and "\ufffd" not in notice["subject"]
