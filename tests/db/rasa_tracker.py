"""A stand-in for Rasa's tracker store: its ``events`` table (same columns as Rasa 3.6's
SQLTrackerStore) in a throw-away database — SQLite, or PostgreSQL when TEST_DATABASE_URL
is set — so that pruning, export and erasure run the SQL they run in production."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@contextmanager
def throwaway_database(label: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database, dropped afterwards (PostgreSQL) or in ``folder``."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{folder / f'{label}.db'}"
        return
    server = make_url(base)
    name = f"rebond_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create_events_table(engine: Engine) -> None:
    EVENTS.metadata.create_all(engine)


def add_event(
    engine: Engine,
    sender: int | str,
    type_name: str,
    at: dt.datetime,
    **data: Any,
) -> None:
    """One event as Rasa stores it: the event's dict as JSON in ``data``."""
    body = {"event": type_name, "timestamp": at.timestamp(), **data}
    with engine.begin() as connection:
        connection.execute(
            EVENTS.insert().values(
                sender_id=str(sender),
                type_name=type_name,
                timestamp=at.timestamp(),
                intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                action_name=data.get("name"),
                data=json.dumps(body),
            )
        )


def count_events(engine: Engine, sender: int | str | None = None) -> int:
    query = select(func.count()).select_from(EVENTS)
    if sender is not None:
        query = query.where(EVENTS.c.sender_id == str(sender))
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def clear_events(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(EVENTS.delete())
