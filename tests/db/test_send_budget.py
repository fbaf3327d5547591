"""coach.send_budget on SQLite and PostgreSQL: one rate for all the processes of a bot,
and a pause that every process honours."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

from sqlalchemy import Engine

from coach import send_budget
from coach.db import make_session_factory

T0 = dt.datetime(2026, 12, 5, 13, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_the_budget_refills_at_its_rate_and_holds_a_quarter_second(engine: Engine) -> None:
    factory = make_session_factory(engine)
    name = f"bot-{uuid.uuid4().hex[:8]}"
    # Starts full: a quarter of a second's worth (30/s → 7.5, so 7 whole tokens).
    assert send_budget.draw(factory, name, rate=30, wanted=100, now=at(0)).tokens == 7
    empty = send_budget.draw(factory, name, rate=30, wanted=1, now=at(0))
    assert empty.tokens == 0 and 0 < empty.wait <= 1 / 30 * 1.0001
    assert send_budget.draw(factory, name, rate=30, wanted=100, now=at(0.1)).tokens == 3
    # Idle for a minute: still at most the capacity.
    assert send_budget.draw(factory, name, rate=30, wanted=100, now=at(60)).tokens == 7


def test_a_pause_stops_every_process(engine: Engine) -> None:
    factory = make_session_factory(engine)
    name = f"bot-{uuid.uuid4().hex[:8]}"
    send_budget.pause(factory, name, 5, now=at(0))
    paused = send_budget.draw(factory, name, rate=30, wanted=1, now=at(1))
    assert paused.tokens == 0 and paused.wait == 4
    assert send_budget.draw(factory, name, rate=30, wanted=1, now=at(6)).tokens == 1


def test_processes_drawing_together_share_one_rate(engine: Engine) -> None:
    """Four threads with their own sessions draw as fast as they can for 1.5 s: together
    they get at most the rate times the time, plus the starting capacity."""
    factory = make_session_factory(engine)
    name = f"bot-{uuid.uuid4().hex[:8]}"
    rate, seconds = 40.0, 1.5
    taken = [0] * 4
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            got = send_budget.draw(factory, name, rate=rate, wanted=3)
            taken[index] += got.tokens
            if not got.tokens:
                time.sleep(min(got.wait, 0.05))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(taken)
    assert total <= rate * (seconds + 0.2) + rate / 4, taken
    assert total >= rate * seconds * 0.5, taken  # the budget is shared, not starved
    assert sum(1 for t in taken if t) >= 2, taken
