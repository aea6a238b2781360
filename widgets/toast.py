"""In-app toast: a transient message in the window corner when there is no system tray."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

MAX_VISIBLE = 4


class Toast(QFrame):
    def __init__(self, title: str, message: str, parent: QWidget, timeout_ms: int = 6000) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#toast { background: #333a44; color: #f0f0f0; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        title_label = QLabel(f"<b>{_escape(title)}</b>")
        body = QLabel(_escape(message))
        body.setWordWrap(True)
        layout.addWidget(title_label)
        layout.addWidget(body)
        self.setFixedWidth(320)
        QTimer.singleShot(timeout_ms, self.close)


class ToastArea:
    """Stacks toasts in the bottom-right corner of ``host``."""

    def __init__(self, host: QWidget) -> None:
        self._host = host
        self._toasts: list[Toast] = []

    def show(self, title: str, message: str) -> Toast:
        toast = Toast(title, message, self._host)
        toast.destroyed.connect(lambda *_: self._forget(toast))
        self._toasts.append(toast)
        while len(self._toasts) > MAX_VISIBLE:
            self._toasts.pop(0).close()
        toast.adjustSize()
        toast.show()
        self._reposition()
        return toast

    @property
    def visible_count(self) -> int:
        return sum(1 for t in self._toasts if t.isVisible())

    def _forget(self, toast: Toast) -> None:
        if toast in self._toasts:
            self._toasts.remove(toast)

    def _reposition(self) -> None:
        y = self._host.height() - 12
        for toast in reversed(self._toasts):
            y -= toast.height() + 8
            toast.move(self._host.width() - toast.width() - 12, max(0, y))
            toast.raise_()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
