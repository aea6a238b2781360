"""The generic CSV's column-mapping dialog: prefilled from the guess (or a saved mapping), OK off
while a required field has no column (named), the first rows as they would be read with each bad
row's problem, and the chosen mapping emitted."""

from __future__ import annotations

from data.files.brokers import generic_csv
from data.files.brokers.generic_csv import ColumnMapping, CsvSample
from widgets.journal.mapping_dialog import NONE, MappingDialog

HEADER = ["Date/Time", "Symbol", "Buy/Sell", "Qty", "Fill Price", "Commission", "Note"]
ROWS = [(2, ["2024-03-01 09:31:00", "AAPL", "Buy", "100", "180.50", "1.00", ""]),
        (3, ["2024-03-01 09:40:00", "AAPL", "Sell", "100", "abc", "1.00", ""]),
        (4, ["2024-03-01 09:45:00", "SPY240719C00510000", "BTO", "2", "3.10", "1.30", "x"])]


def _dialog(qtbot, header=HEADER, mapping=None, saved=False) -> MappingDialog:
    sample = CsvSample("fills.csv", header, ROWS)
    dialog = MappingDialog(sample, mapping or generic_csv.guess_mapping(header), saved)
    qtbot.addWidget(dialog)
    return dialog


def _table(dialog: MappingDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_prefilled_from_the_guess_with_the_header_names_to_choose_from(qtbot) -> None:
    dialog = _dialog(qtbot)
    chosen = {name: combo.currentText() for name, combo in dialog.combos.items()}
    assert (chosen["time"], chosen["symbol"], chosen["side"], chosen["quantity"], chosen["price"],
            chosen["fees"], chosen["occ"]) == ("Date/Time", "Symbol", "Buy/Sell", "Qty", "Fill Price",
                                               "Commission", NONE)
    combo = dialog.combos["occ"]
    assert [combo.itemText(i) for i in range(combo.count())] == [NONE, *HEADER]
    assert "a guess" in dialog.intro.text()
    assert dialog.mapping() == generic_csv.guess_mapping(HEADER)
    assert dialog.ok.isEnabled()


def test_ok_is_off_while_a_required_field_is_missing_and_says_which(qtbot) -> None:
    dialog = _dialog(qtbot, header=["When", "Ticker", "Amount", "Px"])
    assert not dialog.ok.isEnabled()
    assert dialog.status.text().startswith("Choose the column for time, quantity, price")
    assert dialog.table.rowCount() == 0
    for name, column in (("time", "When"), ("quantity", "Amount")):
        dialog.combos[name].setCurrentText(column)
    assert not dialog.ok.isEnabled() and "choose the column for price" in dialog.status.text().lower()
    dialog.combos["price"].setCurrentText("Px")
    assert dialog.ok.isEnabled()
    dialog.combos["price"].setCurrentText(NONE)
    assert not dialog.ok.isEnabled()


def test_the_preview_rows_read_as_the_import_would_with_each_problem(qtbot) -> None:
    dialog = _dialog(qtbot)
    good, bad, option = _table(dialog)
    assert good == ["2", "2024-03-01 09:31:00 EST", "AAPL", "buy", "100", "180.5", "1.00", ""]
    assert bad[0] == "3" and bad[-1] == "the price 'abc' is not a number (this row would be left out)"
    assert option[2:5] == ["SPY240719C00510000", "buy", "2"]
    assert dialog.status.text() == "1 of 3 sample rows could not be read (they would be left out)."
    dialog.zone.setCurrentText("Europe/Berlin")
    assert _table(dialog)[0][1] == "2024-03-01 09:31:00 CET"
    dialog.zone.setCurrentText("Mars/Olympus")
    assert not dialog.ok.isEnabled() and "is not a time zone" in dialog.status.text()


def test_a_saved_mapping_is_said_and_ok_emits_the_mapping(qtbot) -> None:
    saved = ColumnMapping(time="Date/Time", symbol="Note", quantity="Qty", price="Fill Price", multiplier=10)
    dialog = _dialog(qtbot, mapping=saved, saved=True)
    assert "mapped before" in dialog.intro.text()
    assert dialog.combos["symbol"].currentText() == "Note" and dialog.multiplier.value() == 10
    dialog.combos["symbol"].setCurrentText("Symbol")
    with qtbot.waitSignal(dialog.mapping_chosen) as signal:
        dialog.ok.click()
    assert signal.args[0] == ColumnMapping(time="Date/Time", symbol="Symbol", quantity="Qty", price="Fill Price",
                                           multiplier=10)
