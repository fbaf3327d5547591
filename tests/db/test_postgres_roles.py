"""The Docker stack's database roles, on a real PostgreSQL (issue 13, least exposure).

deploy/postgres-init/01-roles-and-databases.sh is run as the image would run it (psql as the
superuser), with throw-away role and database names, against TEST_DATABASE_URL's server. Then
each role is tried: the application role migrates its own database and reaches nothing else,
the tracker role only its database, the eraser reads and deletes Rasa's events and can do
nothing more. Skipped on SQLite (``make db`` runs it on its PostgreSQL pass).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from coach.db import upgrade

SCRIPT = (
    Path(__file__).resolve().parents[2] / "deploy" / "postgres-init" / "01-roles-and-databases.sh"
)


@dataclass
class Cluster:
    server: URL
    suffix: str

    def name(self, kind: str) -> str:
        return f"rbt_{kind}_{self.suffix}"

    def url(self, role: str, database: str) -> URL:
        return self.server.set(username=self.name(role), password=f"pw-{role}", database=database)


def _admin(url: URL) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql") or shutil.which("psql") is None:
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL and psql")
    server = make_url(base)
    found = Cluster(server, uuid.uuid4().hex[:8])
    admin = _admin(server.set(database="postgres"))
    maintenance = found.name("maint")  # stands for the image's maintenance database
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{maintenance}"'))
    env = {
        **os.environ,
        "PGHOST": server.host or "127.0.0.1",
        "PGPORT": str(server.port or 5432),
        "PGPASSWORD": server.password or "",
        "POSTGRES_USER": server.username or "postgres",
        "POSTGRES_DB": maintenance,
        "APP_DB_USER": found.name("app"),
        "APP_DB_PASSWORD": "pw-app",
        "APP_DB_NAME": found.name("app"),
        "RASA_TRACKER_USER": found.name("tracker"),
        "RASA_TRACKER_PASSWORD": "pw-tracker",
        "RASA_TRACKER_DB": found.name("tracker"),
        "TRACKER_ERASER_USER": found.name("eraser"),
        "TRACKER_ERASER_PASSWORD": "pw-eraser",
    }
    try:
        subprocess.run(["sh", str(SCRIPT)], env=env, check=True, capture_output=True, timeout=60)
        yield found
    finally:
        with admin.connect() as connection:
            # The script revokes CONNECT on template1 from PUBLIC: give this server its default.
            connection.execute(text("GRANT CONNECT ON DATABASE template1 TO PUBLIC"))
            for kind in ("app", "tracker", "maint"):
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{found.name(kind)}" WITH (FORCE)')
                )
            for kind in ("app", "tracker", "eraser"):
                connection.execute(text(f'DROP ROLE IF EXISTS "{found.name(kind)}"'))
        admin.dispose()


def _can_connect(url: URL) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except OperationalError as error:
        assert "permission denied" in str(error) or "CONNECT privilege" in str(error), error
        return False
    finally:
        engine.dispose()


def test_no_role_is_privileged(cluster: Cluster) -> None:
    admin = _admin(cluster.server.set(database="postgres"))
    with admin.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication,"
                " rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = ANY(:names)"
            ),
            {"names": [cluster.name(k) for k in ("app", "tracker", "eraser")]},
        ).all()
    admin.dispose()
    assert len(rows) == 3
    assert all(tuple(row[1:]) == (False, False, False, False, False, True) for row in rows)


def test_each_role_reaches_only_its_database(cluster: Cluster) -> None:
    app, tracker, maintenance = (cluster.name(k) for k in ("app", "tracker", "maint"))
    reach = {
        (role, database): _can_connect(cluster.url(role, database))
        for role in ("app", "tracker", "eraser")
        for database in (app, tracker, maintenance, "template1")
    }
    assert {key for key, allowed in reach.items() if allowed} == {
        ("app", app),
        ("tracker", tracker),
        ("eraser", tracker),
    }


def test_the_application_role_migrates_its_database(cluster: Cluster) -> None:
    url = cluster.url("app", cluster.name("app"))
    upgrade(url.render_as_string(hide_password=False))
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar_one() == 0
    engine.dispose()


def test_the_eraser_reads_and_deletes_rasa_events_and_nothing_more(cluster: Cluster) -> None:
    database = cluster.name("tracker")
    rasa = create_engine(cluster.url("tracker", database))
    with rasa.begin() as connection:  # what Rasa's SQL tracker store creates on first use
        connection.execute(
            text("CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id TEXT, data TEXT)")
        )
        connection.execute(
            text(
                "INSERT INTO events (sender_id, data)"
                " VALUES ('telegram-1', 'a'), ('telegram-2', 'b')"
            )
        )
    eraser = create_engine(cluster.url("eraser", database))
    with eraser.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM events")).scalar_one() == 2
        connection.execute(text("DELETE FROM events WHERE sender_id = 'telegram-1'"))
    for statement in (
        "INSERT INTO events (sender_id, data) VALUES ('telegram-3', 'c')",
        "UPDATE events SET data = 'x'",
        "CREATE TABLE other (a INT)",
        "DROP TABLE events",
    ):
        with (
            pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
            eraser.begin() as connection,
        ):
            connection.execute(text(statement))
    with rasa.connect() as connection:
        assert connection.execute(text("SELECT sender_id FROM events")).scalars().all() == [
            "telegram-2"
        ]
    rasa.dispose()
    eraser.dispose()
