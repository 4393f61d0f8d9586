"""Throughput and memory on realistic mail (issue 20, item 4): the corpus of
bench/mixed_corpus.py in a real Dovecot on 127.0.0.1, through

(a) `partnerdesk import --reply` (a subprocess; the letters are in the folder before it
    starts), and
(b) the running service's IDLE watcher (`partnerdesk run`), the letters APPENDed while it
    idles (MULTIAPPEND, --chunk letters per command, --rate letters/s, 0 = as fast as it goes).

    .venv/bin/python bench/bench_mixed.py [--letters 1000] [--seed 20] [--mode import|idle|both]
        [--profile STATS_FILE]   (import: cProfile statistics and the slowest SQL statements)
        [--stages]               (import: wall time per pipeline stage, at full speed)

Printed per mode: letters/s end to end from process start (import) or from the first
APPEND (idle), and from the first letter stored; batches redone letter by letter (the
pipeline's log line) with the stack of the first; letters by status; the letters that did
not land on the case the corpus expected; the import's CPU time per letter; peak memory of
the process and any child (RSS and PSS summed, sampled every 20 ms); for (b) APPEND →
reply-in-outbox p50/p99 and its stages.
Everything runs on 127.0.0.1 in a temporary directory, removed at the end (--keep keeps it).
"""

from __future__ import annotations

import argparse
import compileall
import imaplib
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mixed_corpus import Corpus, build  # noqa: E402
from mixed_measure import (  # noqa: E402
    FALLBACK_LINE,
    Database,
    MemorySampler,
    append,
    latency_stages,
    log_report,
    p99,
    scan_replies,
)

from tests.imap.dovecot import Dovecot  # noqa: E402


