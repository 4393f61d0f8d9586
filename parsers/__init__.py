"""A letter → typed request data. Pure functions: no database, no clock, no network."""

from parsers.classify import classify
from parsers.errors import UnreadableLetter
from parsers.extract import extract
from parsers.letter import parse_letter

__all__ = ["UnreadableLetter", "classify", "extract", "parse_letter"]
