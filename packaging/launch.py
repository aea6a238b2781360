"""Entry script of the frozen app (PyInstaller needs a file; the app's own entry is app.cli)."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # The frozen app is its own interpreter: a spawned child (the Parquet reader) re-enters here.
    multiprocessing.freeze_support()
    sys.exit(main())
