"""Rows of the Appendix 1 project description (§3.5): software | end customer | its INN.

Partners write the project part as a table (pipes, TABs from HTML or DOCX, ASCII art, a
PDF that lost its column breaks), as labelled lines («ПО: …», «Конечный заказчик: …») or as
one prose line («1) ИСОГД — конечный заказчик Администрация …»). Every shape gives rows;
an INN written inside the customer's cell («…, ИНН 7206048150») is that row's INN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.license_rows import CUSTOMER_START, ROW_NUMBER, Row, dash_rows, dashed_items, make_row
from parsers.validate import digits_of, is_placeholder

_CELL_SPLIT = re.compile(r"\s*(?:\||\t)\s*")
_RULING = re.compile(r"^[\s+\-=|_]*$")
_SOFTWARE_HEAD = re.compile(r"наименовани|программ|\bпо\b|продукт|лицензи", re.I)
_CUSTOMER_HEAD = re.compile(r"заказчик|пользовател|клиент|покупател", re.I)
_INN_HEAD = re.compile(r"\bинн\b", re.I)
_NUMBER_HEAD = re.compile(r"^\s*(?:№|N|No\.?|#|п/п|№\s*п/п)\s*$", re.I)
# A list number or bullet before a label, the dashes of Russian typography among them.
_BULLET = r"\s*(?:\d{1,2}[.)]\s*|[-•*–—]\s*)?"
_SOFTWARE_LABEL = re.compile(
    rf"^{_BULLET}(?:наименование\s+(?:программного\s+обеспечения|"
    r"(?:специализированного\s+)?ПО)|программное\s+обеспечение|ПО|продукт|программ[аы]"
    r"|что(?:\s+(?:нужно|требуется|заказываем|покупаем|приобретаем))?)"
    r"(?:\s*\([^)\n]{0,40}\))?\s*[:—–|\t-]\s*(.*)$",
    re.I,
)
_INN_LABEL = re.compile(
    r"^\s*инн\s+(?:конечн\w+\s+)?(?:заказчик|пользовател|клиент)\w*\s*[:—–|\t-]\s*(.*)$", re.I
)
_CUSTOMER_LABEL = re.compile(
    # «Кому (конечный заказчик): …», «Для кого: …» in a short form
    rf"^{_BULLET}(?:конечн\w+\s+(?:заказчик|пользовател)\w*|заказчик|кому|для\s+кого)"
    r"(?:\s*\([^)\n]{0,40}\))?\s*[:—–|\t-]\s*(.*)$",
    re.I,
)
# «… — конечный заказчик …» or «…; конечный заказчик – …» inside one line.
_CUSTOMER_INLINE = re.compile(
    r"\s*[;,]?\s*(?:[—–-]\s*)?конечн\w+\s+(?:заказчик|пользовател)\w*\s*[:—–-]?\s*", re.I
)
_PROJECT_LABEL = re.compile(r"^\W*(?:\d{1,2}[.)]\s*)?описани\w*\s+проекта\s*[:—–-]?\s*", re.I)


# A table's header cell after a label («Наименование ПО | Конечный заказчик»): not a value.
_HEADER_CELL = re.compile(
    r"^\s*(?:(?:конечн\w+\s+)?(?:заказчик|пользовател|клиент|покупател)\w*|инн\b[^\d«\"]*)"
    r"\s*(?:[|\t].*)?$",
    re.I,
)


def _label(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    """A «Label: value» or «Label | value» line (a vertical table); a header row is not."""
    match = pattern.match(line)
    if match is None:
        return None
    # «Наименование ПО | Кол-во | Конечный заказчик»: a header whose customer is any cell.
    cells = _CELL_SPLIT.split(match.group(1))
    return None if any(_HEADER_CELL.match(cell) for cell in cells) else match


@dataclass
class _Columns:
    software: int
    customer: int
    inn: int | None
    numbered: bool


def _columns(cells: list[str]) -> _Columns | None:
    def find(pattern: re.Pattern[str], skip: tuple[int, ...] = ()) -> int | None:
        return next((i for i, c in enumerate(cells) if i not in skip and pattern.search(c)), None)

    customer = find(_CUSTOMER_HEAD)
    if customer is None:
        return None
    inn = find(_INN_HEAD, (customer,))
    software = find(_SOFTWARE_HEAD, tuple(i for i in (customer, inn) if i is not None))
    if software is None:
        return None
    numbered = any(_NUMBER_HEAD.match(c) for c in cells)
    return _Columns(software, customer, inn, numbered)


def _table_rows(lines: list[str], columns: _Columns) -> list[Row]:
    rows: list[list[str]] = []
    prose: set[int] = set()  # rows that are a line of text with no cell and no row number
    # A bordered row («| … | … |») the mail client wrapped runs on until its closing «|».
    unclosed = False
    for line in lines:
        if unclosed and rows and rows[-1] and not line.lstrip().startswith("|"):
            rows[-1][-1] = f"{rows[-1][-1]} {line.strip().rstrip('|').strip()}"
            unclosed = not line.rstrip().endswith("|")
            continue
        unclosed = line.lstrip().startswith("|") and not line.rstrip().endswith("|")
        if _RULING.match(line):
            if not line.strip() and rows:
                rows.append([])  # a blank line ends cell continuation
            continue
        if "|" in line or "\t" in line:
            cells = _CELL_SPLIT.split(line.strip().strip("|").strip())
            if columns.numbered and cells and re.fullmatch(r"\d{1,3}[.)]?", cells[0]):
                cells = cells[1:]
            elif columns.numbered and columns.software > 0:
                cells = ["", *cells]
            rows.append(cells)
        elif rows and rows[-1]:
            rows[-1][-1] = f"{rows[-1][-1]} {line.strip()}"  # a cell wrapped onto the next line
        else:
            parts = CUSTOMER_START.split(line.strip(), maxsplit=1)  # PDF: no column break
            rows.append(parts if len(parts) == 2 else [line.strip()])
            if len(parts) < 2 and not ROW_NUMBER.match(line):
                prose.add(len(rows) - 1)
    shift = 1 if columns.numbered else 0  # the «№» column was dropped from the cells
    result: list[Row] = []
    for position, cells in enumerate(rows):
        if not cells:
            continue

        def cell(index: int | None, cells: list[str] = cells) -> str:
            if index is None:
                return ""
            index -= shift
            return cells[index] if 0 <= index < len(cells) else ""

        if len(cells) == 1 and (not columns.numbered or position in prose):
            continue  # a paragraph after the table, not a row
        row = make_row(cell(columns.software), cell(columns.customer), cell(columns.inn))
        if not (is_placeholder(row.software) and is_placeholder(row.customer)):
            result.append(row)
    return result


def _header(lines: list[str]) -> tuple[int, _Columns] | None:
    """The table's header line (it may wrap over two lines in a PDF)."""
    for index, line in enumerate(lines):
        if not _CUSTOMER_HEAD.search(line):
            continue
        if "|" in line or "\t" in line:
            columns = _columns(_CELL_SPLIT.split(line.strip().strip("|").strip()))
        elif line.rstrip().endswith(":") and " / " not in line:
            continue  # a heading that introduces rows («ПО и заказчик:»), not a header row
        else:
            joined = f"{lines[index - 1]} {line}" if index else line
            heads = re.split(
                r"\s+(?=конечн|инн\b)|(?<!ный)(?<!ного)\s+(?=заказчик|пользовател)",
                joined.strip(),
                flags=re.I,
            )
            columns = _columns(heads) if len(heads) > 1 else None
            if columns:
                columns.numbered = False
        if columns and not _label(_SOFTWARE_LABEL, line) and not _label(_CUSTOMER_LABEL, line):
            return index, columns
    return None


