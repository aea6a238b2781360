"""The Coach panel in the running app with no model configured: ``gex SPX`` typed in the chat is
answered as a command, its GEX card shows the GEX panel's numbers, and the card's "Show on chart"
draws those levels on the chart; "Ask the coach about …" on the chart's menu asks the panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core import services
from app.core.coach.service import CoachService
from app.core.workspace import Workspace
from tests.gui_helpers import run_app, settings, until


def _number(text: str) -> float:
    return float(text.split()[0].replace(",", "").replace("$", ""))


def test_gex_as_a_command_shows_the_gex_panels_numbers_and_draws_them(qapp, tmp_path: Path) -> None:
    assert any(spec.kind is CoachService for spec in services.SERVICES)  # the engine's own coach

    async def scenario(c) -> None:
        coach, chart, gex = c.window.panels["coach"], c.window.panels["chart"], c.window.panels["gex"]
        workspace = c.engine.service(Workspace)
        await workspace.set_active_symbol("SPX")
        await until(lambda: gex.profile is not None and "SPX" in gex.symbol.text() and chart.bar_count > 0, 30)
        c.window.focus_panel("coach")
        QTest.keyClicks(coach.input, "gex SPX")
        QTest.keyClick(coach.input, Qt.Key.Key_Return)
        await until(lambda: not coach.streaming and len(coach.bubbles) == 2 and coach.bubbles[1].cards, 30)
        bubble = coach.bubbles[1]
        assert "No model is configured" in bubble.browser.toPlainText()
        card = bubble.cards[0]
        assert card.card.kind == "gex" and card.card.title == "SPX gamma exposure"
        lines, profile = card.lines(), gex.profile
        assert lines["Regime"].upper() == gex.regime.text()
        assert lines["Total"] == f"{gex.total.text()} per 1% move"  # written as the panel writes it
        await until(lambda: coach.current_id is not None, 10)  # the new conversation, listed
        stored = await c.engine.service(CoachService).messages(coach.current_id)
        assert stored[1].tool_calls[0].result["total"] == round(profile.total)  # what the model would read
        assert _number(lines["Call wall"]) == _number(gex.call_wall.text()) == profile.call_wall
        assert _number(lines["Put wall"]) == _number(gex.put_wall.text()) == profile.put_wall
        if profile.flip is not None:
            assert round(_number(lines["Gamma flip"]), 2) == round(profile.flip, 2)
        card.click("Show on chart")
        await until(lambda: chart.level_keys("coach"), 10)
        drawn = {key: chart.levels.lines[key].line.value() for key in chart.level_keys("coach")}
        assert drawn["coach:call_wall"] == profile.call_wall and drawn["coach:put_wall"] == profile.put_wall
        if profile.flip is not None:
            assert drawn["coach:gamma_flip"] == round(profile.flip, 2)
        # stored: the conversation is listed under the question, and SPX was discussed today
        assert coach.conversations.count() == 1 and coach.conversations.item(0).text() == "gex SPX"
        assert chart.can_request("coach")
        menu = chart.context_menu(profile.call_wall)
        entry = next(a for a in menu.actions() if a.text().startswith("Ask the coach about SPX"))
        entry.trigger()
        await until(lambda: not coach.streaming and len(coach.bubbles) == 4, 30)
        assert "What matters for SPX around" in coach.bubbles[2].browser.toPlainText()
        watchlist = c.window.panels["watchlist"]
        row_menu = watchlist.menu_for(watchlist.model.index(0, 0))
        symbol = watchlist.model.symbols[0]
        (ask,) = [a for a in row_menu.actions() if a.text() == f"Ask the coach about {symbol}"]
        ask.trigger()
        await until(lambda: not coach.streaming and len(coach.bubbles) == 6, 30)
        coach.grab().save(str(tmp_path / "coach.png"))

    assert run_app(settings(tmp_path), scenario) == 0
