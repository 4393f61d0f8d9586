"""Write the test letters (NN_name.eml) and their expected parses (NN_name.json).

Run from the repository root: `.venv/bin/python tests/letters/make_letters.py`.
The expectations are written here by hand, from the regulations, not from parser output.
Output is deterministic, so regenerating leaves git clean unless a letter changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from letters_license import LICENSE_LETTERS
from letters_other import OTHER_LETTERS
from letters_pin import PIN_LETTERS
from letters_ticket import TICKET_LETTERS
from mime_builders import build

HERE = Path(__file__).resolve().parent


def main() -> None:
    letters = PIN_LETTERS + LICENSE_LETTERS + TICKET_LETTERS + OTHER_LETTERS
    for old in HERE.glob("[0-9][0-9]_*.*"):
        if old.suffix in (".eml", ".json"):
            old.unlink()
    names = set()
    for serial, (name, mail, expected) in enumerate(letters, 1):
        assert name not in names, name
        names.add(name)
        stem = f"{serial:02d}_{name}"
        data = mail if isinstance(mail, bytes) else build(mail, serial)
        (HERE / f"{stem}.eml").write_bytes(data)
        expected = {"received_at": "2026-03-02T05:15:00+00:00", **expected}
        text = json.dumps(expected, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (HERE / f"{stem}.json").write_text(text, encoding="utf-8")
    print(f"{len(letters)} letters written to {HERE.name}/")


if __name__ == "__main__":
    main()
