"""deploy/rasa_server.py's ``install_live_waiters``, run inside Rasa's own environment: a
request waiting behind the ticket of a Rasa server that died keeps its own ticket alive, so it
is served once the dead ticket expires; with Rasa's own waiting it lost its turn to a later
request and ended in ``LockError`` (a message lost when a Rasa server is killed under load)."""

from __future__ import annotations

import pytest

from devtools.stack import RASA_PYTHON
from tests.unit.test_rasa_action_validation import run_in_rasa

PROBE = r"""
import asyncio, sys
sys.path.insert(0, "deploy")
import rasa_server
import rasa.core.lock_store as ls

LIFETIME = 1.0
ls.LOCK_LIFETIME = LIFETIME

async def scenario():
    store = ls.InMemoryLockStore()
    store.issue_ticket("c", LIFETIME)  # the holder that died: never released
    await asyncio.sleep(0.05)
    order = []

    async def waiter():
        try:
            async with store.lock("c", lock_lifetime=LIFETIME, wait_time_in_seconds=0.7):
                order.append("waiter")
        except ls.LockError:
            order.append("lost")

    async def later():
        await asyncio.sleep(0.5)
        async with store.lock("c", lock_lifetime=LIFETIME, wait_time_in_seconds=0.1):
            order.append("later")

    await asyncio.gather(waiter(), later())
    return order

before = asyncio.run(scenario())
assert before == ["later", "lost"], before  # Rasa's own waiting: the race this patch closes
rasa_server.install_live_waiters()
after = asyncio.run(scenario())
assert after == ["waiter", "later"], after
print("ok")
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's environment is not installed")
def test_a_waiter_behind_a_dead_ticket_is_served_in_its_turn() -> None:
    run_in_rasa(PROBE)
