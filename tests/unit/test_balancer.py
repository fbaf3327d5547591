"""The cluster's load balancer (devtools/balancer.py): round-robin, routing by chat,
failover on refused connections, and the retry of a request cut before any answer."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from devtools.balancer import Pool, chat_of, parse_pool, start_pool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Backend:
    """A tiny HTTP server that answers its own name, or dies under the request."""

    def __init__(self, name: str, *, die: bool = False) -> None:
        self.name = name
        self.die = die
        self.port = free_port()
        self.seen: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        body = await reader.readexactly(length) if length else b""
        self.seen.append(body)
        if self.die:
            writer.transport.abort()  # closed before a single byte of answer
            return
        payload = json.dumps({"backend": self.name}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        writer.close()

    async def __aenter__(self) -> Backend:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.close()


async def serve(pool: Pool) -> AsyncIterator[str]:
    server = await start_pool(pool)
    try:
        yield f"http://127.0.0.1:{pool.port}"
    finally:
        server.close()


def update(chat: int) -> dict[str, object]:
    return {"update_id": 1, "message": {"message_id": 1, "chat": {"id": chat}, "text": "x"}}


async def test_round_robin_then_failover_when_a_backend_is_down() -> None:
    async with Backend("a") as a, Backend("b") as b:
        dead = free_port()  # nothing listens there
        pool = Pool("rasa", free_port(), [a.port, dead, b.port])
        async for url in serve(pool):
            async with httpx.AsyncClient() as http:
                names = [
                    (await http.post(f"{url}/webhooks/rest/webhook", json={"n": i})).json()[
                        "backend"
                    ]
                    for i in range(6)
                ]
                stats = (await http.get(f"{url}/__balancer")).json()
    assert set(names) == {"a", "b"}
    assert names.count("a") >= 2 and names.count("b") >= 2
    assert stats["served"] == {str(a.port): len(a.seen), str(dead): 0, str(b.port): len(b.seen)}
    assert stats["failovers"] >= 1 and stats["errors"] == 0
    # Each request reached exactly one backend, body intact.
    assert sorted(json.loads(body)["n"] for body in a.seen + b.seen) == list(range(6))


async def test_updates_of_one_chat_go_to_one_backend() -> None:
    async with Backend("a") as a, Backend("b") as b:
        pool = Pool("webhook", free_port(), [a.port, b.port], by_chat=True)
        async for url in serve(pool):
            async with httpx.AsyncClient() as http:
                chosen = {
                    chat: {
                        (await http.post(url, json=update(chat))).json()["backend"]
                        for _ in range(4)
                    }
                    for chat in range(100, 110)
                }
    assert all(len(names) == 1 for names in chosen.values())
    assert {name for names in chosen.values() for name in names} == {"a", "b"}


@pytest.mark.parametrize("retry", [True, False])
async def test_a_request_cut_before_any_answer_is_retried_only_when_allowed(retry: bool) -> None:
    async with Backend("dying", die=True) as dying, Backend("b") as b:
        pool = Pool("actions", free_port(), [dying.port, b.port], retry_in_flight=retry)
        async for url in serve(pool):
            async with httpx.AsyncClient() as http:
                response = await http.post(f"{url}/webhook", json={"n": 1})
    assert len(dying.seen) == 1
    if retry:
        assert response.status_code == 200 and response.json()["backend"] == "b"
        assert pool.retries == 1
    else:
        assert response.status_code == 502 and b.seen == []


def test_chat_of_reads_messages_edits_and_buttons() -> None:
    assert chat_of(json.dumps(update(42)).encode()) == 42
    assert chat_of(json.dumps({"edited_message": {"chat": {"id": 7}}}).encode()) == 7
    button = {"callback_query": {"from": {"id": 9}, "message": {"chat": {"id": 8}}}}
    assert chat_of(json.dumps(button).encode()) == 8
    assert chat_of(b"not json") is None


def test_parse_pool() -> None:
    pool = parse_pool("webhook=8000:8001,8002:chat:retry")
    assert (pool.port, pool.backends, pool.by_chat, pool.retry_in_flight) == (
        8000,
        [8001, 8002],
        True,
        True,
    )
    with pytest.raises(ValueError):
        parse_pool("x=1:2:sticky")
