"""Hybrid logical clocks (Kulkarni et al., 2014): a stamp is (physical ms, counter), never behind
any stamp this device has made or seen, and close to real time. Stamps are compared as
``(stamp, node)`` so two devices never tie; as fixed-width text they sort in the same order.

The physical part is the device's own clock on purpose (not the market data's): sync orders the
trader's edits across devices in real time, and a replay session's market clock runs years behind.
A device whose clock runs ahead still converges with the others; a write made after seeing its
stamps is stamped after them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

_WIDTH_MS, _WIDTH_COUNTER = 15, 6
MAX_DRIFT_MS = 24 * 3600 * 1000  # a remote stamp further ahead than this is not followed (a broken clock)


def format_stamp(ms: int, counter: int) -> str:
    return f"{ms:0{_WIDTH_MS}d}:{counter:0{_WIDTH_COUNTER}d}"


def parse_stamp(stamp: str) -> tuple[int, int]:
    """``(ms, counter)`` of a stamp; ValueError for text that is not one."""
    ms, sep, counter = stamp.partition(":")
    if not sep or not ms.isdigit() or not counter.isdigit() or len(ms) != _WIDTH_MS or len(counter) != _WIDTH_COUNTER:
        raise ValueError(f"not a clock stamp: {stamp[:40]!r}")
    return int(ms), int(counter)


def seed_stamp(ms: int) -> str:
    """The stamp of a record that existed before sync began: its own time, counter 0 (older than any edit then)."""
    return format_stamp(max(ms, 0), 0)


@dataclass
class HybridClock:
    ms: int = 0
    counter: int = 0
    wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000

    @classmethod
    def from_stamp(cls, stamp: str | None, wall_ms: Callable[[], int] | None = None) -> HybridClock:
        clock = cls() if wall_ms is None else cls(wall_ms=wall_ms)
        if stamp:
            clock.ms, clock.counter = parse_stamp(stamp)
        return clock

    @property
    def stamp(self) -> str:
        return format_stamp(self.ms, self.counter)

    def now(self) -> str:
        """A new stamp for a local write."""
        physical = self.wall_ms()
        if physical > self.ms:
            self.ms, self.counter = physical, 0
        else:
            self.counter += 1
        return self.stamp

    def receive(self, stamp: str) -> None:
        """Move past a stamp seen from another device (so a later local write is stamped after it)."""
        ms, counter = parse_stamp(stamp)
        if ms > self.wall_ms() + MAX_DRIFT_MS:
            return
        if (ms, counter) > (self.ms, self.counter):
            self.ms, self.counter = ms, counter
