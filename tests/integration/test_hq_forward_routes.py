"""An HQ forward is threaded like its original sender's letter (R-MBX-7, R-THR-13)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from bot.app import build
from bot.clock import FrozenClock
from bot.inspect import case_details
from bot.settings import load_settings
from tests.conftest import deliver, register_partner
from tests.integration.test_hq_mail import ADMIN, GOOD_AUTH, MX, SD
from tests.integration.test_service_desk import act
from tests.support.letters import COMPLETE_TICKET, letter

pytestmark = pytest.mark.integration


def test_r_thr_13_r_mbx_7_forward_tagged_with_a_merged_number_joins_the_target(
    tmp_path: Path, clean_env
) -> None:
    """A forward is processed as its original sender's letter (R-MBX-7), so a merged number
    in its subject routes it to the case it was merged into (R-THR-13), as it would the
    partner's own letter."""
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        hq={"staff": [ADMIN, SD], "alerts_to": [ADMIN], "trusted_authserv_ids": [MX]},
    )
    service = build(settings, clock=FrozenClock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC)))
    register_partner(service)
    first = deliver(service, letter(body=COMPLETE_TICKET))
    second = deliver(service, letter(body=COMPLETE_TICKET))
    assert act(service, first.case, "merge", into=second.case).state == "merged"
    original = message_from_bytes(
        letter(subject=f"Re: [{first.case}] ещё вопрос", body="Дополнение к обращению")
    )
    forward = EmailMessage(policy=SMTP)
    forward["From"], forward["To"] = f"Сотрудник <{ADMIN}>", "support@technocom.tech"
    forward["Subject"] = f"Fwd: [{first.case}] ещё вопрос"
    forward["Message-ID"] = "<fwd-merged@technocom.tech>"
    forward["Authentication-Results"] = GOOD_AUTH.format(sender=ADMIN)
    forward.set_content("Коллеги, письмо партнера пришло мне лично.")
    forward.add_attachment(original)
    result = deliver(service, forward.as_bytes())
    assert result.case == second.case
    assert case_details(service.sessions, first.case)["state"] == "merged"
    service.engine.dispose()
