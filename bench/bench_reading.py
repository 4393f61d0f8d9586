"""Reading speed on mail this project did not write, and the service's resting memory.

    .venv/bin/python bench/bench_reading.py

Reads every letter of the shared development set (`../shared/corpus/letters/`) and of the
real-world corpus (`../shared/corpus/real/`) as `partnerdesk parse` does — parse, classify,
extract, check — five times each, and prints the CPU time per letter (median, 95th
percentile, worst) by size, and the resident memory of a process that has imported the
reading code before and after the Russian morphological dictionary is loaded (it is loaded
once per process and shared by every letter). Issue 18's target: a typical 20 KB letter
under 5 ms of CPU.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from parsers import check, classify, extract, parse_letter  # noqa: E402
from parsers.errors import UnreadableLetter  # noqa: E402
from parsers.morph import lemma  # noqa: E402

SHARED = Path(os.environ.get("PARTNERDESK_SHARED", REPO.parent / "shared"))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(raw: bytes, mailbox: str) -> None:
    try:
        letter = parse_letter(raw)
    except UnreadableLetter:  # empty or not a letter: quarantined by the service, timed too
        return
    verdict = classify(letter, mailbox)
    check(extract(letter, verdict.kind))


def letters() -> list[tuple[Path, str]]:
    found = [
        (path, "support" if path.parent.name == "tickets" else "general")
        for path in sorted((SHARED / "corpus" / "letters").glob("*/*.eml"))
    ]
    found += [(path, "support") for path in sorted((SHARED / "corpus" / "real").rglob("*.eml"))]
    return found


def main() -> None:
    before = rss_mb()
    lemma("договора")  # loads the dictionary
    after = rss_mb()
    print(f"resting memory: {before:.0f} MB before the dictionary, {after:.0f} MB after")
    timings: dict[str, list[float]] = {"< 10 KB": [], "10–50 KB": [], "≥ 50 KB": []}
    everything: list[float] = []
    for path, mailbox in letters():
        raw = path.read_bytes()
        read(raw, mailbox)  # warm the caches once, as the service does after start
        started = time.process_time()
        for _ in range(5):
            read(raw, mailbox)
        ms = (time.process_time() - started) / 5 * 1000
        size = len(raw) / 1024
        bucket = "< 10 KB" if size < 10 else "10–50 KB" if size < 50 else "≥ 50 KB"
        timings[bucket].append(ms)
        everything.append(ms)
    for name, values in [*timings.items(), ("all", everything)]:
        if not values:
            continue
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(
            f"{name:>9}: {len(values):4d} letters, median {statistics.median(values):.2f} ms, "
            f"p95 {p95:.2f} ms, worst {values[-1]:.2f} ms CPU"
        )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
