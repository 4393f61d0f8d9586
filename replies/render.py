"""Render replies from Jinja2 templates: one text template per reply, HTML derived from it.

A template sets `subject` with `{% set subject %}` and renders the body as plain text. The
HTML alternative is the same text laid out by `_layout.html.j2`, so the wording lives in one
place. StrictUndefined makes a missing variable fail loudly in tests instead of leaving a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

from replies.grammar import FILTERS, plural
from replies.labels import (
    field_help,
    kind_title,
    priority_title,
    reason_title,
    state_title,
    term,
    tracker_title,
)
from replies.subjects import thread_subject, thread_topic

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True, slots=True)
class RenderedReply:
    subject: str
    text: str
    html: str


def working_units(amount: float | None, unit: str | None) -> str:
    """R-NTF-4: the unit of a working-time deadline, e.g. «5 рабочих дней»."""
    if amount is None:
        return ""
    n = int(amount)
    if unit == "wh":
        return f"{n} {plural(n, 'рабочий час', 'рабочих часа', 'рабочих часов')}"
    return f"{n} {plural(n, 'рабочий день', 'рабочих дня', 'рабочих дней')}"


def template_loader(preset: str | None = None) -> BaseLoader:
    """The shared templates, or a preset's folder first (issue 23 item 3): a vendor overrides
    only the files whose wording differs, e.g. `<preset>/ru/_footer.txt.j2`."""
    shared = FileSystemLoader(str(TEMPLATES))
    if preset is None:
        return shared
    folder = TEMPLATES / preset
    if not folder.is_dir():
        raise ValueError(
            f"template folder {folder} of vendor.templates = {preset!r} does not exist; "
            "create it or remove the key"
        )
    return ChoiceLoader([FileSystemLoader(str(folder)), shared])


def template_environment(preset: str | None = None) -> Environment:
    """The Jinja2 environment of every letter: strict (a missing value fails the render
    instead of printing nothing), HTML escaped only in .html.j2 templates."""
    return Environment(
        loader=template_loader(preset),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: no stat of every file on every reply.
        auto_reload=False,
    )


class Renderer:
    def __init__(
        self, timezone: str = "Asia/Yekaterinburg", lang: str = "ru", preset: str | None = None
    ) -> None:
        self._tz = ZoneInfo(timezone)
        self._lang = lang
        self._env = template_environment(preset)
        self._env.filters["local"] = self.format_local
        self._env.filters["working_units"] = working_units
        self._env.filters.update(FILTERS)  # issue 24: agreement, lists, sentences
        self._env.filters["thread_topic"] = thread_topic  # the partner's topic, as in subjects
        self._env.filters["local_iso"] = lambda value: self.format_local(
            datetime.fromisoformat(value)
        )
        self._env.globals.update(field_help=field_help, kind_title=kind_title)
        self._env.globals["thread_subject"] = thread_subject  # R-NTF-2
        self._env.globals.update(
            state_title=state_title,
            tracker_title=tracker_title,
            priority_title=priority_title,
            reason_title=reason_title,
            term=term,
        )

    def format_local(self, instant: datetime) -> str:
        """R-CAL-1 / R-NTF-4: absolute local time with the zone, e.g. 30.04.2025 23:59 (GMT+5)."""
        local = instant.astimezone(self._tz)
        offset = local.utcoffset()
        hours = int(offset.total_seconds() // 3600) if offset else 0
        return f"{local:%d.%m.%Y %H:%M} (GMT{hours:+d})"

    def render(self, name: str, context: dict) -> RenderedReply:
        template = self._env.get_template(f"{self._lang}/{name}.txt.j2")
        module = template.make_module(context)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise ValueError(f"template {name} sets no subject")
        text = str(module).strip() + "\n"
        html = self._env.get_template("_layout.html.j2").render(subject=subject, text=text)
        return RenderedReply(subject=subject, text=text, html=html)
