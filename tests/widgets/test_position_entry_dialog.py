"""The new-position dialog on a hand-built SPX chain: templates fill their legs, every bad input
says what is wrong and disables OK, typed OCC symbols parse and validate; the app:
tests/ui/test_position_entry_in_app.py."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from data.market_calendar import ET
from data.option_chain import OptionChain
from widgets.positions import entry_model as em
from widgets.positions.entry_dialog import PositionEntryDialog

ASOF = datetime(2026, 12, 1, 11, 0, tzinfo=ET)
NEAR, FAR = date(2026, 12, 18), date(2027, 1, 15)
STRIKES = np.arange(5800.0, 7210.0, 10.0)
SPOT = 6502.0


def _chain() -> OptionChain:
    rows = [(root, d, c, k) for root, d in (("SPXW", NEAR), ("SPX", NEAR), ("SPXW", FAR))
            for c in (True, False) for k in STRIKES]
    symbols = [f"{r}{d:%y%m%d}{'C' if c else 'P'}{round(k * 1000):08d}" for r, d, c, k in rows]
    intrinsic = np.array([max(SPOT - k, 0) if c else max(k - SPOT, 0) for _r, _d, c, k in rows])
    extra = np.array([40.0 * np.exp(-abs(k - SPOT) / 120) + (10 if d == FAR else 0) for _r, d, _c, k in rows])
    mid = intrinsic + extra
    n = len(rows)
    return OptionChain("SPX", ASOF, np.array(symbols, dtype=object), np.array([r for r, *_ in rows], dtype=object),
                       np.array([d for _r, d, _c, _k in rows], dtype="datetime64[D]"), [c for _r, _d, c, _k in rows],
                       [k for *_x, k in rows], mid - 0.1, mid + 0.1, mid, np.zeros(n), np.zeros(n),
                       np.full(n, 0.15), np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool))


@pytest.fixture
def dialog(qtbot):
    def make(contract: str | None = None, quantity: int = 1) -> PositionEntryDialog:
        d = PositionEntryDialog("SPX", contract, quantity)
        qtbot.addWidget(d)
        chain = _chain()
        d.set_chain(chain, SPOT, np.full(len(chain), 0.15))
        return d
    return make


def _legs(d) -> list[tuple[str, int]]:
    return [(leg.symbol, leg.quantity) for leg in d.legs]


def test_expiries_read_with_their_dte_and_settlement(dialog) -> None:
    d = dialog()
    labels = [d.expiry.itemText(i) for i in range(d.expiry.count())]
    assert labels == ["Dec 18 · 17 DTE", "Dec 18 · 17 DTE · SPX AM-settled", "Jan 15 '27 · 45 DTE"]
    assert d.expiry.currentText() == "Dec 18 · 17 DTE"  # nearest 30 DTE (13 days off, Jan 15 is 15)


def test_the_iron_condor_sells_about_one_expected_move_out(dialog) -> None:
    d = dialog()
    d.expiry.setCurrentIndex(0)
    d.strategy.setCurrentText("Iron condor (credit)")
    move = SPOT * 0.15 * np.sqrt(17 / 365)  # ~ 212
    strikes = [leg.strike for leg in d.legs]
    assert [leg.quantity for leg in d.legs] == [1, -1, -1, 1]
    assert abs(strikes[1] - (SPOT - move)) <= 5 and abs(strikes[2] - (SPOT + move)) <= 5
    assert strikes[0] < strikes[1] < strikes[2] < strikes[3]
    assert all(leg.symbol.startswith("SPXW261218") for leg in d.legs) and d.ok.isEnabled()
    assert d.table.rowCount() == 4 and d.table.item(1, 1).text() == "Sell"
    assert "Net credit" in d.summary.text() and "max profit" in d.summary.text()
    assert d.legs[0].fees == 0.65
    d.quantity.setValue(3)
    assert [leg.quantity for leg in d.legs] == [3, -3, -3, 3] and d.legs[0].fees == pytest.approx(1.95)


@pytest.mark.parametrize("title", [c.title for c in em.CHOICES if c.template])
def test_every_template_fills_valid_legs(dialog, title) -> None:
    d = dialog()
    d.expiry.setCurrentIndex(0)
    d.strategy.setCurrentText(title)
    assert d.legs and d.ok.isEnabled(), d.problem.text()
    assert d.problem.text() == ""


def test_a_contract_from_the_chain_prefills_one_leg_at_its_mid(dialog) -> None:
    d = dialog("SPXW261218P06450000", -1)
    assert d.strategy.currentText() == "Short put" and d.underlying.isReadOnly()
    assert _legs(d) == [("SPXW261218P06450000", -1)]
    chain = _chain()
    row = list(chain.symbol).index("SPXW261218P06450000")
    assert d.legs[0].open_price == pytest.approx(chain.mid[row], abs=1e-4)
    d.strategy.setCurrentText("Iron condor (credit)")  # the sold put stays the condor's short put
    assert d.legs[1].symbol == "SPXW261218P06450000" and d.legs[1].quantity == -1 and len(d.legs) == 4


def test_bad_inputs_say_what_is_wrong_and_disable_ok(dialog) -> None:
    d = dialog()
    d.expiry.setCurrentIndex(0)
    d.strategy.setCurrentText("Iron condor (credit)")
    d.quantity.setValue(0)
    assert "A quantity of 0 opens nothing" in d.problem.text() and not d.ok.isEnabled()
    d.quantity.setValue(1)
    assert d.ok.isEnabled()
    d.strikes[1].setCurrentText("6325")
    assert d.problem.text() == "6325 is not listed for Dec 18; nearest 6320 and 6330." and not d.ok.isEnabled()
    d.strikes[1].setCurrentText("abc")
    assert "'abc' is not a strike" in d.problem.text()
    d.strikes[1].setCurrentText("5800")  # below the bought put
    assert "The strikes must rise" in d.problem.text() and not d.ok.isEnabled()
    d.strikes[1].setCurrentText("6300")
    d.strikes[0].setCurrentText("6250")
    assert d.ok.isEnabled() and [leg.strike for leg in d.legs][:2] == [6250, 6300]
    d.table.set_price(0, "4,1x")
    assert "the price '4,1x' is not a number" in d.problem.text() and not d.ok.isEnabled()
    assert d.table.item(0, 3).text() == "4,1x"  # kept as typed
    d.table.set_price(0, "4.10")
    assert d.ok.isEnabled() and d.legs[0].open_price == 4.10


def test_an_engine_error_keeps_everything_typed(dialog, qtbot) -> None:
    d = dialog()
    d.notes.setText("earnings run-up")
    sent = []
    d.submitted.connect(lambda *args: sent.append(args))
    d.ok.click()
    assert sent and sent[0][0] == "SPX" and sent[0][2] == "earnings run-up" and not d.ok.isEnabled()
    d.show_error("Position store is busy.")
    assert d.problem.text() == "Position store is busy." and d.ok.isEnabled()
    assert d.notes.text() == "earnings run-up" and d.result() == 0  # still open: nothing accepted


def test_typed_occ_symbols_parse_and_validate(dialog) -> None:
    d = dialog()
    d.strategy.setCurrentText(em.CUSTOM)
    d.occ.setPlainText("SPXW 261218P06500000 +1 @ 4.10\nSPXW 261218P06450000 -1")
    assert d.ok.isEnabled(), d.problem.text()
    assert _legs(d) == [("SPXW261218P06500000", 1), ("SPXW261218P06450000", -1)]
    assert d.legs[0].open_price == 4.10 and d.legs[1].open_price > 0  # the chain's mid
    cases = {
        "SPXW 261218P06505000 +1 @ 4": "Line 1: 6505 is not listed for Dec 18; nearest 6500 and 6510.",
        "SPXW 261218P06500000 0 @ 4": "Line 1: a quantity of 0 opens nothing",
        "SPXW 261218P06500000 +1 @ four": "Line 1: the price 'four' is not a number.",
        "SPXW 251218P06500000 +1 @ 4": "Line 1: this contract expired on Dec 18, 2025.",
        "QQQ 261218P00500000 +1 @ 4": "Line 1: QQQ options are on QQQ, not SPX.",
        "SPXW 26121P06500000 +1 @ 4": "is not an OCC option symbol",
        "SPXW 261218P06500000 +1 @ 4\nSPXW 261218P06500000 -1 @ 4": "The same contract appears twice",
    }
    for text, message in cases.items():
        d.occ.setPlainText(text)
        assert message in d.problem.text(), (text, d.problem.text())
        assert not d.ok.isEnabled()
    assert d.occ.toPlainText() == text  # nothing typed is lost


def test_switching_to_custom_starts_from_the_legs_shown(dialog) -> None:
    d = dialog()
    d.expiry.setCurrentIndex(0)
    d.strategy.setCurrentText("Bull put spread (credit)")
    shown = _legs(d)
    d.strategy.setCurrentText(em.CUSTOM)
    assert _legs(d) == shown and d.ok.isEnabled()


def test_without_a_chain_only_typed_symbols_with_prices(qtbot) -> None:
    d = PositionEntryDialog("SPX")
    qtbot.addWidget(d)
    assert not d.ok.isEnabled() and "Waiting for the SPX chain" in d.problem.text()
    d.set_unavailable("No options data from the replay provider.")
    assert d.strategy.currentText() == em.CUSTOM
    d.occ.setPlainText("SPXW 261218C06600000 -2 @ 12.5")
    assert d.ok.isEnabled() and _legs(d) == [("SPXW261218C06600000", -2)]


def test_a_contract_without_a_quote_says_where_to_price_it(qtbot) -> None:
    from dataclasses import replace

    chain = _chain()
    quoted = np.array([s != "SPXW261218C06500000" for s in chain.symbol])
    chain = replace(chain, bid=np.where(quoted, chain.bid, np.nan), ask=np.where(quoted, chain.ask, np.nan))
    d = PositionEntryDialog("SPX")
    qtbot.addWidget(d)
    d.set_chain(chain, SPOT, None)
    d.expiry.setCurrentIndex(0)
    d.strikes[0].setCurrentText("6500")
    assert d.problem.text() == ("SPXW261218C06500000 has no two-sided quote to price it; enter the open price. "
                                f"Pick {em.CUSTOM} and type it after @.") and not d.ok.isEnabled()
