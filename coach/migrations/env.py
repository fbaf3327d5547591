"""Alembic environment: runs against DATABASE_URL or the URL given by coach.db.upgrade()."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from coach.db import make_engine
from coach.models import Base
from coach.settings import Settings

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # A migration may lock and rewrite whole tables: no statement or lock time limit.
    engine = make_engine(url, statement_timeout_ms=0, lock_timeout_ms=0)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
