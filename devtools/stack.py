"""Start the local stack: action server + Rasa server (+ the bot), and stop it all cleanly.

Used by ``make run`` and by the end-to-end tests, so both run the very same processes.
Rasa lives in its own environment (.venv-rasa, Python 3.10); everything else in .venv.

Least exposure (issue 13):
- both servers listen on 127.0.0.1 only;
- the action server answers Rasa only: a secret generated per run (or ACTION_SERVER_SECRET)
  goes to the action server and to Rasa through their environments, Rasa sends it in the
  ``X-Rebond-Action-Secret`` header (see actions/server.py);
- no secret on a command line: Rasa starts through deploy/rasa_server.py, which takes the
  auth token from the environment; the endpoints file names secrets as ``${VAR}``, which Rasa
  expands from its environment, so the file holds none (it is 0600 all the same);
- each process gets only the secrets it uses (the Telegram token stays in the bot's process);
- var/ and the log folder are 0700, the files we create 0600 (``umask`` 077 for children).
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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
RASA_ENTRY = ROOT / "deploy" / "rasa_server.py"
PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "models" / "rebond.tar.gz"

ACTION_SECRET_ENV = "ACTION_SERVER_SECRET"
ACTION_SECRET_HEADER = "X-Rebond-Action-Secret"
TRACKER_PASSWORD_ENV = "TRACKER_DB_PASSWORD"
PRIVATE_UMASK = 0o077

# Never inherited by a child process; each gets back only those it uses (child_env).
SECRET_VARIABLES = frozenset(
    {
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "RASA_AUTH_TOKEN",
        ACTION_SECRET_ENV,
        "DATABASE_URL",
        "TRACKER_DATABASE_URL",
        TRACKER_PASSWORD_ENV,
        "REDIS_URL",
        "POSTGRES_PASSWORD",
        "APP_DB_PASSWORD",
        "RASA_TRACKER_PASSWORD",
        "TRACKER_ERASER_PASSWORD",
    }
)


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
            # Passed to libpq: a database that is down or locked costs Rasa seconds, so
            # that its turn fails within the relay's deadline instead of hanging.
            "query": {
                "connect_timeout": "5",
                "options": "-c statement_timeout=15000 -c lock_timeout=5000",
            },
        }
        if parsed.username:
            config["username"] = parsed.username
        if parsed.password:
            config["password"] = parsed.password
        return config
    raise ValueError(f"unsupported tracker database: {backend}")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700, even if it existed with wider rights."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _open_private(path: Path, flags: int) -> int:
    """A file descriptor on ``path``, created 0600 (and narrowed to 0600 if it existed)."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.fchmod(fd, 0o600)
    return fd


def write_private(path: Path, text: str) -> Path:
    private_dir(path.parent)
    with os.fdopen(_open_private(path, os.O_WRONLY | os.O_TRUNC), "w", encoding="utf-8") as out:
        out.write(text)
    return path


def open_log(path: Path) -> int:
    """An append-only descriptor on a log file (0600) for a child's stdout and stderr."""
    private_dir(path.parent)
    return _open_private(path, os.O_WRONLY | os.O_APPEND)


def lock_store_config(url: str, key_prefix: str = "rebond") -> dict[str, Any]:
    """Rasa's Redis lock store from ``redis://host:port/db``: with it several Rasa workers
    (SANIC_WORKERS) or servers never take two messages of one conversation at once.
    ``key_prefix`` must be alphanumeric (Rasa ignores any other); the end-to-end tests give
    each run its own, so that runs sharing one Redis never share a lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "redis":
        raise ValueError(f"unsupported lock store: {parsed.get_backend_name()}")
    if not key_prefix.isalnum():
        raise ValueError(f"the lock store's key prefix must be alphanumeric: {key_prefix!r}")
    return {
        "type": "redis",
        "url": parsed.host or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int(parsed.database or 0),
        "key_prefix": key_prefix,
    }


def endpoints_document(
    *,
    action_port: int,
    tracker_url: str,
    lock_store_url: str | None = None,
    lock_store_prefix: str = "rebond",
) -> tuple[dict[str, Any], dict[str, str]]:
    """Rasa's endpoints (secrets as ``${VAR}`` references) and the variables they reference."""
    tracker = tracker_store_config(tracker_url)
    env: dict[str, str] = {}
    if "password" in tracker:
        env[TRACKER_PASSWORD_ENV] = str(tracker["password"])
        tracker["password"] = f"${{{TRACKER_PASSWORD_ENV}}}"
    endpoints = {
        "action_endpoint": {
            "url": f"http://127.0.0.1:{action_port}/webhook",
            # The domain goes only to the actions marked send_domain in domain.yml.
            "enable_selective_domain": True,
            "headers": {ACTION_SECRET_HEADER: f"${{{ACTION_SECRET_ENV}}}"},
        },
        "tracker_store": tracker,
    }
    if lock_store_url:
        endpoints["lock_store"] = lock_store_config(lock_store_url, lock_store_prefix)
    return endpoints, env


