"""HQ by mail on the lifecycles (issue 22 items 4 and 5, R-HQ-4, R-ID-5, R-ID-9, R-PIN-16,
R-PIN-28), through the pipeline on a moved clock: an inquiry answered by mail, accounts
approved by mail, pin commands by mail, and a staff letter vouched for by a DKIM signature
the service verifies itself (dkimpy, the key published through its `dnsfunc` hook)."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
from pathlib import Path

import dkim
from sqlalchemy import select

from bot.store.models import PartnerAddress
from tests.conftest import deliver
from tests.integration.test_pins import SOFTWARE_LIST, pin_request
from tests.integration.test_service_desk import at, partner_replies, show
from tests.support.hq_mail import AUTH, STAFF
from tests.support.letters import letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"


def command(case: str, body: str, auth: str | None = AUTH) -> bytes:
    headers = {"Authentication-Results": auth} if auth else {}
    return letter(
        sender=STAFF,
        to="mail@technocom.tech",
        subject=f"Re: [{case}] письмо",
        body=body,
        headers=headers,
    )


def answer_to_staff(result) -> dict:
    [answer] = [r for r in result.replies if r["to"] == STAFF]
    return answer


def test_r_hq_4_inquiry_answered_by_mail_goes_to_the_partner_without_auto_footer(
    desk, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 15)
    inquiry = deliver(desk, (LETTERS / "62_inquiry_training.eml").read_bytes())
    at(frozen_clock, 2026, 3, 3, 10, 0)
    done = deliver(desk, command(inquiry.case, "ответ: Ближайший курс — 20 апреля."))
    assert done.reason == "HQ command by mail done: reply"
    assert answer_to_staff(done)["template"] == "hq_cmd_done"
    [sent] = [r for r in done.replies if r["to"] == "petrov@geopartner.ru"]
    assert "Ближайший курс — 20 апреля." in sent["text"]
    assert "сформировано автоматически" not in sent["text"]  # issue 22 item 5
    assert show(desk, inquiry.case)["state"] == "answered"


def test_r_id_9_accounts_approved_by_mail_are_registered(desk, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 15)
    request = deliver(desk, (LETTERS / "59_sd_account_complete.eml").read_bytes())
    assert request.state == "awaiting_hq"
    at(frozen_clock, 2026, 3, 2, 11, 0)
    deliver(desk, command(request.case, "approve_accounts"))
    assert show(desk, request.case)["state"] == "done"
    with desk.sessions() as session:
        emails = set(session.scalars(select(PartnerAddress.email)))
    assert {"d.orlov@geopartner.ru", "a.vasilieva@geopartner.ru"} <= emails


def test_r_pin_16_r_pin_28_pin_commands_by_mail_extend_then_unpin(desk, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = deliver(desk, pin_request()).case
    deliver(
        desk,
        letter(
            to="mail@technocom.tech",
            subject=f"Re: [{case}] продление",
            body="Просим продлить срок предварительного закрепления на 30 дней.",
        ),
    )
    extended = deliver(desk, command(case, "продлить 30"))
    [sent] = partner_replies(extended)
    assert sent["to"] == "ivan@partner.ru" and "до 31.05.2026 23:59 (GMT+5)" in sent["text"]
    at(frozen_clock, 2026, 3, 3, 10, 0)
    deliver(
        desk,
        letter(to="mail@technocom.tech", subject=f"Re: [{case}] перечень", body=SOFTWARE_LIST),
    )
    assert show(desk, case)["state"] == "pinned"
    at(frozen_clock, 2026, 3, 4, 10, 0)
    unpinned = deliver(desk, command(case, "открепить: клиент расторг договор с партнером"))
    assert show(desk, case)["state"] == "unpinned"
    [letter_out] = partner_replies(unpinned)
    assert letter_out["template"] == "pin_unpinned"
    assert "сформировано автоматически" not in letter_out["text"]


def _signed(body: str, case: str) -> tuple[bytes, dict[bytes, bytes]]:
    """A staff letter signed by technocom.tech with a key made here, and its DNS record."""
    # A fresh key made by openssl in the test; dkimpy reads PEM keys itself.
    private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    public = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER"],
        input=private,
        capture_output=True,
        check=True,
    ).stdout
    raw = command(case, body, auth=None).replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")
    signature = dkim.sign(raw, b"mail", b"technocom.tech", private)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    return signature + raw, {b"mail._domainkey.technocom.tech.": record}


def _publish(desk, records: dict[bytes, bytes]) -> None:
    hq_mail = desk.pipeline._hq_mail
    config = dataclasses.replace(hq_mail._config, dkim_dnsfunc=lambda name, **_: records.get(name))
    hq_mail._config = config


def test_r_id_5_a_dkim_signature_verified_by_the_service_itself_is_accepted(
    desk, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 15)
    inquiry = deliver(desk, (LETTERS / "62_inquiry_training.eml").read_bytes())
    raw, records = _signed("ответ: Курс 20 апреля.", inquiry.case)
    _publish(desk, records)
    done = deliver(desk, raw)
    assert done.reason.startswith("HQ command by mail done"), done.reason
    assert show(desk, inquiry.case)["state"] == "answered"


def test_r_id_5_a_tampered_dkim_signed_letter_is_refused_and_hq_alerted(desk, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 15)
    inquiry = deliver(desk, (LETTERS / "62_inquiry_training.eml").read_bytes())
    raw, records = _signed("ответ: Курс 20 апреля.", inquiry.case)
    _publish(desk, records)
    tampered = raw.replace(b"20", b"30")
    refused = deliver(desk, tampered)
    assert "not authenticated" in refused.reason and "DKIM" in refused.reason
    assert [r["template"] for r in refused.replies] == ["hq_cmd_forged"]
    assert show(desk, inquiry.case)["state"] == "open"
