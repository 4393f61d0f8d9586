"""R-NTF-2 (issue 24): every partner letter's subject is `[TCM-NNNNNN] <kind title>: <topic>`,
the partner's topic, the same through the thread; the state is in the first line, in a
sentence that agrees with the kind («Заявка … отклонена», not «отклонено»)."""

from __future__ import annotations

import re

import pytest

from replies.labels import _KINDS, kind_title
from replies.subjects import thread_topic
from tests.conftest import deliver
from tests.integration.test_service_desk import act, at, partner_replies
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter
from tests.unit.test_templates_render import NAMES, SAMPLES, _attrs, _fresh_case, renderer

__all__ = ["renderer"]  # the module fixture, shared
# inq_alert_due goes to HQ, not to the partner.
PARTNER_TEMPLATES = [n for n in NAMES if not n.startswith("hq_") and n != "inq_alert_due"]
CODE_OR_ID = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[RD]-[A-Z]*-?\d+\b")


@pytest.mark.parametrize(
    ("subject", "topic"),
    [
        ("Re: [TCM-000012] Fwd: Ошибка печати", "Ошибка печати"),
        ("RE: Отв: [ТСМ-000012] Ошибка печати", "Ошибка печати"),
        ("", "без темы"),
        ("Ошибка: не печатает", "Ошибка: не печатает"),
    ],
)
def test_r_ntf_2_topic_is_the_partners_without_prefixes_or_tags(subject, topic):
    assert thread_topic(subject) == topic


def test_r_ntf_2_subject_is_stable_through_a_ticket_thread(service, frozen_clock):
    at(frozen_clock, 2026, 3, 3, 10, 0)
    first = deliver(service, letter(subject="Не строится отчет", body=INCOMPLETE_TICKET))
    answer = deliver(
        service, letter(subject=f"Re: [{first.case}] Не строится отчет", body=COMPLETE_TICKET)
    )
    act(service, first.case, "reject", reason="out_of_scope")
    subjects = {r["subject"] for r in partner_replies(first) + partner_replies(answer)}
    assert subjects == {f"[{first.case}] Заявка в Service Desk: Не строится отчет"}


@pytest.mark.parametrize("name", PARTNER_TEMPLATES)
def test_r_ntf_2_issue_24_partner_letter_subject_first_line_and_no_codes(renderer, name):
    for kind in _KINDS:
        context = {
            **_fresh_case(kind, "open"),
            "topic": "Re: [TCM-000001] Не строится отчет",
            "attrs": _attrs(),
            # The issue's example: a field code in a finding becomes the field's label.
            "missing": ["client_address"],
            "invalid": [{"field": "registration_number", "reason": "неверный формат номера"}],
            "problems": [{"field": "registration_number", "reason": "неверный формат номера"}],
        }
        context.update({k: v for k, v in SAMPLES.items() if k not in context})
        rendered = renderer.render(name, context)
        if rendered.subject.startswith("[TCM-000001] " + kind_title(kind) + ":"):
            assert rendered.subject.endswith(": Не строится отчет"), rendered.subject
        # No state words agreeing with «обращение» after a kind of another gender.
        first = rendered.text.splitlines()[0]
        assert not re.search(r"(Заявка|Запрос)[^.]*: (отклонено|принято)\b", first), first
        plain = re.sub(r"\S+@\S+|https?://\S+", " ", rendered.subject + "\n" + rendered.text)
        assert not CODE_OR_ID.search(plain), (name, kind, CODE_OR_ID.search(plain).group())
        assert not re.search(r":\n\s*\n\s*\n", rendered.text), (name, "an empty list")


def test_issue_24_closing_for_missing_data_with_nothing_listed_omits_the_list(renderer):
    context = {**_fresh_case("ticket", "closed"), "attrs": _attrs()}
    context.update({k: v for k, v in SAMPLES.items() if k not in context})
    context["reason"] = "insufficient_info"
    text = renderer.render("tkt_closed", context).text
    assert "Не были получены данные" not in text
    context["missing"] = ["client_address"]
    assert "Не были получены данные" in renderer.render("tkt_closed", context).text
