"""Future (and past) release dates from FRED, the St. Louis Fed's API (a free key).

``GET {base}/fred/releases/dates?include_release_dates_with_no_data=true&realtime_start=…&realtime_end=…``
lists every release's dates in a window, scheduled ones included; ``fred/release/dates`` one
release's (``release_id``), for the history the impact table needs. An answer is
``{"count", "offset", "limit", "release_dates": [{"release_id", "release_name", "date"}]}``; pages
of up to 1,000 are followed.

Releases are recognised by their FRED names (ids differ between write-ups, names are what FRED
shows); FRED gives dates only, so each kind's time is the agency's published release time:

=============================================  ===========  =====  ==========================
FRED release name                              kind         ET     agency
=============================================  ===========  =====  ==========================
Consumer Price Index                           cpi          08:30  BLS
Producer Price Index                           ppi          08:30  BLS
Employment Situation                           nfp          08:30  BLS
Job Openings and Labor Turnover Survey         jolts        10:00  BLS
Unemployment Insurance Weekly Claims (Report)  claims       08:30  DOL (Thursdays)
Advance Monthly Sales for Retail and Food ...  retail_sales 08:30 Census
Gross Domestic Product                         gdp          08:30  BEA
Personal Income and Outlays                    pce          08:30  BEA (PCE price index)
=============================================  ===========  =====  ==========================

ISM's PMIs (10:00 ET, first business day) are not on FRED: they come from the demo or not at all.
The key goes only into the request's query; a message never carries it (it is cut out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from data.macro.impact import impact_of, title_of
from data.market_calendar import ET
from data.store.records import MacroEvent

if TYPE_CHECKING:  # (httpx, ~85 ms of imports, loads when a key is set and FRED is asked)
    import httpx

SOURCE = "fred"
BASE_URL = "https://api.stlouisfed.org"
PAGE = 1000
MAX_PAGES = 20

# (release name as FRED spells it, lower case; kind; ET release time). Whole names: "Gross Domestic
# Product by State" is another release.
RELEASES: tuple[tuple[str, str, time], ...] = (
    ("consumer price index", "cpi", time(8, 30)),
    ("producer price index", "ppi", time(8, 30)),
    ("employment situation", "nfp", time(8, 30)),
    ("job openings and labor turnover survey", "jolts", time(10, 0)),
    ("unemployment insurance weekly claims report", "claims", time(8, 30)),
    ("unemployment insurance weekly claims", "claims", time(8, 30)),
    ("advance monthly sales for retail and food services", "retail_sales", time(8, 30)),
    ("gross domestic product", "gdp", time(8, 30)),
    ("personal income and outlays", "pce", time(8, 30)),
)


class FredError(Exception):
    """FRED could not answer; the message is for the trader (never holds the key)."""


@dataclass(frozen=True, slots=True)
class FredRelease:
    release_id: int
    kind: str
    at: time


def release_of(name: str, release_id: int) -> FredRelease | None:
    """The kind and time of FRED's release ``name``, None for a release the calendar does not show."""
    clean = " ".join(name.lower().split())
    for known, kind, at in RELEASES:
        if clean == known:
            return FredRelease(release_id, kind, at)
    return None


def parse_release_dates(payload: Any, known: dict[int, FredRelease],
                        ) -> tuple[list[MacroEvent], dict[int, FredRelease], int]:
    """(events, the releases recognised by id, rows skipped as malformed) from one answer; ``known``
    names the releases of an answer without names (``fred/release/dates``)."""
    rows = payload.get("release_dates") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        raise FredError("FRED's answer has no release dates (it may have changed format).")
    found, events, skipped = dict(known), [], 0
    for row in rows:
        try:
            rid, day = int(row["release_id"]), date.fromisoformat(str(row["date"]))
        except (KeyError, TypeError, ValueError):
            skipped += 1
            continue
        release = found.get(rid)
        if release is None and isinstance(row.get("release_name"), str):
            release = release_of(row["release_name"], rid)
            if release is not None:
                found[rid] = release
        if release is not None:
            at = datetime.combine(day, release.at, ET).astimezone(UTC)
            events.append(MacroEvent(SOURCE, f"{release.kind}:{day}", release.kind, title_of(release.kind), at,
                                     impact_of(release.kind)))
    return events, found, skipped


class FredClient:
    def __init__(self, api_key: str, *, base_url: str = BASE_URL, timeout: float = 15.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not api_key or not api_key.strip():
            raise FredError("No FRED key is set: add a FRED key in Preferences.")
        self._key = api_key.strip()
        import httpx

        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def release_dates(self, start: date, end: date, release_id: int | None = None) -> list[dict]:
        """Every release-date row in [start, end] (all releases, or one), pages followed."""
        path = "/fred/releases/dates" if release_id is None else "/fred/release/dates"
        params: dict[str, Any] = {"file_type": "json", "include_release_dates_with_no_data": "true",
                                  "realtime_start": start.isoformat(), "realtime_end": end.isoformat(),
                                  "limit": PAGE, "sort_order": "asc"}
        if release_id is not None:
            params["release_id"] = release_id
        rows: list[dict] = []
        for page in range(MAX_PAGES):
            payload = await self._get(path, {**params, "offset": page * PAGE})
            batch = payload.get("release_dates") if isinstance(payload, dict) else None
            if not isinstance(batch, list):
                raise FredError("FRED's answer has no release dates (it may have changed format).")
            rows += batch
            count = payload.get("count")
            if len(batch) < PAGE or not isinstance(count, int) or len(rows) >= count:
                break
        return rows

    async def _get(self, path: str, params: dict[str, Any]) -> Any:
        import httpx

        try:
            response = await self._http.get(path, params={**params, "api_key": self._key})
        except httpx.HTTPError as exc:
            raise FredError(f"FRED is unreachable ({type(exc).__name__}); check the connection.") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code != 200:
            said = payload.get("error_message") if isinstance(payload, dict) else None
            raise FredError(self._clean(_status_message(response.status_code, said)))
        if payload is None:
            raise FredError("FRED's answer is not JSON (it may be down or changed format).")
        return payload

    def _clean(self, message: str) -> str:
        return message.replace(self._key, "•••")


def _status_message(status: int, said: str | None) -> str:
    detail = f": {said.strip()}" if said else ""
    if status in (400, 401, 403) and said and "api_key" in said.lower():
        return f"FRED refused the key{detail}. Check the FRED key in Preferences."
    if status == 429:
        return "FRED asks to slow down (too many requests); the calendar is tried again later."
    return f"FRED answered HTTP {status}{detail}."
