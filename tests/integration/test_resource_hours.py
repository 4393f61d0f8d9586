"""HQ engineer-hours requests end to end: review, assignment, hours and the yearly limits
(spec §5.4, R-RES-1 … R-RES-8), with the logged hours kept in `hours_log`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lookups import SessionLookups
from bot.partners import find_partner
from tests.conftest import deliver, register_partner
from tests.integration.test_service_desk import HQ, act, at, partner_replies, show
from tests.support.letters import letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"
GEO = {
    "name": "ООО «ГеоПартнер»",
    "inn": "7700000009",
    "role": "authorized",
    "domains": ["geopartner.ru"],
}


def request(copy: int = 0) -> bytes:
    """The stored complete request (24 h) from petrov@geopartner.ru; `copy` > 0 is a new
    letter with the same text (another Message-ID)."""
    raw = (LETTERS / "56_resource_complete.eml").read_bytes()
    return raw.replace(b"Message-ID: <", f"Message-ID: <copy{copy}.".encode()) if copy else raw


def texts(replies: list[dict], to: str | None = None) -> str:
    return "\n".join(r["text"] for r in replies if to is None or r["to"] == to)


def used(service, year: int = 2026) -> float:
    """R-RES-6: hours of GEO in `year`, as the rules see them through the lookups."""
    with service.sessions() as session:
        partner = find_partner(session, GEO["inn"])
        assert partner is not None
        return SessionLookups(session).hours_used(partner.id, year)


@pytest.mark.parametrize(("role", "limit"), [("authorized", 80), ("gold", 160)])
def test_r_res_5_to_r_res_8_hour_limits_with_the_overrun_reported(
    service, frozen_clock, role: str, limit: int
) -> None:
    register_partner(service, {**GEO, "role": role})
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = deliver(service, request())
    assert (first.kind, first.state) == ("resource", "in_review")
    ack = texts(partner_replies(first))
    assert "Настройка репликации базы данных между филиалами" in ack
    assert "до 05.03.2026 10:00 (GMT+5) (3 рабочих дня)" in ack  # R-RES-3
    assert f"на 2026 год: {limit} ч; использовано 0 ч, остаток {limit} ч" in ack

    act(service, first.case, "assign", employee="Смирнов А.В., инженер внедрения")
    logged = act(service, first.case, "log_hours", hours=str(limit - 10), date="2026-03-02")
    assert logged.replies == [] and used(service) == limit - 10

    # R-RES-6: the next request's forecast already shows the excess billed separately.
    second = deliver(service, request(copy=1))
    forecast = texts(partner_replies(second))
    assert f"использовано {limit - 10} ч, остаток 10 ч" in forecast
    assert "лимит будет превышен примерно на 14 ч" in forecast
    assert "оплачиваются отдельно в ближайшем отчетном периоде" in forecast

    act(service, second.case, "assign", employee="Смирнов А.В.")
    over = act(service, second.case, "log_hours", hours="12.5")
    accounting = [r for r in over.replies if r["template"] == "hq_accounting"]
    assert len(accounting) == 2 and all(r["to"] == HQ for r in accounting)  # accounting + science
    assert "Превышение: 2.5 ч" in accounting[0]["text"]
    assert f"Лимит включенного времени: {limit} ч" in accounting[0]["text"]
    cases = f"{first.case}, {second.case}"
    assert f"Обращения партнера с учтенными часами: {cases}." in accounting[0]["text"]
    [overlimit] = partner_replies(over)
    assert overlimit["template"] == "res_overlimit"
    assert f"использовано {limit + 2.5:g} ч, превышение — 2.5 ч" in overlimit["text"]

    done = act(service, second.case, "complete", hours_total="16")
    assert done.state == "done"
    assert [r["template"] for r in done.replies] == ["res_done"]  # reported once a year
    assert "Всего затрачено 16 ч" in done.replies[0]["text"]
    assert "Превышение лимита — 6 ч" in done.replies[0]["text"]
    assert used(service) == limit + 6
    assert used(service, 2025) == 0


def test_r_res_1_r_id_3_a_non_partner_is_refused(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    result = deliver(service, request())
    assert result.state == "rejected"
    assert "нет действующего дистрибьюторского соглашения" in texts(partner_replies(result))


def test_r_res_2_r_res_4_clarification_then_review_then_hq_question(service, frozen_clock):
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    incomplete = deliver(service, (LETTERS / "57_resource_no_hours_outlook.eml").read_bytes())
    assert (incomplete.state, incomplete.missing) == ("needs_info", ["estimated_hours"])
    text = texts(partner_replies(incomplete))
    assert "не проводят настроек без заранее проведенной подготовительной работы" in text
    assert "• Оценка мероприятия в часах — не указана. Пример: 24 часа." in text
    at(frozen_clock, 2026, 3, 3, 9, 0)
    answer = deliver(
        service,
        letter(
            subject=f"Re: [{incomplete.case}] Настройка у заказчика",
            to="mail@technocom.tech",
            sender="o.sidorova@geopartner.ru",
            body="Оценка мероприятия в часах: 16 часов",
        ),
    )
    assert (answer.case, answer.state) == (incomplete.case, "in_review")
    at(frozen_clock, 2026, 3, 6, 9, 1)  # R-RES-3: the review was due on 06.03 09:00
    [alert] = service.ticker.tick().replies
    assert alert["to"] == HQ and "срок рассмотрения ИСТЕК" in alert["subject"]
    asked = act(service, incomplete.case, "request_info", text="Какая версия сервера?")
    assert asked.state == "needs_info" and "Какая версия сервера?" in texts(asked.replies)
    assert show(service, incomplete.case)["state"] == "needs_info"
