"""Migrations are the schema: they apply cleanly and agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, ForeignKey, inspect

from coach.db import alembic_config
from coach.models import Base
from coach.privacy import EXPORT_SECTIONS, NESTED_SECTIONS, owned_models


def test_upgrade_head_reaches_the_latest_revision(engine: Engine, database_url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models differ from migrations: {diff}"


def test_every_table_is_owned_by_a_user_and_covered_by_export(engine: Engine) -> None:
    # The inbox is a queue of updates waiting for their answer, keyed by the Telegram id
    # because it exists before consent: /supprimer clears it by that id (tests/db/test_inbox).
    # The sending budgets hold one counter per bot token and nothing about anyone.
    transient = {"inbox_updates", "send_budgets"}
    tables = set(inspect(engine).get_table_names()) - {"alembic_version", "users", *transient}
    exported = {model.__tablename__ for model, _ in EXPORT_SECTIONS.values()}
    nested = {section.model.__tablename__ for section in NESTED_SECTIONS.values()}
    assert tables == exported | nested, "every table must join /export and /supprimer"
    # /supprimer erases exactly those tables, children before their parents.
    erased = [model.__tablename__ for model in owned_models()]
    assert set(erased) == tables and len(erased) == len(tables)
    assert erased.index("milestones") < erased.index("goals")
    # A nested table is exported inside a top-level section, never on its own.
    assert set(NESTED_SECTIONS) <= set(EXPORT_SECTIONS) and not exported & nested
    for name in tables:
        foreign_keys: set[ForeignKey] = Base.metadata.tables[name].foreign_keys
        to_users = [fk for fk in foreign_keys if fk.column.table.name == "users"]
        assert to_users and all(fk.ondelete == "CASCADE" for fk in to_users), name
