"""Database fixtures: a fresh, migrated database per run (SQLite file or PostgreSQL).

Set TEST_DATABASE_URL to a PostgreSQL URL to run these tests there: a throw-away
database is created next to it and dropped at the end. Each test runs inside a
transaction that is rolled back. A TEST_DATABASE_URL that is set but empty, or whose server
cannot be reached, stops the run with one clear message: it never falls back to SQLite and
never turns into skips (`make db` relies on that for its PostgreSQL pass).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from coach.db import make_engine, upgrade

HERE = Path(__file__).parent
REACH_TIMEOUT_S = 5


def unreachable_reason(base: str | None) -> str | None:
    """Why TEST_DATABASE_URL cannot be used, or None (unset: SQLite; reachable: used)."""
    if base is None:
        return None
    if not base.strip():
        return (
            "TEST_DATABASE_URL is set but empty: unset it to run on SQLite, "
            "or give a PostgreSQL URL"
        )
    try:
        server = make_url(base)
    except ArgumentError as error:
        return f"TEST_DATABASE_URL is not a database URL: {error}"
    shown = server.render_as_string(hide_password=True)
    connect_args: dict[str, int] = {}
    if server.get_backend_name() == "postgresql":
        server = server.set(database="postgres")  # where the throw-away databases are created
        connect_args["connect_timeout"] = REACH_TIMEOUT_S
    probe = create_engine(server, connect_args=connect_args)
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        first_line = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        return f"TEST_DATABASE_URL={shown} is unreachable: {first_line}"
    finally:
        probe.dispose()
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop at once, with one message, when the database asked for cannot be used."""
    if not any(item.path.is_relative_to(HERE) for item in session.items):
        return
    reason = unreachable_reason(os.environ.get("TEST_DATABASE_URL"))
    if reason is not None:
        pytest.exit(f"tests/db: {reason}", returncode=pytest.ExitCode.TESTS_FAILED)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'rebond.db'}"
        return
    server = make_url(base)
    name = f"rebond_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()
