"""Columns as wide as their widest text, so no number is ever elided ("1,4…").

Measuring a handful of candidate texts per column with ``QFontMetrics`` is cheap; Qt's
``resizeColumnsToContents`` asks the delegate for every cell's size hint, which is too slow
to run on each refresh of a big chain. Callers pass the widest texts they know of (for a
numeric column: the formatted minimum and maximum) and grow columns on updates, refitting
from scratch only when the rows change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView

SLACK = 2  # px: rounding between the font metrics and the painted glyphs
MIN_SECTION = 24  # px: narrower than Qt's default minimum, so "Θ" columns are not padded out


def text_margin(view: QTableView) -> int:
    """Pixels a cell needs beyond its text: the delegate's margin on each side (focus-frame
    margin + 1, as QCommonStyle lays out an item's text) and the grid line."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return 2 * margin + (1 if view.showGrid() else 0) + SLACK


def text_width(font: QFont, texts: Iterable[str]) -> int:
    metrics = QFontMetrics(font)
    return max((metrics.horizontalAdvance(t) for t in texts), default=0)


def wanted_widths(view: QTableView, texts: Mapping[int, Iterable[str]], font: QFont | None = None) -> dict[int, int]:
    """Each column's width for its header and its widest text (drawn in ``font``, the view's
    by default), hidden or not."""
    header, margin = view.horizontalHeader(), text_margin(view)
    header.setMinimumSectionSize(min(header.minimumSectionSize(), MIN_SECTION))
    font = font or view.font()
    return {column: max(text_width(font, column_texts) + margin, header_width(view, column))
            for column, column_texts in texts.items()}


def header_width(view: QTableView, column: int) -> int:
    header = view.horizontalHeader()
    if not view.isColumnHidden(column):
        return header.sectionSizeHint(column)
    # Qt gives a hidden section no size hint: its text plus the style's header margins
    text = str(view.model().headerData(column, Qt.Orientation.Horizontal) or "")
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    return max(header.minimumSectionSize(), QFontMetrics(header.font()).horizontalAdvance(text) + 2 * margin + SLACK)


def apply_widths(view: QTableView, widths: Mapping[int, int], grow_only: bool = False) -> None:
    """Resize the shown columns to ``widths``; ``grow_only``: never narrow one (a refresh of the
    same rows, or a column the user widened)."""
    header = view.horizontalHeader()
    for column, wanted in widths.items():
        current = header.sectionSize(column)
        if not view.isColumnHidden(column) and (wanted > current or (not grow_only and wanted != current)):
            header.resizeSection(column, wanted)


def fit_columns(view: QTableView, texts: Mapping[int, Iterable[str]], font: QFont | None = None,
                grow_only: bool = False) -> None:
    """Size each shown column in ``texts`` to its header and its widest text."""
    shown = {c: t for c, t in texts.items() if not view.isColumnHidden(c)}
    apply_widths(view, wanted_widths(view, shown, font), grow_only)
