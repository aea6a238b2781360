"""The Macro panel fed with views: events in ET with coloured impact badges, the impact table with
the ordinary-days row, notes, and the empty and error states."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from analytics.macro_impact import ImpactRow
from app.core.macro.calendar import ImpactView, MacroView
from data.store.records import MacroEvent

CPI = MacroEvent("fred", "cpi:2026-12-10", "cpi", "Consumer Price Index (CPI)",
                 datetime(2026, 12, 10, 13, 30, tzinfo=UTC), "high")
CLAIMS = MacroEvent("demo", "claims:2026-12-03", "claims", "Initial jobless claims",
                    datetime(2026, 12, 3, 13, 30, tzinfo=UTC), "medium")
ECI = MacroEvent("bls", "eci", "eci", "Employment Cost Index", datetime(2027, 1, 29, 13, 30, tzinfo=UTC), "low")


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_events_in_et_with_badges_and_notes(qtbot) -> None:
    from widgets.macro.panel import MacroPanel

    panel = MacroPanel()
    qtbot.addWidget(panel)
    panel.show_events(MacroView(date(2026, 12, 1), date(2026, 12, 8), (CLAIMS, CPI, ECI),
                                ("FOMC schedule (federalreserve.gov)", "FRED release dates"), "FRED: slow."))
    assert not panel.events.isHidden() and panel.empty.isHidden()
    assert cells(panel.events, 1) == ["Thu Dec 10", "08:30", "Consumer Price Index (CPI)", "High", "FRED"]
    colours = [panel.events.item(r, 3).background().color().name() for r in range(3)]
    assert colours == ["#ef6c00", "#d32f2f", "#757575"]  # medium orange, high red, low grey
    assert panel.notes.text() == "Sources: FOMC schedule (federalreserve.gov), FRED release dates. FRED: slow."


def test_empty_and_failed_calendar_say_why(qtbot) -> None:
    from widgets.macro.panel import MacroPanel

    panel = MacroPanel()
    qtbot.addWidget(panel)
    panel.show_events(MacroView(date(2026, 12, 1), date(2026, 12, 8), (), ("FOMC schedule",),
                                "Add a FRED key in Preferences for CPI, NFP…"))
    assert panel.events.isHidden() and not panel.empty.isHidden()
    assert "No scheduled releases" in panel.empty.text() and "FRED key" in panel.empty.text()
    panel.show_error("the store is busy")
    assert "could not be loaded: the store is busy" in panel.empty.text()


def test_impact_table_with_ordinary_days(qtbot) -> None:
    from widgets.macro.panel import MacroPanel

    panel = MacroPanel()
    qtbot.addWidget(panel)
    fomc = ImpactRow("fomc", 13, 1.2345, 1.0, 1.5, 1.1, 1.5, 2.0)
    ordinary = ImpactRow("ordinary", 470, 0.823, 0.6, 0.75, 0.5, 1.0, 1.0)
    panel.show_impact(ImpactView("SPY", (fomc,), ordinary, 500, date(2023, 12, 1), ""))
    assert cells(panel.impact, 0) == ["FOMC decision", "13", "1.23 %", "1.50 %", "1.50× / 2.00×"]
    assert cells(panel.impact, 1) == ["Ordinary days", "470", "0.82 %", "0.75 %", ""]
    assert "SPY" in panel.impact_heading.text() and "500 daily bars since Dec 1, 2023" in panel.impact_note.text()
    nan = ImpactRow("cpi", 0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)
    panel.show_impact(ImpactView("QQQ", (nan,), ordinary, 500, None, ""))
    assert cells(panel.impact, 0)[2:] == ["—", "—", "—× / —×".replace("—×", "—")]
    panel.show_impact(ImpactView("XYZ", (), None, 3, None, "Not enough daily bars for XYZ yet."))
    assert panel.impact.isHidden() and panel.impact_note.text() == "Not enough daily bars for XYZ yet."
    panel.show_impact_error("SPY", "no data")
    assert panel.impact_note.text() == "No impact table for SPY: no data"


def test_preferences_take_a_fred_key_without_showing_it(qtbot) -> None:
    from widgets.preferences_panel import PreferencesPanel

    prefs = PreferencesPanel(("dark",), ("5m",), ["demo", "massive"])
    qtbot.addWidget(prefs)
    saved: list[str] = []
    prefs.fred_key_saved.connect(saved.append)
    prefs._on_save_fred_key()
    assert saved == [] and prefs.fred_key_status.text() == "Type the key first."
    assert prefs.fred_key.echoMode() == prefs.fred_key.EchoMode.Password
    prefs.fred_key.setText("  abcdef0123456789abcdef0123456789 ")
    prefs._on_save_fred_key()
    assert saved == ["abcdef0123456789abcdef0123456789"] and prefs.fred_key.text() == ""


def test_a_high_impact_release_gets_a_banner_shortly_before(qtbot) -> None:
    from widgets.macro.panel import MacroPanel

    panel = MacroPanel()
    qtbot.addWidget(panel)
    view = MacroView(date(2026, 12, 10), date(2026, 12, 17), (CLAIMS, CPI), (), "")
    panel.show_events(view, datetime(2026, 12, 10, 13, 0, tzinfo=UTC))  # 08:00 ET: 30 min to go
    assert panel.banner.isHidden()
    panel.set_now(datetime(2026, 12, 10, 13, 25, tzinfo=UTC))  # 08:25 ET
    assert not panel.banner.isHidden()
    assert panel.banner.text() == "Consumer Price Index (CPI) at 08:30 ET in 5 min (high impact)"
    panel.set_now(datetime(2026, 12, 10, 13, 30, tzinfo=UTC))  # released
    assert panel.banner.isHidden()
    panel.show_events(MacroView(date(2026, 12, 3), date(2026, 12, 3), (CLAIMS,), (), ""),
                      datetime(2026, 12, 3, 13, 25, tzinfo=UTC))
    assert panel.banner.isHidden()  # claims are medium impact: no banner
