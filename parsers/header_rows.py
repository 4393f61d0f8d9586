"""A table of one record laid out across: a row of labels, and under it one row of values.

Mail clients render an HTML table cell by cell with tabs between («Полное наименование
организации<TAB>ИНН» over «МКУ «…»<TAB>8601027146»). Every reader of a form reads a label
with its value on one line or under it, so such a pair of rows is read as «label: value»
lines. Only a pair qualifies: the header's cells read as labels (words, no digits), the row
below has as many cells, and no third row of that width follows — a table of several
records (the products of Appendix 1) stays a table for the readers of tables.
"""

from __future__ import annotations

import re

_LABEL_CELL = re.compile(r"^[^\W\d_][^\d\t]{0,60}$")
_MAX_CELLS = 8


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("\t")]


def header_rows_as_labels(text: str) -> str:
    if "\t" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        header = _cells(line)
        values = _cells(lines[index + 1]) if index + 1 < len(lines) else []
        after = _cells(lines[index + 2]) if index + 2 < len(lines) else []
        if (
            2 <= len(header) <= _MAX_CELLS
            and len(values) == len(header)
            and len(after) != len(header)
            and all(_LABEL_CELL.match(cell) for cell in header)
            and any(re.search(r"\d", cell) for cell in values)
            and all(values)
        ):
            out.extend(f"{label}: {value}" for label, value in zip(header, values, strict=True))
            index += 2
            continue
        out.append(line)
        index += 1
    return "\n".join(out)
