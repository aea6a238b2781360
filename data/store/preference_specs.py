"""The preferences the app knows: keys, defaults, allowed values, validation (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from data.store.records import ALERT_TYPES

THEMES = ("dark", "light")
OPENING_RANGE_CHOICES = (5, 15, 30)
TIMEFRAMES = ("1m", "5m", "15m", "1h", "4h", "1D")
CONFIDENCE_CHOICES = tuple(range(0, 101, 5))  # percent
MAX_RECENT_SYMBOLS = 20
MAX_FAVOURITE_SYMBOLS = 200
STRIKE_RANGE_CHOICES = (10, 20, 40, 0)  # the options chain's ±N strikes at start; 0 = all strikes
RISK_MODES = ("dollars", "percent")  # risk per trade: a fixed amount, or a share of the account size
CHART_OVERLAYS = ("ema8", "ema21", "vwap", "or", "rsi", "macd")  # what a new chart shows (widgets.chart.view_options)
# a symbol chosen in the watchlist or the symbol box goes to the group of the chart clicked last, or always
# to the main group (the active symbol)
SYMBOL_LINK_TARGETS = ("focused", "main")
GEX_CONVENTIONS = ("long_calls", "short_calls")  # dealers long calls / short puts, or the reverse (analytics.gex)
# what NotificationService's callers post (tests/core/test_notification_rules.py greps them)
NOTIFICATION_KINDS = {"alert": "Alerts", "setup": "Setups", "position": "Exit advice", "brief": "Morning brief",
                      "journal": "Journal insights", "health": "Service health", "provider": "Data provider",
                      "error": "Errors"}


class PreferenceError(ValueError):
    """An invalid preference value; message for the user."""


@dataclass(frozen=True, slots=True)
class PreferenceSpec:
    default: Any
    choices: tuple[Any, ...] | None = None
    kind: type = str
    check: Callable[[Any], None] | None = None  # raises ValueError in plain words
    local: bool = False  # True: this device's own (layouts, data source), never synced to the trader's others


def _base_url(value: str) -> None:
    """An http(s) URL or nothing (the key goes to the keychain, never into this setting)."""
    if value and not value.startswith(("http://", "https://")):
        raise ValueError(f"The coach's server address must start with http:// or https:// (got '{value[:60]}')")
    if "@" in value.split("//", 1)[-1].split("/", 1)[0]:
        raise ValueError("Put no user name or key in the coach's server address: the key goes in its own field")


def _generic_csv_mappings(value: dict) -> None:
    """Header signature -> a generic CSV column mapping's fields (the import's mapping dialog)."""
    from data.files.brokers.generic_csv import mapping_from  # the mapping's own rules, read when saved

    for signature, mapping in value.items():
        if not isinstance(signature, str) or not isinstance(mapping, dict):
            raise ValueError("each entry must be a header signature and its column mapping")
        mapping_from(mapping)


def _symbol_list(limit: int) -> Callable[[list], None]:
    """Distinct symbols in their normal form (``SPY``, ``BRK.B``), at most ``limit`` of them."""
    def check(value: list) -> None:
        from data.symbols import SymbolError, normalize_symbol

        if len(value) > limit:
            raise ValueError(f"at most {limit} symbols, got {len(value)}")
        for item in value:
            try:
                valid = isinstance(item, str) and normalize_symbol(item) == item
            except SymbolError:
                valid = False
            if not valid:
                raise ValueError(f"{str(item)[:40]!r} is not a symbol in its normal form (e.g. SPY, BRK.B)")
        if len(set(value)) != len(value):
            raise ValueError("a symbol is listed twice")
    return check


LINK_GROUPS = ("red", "green", "blue", "yellow")  # red: the main group, the active symbol's
GROUP_DEFAULTS = {"green": "SPY", "blue": "QQQ", "yellow": "IWM"}  # a group's symbol until one is chosen


def _link_group_symbols(value: dict) -> None:
    from data.symbols import normalize_symbol

    for group, symbol in value.items():
        if group not in LINK_GROUPS[1:]:
            raise ValueError(f"'{group}' is not a link group ({', '.join(LINK_GROUPS[1:])})")
        normalize_symbol(symbol)


def parse_quiet_hours(value: str) -> tuple[int, int] | None:
    """"HH:MM-HH:MM" (New York time; the end may be past midnight: "22:00-07:00") as minutes of the
    day (start, end), end excluded; "" = none. ValueError in plain words."""
    text = value.strip()
    if not text:
        return None
    parts = text.replace("–", "-").split("-")
    if len(parts) != 2:
        raise ValueError(f"write quiet hours as HH:MM-HH:MM, e.g. 22:00-07:00 (got '{text[:30]}')")
    minutes = []
    for part in parts:
        hh, sep, mm = part.strip().partition(":")
        if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24 and int(mm) < 60):
            raise ValueError(f"'{part.strip()[:10]}' is not a time of day HH:MM (00:00 to 23:59)")
        minutes.append(int(hh) * 60 + int(mm))
    if minutes[0] == minutes[1]:
        raise ValueError("quiet hours must start and end at different times")
    return minutes[0], minutes[1]


def _quiet_hours(value: str) -> None:
    parse_quiet_hours(value)


def _distinct_names(allowed: tuple[str, ...] | dict[str, str], what: str) -> Callable[[list], None]:
    """A list of distinct names out of ``allowed`` (``what``: "notification kind", "chart overlay")."""
    def check(value: list) -> None:
        for name in value:
            if name not in allowed:
                raise ValueError(f"'{str(name)[:30]}' is not a {what} ({', '.join(allowed)})")
        if len(set(value)) != len(value):
            raise ValueError(f"a {what} is listed twice")
    return check


_kinds = _distinct_names(NOTIFICATION_KINDS, "notification kind")


def _between(low: float, high: float) -> Callable[[float], None]:
    def check(value: float) -> None:
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}, got {value:g}")
    return check


def _utc_time_or_empty(value: str) -> None:
    from datetime import datetime

    if value and (datetime.fromisoformat(value).utcoffset() is None):  # fromisoformat: ValueError in words
        raise ValueError("the time must carry its UTC offset")


SPECS: dict[str, PreferenceSpec] = {
    "theme": PreferenceSpec("dark", THEMES),
    "default_timeframe": PreferenceSpec("5m", TIMEFRAMES),
    "provider": PreferenceSpec("demo", local=True),  # names checked against the provider registry
    "active_symbol": PreferenceSpec("SPY", local=True),
    "active_watchlist_id": PreferenceSpec(0, kind=int, local=True),  # a local row id
    "current_layout": PreferenceSpec("default", local=True),
    "notification_cooldown_s": PreferenceSpec(60, kind=int),
    "opening_range_minutes": PreferenceSpec(15, OPENING_RANGE_CHOICES, kind=int),
    "chart_extended_hours": PreferenceSpec(False, kind=bool),  # pre-market and after-hours bars on intraday charts
    "gex_exclude_0dte": PreferenceSpec(False, kind=bool),  # GEX profile without today's expiry
    "gex_convention": PreferenceSpec("long_calls", GEX_CONVENTIONS),  # the GEX panel's sign convention
    "chart_pane_sizes": PreferenceSpec("", local=True),  # RSI/MACD shares of the chart's height, "rsi:0.14,macd:0.16"
    # the symbol of each link group but the main one (which is the active symbol), e.g. {"green": "QQQ"}
    "link_group_symbols": PreferenceSpec({}, kind=dict, check=_link_group_symbols, local=True),
    # what a new chart shows (each chart then keeps its own in its layout), and where a watchlist choice goes
    "chart_default_overlays": PreferenceSpec(list(CHART_OVERLAYS), kind=list,
                                             check=_distinct_names(CHART_OVERLAYS, "chart overlay")),
    "symbol_link_target": PreferenceSpec("focused", SYMBOL_LINK_TARGETS),
    "chain_columns": PreferenceSpec(""),  # the chain's chosen fields, "bid,ask,delta" ("" = the default set)
    "auto_track_setups": PreferenceSpec(True, kind=bool),  # the best detection per symbol becomes a tracked setup
    "auto_track_min_confidence": PreferenceSpec(60, CONFIDENCE_CHOICES, kind=int),  # percent
    # the exit advisor's thresholds (analytics.exit_rules.model.ExitParams; tastytrade's defaults)
    "exit_take_profit_credit_pct": PreferenceSpec(50, kind=int),  # % of the credit kept
    "exit_take_profit_debit_pct": PreferenceSpec(100, kind=int),  # % gained on the debit
    "exit_stop_loss_credit_pct": PreferenceSpec(200, kind=int),  # loss as % of the credit received
    "exit_stop_loss_debit_pct": PreferenceSpec(50, kind=int),  # % of the debit lost
    "exit_manage_dte": PreferenceSpec(21, kind=int),  # premium sellers manage at this many days left
    "exit_theta_pct_per_day": PreferenceSpec(3, kind=int),  # long premium losing this % of value a day
    # the generic CSV column mappings the trader confirmed, by header signature (JSON object)
    "generic_csv_mappings": PreferenceSpec({}, kind=dict, check=_generic_csv_mappings),
    # the coach's OpenAI-compatible server: "" = OpenAI's own; e.g. http://127.0.0.1:11434/v1 (Ollama)
    "coach_base_url": PreferenceSpec("", check=_base_url),
    "coach_model": PreferenceSpec(""),  # "" = no model: the coach answers commands only
    # the symbol search's starred symbols (synced) and this device's last opened ones, newest first
    "favourite_symbols": PreferenceSpec([], kind=list, check=_symbol_list(MAX_FAVOURITE_SYMBOLS)),
    "recent_symbols": PreferenceSpec([], kind=list, check=_symbol_list(MAX_RECENT_SYMBOLS), local=True),
    # risk per trade (the journal's R where a trade has no planned stop): synced, it is the trader's and the
    # account's, so R reads the same on every computer; 0 dollars or 0 account size = not set (no R)
    "risk_mode": PreferenceSpec("dollars", RISK_MODES),
    "risk_dollars": PreferenceSpec(0, kind=int, check=_between(0, 10_000_000)),
    "account_size": PreferenceSpec(0, kind=int, check=_between(0, 1_000_000_000)),
    "risk_percent": PreferenceSpec(1.0, kind=float, check=_between(0.01, 100)),
    "chain_strike_range": PreferenceSpec(20, STRIKE_RANGE_CHOICES, kind=int),  # synced, like chain_columns
    # notifications: which kinds pop up (muted ones are still logged) and quiet hours ("HH:MM-HH:MM" New York
    # time, may wrap midnight; "" = none) are the trader's wishes: synced
    "notification_kinds_off": PreferenceSpec([], kind=list, check=_kinds),
    "quiet_hours": PreferenceSpec("", check=_quiet_hours),
    # the kinds that make a sound: this device's (the office laptop may stay silent while the desk beeps)
    "alert_sounds": PreferenceSpec(["alert"], kind=list, check=_kinds, local=True),
    # of the alerts (when "alert" sounds), the types that do: a VWAP cross may beep while a % move stays silent
    "alert_sound_types": PreferenceSpec(list(ALERT_TYPES), kind=list, check=_distinct_names(ALERT_TYPES, "alert type"),
                                        local=True),
    # a snooze silences this computer until then (ISO UTC time, "" = none); the trader snoozes where they sit
    "notifications_snoozed_until": PreferenceSpec("", check=_utc_time_or_empty, local=True),
}


def validate(key: str, value: Any) -> Any:
    spec = SPECS.get(key)
    if spec is None:
        raise PreferenceError(f"Unknown preference '{key}'.")
    if spec.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise PreferenceError(f"Preference '{key}' must be a whole number, got {value!r}.")
    if spec.kind is float and (isinstance(value, bool) or not isinstance(value, int | float) or value != value):
        raise PreferenceError(f"Preference '{key}' must be a number, got {value!r}.")
    if spec.kind is bool and not isinstance(value, bool):
        raise PreferenceError(f"Preference '{key}' must be true or false, got {value!r}.")
    if spec.kind is str and not isinstance(value, str):
        raise PreferenceError(f"Preference '{key}' must be text, got {value!r}.")
    if spec.kind is dict and not isinstance(value, dict):
        raise PreferenceError(f"Preference '{key}' must be a JSON object, got {value!r}.")
    if spec.kind is list and not isinstance(value, list):
        raise PreferenceError(f"Preference '{key}' must be a JSON list, got {value!r}.")
    if spec.check is not None:
        try:
            spec.check(value)
        except ValueError as exc:
            raise PreferenceError(f"Preference '{key}': {exc}.") from None
    if spec.choices is not None and value not in spec.choices:
        raise PreferenceError(f"Preference '{key}' must be one of {', '.join(map(str, spec.choices))}.")
    return value


def risk_per_trade(prefs: dict[str, Any]) -> float | None:
    """The dollars one trade risks by the preferences (the journal's 1R): the fixed amount, or the
    percent of the account size; None when the chosen way is not set (0), as before there was one."""
    if prefs.get("risk_mode") == "percent":
        size, percent = prefs.get("account_size") or 0, prefs.get("risk_percent") or 0
        return size * percent / 100 if size > 0 and percent > 0 else None
    dollars = prefs.get("risk_dollars") or 0
    return float(dollars) if dollars > 0 else None
