"""Options panels in link groups, in the running app: the GEX panel joins the blue group and shows
the blue group's symbol's profile (its chain made by the core beside the active symbol's) while the
chain stays on the active symbol; the blue group's symbol changes, the GEX panel follows; the
panel's group comes back after a restart."""

from __future__ import annotations

from pathlib import Path

from app.core.option_chains import OptionChainService
from app.core.workspace import Workspace
from app.ui.application import AppController
from tests.gui_helpers import run_app, settings, until


def test_the_gex_panel_follows_its_own_group_and_keeps_it(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        ws, service = c.engine.service(Workspace), c.engine.service(OptionChainService)
        gex, chain = c.window.panels["gex"], c.window.panels["options_chain"]
        c.window.focus_panel("gex")  # on screen (a panel behind a tab renders when shown)
        await until(lambda: gex._symbol == ws.active_symbol == "SPY" and chain.symbol == "SPY", 30)
        assert [a.text() for a in gex.link_button.menu().actions()] == ["Red", "Green", "Blue", "Yellow"]  # no "none"
        gex.link_button.group_chosen.emit("blue")  # the trader picks blue from the panel's link button
        assert gex.link_button.group == "blue"
        await until(lambda: gex._symbol == "QQQ", 30)  # the blue group's symbol until one is chosen
        assert gex.profile.spot == service.latest_of("QQQ").spot and "QQQ" in ws.options_symbols()
        assert chain.symbol == "SPY" and service.latest.symbol == "SPY"  # the main group did not move
        gex.show_on_chart.setChecked(True)  # QQQ's flip and walls are not drawn on the SPY chart
        main = c.window.extra_charts.main()
        await until(lambda: gex.profile is not None and gex._symbol == "QQQ")
        gex.set_profile("QQQ", service.latest_of("QQQ").gex)
        assert main.panel.symbol == "SPY" and main.panel.level_keys("gex") == []
        gex.show_on_chart.setChecked(False)
        from app.ui.intents import FocusContract

        c.intents.request(FocusContract(service.latest_of("QQQ").chain.expiry[0].astype(object), 500.0, "QQQ"))
        assert "The chain shows SPY, not QQQ" in chain.status.text()  # e.g. a blue heatmap's "Open in chain"
        c.window.focus_panel("gex")  # (the intent brought the chain to the front)
        await ws.set_group_symbol("blue", "IWM")  # e.g. a blue chart's symbol box
        await until(lambda: gex._symbol == "IWM", 30)
        await until(lambda: "QQQ" not in service.by_symbol, 30)  # no longer shown: no longer made
        await c.layouts.save_session()

    assert run_app(settings(tmp_path), scenario) == 0

    async def restored(c: AppController) -> None:
        gex = c.window.panels["gex"]
        c.window.focus_panel("gex")
        await until(lambda: gex.link_button.group == "blue" and gex._symbol == "IWM", 30)
        chain = c.window.panels["options_chain"]  # (built now, off screen: it renders in a later turn)
        await until(lambda: chain.symbol == "SPY")
        c.window.extra_charts.ensure([])  # a layout from before options panels had groups: all red again
        assert gex.link_button.group == "red"
        await until(lambda: gex._symbol == "SPY", 30)

    assert run_app(settings(tmp_path), restored) == 0