class Run:
    """One partnerdesk database, configuration and log in a directory of its own."""

    def __init__(
        self,
        server: Dovecot,
        folder: str,
        workdir: Path,
        corpus: Corpus,
        runner: tuple[str, ...] = ("-m",),
    ) -> None:
        workdir.mkdir(parents=True)
        self.workdir = workdir
        # The service as a module, or under bench/profiled.py or bench/staged.py.
        self.python = [sys.executable, *runner]
        self.outbox = workdir / "outbox"
        self.log = workdir / "partnerdesk.log"
        self.db = Database(f"sqlite:///{workdir / 'pd.sqlite3'}")
        self.config = workdir / "partnerdesk.toml"
        self.config.write_text(
            f'database_url = "sqlite:///{workdir / "pd.sqlite3"}"\nlog_level = "WARNING"\n'
            "[smtp]\nenabled = false\n"
            f'[outbox]\nmaildir = "{self.outbox}"\npoll_seconds = 1\n'
            "[[imap.mailboxes]]\n"
            'name = "support"\nrole = "support"\ntls = "none"\nuser = "support"\n'
            f'host = "{server.host}"\nport = {server.port}\nfolder = "{folder}"\n'
            'existing_letters = "reply"\n',
            encoding="utf-8",
        )
        self.env = {**os.environ, "PARTNERDESK_IMAP_SUPPORT_PASSWORD": server.password}
        partners = workdir / "partners.json"
        partners.write_text(json.dumps(corpus.partners, ensure_ascii=False), encoding="utf-8")
        # R-ID-2: the senders are registered as `partnerdesk partners add/import` does it.
        self.cli("partners", "import", str(partners)).check_returncode()

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args, "--config", str(self.config)],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self, *args: str) -> subprocess.Popen:
        self.started = time.perf_counter()
        self.started_wall = time.time()
        with open(self.log, "ab") as log:
            return subprocess.Popen(
                [*self.python, "bot.cli", *args, "--config", str(self.config)],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def report(self, corpus: Corpus, done: float, begin: float, label: str) -> None:
        count = len(corpus.letters)
        first = self.started + (self.db.first_stored() - self.started_wall)
        print(
            f"  end to end ({label}): {done - begin:.1f} s, {count / (done - begin):.1f} letters/s"
        )
        print(
            f"  from the first letter stored: {done - first:.1f} s, "
            f"{count / (done - first):.1f} letters/s"
        )
        failures = log_report(self.log)
        print(f"  batches redone letter by letter (log «{FALLBACK_LINE}»): {len(failures)}")
        index: dict[str, int] = {}  # a Message-ID's first place: a redelivery repeats it
        for n, item in enumerate(corpus.letters, start=1):
            index.setdefault(item.message_id, n)
        for line, stack in failures:
            timer = re.search(r"\[parameters: \((\d+), '(\w+)', '[^']*', '([^']+)'", stack)
            if timer is None:
                print(f"    {line[20:]}")
                continue
            case_id, kind, due = timer.groups()
            letters = self.db.rows(
                "select l.message_id, c.number from letters l join cases c on c.id = l.case_id"
                f" where l.case_id = {int(case_id)} order by l.id"
            )
            which = ", ".join(
                f"#{index.get(mid, '?')} {corpus.letters[index[mid] - 1].role}"
                for mid, _ in letters
                if mid in index
            )
            number = letters[0][1] if letters else "?"
            print(
                f"    {line[20:]}: timer {kind} due {due} of {number} written twice; "
                f"its letters (corpus order): {which}"
            )
        statuses = self.db.rows("select status, count(*) from letters group by status")
        print("  letters by status: " + ", ".join(f"{s} {n}" for s, n in sorted(statuses)))
        new = self.outbox / "new"
        replies = len(os.listdir(new)) if new.exists() else 0
        cases = self.db.scalar("select count(*) from cases")
        print(f"  cases: {cases}, replies in the outbox: {replies}")
        landed = dict(
            self.db.rows(
                "select l.message_id, c.number from letters l left join cases c on c.id = l.case_id"
            )
        )
        wrong: dict[str, list[str]] = {}
        for number, item in enumerate(corpus.letters, start=1):
            if (
                item.role != "duplicate"
                and (landed.get(item.message_id) or "") != item.expected_case
            ):
                wrong.setdefault(item.role, []).append(
                    f"#{number} {item.expected_case}→{landed.get(item.message_id)}"
                )
        print(
            "  letters not on their expected case: "
            + (
                ", ".join(
                    f"{role} {len(items)} (e.g. {'; '.join(items[:3])})"
                    for role, items in wrong.items()
                )
                or "none"
            )
        )
        quarantined = self.db.rows(
            "select id, substr(reason, 1, 160) from letters where status = 'quarantined' limit 3"
        )
        for letter_id, reason in quarantined:
            print(f"  quarantined letter {letter_id}: {reason}")
        if failures:  # the first, not the loop's last
            stack = failures[0][1].replace("\n", "\n    ")
            print(f"  stack of the first batch failure (project frames):\n    {stack}")


def run_import(server: Dovecot, corpus: Corpus, root: Path, runner: tuple[str, ...]) -> None:
    append(server.host, server.port, "support", server.password, "import", corpus.letters)
    run = Run(server, "import", root / "import", corpus, runner)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = run.start("import", "--reply")
    sampler = MemorySampler(process.pid)
    try:
        code = process.wait(timeout=3600)
    finally:
        sampler.stop()
    done = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the import, now reaped
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"(a) partnerdesk import --reply: exit {code}")
    run.report(corpus, done, run.started, "process start → exit, replies delivered")
    # Steadier than the wall clock on a shared machine: what the letters cost the CPU.
    count = len(corpus.letters)
    print(f"  CPU: {cpu:.1f} s user+system with start-up, {cpu * 1000 / count:.1f} ms a letter")
    print(f"  CPU by process (sampled every 20 ms): {sampler.cpu_split()}")
    print(
        f"  peak memory: {sampler.peak_rss:.0f} MB RSS, {sampler.peak_pss:.0f} MB PSS "
        f"(process and children summed), largest VmHWM {sampler.peak_hwm:.0f} MB"
    )
    # bench/staged.py's table, written to the service's log at exit.
    for line in run.log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("stage "):
            print(f"  {line}")


