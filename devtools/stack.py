"""Start the local stack: action server + Rasa server (+ the bot), and stop it all cleanly.

Used by ``make run`` and by the end-to-end tests, so both run the very same processes.
Rasa lives in its own environment (.venv-rasa, Python 3.10); everything else in .venv.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "models" / "rebond.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tracker_store_config(url: str, root: Path = ROOT) -> dict[str, Any]:
    """Rasa's SQL tracker store settings from a SQLAlchemy URL (Rasa wants the parts)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = Path(parsed.database or "var/tracker.db")
        if not database.is_absolute():
            database = root / database
        database.parent.mkdir(parents=True, exist_ok=True)
        return {"type": "SQL", "dialect": "sqlite", "db": str(database)}
    if backend == "postgresql":
        config: dict[str, Any] = {
            "type": "SQL",
            "dialect": "postgresql",
            "url": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "db": parsed.database or "rasa",
        }
        if parsed.username:
            config["username"] = parsed.username
        if parsed.password:
            config["password"] = parsed.password
        return config
    raise ValueError(f"unsupported tracker database: {backend}")


def write_endpoints(path: Path, *, action_port: int, tracker_url: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    endpoints = {
        "action_endpoint": {"url": f"http://127.0.0.1:{action_port}/webhook"},
        "tracker_store": tracker_store_config(tracker_url),
    }
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


@dataclass
class Stack:
    rasa_url: str
    action_url: str
    auth_token: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


def _wait_ready(
    check: Any, what: str, process: subprocess.Popen[bytes], timeout: float, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{what} exited with code {process.returncode}:\n{tail}")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s (see {log})")


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def running_stack(
    *,
    database_url: str,
    tracker_url: str,
    model: Path = MODEL,
    log_dir: Path = ROOT / "var" / "log",
    rasa_port: int | None = None,
    action_port: int | None = None,
    auth_token: str | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float = 180.0,
) -> Iterator[Stack]:
    """Start the action server and Rasa on loopback; stop both (and their children) on exit."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make model` first")
    rasa_port = rasa_port or free_port()
    action_port = action_port or free_port()
    # Hex: a urlsafe token may start with "-", which the rasa CLI reads as an option.
    auth_token = auth_token or secrets.token_hex(24)
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(
        log_dir.parent / f"endpoints-{rasa_port}.yml",
        action_port=action_port,
        tracker_url=tracker_url,
    )
    env = {
        **os.environ,
        **(extra_env or {}),
        "DATABASE_URL": database_url,
        "TRACKER_DATABASE_URL": tracker_url,
        "PYTHONUNBUFFERED": "1",
    }
    stack = Stack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", auth_token)
    action_log = log_dir / "actions.log"
    rasa_log = log_dir / "rasa.log"
    try:
        # Own sessions: Ctrl-C in the terminal reaches us only, and we stop them in order.
        with action_log.open("ab") as out:
            actions = subprocess.Popen(
                [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stack.processes.append(actions)
        with rasa_log.open("ab") as out:
            rasa = subprocess.Popen(
                [
                    str(RASA),
                    "run",
                    "--model",
                    str(model),
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(ROOT / "credentials.yml"),
                    "--enable-api",
                    f"--auth-token={auth_token}",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(rasa_port),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stack.processes.append(rasa)
        _wait_ready(
            lambda: httpx.get(f"{stack.action_url}/health", timeout=2).status_code == 200,
            "action server",
            actions,
            timeout,
            action_log,
        )
        _wait_ready(
            lambda: bool(
                httpx.get(f"{stack.rasa_url}/status", params={"token": auth_token}, timeout=2)
                .json()
                .get("model_id")
            ),
            "Rasa server",
            rasa,
            timeout,
            rasa_log,
        )
        yield stack
    finally:
        _stop(stack.processes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Rebond locally (make run)")
    parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from coach.settings import Settings

    settings = Settings.from_env()
    print("Démarrage de Rebond (serveur d'actions et Rasa, environ 30 s)…", flush=True)
    with running_stack(
        database_url=settings.database_url,
        tracker_url=settings.tracker_database_url,
        auth_token=settings.rasa_auth_token,
    ) as stack:
        os.environ["RASA_URL"] = stack.rasa_url
        os.environ["RASA_AUTH_TOKEN"] = stack.auth_token
        from bot.__main__ import main as bot_main

        try:
            return bot_main()
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
