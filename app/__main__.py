import sys

if getattr(sys, "frozen", False):  # a frozen app is its own interpreter: let a spawned child (Parquet reader) run
    import multiprocessing

    multiprocessing.freeze_support()

from app.cli import main

sys.exit(main())
