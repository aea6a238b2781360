"""QuoteBook: partial stream quotes completed from what came before and a REST snapshot."""

from __future__ import annotations

import math
from datetime import date

from data.models import Quote
from data.providers.quote_book import QuoteBook
from tests.conftest import utc

NAN = math.nan
WED = int(utc(2026, 11, 25, 15, 0).timestamp())  # Wednesday 10:00 ET
FRI = int(utc(2026, 11, 27, 15, 0).timestamp())  # Friday (Thanksgiving between)


def test_trades_give_last_and_the_snapshot_the_previous_close() -> None:
    book = QuoteBook()
    first = book.merge(Quote("SPY", WED, 601.5, NAN, NAN, NAN, 1_000.0))
    assert (first.bid, first.ask, first.day_volume) == (601.5, 601.5, 1_000.0)
    assert math.isnan(first.prev_close) and book.needs_seed(first)
    snapshot = Quote("SPY", WED - 5, 601.0, 600.9, 601.1, 598.0, 900.0)
    assert book.seed(snapshot, date(2026, 11, 25)) is None  # the stream already priced it
    trade = book.merge(Quote("SPY", WED + 1, 602.0, NAN, NAN, NAN, NAN))  # a trade: no volume field
    assert (trade.last, trade.prev_close, trade.day_volume) == (602.0, 598.0, 1_000.0)
    assert trade.bid == trade.ask == 602.0  # no bid/ask feed: the snapshot's would go stale
    assert trade.change_pct == 100 * (602.0 - 598.0) / 598.0
    assert not book.needs_seed(trade)
    assert book.needs_seed(Quote("SPY", FRI, 603.0, NAN, NAN, NAN, NAN))  # a new session


def test_a_snapshot_before_any_tick_is_shown_as_it_is() -> None:
    book = QuoteBook()
    snapshot = Quote("SPX", WED, 6000.0, 6000.0, 6000.0, 5950.0, 0.0)
    assert book.seed(snapshot, date(2026, 11, 25)) == snapshot
    value = book.merge(Quote("SPX", WED + 1, 6001.0, NAN, NAN, NAN, NAN))
    assert (value.last, value.prev_close, value.day_volume) == (6001.0, 5950.0, 0.0)


def test_quote_feeds_keep_bid_ask_between_events_and_mark_at_the_mid() -> None:
    book = QuoteBook()
    q = book.merge(Quote("SPY261120C00600000", WED, 4.05, 4.0, 4.1, NAN, NAN))
    assert (q.last, q.bid, q.ask, q.day_volume) == (4.05, 4.0, 4.1, 0.0)
    later = book.merge(Quote("SPY261120C00600000", WED + 1, 4.07, NAN, NAN, NAN, NAN))
    assert (later.bid, later.ask) == (4.0, 4.1)
    book.forget("SPY261120C00600000")
    fresh = book.merge(Quote("SPY261120C00600000", WED + 2, 4.2, NAN, NAN, NAN, NAN))
    assert fresh.bid == fresh.ask == 4.2
