"""HTML bodies → readable text with tables kept as « | »-separated rows (R-MBX-5)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Where webmail and Outlook start the quoted history in HTML. A plain separator line is put
# before it so that split_quoted() cuts the history exactly as in a text letter (R-MBX-11).
_QUOTE_START = re.compile(
    r"<(?:blockquote\b|div[^>]*(?:gmail_quote|divRplyFwdMsg|moz-cite-prefix|yahoo_quoted"
    r"|OutlookMessageHeader|appendonsend|mail-quote))",
    re.I,
)
QUOTE_MARK = "-----Original Message-----"
_MAX_HTML = 2_000_000


def html_to_text(html: str) -> str:
    """Convert HTML to text; on a parser failure fall back to stripping tags."""
    html = html[:_MAX_HTML]
    match = _QUOTE_START.search(html)
    if match:
        html = f"{html[: match.start()]}<p>{QUOTE_MARK}</p>{html[match.start() :]}"
    try:
        get_text, config = _inscriptis()
        text = get_text(html, config)
    except Exception:  # inscriptis/lxml reject some broken markup outright
        text = re.sub(r"<[^>]+>", " ", html)
    lines = [line.rstrip() for line in text.splitlines()]
    # Cells padded to a common width leave trailing « | » and runs of blanks; tidy them.
    lines = [re.sub(r"\s*\|\s*$", "", re.sub(r"[ \t]{2,}", " ", line)) for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@cache
def _inscriptis() -> tuple[Any, Any]:
    """inscriptis and lxml load on the first HTML letter only: most letters are plain text,
    and the service's resting memory matters (issue 6 benchmark)."""
    from inscriptis import get_text
    from inscriptis.model.config import ParserConfig

    return get_text, ParserConfig(table_cell_separator=" | ")
