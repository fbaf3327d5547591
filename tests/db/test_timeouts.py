"""Database timeouts (SPEC §10): a database that is down, frozen, slow or locked costs
seconds, never a hang.

The statement and lock timeouts need PostgreSQL (TEST_DATABASE_URL); the connect timeout
is tested against a local socket that accepts connections and never answers — what a
frozen server (SIGSTOP) or a black-holed address looks like to the client.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from coach.db import (
    PG_CONNECT_TIMEOUT,
    PG_LOCK_TIMEOUT_MS,
    PG_STATEMENT_TIMEOUT_MS,
    POOL_TIMEOUT,
    make_engine,
)


@pytest.fixture
def pg_url(database_url: str) -> str:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    return database_url


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that completes the TCP handshake and then says nothing, ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)  # kept open, never read, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        for connection in accepted:
            connection.close()
        listener.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seconds_to_fail(url: str, **options: object) -> float:
    engine = make_engine(url, **options)  # type: ignore[arg-type]
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError), engine.connect():
            pass
    finally:
        engine.dispose()
    return time.monotonic() - started


# --------------------------------------------------------------------------- connect


def test_a_silent_server_fails_within_the_connect_timeout(silent_server: int) -> None:
    url = f"postgresql+psycopg://rebond@127.0.0.1:{silent_server}/rebond"
    elapsed = seconds_to_fail(url, connect_timeout=2)
    assert 1.5 <= elapsed < 4.0, f"{elapsed:.1f} s for a 2 s connect timeout"


def test_the_default_connect_timeout_applies(silent_server: int) -> None:
    url = f"postgresql+psycopg://rebond@127.0.0.1:{silent_server}/rebond"
    elapsed = seconds_to_fail(url)
    assert PG_CONNECT_TIMEOUT - 0.5 <= elapsed < PG_CONNECT_TIMEOUT + 2, f"{elapsed:.1f} s"


def test_a_closed_port_fails_at_once() -> None:
    url = f"postgresql+psycopg://rebond@127.0.0.1:{closed_port()}/rebond"
    assert seconds_to_fail(url) < 2.0


def test_the_pool_does_not_wait_forever_for_a_connection() -> None:
    engine = make_engine("postgresql+psycopg://rebond@127.0.0.1:1/rebond")
    try:
        assert engine.pool.timeout() == POOL_TIMEOUT  # type: ignore[attr-defined]
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- statements


def test_the_default_limits_are_set_on_every_connection(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            statement = connection.scalar(text("SHOW statement_timeout"))
            lock = connection.scalar(text("SHOW lock_timeout"))
    finally:
        engine.dispose()
    assert statement == f"{PG_STATEMENT_TIMEOUT_MS // 1000}s"
    assert lock == f"{PG_LOCK_TIMEOUT_MS // 1000}s"


def test_a_statement_beyond_the_timeout_fails_quickly(pg_url: str) -> None:
    engine = make_engine(pg_url, statement_timeout_ms=300)
    try:
        with engine.connect() as connection:
            started = time.monotonic()
            with pytest.raises(OperationalError, match="statement timeout"):
                connection.execute(text("SELECT pg_sleep(10)"))
            elapsed = time.monotonic() - started
            connection.rollback()
            # The connection is still usable afterwards.
            assert connection.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()
    assert 0.25 <= elapsed < 2.0, f"{elapsed:.2f} s for a 0.3 s statement timeout"


def test_waiting_for_a_lock_fails_quickly(pg_url: str) -> None:
    engine = make_engine(pg_url, lock_timeout_ms=300)
    try:
        with engine.connect() as holder, engine.connect() as waiter:
            holder.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            started = time.monotonic()
            with pytest.raises(OperationalError, match="lock timeout"):
                waiter.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            elapsed = time.monotonic() - started
            waiter.rollback()
            holder.rollback()
    finally:
        engine.dispose()
    assert elapsed < 2.0, f"{elapsed:.2f} s for a 0.3 s lock timeout"


def settings_of(url: str, **options: object) -> tuple[str, str, str]:
    engine = make_engine(url, **options)  # type: ignore[arg-type]
    try:
        with engine.connect() as connection:
            return (
                str(connection.scalar(text("SHOW statement_timeout"))),
                str(connection.scalar(text("SHOW lock_timeout"))),
                str(connection.scalar(text("SHOW application_name"))),
            )
    finally:
        engine.dispose()


def test_limits_can_be_switched_off_or_set_in_the_url(pg_url: str) -> None:
    # 0 switches a limit off (a long migration).
    assert settings_of(pg_url, statement_timeout_ms=0)[:2] == ("0", "5s")
    # A URL's own value wins; its other options are kept, and ours are added.
    own = make_url(pg_url).update_query_dict(
        {"options": "-c statement_timeout=1234 -c application_name=rebond-test"}
    )
    assert settings_of(own.render_as_string(hide_password=False)) == (
        "1234ms",
        "5s",
        "rebond-test",
    )
    other = make_url(pg_url).update_query_dict({"options": "-c application_name=rebond-test"})
    assert settings_of(other.render_as_string(hide_password=False)) == (
        "15s",
        "5s",
        "rebond-test",
    )
