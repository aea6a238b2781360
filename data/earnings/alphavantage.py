"""Alpha Vantage's ``EARNINGS_CALENDAR``: the CSV parser and an async client.

The answer is CSV (``symbol,name,reportDate,fiscalDateEnding,estimate,currency,timeOfTheDay``,
CRLF line ends, company names quoted when they hold commas), read by header name with the
``csv`` module — another release of the header drops ``name``. A throttled or refused request
is answered 200 with JSON (``Information``, ``Note`` or ``Error Message``), told apart from CSV by
its first line (the CSV header, naming ``symbol``). A free key allows 25 requests a day: the
caller fetches once a day and caches.

The key can only travel in the query string; it never reaches an exception message (an httpx
error's text names the URL, so only its type is kept) and the app registers it with the log
redactor before it gets here.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import httpx

from data.earnings import (
    AMC,
    BAD_KEY,
    BMO,
    EMPTY,
    MALFORMED,
    NO_KEY,
    THROTTLED,
    UNKNOWN,
    UNREACHABLE,
    EarningsSourceError,
    ParsedCalendar,
)
from data.store.records import EarningsEvent
from data.symbols import SymbolError, normalize_symbol

SOURCE = "alphavantage"
BASE_URL = "https://www.alphavantage.co"
TIMINGS = {"pre-market": BMO, "post-market": AMC}
REQUIRED = ("symbol", "reportDate")


def parse_calendar(text: str) -> ParsedCalendar:
    """The events of an ``EARNINGS_CALENDAR`` answer; ``EarningsSourceError`` for a JSON refusal,
    something that is not the calendar, or a calendar without a single row."""
    body = text.lstrip("\ufeff").lstrip()
    if body.startswith("{"):
        raise _refusal(body)
    if "symbol" not in (body.splitlines() or [""])[0].split(","):  # the header line (its order may vary)
        raise EarningsSourceError("Alpha Vantage answered something that is not an earnings calendar "
                                  f"(it starts {body[:30]!r}).", MALFORMED)
    reader = csv.DictReader(io.StringIO(body, newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise EarningsSourceError(f"Alpha Vantage's calendar has no {', '.join(missing)} column.", MALFORMED)
    events, dropped = {}, 0
    try:
        for row in reader:
            event = _event(row)
            if event is None:
                dropped += 1
            else:
                events[(event.symbol, event.report_date)] = event  # a repeated row: the last one counts
    except csv.Error as exc:
        raise EarningsSourceError(f"Alpha Vantage's calendar could not be read: {exc}.", MALFORMED) from None
    if not events:
        raise EarningsSourceError("Alpha Vantage sent an empty earnings calendar"
                                  + (f" ({dropped} unreadable rows)." if dropped else "."), EMPTY)
    return ParsedCalendar(tuple(events.values()), dropped)


def _event(row: dict[str, str | None]) -> EarningsEvent | None:
    try:
        symbol = normalize_symbol(row.get("symbol") or "")
        day = date.fromisoformat((row.get("reportDate") or "").strip())
    except (SymbolError, ValueError):
        return None
    return EarningsEvent(symbol, day, TIMINGS.get((row.get("timeOfTheDay") or "").strip().lower(), UNKNOWN), SOURCE,
                         fiscal_period=(row.get("fiscalDateEnding") or "").strip()[:16],
                         estimate_eps=_number(row.get("estimate")),
                         currency=(row.get("currency") or "").strip()[:8] or "USD",
                         name=(row.get("name") or "").strip()[:200])


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if value == value and abs(value) < 1e9 else None  # NaN and absurd values: none given


def _refusal(body: str) -> EarningsSourceError:
    """What a JSON answer means: throttled (``Note``, or ``Information`` about limits), a bad key, or a refusal."""
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        return EarningsSourceError("Alpha Vantage sent a broken answer (neither CSV nor JSON).", MALFORMED)
    answer = answer if isinstance(answer, dict) else {}
    text = " ".join(str(answer.get(k) or "") for k in ("Information", "Note", "Error Message")).lower()
    if "Note" in answer or any(w in text for w in ("rate limit", "requests per day", "call frequency")):
        return EarningsSourceError("Alpha Vantage's daily request limit is used up (a free key allows 25 a day); "
                                   "it refreshes tomorrow.", THROTTLED)
    if "key" in text:
        return EarningsSourceError("Alpha Vantage refused the API key: check it in Preferences.", BAD_KEY)
    if text.strip():
        return EarningsSourceError("Alpha Vantage refused the request for its earnings calendar.", MALFORMED)
    return EarningsSourceError("Alpha Vantage answered JSON instead of its earnings calendar.", MALFORMED)


class AlphaVantageClient:
    """One request per call; open it with ``async with`` (tests set ``base_url`` to a local server)."""

    def __init__(self, api_key: str, *, base_url: str = BASE_URL, timeout: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not api_key or not api_key.strip():
            raise EarningsSourceError("No Alpha Vantage key is set: save one in Preferences.", NO_KEY)
        self._key = api_key.strip()
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)

    async def __aenter__(self) -> AlphaVantageClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._http.aclose()

    async def earnings_calendar(self, horizon: str = "3month") -> ParsedCalendar:
        params = {"function": "EARNINGS_CALENDAR", "horizon": horizon, "apikey": self._key}
        try:
            response = await self._http.get("/query", params=params)
        except httpx.HTTPError as exc:  # its text would carry the URL, hence the key
            raise EarningsSourceError(f"Alpha Vantage is unreachable ({type(exc).__name__}); "
                                      "check the connection.", UNREACHABLE) from None
        if response.status_code != 200:
            raise EarningsSourceError(f"Alpha Vantage answered HTTP {response.status_code}.", UNREACHABLE)
        return parse_calendar(response.content.decode("utf-8", errors="replace"))
