"""The production pass of the end-to-end suite fails loudly when it cannot run as asked.

`make e2e` runs tests/e2e with E2E_BACKEND=postgres: an empty URL, an unreachable PostgreSQL
or Redis, or an unknown backend must stop pytest with a failing exit code and one message
naming the cause, before any test runs — never fall back to SQLite, never turn into skips.
These runs stop at collection, so they take a second or two each (no Rasa is started).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


def run_e2e_collection(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/e2e/test_production_path.py",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"E2E_POSTGRES_URL": ""}, "E2E_POSTGRES_URL is set but empty"),
        ({"E2E_BACKEND": "mysql"}, "E2E_BACKEND='mysql'"),
        (
            {"E2E_POSTGRES_URL": "postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"},
            "is unreachable",
        ),
        ({"E2E_REDIS_URL": "redis://127.0.0.1:{port}/0"}, "is unreachable"),
    ],
)
def test_the_production_pass_fails_loudly(env: dict[str, str], message: str) -> None:
    port = str(closed_port())
    settings = {"E2E_BACKEND": "postgres", **{k: v.format(port=port) for k, v in env.items()}}
    result = run_e2e_collection(**settings)
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert message in output, output
    assert "passed" not in output and "skipped" not in output


def test_the_default_backend_is_sqlite_and_needs_neither_server() -> None:
    port = str(closed_port())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e/test_production_path.py", "-q", "--co"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "E2E_BACKEND"},
            "E2E_POSTGRES_URL": f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            "E2E_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 test collected" in result.stdout


def test_each_run_can_have_its_own_lock_prefix() -> None:
    from devtools.stack import endpoints_document, lock_store_config

    assert lock_store_config("redis://127.0.0.1:6379/2", "rebonde2eab12")["key_prefix"] == (
        "rebonde2eab12"
    )
    assert lock_store_config("redis://127.0.0.1:6379/2")["key_prefix"] == "rebond"
    with pytest.raises(ValueError, match="alphanumeric"):
        lock_store_config("redis://127.0.0.1:6379/2", "rebond-e2e")  # Rasa would ignore it
    endpoints, _ = endpoints_document(
        action_port=5055,
        tracker_url="sqlite:///t.db",
        lock_store_url="redis://127.0.0.1:6379/0",
        lock_store_prefix="run42",
    )
    assert endpoints["lock_store"]["key_prefix"] == "run42"
