"""A fake Alpha Vantage and Massive (Benzinga earnings) on 127.0.0.1: a real HTTP server in a thread.

Alpha Vantage's ``/query`` answers ``av_body`` (CSV or JSON text, as the real one: 200 either way
unless ``av_status`` says otherwise). Massive's ``/benzinga/v1/earnings`` answers ``massive_pages``
— page N+1 through a ``next_url`` carrying ``cursor=N+1`` on the real host, which the client
rebuilds on its own base — or ``massive_error`` (status, body). Every request is recorded with
its query and headers.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

AV_HEADER = "symbol,name,reportDate,fiscalDateEnding,estimate,currency,timeOfTheDay"
THROTTLED = {"Information": "We have detected your API key as KEY and our standard API rate limit is 25 requests "
                            "per day. Please subscribe to any of the premium plans to instantly remove all daily "
                            "rate limits."}
INVALID_KEY = {"Error Message": "the parameter apikey is invalid or missing. Please claim your free API key on "
                                "(https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds."}
NOT_AUTHORIZED = (403, {"status": "NOT_AUTHORIZED", "request_id": "a1b2",
                        "message": "You are not entitled to this data. Please upgrade your plan at "
                                   "https://massive.com/pricing"})


def av_csv(*rows: str, header: str = AV_HEADER) -> str:
    """An EARNINGS_CALENDAR answer: the header and rows, CRLF line ends as Alpha Vantage sends."""
    return "\r\n".join([header, *rows]) + "\r\n"


def benzinga(ticker: str, day: str, time: str | None = "16:30:00", **fields: Any) -> dict[str, Any]:
    """One ``/benzinga/v1/earnings`` result with the documented fields (overridable; nulls kept, as JSON has them)."""
    item = {"ticker": ticker, "company_name": f"{ticker} Inc.", "date": day, "time": time,
            "date_status": "confirmed", "importance": 5, "fiscal_period": "Q1", "fiscal_year": 2027,
            "currency": "USD", "estimated_eps": 1.25, "actual_eps": None, "eps_method": "gaap",
            "eps_surprise": None, "eps_surprise_percent": None, "previous_eps": 1.1, "estimated_revenue": 1.2e11,
            "actual_revenue": None, "revenue_method": "gaap", "revenue_surprise": None,
            "revenue_surprise_percent": None, "previous_revenue": 1.1e11, "notes": "",
            "last_updated": "2026-11-20T12:00:00Z", "benzinga_id": f"bz-{ticker}-{day}"}
    item.update(fields)
    return item


@dataclass
class EarningsServer:
    av_body: str = ""
    av_status: int = 200
    massive_pages: list[list[dict[str, Any]]] = field(default_factory=lambda: [[]])
    massive_error: tuple[int, Any] | None = None  # (status, body: JSON value or raw text)
    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def count(self, path: str) -> int:
        return sum(1 for p, _q, _h in self.requests if p == path)

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if path == "/query":
            kind = "application/json" if self.av_body.lstrip().startswith("{") else "application/x-download"
            return self.av_status, kind, self.av_body.encode()
        if path == "/benzinga/v1/earnings":
            if self.massive_error is not None:
                status, body = self.massive_error
                return status, "application/json", (body if isinstance(body, str) else json.dumps(body)).encode()
            page = int(query.get("cursor", ["0"])[0])
            body = {"status": "OK", "request_id": f"r{page}", "results": self.massive_pages[page]}
            if page + 1 < len(self.massive_pages):
                body["next_url"] = f"https://api.massive.com/benzinga/v1/earnings?cursor={page + 1}"
            return 200, "application/json", json.dumps(body).encode()
        return 404, "application/json", b'{"status":"NOT_FOUND","message":"nothing here"}'

    @contextlib.contextmanager
    def running(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                fake.requests.append((parts.path, query, dict(self.headers)))
                status, kind, body = fake._answer(parts.path, query)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()
