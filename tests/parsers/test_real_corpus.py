"""Every letter of the shared real-world corpus parses: no unhandled exception, no hang,
and the Russian ones decode to real words (no mojibake)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from parsers import UnreadableLetter, classify, extract, is_automatic, parse_letter, parse_report
from parsers.requirements import check

from .conftest import real_corpus

pytestmark = pytest.mark.corpus


def _rows() -> list[tuple[str, str]]:
    root = real_corpus()
    if root is None:
        return []
    lines = (root / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(line.split("\t")[0], line.split("\t")[3]) for line in lines if line.strip()]


ROWS = _rows()
# Mojibake: UTF-8 read as Latin-1 or cp1251, or cp1251 read as KOI8-R (capitals soup).
# A lone U+FFFD is not mojibake: some corpus files carry broken bytes on purpose.
_MOJIBAKE = re.compile(r"[ÐÑ][\x80-\xbf]|Р[ЎЃ°±І]|вЂ|[А-Я]{4,}[ЁЂ-Џ]")


def test_corpus_index_is_readable(corpus_root: Path) -> None:
    assert len(ROWS) > 300


@pytest.mark.parametrize(("name", "tags"), ROWS, ids=[r[0] for r in ROWS])
def test_every_corpus_file_parses_through_the_whole_pipeline(
    corpus_root: Path, name: str, tags: str
) -> None:
    raw = (corpus_root / name).read_bytes()
    started = time.process_time()
    try:
        letter = parse_letter(raw)
    except UnreadableLetter as exc:
        assert str(exc), "UnreadableLetter must say why"
        assert not raw.strip(), f"{name} is not empty but was refused: {exc}"
        return
    for role in ("general", "support"):
        verdict = classify(letter, role)
        check(extract(letter, verdict.kind))
    is_automatic(letter)
    report = parse_report(raw, "general")
    assert report["kind"] is not None
    assert time.process_time() - started < 5, f"{name} took too long"


# Files whose decoded subject or text must contain these words (charsets noted).
KNOWN_WORDS = {
    "thunderbird-comm-central/sample04.eml": ("Алфавит", "Вопрос"),  # KOI8-R, base64
    "thunderbird-comm-central/sample05.eml": ("Алфавит", "Вопрос"),  # windows-1251, base64
    "mimekit/tnef/ukr.eml": ("шостий",),  # KOI8-U inside winmail.dat
    "flanker/bilingual-simple.eml": ("Как ты поживаешь", "А эта линия по-русски"),
    "sisimai-set-of-emails/bsd/lhost-mailru-01.eml": (
        "Ваше сообщение не доставлено",
        "Это письмо создано автоматически",
    ),
    "sisimai-set-of-emails/bsd/lhost-yandex-01.eml": (
        "Недоставленное сообщение",
        "почтовым сервером",
    ),
    "flanker/mailgun-pic.eml": ("Мейлган",),
    "spamscope-mail-parser/mail_test_6.eml": ("Быстрее вкладывайте в золото", "Профессионалы"),
    "spamscope-mail-parser/mail_test_1.eml": ("письмо уведом",),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(KNOWN_WORDS))
def test_cyrillic_letters_decode_to_known_words(corpus_root: Path, name: str) -> None:
    letter = parse_letter((corpus_root / name).read_bytes())
    decoded = f"{letter.subject}\n{letter.text}"
    for word in KNOWN_WORDS[name]:
        assert word in decoded, f"{word!r} not in {name}: {decoded[:200]!r}"
    assert not _MOJIBAKE.search(decoded), _MOJIBAKE.search(decoded)


def test_cyrillic_tagged_letters_have_no_mojibake(corpus_root: Path) -> None:
    # Files that are broken on purpose (bad encodings, truncated parts) are left out.
    broken = {"flanker/enclosed-bad-encoding.eml", "mikel-mail/plain_emails/raw_email_bad_time.eml"}
    checked = 0
    for name, tags in ROWS:
        if name in broken or not re.search(r"lang-cyrillic|charset-koi8r|charset-cp1251", tags):
            continue
        try:
            letter = parse_letter((corpus_root / name).read_bytes())
        except UnreadableLetter:
            continue
        decoded = f"{letter.subject}\n{letter.text}"
        found = _MOJIBAKE.search(decoded)
        assert not found, f"mojibake in {name}: {found.group(0)!r}"
        # Russian prose is mostly lower case; a wrong KOI8-R/cp1251 guess swaps the case.
        cyrillic = re.findall(r"[а-яёА-ЯЁ]", decoded)
        if len(cyrillic) >= 20:
            lower = sum(ch.islower() for ch in cyrillic)
            assert lower / len(cyrillic) > 0.5, f"{name} looks like a wrong Cyrillic charset"
        checked += 1
    assert checked >= 25


def test_raw_utf8_attachment_name_is_decoded(corpus_root: Path) -> None:
    letter = parse_letter((corpus_root / "spamscope-mail-parser/mail_test_1.eml").read_bytes())
    assert [a.filename for a in letter.attachments] == ["ФНС_РФ558.zip"]


def test_koi8r_rfc2047_attachment_name(corpus_root: Path) -> None:
    letter = parse_letter((corpus_root / "james-mime4j/russian-headers.eml").read_bytes())
    assert [a.filename for a in letter.attachments] == ["Список.doc"]


def test_tnef_winmail_dat_is_unpacked(corpus_root: Path) -> None:
    letter = parse_letter((corpus_root / "mimekit/tnef/rich-text.eml").read_bytes())
    names = [a.filename for a in letter.attachments]
    assert "kitten-playing-with-a-christmas-tree.jpg" in names
    assert all(a.origin == "winmail.dat" for a in letter.attachments)
    assert "Christmas to remember" in letter.text


def test_russian_android_reply_keeps_only_new_text(corpus_root: Path) -> None:
    letter = parse_letter((corpus_root / "talon/standard_replies/android.eml").read_bytes())
    assert letter.new_text == "Hello"
    assert "написал" in letter.quoted_text


def test_forwarded_rfc822_text_is_kept_apart(corpus_root: Path) -> None:
    letter = parse_letter((corpus_root / "flanker/enclosed.eml").read_bytes())
    assert letter.new_text == "Hello"
    assert "чтобы я без вас делал" in letter.forwarded_text


def test_bounces_in_the_corpus_are_automatic(corpus_root: Path) -> None:
    for name in (
        "sisimai-set-of-emails/bsd/lhost-yandex-01.eml",
        "sisimai-set-of-emails/bsd/lhost-mailru-01.eml",
    ):
        letter = parse_letter((corpus_root / name).read_bytes())
        assert is_automatic(letter), name


def test_every_kind_can_be_extracted_from_every_corpus_letter(corpus_root: Path) -> None:
    """Extractors never raise, whatever kind the service asks for (R-THR-8 splits, reclassify)."""
    from parsers.types import Kind

    for name, _ in ROWS:
        try:
            letter = parse_letter((corpus_root / name).read_bytes())
        except UnreadableLetter:
            continue
        for kind in Kind:
            check(extract(letter, kind))


@pytest.mark.parametrize(
    ("name", "attribute", "expected"),
    [
        # Raw 8-bit Latin-1 headers must not be taken for Cyrillic.
        ("flanker/from-encoding.eml", "from_name", "Ingo Lütkebohle"),
        (
            "mikel-mail/error_emails/invalid_subject_characters.eml",
            "subject",
            "Formação FrenetikPolis",
        ),
        # UTF-8 cut in the middle of the last character is still UTF-8.
        ("flanker/mailformed-headers.eml", "from_name", "Юникод запрещен"),
        # An RFC 1556 charset name (iso-8859-8-i).
        ("php-mime-mail-parser/issue149.eml", "subject", "מענה"),
    ],
)
def test_undeclared_and_odd_charsets_in_headers(
    corpus_root: Path, name: str, attribute: str, expected: str
) -> None:
    letter = parse_letter((corpus_root / name).read_bytes())
    assert expected in getattr(letter, attribute)


def test_truncated_utf8_attachment_name(corpus_root: Path) -> None:
    letter = parse_letter((corpus_root / "flanker/russian-attachment-yahoo.eml").read_bytes())
    assert letter.attachments[0].filename.startswith("Картинка с очень, очень длинным")
