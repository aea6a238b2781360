"""Which broker wrote a file, and reading it: ``detect(path)`` and ``parse_file(path, broker=None)``.

The generic CSV is never detected (it needs a column mapping); ask for it by name ("generic"),
which guesses the mapping from the header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from data.files.brokers import base, generic_csv, ibkr_flex, thinkorswim, webull

FORMATS = cast(tuple[base.BrokerFormat, ...], (thinkorswim, webull, ibkr_flex))  # modules are formats
NAMES = "a thinkorswim, Webull or IBKR export"


def detect(path: str | Path) -> base.BrokerFormat:
    """The broker format module whose ``sniff`` accepts the file's head; BrokerFileError if none."""
    path = Path(path)
    head = base.head_text(path)
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    raise base.UnknownFormatError(f"{path.name} is not {NAMES} (the first line reads '{base.first_line(head)}').")


def by_name(broker: str) -> base.BrokerFormat:
    known = {fmt.name: fmt for fmt in (*FORMATS, cast(base.BrokerFormat, generic_csv))}
    try:
        return known[broker.strip().lower()]
    except KeyError:
        raise base.BrokerFileError(f"'{broker}' is not a broker format we read "
                                   f"(known: {', '.join(sorted(known))}).") from None


def parse_file(path: str | Path, broker: str | None = None, progress: base.Progress | None = None,
               **options: Any) -> base.ParseResult:
    """Read ``path`` as ``broker``'s export, or as whatever ``detect`` finds; ``options`` go to the
    parser (``tz=`` for IBKR, ``mapping=`` for the generic CSV). ``progress(done, total)`` is
    called from this (the reading) thread as the rows are read."""
    fmt = by_name(broker) if broker else detect(path)
    return fmt.parse(path, progress=progress, **options)  # type: ignore[call-arg]
