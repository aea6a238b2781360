"""Dark (default) and light themes: Fusion style, a palette, and a small stylesheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from resources import read_text

_DARK = {
    QPalette.ColorRole.Window: "#1b2029", QPalette.ColorRole.WindowText: "#d7dae0",
    QPalette.ColorRole.Base: "#151a21", QPalette.ColorRole.AlternateBase: "#1e2430",
    QPalette.ColorRole.ToolTipBase: "#2a3140", QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.Text: "#d7dae0", QPalette.ColorRole.Button: "#232a35",
    QPalette.ColorRole.ButtonText: "#d7dae0", QPalette.ColorRole.BrightText: "#ff5252",
    QPalette.ColorRole.Highlight: "#34506e", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#64b5f6", QPalette.ColorRole.PlaceholderText: "#7d8590",
}


def apply_theme(app: QApplication, name: str) -> None:
    app.setStyle("Fusion")
    if name == "light":
        palette = app.style().standardPalette()
    else:
        palette = QPalette()
        for role, color in _DARK.items():
            palette.setColor(role, QColor(color))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b717b"))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b717b"))
    app.setPalette(palette)
    app.setStyleSheet(read_text("themes", f"{'light' if name == 'light' else 'dark'}.qss"))
