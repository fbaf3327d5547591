"""deploy/rasa_server.py keeps the action server's connections alive, run inside Rasa's own
environment (.venv-rasa) with Rasa's real ``EndpointConfig`` against a small HTTP server on
loopback: several calls share one connection, the headers still travel with each call, and
a call after the server restarted (its old connection gone) opens a new one and succeeds."""

from __future__ import annotations

import pytest

from devtools.stack import RASA_PYTHON
from tests.unit.test_rasa_action_validation import run_in_rasa

PROBE = r"""
import asyncio, sys
sys.path.insert(0, "deploy")
import rasa_server
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

peers, secrets = [], []

async def webhook(request):
    peers.append(request.transport.get_extra_info("peername")[1])
    secrets.append(request.headers.get("X-Secret"))
    return web.json_response({"events": [], "responses": []})

async def serve(port=0):
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]

async def calls(endpoint, count):
    for _ in range(count):
        assert await endpoint.request(json={"next_action": "x"}, method="post") == {
            "events": [], "responses": []}

async def scenario(kept):
    peers.clear(); secrets.clear()
    runner, port = await serve()
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Secret": "s"})
    await calls(endpoint, 3)
    first = list(peers)
    await runner.cleanup()  # the action server restarts on the same port
    runner, _ = await serve(port)
    await calls(endpoint, 2)
    await runner.cleanup()
    await rasa_server.close_kept_connections()
    return first, list(peers), list(secrets)

first, peers_all, sent = asyncio.run(scenario(False))
assert len(set(first)) == 3, first  # Rasa's own code: a new connection for every call
rasa_server.install_kept_connections()
first, peers_all, sent = asyncio.run(scenario(True))
assert len(set(first)) == 1, first
assert len(set(peers_all[3:])) == 1 and peers_all[3] != first[0], peers_all
assert sent == ["s"] * 5, sent
print("ok")
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's environment is not installed")
def test_kept_connections_in_rasa() -> None:
    run_in_rasa(PROBE)