def write_endpoints(
    path: Path,
    *,
    action_port: int,
    tracker_url: str,
    lock_store_url: str | None = None,
    lock_store_prefix: str = "rebond",
) -> tuple[Path, dict[str, str]]:
    """Write Rasa's endpoints file (0600, no secret in it); returns it and the variables Rasa
    needs in its environment to expand it."""
    endpoints, env = endpoints_document(
        action_port=action_port,
        tracker_url=tracker_url,
        lock_store_url=lock_store_url,
        lock_store_prefix=lock_store_prefix,
    )
    write_private(path, yaml.safe_dump(endpoints, sort_keys=False))
    return path, env


def child_env(base: Mapping[str, str], **own: str) -> dict[str, str]:
    """``base`` without any secret, plus the ones this child uses."""
    env = {key: value for key, value in base.items() if key not in SECRET_VARIABLES}
    env.update(own)
    return env


def rasa_command(*, model: Path, endpoints: Path, port: int) -> list[str]:
    """``rasa run`` through deploy/rasa_server.py: the token comes from RASA_AUTH_TOKEN."""
    return [
        str(RASA_PYTHON),
        str(RASA_ENTRY),
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def action_server_command(*, port: int, workers: int = 1) -> list[str]:
    command = [str(PYTHON), "-m", "actions.server", "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--workers", str(workers)] if workers > 1 else command


@dataclass
class Stack:
    rasa_url: str
    action_url: str
    auth_token: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    action_secret: str = ""
    log_dir: Path | None = None
    endpoints: Path | None = None


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
    action_secret: str | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float = 180.0,
    lock_store_url: str | None = None,
    lock_store_prefix: str = "rebond",
    rasa_workers: int = 1,
    action_workers: int = 1,
) -> Iterator[Stack]:
    """Start the action server and Rasa on loopback; stop both (and their children) on exit.

    ``rasa_workers`` > 1 needs ``lock_store_url`` (Rasa ignores SANIC_WORKERS without a shared
    lock store); ``action_workers`` processes share the action port (SO_REUSEPORT)."""
    if rasa_workers > 1 and not lock_store_url:
        raise ValueError("several Rasa workers need a Redis lock store")
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make model` first")
    rasa_port = rasa_port or free_port()
    action_port = action_port or free_port()
    # Hex: URL-safe, and never starts with "-".
    auth_token = auth_token or secrets.token_hex(24)
    action_secret = action_secret or secrets.token_hex(24)
    private_dir(log_dir)
    endpoints, endpoints_env = write_endpoints(
        log_dir.parent / f"endpoints-{rasa_port}.yml",
        action_port=action_port,
        tracker_url=tracker_url,
        lock_store_url=lock_store_url,
        lock_store_prefix=lock_store_prefix,
    )
    common = {**os.environ, **(extra_env or {}), "PYTHONUNBUFFERED": "1"}
    actions_env = child_env(common, DATABASE_URL=database_url, **{ACTION_SECRET_ENV: action_secret})
    rasa_env = child_env(
        common,
        RASA_AUTH_TOKEN=auth_token,
        RASA_TELEMETRY_ENABLED="false",
        SANIC_WORKERS=str(rasa_workers),
        **{ACTION_SECRET_ENV: action_secret},
        **endpoints_env,
    )
    for key, value in (extra_env or {}).items():  # a test may hand a child anything
        actions_env.setdefault(key, value)
        rasa_env.setdefault(key, value)
    stack = Stack(
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{action_port}",
        auth_token,
        action_secret=action_secret,
        log_dir=log_dir,
        endpoints=endpoints,
    )
    action_log = log_dir / "actions.log"
    rasa_log = log_dir / "rasa.log"
    try:
        # Own sessions: Ctrl-C in the terminal reaches us only, and we stop them in order.
        # umask 077: whatever the children create (SQLite tracker, caches) is theirs only.
        out = open_log(action_log)
        try:
            actions = subprocess.Popen(
                action_server_command(port=action_port, workers=action_workers),
                cwd=ROOT,
                env=actions_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        finally:
            os.close(out)
        stack.processes.append(actions)
        out = open_log(rasa_log)
        try:
            rasa = subprocess.Popen(
                rasa_command(model=model, endpoints=endpoints, port=rasa_port),
                cwd=ROOT,
                env=rasa_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        finally:
            os.close(out)
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
        endpoints.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Rebond locally (make run)")
    parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from coach.settings import VAR_DIR, Settings

    # Everything this process writes under var/ (SQLite files, exports, charts) is private.
    os.umask(PRIVATE_UMASK)
    private_dir(VAR_DIR)
    settings = Settings.from_env()
    print("Démarrage de Rebond (serveur d'actions et Rasa, environ 30 s)…", flush=True)
    with running_stack(
        database_url=settings.database_url,
        tracker_url=settings.tracker_database_url,
        log_dir=VAR_DIR / "log",
        auth_token=settings.rasa_auth_token,
        action_secret=os.environ.get(ACTION_SECRET_ENV) or None,
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
