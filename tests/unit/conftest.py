from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.db import make_engine, make_session_factory, upgrade


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'rebond.db'}"
    upgrade(url)
    return url


@pytest.fixture
def action_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the action server's lazily created engine at a fresh migrated database."""
    from actions import common

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    common.settings.cache_clear()
    common.sessions.cache_clear()
    yield sqlite_url
    common.settings.cache_clear()
    common.sessions.cache_clear()


@pytest.fixture
def session_factory(sqlite_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    yield make_session_factory(engine)
    engine.dispose()
