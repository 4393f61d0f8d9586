"""The reviewed letters as recorded in tests/data/reviewed_letters (issue 24): one file per
situation, a small header with the reviewer's reading, then the subject and the text exactly
as rendered.

    situation: ticket_ack_feature
    template: tkt_ack
    to: petrov@geopartner.ru
    verdict: ok
    reading:
      Прочитано: …
    ===== subject
    [TCM-000004] Заявка в Service Desk: …
    ===== text
    Номер обращения: …

A letter whose text changes keeps its reading but goes back to `needs review`: the test
fails until a person reads the new text and sets the verdict again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tests.letter_review.desk import Reply

DATA = Path(__file__).resolve().parents[1] / "data" / "reviewed_letters"
OK = "ok"
NEEDS_REVIEW = "needs review"
NOT_READ = "(not read yet)"
_SUBJECT = "===== subject"
_TEXT = "===== text"
_INDENT = "  "


@dataclass(frozen=True, slots=True)
class Recorded:
    situation: str
    template: str
    to: str
    verdict: str
    reading: str
    subject: str
    text: str

    def letter(self) -> Reply:
        return Reply(self.template, self.to, self.subject, self.text)


def path_of(situation: str, folder: Path = DATA) -> Path:
    return folder / f"{situation}.txt"


def dump(record: Recorded) -> str:
    reading = "\n".join(_INDENT + line if line else "" for line in record.reading.splitlines())
    return (
        f"situation: {record.situation}\n"
        f"template: {record.template}\n"
        f"to: {record.to}\n"
        f"verdict: {record.verdict}\n"
        f"reading:\n{reading}\n"
        f"{_SUBJECT}\n{record.subject}\n"
        f"{_TEXT}\n{record.text}"
    )


def parse(content: str, where: str = "") -> Recorded:
    """A recorded file's content; a malformed one is named with what is wrong."""
    head, found, rest = content.partition(f"\n{_SUBJECT}\n")
    subject, found_text, text = rest.partition(f"\n{_TEXT}\n")
    if not (found and found_text):
        raise ValueError(f"{where}: needs the lines {_SUBJECT!r} and {_TEXT!r}")
    keys: dict[str, str] = {}
    reading: list[str] = []
    for line in head.splitlines():
        if line.startswith(_INDENT) or (not line and "reading" in keys):
            reading.append(line.removeprefix(_INDENT))
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{where}: a header line is «key: value», not {line!r}")
        keys[key.strip()] = value.strip()
    missing = {"situation", "template", "to", "verdict", "reading"} - set(keys)
    if missing:
        raise ValueError(f"{where}: the header lacks {sorted(missing)}")
    return Recorded(
        situation=keys["situation"],
        template=keys["template"],
        to=keys["to"],
        verdict=keys["verdict"],
        reading="\n".join(reading).strip(),
        subject=subject,
        text=text,
    )


def load(path: Path) -> Recorded:
    return parse(path.read_text(encoding="utf-8"), str(path.name))


def load_all(folder: Path = DATA) -> dict[str, Recorded]:
    return {p.stem: load(p) for p in sorted(folder.glob("*.txt"))}


def same_letter(record: Recorded, letter: Reply) -> bool:
    return record.letter() == letter


def updated(record: Recorded | None, situation: str, letter: Reply) -> Recorded | None:
    """What the record mode writes for a letter rendered now: nothing for an unchanged one;
    a new letter unread; a changed one with its old reading kept, to be read again."""
    if record is not None and same_letter(record, letter):
        return None
    fresh = Recorded(
        situation, letter.template, letter.to, NEEDS_REVIEW, NOT_READ, letter.subject, letter.text
    )
    if record is None:
        return fresh
    return replace(fresh, reading=record.reading)
