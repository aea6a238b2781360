"""Hand-made detection and tracked-setup records for the setups panels' tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data.store.records import DetectionRecord, SetupEvent, TrackedSetup

T0 = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # 10:00 ET


def detection(id_: int, symbol: str = "SPY", *, detector: str = "opening_range_breakout", direction: str = "long",
              minutes_ago: int = 0, confidence: float = 0.72, cases: int | None = 41, hits: int | None = 22,
              entry: float = 600.0, stop: float = 598.0,
              targets: tuple[float, ...] = (604.0, 606.0)) -> DetectionRecord:
    return DetectionRecord(id_, symbol, detector, direction, T0 - timedelta(minutes=minutes_ago), entry, stop, targets,
                           confidence, (("break", 0.8, 0.5), ("volume", 0.6, 0.5)),
                           f"{symbol} closed above the opening range on 2x volume.", {}, cases, hits, T0)


def setup(id_: int, symbol: str = "SPY", *, status: str = "active", detection_id: int | None = None,
          source: str = "scanner", detector: str = "opening_range_breakout", notes: str = "") -> TrackedSetup:
    events = (SetupEvent(1, id_, "active", None, T0, "tracked from the scanner"),
              SetupEvent(2, id_, status, 600.05, T0 + timedelta(minutes=5), "price reached entry"))
    return TrackedSetup(id_, detection_id, symbol, detector, "long", 600.0, 598.0, (604.0,), 599.0, status, source,
                        notes, T0.date(), T0, T0 + timedelta(minutes=5), events if status != "active" else events[:1])
