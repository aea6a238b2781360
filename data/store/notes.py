"""Notes a trader adds to a record (a setup, a position): appended one per line, never edited away."""

from __future__ import annotations

MAX_NOTES = 4000


def appended(notes: str, text: str, error: type[ValueError]) -> tuple[str, str]:
    """(the notes with ``text`` added on a line of its own, the clean text); ``error`` with a
    message for the trader when there is nothing to add or the notes would grow too long."""
    clean = text.strip()
    if not clean:
        raise error("A note needs some text.")
    joined = f"{notes}\n{clean}" if notes else clean
    if len(joined) > MAX_NOTES:
        raise error(f"Notes are limited to {MAX_NOTES} characters.")
    return joined, clean
