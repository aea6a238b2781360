"""The trade-attachments service: attach stamps the market clock and says so on the bus (heard as a
JournalChanged), lists without bytes, reads the image back, removes, counts per trade."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from app.core.bus import EventBus
from app.core.events import JournalChanged, TradeAttachmentsChanged
from app.core.journal.attachments import AttachmentError, TradeAttachmentsService
from data.store.attachments import PNG_SIGNATURE
from data.store.database import Store

MARKET_NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # a replay's clock, far from the wall clock
PNG = PNG_SIGNATURE + b"a chart"


async def test_attach_list_read_count_and_remove(tmp_path) -> None:
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus = EventBus()
    heard: list[JournalChanged] = []
    bus.subscribe(JournalChanged, heard.append)
    service = TradeAttachmentsService(store, bus, lambda: MARKET_NOW)
    try:
        saved = await service.attach("tos:1", PNG, "entry")
        assert saved.created_at == MARKET_NOW and saved.caption == "entry"
        assert heard == [TradeAttachmentsChanged("tos:1")]
        assert await service.attachments("tos:1") == [saved]
        assert await service.image(saved.sha256) == PNG
        assert await service.counts() == {"tos:1": 1}
        with pytest.raises(AttachmentError, match="Only PNG"):
            await service.attach("tos:1", b"not an image")
        assert len(heard) == 1
        assert await service.remove(saved.id) == saved
        assert heard[-1] == TradeAttachmentsChanged("tos:1")
        assert await service.attachments("tos:1") == [] and await service.counts(["tos:1"]) == {}
    finally:
        await asyncio.to_thread(store.close)
