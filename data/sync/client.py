"""The account backend's HTTP API (server/app.py) as the app uses it, over httpx.

Errors come out as ``SyncError`` with a kind the status bar can show (offline, signed out,
refused, server trouble) and a message in plain words. The device token travels only in the
Authorization header: it is never part of a URL, a message or a log line.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (httpx, ~85 ms of imports, loads with the first client: signed in or signing in)
    import httpx

TIMEOUT_S, CONNECT_TIMEOUT_S = 20.0, 5.0
MAX_CONNECTIONS = 4
# idle connections are dropped before the server's keep-alive (uvicorn: 5 s) can close one under a request
KEEPALIVE_EXPIRY_S = 2.0
PULL_PAGE = 1000
RETRY_PAUSE_S = 0.3


class SyncError(Exception):
    """kind: offline / signed_out / refused / missing (404) / rate_limited / server."""

    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: int
    device_id: int
    token: str

    def __repr__(self) -> str:  # never the token
        return f"SignedIn(user_id={self.user_id}, device_id={self.device_id})"


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: int
    name: str
    created_at: str
    last_seen_at: str | None
    revoked_at: str | None
    current: bool


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):  # FastAPI's validation errors
        detail = "; ".join(str(d.get("msg", d)) for d in detail[:3] if isinstance(d, dict))
    return str(detail or response.reason_phrase)[:300]


def _raise_for(response: httpx.Response) -> None:
    code = response.status_code
    if code < 400:
        return
    if code == 401:
        raise SyncError("signed_out", "The account server no longer accepts this device (signed out or revoked): "
                                      "sign in again in Preferences.")
    if code == 429:
        after = response.headers.get("Retry-After", "")
        raise SyncError("rate_limited", f"Too many attempts: {_detail(response)}",
                        float(after) if after.isdigit() else 60.0)
    if code >= 500:
        raise SyncError("server", f"The account server has a problem (HTTP {code}); sync will try again.")
    if code == 404:
        raise SyncError("missing", f"The account server has no such thing: {_detail(response)}")
    raise SyncError("refused", f"The account server refused the request (HTTP {code}): {_detail(response)}")


class SyncClient:
    """One account server, one device token (None until signed in)."""

    def __init__(self, base_url: str, token: str | None = None, transport: httpx.AsyncBaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self._token = token
        import httpx

        timeout = httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        limits = httpx.Limits(max_connections=MAX_CONNECTIONS, keepalive_expiry=KEEPALIVE_EXPIRY_S)
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, limits=limits, transport=transport)

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, *, repeatable: bool = True, **kwargs: Any) -> httpx.Response:
        """One request; a repeatable one (everything but sign-in/up) is tried once more after a broken connection."""
        import httpx

        headers = kwargs.pop("headers", {})
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        for attempt in range(2 if repeatable else 1):
            try:
                response = await self._http.request(method, path, headers=headers, **kwargs)
                break
            except (httpx.TransportError, httpx.DecodingError) as error:
                if attempt or not repeatable:
                    raise SyncError("offline", f"The account server at {self.base_url} cannot be reached "
                                               f"({type(error).__name__}).") from None
                await asyncio.sleep(RETRY_PAUSE_S)
        _raise_for(response)
        return response

    async def _session(self, path: str, email: str, password: str, device_name: str) -> SignedIn:
        body = {"email": email, "password": password, "device_name": device_name}
        data = (await self._call("POST", path, json=body, repeatable=False)).json()
        self._token = data["token"]
        return SignedIn(data["user_id"], data["device_id"], data["token"])

    async def sign_up(self, email: str, password: str, device_name: str) -> SignedIn:
        return await self._session("/v1/accounts/sign-up", email, password, device_name)

    async def sign_in(self, email: str, password: str, device_name: str) -> SignedIn:
        return await self._session("/v1/accounts/sign-in", email, password, device_name)

    async def sign_out(self) -> None:
        await self._call("POST", "/v1/accounts/sign-out")
        self._token = None

    async def devices(self) -> list[DeviceInfo]:
        rows = (await self._call("GET", "/v1/devices")).json()
        return [DeviceInfo(r["id"], r["name"], r["created_at"], r.get("last_seen_at"), r.get("revoked_at"),
                           r["current"]) for r in rows]

    async def revoke(self, device_id: int) -> None:
        await self._call("DELETE", f"/v1/devices/{int(device_id)}")

    async def push(self, changes: list[dict]) -> int:
        """Send a batch; returns how many were new to the server (a retried batch stores nothing twice)."""
        return (await self._call("POST", "/v1/sync/push", json={"changes": changes})).json()["stored"]

    async def pull(self, since: int, limit: int = PULL_PAGE) -> tuple[list[dict], int, bool]:
        data = (await self._call("GET", "/v1/sync/pull", params={"since": since, "limit": limit})).json()
        return data["changes"], int(data["cursor"]), bool(data["more"])

    async def has_blob(self, sha256: str) -> bool:
        try:
            await self._call("HEAD", f"/v1/blobs/{sha256}")
        except SyncError as error:
            if error.kind == "missing":
                return False
            raise
        return True

    async def put_blob(self, sha256: str, data: bytes) -> None:
        await self._call("PUT", f"/v1/blobs/{sha256}", content=data,
                         headers={"Content-Type": "application/octet-stream"})

    async def get_blob(self, sha256: str) -> bytes | None:
        """The blob's bytes, or None when the account has none under that hash (never uploaded: the
        device that had them lost them first)."""
        try:
            data = (await self._call("GET", f"/v1/blobs/{sha256}")).content
        except SyncError as error:
            if error.kind == "missing":
                return None
            raise
        if hashlib.sha256(data).hexdigest() != sha256:
            raise SyncError("server", f"The account server sent a blob that does not match its hash {sha256[:12]}….")
        return data
