"""Async REST client for Massive: auth header, retries with backoff, pagination, clear errors.

* The key travels only in the ``Authorization: Bearer`` header (also on ``next_url`` pages,
  which Massive returns without it) — never in a URL, a log line or an exception message.
* 5xx/413/499 and network errors are retried with exponential backoff and jitter; 429 honours
  ``Retry-After`` (else backs off from 12 s, the free tier's pace); 401/403/404/400 fail at once
  with a message that names the problem. ``rate_limited`` is True while a request waits out a 429,
  so a caller can show it while the retries wait.
* ``requests_per_minute`` (a free key: 5) paces every request through one sliding window, so
  a burst of backfills waits its turn instead of drawing 429s.
* Pagination follows ``next_url`` on the configured base, sends no extra parameters, stops on
  a repeated cursor and at ``max_pages``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from data.providers.massive.errors import (
    MassiveAuthError,
    MassiveError,
    MassiveNotEntitledError,
    MassiveNotFoundError,
    MassivePayloadError,
    MassiveRateLimitError,
)
from data.providers.massive.parsers import decode_json

log = logging.getLogger(__name__)
BASE_URL = "https://api.massive.com"
RETRY_STATUSES = frozenset({413, 499, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 120.0  # a longer wait asked for is capped (the repair loop asks again anyway)


class MassiveClient:
    def __init__(self, api_key: str, *, base_url: str = BASE_URL, timeout: float = 15.0, max_retries: int = 4,
                 backoff: float = 0.5, rate_limit_backoff: float = 12.0,
                 transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Callable[[float], Any] = asyncio.sleep, requests_per_minute: float | None = None,
                 minute_s: float = 60.0) -> None:
        if not api_key or not api_key.strip():
            raise MassiveAuthError("No Massive API key is set. Enter it in Preferences or set MASSIVE_API_KEY.")
        self._key = api_key.strip()
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport,
                                       headers={"Authorization": f"Bearer {self._key}",
                                                "Accept-Encoding": "gzip"})
        self.max_retries = max_retries
        self.backoff = backoff
        self.rate_limit_backoff = rate_limit_backoff
        self._sleep = sleep
        self._pace = _Window(requests_per_minute, minute_s) if requests_per_minute else None
        self._throttled = 0  # requests waiting out a 429 right now
        self.requests = 0

    @property
    def rate_limited(self) -> bool:
        return self._throttled > 0

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- requests -----------------------------------------------------------------------------
    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and return the decoded JSON, retrying what is worth retrying."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._send(path, params)
            except httpx.HTTPError as exc:
                if attempt > self.max_retries:
                    kind = type(exc).__name__
                    raise MassiveError(f"Massive is unreachable ({kind}); check the connection.") from None
                await self._sleep(self._delay(attempt))
                continue
            status = response.status_code
            if status == 200:
                return decode_json(response.content, f"an answer to {path.split('?')[0]}")
            if status == 429 and attempt <= self.max_retries:
                self._throttled += 1
                try:
                    await self._sleep(_retry_after(response) or self.rate_limit_backoff * (2 ** (attempt - 1)))
                finally:
                    self._throttled -= 1
                continue
            if status in RETRY_STATUSES and attempt <= self.max_retries:
                await self._sleep(self._delay(attempt))
                continue
            raise _error_for(status, response, path)

    async def _send(self, path: str, params: dict[str, Any] | None) -> httpx.Response:
        slot = await self._pace.take() if self._pace is not None else None
        self.requests += 1
        try:
            return await self._http.get(path, params=_clean_params(params))
        finally:
            if slot is not None:  # counted from when it was surely at the server: the answer
                slot[0] = time.monotonic()

    async def paginate(self, path: str, params: dict[str, Any] | None = None, max_pages: int = 50) -> list[Any]:
        """All pages of a paginated endpoint (each page's decoded JSON, in order)."""
        pages = [await self.get(path, params)]
        seen: set[str] = set()
        while len(pages) < max_pages:
            next_url = pages[-1].get("next_url") if isinstance(pages[-1], dict) else None
            if not next_url:
                break
            parts = urlsplit(next_url)
            cursor = parse_qs(parts.query).get("cursor", [parts.query])[0]
            if cursor in seen:
                log.warning("Massive repeated a pagination cursor on %s; stopping", parts.path)
                break
            seen.add(cursor)
            # rebuild on our base: path + query exactly as given, no extra params
            pages.append(await self.get(f"{parts.path}?{parts.query}" if parts.query else parts.path))
        return pages

    def _delay(self, attempt: int) -> float:
        return self.backoff * (2 ** (attempt - 1)) * random.uniform(0.8, 1.2)


class _Window:
    """At most ``rate`` requests in any ``minute_s`` seconds (a sliding window, as the server counts;
    a token bucket would let twice that through across a window's edge)."""

    def __init__(self, rate: float, minute_s: float) -> None:
        self._rate, self._span = max(1, int(rate)), minute_s * 1.01  # 1 %: the server's clock is not ours
        self._sent: deque[list[float]] = deque()  # [time] of each request, updated when answered
        self._lock = asyncio.Lock()

    async def take(self) -> list[float]:
        async with self._lock:  # one waiter at a time keeps the order fair
            while len(self._sent) >= self._rate:
                wait = self._sent[0][0] + self._span - time.monotonic()
                if wait <= 0:
                    self._sent.popleft()
                else:
                    await asyncio.sleep(wait)
            slot = [time.monotonic()]
            self._sent.append(slot)
            return slot


def _clean_params(params: dict[str, Any] | None) -> dict[str, str] | None:
    if not params:
        return None
    out = {}
    for k, v in params.items():
        if v is None:
            continue
        out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
    return out


def _retry_after(response: httpx.Response) -> float | None:
    """The server's wait in seconds, within [0, MAX_RETRY_AFTER_S] (``inf`` or ``1e999`` would
    sleep forever); None when absent or not a number of seconds."""
    value = response.headers.get("Retry-After")
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S) if math.isfinite(seconds) else None


def _message(response: httpx.Response) -> str:
    try:
        body = decode_json(response.content)
    except MassivePayloadError:
        return ""
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or "")
    return ""


def _error_for(status: int, response: httpx.Response, path: str) -> MassiveError:
    detail = _message(response)
    where = path.split("?")[0]
    if status == 401:
        return MassiveAuthError("Massive rejected the API key (401). Check the key and that the account is active.")
    if status == 403:
        return MassiveNotEntitledError(f"Your Massive plan does not include this data ({where}). {detail}".strip())
    if status == 404:
        return MassiveNotFoundError(f"Massive has nothing at {where}: {detail or 'not found'}.")
    if status == 429:
        return MassiveRateLimitError("Massive's rate limit was hit and retries did not help; try again shortly "
                                     "(a free key allows 5 requests per minute).")
    if status == 400:
        return MassiveError(f"Massive refused the request to {where}: {detail or 'bad request'}.")
    return MassiveError(f"Massive answered {status} for {where}{': ' + detail if detail else ''}.")
