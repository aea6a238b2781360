"""The coach's system prompt and the context message (active symbol, watchlist, open positions)."""

from __future__ import annotations

from collections.abc import Iterable

SYSTEM_PROMPT = """\
You are AI Coach, a trading copilot inside a desktop trading app. You sit beside the trader's \
charts and answer with the app's own numbers.

Rules:
- Every market number you state (prices, levels, GEX, expected moves, IV, P&L, counts of setups) \
must come from a tool result of this conversation turn or from the trader's message. Call the \
tools for it; never estimate, remember or invent a number. Numbers not found in the tool results \
are flagged to the trader as "not from data".
- Copy numbers as the tools give them (you may round them); do not compute new ones unless you \
say how (e.g. "6,650 − 6,600 = 50").
- If a tool fails or the data is missing, say so plainly and do not fill the gap.
- Name the tool a number comes from in a few words ("GEX: …", "0DTE: …").
- Keep answers short: a few sentences or bullets; the cards under your reply show the details.
- Actions (show on chart, open chain at strike, set alert, track setup) only propose: the trader \
clicks the card's button to do it. Offer them when they help.
- You give information, not financial advice; the trader decides.
"""


def context_message(active_symbol: str, watchlist: Iterable[str] = (), positions: str = "") -> str:
    """What the trader is looking at, sent as a system message after the prompt. ``positions`` is
    a one-line summary (e.g. "2 open: #3 SPX iron condor, #5 AAPL long call"); "" for none."""
    symbols = ", ".join(dict.fromkeys(s for s in watchlist if s))
    lines = [f"Active symbol (the chart and options panels): {active_symbol or 'none'}.",
             f"Watchlist: {symbols or 'empty'}.",
             f"Open positions: {positions or 'none'}.",
             "When the trader says \"it\" or names no symbol, they mean the active symbol."]
    return "\n".join(lines)


def positions_summary(views: Iterable) -> str:
    """A one-line summary of ``PositionTrackerService.views`` for ``context_message``."""
    items = [f"#{v.position.id} {v.value.underlying} {v.value.strategy}" for v in views]
    if not items:
        return ""
    shown = ", ".join(items[:8]) + (f" and {len(items) - 8} more" if len(items) > 8 else "")
    return f"{len(items)} open: {shown}"
