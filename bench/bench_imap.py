"""IMAP watcher benchmark against a real Dovecot on 127.0.0.1 (issue 6).

    .venv/bin/python bench/bench_imap.py [--letters 1000] [--latency 200] [--big-mb 50]
    .venv/bin/python bench/bench_imap.py --reader-child    # reading.child_process = true
    .venv/bin/python bench/bench_imap.py --profile 300     # where the time goes, in-process

The service runs as a real `partnerdesk run` subprocess (SQLite, Maildir outbox) with its
letter-reading child (bot/reader_process.py). Memory is their PSS summed, sampled every
20 ms: the child is forked after imports, and RSS would count the pages they share twice.
Figures printed:

1. throughput: N letters already in the folder; from process start until every letter is
   stored and every reply is in the outbox (letters/s), plus the steady-state ingest rate,
   and the CPU each letter cost the service, its reading child and Dovecot from the first
   letter stored on, with the rate that CPU would allow if the cores shared it perfectly;
2. latency: letters APPENDed one by one (10 per second) while the watcher idles; APPEND to
   reply-in-outbox, median and p99;
3. peak memory for the N letters, and for one big letter alone.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.imap.dovecot import Dovecot  # noqa: E402
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter  # noqa: E402

BATCH_SIZE: int | None = None  # --batch-size: the watcher's default unless given
READER_CHILD = False  # --reader-child: letters read in a child process (reading.child_process)
_IN_REPLY_TO = re.compile(rb"^In-Reply-To:\s*(<[^>]+>)", re.MULTILINE | re.IGNORECASE)
_HISTORY = (
    "\n\n-----Original Message-----\nFrom: support@technocom.tech\n"
    + "> Добрый день! Уточните, пожалуйста, номер лицензионного договора.\n" * 40
)


def realistic(n: int, rng: random.Random) -> bytes:
    """A partner's letter: mostly text with quoted history, some with a log or a scan."""
    kind = n % 10
    body = (COMPLETE_TICKET if n % 3 else INCOMPLETE_TICKET) + _HISTORY * rng.randint(1, 3)
    attachments = []
    if kind in (6, 7, 8):
        line = "2026-03-02 10:00:00 ERROR TechnoCad: access denied to C:\\Docs\\plan.dwg\n"
        attachments.append(("app.log", (line * 600).encode(), "text/plain"))
    elif kind == 9:
        attachments.append(("scan.pdf", rng.randbytes(120_000), "application/pdf"))
    return letter(
        subject=f"Ошибка при сохранении документа №{n}",
        body=body,
        sender=f"engineer{n}@partner{n % 97}.ru",
        sender_name="Иван Петров",
        message_id=f"<bench-{n}-{rng.getrandbits(32)}@partner.ru>",
        attachments=attachments,
    )


