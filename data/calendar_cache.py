"""The market calendar's sessions kept between runs, in one JSON file per exchange_calendars
version and span.

Building the sessions imports exchange_calendars and pandas (~1.5 s of CPU on a 2-core
machine), on the way to the engine's start; read back, they take a few milliseconds. The file
is named after the library's version, so a release with new holidays builds afresh. A file
that cannot be read, or does not hold sorted sessions, is ignored and built again: never an
error.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import date
from itertools import pairwise
from pathlib import Path

log = logging.getLogger(__name__)


def cache_file(directory: Path, start: date, end: date) -> Path | None:
    """The file for this span under the installed exchange_calendars (None: not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("exchange_calendars")
    except PackageNotFoundError:
        return None
    return directory / f"xnys-sessions-{release}-{start.isoformat()}-{end.isoformat()}.json"


def read(path: Path) -> tuple[list[date], list[int], list[int], dict[date, str]] | None:
    """Days, opens, closes (UTC epoch seconds) and holidays, or None when absent or unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        days, opens, closes = data["days"], data["opens"], data["closes"]
        holidays = {date.fromordinal(int(k)): str(v) for k, v in data["holidays"].items()}
        if not (len(days) == len(opens) == len(closes) > 0):
            raise ValueError("columns of different lengths")
        if not all(isinstance(x, int) for column in (days, opens, closes) for x in column):
            raise ValueError("not whole numbers")
        if any(b <= a for a, b in pairwise(days)) or any(
                c <= o for o, c in zip(opens, closes, strict=True)):
            raise ValueError("sessions out of order")
        return [date.fromordinal(d) for d in days], opens, closes, holidays
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.info("the kept calendar sessions in %s are not usable (%s): building them again", path, exc)
        return None


def write(path: Path, days: list[date], opens: list[int], closes: list[int], holidays: dict[date, str]) -> None:
    """Keep the sessions (whole or not at all: a temporary file renamed into place)."""
    payload = {"days": [d.toordinal() for d in days], "opens": opens, "closes": closes,
               "holidays": {str(d.toordinal()): name for d, name in holidays.items()}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sessions-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:  # (a read-only or full disk: the next start builds them again)
        log.info("could not keep the calendar sessions in %s: %s", path, exc)
