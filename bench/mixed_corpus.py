"""A seeded corpus of realistic support mail for the benchmark (issue 20, item 4).

    .venv/bin/python bench/mixed_corpus.py --letters 1000 --seed 20 --out DIR

writes DIR/00001.eml … in delivery order, DIR/partners.json (for `partnerdesk partners
import`) and DIR/manifest.json (each letter's role, thread, expected case, charset, client).

The mix: eight partner domains, 60 % UTF-8, 25 % windows-1251, 15 % KOI8-R, in base64,
quoted-printable and raw 8-bit (bench/mixed_mime.py); 35 % replies, three in four tagged
with the case number in the subject, the rest threaded only by In-Reply-To/References to
the partner's earlier letter of the thread (as a colleague's «Re:» is); 30 % with a
10–200 KB log, 25 % with a screenshot; dates over four weeks, and the INTERNALDATE the
letters are appended with is the same (R-MBX-2: the receipt time is the server's). Three
replies in five come within hours of the previous letter of their thread, so they are a
few UIDs later and in the same import batch; some of those still lack data, so the case
asks again inside the clarification window. About 1 % are exact redeliveries (same bytes,
same Message-ID) and 1.5 % automatic letters (out-of-office replies to our replies, bounces).

Case numbers: computed, not looked up. Every first letter is a new ticket from a registered
address to support@, and the bot numbers cases in the order it processes letters, which is
UID order, which is this corpus's order; so the k-th first letter opens TCM-{k:06d} on an
empty database. Follow-ups, duplicates and automatic letters open none. bench_mixed.py
checks this after each run (the letters that did not land on their expected case).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mixed_mime import Draft, attachments, bounce, message_id, render, style
from mixed_texts import (
    GREETINGS,
    PartnerFirm,
    Person,
    followup,
    partner_firms,
    quoted,
    signature,
    ticket,
)

START = datetime(2026, 11, 2, 3, 30, tzinfo=UTC)  # a Monday, 08:30 in Yekaterinburg
DAYS = 26
SAME_BATCH_SHARE = 0.6


@dataclass
class CorpusLetter:
    raw: bytes
    received_at: datetime  # INTERNALDATE
    message_id: str
    role: str  # first, reply_tag, reply_thread, duplicate, auto_ooo, bounce
    thread: int
    expected_case: str
    charset: str = ""
    client: str = ""
    cte: str = ""


@dataclass
class Corpus:
    letters: list[CorpusLetter]
    partners: list[dict]


@dataclass
class _Thread:
    firm: PartnerFirm
    person: Person
    tracker: str
    complete: bool
    subject: str
    text: str
    ids: list[str] = field(default_factory=list)  # the partner's Message-IDs so far
    last: datetime = START
    case: str = ""


@dataclass
class _Slot:
    """A letter's place in the corpus before its bytes are written."""

    at: datetime
    role: str
    thread: int
    order: int
    of: int = -1  # a duplicate: the slot it repeats


