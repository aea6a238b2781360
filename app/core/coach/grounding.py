"""The grounding check: is every number the coach wrote found in the numbers it was given?

``check(reply, sources)`` finds the numbers in ``reply`` and matches each against the numbers in
``sources`` — that turn's tool results (JSON texts) and the user's message. Pure, no I/O.

What counts as a number in the reply: integers and decimals, with thousands separators
("6,600.25"), a ``$`` prefix, a sign (``-``, ``−``, ``+``, ``±``), a ``%`` or ``bp``/``bps``
suffix, a unit suffix ``K``/``k``/``M``/``B``/``bn``/``T`` or the words thousand/million/
billion/trillion ("1.5B", "$2.56 billion"). A range "6,600–6,650" is two numbers (a dash between
two digits is not a sign).

What is not checked (neither grounded nor ungrounded):
* dates and times: 2026-12-01, 12/01, 12/01/2026, "Dec 4", "December 4th, 2026", "4 Dec",
  10:30, 9:30am; a bare year 1900–2100;
* labels and ordinals, i.e. a number glued to a letter or a Greek letter on either side, or
  followed by "-word": R1, S2, Q3, 0DTE, 30d, 5m, 1st, 25Δ, 1σ, "30-day", "#3";
* list markers at a line's start ("1. ", "2) ");
* small plain counts: an integer 0…10 written without decimals, sign, $, % or suffix ("2 tools").

A number matches a source value when the source value, put in the number's unit, rounds to it
at the decimals it was written with: "6,626" and "6,626.1" match 6626.12; "$2.56B" matches
2558001655; "25%" matches 25 or 0.25; "25bp" matches 0.25 (percent) or 0.0025; signs are
ignored ("−0.97" matches 0.97: "down 0.97" is the same number). After an approximation word
("~", "≈", "about", "around", "roughly", "approximately") a round number matches at the
precision of its trailing zeros ("about 6,600" matches 6,626.12). Everything else — sums,
differences and ratios the model worked out itself — counts as ungrounded: it is not from data.

``Grounding.marked`` is the reply with each ungrounded number wrapped as ``⟦6,712.50⟧`` (MARK_OPEN,
MARK_CLOSE); the panel styles those "not from data".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from data.coach import Grounding

MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
SMALL_COUNT = 10
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_SKIP = re.compile("|".join((
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)?",  # ISO date (and time)
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",  # 12/01, 12/01/2026
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?",  # 10:30, 9:30am
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b",  # Dec 4, December 4th, 2026
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?:\s+\d{{4}})?\b",  # 4 Dec 2026
    r"\b\d{1,2}\s?[ap]\.?m\.?(?![A-Za-z])",  # 4pm
)), re.IGNORECASE)
_NUMBER = re.compile(
    r"(?P<sign>[-−–+±])?(?P<cur>\$)?(?P<body>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>\s?%|\s?(?:bps?|basis points)(?![A-Za-z])|(?:[KMBT]|bn|k)(?![A-Za-z])"
    r"|\s(?:thousand|million|billion|trillion)(?![A-Za-z]))?")
_SCALE = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6, "B": 1e9, "bn": 1e9, "billion": 1e9,
          "T": 1e12, "trillion": 1e12}
_APPROX = re.compile(r"(?:~|≈|\babout|\baround|\broughly|\bapproximately|\bnearly|\balmost)\s*$", re.IGNORECASE)
_JSON_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class Found:
    """A number as written in the reply."""

    start: int
    end: int
    text: str  # as written (sign, $ and unit included)
    value: float  # in the written unit (1.5 for "1.5B"), unsigned
    decimals: int
    unit: str  # "" / "%" / "bp"
    scale: float  # 1e9 for "1.5B"
    tolerance: float  # in the written unit


def numbers_in(reply: str) -> list[Found]:
    """The reply's numbers that are checked (see the module's rules for what is skipped)."""
    skipped = [m.span() for m in _SKIP.finditer(reply)]
    out = []
    for m in _NUMBER.finditer(reply):
        found = _found(reply, m, skipped)
        if found is not None:
            out.append(found)
    return out


def _found(text: str, m: re.Match, skipped: list[tuple[int, int]]) -> Found | None:
    body_start = m.start("cur") if m.group("cur") else m.start("body")
    sign = m.group("sign") or ""
    before = text[m.start() - 1] if m.start() > 0 else " "
    if sign and (before.isalnum() or before in ".,"):
        sign = ""  # a range's dash ("6,600–6,650") or a hyphen, not a sign
    start = m.start() if sign else body_start
    end = m.end()
    if any(a <= m.start("body") < b for a, b in skipped):
        return None
    prev = text[body_start - 1] if body_start > 0 else " "
    after = text[end] if end < len(text) else " "
    suffix = (m.group("suffix") or "").strip()
    if prev.isalpha() or prev in "#_" or (prev.isdigit() and not sign):
        return None  # R1, Q3, #3
    if after.isalpha() or after == "_" or (after == "-" and text[end + 1:end + 2].isalpha()):
        return None  # 0DTE, 30d, 1st, 25Δ, 30-day
    body = m.group("body")
    plain = not (sign or m.group("cur") or suffix or "." in body or "," in body)
    if plain and _list_marker(text, body_start, end):
        return None
    value = float(body.replace(",", ""))
    if plain and (value <= SMALL_COUNT or (len(body) == 4 and 1900 <= value <= 2100)):
        return None
    decimals = len(body.split(".", 1)[1]) if "." in body else 0
    unit = "%" if suffix == "%" else "bp" if suffix.startswith(("bp", "basis")) else ""
    scale = _SCALE.get(suffix, 1.0)
    tolerance = 0.5 * 10.0 ** -decimals
    if decimals == 0 and _APPROX.search(text[max(0, start - 16):start]):
        digits = body.replace(",", "")
        zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
        tolerance = max(tolerance, 0.5 * 10.0 ** zeros)
    return Found(start, end, text[start:end], value, decimals, unit, scale, tolerance)


def _list_marker(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and text[end:end + 2] in (". ", ") ", ".\n", ")\n")


def source_values(sources: Iterable[str]) -> set[float]:
    """Every number in the sources, unsigned: a JSON text's numbers (and those inside its
    strings); a plain text's numbers as written and, with a unit suffix, scaled (1.5B -> 1.5e9)."""
    values: set[float] = set()
    for text in sources:
        if not text:
            continue
        try:
            values.update(_walk(json.loads(text)))
        except (ValueError, TypeError):
            values.update(_text_values(text))
    return {v for v in values if math.isfinite(v)}


