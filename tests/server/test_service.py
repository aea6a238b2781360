"""/health, /openapi.json, the console script, and the server package's own rules."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import REPO
from tests.test_budgets import FUNCTION_LINES, MODULE_LINES, _functions, _span


def test_health_checks_the_database(http) -> None:
    response = http.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable() -> None:
    from fastapi.testclient import TestClient

    from server.app import create_app

    with TestClient(create_app("postgresql://nobody@127.0.0.1:1/none")) as client:
        response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_openapi_lists_the_endpoints(http) -> None:
    spec = http.get("/openapi.json").json()
    expected = {("/health", "get"), ("/v1/accounts/sign-up", "post"), ("/v1/accounts/sign-in", "post"),
                ("/v1/accounts/sign-out", "post"), ("/v1/devices", "get"), ("/v1/devices/{device_id}", "delete"),
                ("/v1/sync/push", "post"), ("/v1/sync/pull", "get"), ("/v1/blobs/{sha256}", "put"),
                ("/v1/blobs/{sha256}", "head"), ("/v1/blobs/{sha256}", "get")}
    assert expected <= {(path, method) for path, item in spec["paths"].items() for method in item}
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_the_console_script_needs_a_database_url() -> None:
    result = subprocess.run([sys.executable, "-m", "server.cli", "--port", "1"], cwd=REPO, capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


def test_the_schema_is_at_the_newest_revision(backend) -> None:
    import psycopg

    from server.db import head_revision

    with psycopg.connect(backend.owner_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()


_WITHOUT_QT = r"""
import importlib, pkgutil, sys
class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "qasync", "app", "widgets"}:
            raise ImportError(f"not available to the server ({name})")
import server
sys.meta_path.insert(0, BlockQt())
names = [i.name for i in pkgutil.walk_packages(server.__path__, "server.") if ".migrations" not in i.name]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_the_server_imports_without_qt_or_the_desktop_app() -> None:
    result = subprocess.run([sys.executable, "-c", _WITHOUT_QT], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 6


def test_server_modules_and_functions_keep_the_size_budgets() -> None:
    over = []
    for path in sorted((REPO / "server").rglob("*.py")):
        text = path.read_text()
        rel = path.relative_to(REPO).as_posix()
        if len(text.splitlines()) >= MODULE_LINES:
            over.append(f"{rel}: {len(text.splitlines())} lines")
        over += [f"{rel}::{name}: {_span(node)} lines" for name, node in _functions(ast.parse(text))
                 if _span(node) >= FUNCTION_LINES]
    assert not over, over


def test_the_console_script_migrates_and_serves(cluster, backend) -> None:
    import shutil
    import time

    import httpx
    import psycopg

    from server.db import head_revision
    from tests.server.postgres import free_port

    with psycopg.connect(cluster.superuser_url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE cli_check")
        conn.execute("GRANT CONNECT ON DATABASE cli_check TO ai_coach_app")
    script = shutil.which("ai-coach-server", path=str(REPO / ".venv" / "bin"))
    command = [script] if script else [sys.executable, "-m", "server.cli"]
    owner = {"PATH": "/usr/bin:/bin", "DATABASE_URL": cluster.url("postgres", "cli_check")}
    migrated = subprocess.run([*command, "migrate"], cwd=REPO, env=owner, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0 and f"revision {head_revision()}" in migrated.stdout, migrated.stderr
    port = free_port()
    serving = subprocess.Popen([*command, "--host", "127.0.0.1", "--port", str(port)], cwd=REPO,
                               env={**owner, "DATABASE_URL": cluster.url("ai_coach_server", "cli_check")},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and serving.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None and health.status_code == 200, serving.stderr
        signed = httpx.post(f"http://127.0.0.1:{port}/v1/accounts/sign-up", timeout=30,
                            json={"email": "cli@example.com", "password": "correct horse battery", "device_name": "d"})
        assert signed.status_code == 201
    finally:
        serving.terminate()
        serving.wait(timeout=30)