def _labelled_rows(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    software: str | None = None
    listed: list[str] = []  # «Что нужно:» then one product a bulleted line
    for index, line in enumerate(lines):
        if software == "" and (item := _LIST_ITEM.match(line)):
            listed.append(line[item.end() :].strip())
            continue
        if (software or listed) and (more := _CONTINUED.match(line)):
            # «Программное обеспечение | ТехноГИС Сервер» then «| ТехноГИС Клиент»: a label
            # cell spanning rows (rowspan) gives one product a row.
            listed += [software, more.group("value")] if software else [more.group("value")]
            software = ""
            continue
        if listed and (match := _label(_CUSTOMER_LABEL, line)):
            customer = match.group(1)
            after = lines[index + 1] if index + 1 < len(lines) else ""
            if wrapped := _WRAPPED_INN.match(after):  # «Для кого: БУ "…"» / «(ИНН …) - …»
                customer = f"{customer} {wrapped.group(0).strip()}"
            rows.extend(make_row(name, customer) for name in listed)
            listed, software = [], None
            continue
        if (match := _label(_INN_LABEL, line)) and not is_placeholder(match.group(1)):
            inn = digits_of(match.group(1).split(",")[0])
            last = rows.pop() if rows else make_row(software or "", "")
            rows.append(Row(last.software, last.customer, inn))
            software = None
        elif match := _label(_SOFTWARE_LABEL, line):
            if software is not None:
                rows.append(make_row(software, ""))
            value = match.group(1)
            inline = _CUSTOMER_INLINE.split(value, maxsplit=1)
            if len(inline) == 2:
                rows.append(make_row(inline[0], inline[1]))
                software = None
            else:
                software = value
        elif match := _label(_CUSTOMER_LABEL, line):
            rows.append(make_row(software or "", match.group(1)))
            software = None
        elif len(parts := _CUSTOMER_INLINE.split(line.strip(), maxsplit=1)) == 2 and parts[0]:
            rows.append(make_row(parts[0], parts[1]))
    # «Что нужно:» / «- ГеоСервер — 1 шт. — Администрация … (ИНН …)»: the customer in the item
    dashed = dashed_items(listed)
    rows.extend(dashed if len(dashed) == len(listed) else [make_row(name, "") for name in listed])
    if software is not None and not listed:
        rows.append(make_row(software, ""))
    return rows


_CONTINUED = re.compile(r"^[ \t]*[|\t][ \t]*(?P<value>[^|\t\n]*[^|\t\n\s])[ \t|]*$")
_WRAPPED_INN = re.compile(r"^\s*\(?\s*ИНН\b[^)\n]*\)?", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-•*–—]|\d{1,2}[.)])\s+(?=\S)")


