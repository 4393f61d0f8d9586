"""The digest letter: plain text and an HTML alternative (H-DIGEST, R-HQ-7).

The HTML uses tables and inline styles only, with no external resource: Outlook renders
with Word's engine, Gmail web strips <style> blocks, and none of them may fetch anything.
"""

from __future__ import annotations

from datetime import datetime

from bot.desk.digest import SECTIONS, Digest
from replies.render import RenderedReply, template_environment

ROLE_TITLES = {
    "ceo": "генеральный директор",
    "deputy_ceo": "заместитель генерального директора",
    "deputy_science": "заместитель генерального директора по науке",
    "dir_methodology": "директор департамента методологического обеспечения",
    "dir_software_dev": "директор департамента разработки ПО",
    "curator": "руководители проектов (кураторы)",
    "service_desk": "Service Desk",
    "accounting": "бухгалтерия",
    "admin": "администратор (полный дайджест)",
}

_ENV = template_environment()
_ENV.filters["hours"] = lambda value: f"{value:g}"


def render_digest(digest: Digest, local_now: datetime, at_text: str) -> RenderedReply:
    """`local_now` gives the digest's day; `at_text` the moment as HQ reads it."""
    context = {
        "digest": digest,
        "sections": SECTIONS,
        "day": f"{local_now:%d.%m.%Y}",
        "at": at_text,
        "year": local_now.year,
        "role_title": ROLE_TITLES.get(digest.role, digest.role),
        "counts": {code: len(digest.sections.get(code, [])) for code, _ in SECTIONS},
    }
    module = _ENV.get_template("ru/desk/digest.txt.j2").make_module(context)
    subject = " ".join(str(module.subject).split())
    text = str(module).strip() + "\n"
    html = _ENV.get_template("ru/desk/digest.html.j2").render(subject=subject, **context)
    return RenderedReply(subject=subject, text=text, html=html)
