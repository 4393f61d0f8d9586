"""R-THR-13 `split` by mail (issue 25), through the pipeline on a moved clock: a staff reply
«выделить N» from a sender our border server vouched for (R-ID-5) moves the partner's letter
into a new case with the checks of `partnerdesk case … split`; the answer names the new case;
the partner's later letters in that letter's thread go there; an unvouched split does nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import Case, Letter, OutboxMessage
from tests.conftest import deliver
from tests.integration.test_service_desk import at, show
from tests.support.hq_mail import AUTH, STAFF
from tests.support.letters import COMPLETE_TICKET, letter

PARTNER = "ivan@partner.ru"
# A sender's own server may write anything: only our border server's header vouches.
FOREIGN_AUTH = f"mx.partner.ru; dkim=pass header.d=technocom.tech; spf=pass smtp.mailfrom={STAFF}"


def command(case: str, body: str, auth: str | None = AUTH) -> bytes:
    headers = {"Authentication-Results": auth} if auth else {}
    return letter(
        sender=STAFF,
        to="support@technocom.tech",
        subject=f"Re: [{case}] Ошибка экспорта",
        body=body,
        headers=headers,
    )


def staff_answer(result) -> dict:
    [answer] = [r for r in result.replies if r["to"] == STAFF]
    return answer


def letter_id(service, message_id: str) -> int:
    with service.sessions() as session:
        found = session.scalar(select(Letter.id).where(Letter.message_id == message_id))
        assert found is not None
        return found


def case_of_letter(service, message_id: str) -> str:
    with service.sessions() as session:
        row = session.scalar(select(Letter).where(Letter.message_id == message_id))
        return session.get(Case, row.case_id).number


def two_questions(service) -> tuple[str, int]:
    """A ticket, then a second question the partner put in its thread by mistake."""
    at_ticket = deliver(
        service,
        letter(message_id="<first@partner.ru>", subject="Ошибка экспорта", body=COMPLETE_TICKET),
    )
    wrong = deliver(
        service,
        letter(
            message_id="<wrong@partner.ru>",
            subject=f"Re: [{at_ticket.case}] Ошибка экспорта",
            body="И еще вопрос: где взять счет на продление поддержки?",
        ),
    )
    assert wrong.case == at_ticket.case
    return at_ticket.case, letter_id(service, "<wrong@partner.ru>")


def test_r_thr_13_split_by_mail_moves_the_letter_and_the_partners_replies_follow(
    desk, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket, wrong = two_questions(desk)
    with desk.sessions() as session:
        ack = session.scalar(select(OutboxMessage).where(OutboxMessage.letter_id == wrong))
        ack_id = ack.message_id

    at(frozen_clock, 2026, 3, 2, 11, 0)
    done = deliver(desk, command(ticket, f"выделить письмо № {wrong}"))
    assert done.reason == "HQ command by mail done: split"
    answer = staff_answer(done)
    assert answer["template"] == "hq_cmd_done"
    assert "Письмо выделено в новое обращение TCM-000002" in answer["text"]
    # The partner learns the new number, in the moved letter's thread (R-THR-12, R-HQ-9).
    [told] = [r for r in done.replies if r["to"] == PARTNER]
    assert told["template"] == "case_split" and "[TCM-000002]" in told["subject"]
    assert ticket in told["text"]
    new = show(desk, "TCM-000002")
    assert (new["kind"], new["state"]) == ("inquiry", "open")
    assert new["attrs"]["split_from"] == ticket
    assert show(desk, ticket)["attrs"]["split_into"] == ["TCM-000002"]
    assert case_of_letter(desk, "<wrong@partner.ru>") == "TCM-000002"

    # The partner's later letters: an answer to their moved letter, and one to our
    # acknowledgement of it, join the new case; one in the ticket's own thread stays there.
    at(frozen_clock, 2026, 3, 2, 12, 0)
    for message_id, in_reply_to in (
        ("<p1@partner.ru>", "<wrong@partner.ru>"),
        ("<p2@partner.ru>", ack_id),
    ):
        later = deliver(
            desk,
            letter(
                message_id=message_id,
                subject=f"Re: [{ticket}] Ошибка экспорта",
                body="Дополняю: счет нужен на 2026 год.",
                in_reply_to=in_reply_to,
                references=[in_reply_to],
            ),
        )
        assert later.case == "TCM-000002"
    same = deliver(
        desk,
        letter(
            message_id="<p3@partner.ru>",
            subject=f"Re: [{ticket}] Ошибка экспорта",
            body="Логи экспорта приложены, ошибка повторяется.",
            in_reply_to="<first@partner.ru>",
            references=["<first@partner.ru>"],
        ),
    )
    assert same.case == ticket


def test_r_thr_13_split_by_mail_has_the_cli_checks_and_names_the_letters(
    desk, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket, wrong = two_questions(desk)
    opener = letter_id(desk, "<first@partner.ru>")
    refused = deliver(desk, command(ticket, f"split {opener}"))
    answer = staff_answer(refused)
    assert answer["template"] == "hq_cmd_refused"
    assert "reclassify" in answer["text"]  # the letter that opened the case stays
    missing = staff_answer(deliver(desk, command(ticket, "выделить 99999")))["text"]
    # The refusal names the case's letters, so HQ can pick one without a terminal.
    assert "letter 99999 is not in" in missing and f"{wrong} from {PARTNER}" in missing
    assert "выделить 12 14 / split 12,14" in missing  # the command help lists it
    bad = staff_answer(deliver(desk, command(ticket, "выделить второе")))["text"]
    assert "the letters' numbers in digits" in bad
    assert case_of_letter(desk, "<wrong@partner.ru>") == ticket


@pytest.mark.parametrize("auth", [None, FOREIGN_AUTH], ids=["no-header", "foreign-server"])
def test_r_id_5_split_from_an_unvouched_sender_is_refused_and_hq_alerted(
    desk, frozen_clock, auth
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket, wrong = two_questions(desk)
    forged = deliver(desk, command(ticket, f"выделить {wrong}", auth=auth))
    assert forged.reason.startswith("HQ command refused, sender not authenticated (R-ID-5)")
    assert [r["template"] for r in forged.replies] == ["hq_cmd_forged"]  # to admin, not From
    assert case_of_letter(desk, "<wrong@partner.ru>") == ticket
    with desk.sessions() as session:
        assert session.scalar(select(Case).where(Case.number == "TCM-000002")) is None
