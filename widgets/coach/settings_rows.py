"""The coach's rows in Preferences: the OpenAI-compatible server's address and model, the API key
(kept in the keychain, never shown back), and Test, which asks the server whether the model answers."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton

URL_HINT = "empty: OpenAI · Ollama http://127.0.0.1:11434/v1 · LM Studio http://127.0.0.1:1234/v1"


class CoachSettingsRows(QObject):
    preference_changed = Signal(str, object)  # "coach_base_url" / "coach_model", the text
    key_saved = Signal(str)  # the OpenAI key typed (cleared from the field at once)
    test_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.base_url = QLineEdit(placeholderText=URL_HINT)
        self.model = QLineEdit(placeholderText="e.g. gpt-4o-mini, llama3.1:8b — empty: commands only")
        self.api_key = QLineEdit(placeholderText="OpenAI API key (a local server needs none)")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_key = QPushButton("Save key")
        self.test = QPushButton("Test")
        self.test.setToolTip("Ask the server whether this model answers (nothing is sent but a model list request)")
        self.status = QLabel(wordWrap=True)
        self.base_url.editingFinished.connect(
            lambda: self.preference_changed.emit("coach_base_url", self.base_url.text().strip()))
        self.model.editingFinished.connect(
            lambda: self.preference_changed.emit("coach_model", self.model.text().strip()))
        self.save_key.clicked.connect(self._on_save_key)
        self.test.clicked.connect(self.test_requested)

    def add_to(self, form: QFormLayout) -> None:
        form.addRow("Coach server", self.base_url)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.test)
        form.addRow("Coach model", model_row)
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(self.save_key)
        form.addRow("Coach key", key_row)
        form.addRow("", self.status)

    def set_values(self, base_url: str, model: str) -> None:
        for field, text in ((self.base_url, base_url), (self.model, model)):
            field.blockSignals(True)
            field.setText(text)
            field.blockSignals(False)

    def _on_save_key(self) -> None:
        key = self.api_key.text().strip()
        if not key:
            self.status.setText("Type the key first.")
            return
        self.api_key.clear()
        self.key_saved.emit(key)
