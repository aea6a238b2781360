"""Massive's Benzinga earnings (``GET /benzinga/v1/earnings``): the parser and the fetch.

Every field is optional in the documented model; ``ticker`` and ``date`` make an event, the
rest fills it when present. ``time`` is "HH:MM:SS" ET (07:00 before the open, 16:20 after the
close, 00:00 unknown). A plan without the Benzinga add-on answers NOT_AUTHORIZED (403): that,
a refused key and a persistent 429 become ``EarningsSourceError`` with the words to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from data.earnings import (
    BAD_KEY,
    MALFORMED,
    NOT_IN_PLAN,
    THROTTLED,
    UNREACHABLE,
    EarningsSourceError,
    ParsedCalendar,
    timing_of_time,
)
from data.providers.massive.client import MassiveClient
from data.providers.massive.errors import (
    MassiveAuthError,
    MassiveError,
    MassiveNotEntitledError,
    MassivePayloadError,
    MassiveRateLimitError,
)
from data.store.records import EarningsEvent
from data.symbols import SymbolError, normalize_symbol

SOURCE = "massive"
PATH = "/benzinga/v1/earnings"
PAGE_SIZE = 1000
MAX_PAGES = 30


def parse_earnings(pages: Iterable[Any]) -> ParsedCalendar:
    """The events of every page's ``results`` (an unreadable item is dropped, not its page); a page
    that is not the documented object is ``EarningsSourceError`` (MALFORMED)."""
    events: dict[tuple[str, date], EarningsEvent] = {}
    dropped = 0
    for page in pages:
        results = page.get("results", []) if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise EarningsSourceError("Massive sent an earnings answer that is not the documented shape.", MALFORMED)
        for item in results:
            event = _event(item) if isinstance(item, dict) else None
            if event is None:
                dropped += 1
            else:
                events[(event.symbol, event.report_date)] = event
    return ParsedCalendar(tuple(events.values()), dropped)


def _event(item: dict[str, Any]) -> EarningsEvent | None:
    try:
        symbol = normalize_symbol(str(item.get("ticker") or ""))
        day = date.fromisoformat(str(item.get("date") or ""))
    except (SymbolError, ValueError):
        return None
    timing, time_et = timing_of_time(item.get("time") if isinstance(item.get("time"), str) else None)
    period = " ".join(str(item[k]) for k in ("fiscal_period", "fiscal_year") if item.get(k) not in (None, ""))
    return EarningsEvent(symbol, day, timing, SOURCE, time_et=time_et, fiscal_period=period[:16],
                         estimate_eps=_number(item.get("estimated_eps")), actual_eps=_number(item.get("actual_eps")),
                         currency=_text(item.get("currency"), 8) or "USD",
                         status=_text(item.get("date_status"), 16).lower(), name=_text(item.get("company_name"), 200))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value and abs(value) < 1e9 else None


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


async def fetch_earnings(client: MassiveClient, start: date, end: date, symbol: str | None = None) -> ParsedCalendar:
    """Every report dated ``start``..``end`` (one symbol's when given), all pages."""
    params: dict[str, Any] = {"date.gte": start.isoformat(), "date.lte": end.isoformat(), "limit": PAGE_SIZE,
                              "sort": "date.asc"}
    if symbol is not None:
        params["ticker"] = symbol
    try:
        pages = await client.paginate(PATH, params, max_pages=MAX_PAGES)
    except MassiveNotEntitledError:
        raise EarningsSourceError("Your Massive plan does not include Benzinga earnings.", NOT_IN_PLAN) from None
    except MassiveAuthError:
        raise EarningsSourceError("Massive refused the API key: check it in Preferences.", BAD_KEY) from None
    except MassiveRateLimitError:
        raise EarningsSourceError("Massive's rate limit was hit; earnings dates are fetched again later.",
                                  THROTTLED) from None
    except MassivePayloadError:
        raise EarningsSourceError("Massive sent an earnings answer that is not valid JSON.", MALFORMED) from None
    except MassiveError as exc:
        raise EarningsSourceError(f"Massive's earnings could not be fetched: {exc}", UNREACHABLE) from None
    return parse_earnings(pages)
