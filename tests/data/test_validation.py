"""Streamed prices: what counts as valid (finite, positive, OHLC-consistent) and the drop counter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from data.models import Bar, ConnectionState, Quote, Timeframe
from data.validation import DropCounter, valid_bar, valid_quote

INF, NAN = math.inf, math.nan


def _q(last: float = 100.0, bid: float = 99.9, ask: float = 100.1, prev: float = 99.0, vol: float = 1e6) -> Quote:
    return Quote("SPY", 1_700_000_000, last, bid, ask, prev, vol)


def _b(o: float = 10.0, h: float = 11.0, low: float = 9.0, c: float = 10.5, v: float = 100.0) -> Bar:
    return Bar("SPY", Timeframe.M1, 1_700_000_000, o, h, low, c, v, closed=True)


def test_good_quote_and_unknown_side_fields_pass() -> None:
    assert valid_quote(_q())
    assert valid_quote(_q(bid=NAN, ask=NAN, prev=NAN, vol=NAN))  # "this event does not say"
    assert valid_quote(Quote("SPY", np.int64(1), np.float64(5.0), 0.0, 5.1, 0.0, 0.0))


@pytest.mark.parametrize("last", [INF, -INF, NAN, 0.0, -1.0])
def test_quote_last_must_be_finite_and_positive(last: float) -> None:
    assert not valid_quote(_q(last=last))


@pytest.mark.parametrize("field", ["bid", "ask", "prev", "vol"])
@pytest.mark.parametrize("value", [INF, -INF, -0.5])
def test_quote_side_fields_reject_inf_and_negative(field: str, value: float) -> None:
    assert not valid_quote(_q(**{field: value}))


def test_quote_needs_symbol_and_integer_time() -> None:
    assert not valid_quote(Quote("", 1, 1.0, 1.0, 1.0, 1.0, 0.0))
    assert not valid_quote(Quote("SPY", 1.5, 1.0, 1.0, 1.0, 1.0, 0.0))  # type: ignore[arg-type]


def test_good_bars_pass() -> None:
    assert valid_bar(_b())
    assert valid_bar(_b(10, 10, 10, 10, 0.0))  # a forming bar with no trades yet


@pytest.mark.parametrize("bad", [
    {"o": INF}, {"h": INF}, {"low": NAN}, {"c": -INF}, {"c": 0.0}, {"low": -1.0},
    {"v": -1.0}, {"v": INF}, {"v": NAN},
    {"o": 11.5}, {"c": 8.0}, {"h": 9.5}, {"low": 10.2},  # open/close outside low..high
])
def test_bad_bars_fail(bad: dict) -> None:
    assert not valid_bar(_b(**bad))


def test_counter_drops_by_kind_and_passes_other_events() -> None:
    counter = DropCounter()
    events = [_q(), _q(last=INF), _q(last=0.0), _b(), _b(h=1.0), ConnectionState("connected")]
    assert [counter.admit(e) for e in events] == [True, False, False, True, False, True]
    assert counter.counts == {"quote": 2, "bar": 1} and counter.total == 3
    assert counter.summary() == "dropped 3 invalid (1 bar, 2 quotes)"
    assert DropCounter().summary() == ""
