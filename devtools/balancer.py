"""A small asyncio HTTP/1.1 load balancer for the local cluster (``make cluster``).

    python -m devtools.balancer --pool NAME=PORT:BACKEND_PORT,BACKEND_PORT[:chat][:retry] ...

Each pool listens on 127.0.0.1:PORT and forwards every request to one of its backends
(127.0.0.1 only), one fresh backend connection per request (``Connection: close`` towards
the backend; clients may keep their connection alive):

- **round-robin** by default; with ``chat``, requests whose JSON body is a Telegram update
  go to the backend picked by the update's chat id (the same chat always reaches the same
  bot while that bot is up, so its updates stay in one process's per-chat queue, in order);
- **failover**: a backend that refuses the connection is skipped and the next one tried,
  at once; the refusal is remembered for ``--down-seconds`` so later requests do not pay
  for it again;
- with ``retry``, a request whose backend closed the connection before sending a single
  byte of its answer (the process died under it) is sent again to the next backend. Only
  for pools whose requests are safe to repeat in that case (see devtools/cluster.py);
- ``GET /__balancer`` answers the pool's counters (requests per backend, failovers,
  retries) as JSON, so tests and ``make cluster`` can check that every backend served.

Nothing is logged about the requests' content.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
STATS_PATH = b"/__balancer"
MAX_HEADER = 64 * 1024
CONNECT_TIMEOUT = 3.0


class BackendGone(Exception):
    """The backend closed the connection before the first byte of its answer."""


@dataclass
class Pool:
    name: str
    port: int
    backends: list[int]
    by_chat: bool = False
    retry_in_flight: bool = False
    down_seconds: float = 2.0
    served: dict[int, int] = field(default_factory=dict)
    failovers: int = 0
    retries: int = 0
    errors: int = 0
    _next: int = 0
    _down_until: dict[int, float] = field(default_factory=dict)

    def order(self, body: bytes) -> list[int]:
        """Backends to try, first choice first."""
        count = len(self.backends)
        start = self._next % count
        if self.by_chat:
            chat = chat_of(body)
            if chat is not None:
                start = zlib.crc32(str(chat).encode()) % count
            else:
                self._next += 1
        else:
            self._next += 1
        ranked = [self.backends[(start + i) % count] for i in range(count)]
        now = time.monotonic()
        up = [b for b in ranked if self._down_until.get(b, 0.0) <= now]
        return up + [b for b in ranked if b not in up]

    def stats(self) -> dict[str, Any]:
        return {
            "pool": self.name,
            "served": {str(port): self.served.get(port, 0) for port in self.backends},
            "failovers": self.failovers,
            "retries": self.retries,
            "errors": self.errors,
        }


def chat_of(body: bytes) -> int | None:
    """The chat id of a Telegram update (message, edit or button), if the body is one."""
    try:
        update = json.loads(body)
    except ValueError:
        return None
    if not isinstance(update, dict):
        return None
    for key in ("message", "edited_message"):
        chat = (update.get(key) or {}).get("chat") or {}
        if isinstance(chat.get("id"), int):
            return int(chat["id"])
    query = update.get("callback_query") or {}
    chat = ((query.get("message") or {}).get("chat")) or {}
    if isinstance(chat.get("id"), int):
        return int(chat["id"])
    sender = query.get("from") or {}
    return int(sender["id"]) if isinstance(sender.get("id"), int) else None


async def read_head(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise
        return None
    except asyncio.LimitOverrunError:
        raise ValueError("header too large") from None
    return head


def parse_headers(head: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    lines = head.split(b"\r\n")
    headers = []
    for line in lines[1:]:
        if b":" in line:
            name, value = line.split(b":", 1)
            headers.append((name.strip(), value.strip()))
    return lines[0], headers


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


async def read_body(reader: asyncio.StreamReader, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A request body: Content-Length or chunked (decoded)."""
    encoding = (header(headers, b"transfer-encoding") or b"").lower()
    if b"chunked" in encoding:
        parts: list[bytes] = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = int(header(headers, b"content-length") or b"0")
    return await reader.readexactly(length) if length else b""


