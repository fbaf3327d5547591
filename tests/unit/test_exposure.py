"""Least exposure and log hygiene (issue 13), without starting Rasa.

- the action server (actions/server.py): the secret header, errors without data, loopback;
- the Rasa launcher (deploy/rasa_server.py): the token off the command line, logs scrubbed;
- the local stack (devtools/stack.py): argv, endpoints file, file and folder modes, and which
  secrets each child process inherits.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import logging
import os
import stat
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sanic import Sanic

from actions import server
from devtools import stack

ROOT = Path(__file__).resolve().parents[2]
MARKER = "Zorglubmarqueur"
SECRET = "s3cr3t-" + "x" * 40
TOKEN = "tok-" + "y" * 40


def _load_rasa_launcher() -> ModuleType:
    # deploy/ is not a package: the launcher runs as a script in Rasa's own environment.
    spec = importlib.util.spec_from_file_location("rasa_launcher", ROOT / "deploy/rasa_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


launcher = _load_rasa_launcher()


def _raise_nested() -> None:
    try:
        raise KeyError(f"{MARKER} inner")
    except KeyError as inner:
        raise ValueError(f"could not read « {MARKER} »") from inner


# --------------------------------------------------------------------------------------------
# The action server


# Plain functions, not Action subclasses: rasa-sdk registers every Action subclass alive in the
# process, and test_action_registry.py compares that set with the domain.
async def boom(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> list[dict[str, Any]]:
    raise ValueError(f"cannot parse {tracker.latest_message.get('text')}")


async def echo(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> list[dict[str, Any]]:
    dispatcher.utter_message(text="ok")
    return []


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    """The real app (rasa-sdk's routes + ours) in-process, over ASGI."""
    monkeypatch.setattr(Sanic, "test_mode", True)  # rasa-sdk names every app "rasa_sdk"
    executor = ActionExecutor()
    executor.register_function("action_boom", boom)
    executor.register_function("action_echo", echo)
    app = server.build_app(executor, SECRET)
    events: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, str]:
        return await events.get()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await events.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    )
    for _ in range(500):
        if sent:
            break
        await asyncio.sleep(0.01)
    assert sent == [{"type": "lifespan.startup.complete"}]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://actions") as http:
        yield http
    await events.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(lifespan, 5)


def _call(action: str, text: str) -> dict[str, Any]:
    return {
        "next_action": action,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "telegram-42",
            "slots": {"journal_text": text},
            "latest_message": {"text": text},
            "events": [{"event": "user", "text": text}],
        },
    }


