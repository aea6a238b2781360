"""The main window as users drive it: docks, View menu, layouts, Ctrl+K, theme, panels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.notifications import NotificationService
from app.core.services import SERVICES
from app.core.workspace import Workspace
from app.ui.application import AppController
from app.ui.layouts import SESSION
from app.ui.panels import PANELS
from app.ui.theme import PLOT_COLORS
from data.store.fast_read import DB_FILENAME, peek_layout
from tests.gui_helpers import run_app, settings, until


def test_every_registered_panel_has_a_named_dock_and_a_view_toggle(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        assert [d.objectName() for d in w.docks.values()] == [p.object_name for p in PANELS]
        toggles = {a.objectName(): a for a in w.view_menu.actions()}
        for spec in PANELS:
            action = toggles[f"toggle_{spec.object_name}"]
            dock = w.docks[spec.object_name]
            panel = w.panels[spec.object_name]  # (built now if it was off screen)
            assert action.text() == spec.title and panel.objectName() == f"{spec.object_name}_panel"
            assert dock.widget() is panel
            action.trigger()
            assert dock.isHidden()
            action.trigger()
            assert not dock.isHidden()

    assert run_app(settings(tmp_path), scenario) == 0


def test_every_panel_names_a_dock_area_and_a_wrong_one_is_refused() -> None:
    import pytest

    from app.ui.panels import PanelSpec

    assert {spec.dock_area() for spec in PANELS} == {Qt.DockWidgetArea.LeftDockWidgetArea,
                                                     Qt.DockWidgetArea.RightDockWidgetArea}
    with pytest.raises(ValueError, match="'middle' is not one of"):
        PanelSpec("x", "X", "middle", "x:build").dock_area()


def test_layout_is_saved_on_quit_and_restored_on_start(qapp, tmp_path: Path) -> None:
    sizes: list[tuple[int, int]] = []

    async def hide_preferences(c: AppController) -> None:
        c.window.docks["preferences"].hide()
        c.window.resize(700, 520)  # fits the offscreen screen (800×600); Qt keeps the docks' minimum
        await until(lambda: c.window.height() < 800)
        sizes.append((c.window.width(), c.window.height()))

    assert run_app(settings(tmp_path), hide_preferences) == 0
    assert peek_layout(tmp_path / DB_FILENAME, SESSION) is not None

    async def check(c: AppController) -> None:
        assert c.window.docks["preferences"].isHidden()
        assert not c.window.docks["watchlist"].isHidden()
        assert c.window.height() == sizes[0][1]  # (the offscreen screen clamps the width to 800)

    assert run_app(settings(tmp_path), check) == 0

    async def reset(c: AppController) -> None:
        assert not c.window.docks["preferences"].isHidden()  # --layout default ignores the saved one

    assert run_app(settings(tmp_path, layout="default"), reset) == 0


def test_named_layouts_save_switch_delete_and_reset(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w, layouts = c.window, c.layouts
        w.docks["health"].hide()
        await layouts.save_as("No health")
        w.docks["health"].show()
        w.docks["watchlist"].hide()
        await layouts.save_as("No watchlist")
        assert await layouts.names() == ["No health", "No watchlist"]
        await layouts.switch("No health")
        assert w.docks["health"].isHidden() and not w.docks["watchlist"].isHidden()
        assert c.engine.service(Workspace).preferences["current_layout"] == "No health"
        menu_titles = [a.text() for a in w.layouts_menu.actions()]
        assert "Save layout as…" in menu_titles and "Reset to default" in menu_titles
        await layouts.reset_default()
        assert not w.docks["health"].isHidden()
        await layouts.delete("No watchlist")
        assert await layouts.names() == ["No health"]
        for bad in ("", "__session__", "Default"):
            try:
                await layouts.save_as(bad)
            except ValueError as exc:
                assert str(exc)
            else:
                raise AssertionError(f"{bad!r} was accepted as a layout name")

    assert run_app(settings(tmp_path), scenario) == 0

    async def started_with_named(c: AppController) -> None:
        assert c.window.docks["health"].isHidden()

    assert run_app(settings(tmp_path, layout="No health"), started_with_named) == 0


def test_ctrl_k_validates_inline_and_sets_the_active_symbol(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        box = c.symbol_box
        QTest.keyClick(c.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        assert box.isVisible()
        QTest.keyClicks(box.input, "12$")
        QTest.keyClick(box.input, Qt.Key.Key_Return)
        assert box.isVisible() and not box.error_label.isHidden()
        assert "cannot have" in box.error_label.text()
        assert c.engine.service(Workspace).active_symbol == "SPY"
        box.input.clear()
        QTest.keyClicks(box.input, "zzzz")  # well formed, but not in the demo universe: told in full
        QTest.keyClick(box.input, Qt.Key.Key_Return)
        await until(lambda: box.isVisible() and "not in the demo universe" in box.error_label.text())
        await until(lambda: box.error_label.height() >= box.error_label.heightForWidth(box.error_label.width()))
        assert box.error_label.geometry().right() <= box.width() and c.engine.service(Workspace).active_symbol == "SPY"
        box.input.clear()
        QTest.keyClicks(box.input, "nvda")
        QTest.keyClick(box.input, Qt.Key.Key_Return)
        assert not box.isVisible()
        await until(lambda: c.engine.service(Workspace).active_symbol == "NVDA")
        await until(lambda: "NVDA" in c.window.status.symbol_label.text())
        assert "NVDA" in c.window.windowTitle()

    assert run_app(settings(tmp_path), scenario) == 0


def test_watchlist_panel_streams_prices_and_edits_the_saved_list(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        panel = c.window.panels["watchlist"]
        model = panel.model
        await until(lambda: all(model.quote(s) for s in model.symbols))
        assert model.data(model.index(0, 1)) not in ("…", None)
        panel.input.setText("not valid!")
        panel._submit_symbol()
        assert not panel.error_label.isHidden()
        assert model.symbols == list(c.engine.service(Workspace).active_watchlist.symbols)
        panel.input.setText("amd")
        panel._submit_symbol()
        await until(lambda: "AMD" in model.symbols)
        assert c.engine.service(Workspace).active_watchlist.symbols[-1] == "AMD"
        await until(lambda: model.quote("AMD") is not None)
        panel.table.selectRow(model.symbols.index("AMD"))
        panel.move_selected(-1)
        await until(lambda: c.engine.service(Workspace).active_watchlist.symbols[-2] == "AMD")
        panel.remove_selected()
        await until(lambda: "AMD" not in c.engine.service(Workspace).active_watchlist.symbols)
        panel.symbol_activated.emit("TSLA")
        await until(lambda: c.engine.service(Workspace).active_symbol == "TSLA")

    assert run_app(settings(tmp_path), scenario) == 0


def test_health_notifications_and_preferences_panels_show_engine_state(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        health = c.window.panels["health"]
        supervised = sum(spec.supervised for spec in SERVICES)  # one row per supervised service
        await until(lambda: health.model.rowCount() == supervised)
        await until(lambda: "ok" in health.summary.text())
        await c.engine.service(NotificationService).notify("test", "Hello", "from the test")
        notes = c.window.panels["notifications"]
        await until(lambda: notes.model.rowCount() >= 1)
        assert notes.model.row_at(0).title == "Hello"
        assert c.notifier.shown >= 1
        prefs = c.window.panels["preferences"]
        assert prefs.data_dir.text() == str(tmp_path)
        before = QApplication.palette().color(QPalette.ColorRole.Window).name()
        prefs.theme.setCurrentText("light")
        await until(lambda: QApplication.palette().color(QPalette.ColorRole.Window).name() != before)
        assert c.engine.service(Workspace).preferences["theme"] == "light"
        chart = c.window.panels["chart"]  # plots follow the theme too (pyqtgraph ignores the palette)

        def plot_colors() -> tuple[str, str]:
            axis = chart.price_plot.getAxis("right")
            return chart.layout_widget.backgroundBrush().color().name(), axis.textPen().color().name()

        assert plot_colors() == PLOT_COLORS["light"]
        prefs.theme.setCurrentText("dark")
        await until(lambda: plot_colors() == PLOT_COLORS["dark"])

    assert run_app(settings(tmp_path), scenario) == 0


def test_preferences_switch_provider_live_or_explain_why_not(qapp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    monkeypatch.setattr("data.secrets.get_api_key", lambda name: None)

    async def scenario(c: AppController) -> None:
        prefs = c.window.panels["preferences"]
        assert [prefs.provider.itemText(i) for i in range(prefs.provider.count())] == ["demo", "replay", "massive"]
        prefs.provider.setCurrentText("massive")
        await until(lambda: "API key" in prefs.provider_note.text())
        assert prefs.provider.currentText() == "demo" and c.engine.context.provider.name == "demo"
        assert "No key saved" in prefs.key_status.text()
        prefs.provider.setCurrentText("replay")
        await until(lambda: "--replay-file" in prefs.provider_note.text())
        assert c.engine.context.provider.name == "demo"

    assert run_app(settings(tmp_path), scenario) == 0


def test_saving_the_missing_key_finishes_the_refused_switch(qtbot) -> None:
    from widgets.preferences_panel import PreferencesPanel

    panel = PreferencesPanel(("dark", "light"), ("1m", "5m"), ["demo", "replay", "massive"], (5, 15))
    qtbot.addWidget(panel)
    panel.set_values({"provider": "demo"}, "demo", "/data", "/log")
    asked: list[tuple[str, object]] = []
    panel.preference_changed.connect(lambda key, value: asked.append((key, value)))
    panel.provider.setCurrentText("massive")
    panel.provider_failed("Massive needs an API key: enter it in Preferences.")
    assert panel.provider.currentText() == "demo" and "massive starts" in panel.api_key.placeholderText()
    panel.api_key.setText("k-123456789")
    saved: list[str] = []
    panel.api_key_saved.connect(saved.append)
    panel.save_key.click()
    assert saved == ["k-123456789"] and panel.api_key.text() == ""
    panel.key_saved()  # the app stored it
    assert asked == [("provider", "massive"), ("provider", "massive")]
    assert panel.provider.currentText() == "massive"
    panel.key_saved()  # a later key change alone switches nothing
    assert len(asked) == 2


def test_preferences_auto_track_controls_save_their_preferences(qtbot) -> None:
    from widgets.preferences_panel import PreferencesPanel

    panel = PreferencesPanel(("dark", "light"), ("1m", "5m"), ["demo"], (5, 15))
    qtbot.addWidget(panel)
    panel.set_values({"provider": "demo", "auto_track_setups": True, "auto_track_min_confidence": 70},
                     "demo", "/data", "/log")
    assert panel.auto_track.isChecked() and panel.min_confidence.value() == 70
    asked: list[tuple[str, object]] = []
    panel.preference_changed.connect(lambda key, value: asked.append((key, value)))
    panel.min_confidence.setValue(63)
    panel.min_confidence.editingFinished.emit()
    panel.auto_track.setChecked(False)
    assert asked == [("auto_track_min_confidence", 65), ("auto_track_setups", False)]
    assert not panel.min_confidence.isEnabled()
