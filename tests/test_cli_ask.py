"""``ai-coach ask`` on the demo market: without a model, a command answered from the tools; with the
scripted OpenAI-compatible server (real SSE through the unpatched SDK), a question answered by two
tool calls whose numbers ground, and an invented one flagged; a bad address is one plain line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.llm_server import Call, Reply, ScriptedLlm


def _run(tmp_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "ask", *args, "--provider", "demo", "--data-dir",
                           str(tmp_path), "--json"], cwd=REPO, capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})


def _last(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_model_a_command_is_answered_by_the_tools(tmp_path: Path) -> None:
    answer = _last(_run(tmp_path, "gex SPX"))
    assert answer["tool_calls"] == [{"name": "get_gamma_exposure", "arguments": {"symbol": "SPX"}}]
    assert "Gamma flip" in answer["reply"] and answer["ungrounded"] == []


def test_a_model_answers_through_two_tools_and_an_invented_number_is_flagged(tmp_path: Path) -> None:
    question = "Is SPX in positive gamma and how much of today's expected move is used?"
    with ScriptedLlm() as llm:
        llm.play(Reply(calls=(Call("get_gamma_exposure", {"symbol": "SPX"}), Call("get_zero_dte_analysis",
                                                                                  {"symbol": "SPX"}))),
                 Reply(text="SPX is in positive gamma with the flip far below; resistance sits near 7,123.45."))
        answer = _last(_run(tmp_path, question, "--base-url", llm.base_url, "--model", "test-model"))
        sent = llm.requests[1]["messages"]
    assert [c["name"] for c in answer["tool_calls"]] == ["get_gamma_exposure", "get_zero_dte_analysis"]
    assert answer["ungrounded"] == ["7,123.45"]  # in no tool result: flagged, as written
    tool_messages = [m for m in sent if m["role"] == "tool"]
    assert len(tool_messages) == 2 and '"flip"' in tool_messages[0]["content"]  # the model read the app's numbers


def test_a_bad_server_address_is_one_plain_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "app", "ask", "hi", "--base-url", "ftp://x", "--data-dir",
                           str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith("ai-coach ask: ") and "Traceback" not in done.stderr
