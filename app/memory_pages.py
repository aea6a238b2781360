"""numpy's transparent-huge-page advice, off for the app's processes unless the trader set it.

numpy asks Linux for huge pages on every array of 4 MB or more. Where the kernel then compacts
memory at the fault (``defrag`` set to ``madvise``, the common default), the first touch of each
fresh array stalls: a million-candle chart load took 340 ms with the advice against 133 ms
without it on a 2-core VM (``tests/bench/bench_chart.py``), and the live paths reuse their
buffers, so they lose nothing. Set before numpy is imported; ``NUMPY_MADVISE_HUGEPAGE=1`` in
the environment keeps numpy's default.
"""

from __future__ import annotations

import os

NUMPY_SETTING = "NUMPY_MADVISE_HUGEPAGE"


def prefer_small_pages() -> None:
    os.environ.setdefault(NUMPY_SETTING, "0")
