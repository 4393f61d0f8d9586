"""Measuring tools for bench_mixed.py: a process tree's memory, IMAP appends with their
INTERNALDATE, the service's database and log, and the replies in the Maildir outbox."""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

FALLBACK_LINE = "failed; processing them one by one"  # bot/pipeline.py, Pipeline.ingest_many
REPO = Path(__file__).resolve().parents[1]
_IN_REPLY_TO = re.compile(rb"^In-Reply-To:\s*(<[^>]+>)", re.MULTILINE | re.IGNORECASE)


def _kb(path: str, field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", Path(path).read_text(), re.M)
    return int(found.group(1)) if found else 0


def tree(pid: int) -> list[int]:
    """The process and all its descendants (a reading child, if any)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(p) for p in (task / "children").read_text().split()]
    return pids


def _cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/PID/stat, after the command name in brackets.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MemorySampler:
    """Peak RSS and PSS summed over a process tree, sampled every 20 ms (as bench_imap.py);
    PSS counts pages a forked child shares with its parent once, RSS twice."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = self.peak_pss = 0.0
        self.peak_hwm = 0.0  # the largest VmHWM of one process of the tree
        # CPU seconds (user+system) last seen per process: the service and its reading child.
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            for pid in tree(self.pid):
                with contextlib.suppress(OSError):
                    rss += _kb(f"/proc/{pid}/status", "VmRSS")
                    pss += _kb(f"/proc/{pid}/smaps_rollup", "Pss")
                    self.peak_hwm = max(self.peak_hwm, _kb(f"/proc/{pid}/status", "VmHWM") / 1024)
                    self.cpu[pid] = _cpu_seconds(pid)
            self.peak_rss = max(self.peak_rss, rss / 1024)
            self.peak_pss = max(self.peak_pss, pss / 1024)
            time.sleep(0.02)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_split(self) -> str:
        """CPU by process as last sampled: the service first, then its children."""
        main = self.cpu.get(self.pid, 0.0)
        children = [seconds for pid, seconds in self.cpu.items() if pid != self.pid]
        return f"service {main:.1f} s" + "".join(f", child {s:.1f} s" for s in children)


def append(
    host: str, port: int, user: str, password: str, folder: str, letters: list, chunk: int = 200
) -> dict[str, float]:
    """MULTIAPPEND the letters in order with their INTERNALDATE; returns, per Message-ID,
    the perf_counter time its APPEND command was sent (the first time, for a duplicate)."""
    sent: dict[str, float] = {}
    imap = imaplib.IMAP4(host, port)
    imap.login(user, password)
    imap.create(folder)
    for start in range(0, len(letters), chunk):
        parts = [b"MA APPEND " + folder.encode()]
        for item in letters[start : start + chunk]:
            date = imaplib.Time2Internaldate(item.received_at.timestamp()).encode()
            parts.append(b" () %s {%d+}\r\n" % (date, len(item.raw)) + item.raw)
        now = time.perf_counter()
        for item in letters[start : start + chunk]:
            sent.setdefault(item.message_id, now)
        imap.send(b"".join(parts) + b"\r\n")
        while not (line := imap.readline()).startswith(b"MA "):
            pass
        if b" OK " not in line:
            raise SystemExit(f"APPEND refused by Dovecot: {line!r}; see its log")
    imap.logout()
    return sent


def wall_seconds(value: object) -> float:
    """A stored UTC timestamp (naive, as SQLite returns it) as a time.time() value."""
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()


def p99(ordered: list[float]) -> float:
    """The 99th percentile of values already sorted."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class Database:
    """Read-only questions to the service's SQLite database."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def scalar(self, sql: str) -> int:
        try:
            with self.engine.connect() as connection:
                return connection.execute(text(sql)).scalar() or 0
        except Exception:  # the schema is still being created
            return 0

    def rows(self, sql: str) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql)).all())

    def first_stored(self) -> float:
        """The first letter's stored_at (UTC wall clock) as a time.time() value."""
        return wall_seconds(self.rows("select min(stored_at) from letters")[0][0])


def log_report(log: Path) -> list[tuple[str, str]]:
    """Each batch redone letter by letter: its log line, and its stack cut to the project's
    frames and the exception lines (the SQL parameters name the timer that failed)."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    failures = []
    for index, line in enumerate(lines):
        if FALLBACK_LINE not in line:
            continue
        stack = []
        for number, follow in enumerate(lines[index + 1 :], start=index + 1):
            if re.match(r"^\d{4}-\d\d-\d\d |^import |^partnerdesk", follow):
                break
            project = 'File "' in follow and "site-packages" not in follow and "<" not in follow
            if project:
                stack += [follow.replace(str(REPO) + "/", ""), lines[number + 1]]
            elif not follow.startswith(" ") and follow.strip():
                stack.append(follow)
        failures.append((line, "\n".join(stack)))
    return failures


def scan_replies(new: Path, known: set[str], seen: dict[str, float]) -> None:
    """Note the time each reply (by its In-Reply-To) was written to the outbox: its file's
    mtime on the perf_counter clock, so the figure does not depend on how often we look."""
    if not new.exists():
        return
    offset = time.perf_counter() - time.time()
    for name in os.listdir(new):
        if name in known:
            continue
        known.add(name)
        path = new / name
        with open(path, "rb") as file:
            found = _IN_REPLY_TO.search(file.read(8192))
        if found:
            seen.setdefault(found.group(1).decode(), os.stat(path).st_mtime + offset)


def latency_stages(db: Database, sent: dict[str, float], seen: dict[str, float]) -> str:
    """Where an answered letter's APPEND → reply went, median and p99 of each stage:
    waiting for the server's IDLE push and the fetch (→ stored), processing (→ processed),
    the outbox (→ the reply row sent), the transport (→ the reply file written)."""
    offset = time.perf_counter() - time.time()
    stages: dict[str, list[float]] = {"stored": [], "processed": [], "sent": [], "written": []}
    query = (
        "select letters.message_id, letters.stored_at, letters.processed_at, min(outbox.sent_at)"
        " from letters join outbox on outbox.letter_id = letters.id"
        " where outbox.sent_at is not null and outbox.reply_kind != 'notice'"
        " group by letters.id"
    )
    for message_id, stored, processed, delivered in db.rows(query):
        if message_id not in sent or message_id not in seen or processed is None:
            continue
        marks = [sent[message_id]]
        marks += [wall_seconds(value) + offset for value in (stored, processed, delivered)]
        marks.append(seen[message_id])
        for name, before, after in zip(stages, marks, marks[1:], strict=False):
            stages[name].append(after - before)
    parts = []
    for name, values in stages.items():
        if values:
            values.sort()
            median, tail = values[len(values) // 2], p99(values)
            parts.append(f"→ {name} {median * 1000:.0f}/{tail * 1000:.0f}")
    return "  stages, median/p99 ms: " + ", ".join(parts) if parts else ""