def backend_request(start: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    skip = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length"}
    lines = [start]
    lines += [k + b": " + v for k, v in headers if k.lower() not in skip]
    lines += [b"Content-Length: " + str(len(body)).encode(), b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


async def forward(port: int, request: bytes) -> tuple[bytes, list[tuple[bytes, bytes]], bytes]:
    """Send ``request`` to the backend on ``port``; its whole answer (status line, headers,
    body as sent). ``ConnectionRefusedError``/``OSError`` on connect, ``BackendGone`` if it
    closed before answering."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(HOST, port, limit=MAX_HEADER), CONNECT_TIMEOUT
    )
    try:
        writer.write(request)
        try:
            await writer.drain()
            head = await read_head(reader)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            raise BackendGone(type(error).__name__) from error
        if head is None:
            raise BackendGone("closed")
        status, headers = parse_headers(head[:-4])
        length = header(headers, b"content-length")
        # The backend closes after this answer: read it to the end, framing kept as sent.
        body = await reader.readexactly(int(length)) if length is not None else await reader.read()
        return status, headers, body
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


def client_response(status: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    skip = {b"connection", b"keep-alive", b"content-length", b"transfer-encoding"}
    chunked = b"chunked" in (header(headers, b"transfer-encoding") or b"").lower()
    lines = [status] + [k + b": " + v for k, v in headers if k.lower() not in skip]
    if chunked:
        lines.append(b"Transfer-Encoding: chunked")
    else:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def simple_response(code: int, reason: str, body: bytes, kind: bytes = b"text/plain") -> bytes:
    return (
        f"HTTP/1.1 {code} {reason}\r\n".encode()
        + b"Content-Type: "
        + kind
        + f"\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


async def answer(
    pool: Pool, start: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> bytes:
    if start.split(b" ")[1:2] == [STATS_PATH]:
        return simple_response(200, "OK", json.dumps(pool.stats()).encode(), b"application/json")
    request = backend_request(start, headers, body)
    for port in pool.order(body):
        try:
            status, out_headers, out_body = await forward(port, request)
        except BackendGone:
            pool._down_until[port] = time.monotonic() + pool.down_seconds
            if not pool.retry_in_flight:
                pool.errors += 1
                return simple_response(502, "Bad Gateway", b"backend closed the connection")
            pool.retries += 1
            continue
        except (OSError, TimeoutError):
            pool._down_until[port] = time.monotonic() + pool.down_seconds
            pool.failovers += 1
            continue
        pool._down_until.pop(port, None)
        pool.served[port] = pool.served.get(port, 0) + 1
        return client_response(status, out_headers, out_body)
    pool.errors += 1
    return simple_response(503, "Service Unavailable", b"no backend answered")


async def serve_client(
    pool: Pool, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await read_head(reader)
            if head is None:
                return
            start, headers = parse_headers(head[:-4])
            body = await read_body(reader, headers)
            response = await answer(pool, start, headers, body)
            writer.write(response)
            await writer.drain()
            version = start.rsplit(b" ", 1)[-1]
            connection = (header(headers, b"connection") or b"").lower()
            if connection == b"close" or (version == b"HTTP/1.0" and connection != b"keep-alive"):
                return
    except (ConnectionError, asyncio.IncompleteReadError, ValueError, asyncio.CancelledError):
        return  # a client gone, or the balancer stopping
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def start_pool(pool: Pool) -> asyncio.Server:
    return await asyncio.start_server(
        lambda r, w: serve_client(pool, r, w), HOST, pool.port, limit=MAX_HEADER
    )


def parse_pool(spec: str, down_seconds: float = 2.0) -> Pool:
    """``NAME=PORT:B1,B2[:chat][:retry]``."""
    name, rest = spec.split("=", 1)
    parts = rest.split(":")
    flags = set(parts[2:])
    unknown = flags - {"chat", "retry"}
    if unknown:
        raise ValueError(f"unknown pool flags: {sorted(unknown)}")
    return Pool(
        name=name,
        port=int(parts[0]),
        backends=[int(p) for p in parts[1].split(",")],
        by_chat="chat" in flags,
        retry_in_flight="retry" in flags,
        down_seconds=down_seconds,
    )


async def run(pools: list[Pool]) -> None:
    servers = [await start_pool(pool) for pool in pools]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("BALANCER READY", flush=True)
    await stop.wait()
    for server in servers:
        server.close()
    for pool in pools:
        print(json.dumps(pool.stats()), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Round-robin HTTP balancer on loopback")
    parser.add_argument("--pool", action="append", required=True, help="NAME=PORT:B1,B2[:flags]")
    parser.add_argument("--down-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    pools = [parse_pool(spec, args.down_seconds) for spec in args.pool]
    asyncio.run(run(pools))
    return 0


if __name__ == "__main__":
    sys.exit(main())
