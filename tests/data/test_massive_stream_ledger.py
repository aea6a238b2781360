"""The stream's minute ledger: which closed minutes an outage cost, on the market's clock."""

from __future__ import annotations

from data.models import Bar, Timeframe
from data.providers.massive.minute_ledger import MinuteLedger

T0 = 1_796_049_000  # 2026-11-30 09:30 ET


def _bar(sym: str, minute: int, close: float = 1.5) -> Bar:
    return Bar(sym, Timeframe.M1, T0 + 60 * minute, 1.0, 2.0, 0.5, close, 10.0, closed=True)


def _minutes(ledger: MinuteLedger) -> dict[str, list[int]]:
    return {sym: [(m - T0) // 60 for m in ms] for sym, ms in ledger.gaps().items()}


def _ledger(*symbols: str) -> MinuteLedger:
    ledger = MinuteLedger()
    ledger.symbols.update(symbols)
    return ledger


def test_an_outage_costs_the_minutes_between_the_last_and_the_first_live_bar() -> None:
    ledger = _ledger("SPY", "QQQ")
    for m in (0, 1):
        assert ledger.accept(_bar("SPY", m), live=True) and ledger.accept(_bar("QQQ", m), live=True)
    assert ledger.accept(_bar("SPY", 2), live=True)  # the drop cut minute 2's batch: QQQ never got it
    ledger.dropped()
    ledger.observe(T0 + 60 * 3 + 30)  # nothing of minute 3 closed yet on the market's clock
    assert _minutes(ledger) == {"QQQ": [2]}
    ledger.accept(_bar("SPY", 5), live=True)  # back: minutes 3 and 4 were missed, 5 came live
    assert _minutes(ledger) == {"SPY": [3, 4], "QQQ": [2, 3, 4, 5]}
    ledger.accept(_bar("QQQ", 5), live=True)
    assert _minutes(ledger) == {"SPY": [3, 4], "QQQ": [2, 3, 4]}


def test_rest_fills_once_refuses_a_forming_minute_and_passes_a_correction() -> None:
    ledger = _ledger("SPY")
    ledger.accept(_bar("SPY", 0), live=True)
    ledger.dropped()
    ledger.accept(_bar("SPY", 3), live=True)
    assert not ledger.accept(_bar("SPY", 4), live=False)  # still forming on the market's clock (REST had it)
    assert ledger.accept(_bar("SPY", 1), live=False)
    assert not ledger.accept(_bar("SPY", 1), live=False)  # the same minute again: not passed on twice
    assert not ledger.accept(_bar("SPY", 0), live=False)  # the stream had it
    assert ledger.accept(_bar("SPY", 0, close=1.6), live=False)  # newer numbers: passed on as an update
    assert _minutes(ledger) == {"SPY": [2]}


def test_minutes_rest_has_plainly_passed_without_a_bar_had_no_trade() -> None:
    ledger = _ledger("SPY", "ILLQ")
    ledger.accept(_bar("SPY", 0), live=True)
    ledger.dropped()
    ledger.accept(_bar("SPY", 6), live=True)
    gaps = ledger.gaps()
    ledger.answered("SPY", gaps["SPY"], T0 + 60 * 6, T0 + 60 * 6)  # REST answered up to minute 6: 1–5 empty
    ledger.answered("ILLQ", gaps["ILLQ"], None, T0 + 60 * 6)  # nothing for it; the cluster passed 0–3 by 2 min
    assert _minutes(ledger) == {"ILLQ": [4, 5, 6]}


def test_a_session_that_is_over_is_not_repaired() -> None:
    ledger = _ledger("SPY")
    ledger.accept(_bar("SPY", 0), live=True)
    ledger.dropped()
    ledger.accept(_bar("SPY", 3), live=True)
    assert ledger.pending() == 2
    ledger.observe(T0 + 86_400)  # the next day
    assert ledger.pending() == 0
