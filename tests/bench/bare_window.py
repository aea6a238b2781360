"""Peer for the start-up benchmark: a bare PySide6 QMainWindow shown and painted once."""

import os
import sys
import time

from PySide6.QtWidgets import QApplication, QMainWindow

launch = float(os.environ.get("AI_COACH_LAUNCH_TS", time.time()))
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
window.grab()  # force one full paint
app.processEvents()
print(f"BARE first_paint_ms={(time.time() - launch) * 1000:.0f}", flush=True)
