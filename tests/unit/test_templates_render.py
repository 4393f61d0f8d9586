"""Every reply template renders for every case kind and state, on a case as fresh as it can
be (no attributes yet) and with StrictUndefined, so no status question or notice can turn a
partner's letter into a quarantine (issue 19, R-NTF-10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from jinja2 import StrictUndefined, meta
from sqlalchemy import select

from bot.letters.context import CaseAttrs
from bot.rules.recipients import bounded
from bot.store.models import Letter
from replies.labels import _KINDS, _STATES
from replies.render import TEMPLATES, Renderer
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, letter

NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
BALANCE = {"year": 2026, "limit": 80.0, "hours": 10.0, "used": 90.0, "excess": 10.0}
NAMES = sorted(p.name.removesuffix(".txt.j2") for p in (TEMPLATES / "ru").glob("[!_]*.txt.j2"))

# What the rules put into a reply's context besides the case (ReplyIntent.context), one
# plausible value each; a template that needs a name not here fails the test by name.
SAMPLES: dict[str, Any] = {
    "address": "ivan@partner.ru",
    # §5.5: Service Desk accounts and the inquiry's responsible role (R-ID-9, R-HQ-4).
    "accounts": [{"full_name": "Орлов Дмитрий Сергеевич", "email": "d.orlov@partner.ru"}],
    "role_title": "Заместитель генерального директора по науке",
    "due_wd": 3,
    # R-TKT-21: an outage notice and its end.
    "service": "Omnicomm Online",
    "started_at": NOW,
    "expected_fix_at": NOW,
    "ended_at": NOW,
    # R-ID-8 (preset shtrih_m): the end of the support period, an act already used.
    "covered_until": "11.04.2026",
    "act_number": "АУ-0042/26",
    "max_count": 2,  # pin.extension_max_count (R-PIN-16)
    # R-PIN-16 as the pre-pin letters state it (bot/rules/pin/terms.py extension_terms).
    "source": "TCM-000002",  # the case a letter was split from (R-THR-13)
    "extension_available": True,
    "extension_max_count": 1,
    "extension_max_days": 30,
    "holder": "ООО «Другой партнер»",  # pin.disclose_holder (R-PIN-4)
    # R-PIN-26: a held client that wrote to HQ directly, and its holder.
    "pin_case": "TCM-000002",
    "client_address": "director@sevkad.ru",
    "client_name": "ООО «Северный кадастр»",
    "held_by": {
        "pin_case": "TCM-000002",
        "partner_name": "ООО «Партнер»",
        "client_name": "ООО «Северный кадастр»",
        "client_inn": "7204196795",
        "found_by": "domain",
    },
    "holder_name": "ООО «Партнер»",
    "clock_paused": False,  # sla.pause_while_waiting_partner (R-SLA-11)
    "alert": "breached",
    # R-HQ-8: every HQ command names the staff member; states and flags in HQ's words.
    "actor": "sd@technocom.tech",
    "hq_state": "в работе",
    "items": [{"subject": "[TCM-000001] Срок решения: НАРУШЕН", "text": "Заявка TCM-000001"}],
    "flag_word": lambda flag: "чужой номер обращения в теме",
    "already": [],
    "attachments": ["log.zip"],
    "autoclose_at": NOW,
    "balance": BALANCE,
    "basis": "software_list",
    "candidates": ["TCM-000002"],
    "cases": [
        {
            "number": "TCM-000002",
            "client_name": "ООО «Клиент»",
            "client_inn": "7204196795",
            "report_due_at": NOW.isoformat(),
        }
    ],
    "client_inn": "7204196795",
    "clock_stopped": True,
    "count": 11,
    "date": NOW,
    "days": 30,
    "days_left": 7,
    # hq_cmd_* (R-HQ-5): a command by mail done, refused, or from an unauthenticated sender.
    "done": [
        {
            "line": "приоритет высокий",
            "action": "set_priority",
            "result": {"replies": []},
            "sent": [{"subject": "[TCM-000001] Тема", "to": "ivan@partner.ru", "status": "queued"}],
        }
    ],
    "line": "продлить 40",
    "refusal": "no Authentication-Results header from mx.technocom.tech",
    "undone": [],
    "why": "days must be from 1 to 30 (R-PIN-16)",
    "deadline_at": NOW,
    "down_since": NOW,
    "due_at": NOW,
    "error": "connection refused",
    "existing": "TCM-000002",
    "existing_attrs": CaseAttrs(),
    "existing_state": "prepinned",
    "files": ["scan.pdf"],
    "flag": "cross_partner_reference:TCM-000002",
    "flags": [],
    "hq_text": "Уточните версию.",
    "id": 7,
    "letter_id": 1,
    "letter_subject": "Тема",
    "message_id": "<a@technocom.tech>",
    "license_case": "TCM-000003",
    "limit": 10,
    "mailbox": "mail@technocom.tech",
    "minutes": 5,
    "note": "готово",
    "old": {"tracker": "bug", "priority": "high"},
    "old_deadline": NOW,
    "own_case": "TCM-000002",
    "pins": [],
    "problems": [],
    "reason": "unidentified",
    "release": "4.3",
    "requested": 30,
    "reply_subject": "[TCM-000001] Тема",
    "requested_at": NOW,
    "scans_rejected": False,
    "sender": "ivan@partner.ru",
    "server": "127.0.0.1",
    "sha256": "0" * 64,
    "status": "free",
    "step": "scans",
    "target": "TCM-000002",
    "template": "hq_bounce",
    "text": "Текст головного офиса.",
    "text_copy_needed": False,
    "timeout_at": NOW,
    "to": "ivan@partner.ru",
    "warnings": [],
    "wd": 5,
    "what": "scans",
    "window_ends_at": NOW,
    "year": 2027,
}


# Every case attribute a template reads, as the rules set it by the time that template is
# sent (a template never sent before its attribute exists may read it unguarded).
ATTRS: dict[str, Any] = {
    "balance": BALANCE,
    "client_inn": "7204196795",
    "client_name": "ООО «Клиент»",
    "draft_agreement": "draft.docx",
    "employee": "Иванов И. И.",
    "extension_days_requested": 30,
    "extension_pending": False,
    "extension_reason": "закупка",
    "extension_used": False,
    "forecast": {**BALANCE, "estimated": 12.0},
    "hours_total": 12.0,
    "invoice": "invoice.pdf",
    "license_docs_channel": "post",
    "license_documents": ["transfer_act"],
    "no_target_reason": "feature",
    "original_agreement_received": False,
    "originals_channel": "post",
    "originals_returned": False,
    "partner_role": "gold",
    "payment_date": "2026-03-02",
    "payment_term_wd": 5,
    "priority": "high",
    "project_status": "active",
    "release": "4.3",
    "deadline_extended_reason": "доработка сервера",
    "sla_suspended": "замечания к работе базового ПО: нет журнала СУБД",
    "return_documents": ["transfer_act"],
    "schedule": "по будням",
    "summary": {
        "rows": [{"customer": "ООО «Клиент»", "inn": "7204196795", "software": "ТехноКарта"}],
        "purposes": [],
    },
    "target_amount": 3,
    "target_unit": "wd",
    "tasks_list": ["настройка"],
    "terms": {
        "hq_wd": 5,
        "payment_wd": 5,
        "postal_address": "625000, Тюмень",
        "return_days": 7,
        "scans_wd": 5,
    },
    "tracker": "bug",
}
ATTR_NAMES = sorted(
    set(
        re.findall(
            r"attrs\.(?:get\(\"|)([a-z_]+)",
            "".join(p.read_text(encoding="utf-8") for p in (TEMPLATES / "ru").glob("*.txt.j2")),
        )
    )
    - {"get"}
)


def _attrs() -> CaseAttrs:
    """ATTRS, with every `*_at`/`*_until` attribute an instant."""
    instants = {name: NOW for name in ATTR_NAMES if name.endswith(("_at", "_until"))}
    return CaseAttrs({**instants, **ATTRS})


def _fresh_case(kind: str, state: str) -> dict[str, Any]:
    """What bot.letters.context.case_context gives for a case with no attributes yet."""
    return {
        "case_number": "TCM-000001",
        "kind": kind,
        "state": state,
        "topic": bounded("Вопрос"),
        "company": "ООО «ТЕХНОКОМ»",
        "phone": "(3452) 39-31-33",
        "reply_mailbox": "support@technocom.tech",
        "general_mailbox": "mail@technocom.tech",
        "attrs": CaseAttrs(),
        "missing": [],
        "invalid": [],
        "now": NOW,
        "partner_name": None,
        "field_value": lambda code: "—",
        "at_risk_ratio": 0.75,
        "previous_case": None,
        "right_mailbox": None,
        "received_at": NOW,
        "unknown_tags": [],
    }


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    renderer = Renderer()
    assert renderer._env.undefined is StrictUndefined  # a gap fails loudly, here and live
    return renderer


@pytest.mark.parametrize("name", NAMES)
def test_r_ntf_10_every_template_renders_for_every_kind_and_state(renderer, name) -> None:
    source = (TEMPLATES / "ru" / f"{name}.txt.j2").read_text(encoding="utf-8")
    case = _fresh_case("ticket", "open")
    needed = meta.find_undeclared_variables(renderer._env.parse(source)) - set(case)
    unknown = needed - set(SAMPLES)
    assert not unknown, f"add a sample value for {sorted(unknown)} to SAMPLES"
    for kind in _KINDS:
        for state in _STATES:
            context = {
                **_fresh_case(kind, state),
                "attrs": _attrs(),
                **{key: SAMPLES[key] for key in needed},
            }
            rendered = renderer.render(name, context)
            assert rendered.subject and rendered.text.strip()


def test_attrs_sample_covers_every_attribute_templates_read() -> None:
    missing = [name for name in ATTR_NAMES if _attrs()[name] is None]
    assert not missing, f"add a sample value for {missing} to ATTRS"


@pytest.mark.parametrize("state", sorted(_STATES))
def test_r_tkt_status_renders_in_every_state_before_any_hq_action(renderer, state) -> None:
    # Issue 19: `attrs.last_hq_action_at` of a ticket HQ has not touched yet.
    attrs = CaseAttrs({"tracker": "support", "received_at": NOW})
    rendered = renderer.render("tkt_status", {**_fresh_case("ticket", state), "attrs": attrs})
    assert "Последнее действие" not in rendered.text


def test_r_tkt_status_question_on_a_fresh_ticket_is_answered(service) -> None:
    first = deliver(service, letter(subject="Вопрос", body=COMPLETE_TICKET))
    assert first.state == "open"
    question = deliver(
        service,
        letter(
            subject=f"Re: [{first.case}] Вопрос",
            body="Какой статус? когда будет решение?",
            in_reply_to=first.replies[0]["message_id"],
        ),
    )
    assert question.status == "processed", question.reason
    assert [r["template"] for r in question.replies] == ["tkt_status"]
    with service.sessions() as session:
        assert session.scalars(select(Letter.status)).all() == ["processed", "processed"]


@pytest.mark.parametrize("preset", ["omnicomm", "technokad"])
def test_r_ntf_5_a_vendors_footer_sends_a_merged_case_to_its_new_thread(preset: str) -> None:
    context = {**_fresh_case("ticket", "merged"), **SAMPLES, "target": "TCM-000002"}
    text = Renderer(preset=preset).render("merged", context).text
    assert "пишите по этому вопросу в переписке TCM-000002" in text
    # The vendor's own «answer in this thread, keep TCM-000001» would send it back.
    assert "сохраняя номер TCM-000001" not in text
    plain = Renderer(preset=preset).render("tkt_status", _fresh_case("ticket", "open")).text
    assert "сохраняя номер TCM-000001" in plain
