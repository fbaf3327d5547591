"""Fixtures for the end-to-end tests that run against the Bot API emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from harness import Emulator, emulator_unavailable_reason


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A running emulator (fresh per test); skips the test if Node or the package is missing."""
    reason = emulator_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    async with Emulator() as emu:
        yield emu
