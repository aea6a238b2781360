"""Panels off screen at start-up are built when first shown or needed, and then behave as if
they had been built at start: their intents work before they exist, the Preferences' panel boxes
and the layout's link groups reach them, and every panel's declared intents are the ones its
builder registers."""

from __future__ import annotations

from pathlib import Path

from app.ui.application import AppController
from app.ui.intents import PanelShownChanged, PrefillAlert
from app.ui.panels import PANELS
from tests.gui_helpers import run_app, settings, until

ON_SCREEN_AT_START = {"chart", "watchlist", "notifications", "options_chain"}  # the default layout's fronts


def test_only_the_panels_on_screen_are_built_at_start_and_a_tab_builds_its_panel_when_shown(
        qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        assert set(w.panels.built()) == ON_SCREEN_AT_START
        assert w.docks["journal"].widget().objectName() != "journal_panel"  # still the "Loading…" label
        w.docks["journal"].raise_()  # its tab clicked
        await until(lambda: w.panels.is_built("journal"))
        assert w.docks["journal"].widget() is w.panels["journal"]
        assert "journal" not in w.failed_panels

    assert run_app(settings(tmp_path), scenario) == 0


def test_an_intent_of_a_panel_not_built_yet_builds_it_and_is_done(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        assert not w.panels.is_built("alerts")
        assert c.intents.handles(PrefillAlert)  # a menu offers it already
        assert c.intents.request(PrefillAlert("SPY", "above", 512.25, "chart"))
        alerts = w.panels.built()["alerts"]
        assert (alerts.symbol.text(), alerts.price.text()) == ("SPY", "512.25")
        assert w.docks["alerts"].widget() is alerts and not w.docks["alerts"].visibleRegion().isEmpty()

    assert run_app(settings(tmp_path), scenario) == 0


def test_preferences_built_late_show_which_options_panels_are_closed(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        w.docks["heatmap"].toggleViewAction().trigger()  # closed from the View menu before Preferences exist
        assert not w.panels.is_built("preferences")
        rows = w.panels["preferences"].options
        assert not rows.panel_boxes["heatmap"].isChecked() and rows.panel_boxes["gex"].isChecked()

    assert run_app(settings(tmp_path), scenario) == 0


def test_a_layouts_link_group_waits_for_its_panel_and_is_saved_meanwhile(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        w.extra_charts.ensure([{"name": "chart", "group": "red"}, {"options": "gex", "group": "blue"}])
        assert not w.panels.is_built("gex")
        assert {"options": "gex", "group": "blue"} in w.extra_charts.manifest()  # not lost while unbuilt
        gex = w.panels["gex"]
        assert gex.options_link.group == "blue" and gex.link_button.group == "blue"
        assert {"options": "gex", "group": "blue"} in w.extra_charts.manifest()

    assert run_app(settings(tmp_path), scenario) == 0


def test_each_panels_declared_intents_are_the_ones_its_builder_registers(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        for name in list(c.window.panels):
            c.window.ensure_panel(name)
        assert not c.window.failed_panels
        registered: dict[str, set[type]] = {}
        for kind, panel in c.intents.registered_by.items():
            if panel is not None and kind is not PanelShownChanged:  # (a mirror: re-told when a panel is built)
                registered.setdefault(panel, set()).add(kind)
        declared = {spec.object_name: set(spec.intent_kinds()) for spec in PANELS if spec.intents}
        assert registered == declared

    assert run_app(settings(tmp_path), scenario) == 0
