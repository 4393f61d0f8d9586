"""A letter → typed request data. Pure functions: no database, no clock, no network."""

from parsers.auto import is_automatic
from parsers.classify import classify
from parsers.errors import UnreadableLetter
from parsers.extract import extract
from parsers.letter import parse_letter
from parsers.limits import ParseLimits
from parsers.quotes import split_quoted
from parsers.report import parse_report
from parsers.requirements import Findings, Invalid, check, required_fields

__all__ = [
    "Findings",
    "Invalid",
    "ParseLimits",
    "UnreadableLetter",
    "check",
    "classify",
    "extract",
    "is_automatic",
    "parse_letter",
    "parse_report",
    "required_fields",
    "split_quoted",
]