def _stacked_rows(lines: list[str], columns: _Columns) -> list[Row]:
    """A table whose cells lost their breaks into lines (HTML cells of paragraphs): after a
    header of one cell a line, every next line is the next cell, row after row."""
    width = 3 if columns.inn is not None else 2
    cells = [line.strip() for line in lines if line.strip()]
    rows = []
    for start in range(0, len(cells) - width + 1, width):
        chunk = cells[start : start + width]
        if any(_CUSTOMER_HEAD.search(c) and len(c) < 40 and ":" in c for c in chunk):
            break
        rows.append(make_row(chunk[0], chunk[1], chunk[2] if width == 3 else ""))
    return [r for r in rows if not (is_placeholder(r.software) and is_placeholder(r.customer))]


def project_rows(text: str) -> list[Row]:
    """The rows of the project part of one source (its other lines are blank)."""
    # «2. Описание проекта: ГеоСервер — конечный заказчик …»: the label goes, the value stays.
    lines = [_PROJECT_LABEL.sub("", ln) for ln in text.splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    found = _header(lines)
    if found:
        index, columns = found
        body = lines[index + 1 :]
        rows = _table_rows(body, columns)
        if not rows and not any("|" in ln or "\t" in ln for ln in body):
            rows = _stacked_rows(body, columns)
        if rows:
            return rows
    return _labelled_rows(lines) or dash_rows(lines)
