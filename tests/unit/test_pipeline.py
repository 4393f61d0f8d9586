"""The letter path through `Pipeline.ingest` with a frozen clock (service-core issue)."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from sqlalchemy import func, select

from bot.store.models import Case, Deadline, Letter, OutboxMessage
from parsers.types import ParsedLetter
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, dsn, letter


def _count(service, model, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _outbox(service) -> list[OutboxMessage]:
    with service.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_r_thr_1_2_new_letter_gets_case_number_and_tagged_reply(service) -> None:
    result = deliver(service, letter(subject="Ошибка при сохранении", body=COMPLETE_TICKET))
    assert result.case == "TCM-000001"
    assert result.kind == "ticket"
    assert result.state == "open"
    [reply] = result.replies
    assert reply["kind"] == "acceptance"
    assert reply["subject"].startswith("[TCM-000001] ")
    assert reply["to"] == "ivan@partner.ru"
    assert "TCM-000001" in reply["text"].splitlines()[0]  # number on the first line (§6)


def test_r_thr_3_reply_threads_and_is_marked_auto_replied(service) -> None:
    deliver(service, letter(message_id="<first@partner.ru>", body=COMPLETE_TICKET))
    [row] = _outbox(service)
    msg = message_from_bytes(row.raw, policy=default)
    assert msg["In-Reply-To"] == "<first@partner.ru>"
    assert "<first@partner.ru>" in msg["References"]
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["Message-ID"].endswith("@technocom.tech>")
    assert msg["From"].addresses[0].addr_spec == "support@technocom.tech"
    # RFC 2047: the Cyrillic subject is encoded on the wire and decodes back intact.
    assert b"=?utf-8?" in row.raw.split(b"\r\n\r\n", 1)[0]
    assert msg["Subject"] == row.subject
    assert msg.get_body("plain") is not None and msg.get_body("html") is not None


def test_followup_by_references_stays_in_case(service) -> None:
    first = deliver(service, letter(message_id="<t1@partner.ru>", body=INCOMPLETE_TICKET))
    [reply] = first.replies
    second = deliver(
        service,
        letter(
            subject="Совсем другая тема",
            body="Вот данные",
            in_reply_to=reply["message_id"],
            references=["<t1@partner.ru>", reply["message_id"]],
        ),
    )
    assert second.case == first.case
    assert second.kind == "followup"
    assert _count(service, Case) == 1


def test_followup_by_subject_tag_only(service) -> None:
    first = deliver(service, letter(body=INCOMPLETE_TICKET))
    second = deliver(service, letter(subject=f"Re: [{first.case}] Вопрос", body="Дополняю"))
    assert second.case == first.case


def test_new_thread_from_same_sender_is_new_case(service) -> None:
    first = deliver(service, letter(subject="Вопрос", body=COMPLETE_TICKET))
    second = deliver(service, letter(subject="Вопрос", body=COMPLETE_TICKET))
    assert (first.case, second.case) == ("TCM-000001", "TCM-000002")


def test_r_val_6_clarification_answer_completes_case(service, frozen_clock) -> None:
    first = deliver(service, letter(message_id="<q1@partner.ru>", body=INCOMPLETE_TICKET))
    assert first.state == "needs_info"
    assert {"legal_entity", "license_contract", "software_name"} <= set(first.missing)
    frozen_clock.advance(hours=2)
    answer = deliver(
        service,
        letter(
            subject="Re: ответ", body=COMPLETE_TICKET, in_reply_to=first.replies[0]["message_id"]
        ),
    )
    assert (answer.case, answer.state, answer.missing) == (first.case, "open", [])
    assert [r["kind"] for r in answer.replies] == ["acceptance"]
    # The clarification timers are cancelled once the data are complete; the SLA ones run.
    with service.sessions() as session:
        pending = set(session.scalars(select(Deadline.kind).where(Deadline.status == "pending")))
    assert pending == {"sla_at_risk", "sla_breach"}


def test_invalid_inn_is_reported_as_invalid_not_missing(service) -> None:
    body = COMPLETE_TICKET.replace("7204196795", "7204196796")  # checksum broken
    result = deliver(service, letter(body=body))
    assert result.state == "needs_info"
    [item] = result.invalid
    assert item["field"] == "legal_entity" and "контрольная сумма ИНН не сходится" in item["reason"]
    assert result.missing == []
    text = result.replies[0]["text"]
    assert "контрольная сумма ИНН не сходится" in text and "«ООО «Северный кадастр»" in text


def test_r_id_1_a_partner_whose_name_holds_a_comma_is_still_recognised(service) -> None:
    # Mail clients encode such a name as one RFC 2047 word; the comma appears only decoded.
    raw = letter(body=COMPLETE_TICKET, sender_name="Петров, Иван (ООО «Партнер»)")
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0]
    result = deliver(service, raw)
    assert (result.kind, result.status) == ("ticket", "processed")
    assert result.replies[0]["to"] == "ivan@partner.ru"
    with service.sessions() as session:
        assert session.scalar(select(Letter.from_addr)) == "ivan@partner.ru"


def test_same_letter_twice_is_one_case_one_reply(service) -> None:
    raw = letter(message_id="<dup@partner.ru>", body=COMPLETE_TICKET)
    first = deliver(service, raw)
    second = deliver(service, raw)
    assert second.duplicate and second.case == first.case and second.replies == []
    assert _count(service, Case) == 1
    assert _count(service, OutboxMessage) == 1
    assert _count(service, Letter) == 1


def test_r_mbx_1_letter_to_both_mailboxes_is_one_case_recording_both(service) -> None:
    raw = letter(to="mail@technocom.tech, support@technocom.tech", body=COMPLETE_TICKET)
    deliver(service, raw, to=("support@technocom.tech",))
    deliver(service, raw, to=("mail@technocom.tech",))
    with service.sessions() as session:
        row = session.scalar(select(Letter))
        assert set(row.mailboxes) == {"general", "support"}
    assert _count(service, Case) == 1


def test_r_mbx_3_auto_reply_is_stored_and_attached_without_reply(service) -> None:
    first = deliver(service, letter(message_id="<o1@partner.ru>", body=INCOMPLETE_TICKET))
    ooo = deliver(
        service,
        letter(
            subject="Автоответ: Re: вопрос",
            headers={"Auto-Submitted": "auto-replied"},
            in_reply_to=first.replies[0]["message_id"],
        ),
    )
    assert (ooo.kind, ooo.status, ooo.replies) == ("ignored", "ignored", [])
    assert ooo.case == first.case  # attached to its case history
    assert _count(service, OutboxMessage) == 1


def test_r_mbx_3_list_letter_is_stored_without_reply(service) -> None:
    result = deliver(service, letter(headers={"List-Id": "<news.partner.ru>"}))
    assert (result.kind, result.case, result.replies) == ("ignored", None, [])
    assert _count(service, Letter, Letter.status == "ignored") == 1


def test_r_mbx_3_bounce_of_our_reply_alerts_hq_not_partner(service) -> None:
    first = deliver(service, letter(body=COMPLETE_TICKET))
    bounce = deliver(service, dsn(first.replies[0]["message_id"]))
    assert bounce.kind == "ignored"
    assert [(r["to"], r["template"]) for r in bounce.replies] == [
        ("hq@technocom.tech", "hq_bounce")
    ]


def test_r_mbx_7_hq_staff_letter_gets_no_auto_reply(service) -> None:
    first = deliver(service, letter(body=INCOMPLETE_TICKET))
    hq = deliver(
        service,
        letter(
            sender="hq@technocom.tech", subject=f"Re: [{first.case}]", body="Коллеги, посмотрите"
        ),
    )
    assert (hq.kind, hq.case, hq.replies) == ("hq_command", first.case, [])


def test_r_mbx_4_replies_over_hourly_limit_are_held_and_hq_told(service) -> None:
    limit = service.settings.mail.max_auto_replies_per_sender_per_hour
    results = [deliver(service, letter(body=COMPLETE_TICKET)) for _ in range(limit + 1)]
    assert all(r.replies[0]["status"] == "queued" for r in results[:limit])
    last = results[-1]
    assert last.case is not None  # still processed
    assert [(r["kind"], r["status"]) for r in last.replies][:1] == [("acceptance", "held")]
    assert [(r["template"], r["status"]) for r in last.replies][1:] == [
        ("hq_held_replies", "queued"),
    ]


def test_parser_crash_quarantines_and_next_letter_is_processed(service) -> None:
    from bot.pipeline import Pipeline

    real = service.pipeline

    def exploding(raw: bytes) -> ParsedLetter:
        if b"BOOM" in raw:
            raise RuntimeError("parser exploded")
        from parsers import parse_letter

        return parse_letter(raw)

    service.pipeline = Pipeline(
        real._sessions, real._clock, real._config, real._applier, real._rules, reader=exploding
    )
    bad = deliver(service, letter(subject="BOOM", body="BOOM"))
    assert bad.status == "quarantined" and "parser exploded" in bad.reason
    assert [(r["to"], r["template"]) for r in bad.replies] == [
        ("hq@technocom.tech", "hq_quarantine")
    ]
    with service.sessions() as session:
        stored = session.get(Letter, bad.letter_id)
        assert stored.status == "quarantined" and b"BOOM" in stored.raw
    good = deliver(service, letter(body=COMPLETE_TICKET))
    assert good.status == "processed" and good.case == "TCM-000001"


def test_crash_in_a_thread_marks_the_case_quarantined(service) -> None:
    from bot.pipeline import Pipeline

    first = deliver(service, letter(body=INCOMPLETE_TICKET))
    real = service.pipeline

    def exploding(raw: bytes) -> ParsedLetter:
        raise ValueError("cannot cope")

    service.pipeline = Pipeline(
        real._sessions, real._clock, real._config, real._applier, real._rules, reader=exploding
    )
    bad = deliver(service, letter(subject=f"Re: [{first.case}] дополнение"))
    assert bad.case == first.case
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == first.case))
        assert "cannot cope" in case.quarantine_reason


def test_reprocess_after_quarantine(service) -> None:
    from bot.pipeline import Pipeline

    real = service.pipeline
    broken = Pipeline(
        real._sessions,
        real._clock,
        real._config,
        real._applier,
        real._rules,
        reader=lambda raw: (_ for _ in ()).throw(RuntimeError("bug")),
    )
    service.pipeline = broken
    bad = deliver(service, letter(body=COMPLETE_TICKET))
    assert bad.status == "quarantined"
    # Only HQ's re-run takes a quarantined letter up again; a plain process leaves it.
    assert real.process(bad.letter_id).duplicate
    again = real.reprocess(bad.letter_id)
    assert again.status == "processed" and again.case == "TCM-000001"
    assert real.reprocess(bad.letter_id).duplicate  # processed now: never a second case


async def test_maildir_outbox_recreates_missing_parent_directories(service, tmp_path) -> None:
    import shutil

    from bot.outbox.sender import MaildirTransport, RetryPolicy, Sender
    from tests.conftest import maildir_messages

    target = tmp_path / "gone" / "var" / "outbox"
    deliver(service, letter(body=COMPLETE_TICKET))
    shutil.rmtree(tmp_path / "gone", ignore_errors=True)
    sender = Sender(service.sessions, MaildirTransport(target), service.clock, RetryPolicy())
    assert await sender.deliver_due() == 1
    assert len(maildir_messages(target)) == 1


def test_r_thr_6_unknown_tag_gives_new_case_and_the_reply_says_so(service) -> None:
    result = deliver(service, letter(subject="Re: [TCM-000777] вопрос", body=COMPLETE_TICKET))
    assert result.case == "TCM-000001"
    assert "TCM-000777, указанный в теме письма, не найден" in result.replies[0]["text"]


def test_r_val_6_a_short_answer_keeps_earlier_values() -> None:
    from bot.pipeline import merge_fields

    earlier = {
        "tracker": {"status": "valid", "value": "bug"},
        "priority": {"status": "invalid", "value": None},
    }
    later = {
        "tracker": {"status": "missing"},
        "priority": {"status": "valid", "value": "high"},
        "component": {"status": "missing"},
    }
    merged = merge_fields(earlier, later)
    assert merged["tracker"]["value"] == "bug"  # not wiped by the answer's silence
    assert merged["priority"]["value"] == "high"  # overridden by the new value
    assert merged["component"]["status"] == "missing"


def test_regression_letter_stored_but_not_processed_before_a_crash_is_not_lost(
    service, frozen_clock
):
    """A crash between the raw commit and processing left the letter `received`; its
    redelivery was skipped as a duplicate and nobody ever answered it."""
    from bot.ingest import Arrival, store_raw

    raw = letter(message_id="<crash@partner.ru>", body=COMPLETE_TICKET)
    arrival = Arrival(raw=raw, received_at=frozen_clock.now(), source="test")
    stored = store_raw(
        service.sessions, arrival, service.pipeline._config.own_addresses, frozen_clock.now()
    )  # the process died right after this commit
    again = service.pipeline.ingest(arrival)  # the MTA (or IMAP) delivers it again
    assert (again.letter_id, again.status, again.case) == (
        stored.letter_id,
        "processed",
        "TCM-000001",
    )
    assert service.pipeline.ingest(arrival).duplicate  # and only once


def test_stranded_letters_are_finished_by_recovery(service, frozen_clock) -> None:
    from bot.ingest import Arrival, store_raw

    arrival = Arrival(raw=letter(body=COMPLETE_TICKET), received_at=frozen_clock.now())
    store_raw(service.sessions, arrival, service.pipeline._config.own_addresses, frozen_clock.now())
    assert service.pipeline.recover_unprocessed() == 0  # too fresh: maybe still in flight
    frozen_clock.advance(minutes=6)
    assert service.pipeline.recover_unprocessed() == 1
    assert _count(service, Case) == 1
    assert service.pipeline.recover_unprocessed() == 0


def test_issue_20_3_fresh_letters_of_a_gone_storer_are_recovered_at_once_of_a_live_one_not(
    service, frozen_clock
) -> None:
    """A letter names the process that stored it. A fresh one is left to a live storer (this
    endpoint's queue, another instance: R-MBX-1, processed once) and taken over at once
    when its storer is gone: a restart after a crash between SMTP's 250 and the processing."""
    import os
    import subprocess
    import sys

    from bot.ingest import Arrival, store_raw
    from bot.store.claims import claimant

    dead_pid = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    live = claimant("other")  # another service of this very process
    gone = live.replace(f":{os.getpid()}:", f":{dead_pid}:")
    own = service.pipeline._config.own_addresses
    now = frozen_clock.now()

    def stored(storer: str | None, n: int) -> int:
        arrival = Arrival(
            raw=letter(body=COMPLETE_TICKET, message_id=f"<s{n}@partner.ru>"), received_at=now
        )
        return store_raw(service.sessions, arrival, own, now, stored_by=storer).letter_id

    ours = service.pipeline.store(
        Arrival(raw=letter(body=COMPLETE_TICKET), received_at=now)
    ).letter_id  # this endpoint's own queue
    theirs, older_version, dead = stored(live, 1), stored(None, 2), stored(gone, 3)
    assert service.pipeline.recover_unprocessed() == 1  # at once, however fresh
    with service.sessions() as session:
        statuses = dict(session.execute(select(Letter.id, Letter.status)).all())
    assert statuses == {
        ours: "received",
        theirs: "received",
        older_version: "received",
        dead: "processed",
    }
    assert service.pipeline.recover_unprocessed() == 0  # once
    frozen_clock.advance(minutes=6)  # past STRANDED_AFTER: any storer is taken as crashed
    assert service.pipeline.recover_unprocessed() == 3
    assert _count(service, Case) == 4


def test_r_thr_2_number_format_is_configurable(settings, frozen_clock) -> None:
    from bot.app import build
    from tests.conftest import register_partner

    case = settings.case.model_copy(update={"number_format": "SD-{seq:05d}"})
    service = build(settings.model_copy(update={"case": case}), clock=frozen_clock)
    register_partner(service)
    first = deliver(service, letter(body=COMPLETE_TICKET))
    assert first.case == "SD-00001" and first.replies[0]["subject"].startswith("[SD-00001] ")
    again = deliver(service, letter(subject="Re: [SD-00001] вопрос", body="Дополнение"))
    assert again.case == "SD-00001"
    service.engine.dispose()


async def test_maildir_delivery_of_a_row_twice_leaves_one_copy(service, tmp_path) -> None:
    """A crash between writing a reply and marking it sent re-sends the row later; the
    Maildir keeps one file per row, which is why a batch may be marked sent at once."""
    from bot.outbox.sender import MaildirTransport
    from tests.conftest import maildir_messages

    deliver(service, letter(body=COMPLETE_TICKET))
    [row] = _outbox(service)
    transport = MaildirTransport(tmp_path / "outbox")
    await transport.deliver(row)
    await transport.deliver(row)
    [copy] = maildir_messages(tmp_path / "outbox")
    assert copy["Message-ID"] == row.message_id
    assert list((tmp_path / "outbox" / "tmp").iterdir()) == []


async def test_a_batch_of_replies_is_delivered_and_marked_sent_once(service, tmp_path) -> None:
    from bot.outbox.sender import MaildirTransport, RetryPolicy, Sender
    from tests.conftest import maildir_messages

    for n in range(3):
        deliver(service, letter(subject=f"Вопрос {n}", body=COMPLETE_TICKET))
    target = tmp_path / "outbox"
    sender = Sender(service.sessions, MaildirTransport(target), service.clock, RetryPolicy())
    assert await sender.deliver_due() == 3
    assert await sender.deliver_due() == 0
    assert len(maildir_messages(target)) == 3
    assert {(r.status, r.attempts) for r in _outbox(service)} == {("sent", 1)}


def test_r_mbx_3_a_postfix_bounce_is_tied_to_its_case_by_the_returned_headers(service) -> None:
    """Issue 19: the returned headers (text/rfc822-headers) carry our reply's Message-ID;
    Postfix sends no In-Reply-To, and the bounce still belongs to the case."""
    first = deliver(service, letter(body=COMPLETE_TICKET))
    bounce = deliver(service, dsn(first.replies[0]["message_id"]))
    assert (bounce.kind, bounce.case) == ("ignored", first.case)


def test_r_thr_7_automatic_mail_with_another_partners_tag_is_not_attached(service) -> None:
    """Issue 19: an auto-reply carrying a case tag of another partner's case (and none of our
    Message-IDs) is stored, but not attached to that case."""
    first = deliver(service, letter(body=COMPLETE_TICKET))
    forged = letter(
        sender="robot@elsewhere.example",
        subject=f"Автоответ: [{first.case}] Вопрос",
        body="Я в отпуске.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    result = deliver(service, forged)
    assert (result.kind, result.case) == ("ignored", None)
    own = letter(
        sender="petr@partner.ru",
        subject=f"Автоответ: [{first.case}] Вопрос",
        body="Я в отпуске.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert deliver(service, own).case == first.case  # the case's own partner: attached
