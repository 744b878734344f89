"""A TCP proxy a test can cut, to simulate a database outage against any Postgres."""
from __future__ import annotations

import asyncio


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.base_events.Server | None = None
        self.port = 0
        self._links: set[asyncio.StreamWriter] = set()

    async def start(self, port: int = 0) -> "CuttableProxy":
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", port or self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def cut(self) -> None:
        """Refuse new connections and drop every open one, as a crashed server would."""
        self.server.close()
        for w in list(self._links):
            w.transport.abort()
        self._links.clear()
        await self.server.wait_closed()

    async def restore(self) -> None:
        await self.start(self.port)

    async def _accept(self, reader, writer) -> None:
        try:
            up_r, up_w = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._links |= {writer, up_w}

        async def pipe(src, dst):
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.transport.abort()
                self._links.discard(dst)

        asyncio.ensure_future(pipe(reader, up_w))
        asyncio.ensure_future(pipe(up_r, writer))
