"""parsers.form: the generic reader of numbered sections, sub-items and next-line values."""

from __future__ import annotations

import re

from parsers.form import read_form, split_marker


def _labels(line: str, inside: str | None) -> tuple[str, int] | None:
    match = re.match(r"(адрес|телефон|состав работ|сроки)\s*(?::|$)\s*", line, re.I)
    return (match.group(1).lower(), match.end()) if match else None


def test_value_on_the_next_line_and_after_a_blank_line() -> None:
    entries = read_form("Адрес:\nг. Омск, ул. Мира, 5\n\nТелефон\n\n+7 3812 00-00-00\n", _labels)
    assert [(e.code, e.value) for e in entries] == [
        ("адрес", "г. Омск, ул. Мира, 5"),
        ("телефон", "+7 3812 00-00-00"),
    ]


def test_hard_wrapped_value_is_joined() -> None:
    entries = read_form("Адрес: г. Омск, ул. Мира,\n   д. 5, офис 12\nТелефон: 1-2-3\n", _labels)
    assert entries[0].flat == "г. Омск, ул. Мира, д. 5, офис 12"
    assert entries[1].value == "1-2-3"


def test_list_items_belong_to_a_label_without_value_but_not_to_a_filled_one() -> None:
    text = "Состав работ:\n- монтаж\n- наладка\nСроки: май\n- отдельная строка\n"
    entries = read_form(text, _labels)
    assert entries[0].value == "- монтаж\n- наладка"
    assert entries[1].value == "май"
    assert (entries[2].code, entries[2].marker) == (None, "-")


def test_numbered_sections_and_an_unlabelled_next_item() -> None:
    text = "1. Адрес: Омск\n2. Телефон: 5-5-5\n3. Договор поставки от мая\n"
    entries = read_form(text, _labels)
    assert [e.marker for e in entries] == ["1.", "2.", "3."]
    assert entries[2].code is None and entries[2].value == "Договор поставки от мая"


def test_split_marker_reads_checkboxes_and_numbers() -> None:
    assert split_marker("[+] сеть доступна") == ("[+]", "сеть доступна")
    assert split_marker("  2) нажать") == ("2)", "нажать")
    assert split_marker("Просто текст") == ("", "Просто текст")
