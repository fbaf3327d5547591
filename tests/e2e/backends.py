"""Which databases and lock store the end-to-end suite runs on (``E2E_BACKEND``).

- ``sqlite`` (the default, and the local chat's configuration): both databases are SQLite
  files in a temporary folder, Rasa has no lock store.
- ``postgres`` (production): a fresh PostgreSQL database for the app and another for Rasa's
  tracker store, created on the server of ``E2E_POSTGRES_URL`` and dropped at the end, and
  Rasa's Redis lock store on ``E2E_REDIS_URL`` with a key prefix of its own, so that two runs
  on one Redis never share a lock.

An empty URL or a server that cannot be reached stops the run with one message: the
production pass never falls back to SQLite and never turns into skips.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from coach.db import upgrade

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REACH_TIMEOUT_S = 5
BACKENDS = ("sqlite", "postgres")


def backend() -> str:
    name = os.environ.get("E2E_BACKEND", "sqlite").strip() or "sqlite"
    if name not in BACKENDS:
        raise ValueError(f"E2E_BACKEND={name!r}: expected one of {', '.join(BACKENDS)}")
    return name


@dataclass(frozen=True)
class Backend:
    name: str
    app_url: str
    tracker_url: str
    lock_store_url: str | None = None
    lock_store_prefix: str | None = None


def _setting(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    if not value.strip():
        raise ValueError(f"{name} is set but empty: give a URL, or unset it for {default}")
    return value


def postgres_server() -> URL:
    try:
        return make_url(_setting("E2E_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    except ArgumentError as error:
        raise ValueError(f"E2E_POSTGRES_URL is not a database URL: {error}") from None


def redis_address() -> tuple[str, int, int]:
    url = make_url(_setting("E2E_REDIS_URL", DEFAULT_REDIS_URL))
    if url.get_backend_name() != "redis":
        raise ValueError(f"E2E_REDIS_URL must be a redis:// URL, not {url.get_backend_name()}")
    return url.host or "127.0.0.1", url.port or 6379, int(url.database or 0)


def redis_command(host: str, port: int, *words: str, timeout: float = REACH_TIMEOUT_S) -> bytes:
    """One Redis command over a plain socket (RESP); returns the raw first reply."""
    request = f"*{len(words)}\r\n".encode() + b"".join(
        f"${len(w.encode())}\r\n".encode() + w.encode() + b"\r\n" for w in words
    )
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        return sock.recv(65536)


def unreachable_reason() -> str | None:
    """Why the production pass cannot run here, or None when PostgreSQL and Redis answer."""
    if backend() != "postgres":
        return None
    try:
        server = postgres_server()
        host, port, _db = redis_address()
    except ValueError as error:
        return str(error)
    shown = server.render_as_string(hide_password=True)
    probe = create_engine(
        server.set(database="postgres"), connect_args={"connect_timeout": REACH_TIMEOUT_S}
    )
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        first_line = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"E2E_POSTGRES_URL={shown} is unreachable: {first_line}"
    finally:
        probe.dispose()
    try:
        answer = redis_command(host, port, "PING")
    except OSError as error:
        return f"E2E_REDIS_URL (redis://{host}:{port}) is unreachable: {error}"
    if not answer.startswith(b"+PONG"):
        return f"Redis at {host}:{port} did not answer PING: {answer[:80]!r}"
    return None


@contextlib.contextmanager
def provisioned(folder: os.PathLike[str] | str) -> Iterator[Backend]:
    """The databases (migrated) and lock store of this run; dropped afterwards."""
    if backend() == "sqlite":
        app_url = f"sqlite:///{os.fspath(folder)}/rebond.db"
        upgrade(app_url)
        yield Backend("sqlite", app_url, f"sqlite:///{os.fspath(folder)}/tracker.db")
        return
    server = postgres_server()
    host, port, db = redis_address()
    run = secrets.token_hex(5)
    names = (f"rebond_e2e_{run}", f"rebond_e2e_{run}_tracker")
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        app_url, tracker_url = (
            server.set(database=name).render_as_string(hide_password=False) for name in names
        )
        upgrade(app_url)
        yield Backend(
            "postgres",
            app_url,
            tracker_url,
            lock_store_url=f"redis://{host}:{port}/{db}",
            # Rasa takes an alphanumeric prefix only (it ignores any other).
            lock_store_prefix=f"rebonde2e{run}",
        )
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