@pytest.fixture
def safe_log() -> Iterator[io.StringIO]:
    """What the action server's handler would write for rasa-sdk's and Sanic's loggers."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(server.SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(name) for name in ("rasa_sdk", "rebond", "sanic")]
    for logger in loggers:
        logger.addHandler(handler)
    yield out
    for logger in loggers:
        logger.removeHandler(handler)


async def test_health_stays_open(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("header", [None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()])
@pytest.mark.parametrize("method,path", [("POST", "/webhook"), ("GET", "/actions")])
async def test_calls_without_the_secret_are_refused(
    client: httpx.AsyncClient, header: str | None, method: str, path: str
) -> None:
    headers = {} if header is None else {server.SECRET_HEADER: header}
    body = _call("action_echo", MARKER) if method == "POST" else None
    response = await client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert MARKER not in response.text and "action_echo" not in response.text


async def test_calls_with_the_secret_run_the_action(client: httpx.AsyncClient) -> None:
    headers = {server.SECRET_HEADER: SECRET}
    response = await client.post("/webhook", json=_call("action_echo", MARKER), headers=headers)
    assert response.status_code == 200
    assert [m["text"] for m in response.json()["responses"]] == ["ok"]
    listed = await client.get("/actions", headers=headers)
    assert {"name": "action_echo"} in listed.json()


async def test_no_cross_origin_grant(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/health", headers={"Origin": "http://evil.example", server.SECRET_HEADER: SECRET}
    )
    assert "access-control-allow-origin" not in response.headers


async def test_a_failing_action_leaks_nothing(
    client: httpx.AsyncClient, safe_log: io.StringIO
) -> None:
    response = await client.post(
        "/webhook", json=_call("action_boom", MARKER), headers={server.SECRET_HEADER: SECRET}
    )
    assert response.status_code == 500
    # rasa-sdk's own handler answers {"error": str(exception), "request_body": <the tracker>}.
    assert response.json() == {"error": "internal error"}
    logged = safe_log.getvalue()
    assert "ValueError (message withheld)" in logged, logged
    assert MARKER not in logged


async def test_a_malformed_body_leaks_nothing(
    client: httpx.AsyncClient, safe_log: io.StringIO
) -> None:
    response = await client.post(
        "/webhook",
        content=f'{{"next_action": "action_echo", "x": "{MARKER}'.encode(),
        headers={server.SECRET_HEADER: SECRET, "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 600
    assert MARKER not in response.text and MARKER not in safe_log.getvalue()


def test_the_secret_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(server.ConfigurationError, match="ACTION_SERVER_SECRET is not set"):
        server.read_secret({})
    with pytest.raises(server.ConfigurationError, match="at least 32"):
        server.read_secret({server.SECRET_ENV: "short"})
    assert server.read_secret({server.SECRET_ENV: f" {SECRET} "}) == SECRET
    # main() gives up before importing or binding anything.
    assert server.main(["--port", "1"], env={}) == 2


def test_secret_comparison() -> None:
    assert server.is_authorised(SECRET, SECRET)
    for wrong in (None, "", SECRET[:-1], SECRET + " ", "é" * 10):
        assert not server.is_authorised(wrong, SECRET)


def test_loopback_by_default() -> None:
    assert server.parse_args([]).host == "127.0.0.1"
    assert server.parse_args(["--host", "0.0.0.0"]).host == "0.0.0.0"


def test_safe_formatter_keeps_frames_and_types_only() -> None:
    formatter = server.SafeFormatter("%(message)s")
    try:
        _raise_nested()
    except ValueError:
        text = formatter.format(
            logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
        )
    assert MARKER not in text
    assert "builtins.KeyError (message withheld)" in text
    assert "builtins.ValueError (message withheld)" in text
    assert "_raise_nested" in text  # the frames stay: the log is still useful


def test_the_module_is_light_at_import_time() -> None:
    # rasa-sdk imports every module of the actions package, this one included.
    source = (ROOT / "actions" / "server.py").read_text(encoding="utf-8")
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all(
        line.split()[1].split(".")[0] in {"__future__", *sys.stdlib_module_names}
        for line in top_level
    ), top_level


# --------------------------------------------------------------------------------------------
# The Rasa launcher


def test_launcher_appends_the_token_from_the_environment() -> None:
    argv = ["run", "--enable-api", "--port", "5005"]
    assert launcher.rasa_argv(argv, {"RASA_AUTH_TOKEN": TOKEN}) == [
        *argv,
        f"--auth-token={TOKEN}",
    ]
    assert launcher.rasa_argv(["train"], {}) == ["train"]


@pytest.mark.parametrize(
    "argv,env,reason",
    [
        (["run", "--auth-token", TOKEN], {}, "visible to every user"),
        (["run", f"--auth-token={TOKEN}"], {"RASA_AUTH_TOKEN": TOKEN}, "visible to every user"),
        (["run", "--enable-api"], {}, "would open"),
        (["run", "--enable-api"], {"RASA_AUTH_TOKEN": "  "}, "would open"),
    ],
)
def test_launcher_refuses(argv: list[str], env: dict[str, str], reason: str) -> None:
    with pytest.raises(launcher.ConfigurationError, match=reason):
        launcher.rasa_argv(argv, env)


def test_launcher_main_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    assert launcher.main(["run", "--enable-api"]) == 2
    assert "RASA_AUTH_TOKEN" in capsys.readouterr().err


SQL_ERROR = (
    "Error happened when trying to save conversation tracker to 'SQLTrackerStore'. Please "
    "investigate the following error: (sqlite3.IntegrityError) tracker store down\n"
    "[SQL: INSERT INTO events (sender_id, data) VALUES (?, ?)]\n"
    f'[parameters: (\'telegram-42\', \'{{"event": "user", "text": "{MARKER} ]"}}\')]\n'
    "(Background on this error at: https://sqlalche.me/e/14/gkpj)."
)


@pytest.mark.parametrize(
    "message,kept",
    [
        (
            "Failed to execute custom action 'action_x' as a result of error '500, Internal "
            f'Server Error, body=\'{{"request_body": {{"text": "{MARKER}"}}}}\'\'.',
            "Failed to execute custom action 'action_x'",
        ),
        (SQL_ERROR, "[SQL: INSERT INTO events (sender_id, data) VALUES (?, ?)]"),
        (f"[parameters: ('{MARKER}',)] and the rest", "[parameters: [redacted]]"),
        (f"uri: 'http://rasa:5005/conversations/42/tracker?token={MARKER}&x=1'", "&x=1"),
        (f"could not connect to postgresql://rasa:{MARKER}@postgres/rasa", "rasa:[redacted]@"),
    ],
)
def test_launcher_scrubs_known_leaks_from_messages(message: str, kept: str) -> None:
    scrubbed = launcher.scrub_message(message)
    assert MARKER not in scrubbed and kept in scrubbed


def test_launcher_record_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
    launcher.install_record_factory()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("rasa.core.tracker_store.test")
    logger.addHandler(handler)
    try:
        logger.error(SQL_ERROR)
        logger.error("Couldn't save %s", f"body='{MARKER}'")
        try:
            _raise_nested()
        except ValueError:
            logger.exception("An exception occurred while handling a message.")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert MARKER not in text, text
    assert "tracker store down" in text and "builtins.ValueError (message withheld)" in text


def test_launcher_structlog_processor() -> None:
    try:
        _raise_nested()
    except ValueError:
        event = launcher.redact_event(
            None,
            "exception",
            {
                "event": "rest.message.received.failure",
                "text": MARKER,
                "parse_data_text": MARKER,
                "rasa_events": [{"text": MARKER}],
                "tracker_latest_message": {"text": MARKER},
                "sender_id": "telegram-42",
                "action_name": "action_listen",
                "confidence": 0.5,
                "url": f"http://rasa/x?token={MARKER}",
            },
        )
    assert MARKER not in repr(event)
    assert event["exc_info"] is False  # not re-filled by structlog's set_exc_info
    assert "builtins.ValueError (message withheld)" in event["exception"]
    assert event["event"] == "rest.message.received.failure"
    assert (event["sender_id"], event["action_name"], event["confidence"]) == (
        "telegram-42",
        "action_listen",
        0.5,
    )


# --------------------------------------------------------------------------------------------
# The local stack


def test_no_secret_on_any_command_line(tmp_path: Path) -> None:
    rasa = stack.rasa_command(model=tmp_path / "m.tar.gz", endpoints=tmp_path / "e.yml", port=5)
    assert rasa[:2] == [str(stack.RASA_PYTHON), str(stack.RASA_ENTRY)]
    assert not any("auth-token" in arg for arg in rasa)
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    actions = stack.action_server_command(port=6)
    assert actions[1:3] == ["-m", "actions.server"]
    assert actions[actions.index("--host") + 1] == "127.0.0.1"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_endpoints_file_holds_no_secret_and_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "var" / "endpoints-1.yml"
    target.parent.mkdir(mode=0o755)
    target.write_text("stale")
    target.chmod(0o644)
    path, env = stack.write_endpoints(
        target, action_port=5055, tracker_url="postgresql+psycopg://rasa:pw-XYZ@db:5432/tracker"
    )
    text = path.read_text()
    assert "pw-XYZ" not in text
    assert (_mode(path), _mode(path.parent)) == (0o600, 0o700)
    assert env == {"TRACKER_DB_PASSWORD": "pw-XYZ"}
    document = yaml.safe_load(text)
    assert document["tracker_store"]["password"] == "${TRACKER_DB_PASSWORD}"
    action = document["action_endpoint"]
    assert action["url"] == "http://127.0.0.1:5055/webhook"
    assert action["headers"] == {server.SECRET_HEADER: "${ACTION_SERVER_SECRET}"}
    # Rasa expands the references with os.path.expandvars (rasa.shared.utils.io).
    monkeypatch.setenv("ACTION_SERVER_SECRET", SECRET)
    assert os.path.expandvars(action["headers"][server.SECRET_HEADER]) == SECRET


def test_sqlite_tracker_needs_no_password(tmp_path: Path) -> None:
    _, env = stack.write_endpoints(
        tmp_path / "e.yml", action_port=1, tracker_url=f"sqlite:///{tmp_path}/t.db"
    )
    assert env == {}


def test_private_folders_and_logs(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    assert _mode(stack.private_dir(folder)) == 0o700
    assert _mode(stack.private_dir(folder / "log" / "deeper")) == 0o700
    log = folder / "log" / "rasa.log"
    log.write_text("old line\n")
    log.chmod(0o644)
    fd = stack.open_log(log)
    try:
        os.write(fd, b"new line\n")
    finally:
        os.close(fd)
    assert _mode(log) == 0o600 and log.read_text() == "old line\nnew line\n"


def test_each_child_gets_only_its_secrets() -> None:
    base = {
        "PATH": "/usr/bin",
        "COACH_TZ": "Europe/Paris",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_WEBHOOK_SECRET": "w",
        "RASA_AUTH_TOKEN": TOKEN,
        "DATABASE_URL": "postgresql://app:pw@db/app",
        "TRACKER_DATABASE_URL": "postgresql://rasa:pw@db/rasa",
    }
    actions = stack.child_env(base, DATABASE_URL="sqlite:///x", ACTION_SERVER_SECRET=SECRET)
    assert actions == {
        "PATH": "/usr/bin",
        "COACH_TZ": "Europe/Paris",
        "DATABASE_URL": "sqlite:///x",
        "ACTION_SERVER_SECRET": SECRET,
    }
    rasa = stack.child_env(base, RASA_AUTH_TOKEN=TOKEN)
    assert "TELEGRAM_BOT_TOKEN" not in rasa and "DATABASE_URL" not in rasa
    assert rasa["RASA_AUTH_TOKEN"] == TOKEN


def test_lock_store_and_workers_of_the_local_stack() -> None:
    from devtools.stack import action_server_command, endpoints_document, lock_store_config

    assert lock_store_config("redis://127.0.0.1:6379/3") == {
        "type": "redis",
        "url": "127.0.0.1",
        "port": 6379,
        "db": 3,
        "key_prefix": "rebond",
    }
    with pytest.raises(ValueError):
        lock_store_config("sqlite:///x.db")
    endpoints, _ = endpoints_document(
        action_port=5055, tracker_url="sqlite:///var/t.db", lock_store_url="redis://h:1/2"
    )
    assert endpoints["lock_store"]["db"] == 2
    assert "lock_store" not in endpoints_document(action_port=5055, tracker_url="sqlite:///t.db")[0]
    assert action_server_command(port=1)[-2:] == ["--port", "1"]
    assert action_server_command(port=1, workers=3)[-2:] == ["--workers", "3"]
