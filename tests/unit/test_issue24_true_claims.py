"""Issue 24, nothing false: a claim a letter makes is computed from the case at that moment
(R-TKT-12: the reopen window is counted from closing, and only a closed ticket has one)."""

from __future__ import annotations

from tests.conftest import deliver
from tests.integration.test_service_desk import act, at, partner_replies, show
from tests.support.letters import COMPLETE_TICKET, letter

EXPIRED_WINDOW = "срок его повторного открытия истек"


def test_r_tkt_12_answer_17_minutes_after_a_rejection_is_not_told_the_window_expired(
    service, frozen_clock
):
    at(frozen_clock, 2026, 3, 3, 10, 0)
    first = deliver(service, letter(body=COMPLETE_TICKET))
    act(service, first.case, "reject", reason="out_of_scope")
    assert show(service, first.case)["state"] == "rejected"
    at(frozen_clock, 2026, 3, 3, 10, 17)
    answer = deliver(
        service, letter(subject=f"Re: [{first.case}] ошибка", body="Но ведь это ошибка ПО!")
    )
    assert answer.case != first.case
    [reply] = partner_replies(answer)
    assert EXPIRED_WINDOW not in reply["text"]
    assert f"Обращение {first.case} отклонено" in reply["text"]


def test_r_tkt_12_after_the_window_of_a_closed_ticket_the_claim_is_made(service, frozen_clock):
    at(frozen_clock, 2026, 3, 3, 10, 0)
    first = deliver(service, letter(body=COMPLETE_TICKET))
    act(service, first.case, "close", reason="HQ resolved it by phone")
    at(frozen_clock, 2026, 4, 20, 10, 0)  # well past 14 calendar days after closing
    answer = deliver(service, letter(subject=f"Re: [{first.case}] снова", body=COMPLETE_TICKET))
    assert answer.case != first.case
    assert EXPIRED_WINDOW in partner_replies(answer)[0]["text"]


def test_r_tkt_12_the_new_case_after_a_closed_ticket_is_a_ticket_with_its_data(
    service, frozen_clock
):
    at(frozen_clock, 2026, 3, 3, 10, 0)
    first = deliver(service, letter(subject="Подписи участков", body=COMPLETE_TICKET))
    act(service, first.case, "close", reason="HQ resolved it by phone")
    at(frozen_clock, 2026, 4, 20, 10, 0)
    answer = deliver(
        service,
        letter(subject=f"Re: [{first.case}] Подписи участков", body="Проблема снова появилась."),
    )
    new = show(service, answer.case)
    # «After the window, the letter opens a new ticket that references the old one» — not a
    # generic inquiry from the general mailbox, and without asking again for what we have.
    assert (new["kind"], answer.state) == ("ticket", "open")
    assert new["fields"]["legal_entity"] == show(service, first.case)["fields"]["legal_entity"]
    [reply] = partner_replies(answer)
    assert reply["template"] == "tkt_ack" and first.case in reply["text"]
