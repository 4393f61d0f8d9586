"""Record the reviewed letters (issue 24): `python -m tests.letter_review --record`.

Without --record it only lists what differs from tests/data/reviewed_letters. With it, a new
letter is written unread and a changed one keeps its reading but goes back to `needs review`;
either way the test fails until a person reads the letter, updates the reading and sets
`verdict: ok` by hand. Files of situations that no longer exist are removed.
"""

from __future__ import annotations

import argparse
import sys

from tests.letter_review.collect import render_all
from tests.letter_review.recorded import DATA, dump, load_all, path_of, updated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.letter_review", description=__doc__)
    parser.add_argument(
        "--record", action="store_true", help="write the changed letters (never a verdict)"
    )
    args = parser.parse_args(argv)
    letters = render_all()
    recorded = load_all()
    changes = 0
    for situation, letter in letters.items():
        record = updated(recorded.get(situation), situation, letter)
        if record is None:
            continue
        changes += 1
        what = "new" if situation not in recorded else "changed"
        print(f"{what}: {situation} — read it and set its verdict in {path_of(situation).name}")
        if args.record:
            DATA.mkdir(parents=True, exist_ok=True)
            path_of(situation).write_text(dump(record), encoding="utf-8")
    for situation in sorted(set(recorded) - set(letters)):
        changes += 1
        print(f"gone: {situation} — no situation renders it any more")
        if args.record:
            path_of(situation).unlink()
    unread = [s for s, r in load_all().items() if r.verdict != "ok"] if args.record else []
    if unread:
        print(f"{len(unread)} letter(s) await a reading: {', '.join(unread)}")
    if not args.record and changes:
        print("nothing written; run with --record to write these letters")
    return 1 if changes or unread else 0


if __name__ == "__main__":
    sys.exit(main())
