"""Fixtures for the account backend: a real PostgreSQL cluster, the migrated schema, the app's
login role (a member of ai_coach_app that owns nothing, so row-level security applies to it) and
the real server (uvicorn) on 127.0.0.1 in a thread. All of it lives for the test session and is
torn down even when a test fails. See tests/server/postgres.py for how PostgreSQL is run.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.server.postgres import Cluster, find_bin_dir, free_port, new_cluster

pytest.importorskip("fastapi", reason="the server extra (fastapi, psycopg, argon2-cffi) is not installed")
pytest.importorskip("psycopg", reason="the server extra (psycopg) is not installed")

DATABASE = "ai_coach"
APP_LOGIN = "ai_coach_server"  # the role the server connects as


class FakeClock:
    """The server's clock: real time plus an offset a test can move forward (rate-limit windows)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


@dataclass
class Backend:
    cluster: Cluster
    base_url: str
    clock: FakeClock

    @property
    def owner_url(self) -> str:
        return self.cluster.url("postgres", DATABASE)

    @property
    def app_url(self) -> str:
        return self.cluster.url(APP_LOGIN, DATABASE)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: apt install postgresql (.ci/run does)")
    pg = new_cluster(bin_dir)
    try:
        pg.start()
        yield pg
    except Exception as error:
        raise RuntimeError(f"PostgreSQL failed: {error}\n{getattr(error, 'stderr', '')}\n{pg.log()}") from error
    finally:
        pg.stop()


def _prepare_database(pg: Cluster) -> None:
    import psycopg

    from server.db import migrate

    with psycopg.connect(pg.superuser_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    migrate(pg.url("postgres", DATABASE))
    with psycopg.connect(pg.url("postgres", DATABASE), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {APP_LOGIN} LOGIN IN ROLE ai_coach_app")


def _serve(app) -> tuple[object, threading.Thread, int]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           proxy_headers=True, forwarded_allow_ips="127.0.0.1"))
    thread = threading.Thread(target=server.run, name="ai-coach-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start within 30 s")
        time.sleep(0.02)
    return server, thread, port


@pytest.fixture(scope="session")
def backend(cluster: Cluster) -> Iterator[Backend]:
    from server.app import create_app

    _prepare_database(cluster)
    clock = FakeClock()
    server, thread, port = _serve(create_app(cluster.url(APP_LOGIN, DATABASE), clock=clock))
    try:
        yield Backend(cluster, f"http://127.0.0.1:{port}", clock)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def http(backend: Backend):
    import httpx

    with httpx.Client(base_url=backend.base_url, timeout=30) as client:
        yield client


_ids = itertools.count(1)


@pytest.fixture
def unique() -> str:
    """A fresh suffix per test (emails, client addresses): tests share one database."""
    return f"{time.time_ns() % 10**9}-{next(_ids)}"


def sign_up(http, email: str, device: str = "desktop", password: str = "correct horse battery") -> dict:
    response = http.post("/v1/accounts/sign-up", json={"email": email, "password": password, "device_name": device})
    assert response.status_code == 201, response.text
    return response.json()


def sign_in(http, email: str, password: str, device: str = "laptop", ip: str = "198.51.100.1"):
    return http.post("/v1/accounts/sign-in", json={"email": email, "password": password, "device_name": device},
                     headers={"X-Forwarded-For": ip})


def bearer(session: dict) -> dict:
    return {"Authorization": f"Bearer {session['token']}"}