def _walk(node) -> Iterator[float]:
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, (int, float)):
        yield abs(float(node))
    elif isinstance(node, str):
        yield from _text_values(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def _text_values(text: str) -> Iterator[float]:
    for m in _NUMBER.finditer(text):
        value = float(m.group("body").replace(",", ""))
        yield value
        suffix = (m.group("suffix") or "").strip()
        if suffix in _SCALE:
            yield value * _SCALE[suffix]
    for m in _JSON_NUMBER.finditer(text):
        if "e" in m.group().lower():
            yield abs(float(m.group()))


def _candidates(n: Found, s: float) -> tuple[float, ...]:
    """The source value ``s`` in the reply number's unit."""
    if n.unit == "%":
        return s, s * 100
    if n.unit == "bp":
        return s, s * 100, s * 10_000
    return (s / n.scale,)


def grounded(n: Found, values: Iterable[float]) -> bool:
    slack = n.tolerance * (1 + 1e-9) + 1e-12 * max(1.0, n.value)  # binary floats: 15 digits at most
    return any(abs(c - n.value) <= slack for s in values for c in _candidates(n, s))


def check(reply: str, sources: Iterable[str]) -> Grounding:
    values = sorted(source_values(sources))
    found = numbers_in(reply)
    bad = [n for n in found if not grounded(n, values)]
    marked = reply
    for n in reversed(bad):
        marked = f"{marked[:n.start]}{MARK_OPEN}{marked[n.start:n.end]}{MARK_CLOSE}{marked[n.end:]}"
    return Grounding(len(found), tuple(n.text for n in bad), marked)
