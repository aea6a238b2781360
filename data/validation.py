"""The one check of streamed prices: a quote or bar that fails it is dropped at ingress, never
drawn, stored or fed to alerts and detectors.

A price must be finite and positive; a bar's open and close must lie within its low..high and its
volume be finite and not negative. NaN in a quote's side fields (bid, ask, previous close, day
volume) means "this event does not say" (see ``data.providers.quote_book``) and is allowed; inf or
a negative value there is not.
"""

from __future__ import annotations

import math
from collections import Counter
from numbers import Integral, Real

from data.models import Bar, Quote


def _price(value: object) -> bool:
    return isinstance(value, Real) and math.isfinite(value) and value > 0


def _optional(value: object) -> bool:
    """Unknown (NaN) or a finite, non-negative number."""
    if not isinstance(value, Real):
        return False
    return math.isnan(value) or (math.isfinite(value) and value >= 0)


def valid_quote(q: Quote) -> bool:
    return (isinstance(q.symbol, str) and bool(q.symbol) and isinstance(q.ts, Integral) and _price(q.last)
            and all(_optional(v) for v in (q.bid, q.ask, q.prev_close, q.day_volume)))


def valid_bar(b: Bar) -> bool:
    if not (isinstance(b.symbol, str) and b.symbol and isinstance(b.ts, Integral)):
        return False
    if not all(_price(v) for v in (b.open, b.high, b.low, b.close)):
        return False
    volume_ok = isinstance(b.volume, Real) and math.isfinite(b.volume) and b.volume >= 0
    return volume_ok and b.low <= min(b.open, b.close) and max(b.open, b.close) <= b.high


class DropCounter:
    """Counts what ``admit`` rejected, by kind ("quote", "bar"); other events always pass."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def admit(self, event: object) -> bool:
        if isinstance(event, Quote):
            kind, ok = "quote", valid_quote(event)
        elif isinstance(event, Bar):
            kind, ok = "bar", valid_bar(event)
        else:
            return True
        if not ok:
            self.counts[kind] += 1
        return ok

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """For the worker health line, e.g. "dropped 3 invalid (2 quotes, 1 bar)"; "" when none."""
        if not self.total:
            return ""
        parts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(self.counts.items()))
        return f"dropped {self.total} invalid ({parts})"
