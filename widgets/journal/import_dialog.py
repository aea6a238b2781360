"""The import preview: what a file holds before anything is stored (new executions, ones imported
before, rows that could not be read, in plain words), then Import with a busy state."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout

from widgets.journal.cells import plural
from widgets.read_only_table import ReadOnlyTable


class ImportPreviewDialog(QDialog):
    import_requested = Signal()

    def __init__(self, file_name: str, broker: str, total: int, new: int, duplicates: int,
                 errors: Sequence[tuple[int, str]], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {file_name}")
        self.new = new
        self.summary = QLabel(wordWrap=True)
        self.summary.setText(f"<b>{file_name}</b> ({broker}): {plural(total, 'execution')} read — "
                             f"<b>{new:,} new</b>, {duplicates:,} already in the journal (skipped).<br>"
                             + ("Nothing is stored until you press Import." if new else "Nothing new to import."))
        self.errors_label = QLabel(f"{plural(len(errors), 'row')} could not be read and will be left out:"
                                   if errors else "Every row was read.")
        self.errors = ReadOnlyTable(("Line", "Problem"), stretch_last=True)
        self.errors.set_rows([(str(line), message) for line, message in errors])
        self.errors.setVisible(bool(errors))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the store commits the file in one transaction
        self.progress.hide()
        self.status = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(f"Import {new:,} new", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(new > 0)
        self.import_button.clicked.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        for w in (self.summary, self.errors_label, self.errors, self.progress, self.status, self.buttons):
            box.addWidget(w)
        self.resize(560, 380 if errors else 180)

    def _import(self) -> None:
        self.set_busy(True)
        self.import_requested.emit()

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        # one transaction, nothing to count: the stage in words over a busy bar
        self.status.setText(f"Storing {plural(self.new, 'execution')} in one step, then updating the journal…"
                            if busy else "")
        self.buttons.setEnabled(not busy)

    def show_failure(self, message: str) -> None:
        self.set_busy(False)
        self.status.setText(f"Import failed, nothing was stored: {message}")