def big_letter(megabytes: int) -> bytes:
    payload = os.urandom(megabytes * 1024 * 1024 * 3 // 4)  # base64 makes it ~megabytes
    return letter(
        subject="Архив с логами",
        body=COMPLETE_TICKET,
        sender="big@partner.ru",
        message_id="<bench-big@partner.ru>",
        attachments=[("logs.zip", payload, "application/zip")],
    )


def multiappend(server: Dovecot, user: str, folder: str, raws: list[bytes]) -> None:
    import imaplib

    imap = imaplib.IMAP4(server.host, server.port)
    imap.login(user, server.password)
    imap.create(folder)
    for start in range(0, len(raws), 200):
        parts = [b"MA APPEND " + folder.encode()]
        parts += [b" {%d+}\r\n" % len(raw) + raw for raw in raws[start : start + 200]]
        imap.send(b"".join(parts) + b"\r\n")
        while not (line := imap.readline()).startswith(b"MA "):
            pass
        assert b" OK " in line, line
    imap.logout()


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat from its third field (state) on; the name may hold spaces."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far."""
    return _cpu(_stat(pid))


def session_cpu(session: int) -> float:
    """CPU of the live processes of a session (Dovecot's master and its imap processes)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            if entry.name.isdigit() and int((fields := _stat(entry.name))[3]) == session:
                total += _cpu(fields)
    return total


def _kb(path: str, field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path(path).read_text(), re.M).group(1))


class Service:
    """`partnerdesk run` in a subprocess, watching one folder of the `support` user."""

    def __init__(self, server: Dovecot, folder: str, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True)
        self.outbox = workdir / "outbox"
        self.db_url = f"sqlite:///{workdir / 'pd.sqlite3'}"
        config = workdir / "partnerdesk.toml"
        config.write_text(
            f'database_url = "{self.db_url}"\nlog_level = "WARNING"\n'
            "[smtp]\nenabled = false\n"
            f'[outbox]\nmaildir = "{self.outbox}"\npoll_seconds = 1\n'
            "[[imap.mailboxes]]\n"
            'name = "support"\nrole = "support"\ntls = "none"\nuser = "support"\n'
            f'host = "{server.host}"\nport = {server.port}\nfolder = "{folder}"\n'
            # Letters put there before the start count as new mail: all of them are answered.
            'existing_letters = "reply"\n'
            + (f"batch_size = {BATCH_SIZE}\n" if BATCH_SIZE else "")
            + ("[reading]\nchild_process = true\n" if READER_CHILD else ""),
            encoding="utf-8",
        )
        env = {**os.environ, "PARTNERDESK_IMAP_SUPPORT_PASSWORD": server.password}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._engine = None

    def scalar(self, sql: str) -> int:
        if self._engine is None:
            if not (self.workdir / "pd.sqlite3").exists():
                return 0
            self._engine = create_engine(self.db_url)
        try:
            with self._engine.connect() as connection:
                return connection.execute(text(sql)).scalar() or 0
        except Exception:  # the schema is still being created
            return 0

    def replies(self) -> int:
        new = self.outbox / "new"
        return len(os.listdir(new)) if new.exists() else 0

    def peak_rss_mb(self) -> float:
        """The service process's own peak RSS (VmHWM), without its reading child."""
        return _kb(f"/proc/{self.process.pid}/status", "VmHWM") / 1024

    def children(self) -> list[int]:
        """The service's reading child, if any."""
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        return []

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the service (all its threads) and of its reading child."""
        child = 0.0
        for pid in self.children():
            with contextlib.suppress(OSError):
                child += cpu_seconds(pid)
        return cpu_seconds(self.process.pid), child

    def memory_mb(self) -> float:
        """PSS of the service and its reading child together: pages they share (the child
        is forked after imports) are counted once, not once per process."""
        pids = [self.process.pid, *self.children()]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError, AttributeError):
                total += _kb(f"/proc/{pid}/smaps_rollup", "Pss")
        return total / 1024

    def sample_memory(self) -> None:
        """Track the peak of `memory_mb` every 20 ms until the service stops."""

        def sample() -> None:
            while self.process.poll() is None:
                self.peak_pss = max(self.peak_pss, self.memory_mb())
                time.sleep(0.02)

        self.peak_pss = 0.0
        threading.Thread(target=sample, daemon=True).start()

    def wait(self, predicate, timeout: float, what: str) -> float:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if self.process.poll() is not None:
                raise SystemExit(f"service died: {self.process.stderr.read().decode()[-2000:]}")
            if time.perf_counter() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            time.sleep(0.005)
        return time.perf_counter()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)
        if self._engine is not None:
            self._engine.dispose()


def throughput(server: Dovecot, count: int, root: Path) -> None:
    rng = random.Random(6)
    raws = [realistic(n, rng) for n in range(count)]
    size = sum(map(len, raws))
    multiappend(server, "support", "through", raws)
    del raws
    assert server.session is not None
    service = Service(server, "through", root / "through")
    service.sample_memory()
    try:
        # CPU from the first letter stored on: the work per letter, without the start-up.
        service.wait(lambda: service.scalar("select count(*) from letters") > 0, 600, "a letter")
        cpu_from = (*service.cpu(), session_cpu(server.session))
        stored = service.wait(
            lambda: service.scalar("select count(*) from letters") >= count, 600, "letters"
        )
        done = service.wait(lambda: service.replies() >= count, 600, "replies")
        cpu_to = (*service.cpu(), session_cpu(server.session))
        first = _as_perf(service, "min")
        rss, pss = service.peak_rss_mb(), service.peak_pss
    finally:
        service.stop()
    total = done - service.started
    print(f"letters: {count}, {size / count / 1024:.0f} KB on average, {size / 2**20:.0f} MB")
    print(
        f"end to end (process start → all stored and replied): {total:.1f} s, "
        f"{count / total:.0f} letters/s"
    )
    print(
        f"  start-up (interpreter, imports, database, IMAP login, first batch stored): "
        f"{first - service.started:.2f} s; all stored after {stored - service.started:.1f} s"
    )
    print(
        f"  service rate (first letter stored → all replied): "
        f"{count / (done - first):.0f} letters/s"
    )
    # The first batch was stored before the first reading: a slight undercount per letter.
    own, child, dovecot = (1000 * (b - a) / count for a, b in zip(cpu_from, cpu_to, strict=True))
    cores = os.cpu_count() or 1
    print(
        f"  CPU per letter after the first was stored: service {own:.2f} ms (all its threads), "
        f"reading child {child:.2f} ms, Dovecot {dovecot:.2f} ms; with {cores} cores shared "
        f"perfectly that work allows at most {1000 * cores / (own + child + dovecot):.0f} "
        "letters/s after start-up"
    )
    print(
        f"peak memory for {count} letters: {pss:.0f} MB PSS of the service (and its reading "
        f"child, if any; sampled every 20 ms); the service process alone peaked at "
        f"{rss:.0f} MB RSS"
    )


def _as_perf(service: Service, function: str) -> float:
    """A stored_at of the service's database (UTC wall clock) on this process's perf clock."""
    from datetime import UTC, datetime

    with service._engine.connect() as connection:
        value = connection.execute(text(f"select {function}(stored_at) from letters")).scalar()
    wall = datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()
    return time.perf_counter() - (time.time() - wall)


def latency(server: Dovecot, count: int, root: Path) -> None:
    import imaplib

    service = Service(server, "latency", root / "latency")
    imap = imaplib.IMAP4(server.host, server.port)
    imap.login("support", server.password)
    imap.create("latency")
    try:
        service.wait(
            lambda: service.scalar("select count(*) from mailbox_state where status = 'idle'"),
            60,
            "the watcher to idle",
        )
        rng = random.Random(7)
        sent: dict[bytes, float] = {}
        wall: dict[str, float] = {}
        seen: dict[bytes, float] = {}
        known: set[str] = set()
        new = service.outbox / "new"
        for n in range(count):
            raw = realistic(n, rng)
            mid = re.search(rb"Message-ID: (<[^>]+>)", raw).group(1)
            sent[mid] = time.perf_counter()
            wall[mid.decode()] = time.time()
            imap.append("latency", None, None, raw)
            # Scan the outbox while pacing at ~10 letters per second.
            pace = time.perf_counter() + 0.1
            while time.perf_counter() < pace:
                _scan(new, known, seen)
                time.sleep(0.002)
        deadline = time.perf_counter() + 30
        while len(seen) < count and time.perf_counter() < deadline:
            _scan(new, known, seen)
            time.sleep(0.002)
        stored = _stored_at(service)
    finally:
        imap.logout()
        service.stop()
    waits = sorted(seen[m] - sent[m] for m in sent if m in seen)
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    print(
        f"latency APPEND → reply in outbox over {len(waits)}/{count} letters with IDLE: "
        f"median {statistics.median(waits) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {waits[-1] * 1000:.0f} ms"
    )
    # Where it goes: until the letter is committed (IDLE push, fetch, pipeline) vs after.
    to_store = sorted(stored[m] - wall[m] for m in wall if m in stored)
    print(
        f"  of which APPEND → letter stored: median {statistics.median(to_store) * 1000:.0f} ms,"
        f" p99 {to_store[min(len(to_store) - 1, int(len(to_store) * 0.99))] * 1000:.0f} ms"
    )


def _stored_at(service: Service) -> dict[str, float]:
    from datetime import UTC, datetime

    with service._engine.connect() as connection:
        rows = connection.execute(text("select message_id, stored_at from letters")).all()
    return {
        mid: datetime.fromisoformat(str(at)).replace(tzinfo=UTC).timestamp() for mid, at in rows
    }


def _scan(new: Path, known: set[str], seen: dict[bytes, float]) -> None:
    if not new.exists():
        return
    now = time.perf_counter()
    for name in os.listdir(new):
        if name in known:
            continue
        known.add(name)
        with open(new / name, "rb") as file:
            found = _IN_REPLY_TO.search(file.read(8192))
        if found:
            seen[found.group(1)] = now


def big(server: Dovecot, megabytes: int, root: Path) -> None:
    raw = big_letter(megabytes)
    size = len(raw)
    multiappend(server, "support", "big", [raw])
    del raw
    service = Service(server, "big", root / "big")
    service.sample_memory()
    try:
        service.wait(
            lambda: service.scalar("select count(*) from letters where status != 'received'"),
            600,
            "the big letter",
        )
        took = time.perf_counter() - service.started
        status = service.scalar("select count(*) from letters where status = 'processed'")
        rss, pss = service.peak_rss_mb(), service.peak_pss
    finally:
        service.stop()
    print(
        f"one {size / 2**20:.0f} MB letter: {'processed' if status else 'NOT processed'} "
        f"{took:.1f} s after start, peak {pss:.0f} MB PSS (with the child, if any), "
        f"{rss:.0f} MB RSS of the service alone"
    )


def idle_rss(server: Dovecot, root: Path) -> None:
    service = Service(server, "INBOX", root / "idle")
    try:
        service.wait(
            lambda: service.scalar("select count(*) from mailbox_state where status = 'idle'"),
            60,
            "the watcher to idle",
        )
        print(
            f"an idle service (baseline): {service.memory_mb():.0f} MB PSS (with its reading "
            f"child, if any), {service.peak_rss_mb():.0f} MB peak RSS of the service alone"
        )
    finally:
        service.stop()


def profile(server: Dovecot, count: int, root: Path) -> None:
    """The same work in-process and single-threaded, under cProfile."""
    import asyncio

    from bot.app import build
    from bot.runner import run_service
    from bot.settings import load_settings

    rng = random.Random(6)
    multiappend(server, "support", "profile", [realistic(n, rng) for n in range(count)])
    settings = load_settings(
        database_url=f"sqlite:///{root / 'profile.sqlite3'}",
        outbox={"maildir": str(root / "profile-outbox")},
        smtp={"enabled": False},
        imap={
            "mailboxes": [
                {
                    "name": "support",
                    "role": "support",
                    "tls": "none",
                    "host": server.host,
                    "port": server.port,
                    "user": "support",
                    "password": server.password,
                    "folder": "profile",
                    "existing_letters": "reply",
                }
            ]
        },
    )

    async def inline(func, /, *args, **kwargs):  # cProfile sees one thread only
        return func(*args, **kwargs)

    async def main() -> None:
        asyncio.to_thread = inline
        service = build(settings)
        stop = asyncio.Event()
        task = asyncio.create_task(run_service(service, stop))
        new = root / "profile-outbox" / "new"
        while not new.exists() or len(os.listdir(new)) < count:
            await asyncio.sleep(0.01)
        stop.set()
        await task

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    asyncio.run(main())
    profiler.disable()
    print(f"{count} letters in-process under cProfile: {time.perf_counter() - start:.1f} s")
    stats = pstats.Stats(profiler)
    areas = {
        "IMAP (aioimaplib + watcher)": ("aioimaplib", "bot/receive/imap"),
        "parse (parsers, email)": ("parsers/", "email/"),
        "SQL (SQLAlchemy + sqlite3)": ("sqlalchemy", "sqlite3"),
        "replies (Jinja2 render)": ("jinja2", "replies/"),
    }
    totals = dict.fromkeys(areas, 0.0)
    for (file, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        for area, needles in areas.items():
            if any(needle in file for needle in needles):
                totals[area] += tottime
                break
    whole = sum(entry[2] for entry in stats.stats.values())
    for area, seconds in totals.items():
        print(f"  {area:<30} {seconds:6.2f} s ({100 * seconds / whole:.0f}% of own time)")
    stats.sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--latency", type=int, default=200)
    parser.add_argument("--big-mb", type=int, default=50)
    parser.add_argument("--profile", type=int, metavar="N", help="only profile N letters")
    parser.add_argument("--batch-size", type=int, help="letters per IMAP batch (imap.batch_size)")
    parser.add_argument(
        "--reader-child", action="store_true", help="read letters in a child process"
    )
    args = parser.parse_args()
    global BATCH_SIZE, READER_CHILD
    BATCH_SIZE, READER_CHILD = args.batch_size, args.reader_child
    server = Dovecot(users=("support",))
    server.start()
    root = Path(tempfile.mkdtemp(prefix="partnerdesk-bench-"))
    try:
        print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}, SQLite, Maildir outbox")
        if args.profile:
            profile(server, args.profile, root)
            return
        idle_rss(server, root)
        if args.letters:
            throughput(server, args.letters, root)
        if args.latency:
            latency(server, args.latency, root)
        if args.big_mb:
            big(server, args.big_mb, root)
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
