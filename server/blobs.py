"""Content-addressed blobs: the screenshots attached to journal trades, uploaded once by their hash.

``PUT /v1/blobs/{sha256}`` takes the raw bytes; the server hashes them itself and refuses a
body that does not match the name it was sent under, so a stored blob is always what its
SHA-256 says. A blob belongs to one account (``blobs`` is keyed by user and hash, behind the
same row-level security as the change log): another account asking for the same hash finds
nothing, and uploading the same content stores that account's own copy. Putting a blob the
account already has changes nothing (200 instead of 201), so a client may retry freely, and
``HEAD`` tells it whether an upload is needed at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert

from server.accounts import Caller, Clock
from server.db import user_transaction
from server.models import blobs

PREFIX = "/v1/blobs"
MAX_BLOB = 16 * 1024 * 1024  # a full-screen PNG screenshot is a few MB
SHA256_HEX = r"^[0-9a-f]{64}$"

Sha256 = Annotated[str, Path(pattern=SHA256_HEX, description="lowercase hex SHA-256 of the blob's bytes")]


class Stored(BaseModel):
    sha256: str
    size: int


def put(engine: Engine, clock: Clock, caller: Caller, sha256: str, data: bytes) -> bool:
    """Store the caller's blob; True when it is new to the account, False when it was already there."""
    row = {"user_id": caller.user_id, "sha256": sha256, "size": len(data), "data": data, "created_at": clock()}
    with user_transaction(engine, caller.user_id) as conn:
        new = conn.execute(insert(blobs).values(row).on_conflict_do_nothing(index_elements=["user_id", "sha256"])
                           .returning(blobs.c.sha256)).first()
    return new is not None


def size(engine: Engine, caller: Caller, sha256: str) -> int | None:
    query = select(blobs.c.size).where(blobs.c.user_id == caller.user_id, blobs.c.sha256 == sha256)
    with user_transaction(engine, caller.user_id) as conn:
        return conn.execute(query).scalar()


def read(engine: Engine, caller: Caller, sha256: str) -> bytes | None:
    query = select(blobs.c.data).where(blobs.c.user_id == caller.user_id, blobs.c.sha256 == sha256)
    with user_transaction(engine, caller.user_id) as conn:
        data = conn.execute(query).scalar()
    return None if data is None else bytes(data)


def _matches(sha256: str, data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == sha256


_NOT_FOUND = "no such blob on this account"
_BODY = {"requestBody": {"required": True, "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary"}}}}}


def routes(caller: Callable[..., Caller]) -> APIRouter:
    """The blob endpoints, each for the device ``caller`` (the app's bearer-token dependency) returns."""
    router = APIRouter(prefix=PREFIX, tags=["blobs"])

    @router.put("/{sha256}", response_model=Stored, status_code=status.HTTP_201_CREATED, openapi_extra=_BODY,
                responses={200: {"model": Stored, "description": "the account already had it"},
                           400: {"description": "content does not match its hash"}, 413: {}})
    async def put_blob(sha256: Sha256, request: Request, response: Response, me: Caller = Depends(caller)) -> Stored:
        data = await request.body()  # the BodyLimit middleware stops it past MAX_BLOB
        if len(data) > MAX_BLOB:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "request body too large")
        if not await run_in_threadpool(_matches, sha256, data):
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "content does not match its hash")
        state = request.app.state
        if not await run_in_threadpool(put, state.engine, state.clock, me, sha256, data):
            response.status_code = status.HTTP_200_OK
        return Stored(sha256=sha256, size=len(data))

    @router.head("/{sha256}", responses={200: {"description": "the account has it (Content-Length: its size)"},
                                         404: {"description": _NOT_FOUND}})
    def has_blob(sha256: Sha256, request: Request, me: Caller = Depends(caller)) -> Response:
        found = size(request.app.state.engine, me, sha256)
        if found is None:
            return Response(status_code=status.HTTP_404_NOT_FOUND)
        return Response(status_code=status.HTTP_200_OK, media_type="application/octet-stream",
                        headers={"Content-Length": str(found)})

    @router.get("/{sha256}", response_class=Response, responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        404: {"description": _NOT_FOUND}})
    def get_blob(sha256: Sha256, request: Request, me: Caller = Depends(caller)) -> Response:
        data = read(request.app.state.engine, me, sha256)
        if data is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
        return Response(content=data, media_type="application/octet-stream")

    return router
