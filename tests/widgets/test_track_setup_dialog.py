""""Track setup here…": prefilled from the ATR, live reward:risk, plan problems inline, errors kept."""

from __future__ import annotations

import math

import pytest

from analytics.setup_lifecycle import SetupPlan, plan_problem
from widgets.setups.track_dialog import TrackSetupDialog, default_direction, prefill


@pytest.fixture
def dialog(qtbot):
    def make(entry: float = 600.5, last: float = 601.2, atr: float = 1.25) -> TrackSetupDialog:
        d = TrackSetupDialog("SPY", entry, last, atr, "5m")
        qtbot.addWidget(d)
        d.show()
        return d

    return make


def test_a_click_under_the_price_is_a_long_prefilled_one_and_two_atrs_away(dialog) -> None:
    d = dialog()
    assert d.symbol == "SPY" and d.reference == 601.2 and "SPY" in d.windowTitle()
    assert d.direction.currentText() == "long"
    assert (d.entry.value(), d.stop.value(), d.target.value()) == (600.5, 599.25, 603.0)
    assert d.plan() == SetupPlan("long", 600.5, 599.25, (603.0,))  # one target unless asked
    assert d.ok.isEnabled() and d.problem.text() == ""
    assert d.rr.text().startswith("R:R 2.00") and "risk 1.25" in d.rr.text()
    d.second.setChecked(True)
    assert d.target2.isEnabled() and d.plan().targets == (603.0, 604.25)


def test_a_click_over_the_price_is_a_short_and_switching_direction_mirrors_the_plan(dialog) -> None:
    d = dialog(entry=602.0, last=601.2)
    assert d.direction.currentText() == "short"
    assert (d.stop.value(), d.target.value()) == (603.25, 599.5)
    d.direction.setCurrentText("long")
    assert (d.stop.value(), d.target.value(), d.target2.value()) == (600.75, 604.5, 605.75)
    assert d.ok.isEnabled()
    assert default_direction(600.0, math.nan) == "long"


def test_a_stop_on_the_wrong_side_says_why_and_disables_ok(dialog) -> None:
    d = dialog()
    submitted: list[tuple[SetupPlan, str]] = []
    d.submitted.connect(lambda plan, notes: submitted.append((plan, notes)))
    d.stop.setValue(601.0)  # above a long's entry
    expected = plan_problem(SetupPlan("long", 600.5, 601.0, (603.0,)))
    assert expected and "stop must be below" in expected
    assert d.problem.text() == expected and not d.ok.isEnabled() and d.rr.text() == "R:R —"
    d.buttons.accepted.emit()  # (Enter in a field): nothing is submitted
    assert submitted == []
    d.stop.setValue(599.0)
    d.notes.setText("  pullback to VWAP ")
    assert d.problem.text() == "" and d.ok.isEnabled()
    d.ok.click()
    assert submitted == [(SetupPlan("long", 600.5, 599.0, (603.0,)), "pullback to VWAP")]
    assert not d.ok.isEnabled() and d.isVisible()  # waits for the owner's answer
    d.show_error("SPY is not a known symbol.")
    assert d.problem.text() == "SPY is not a known symbol." and d.ok.isEnabled()
    assert (d.stop.value(), d.notes.text()) == (599.0, "  pullback to VWAP ")  # nothing lost


def test_without_an_atr_the_plan_starts_a_fifth_of_a_percent_away(dialog) -> None:
    d = dialog(entry=500.0, last=501.0, atr=math.nan)
    assert (d.stop.value(), d.target.value()) == (499.0, 502.0)
    assert prefill("short", 500.0, 2.0) == (502.0, 496.0, 494.0)
