"""TLS and STARTTLS against a Dovecot with a self-signed certificate (issue 6, item 1)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.imap.conftest import (
    MailClient,
    delivered,
    imap_settings,
    mailbox_config,
    state,
    until,
)
from tests.imap.dovecot import Dovecot, dovecot_binary
from tests.support.letters import COMPLETE_TICKET, letter

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_dovecot() -> Iterator[Dovecot]:
    if dovecot_binary() is None or shutil.which("openssl") is None:
        pytest.skip("dovecot or openssl is not installed: TLS tests skipped")
    server = Dovecot(users=("support",), tls=True)
    server.start()
    yield server
    server.cleanup()


@pytest.mark.parametrize("mode", ["tls", "starttls"])
async def test_letters_arrive_over_tls_and_starttls(
    tls_dovecot, folder, tmp_path, start_service, mode
) -> None:
    client = MailClient(tls_dovecot, "support")
    client.create(folder)
    port = tls_dovecot.tls_port if mode == "tls" else tls_dovecot.port
    cert = str(tls_dovecot.cert)
    box = mailbox_config(
        tls_dovecot, "support", "support", folder, tls=mode, port=port, ca_file=cert
    )
    running = await start_service(imap_settings(tmp_path, [box]))

    def idle() -> bool:
        row = state(running.service, "support")
        return row is not None and row.status == "idle"

    await until(idle, 10, "the watcher to idle")
    client.append(folder, letter(body=COMPLETE_TICKET, sender="tls@partner.ru"))
    await until(lambda: len(delivered(running.outbox)) == 1, 10, "the reply")
    client.close()


async def test_an_untrusted_certificate_is_refused_and_reported(
    tls_dovecot, folder, tmp_path, start_service
) -> None:
    box = mailbox_config(
        tls_dovecot, "support", "support", folder, tls="tls", port=tls_dovecot.tls_port
    )
    running = await start_service(imap_settings(tmp_path, [box]))

    def refused() -> bool:
        row = state(running.service, "support")
        return row is not None and "CERTIFICATE_VERIFY_FAILED" in (row.last_error or "")

    await until(refused, 10, "the certificate error")
    row = state(running.service, "support")
    assert row.status in ("backoff", "connecting") and row.down_since is not None
    assert tls_dovecot.password not in (row.last_error or "")
