"""The offline command mode: with no model configured or reachable, the chat answers short
commands through the same tools and cards ("gex SPX", "0dte", "insights 30d", "help").

``parse(text)`` is strict — a verb and its few arguments, case-insensitive, nothing else — so a
question in words is never taken for a command (it returns None). ``run(tools, text)`` calls the
command's tools and writes a short reply from the cards, i.e. from the tool results: grounded by
construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.coach.tools import CoachTools
    from data.coach import ToolCallRecord

HELP = """\
Commands (no model needed; a symbol defaults to the active one):
  gex SPX        gamma exposure: regime, flip, call/put walls (Show on chart)
  0dte SPX       today's expected move: used, remaining, time to the close
  iv AAPL        30-day ATM IV, IV rank, term structure, skew
  earnings NVDA  the next report, implied and past moves ("earnings" alone: the calendar)
  levels QQQ     prior day, pre-market, pivots, gamma levels
  quote TSLA     last, change, bid/ask
  bars SPY 5m    recent bars: change, range, VWAP, trend
  scan [SYMS]    setups in play on the watchlist (or the symbols given)
  positions      open positions with P&L and exit advice ("advice 3": one position)
  insights 30d   journal patterns over 7d, 30d or 90d
  macro [SPY]    macro events of the week (with a symbol: how it moved on such days)
  help           this list"""

_WORD = re.compile(r"^[#$]?[A-Za-z0-9][A-Za-z0-9.:/-]{0,20}$")  # a ticker, a count, "30d", "#3", "1h"
_DAYS = re.compile(r"^(7|30|90)d?$", re.IGNORECASE)
_TIMEFRAMES = ("1m", "5m", "15m", "1h", "4h", "1d")
_ONE_SYMBOL = {"gex": "get_gamma_exposure", "0dte": "get_zero_dte_analysis", "iv": "get_iv_analysis",
               "levels": "get_key_levels", "quote": "get_quote"}


@dataclass(frozen=True, slots=True)
class Command:
    verb: str  # "gex", "help" …
    calls: tuple[tuple[str, dict[str, Any]], ...] = ()  # (tool name, arguments), in order
    needs_symbol: bool = False  # no symbol given: ``run`` uses the active one
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tool(self) -> str | None:
        return self.calls[0][0] if self.calls else None

    @property
    def arguments(self) -> dict[str, Any]:
        return self.calls[0][1] if self.calls else {}


def parse(text: str) -> Command | None:
    words = text.strip().split() if isinstance(text, str) else []
    if not words or len(words) > 6:
        return None
    verb, args = words[0].lower(), words[1:]
    if not all(_WORD.match(a) for a in args):
        return None  # punctuation, a question: not a command
    if verb in ("help", "?", "commands") and not args:
        return Command("help")
    if verb in _ONE_SYMBOL and len(args) <= 1:
        return _symbol_command(verb, _ONE_SYMBOL[verb], args)
    if verb == "bars" and len(args) <= 2:
        tf = args[1].lower() if len(args) == 2 else "5m"
        if tf not in _TIMEFRAMES:
            return None
        command = _symbol_command(verb, "get_recent_bars", args[:1])
        name, arguments = command.calls[0]
        return Command(verb, ((name, arguments | {"timeframe": "1D" if tf == "1d" else tf}),), command.needs_symbol)
    if verb == "earnings" and len(args) <= 1:
        return (_symbol_command(verb, "get_earnings_analysis", args) if args
                else Command(verb, (("get_earnings_calendar", {}),)))
    if verb == "scan":
        return Command(verb, (("scan_opportunities", {"symbols": [a.upper() for a in args]} if args else {}),))
    if verb in ("positions", "advice") and len(args) <= 1:
        if args and not args[0].lstrip("#").isdigit():
            return None
        arguments = {"position_id": int(args[0].lstrip("#"))} if args else {}
        return Command(verb, (("get_position_advice", arguments),))
    if verb == "insights" and len(args) <= 1:
        if args and not _DAYS.match(args[0]):
            return None
        return Command(verb, (("get_journal_insights", {"days": int(args[0].rstrip("dD")) if args else 30}),))
    if verb == "macro" and len(args) <= 1:
        events = ("get_macro_events", {"days": 7})
        return Command(verb, (events, ("get_macro_impact", {"symbol": args[0].upper()})) if args else (events,))
    return None


def _symbol_command(verb: str, tool: str, args: list[str]) -> Command:
    if args:
        return Command(verb, ((tool, {"symbol": args[0].upper()}),))
    return Command(verb, ((tool, {}),), needs_symbol=True)


async def run(tools: CoachTools, text: str, active_symbol: str | None = None
              ) -> tuple[str, tuple[ToolCallRecord, ...]]:
    """The reply and the tool calls of command ``text``; a text that is no command gets the help."""
    command = parse(text)
    if command is None:
        return f"That is not a command I know.\n{HELP}", ()
    if command.verb == "help":
        return HELP, ()
    calls = command.calls
    if command.needs_symbol:
        symbol = active_symbol or tools.active_symbol()
        if not symbol:
            return f"Name a symbol, e.g. \"{command.verb} SPX\".", ()
        calls = tuple((name, args | {"symbol": symbol}) for name, args in calls)
    records = tuple([await tools.call(name, args) for name, args in calls])
    return "\n\n".join(reply_of(r) for r in records), records


def reply_of(record: ToolCallRecord) -> str:
    """A short plain reply written from the record's card (its numbers are the result's)."""
    if record.error:
        return record.error
    card = record.card
    if card is None:
        return record.name
    lines = [f"{card.title}:"] + [f"- {label}: {value}" for label, value in card.lines]
    return "\n".join(lines)
