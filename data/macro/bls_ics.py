"""The BLS release calendar as an ICS file (a saved copy of
https://www.bls.gov/schedule/news_release/bls.ics, which BLS serves only to a descriptive
User-Agent): its VEVENTs whose SUMMARY names a release the calendar shows, as macro events.

DTSTART is read as BLS writes it — ``TZID=America/New_York`` (or ``US-Eastern``), UTC (``…Z``), or
floating (taken as ET) — and stored UTC; an all-day date gets the release's usual 08:30 ET.
Events that cannot be read are counted, not fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from data.macro.impact import impact_of, title_of
from data.market_calendar import ET
from data.store.records import MacroEvent

SOURCE = "bls"
DEFAULT_AT = time(8, 30)

# SUMMARY prefix (lower case) → kind
SUMMARIES: tuple[tuple[str, str], ...] = (
    ("consumer price index", "cpi"), ("employment situation", "nfp"), ("producer price index", "ppi"),
    ("job openings and labor turnover survey", "jolts"), ("employment cost index", "eci"),
    ("import and export price indexes", "import_prices"),
)


class BlsIcsError(ValueError):
    """The file is not an ICS calendar; the message says so in plain words."""


@dataclass(frozen=True, slots=True)
class IcsResult:
    events: list[MacroEvent]
    skipped: int  # VEVENTs with a date or time that could not be read


def _unfolded(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def _blocks(lines: list[str]) -> list[dict[str, tuple[str, str]]]:
    """Each VEVENT as {property: (parameters, value)}."""
    blocks, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            blocks.append(current)
            current = None
        elif current is not None and ":" in line:
            head, value = line.split(":", 1)
            name, _, params = head.partition(";")
            current.setdefault(name.upper(), (params, value.strip()))
    return blocks


def _start(params: str, value: str) -> datetime:
    if "VALUE=DATE" in params.upper() or len(value) == 8:
        return datetime.combine(date(int(value[:4]), int(value[4:6]), int(value[6:8])), DEFAULT_AT, ET)
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        return moment.replace(tzinfo=UTC)
    return moment.replace(tzinfo=ET)  # TZID=America/New_York, US-Eastern, or floating: BLS is ET


def _kind(summary: str) -> str | None:
    clean = " ".join(summary.replace("\\,", ",").lower().split())
    return next((kind for prefix, kind in SUMMARIES if clean.startswith(prefix)), None)


def parse_ics(text: str) -> IcsResult:
    """The releases in the ICS ``text``; ``BlsIcsError`` when it is not a calendar at all."""
    lines = _unfolded(text.lstrip("\ufeff"))
    if not any(line.strip() == "BEGIN:VCALENDAR" for line in lines):
        raise BlsIcsError("This file is not an ICS calendar (no BEGIN:VCALENDAR); save bls.ics from BLS again.")
    events, skipped = [], 0
    for block in _blocks([line.strip() for line in lines]):
        kind = _kind(block.get("SUMMARY", ("", ""))[1])
        if kind is None:
            continue
        try:
            at = _start(*block["DTSTART"]).astimezone(UTC)
        except (KeyError, ValueError):
            skipped += 1
            continue
        uid = block.get("UID", ("", ""))[1] or f"{kind}:{at:%Y%m%dT%H%M}"
        events.append(MacroEvent(SOURCE, uid[:120], kind, title_of(kind), at, impact_of(kind)))
    return IcsResult(sorted(events, key=lambda e: e.at), skipped)
