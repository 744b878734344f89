"""A TCP proxy in front of the broker that a signal cuts off and restores (its own process).

`python -m ptfc.chaos.proxy LISTEN_PORT TARGET_PORT`. The broker advertises the proxy's address,
so every client (services and partners alike) reaches it only through here. SIGUSR1: every open
connection is reset and new ones are refused, as a broker that went down; SIGUSR2: it listens
again, as the same broker back with its data (the log and committed offsets kept, as Apache
Kafka keeps them on disk). SIGTERM ends it.
"""
from __future__ import annotations

import asyncio
import signal
import sys


class Proxy:
    """Also the tests' cuttable proxy in front of PostgreSQL or the broker (tests/support/proxy.py)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.base_events.Server | None = None
        self.port = 0  # chosen by the first start() when not given
        self.links: set[asyncio.StreamWriter] = set()

    async def start(self, port: int = 0) -> "Proxy":
        self.server = await asyncio.start_server(self.accept, "127.0.0.1", port or self.port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def cut(self) -> None:
        """Refuse new connections and reset every open one, as a server that went down."""
        if self.server is not None:
            self.server.close()
            self.server = None
        for w in list(self.links):
            w.transport.abort()  # RST: the clients see a server that went away
        self.links.clear()

    async def restore(self) -> None:
        if self.server is None:
            await self.start(self.port)

    async def accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.links |= {writer, up_w}
        asyncio.ensure_future(self.pipe(reader, up_w))
        asyncio.ensure_future(self.pipe(up_r, writer))

    async def pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(256 * 1024):
                dst.write(data)
                await dst.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            dst.transport.abort()
            self.links.discard(dst)


async def main(port: int, target: int) -> None:
    proxy = await Proxy("127.0.0.1", target).start(port)
    loop, done = asyncio.get_running_loop(), asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, lambda: asyncio.ensure_future(proxy.cut()))
    loop.add_signal_handler(signal.SIGUSR2, lambda: asyncio.ensure_future(proxy.restore()))
    loop.add_signal_handler(signal.SIGTERM, done.set)
    await done.wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
