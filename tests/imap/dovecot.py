"""A throwaway Dovecot on 127.0.0.1 for the IMAP tests and the benchmark.

Each instance gets its own directory (config, passwd-file, Maildirs, sockets, log) and a free
port; plaintext LOGIN is allowed because nothing leaves the loopback interface. As root,
Dovecot refuses to run login processes or touch mail as uid 0, so mail belongs to the
package's `dovecot` user and logins run as `dovenull`; as anyone else, everything runs as
the current user.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.ports import free_port

PASSWORD = "secret-for-tests"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
# Loopback only: plaintext LOGIN is fine here and keeps the tests free of certificates.
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = 0
stats_writer_socket_path =
mail_location = maildir:{root}/mail/%u
# inotify normally wakes IDLE at once; this is the fallback when it cannot.
mailbox_idle_check_interval = 1 secs
mail_max_userip_connections = 100
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
# No chroot: an unprivileged Dovecot cannot chroot, and a test server gains nothing by it.
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
    )


class Dovecot:
    """Start, stop and restart one Dovecot; users share one password."""

    def __init__(self, users: tuple[str, ...] = ("mail", "support"), tls: bool = False) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("dovecot is not installed (Debian package dovecot-imapd)")
        self.binary = binary
        self.users = users
        self.password = PASSWORD
        self.host = "127.0.0.1"
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="partnerdesk-dovecot-"))
        # With `tls`: STARTTLS on `port`, implicit TLS on `tls_port`, a self-signed
        # certificate for 127.0.0.1 in `cert` (the tests trust it as their CA).
        self.tls_port = free_port() if tls else 0
        self.cert = self.root / "cert.pem"
        self._process: subprocess.Popen[bytes] | None = None
        self._write_config()

    @property
    def session(self) -> int | None:
        """The session id of the master and every process it started (None when stopped)."""
        return self._process.pid if self._process is not None else None

    def _write_config(self) -> None:
        root = self.root
        # Login and mail processes run as other users when we are root; they must reach it.
        root.chmod(0o755)
        for name in ("run", "state", "mail", "home"):
            (root / name).mkdir()
        if os.geteuid() == 0:
            uid, gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
            internal, internal_group, login = "dovecot", "dovecot", "dovenull"
            for name in ("mail", "home"):
                os.chown(root / name, uid, gid)
        else:
            uid, gid = os.getuid(), os.getgid()
            internal = login = pwd.getpwuid(uid).pw_name
            internal_group = grp.getgrgid(gid).gr_name
        (root / "passwd").write_text(
            "".join(
                f"{user}:{{PLAIN}}{self.password}:{uid}:{gid}::{root}/home/{user}\n"
                for user in self.users
            )
        )
        ssl = "ssl = no"
        if self.tls_port:
            key = root / "key.pem"
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1",
                    "-keyout",
                    str(key),
                    "-out",
                    str(self.cert),
                ],
                check=True,
                capture_output=True,
            )
            ssl = f"ssl = yes\nssl_cert = <{self.cert}\nssl_key = <{key}"
        (root / "dovecot.conf").write_text(
            _CONFIG.format(
                ssl=ssl,
                tls_port=self.tls_port,
                root=root,
                port=self.port,
                uid=uid,
                internal_user=internal,
                internal_group=internal_group,
                login_user=login,
            )
        )

    def start(self, timeout: float = 15) -> None:
        self._process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own process group: stopping it ends the imap processes too, as systemd does
            # (the master alone leaves connected clients running on).
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                err = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"dovecot exited at start: {err}\n{self.log()}")
            with contextlib.suppress(OSError), socket.create_connection((self.host, self.port), 1):
                return
            time.sleep(0.02)
        raise RuntimeError(f"dovecot did not listen on {self.host}:{self.port}\n{self.log()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.stderr:
            process.stderr.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
