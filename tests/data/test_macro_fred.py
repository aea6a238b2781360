"""FRED's release-dates client against a loopback server answering in FRED's shape, and the store
of macro events per source."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from data.macro import fred
from data.market_calendar import ET
from data.store import macro
from data.store.database import Store
from data.store.records import MacroEvent

KEY = "abcdef0123456789abcdef0123456789"
UPCOMING = [
    {"release_id": 10, "release_name": "Consumer Price Index", "date": "2026-12-10"},
    {"release_id": 192, "release_name": "Job Openings and Labor Turnover Survey", "date": "2026-12-08"},
    {"release_id": 50, "release_name": "Employment Situation", "date": "2026-12-04"},
    {"release_id": 53, "release_name": "Gross Domestic Product by State", "date": "2026-12-22"},
    {"release_id": 86, "release_name": "Commercial Paper", "date": "2026-12-02"},
    {"release_id": 10, "release_name": "Consumer Price Index", "date": "next week"},
]


@dataclass
class FakeFred:
    """``/fred/releases/dates`` and ``/fred/release/dates`` as FRED answers them."""

    upcoming: list[dict] = field(default_factory=lambda: list(UPCOMING))
    history: dict[int, list[str]] = field(default_factory=lambda: {10: ["2025-12-18", "2026-11-13"]})
    status: int = 200
    page: str = ""  # served at /monetarypolicy/fomccalendars.htm (404 when empty)
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        self.asked.append((path, query))
        if self.status != 200:
            return self.status, {"error_code": self.status, "error_message": "Bad Request.  The value for variable "
                                 "api_key is not registered.  Read https://fred.stlouisfed.org/docs/api/api_key.html"}
        offset, limit = int(query.get("offset", 0)), int(query["limit"])
        if path == "/fred/releases/dates":
            rows = self.upcoming
        else:
            rid = int(query["release_id"])
            rows = [{"release_id": rid, "date": d} for d in self.history.get(rid, [])]
        return 200, {"realtime_start": query["realtime_start"], "realtime_end": query["realtime_end"],
                     "order_by": "release_date", "sort_order": "asc", "count": len(rows), "offset": offset,
                     "limit": limit, "release_dates": rows[offset:offset + limit]}


@pytest.fixture
def server() -> Iterator[tuple[FakeFred, str]]:
    fake = FakeFred()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path.endswith(".htm"):
                found = fake.page and url.path == "/monetarypolicy/fomccalendars.htm"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(fake.page.encode() if found else b"<html>Not Found</html>")
                return
            status, body = fake.answer(url.path, {k: v[0] for k, v in parse_qs(url.query).items()})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(base: str, *args, key: str = KEY, **kwargs) -> list[dict]:
    async def run() -> list[dict]:
        client = fred.FredClient(key, base_url=base)
        try:
            return await client.release_dates(*args, **kwargs)
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_upcoming_release_dates_become_events_at_the_agencies_times(server) -> None:
    fake, base = server
    rows = fetch(base, date(2026, 11, 24), date(2027, 3, 31))
    [(path, query)] = fake.asked
    assert path == "/fred/releases/dates" and query["api_key"] == KEY and query["file_type"] == "json"
    assert query["include_release_dates_with_no_data"] == "true"
    assert (query["realtime_start"], query["realtime_end"]) == ("2026-11-24", "2027-03-31")
    events, known, skipped = fred.parse_release_dates({"release_dates": rows}, {})
    got = {(e.kind, e.at, e.impact) for e in events}
    assert got == {("cpi", datetime(2026, 12, 10, 13, 30, tzinfo=UTC), "high"),  # 08:30 EST
                   ("nfp", datetime(2026, 12, 4, 13, 30, tzinfo=UTC), "high"),
                   ("jolts", datetime(2026, 12, 8, 15, 0, tzinfo=UTC), "medium")}  # 10:00 EST
    assert sorted(known) == [10, 50, 192] and skipped == 1  # "next week" is no date; GDP by State is not GDP


def test_pages_are_followed(server, monkeypatch) -> None:
    fake, base = server
    monkeypatch.setattr(fred, "PAGE", 2)
    rows = fetch(base, date(2026, 11, 24), date(2027, 3, 31))
    assert len(rows) == len(UPCOMING) and [q["offset"] for _p, q in fake.asked] == ["0", "2", "4"]


def test_one_release_history_by_id(server) -> None:
    fake, base = server
    rows = fetch(base, date(2023, 12, 1), date(2026, 11, 23), release_id=10)
    assert fake.asked[0][0] == "/fred/release/dates" and fake.asked[0][1]["release_id"] == "10"
    cpi = fred.release_of("Consumer Price Index", 10)
    events, _known, _ = fred.parse_release_dates({"release_dates": rows}, {10: cpi})
    assert [e.at.astimezone(ET) for e in events] == [datetime(2025, 12, 18, 8, 30, tzinfo=ET),
                                                     datetime(2026, 11, 13, 8, 30, tzinfo=ET)]


def test_a_refused_key_says_so_without_the_key(server) -> None:
    fake, base = server
    fake.status = 400
    with pytest.raises(fred.FredError) as caught:
        fetch(base, date(2026, 11, 24), date(2027, 3, 31))
    assert "Preferences" in str(caught.value) and KEY not in str(caught.value)


def test_unreachable_and_not_json() -> None:
    with pytest.raises(fred.FredError, match="unreachable") as caught:
        fetch("http://127.0.0.1:9", date(2026, 11, 24), date(2027, 3, 31))
    assert KEY not in str(caught.value)
    with pytest.raises(fred.FredError, match="no release dates"):
        fred.parse_release_dates({"error": "x"}, {})
    with pytest.raises(fred.FredError, match="FRED key"):
        fred.FredClient("  ")


def ev(source: str, kind: str, at: datetime, key: str | None = None) -> MacroEvent:
    return MacroEvent(source, key or f"{kind}:{at.date()}", kind, kind.upper(), at, "high")


def test_store_replaces_a_sources_window_only(tmp_path) -> None:
    store = Store.open(tmp_path)
    t = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)
    day = timedelta(days=1)
    try:
        store.run_sync(lambda s: macro.save(s, "fred", [ev("fred", "cpi", t), ev("fred", "ppi", t + 9 * day)],
                                            t - day, t + 10 * day, t))
        store.run_sync(lambda s: macro.save(s, "bls", [ev("bls", "cpi", t)], t - day, t + day, t))
        # a second fetch of the first 5 days: CPI moved a day, the later PPI is kept (outside the window)
        kept = store.run_sync(lambda s: macro.save(s, "fred", [ev("fred", "cpi", t + day, "cpi:2026-12-01")],
                                                   t - day, t + 5 * day, t))
        assert kept == 1
        got = store.run_sync(lambda s: macro.between(s, t - day, t + 20 * day))
        assert [(e.source, e.kind, e.at) for e in got] == [("bls", "cpi", t), ("fred", "cpi", t + day),
                                                           ("fred", "ppi", t + 9 * day)]
        assert got[0].at.tzinfo is not None
        only = store.run_sync(lambda s: macro.between(s, t - day, t + 20 * day, ("bls",)))
        assert [e.source for e in only] == ["bls"]
        with pytest.raises(ValueError, match="saved as"):
            store.run_sync(lambda s: macro.save(s, "fred", [ev("bls", "cpi", t)], t - day, t + day, t))
    finally:
        store.close()
