"""Fixtures for the end-to-end tests that run against the Bot API emulator.

``E2E_BACKEND`` chooses the databases and the lock store (tests/e2e/backends.py): ``sqlite``
(default, the local chat's configuration) or ``postgres`` (production: PostgreSQL for both
databases, Rasa's Redis lock store). ``make e2e`` runs the whole suite on ``postgres`` and
the tests marked ``sqlite_pass`` on ``sqlite``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from apps import polling_bot
from backends import Backend, provisioned, unreachable_reason
from harness import Emulator, emulator_unavailable_reason

from devtools.stack import MODEL, Stack, running_stack

# Every turn of an end-to-end test goes through the real Rasa, whose answer takes a median of
# 1.4 s and a p95 of 4.4 s when the machine is busy (README, `make bench`): a 20-turn scenario
# can legitimately pass pyproject's 120 s default. Fixtures are not timed (timeout_func_only).
E2E_TIMEOUT_S = 300


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_pass: also run on SQLite without a lock store (the local chat's "
        "configuration) by `make e2e`, after the full pass on PostgreSQL and Redis",
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """The production pass stops at once, with one message, when PostgreSQL or Redis cannot
    be used: it never falls back to SQLite and never turns into skips."""
    here = Path(__file__).parent
    if not any(item.path.is_relative_to(here) for item in session.items):
        return
    try:
        reason = unreachable_reason()
    except ValueError as error:
        reason = str(error)
    if reason is not None:
        pytest.exit(f"tests/e2e: {reason}", returncode=pytest.ExitCode.TESTS_FAILED)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A longer timeout for the end-to-end tests, unless a test sets its own."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A running emulator (fresh per test); skips the test if Node or the package is missing."""
    reason = emulator_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    async with Emulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """This run's databases (fresh, migrated, dropped at the end) and lock store."""
    with provisioned(tmp_path_factory.mktemp("e2e")) as chosen:
        yield chosen


@pytest.fixture(scope="session")
def databases(backend: Backend) -> tuple[str, str]:
    return backend.app_url, backend.tracker_url


@pytest.fixture(scope="session")
def stack(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = emulator_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make model` must run before the e2e tests")
    with running_stack(
        database_url=backend.app_url,
        tracker_url=backend.tracker_url,
        log_dir=tmp_path_factory.mktemp("logs"),
        lock_store_url=backend.lock_store_url,
        lock_store_prefix=backend.lock_store_prefix or "rebond",
    ) as running:
        yield running


@pytest_asyncio.fixture
async def telegram(stack: Stack, databases: tuple[str, str]) -> AsyncIterator[Emulator]:
    # The same sequence as Application.run_polling(), which owns the event loop there.
    async with Emulator() as emu, polling_bot(emu, stack, databases):
        yield emu
