"""A throwaway PostgreSQL on 127.0.0.1 for the tests that need the shared-database setup.

One cluster per test session (initdb into a temporary directory, trust authentication on
loopback only, a free port, the socket in that directory); every test gets a database of its
own. PostgreSQL refuses to run as root, so as root the cluster belongs to the package's
`postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.ports import free_port

_databases = itertools.count(1)


def postgres_bindir() -> Path | None:
    """Debian keeps the server programs out of PATH, one directory per major version."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Postgres:
    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian package postgresql)")
        self.bindir = bindir
        self.host = "127.0.0.1"
        self.port = free_port()
        self.user = "partnerdesk"
        self.root = Path(tempfile.mkdtemp(prefix="partnerdesk-postgres-"))
        self.data = self.root / "data"
        self._as: list[str] = []
        self._schema_url: str | None = None
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            self.root.chmod(0o755)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "postgres.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr}{done.stdout}\n{tail}")

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        )
        # Loopback only, the socket in our own directory, fsync off: a test cluster is
        # thrown away, so durability across a power cut buys nothing here.
        options = (
            f"-c listen_addresses={self.host} -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "postgres.log"),
            "-w",
            "start",
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database; its SQLAlchemy URL."""
        name = f"test_{os.getpid()}_{next(_databases)}"
        self._execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def clean_database(self) -> str:
        """One database at the schema's head, emptied for each caller; its SQLAlchemy URL.

        Emptying the tables (ids restarting from 1) takes a few milliseconds where a new
        database takes a sixth of a second. The schema is built once by the service's own
        start-up path (`open_database`).
        """
        if self._schema_url is None:
            from bot.store.db import open_database

            url = self.new_database()
            engine, _ = open_database(url)
            engine.dispose()
            self._schema_url = url
        name = self._schema_url.rsplit("/", 1)[1]
        with self._connect(name) as conn:
            # A connection a test left open would make TRUNCATE wait: fail instead.
            conn.execute("SET lock_timeout = '10s'")
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ]
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return self._schema_url

    def _execute(self, statement: str) -> None:
        with self._connect("postgres") as conn:
            conn.execute(statement)

    def _connect(self, database: str):  # psycopg.Connection; imported only when used
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname=database, autocommit=True
        )

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