def _schedule(rng: random.Random, count: int) -> tuple[list[_Slot], int]:
    """Every letter's time, role and thread, in delivery order; and the number of threads."""
    duplicates = max(2, count // 100)
    automatic = max(2, count * 3 // 200)
    replies = round(count * 0.35)
    firsts = count - replies - duplicates - automatic
    slots = []
    starts = sorted(
        START + timedelta(days=rng.randrange(DAYS), seconds=rng.uniform(0, 9 * 3600))
        for _ in range(firsts)
    )
    last = list(starts)
    for thread, at in enumerate(starts):
        slots.append(_Slot(at, "first", thread, len(slots)))
    weights = [1 + 2 * rng.random() for _ in range(firsts)]
    for _ in range(replies):
        thread = rng.choices(range(firsts), weights)[0]
        if rng.random() < SAME_BATCH_SHARE:
            gap = timedelta(minutes=rng.uniform(15, 360))
        else:
            gap = timedelta(days=rng.uniform(1, 10))
        last[thread] += gap
        role = "reply_tag" if rng.random() < 0.75 else "reply_thread"
        slots.append(_Slot(last[thread], role, thread, len(slots)))
    for _ in range(automatic):
        thread = rng.randrange(firsts)
        role = "auto_ooo" if rng.random() < 0.6 else "bounce"
        slots.append(
            _Slot(starts[thread] + timedelta(minutes=rng.uniform(2, 30)), role, thread, len(slots))
        )
    for _ in range(duplicates):
        original = rng.choice(slots)
        slots.append(
            _Slot(
                original.at + timedelta(minutes=rng.uniform(1, 20)),
                "duplicate",
                original.thread,
                len(slots),
                original.order,
            )
        )
    slots.sort(key=lambda slot: (slot.at, slot.order))
    return slots, firsts


def _reply(rng: random.Random, slot: _Slot, thread: _Thread) -> Draft:
    charset, client, cte = style(rng)
    colleague = slot.role == "reply_thread" and rng.random() < 0.5
    person = rng.choice(thread.firm.people) if colleague else thread.person
    still = not thread.complete and rng.random() < 0.5
    text = followup(rng, still)
    prefix = {"outlook": "RE: ", "thebat": "Re[2]: "}.get(client, rng.choice(("Re: ", "Ответ: ")))
    tag = f"[{thread.case}] " if slot.role == "reply_tag" else ""
    body = f"{rng.choice(GREETINGS)}\n\n{text}{signature(rng, person, thread.firm)}" + quoted(
        rng, thread.subject, thread.text, client == "outlook"
    )
    draft = Draft(
        client,
        charset,
        cte,
        person.name,
        person.address,
        f"{prefix}{tag}{thread.subject}",
        body,
        slot.at,
        message_id(rng, client, thread.firm.domain, slot.at),
        attachments=attachments(rng),
    )
    if slot.role == "reply_thread":
        draft.in_reply_to = thread.ids[-1]
        draft.references = list(thread.ids[-5:])
    return draft


def _automatic(rng: random.Random, slot: _Slot, thread: _Thread) -> bytes:
    domain = thread.firm.domain
    our = f"[{thread.case}] {thread.subject}"
    if slot.role == "auto_ooo":
        draft = Draft(
            "outlook",
            "utf-8",
            "base64",
            thread.person.name,
            thread.person.address,
            f"Автоматический ответ: {our}",
            f"Я в отпуске до {rng.randint(10, 28)}.12.2026. По срочным вопросам "
            f"пишите на support@{domain}.\n",
            slot.at,
            message_id(rng, "outlook", domain, slot.at),
            extra_headers=["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"],
        )
        return render(draft, rng.getrandbits(32))
    return bounce(rng, domain, thread.person.address, our, slot.at)


def build(count: int, seed: int) -> Corpus:
    """The corpus of `count` letters for `seed`, in delivery (UID) order."""
    rng = random.Random(seed)
    firms = partner_firms()
    slots, firsts = _schedule(rng, count)
    threads: list[_Thread] = []
    for _ in range(firsts):
        firm = rng.choice(firms)
        tracker = rng.choices(("bug", "feature", "support"), (4, 2, 4))[0]
        complete = rng.random() < 0.5
        subject, text = ticket(rng, tracker, complete)
        threads.append(_Thread(firm, rng.choice(firm.people), tracker, complete, subject, text))
    # Case numbers in processing order: the order first letters come in (module docstring).
    number = 0
    for slot in slots:
        if slot.role == "first":
            number += 1
            threads[slot.thread].case = f"TCM-{number:06d}"
    letters: list[CorpusLetter] = []
    by_order: dict[int, CorpusLetter] = {}
    for slot in slots:
        thread = threads[slot.thread]
        if slot.role == "duplicate":
            original = by_order[slot.of]
            item = CorpusLetter(
                original.raw,
                slot.at,
                original.message_id,
                "duplicate",
                slot.thread,
                original.expected_case,
                original.charset,
                original.client,
                original.cte,
            )
        elif slot.role in ("auto_ooo", "bounce"):
            raw = _automatic(rng, slot, thread)
            mid = raw.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode()
            # A bounce names our reply only by its subject (our Message-IDs are not known
            # beforehand): it is stored, but no case is expected to take it.
            case = thread.case if slot.role == "auto_ooo" else ""
            item = CorpusLetter(raw, slot.at, mid, slot.role, slot.thread, case)
        else:
            if slot.role == "first":
                charset, client, cte = style(rng)
                body = (
                    f"{rng.choice(GREETINGS)}\n\n{thread.text}\n"
                    f"{signature(rng, thread.person, thread.firm)}"
                )
                draft = Draft(
                    client,
                    charset,
                    cte,
                    thread.person.name,
                    thread.person.address,
                    thread.subject,
                    body,
                    slot.at,
                    message_id(rng, client, thread.firm.domain, slot.at),
                    attachments=attachments(rng),
                )
            else:
                draft = _reply(rng, slot, thread)
            thread.ids.append(draft.message_id)
            item = CorpusLetter(
                render(draft, rng.getrandbits(32)),
                slot.at,
                draft.message_id,
                slot.role,
                slot.thread,
                thread.case,
                draft.charset,
                draft.client,
                draft.cte,
            )
        by_order[slot.order] = item
        letters.append(item)
    partners = [
        {
            "name": firm.name,
            "inn": firm.inn,
            "role": firm.role,
            "domains": [firm.domain],
            "addresses": [person.address for person in firm.people],
        }
        for firm in firms
    ]
    return Corpus(letters, partners)


def write(corpus: Corpus, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for number, item in enumerate(corpus.letters, start=1):
        name = f"{number:05d}.eml"
        (directory / name).write_bytes(item.raw)
        manifest.append(
            {
                "file": name,
                "uid_order": number,
                "role": item.role,
                "thread": item.thread,
                "message_id": item.message_id,
                "expected_case": item.expected_case,
                "received_at": item.received_at.isoformat(),
                "charset": item.charset,
                "client": item.client,
                "cte": item.cte,
                "size": len(item.raw),
            }
        )
    (directory / "partners.json").write_text(
        json.dumps(corpus.partners, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (directory / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    args = parser.parse_args()
    corpus = build(args.letters, args.seed)
    write(corpus, args.out)
    size = sum(len(item.raw) for item in corpus.letters)
    print(f"{len(corpus.letters)} letters, {size / 2**20:.1f} MB, written to {args.out}")


if __name__ == "__main__":
    main()
