"""R-THR-4 step 3 (a case number in the body, every kind, R-THR-7 sender check) and
R-THR-10 (several tags in one subject: the first wins, HQ is told) — issue 25."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from bot.actions import Actions
from bot.route.threads import match_thread
from bot.rules.action_base import ActionRefused
from bot.store.models import Case, Letter, OutboxMessage, ThreadKey
from parsers import parse_letter
from tests.conftest import deliver, register_partner
from tests.support.letters import COMPLETE_TICKET, letter

FMT = "TCM-{seq:06d}"


def _case(service, number: str) -> Case:
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        session.expunge(case)
        return case


def _notices(service) -> list[OutboxMessage]:
    with service.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "hq_flag"))
        return list(rows)


def test_r_thr_4_step_3_body_number_joins_own_ticket_from_mail_mailbox(service) -> None:
    first = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET))
    second = deliver(
        service,
        letter(
            subject="Еще вопрос",
            sender="petr@partner.ru",
            to="mail@technocom.tech",
            body=f"По заявке {first.case} (экспорт в MIF/MID): ошибка повторяется.",
        ),
    )
    assert second.case == first.case
    with service.sessions() as session:
        assert len(list(session.scalars(select(Case)))) == 1


def test_r_thr_4_step_3_r_thr_7_other_partners_number_opens_new_case(service) -> None:
    first = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET))
    other = {
        "name": "ООО «Другой»",
        "inn": "7707083893",
        "role": "gold",
        "domains": ["other.ru"],
        "addresses": ["anna@other.ru"],
    }
    register_partner(service, other)
    second = deliver(
        service,
        letter(
            subject="Вопрос",
            sender="anna@other.ru",
            body=f"По заявке {first.case}: ошибка.\n\n{COMPLETE_TICKET}",
        ),
    )
    assert second.case != first.case


def test_r_thr_4_step_3_two_numbers_in_body_are_not_guessed() -> None:
    parsed = parse_letter(letter(body="По заявкам TCM-000002 и TCM-000003"))
    match = match_thread(parsed, lambda ids: None, lambda number: 2, "TCM-", FMT)
    assert match.via == "none"  # body numbers are the pipeline's step, never a guess here


def test_r_thr_10_first_subject_tag_wins_and_hq_is_flagged(service) -> None:
    a = deliver(service, letter(subject="Первый", body=COMPLETE_TICKET))
    b = deliver(service, letter(subject="Второй", body=COMPLETE_TICKET))
    third = deliver(service, letter(subject=f"[{a.case}] и [{b.case}]", body="Дополняю"))
    assert third.case == a.case
    flags = _case(service, a.case).attrs.get("flags", [])
    assert f"multiple_tags:{b.case}" in flags
    [notice] = _notices(service)
    assert notice.case_id == _case(service, a.case).id
    body = message_from_bytes(notice.raw, policy=default).get_body(("plain",)).get_content()
    assert "несколько номеров" in body and b.case in body
    assert "multiple_tags" not in (_case(service, b.case).attrs.get("flags") or [])


def _act(service, number: str, action: str, **params):
    actions = Actions(
        service.sessions,
        service.applier,
        service.rules,
        service.clock,
        frozenset(service.settings.hq.staff),
    )
    return actions.perform(number, action, params, sorted(service.settings.hq.staff)[0])


def test_r_thr_13_split_moves_a_letter_into_a_new_case(service) -> None:
    first = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET))
    second = deliver(
        service,
        letter(
            message_id="<wrong@partner.ru>",
            subject="Другое",
            body=f"По заявке {first.case}: а где взять счет?",
        ),
    )
    assert second.case == first.case
    with service.sessions() as session:
        letter_id = session.scalar(
            select(Letter.id).where(Letter.message_id == "<wrong@partner.ru>")
        )
    result = _act(service, first.case, "split", letter=str(letter_id))
    assert result.new_case and result.new_case != first.case
    assert result.as_json()["new_case"] == result.new_case
    with service.sessions() as session:
        moved = session.get(Letter, letter_id)
        assert moved.case_id == _case(service, result.new_case).id
        key = session.get(ThreadKey, "<wrong@partner.ru>")
        assert key.case_id == moved.case_id
    new = _case(service, result.new_case)
    assert (new.kind, new.state, new.attrs["split_from"]) == ("inquiry", "open", first.case)
    # The letter that opened the case cannot be split from it; the refusal says what to do.
    with service.sessions() as session:
        opener = session.scalar(select(Letter.id).where(Letter.case_id == new.id))
    with pytest.raises(ActionRefused, match="reclassify"):
        _act(service, result.new_case, "split", letter=str(opener))
    with pytest.raises(ActionRefused, match="partnerdesk show"):
        _act(service, first.case, "split", letter="999")


def test_r_thr_13_split_moves_several_letters_into_one_new_case(service) -> None:
    first = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET))
    ids = []
    for n, text in enumerate(("а где взять счет?", "и акт сверки тоже нужен")):
        deliver(
            service,
            letter(
                message_id=f"<other-{n}@partner.ru>",
                subject="Другое",
                body=f"По заявке {first.case}: {text}",
            ),
        )
        with service.sessions() as session:
            ids.append(
                session.scalar(
                    select(Letter.id).where(Letter.message_id == f"<other-{n}@partner.ru>")
                )
            )
    result = _act(service, first.case, "split", letter=f"{ids[1]}, {ids[0]}")
    new = _case(service, result.new_case)
    with service.sessions() as session:
        assert [session.get(Letter, i).case_id for i in ids] == [new.id, new.id]
        assert [session.get(ThreadKey, f"<other-{n}@partner.ru>").case_id for n in (0, 1)] == [
            new.id,
            new.id,
        ]
    # The new case's author and topic are its earliest letter's.
    assert new.subject == "Другое"
    # A list naming a letter of another case moves nothing.
    with pytest.raises(ActionRefused, match="is not in"):
        _act(service, first.case, "split", letter=f"{ids[0]},999")