def run_idle(server: Dovecot, corpus: Corpus, root: Path, chunk: int, rate: float) -> None:
    imap = imaplib.IMAP4(server.host, server.port)
    imap.login("support", server.password)
    imap.create("idle")  # the watcher waits on an existing folder
    imap.logout()
    run = Run(server, "idle", root / "idle", corpus)
    process = run.start("run")
    sampler = MemorySampler(process.pid)
    new, known, seen = run.outbox / "new", set[str](), {}
    sent: dict[str, float] = {}
    unique = len({item.message_id for item in corpus.letters})
    try:
        wait(
            process,
            lambda: run.db.scalar("select count(*) from mailbox_state where status = 'idle'"),
            120,
            "the watcher to idle",
        )
        idle_rss = sampler.peak_rss
        began = time.perf_counter()
        for start in range(0, len(corpus.letters), chunk):
            batch = corpus.letters[start : start + chunk]
            for mid, at in append(
                server.host, server.port, "support", server.password, "idle", batch, chunk
            ).items():
                sent.setdefault(mid, at)
            scan_replies(new, known, seen)
            if rate:
                time.sleep(max(0.0, began + (start + chunk) / rate - time.perf_counter()))

        def finished() -> bool:
            scan_replies(new, known, seen)
            return (
                run.db.scalar("select count(*) from letters") >= unique
                and not run.db.scalar("select count(*) from letters where status = 'received'")
                and not run.db.scalar(
                    # Alerts left to the next send slot (R-CAL-13) wait for tomorrow.
                    "select count(*) from outbox where status in ('queued', 'sending')"
                    " and next_attempt_at <= datetime('now')"
                )
            )

        done = wait(process, finished, 3600, "every letter processed and replied")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
        sampler.stop()
    print(
        f"(b) partnerdesk run, IDLE watcher, {chunk} letters per APPEND"
        + (f" at {rate:g} letters/s" if rate else " as fast as Dovecot takes them")
    )
    run.report(corpus, done, began, "first APPEND → all processed, replies delivered")
    waits = sorted(seen[mid] - sent[mid] for mid in sent if mid in seen)
    if waits:
        print(
            f"  APPEND → reply in outbox over {len(waits)} answered letters: median "
            f"{statistics.median(waits) * 1000:.0f} ms, p99 {p99(waits) * 1000:.0f} ms, "
            f"max {waits[-1] * 1000:.0f} ms"
        )
        print(latency_stages(run.db, sent, seen))
    print(
        f"  peak memory: {sampler.peak_rss:.0f} MB RSS, {sampler.peak_pss:.0f} MB PSS "
        f"(process and children summed; {idle_rss:.0f} MB RSS when idle before the first "
        f"letter), largest VmHWM {sampler.peak_hwm:.0f} MB"
    )


def wait(process: subprocess.Popen, predicate, timeout: float, what: str) -> float:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if process.poll() is not None:
            raise SystemExit(
                f"the service exited ({process.returncode}) waiting for {what}; "
                "see the log in the kept directory (--keep)"
            )
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.01)
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--mode", choices=("import", "idle", "both"), default="both")
    parser.add_argument("--chunk", type=int, default=10, help="letters per APPEND in idle mode")
    parser.add_argument("--rate", type=float, default=0, help="idle mode: letters/s, 0 = max")
    parser.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    parser.add_argument(
        "--profile", default="", help="import mode: write the service's cProfile stats here"
    )
    parser.add_argument(
        "--stages", action="store_true", help="import mode: wall time per pipeline stage"
    )
    args = parser.parse_args()
    # Bytecode compiled as an installed service has it, even where the environment says not
    # to write it (PYTHONDONTWRITEBYTECODE): otherwise each start compiles ~250 modules.
    for package in ("bot", "parsers", "replies"):
        compileall.compile_dir(REPO / package, quiet=1)
    corpus = build(args.letters, args.seed)
    size = sum(len(item.raw) for item in corpus.letters)
    server = Dovecot(users=("support",))
    server.start()
    root = Path(tempfile.mkdtemp(prefix="partnerdesk-mixed-"))
    try:
        print(
            f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}, SQLite, Maildir outbox; "
            f"{len(corpus.letters)} letters (seed {args.seed}), {size / 2**20:.1f} MB"
        )
        if args.mode in ("import", "both"):
            runner: tuple[str, ...] = ("-m",)
            if args.profile:
                runner = (str(REPO / "bench" / "profiled.py"), os.path.abspath(args.profile))
            elif args.stages:
                runner = (str(REPO / "bench" / "staged.py"),)
            run_import(server, corpus, root, runner)
        if args.mode in ("idle", "both"):
            run_idle(server, corpus, root, args.chunk, args.rate)
    finally:
        server.cleanup()
        if args.keep:
            print(f"work directory kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
