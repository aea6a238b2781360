"""The offline command mode: strict parsing, and replies written from the tool results (grounded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.coach import commands
from app.core.coach.commands import HELP, parse
from app.core.coach.grounding import check
from app.core.option_chains import OptionChainService
from tests.core.test_coach_tools import demo_tools


@pytest.mark.parametrize(("text", "calls"), [
    ("gex SPX", (("get_gamma_exposure", {"symbol": "SPX"}),)),
    ("GEX spx", (("get_gamma_exposure", {"symbol": "SPX"}),)),
    ("  0dte SPX ", (("get_zero_dte_analysis", {"symbol": "SPX"}),)),
    ("iv AAPL", (("get_iv_analysis", {"symbol": "AAPL"}),)),
    ("earnings NVDA", (("get_earnings_analysis", {"symbol": "NVDA"}),)),
    ("earnings", (("get_earnings_calendar", {}),)),
    ("levels QQQ", (("get_key_levels", {"symbol": "QQQ"}),)),
    ("quote tsla", (("get_quote", {"symbol": "TSLA"}),)),
    ("bars SPY 1h", (("get_recent_bars", {"symbol": "SPY", "timeframe": "1h"}),)),
    ("bars SPY 1d", (("get_recent_bars", {"symbol": "SPY", "timeframe": "1D"}),)),
    ("scan", (("scan_opportunities", {}),)),
    ("scan aapl nvda", (("scan_opportunities", {"symbols": ["AAPL", "NVDA"]}),)),
    ("positions", (("get_position_advice", {}),)),
    ("advice", (("get_position_advice", {}),)),
    ("advice #3", (("get_position_advice", {"position_id": 3}),)),
    ("insights 30d", (("get_journal_insights", {"days": 30}),)),
    ("Insights 7D", (("get_journal_insights", {"days": 7}),)),
    ("insights", (("get_journal_insights", {"days": 30}),)),
    ("macro", (("get_macro_events", {"days": 7}),)),
    ("macro SPY", (("get_macro_events", {"days": 7}), ("get_macro_impact", {"symbol": "SPY"}))),
])
def test_commands_map_to_tools(text: str, calls: tuple) -> None:
    command = parse(text)
    assert command is not None and command.calls == calls
    assert command.tool == calls[0][0] and command.arguments == calls[0][1]


@pytest.mark.parametrize("text", ["", "   ", "hello", "is SPX in positive gamma?", "gex SPX please now",
                                  "gex SPX QQQ", "insights 14d", "bars SPY 2m", "advice soon", "help me",
                                  "what is the gex of SPX", "gex: SPX", "iv, AAPL"])
def test_anything_else_is_no_command(text: str) -> None:
    assert parse(text) is None


def test_help_and_a_bare_symbol_command() -> None:
    assert parse("HELP").verb == "help" and parse("help").calls == ()
    bare = parse("gex")
    assert bare.needs_symbol and bare.calls == (("get_gamma_exposure", {}),)
    for verb in ("gex", "0dte", "iv", "earnings", "levels", "scan", "positions", "advice", "insights", "macro"):
        assert verb in HELP


async def test_gex_spx_answers_with_the_gex_panels_numbers_grounded(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (engine, tools):
        reply, records = await commands.run(tools, "gex SPX")
        (record,) = records
        gex = engine.service(OptionChainService).latest.gex
        assert record.name == "get_gamma_exposure" and record.result["flip"] == round(gex.flip, 2)
        assert record.card.actions[0].label == "Show on chart"
        assert f"{gex.call_wall:,.0f}" in reply and gex.regime in reply
        assert check(reply, [json.dumps(record.result)]).ungrounded == ()


async def test_every_command_reply_is_grounded_in_its_results(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (_engine, tools):
        for text in ("0dte SPX", "iv SPX", "earnings NVDA", "earnings", "levels SPX", "quote SPX", "bars SPX",
                     "scan", "positions", "insights 90d", "macro SPY", "gex"):
            reply, records = await commands.run(tools, text)
            assert records and all(r.error == "" for r in records), (text, [r.error for r in records])
            sources = [json.dumps(r.result, default=str) for r in records]
            assert check(reply, sources).ungrounded == (), (text, reply)
        reply, records = await commands.run(tools, "gex")  # no symbol: the active one
        assert records[0].arguments == {"symbol": "SPX"}


async def test_help_unknown_and_failing_commands(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (_engine, tools):
        assert await commands.run(tools, "help") == (HELP, ())
        reply, records = await commands.run(tools, "what now?")
        assert records == () and HELP in reply
        reply, records = await commands.run(tools, "quote ZZZZ9")
        assert records[0].error and reply == records[0].error
