"""``ai-coach brief``: today's morning brief from the app's own engine and ``MorningBriefService``
(the one the panel shows), for a terminal or a script. ``--watchlist SYM,SYM`` previews other
symbols; ``--force`` makes it again even when a fresh one is stored; ``--json``: the brief as one
JSON object on stdout's last line (the stable format in the README, "Command line")."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from typing import TextIO

HELP = "print today's morning brief (levels, macro events, earnings, position risk, watch items)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands.options import add_engine

    add_engine(parser)
    parser.add_argument("--watchlist", default=None, metavar="SYM,SYM…",
                        help="these symbols instead of the active watchlist (a preview, stored under their names)")
    parser.add_argument("--force", action="store_true", help="make it again, even when a fresh one is stored")
    parser.add_argument("--json", action="store_true", help="the brief as one JSON object on the last line")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from data.morning_brief import to_json
    from data.store.database import StoreError
    from data.symbols import SymbolError

    out = out or sys.stdout
    try:
        brief = asyncio.run(_brief(args))
    except (StoreError, SymbolError, OSError, ValueError) as exc:
        print(f"ai-coach brief: {exc}", file=sys.stderr)
        return 1
    lines = text_lines(brief)
    if args.json:
        print("\n".join(lines), file=sys.stderr)
        out.write(json.dumps(to_json(brief)) + "\n")
    else:
        out.write("\n".join(lines) + "\n")
    out.flush()
    return 0


def _symbols(text: str | None) -> list[str] | None:
    from data.symbols import normalize_symbol

    if text is None:
        return None
    symbols = [normalize_symbol(s) for s in text.split(",") if s.strip()]
    if not symbols:
        raise ValueError("--watchlist needs at least one symbol, e.g. SPY,QQQ")
    return symbols


async def _brief(args: argparse.Namespace):
    from app.commands.options import engine_config
    from app.core.brief.service import MorningBriefService
    from app.core.engine import Engine

    symbols = _symbols(args.watchlist)
    engine = Engine(engine_config(args))
    await engine.start()
    try:
        service = engine.service(MorningBriefService)
        return await service.brief(symbols, name=None if symbols is None else ",".join(symbols), force=args.force)
    finally:
        await engine.stop()


def _p(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:,.2f}"


def text_lines(brief) -> list[str]:
    from data.market_calendar import ET

    made = brief.generated_at.astimezone(ET).strftime("%H:%M")
    lines = [f"Morning brief {brief.market_date.isoformat()} — {brief.watchlist} (made {made} ET, {brief.trigger})",
             "", "Levels"]
    for x in brief.levels:
        lines.append(f"  {x.symbol:<6} last {_p(x.last)}  PDH {_p(x.prior_high)}  PDL {_p(x.prior_low)}  "
                     f"PDC {_p(x.prior_close)}  PMH {_p(x.premarket_high)}  PML {_p(x.premarket_low)}  "
                     f"P {_p(x.pivot)}")
        if x.gex_regime:
            lines.append(f"         {x.gex_regime}, flip {_p(x.gex_flip)}, call wall {_p(x.call_wall)}, "
                         f"put wall {_p(x.put_wall)}, expected move ±{_p(x.expected_move)}")
        if x.note:
            lines.append(f"         {x.note}")
    lines += ["", "Macro today"] + ([f"  {e.time_et} ET  {e.title} ({e.impact})" + (f" — {e.moves}" if e.moves else "")
                                     for e in brief.macro_events] or ["  none scheduled"])
    lines += ["", "Earnings this week"] + ([f"  {e.report_date.isoformat()} {e.symbol} {e.timing.upper()}"
                                            for e in brief.earnings] or ["  none on the list"])
    risk = brief.positions
    lines += ["", f"Positions: {len(risk.positions)} open, Δ ${risk.delta_dollars:,.0f}, θ ${risk.theta:,.0f}/day"]
    lines += [f"  {p.underlying} {p.strategy}: {p.pnl:+,.2f}" + (" — expires today" if p.expires_today else "")
              for p in risk.positions]
    lines += ["", "Watch"] + ([f"  {w.text}" for w in brief.watch_items] or ["  nothing flagged"])
    return lines + [f"Note: {n}" for n in brief.notes]
