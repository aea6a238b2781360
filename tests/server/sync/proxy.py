"""A TCP proxy on 127.0.0.1 between a device and the server, in the test's event loop: it can be
taken offline (connections refused at once) and can cut the next connections in the middle —
after some bytes of the request (the server never sees all of the batch) or of the response (the
server stored the batch but the device never hears so)."""

from __future__ import annotations

import asyncio
import contextlib


class CuttingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.online = True
        self.cut_request_after: int | None = None  # bytes of the next request(s) let through, then cut
        self.cut_response_after: int | None = None
        self.cuts = 0  # connections cut
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    def drop_connections(self) -> None:
        """Close the kept-alive connections (the device's next request opens a new one)."""
        for writer in list(self._open):
            writer.close()

    def set_online(self, online: bool) -> None:
        self.online = online
        self.drop_connections()

    def arm(self, request_after: int | None = None, response_after: int | None = None) -> None:
        self.cut_request_after, self.cut_response_after = request_after, response_after
        self.drop_connections()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def start(self) -> CuttingProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.online:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        self._open |= {writer, up_writer}
        request_cut, response_cut = self.cut_request_after, self.cut_response_after
        pumps = [asyncio.create_task(self._pump(reader, up_writer, request_cut)),
                 asyncio.create_task(self._pump(up_reader, writer, response_cut))]
        done, pending = await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        if any(task.result() for task in done):  # a cut: drop both sides at once
            self.cuts += 1
            for task in pending:
                task.cancel()
        elif pending:
            await asyncio.wait(pending, timeout=30)
        for w in (writer, up_writer):
            self._open.discard(w)
            w.close()
            with contextlib.suppress(Exception):
                await w.wait_closed()

    @staticmethod
    async def _pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, cut_after: int | None) -> bool:
        """Copy until EOF; True when it stopped because of a cut."""
        sent = 0
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await src.read(65536):
                if cut_after is not None and sent + len(data) > cut_after:
                    dst.write(data[: max(cut_after - sent, 0)])
                    return True
                dst.write(data)
                sent += len(data)
                await dst.drain()
        with contextlib.suppress(Exception):
            dst.write_eof()
        return False
