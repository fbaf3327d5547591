"""Engine factory, session helpers and migrations."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from coach.settings import PROJECT_ROOT

#: PostgreSQL limits (SPEC §10: every network call has a timeout). A URL that sets one
#: itself (``?connect_timeout=10``, ``?options=-c statement_timeout=60000``) keeps its value.
PG_CONNECT_TIMEOUT = 5  # seconds to open a connection (TCP, TLS, authentication)
PG_STATEMENT_TIMEOUT_MS = 15_000  # one statement; our queries take milliseconds
PG_LOCK_TIMEOUT_MS = 5_000  # waiting for a row or table lock
POOL_TIMEOUT = 10  # seconds to wait for a free connection of the pool
# Detect a dead server on an idle pooled connection in about a minute, not hours.
_PG_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
_LIBPQ_DRIVERS = frozenset({"psycopg", "psycopg2", "psycopg2cffi"})


def make_engine(
    url: str,
    *,
    connect_timeout: float = PG_CONNECT_TIMEOUT,
    statement_timeout_ms: int = PG_STATEMENT_TIMEOUT_MS,
    lock_timeout_ms: int = PG_LOCK_TIMEOUT_MS,
    **kwargs: Any,
) -> Engine:
    """Create an engine for SQLite (default) or PostgreSQL.

    SQLite gets its parent directory created, foreign keys switched on (deleting a user
    must cascade) and a busy timeout so that the bot and the action server can share it.
    PostgreSQL (psycopg) gets a connect timeout, a statement timeout and a lock timeout
    (``0`` switches one off, e.g. for a long migration), TCP keepalives and a pool timeout,
    so that a database that is down, frozen or locked costs seconds, never a hang.
    """
    parsed = make_url(url)
    # What people write (feedback, journal) must never reach a log through a failed
    # statement's parameters.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 15})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in _LIBPQ_DRIVERS:
        kwargs["connect_args"] = _pg_connect_args(
            parsed.query,
            dict(kwargs.get("connect_args") or {}),
            connect_timeout=connect_timeout,
            statement_timeout_ms=statement_timeout_ms,
            lock_timeout_ms=lock_timeout_ms,
        )
        if kwargs.get("poolclass") is None:
            kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
    return create_engine(url, **kwargs)


def _pg_connect_args(
    query: Mapping[str, Any],
    connect_args: dict[str, Any],
    *,
    connect_timeout: float,
    statement_timeout_ms: int,
    lock_timeout_ms: int,
) -> dict[str, Any]:
    """libpq connection parameters: the caller's and the URL's win over our defaults."""
    given = set(query) | set(connect_args)
    if "connect_timeout" not in given and connect_timeout > 0:
        # libpq reads whole seconds; below 2 it uses 2.
        connect_args["connect_timeout"] = max(1, math.ceil(connect_timeout))
    # Our limits are added to the options the URL or the caller give, unless they set them.
    given_options = connect_args.get("options", query.get("options", ""))
    if not isinstance(given_options, str):  # a key repeated in the URL
        given_options = " ".join(given_options)
    options = [given_options] if given_options else []
    limits = {"statement_timeout": statement_timeout_ms, "lock_timeout": lock_timeout_ms}
    options += [
        f"-c {name}={int(value)}" for name, value in limits.items() if name not in given_options
    ]
    if options:
        connect_args["options"] = " ".join(options)
    for name, value in _PG_KEEPALIVES.items():
        if name not in given:
            connect_args[name] = value
    return connect_args


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "coach" / "migrations"))
    # "%" must be escaped for configparser (passwords in URLs may contain it).
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations: the only way the schema changes."""
    from alembic import command

    make_engine(url).dispose()  # creates the SQLite directory if needed
    command.upgrade(alembic_config(url), revision)
