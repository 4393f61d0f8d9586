"""R-HQ-13 while a ticket waits for data: «какой статус?» is a question, not the answer to our
clarification — the ticket keeps its description, the partner gets its status and what we
still need, and a real answer still completes the ticket."""

from __future__ import annotations

from tests.conftest import deliver
from tests.integration.test_service_desk import partner_replies, show
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter

TOPIC = "Не сохраняются документы"


def _in_thread(case: str, body: str, **kw) -> bytes:
    return letter(subject=f"Re: [{case}] {TOPIC}", body=body, **kw)


def test_r_hq_13_a_status_question_in_needs_info_is_answered_not_taken_as_data(service) -> None:
    first = deliver(service, letter(subject=TOPIC, body=INCOMPLETE_TICKET))
    assert first.state == "needs_info"
    before = show(service, first.case)
    asked = deliver(
        service, _in_thread(first.case, "Добрый день! Подскажите, какой статус заявки?")
    )
    [answer] = partner_replies(asked)
    assert answer["template"] == "tkt_status"
    after = show(service, first.case)
    assert after["state"] == "needs_info"
    assert after["fields"] == before["fields"]  # the question did not become the description
    assert sorted(after["missing"]) == sorted(before["missing"])
    # The data themselves still complete the ticket.
    done = deliver(service, _in_thread(first.case, COMPLETE_TICKET))
    assert done.state == "open"


def test_r_hq_13_a_status_word_in_a_letter_that_brings_data_is_an_answer(service) -> None:
    first = deliver(service, letter(subject=TOPIC, body=INCOMPLETE_TICKET))
    body = "Какой статус? Направляем данные:\n" + COMPLETE_TICKET.removeprefix("Добрый день!\n")
    answered = deliver(service, _in_thread(first.case, body))
    assert answered.state == "open"
