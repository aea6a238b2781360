"""Muted kinds, quiet hours (New York time, wrapping midnight, across DST), the snooze, and the
preferences behind them (validation, which sync, the journal's risk per trade)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.notification_rules import (
    alert_notification_key,
    alert_type_of,
    delivery,
    describe,
    in_quiet_hours,
    snooze_until,
    snoozed,
)
from data.market_calendar import MarketCalendar
from data.store.preference_specs import NOTIFICATION_KINDS, SPECS, PreferenceError, risk_per_trade, validate
from data.store.records import ALERT_TYPES, Alert
from tests.conftest import REPO

DEFAULTS = {key: spec.default for key, spec in SPECS.items()}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_quiet_hours_wrapping_midnight_start_included_end_excluded() -> None:
    # 2026-12-01 is EST (UTC-5): 22:00 ET = 03:00 UTC the next day, 07:00 ET = 12:00 UTC
    assert not in_quiet_hours("22:00-07:00", utc(2026, 12, 2, 2, 59))  # 21:59 ET
    assert in_quiet_hours("22:00-07:00", utc(2026, 12, 2, 3, 0))  # 22:00 ET
    assert in_quiet_hours("22:00-07:00", utc(2026, 12, 2, 5, 0))  # 00:00 ET
    assert in_quiet_hours("22:00-07:00", utc(2026, 12, 2, 11, 59))  # 06:59 ET
    assert not in_quiet_hours("22:00-07:00", utc(2026, 12, 2, 12, 0))  # 07:00 ET
    assert in_quiet_hours("12:00-13:00", utc(2026, 12, 1, 17, 30))  # a lunch break, not wrapping
    assert not in_quiet_hours("12:00-13:00", utc(2026, 12, 1, 18, 0))
    assert not in_quiet_hours("", utc(2026, 12, 1, 17, 30))
    assert not in_quiet_hours("nonsense", utc(2026, 12, 1, 17, 30))


def test_quiet_hours_are_new_york_wall_time_on_the_dst_days() -> None:
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC)
    assert in_quiet_hours("01:00-03:00", utc(2026, 3, 8, 6, 59))  # 01:59 EST
    assert not in_quiet_hours("01:00-03:00", utc(2026, 3, 8, 7, 0))  # 03:00 EDT: the end, an hour of UTC earlier
    # the same 07:00 ET end is 12:00 UTC in winter and 11:00 UTC in summer
    assert not in_quiet_hours("22:00-07:00", utc(2026, 3, 9, 11, 0))
    assert in_quiet_hours("22:00-07:00", utc(2026, 3, 9, 10, 59))
    # 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice, quiet both times
    assert in_quiet_hours("01:00-02:00", utc(2026, 11, 1, 5, 30))  # 01:30 EDT
    assert in_quiet_hours("01:00-02:00", utc(2026, 11, 1, 6, 30))  # 01:30 EST
    assert not in_quiet_hours("01:00-02:00", utc(2026, 11, 1, 7, 0))  # 02:00 EST


def test_delivery_muted_snoozed_quiet_and_sound() -> None:
    at = utc(2026, 12, 1, 15, 0)  # 10:00 ET
    assert delivery("alert", at, DEFAULTS).popup and delivery("alert", at, DEFAULTS).sound  # alerts beep by default
    assert delivery("setup", at, DEFAULTS).popup and not delivery("setup", at, DEFAULTS).sound
    muted = {**DEFAULTS, "notification_kinds_off": ["setup"]}
    assert delivery("setup", at, muted).reason == "muted" and delivery("alert", at, muted).popup
    quiet = {**DEFAULTS, "quiet_hours": "09:30-10:30"}
    decided = delivery("alert", at, quiet)
    assert (decided.popup, decided.sound, decided.reason) == (False, False, "quiet hours")
    assert delivery("alert", at, {}).popup  # nothing known yet: shown, silent
    assert not delivery("alert", at, {}).sound


def _alert(condition: str, params: dict | None = None) -> Alert:
    return Alert(7, "SPY", condition, 600.0, False, "active", "chart", "", utc(2026, 12, 1), None, params)


def test_each_alert_type_has_its_own_sound_switch() -> None:
    at = utc(2026, 12, 1, 15, 0)
    keys = {name: alert_notification_key(alert, 3) for name, alert in (
        ("price", _alert("crosses")), ("trend", _alert("trend", {"line": [0, 1, 2, 3]})), ("vwap", _alert("vwap")),
        ("key_level", _alert("level", {"level": "PDH"})), ("options", _alert("level", {"level": "FLIP"})),
        ("pct_move", _alert("pct_move")), ("options_em", _alert("em_used")), ("options_iv", _alert("iv_rank_below")))}
    assert keys["vwap"] == "alert:7:3:vwap"
    assert {alert_type_of(key) for key in keys.values()} == set(ALERT_TYPES)
    assert all(alert_type_of(key) is None for key in ("alert:7:3", "alert:7:3:bogus", None))
    only_vwap = {**DEFAULTS, "alert_sound_types": ["vwap"]}
    sounds = {name: delivery("alert", at, only_vwap, key).sound for name, key in keys.items()}
    assert sounds == {name: name == "vwap" for name in keys}  # a VWAP cross beeps; the others only pop up
    assert all(delivery("alert", at, only_vwap, key).popup for key in keys.values())
    assert all(delivery("alert", at, DEFAULTS, key).sound for key in keys.values())  # every type beeps by default
    assert delivery("alert", at, only_vwap, "alert:7:3").sound  # a key without a type: the kind's sound
    silent = {**DEFAULTS, "alert_sounds": [], "alert_sound_types": ["vwap"]}
    assert not delivery("alert", at, silent, keys["vwap"]).sound  # alerts off: no type sounds
    assert not delivery("setup", at, only_vwap, keys["vwap"]).sound


def test_a_snooze_runs_until_its_end_exactly() -> None:
    now = utc(2026, 12, 1, 15, 0)
    until = snooze_until("15m", now, MarketCalendar())
    assert until == "2026-12-01T15:15:00+00:00"
    prefs = {**DEFAULTS, "notifications_snoozed_until": until}
    assert delivery("alert", now + timedelta(minutes=14, seconds=59), prefs).reason == "snoozed"
    assert delivery("alert", now + timedelta(minutes=15), prefs).popup  # expired: pops up again
    assert "Snoozed until Tue 10:15" in describe(prefs, now)
    assert snooze_until("1h", now, MarketCalendar()) == "2026-12-01T16:00:00+00:00"
    assert snooze_until("off", now, MarketCalendar()) == ""
    assert not snoozed("", now) and not snoozed("garbage", now)
    with pytest.raises(ValueError):
        snooze_until("forever", now, MarketCalendar())


def test_until_the_next_open_skips_the_weekend_and_waits_for_todays_open() -> None:
    calendar = MarketCalendar()
    friday_evening = utc(2026, 12, 4, 22, 0)  # 17:00 ET Friday
    assert snooze_until("open", friday_evening, calendar) == "2026-12-07T14:30:00+00:00"  # Monday 09:30 ET
    tuesday_early = utc(2026, 12, 1, 12, 0)  # 07:00 ET, before today's open
    assert snooze_until("open", tuesday_early, calendar) == "2026-12-01T14:30:00+00:00"
    tuesday_midday = utc(2026, 12, 1, 17, 0)
    assert snooze_until("open", tuesday_midday, calendar) == "2026-12-02T14:30:00+00:00"


def test_the_notification_kinds_are_those_the_code_posts() -> None:
    posted = set()
    for path in (REPO / "app").rglob("*.py"):
        posted |= set(re.findall(r"\bnotify\(\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    assert posted and posted <= set(NOTIFICATION_KINDS), posted - set(NOTIFICATION_KINDS)


@pytest.mark.parametrize(("key", "value"), [
    ("quiet_hours", "22:00"), ("quiet_hours", "24:00-01:00"), ("quiet_hours", "10:00-10:00"),
    ("quiet_hours", "9:5-10:00"), ("notification_kinds_off", ["alert", "alert"]),
    ("notification_kinds_off", ["sms"]), ("alert_sounds", ["nope"]), ("risk_percent", 0),
    ("risk_percent", True), ("risk_percent", float("nan")), ("risk_dollars", -1), ("risk_mode", "shares"),
    ("chain_strike_range", 15), ("notifications_snoozed_until", "2026-12-01T15:00"),
    ("notifications_snoozed_until", "tomorrow"), ("chart_default_overlays", ["ema8", "ema8"]),
    ("chart_default_overlays", ["bollinger"]), ("chart_default_overlays", "ema8"), ("symbol_link_target", "green"),
    ("alert_sound_types", ["vwap", "vwap"]), ("alert_sound_types", ["siren"]), ("gex_convention", "dealers"),
])
def test_bad_values_are_refused_in_words(key: str, value: object) -> None:
    with pytest.raises(PreferenceError, match=key):
        validate(key, value)


def test_good_values_and_which_ones_stay_on_this_computer() -> None:
    for key, value in (("quiet_hours", "22:00-07:00"), ("quiet_hours", ""), ("quiet_hours", "9:30-16:00"),
                       ("risk_percent", 1), ("risk_percent", 0.5), ("chain_strike_range", 0),
                       ("notifications_snoozed_until", "2026-12-01T15:00:00+00:00"),
                       ("notification_kinds_off", ["setup", "brief"])):
        assert validate(key, value) == value
    local = {k for k in ("risk_mode", "risk_dollars", "account_size", "risk_percent", "chain_strike_range",
                         "notification_kinds_off", "quiet_hours", "alert_sounds", "alert_sound_types",
                         "notifications_snoozed_until") if SPECS[k].local}
    assert local == {"alert_sounds", "alert_sound_types", "notifications_snoozed_until"}


def test_risk_per_trade_in_dollars_or_percent_and_none_when_unset() -> None:
    assert risk_per_trade(DEFAULTS) is None  # as before the preference: R from a planned stop only
    assert risk_per_trade({**DEFAULTS, "risk_dollars": 250}) == 250.0
    percent = {**DEFAULTS, "risk_mode": "percent", "account_size": 25_000, "risk_percent": 1.5}
    assert risk_per_trade(percent) == 375.0
    assert risk_per_trade({**percent, "account_size": 0}) is None
    assert risk_per_trade({**percent, "risk_dollars": 250}) == 375.0  # the chosen way only


async def test_the_journal_takes_its_risk_per_trade_from_the_preferences(tmp_path: Path) -> None:
    from app.core.context import EngineConfig
    from app.core.engine import Engine
    from app.core.journal.imports import JournalService
    from app.core.workspace import Workspace

    engine = Engine(EngineConfig(tmp_path))
    await engine.start()
    try:
        journal, workspace = engine.service(JournalService), engine.service(Workspace)
        assert journal._risk_per_trade() is None
        await workspace.set_preference("risk_dollars", 200)
        assert journal._risk_per_trade() == 200.0
        await workspace.set_preference("risk_mode", "percent")
        await workspace.set_preference("account_size", 50_000)
        assert journal._risk_per_trade() == 500.0  # 1 % by default
    finally:
        await engine.stop()
