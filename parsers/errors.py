"""Errors the parsers raise for input they cannot read (never for bugs)."""


class UnreadableLetter(Exception):
    """The bytes are not a letter we can read; the message says why, for HQ."""
