"""The account backend's HTTP API (FastAPI): accounts, devices, sync, blobs, health.

``create_app(database_url)`` builds a stateless app: everything it knows lives in PostgreSQL,
so several instances behind a load balancer share one database. The API is described at
``/openapi.json`` (and browsable at ``/docs``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from server import accounts, blobs, sync
from server.accounts import Caller
from server.db import make_engine, ping

MAX_BODY = 4 * 1024 * 1024  # a full push batch of ordinary records is far smaller
BODY_LIMITS = {blobs.PREFIX + "/": blobs.MAX_BLOB}  # path prefix -> its own limit (a screenshot upload)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Credentials(BaseModel):
    email: Annotated[str, Field(min_length=3, max_length=320, pattern=r"^\s*[^@\s]+@[^@\s]+\s*$")]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    device_name: Annotated[str, Field(min_length=1, max_length=120)]


class NewAccount(Credentials):
    password: Annotated[str, Field(min_length=accounts.MIN_PASSWORD, max_length=1024)]


class Session(BaseModel):
    user_id: int
    device_id: int
    token: str  # the device's bearer token: shown this once, stored by the server only hashed


class Device(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    current: bool  # the device asking


class Health(BaseModel):
    status: str
    database: str


_bearer = HTTPBearer(auto_error=False)


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _clock(request: Request) -> Callable[[], datetime]:
    return request.app.state.clock


def caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Caller:
    """The signed-in device, from its bearer token; 401 for a missing, unknown or revoked one."""
    found = None
    if credentials is not None and len(credentials.credentials) <= 256:
        found = accounts.authenticate(_engine(request), _clock(request), credentials.credentials)
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in: this device's token is unknown or revoked",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


Signed = Annotated[Caller, Depends(caller)]


def _account_routes() -> APIRouter:
    router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

    @router.post("/sign-up", status_code=status.HTTP_201_CREATED, response_model=Session)
    def sign_up(body: NewAccount, request: Request) -> Session:
        try:
            issued = accounts.sign_up(_engine(request), _clock(request), body.email, body.password, body.device_name)
        except accounts.EmailTakenError:
            raise HTTPException(status.HTTP_409_CONFLICT, "an account with this email exists: sign in") from None
        return Session(**vars(issued))

    @router.post("/sign-in", response_model=Session)
    def sign_in(body: Credentials, request: Request) -> Session:
        ip = request.client.host if request.client else "unknown"
        try:
            issued = accounts.sign_in(_engine(request), _clock(request), body.email, body.password,
                                      body.device_name, ip)
        except accounts.RateLimitedError as limited:
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(limited),
                                headers={"Retry-After": str(limited.retry_after)}) from None
        except accounts.BadCredentialsError:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong email or password") from None
        return Session(**vars(issued))

    @router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT)
    def sign_out(me: Signed, request: Request) -> Response:
        accounts.revoke_device(_engine(request), _clock(request), me, me.device_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


def _device_routes() -> APIRouter:
    router = APIRouter(prefix="/v1/devices", tags=["devices"])

    @router.get("", response_model=list[Device])
    def list_devices(me: Signed, request: Request) -> list[Device]:
        return [Device(**row) for row in accounts.list_devices(_engine(request), me)]

    @router.delete("/{device_id}", status_code=status.HTTP_204_NO_CONTENT)
    def revoke_device(device_id: int, me: Signed, request: Request) -> Response:
        if not accounts.revoke_device(_engine(request), _clock(request), me, device_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such device on this account")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


def _sync_routes() -> APIRouter:
    router = APIRouter(prefix="/v1/sync", tags=["sync"])

    @router.post("/push", response_model=sync.PushResult)
    def push(body: sync.PushBody, me: Signed, request: Request) -> sync.PushResult:
        return sync.push(_engine(request), _clock(request), me, body.changes)

    @router.get("/pull", response_model=sync.PullResult)
    def pull(me: Signed, request: Request, since: Annotated[int, Query(ge=0)] = 0,
             limit: Annotated[int, Query(ge=1, le=sync.MAX_PULL)] = 500) -> sync.PullResult:
        return sync.pull(_engine(request), me, since, limit)

    return router


def _health(request: Request) -> JSONResponse:
    try:
        ping(_engine(request))
    except Exception as error:  # any failure to reach the database makes this instance unhealthy
        return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


class BodyLimit:
    """Refuse request bodies over the limit with 413, declared or streamed, before the app reads them.

    ``limit`` holds for every path but those starting with a prefix in ``prefixes``, which have their own.
    """

    def __init__(self, app, limit: int, prefixes: dict[str, int] | None = None) -> None:
        self.app, self.limit, self.prefixes = app, limit, dict(prefixes or {})

    def limit_for(self, path: str) -> int:
        return next((size for prefix, size in self.prefixes.items() if path.startswith(prefix)), self.limit)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _too_large(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:  # FastAPI passes an HTTPException raised while reading the body through
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "request body too large")
            return message

        await self.app(scope, limited, send)


async def _too_large(send) -> None:
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"detail":"request body too large"}'})


def create_app(database_url: str, *, clock: Callable[[], datetime] = _utc_now, engine: Engine | None = None) -> FastAPI:
    """The API over the database at ``database_url`` (connect as the app role, see README)."""
    engine = engine or make_engine(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="AI Coach account backend", version="1", summary="Accounts, device tokens and sync",
                  lifespan=lifespan)
    app.state.engine = engine
    app.state.clock = clock
    app.add_api_route("/health", _health, methods=["GET"], response_model=Health, tags=["health"],
                      responses={503: {"model": Health}})
    for router in (_account_routes(), _device_routes(), _sync_routes(), blobs.routes(caller)):
        app.include_router(router)
    app.add_middleware(BodyLimit, limit=MAX_BODY, prefixes=BODY_LIMITS)
    return app
