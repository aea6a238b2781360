"""Complete quotes from partial stream events.

A live feed sends pieces: trades and second aggregates carry the last price (and the day's
volume), quote events the bid and ask, index values a level — and nothing carries the previous
close that the change and change % are measured against. A stream marks what an event does not
say with NaN; ``QuoteBook`` fills those fields from what it last knew of the symbol, and the
previous close (plus a first price) from a REST snapshot (``seed``), so every quote leaving a
provider is whole and a watchlist shows its change from the first tick.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime

from data.market_calendar import market_date
from data.models import Quote


def _known(value: float) -> bool:
    return not math.isnan(value)


class QuoteBook:
    def __init__(self) -> None:
        self._last: dict[str, Quote] = {}
        self._prev_close: dict[str, float] = {}
        self._seeded_for: dict[str, date] = {}  # the ET day each previous close was fetched on
        self._quoted: set[str] = set()  # symbols whose stream sends bid/ask

    def merge(self, partial: Quote) -> Quote:
        """The full quote after ``partial``: its known fields, the rest from before."""
        sym = partial.symbol
        before = self._last.get(sym)
        last, bid, ask, volume = partial.last, partial.bid, partial.ask, partial.day_volume
        if _known(bid) and _known(ask):
            self._quoted.add(sym)
        if before is not None:
            if sym in self._quoted:  # a bid/ask feed: keep its last bid/ask between trades
                bid = bid if _known(bid) else before.bid
                ask = ask if _known(ask) else before.ask
            last = last if _known(last) else before.last
            volume = volume if _known(volume) else before.day_volume
        if not _known(last) and _known(bid) and _known(ask):
            last = (bid + ask) / 2
        if not _known(bid) or not _known(ask):
            bid = ask = last  # no bid/ask feed (a snapshot's would go stale): the last price
        prev_close = self._prev_close.get(sym, partial.prev_close)
        quote = Quote(sym, partial.ts, last, bid, ask, prev_close,
                      volume if _known(volume) else 0.0)
        self._last[sym] = quote
        return quote

    def seed(self, snapshot: Quote, day: date) -> Quote | None:
        """Take the previous close from a REST snapshot fetched on session ``day`` (ET); returns
        the snapshot as a quote to show when the stream has not priced the symbol yet (e.g. the
        market is closed), else None."""
        sym = snapshot.symbol
        if _known(snapshot.prev_close):
            self._prev_close[sym] = snapshot.prev_close
            self._seeded_for[sym] = day
        before = self._last.get(sym)
        if before is not None:
            self._last[sym] = replace(before, prev_close=self._prev_close.get(sym, before.prev_close))
            return None
        self._last[sym] = snapshot
        return snapshot

    def needs_seed(self, quote: Quote) -> bool:
        """True when the symbol has no previous close yet, or the quote is from a later day than
        the one its previous close was fetched on (the app ran overnight)."""
        seeded = self._seeded_for.get(quote.symbol)
        return seeded is None or market_date(datetime.fromtimestamp(quote.ts, UTC)) > seeded

    def forget(self, symbol: str) -> None:
        for table in (self._last, self._prev_close, self._seeded_for):
            table.pop(symbol, None)
        self._quoted.discard(symbol)
