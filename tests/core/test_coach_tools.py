"""The coach's tools through a real engine on the demo market: every tool answers with a compact
result and a card, the GEX numbers are the GEX panel's, bad calls come back as plain errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import pytest

from app.core.coach.tools import TOOLS, CoachTools, result_json, validate
from app.core.engine import Engine, EngineConfig
from app.core.option_chains import OptionChainService
from app.core.workspace import Workspace

MAX_RESULT_CHARS = 2000
NAMES = ("get_gamma_exposure", "get_zero_dte_analysis", "get_iv_analysis", "get_earnings_calendar",
         "get_earnings_analysis", "get_position_advice", "get_journal_insights", "get_key_levels",
         "scan_opportunities", "get_macro_events", "get_macro_impact", "get_quote", "get_recent_bars",
         "show_on_chart", "open_chain_at_strike", "set_alert", "track_setup")


async def _until(predicate, timeout: float = 20.0) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < end, "condition not reached in time"
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def demo_tools(tmp_path: Path, active: str = "SPX"):
    engine = Engine(EngineConfig(tmp_path, "demo"))
    await engine.start()
    try:
        await engine.service(Workspace).set_active_symbol(active)
        chains = engine.service(OptionChainService)
        await _until(lambda: chains.latest is not None and chains.latest.symbol == active)
        yield engine, CoachTools(engine.service, lambda: engine.context.clock.now(),
                                 provider=lambda: engine.context.provider, calendar=engine.context.calendar)
    finally:
        await engine.stop()


def calls_for(symbol: str) -> list[tuple[str, dict]]:
    return [("get_gamma_exposure", {"symbol": symbol}), ("get_zero_dte_analysis", {"symbol": symbol}),
            ("get_iv_analysis", {"symbol": symbol}), ("get_earnings_calendar", {}),
            ("get_earnings_calendar", {"symbols": ["NVDA", "AAPL"], "days": 92}),
            ("get_earnings_analysis", {"symbol": "NVDA"}), ("get_position_advice", {}),
            ("get_journal_insights", {"days": 90}), ("get_key_levels", {"symbol": symbol}),
            ("scan_opportunities", {}), ("get_macro_events", {"days": 30}), ("get_macro_impact", {"symbol": symbol}),
            ("get_quote", {"symbol": symbol}), ("get_recent_bars", {"symbol": symbol, "timeframe": "1m", "count": 500}),
            ("show_on_chart", {"symbol": symbol}), ("open_chain_at_strike", {"symbol": symbol, "strike": 6600}),
            ("set_alert", {"symbol": symbol, "price": 6650.5, "condition": "above"}),
            ("track_setup", {"symbol": symbol, "direction": "long", "entry": 6600, "stop": 6590,
                             "targets": [6620, 6640]})]


def test_the_registry_is_named_as_in_the_reference_product() -> None:
    tools = CoachTools(lambda kind: None, lambda: None)  # type: ignore[arg-type,return-value]
    assert set(tools.names) == set(NAMES)
    for schema in tools.schemas():
        assert schema["type"] == "function"
        fn = schema["function"]
        assert fn["name"] in NAMES and fn["description"]
        assert fn["parameters"]["type"] == "object"
        assert set(fn["parameters"]["required"]) <= set(fn["parameters"]["properties"])
        json.dumps(schema)  # JSON-able as the OpenAI tools parameter


async def test_every_tool_answers_compactly_with_a_card_on_the_demo_market(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (_engine, tools):
        for name, arguments in calls_for("SPX"):
            record = await tools.call(name, json.dumps(arguments), call_id=f"call-{name}")
            assert record.error == "", (name, record.error)
            assert record.id == f"call-{name}" and record.arguments == arguments
            text = result_json(record)
            assert len(text) < MAX_RESULT_CHARS, (name, len(text))
            assert "NaN" not in text and "Infinity" not in text
            assert record.card is not None and record.card.title
            assert record.card.lines or record.card.actions
        covered = {name for name, _ in calls_for("SPX")}
        assert covered == set(NAMES)


async def test_the_gex_tool_shows_the_gex_panels_numbers(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (engine, tools):
        record = await tools.call("get_gamma_exposure", {"symbol": "spx"})
        gex = engine.service(OptionChainService).latest.gex
        result = record.result
        assert result["symbol"] == "SPX"
        assert result["regime"] == gex.regime
        assert result["flip"] == round(gex.flip, 2) and result["call_wall"] == round(gex.call_wall, 2)
        assert result["put_wall"] == round(gex.put_wall, 2) and result["total"] == round(gex.total)
        assert 0 < len(result["top_strikes"]) <= 5
        (action,) = record.card.actions
        assert (action.label, action.kind) == ("Show on chart", "chart_levels")
        assert action.params["symbol"] == "SPX"
        levels = {level["label"]: level["price"] for level in action.params["levels"]}
        assert levels == {"Gamma flip": round(gex.flip, 2), "Call wall": round(gex.call_wall, 2),
                          "Put wall": round(gex.put_wall, 2)}
        card = dict(record.card.lines)
        assert card["Regime"] == gex.regime and card["Call wall"] == f"{gex.call_wall:,.2f}".rstrip("0").rstrip(".")


async def test_another_symbol_reads_its_own_chain(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (engine, tools):
        qqq = await tools.call("get_gamma_exposure", {"symbol": "QQQ"})
        quote = await tools.call("get_quote", {"symbol": "QQQ"})
        assert qqq.error == "" and qqq.result["symbol"] == "QQQ"
        assert qqq.result["spot"] == pytest.approx(quote.result["last"], rel=0.01)
        assert engine.service(OptionChainService).latest.symbol == "SPX"  # the panels' snapshot is untouched
        zero = await tools.call("get_zero_dte_analysis", {"symbol": "AAPL"})
        assert zero.error == "" and zero.result["note"]


async def test_bad_calls_come_back_as_plain_errors(tmp_path: Path) -> None:
    async with demo_tools(tmp_path) as (_engine, tools):
        cases = [("get_gamma_exposure", "{not json", "not valid JSON"),
                 ("get_gamma_exposure", "[1, 2]", "must be a JSON object"),
                 ("get_gamma_exposure", {}, "'symbol' is required"),
                 ("get_gamma_exposure", {"symbol": 5}, "'symbol' must be a string"),
                 ("get_gamma_exposure", {"symbol": "SPX", "strike": 1}, "unknown argument 'strike'"),
                 ("get_journal_insights", {"days": 14}, "one of 7, 30, 90"),
                 ("get_journal_insights", {"days": True}, "whole number"),
                 ("get_recent_bars", {"symbol": "SPX", "count": 100000}, "at most 500"),
                 ("set_alert", {"symbol": "SPX", "price": "high", "condition": "above"}, "'price' must be a number"),
                 ("track_setup", {"symbol": "SPX", "direction": "long", "entry": 10, "stop": 11, "targets": [12]},
                  "stop must be below"),
                 ("get_quote", {"symbol": "??"}, "Bad symbol"),
                 ("get_position_advice", {"position_id": 999}, "No open position #999"),
                 ("open_chain_at_strike", {"symbol": "SPX", "strike": 6600, "expiry": "soon"}, "not a date"),
                 ("what_is_the_answer", {}, "no tool named")]
        for name, arguments, words in cases:
            record = await tools.call(name, arguments)
            assert words in record.error, (name, arguments, record.error)
            assert record.result == {"error": record.error}
            assert record.card is not None and record.card.kind == "error"


async def test_a_failing_service_is_an_error_record_not_an_exception() -> None:
    def service(kind):
        raise RuntimeError("database is locked")

    tools = CoachTools(service, lambda: None)  # type: ignore[arg-type,return-value]
    record = await tools.call("get_position_advice", "{}")
    assert "database is locked" in record.error and record.result == {"error": record.error}
    record = await tools.call("get_quote", {"symbol": "SPY"})
    assert record.error  # no provider: said in words


def test_the_schema_check_is_strict() -> None:
    schema = TOOLS[0].parameters
    assert validate({"symbol": "SPX"}, schema) == ""
    assert validate({"symbol": None}, schema) == "'symbol' must be a string"
    targets = {"type": "array", "items": {"type": "number"}, "maxItems": 2}
    assert validate([1, 2.5], targets) == ""
    assert "[1] must be a number" in validate([1, "x"], targets)
    assert "at most 2" in validate([1, 2, 3], targets)
    assert validate(3.0, {"type": "integer"}) == "" and validate(3.5, {"type": "integer"})
    assert validate(True, {"type": "number"})


async def test_position_advice_lists_the_open_positions(tmp_path: Path) -> None:
    from analytics.positions import Leg
    from app.core.positions.service import PositionsService
    from app.core.positions.tracker import PositionTrackerService

    async with demo_tools(tmp_path) as (engine, tools):
        opened = await engine.service(PositionsService).open("SPY", (Leg("stock", "SPY", "SPY", 100, 600.0),),
                                                            strategy="shares")
        tracker = engine.service(PositionTrackerService)
        await tracker.refresh()
        assert tracker.views
        record = await tools.call("get_position_advice", {})
        assert record.result["open_positions"] == 1
        (position,) = record.result["positions"]
        assert position["id"] == opened.id and position["underlying"] == "SPY"
        assert position["pnl"] == round(tracker.views[0].value.pnl, 2)
        one = await tools.call("get_position_advice", {"position_id": opened.id})
        assert one.result["positions"] == record.result["positions"]
        assert record.card.actions[0].params == {"position_id": opened.id}
