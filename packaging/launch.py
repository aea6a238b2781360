"""Entry script of the frozen app (PyInstaller needs a file; the app's own entry is app.cli)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
