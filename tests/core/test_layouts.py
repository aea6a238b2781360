"""The layout store: named layouts saved, loaded, listed and deleted on the store thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.layouts import SESSION, LayoutStore
from data.store.database import Store
from data.store.fast_read import DB_FILENAME, peek_layout


async def test_named_layouts_and_the_working_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        layouts = LayoutStore(store)
        assert await layouts.save("  Trading ", b"geo", b"state") == "Trading"
        await layouts.save_session(b"g", b"s")
        assert await layouts.names() == ["Trading"]  # the working layout is the app's own
        saved = await layouts.load("Trading")
        assert (saved.name, saved.geometry, saved.state) == ("Trading", b"geo", b"state")
        for bad in ("", "__session__", "Default", "options"):
            with pytest.raises(ValueError):
                await layouts.save(bad, b"", b"")
        with pytest.raises(ValueError, match="no layout named 'Missing'"):
            await layouts.load("Missing")
        await layouts.delete("Trading")
        assert await layouts.names() == []
        with pytest.raises(ValueError):
            await layouts.delete("Trading")
    finally:
        store.close()
    assert peek_layout(tmp_path / DB_FILENAME, SESSION).state == b"s"  # what the next start restores
