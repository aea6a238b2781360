"""Chart screenshots attached to journal trades ("Save chart to trade"): stored once by content
hash, listed per trade without their bytes, read back, removed, counted per trade. Each change is
one store transaction, then a ``TradeAttachmentsChanged`` (a ``JournalChanged``: the journal is
re-read)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from app.core.bus import EventBus
from app.core.events import TradeAttachmentsChanged
from data.store import attachments as repo
from data.store.database import Store
from data.store.records import TradeAttachment

AttachmentError = repo.AttachmentError
MAX_BYTES = repo.MAX_BYTES


class TradeAttachmentsService:
    def __init__(self, store: Store, bus: EventBus | None, now: Callable[[], datetime]) -> None:
        self._store, self._bus = store, bus
        self._now = now  # the market clock: stamps the attachment

    def _changed(self, trade_id: str) -> None:
        if self._bus is not None:
            self._bus.publish(TradeAttachmentsChanged(trade_id))

    async def attach(self, trade_id: str, png: bytes, caption: str = "") -> TradeAttachment:
        """Attach a PNG to the trade (``AttachmentError`` in plain words: not a PNG, too big)."""
        repo.check_png(png)  # before queueing 8 MB on the store thread
        at = self._now()
        saved = await self._store.run(lambda s: repo.add(s, trade_id, png, caption, at))
        self._changed(trade_id)
        return saved

    async def attachments(self, trade_id: str) -> list[TradeAttachment]:
        return await self._store.run(lambda s: repo.for_trade(s, trade_id))

    async def image(self, sha256: str) -> bytes:
        return await self._store.run(lambda s: repo.blob(s, sha256))

    async def remove(self, attachment_id: int) -> TradeAttachment:
        removed = await self._store.run(lambda s: repo.remove(s, attachment_id))
        self._changed(removed.trade_id)
        return removed

    async def counts(self, trade_ids: Iterable[str] | None = None) -> dict[str, int]:
        ids = None if trade_ids is None else list(trade_ids)
        return await self._store.run(lambda s: repo.counts(s, ids))
