"""No message text, token or secret in the logs of the stack, even when things fail (issue 13).

Runs on the session's stack (tests/e2e/conftest.py), so its log files also hold whatever the
end-to-end tests before this one did. A person talks to the bot with a unique marker word in
every message, and meanwhile:
- the tracker store fails (a trigger makes every INSERT into Rasa's ``events`` table abort,
  on SQLite or PostgreSQL, whichever the run uses): Rasa falls back to memory and logs the
  SQL error, whose parameters hold the event's text;
- Rasa's REST channel gets a message it cannot handle: Rasa logs the failure with the text
  (``rest.message.received.failure``) and a traceback whose frames list their local variables;
- the action server gets forged calls: without the secret, with a wrong one, with a broken
  body, and one that makes rasa-sdk fail (its error answer used to carry the whole request).
Then every file in the stack's log folder, and the records of the bot (which runs in this
process, at the levels `python -m bot` sets), are read: the marker, the Rasa token, the action
server's secret, the Telegram token and the long texts people typed (read back from the
tracker) must be absent, and the failures must have been logged (so that the test cannot pass
on empty logs).
The processes' command lines and the modes of the files holding or logging secrets are
checked on the way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from harness import Emulator
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from steps import consent, until

from bot.__main__ import configure_logging as configure_bot_logging
from devtools.stack import ACTION_SECRET_HEADER, Stack

CHAT = 5_550_913
MARKER = f"Zorglub{secrets.token_hex(4)}"
TRIGGER = "rebond_e2e_tracker_down"


@contextlib.contextmanager
def _tracker_down(tracker_url: str) -> Iterator[None]:
    """Every INSERT into Rasa's ``events`` table aborts until the block ends."""
    engine = create_engine(tracker_url)
    if make_url(tracker_url).get_backend_name() == "sqlite":
        create = [
            f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON events "
            f"BEGIN SELECT RAISE(ABORT, '{TRIGGER}'); END"
        ]
        drop = [f"DROP TRIGGER IF EXISTS {TRIGGER}"]
    else:
        create = [
            f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{TRIGGER}'; END $$",
            f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON events "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
        ]
        drop = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON events", f"DROP FUNCTION IF EXISTS {TRIGGER}"]
    try:
        with engine.begin() as connection:
            for statement in create:
                connection.execute(text(statement))
        yield
    finally:
        with engine.begin() as connection:
            for statement in drop:
                connection.execute(text(statement))
        engine.dispose()


def _logs(stack: Stack) -> dict[str, str]:
    assert stack.log_dir is not None
    return {
        path.name: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(stack.log_dir.iterdir())
        if path.is_file()
    }


async def _logged(stack: Stack, name: str, needle: str, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while needle not in _logs(stack).get(name, ""):
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"{needle!r} never reached {name}: the failure did not happen")
        await asyncio.sleep(0.2)


def _typed_texts(tracker_url: str) -> set[str]:
    """Texts people typed in this session, long enough not to match a log line by chance."""
    engine = create_engine(tracker_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM events WHERE type_name = 'user'")
            ).fetchall()
    finally:
        engine.dispose()
    texts = {str(json.loads(data).get("text") or "") for (data,) in rows}
    return {text for text in texts if len(text) >= 20 and not text.startswith("/")}


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


@pytest.mark.sqlite_pass
async def test_no_text_token_or_secret_in_the_logs(
    telegram: Emulator, stack: Stack, databases: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    configure_bot_logging()  # the levels `python -m bot` sets (httpx quiet: URLs hold tokens)
    caplog.set_level(logging.INFO)
    emu = telegram
    tracker_url = databases[1]

    # Nothing secret on a command line (`ps` shows them to every user of the machine).
    for process in stack.processes:
        cmdline = _cmdline(process.pid)
        assert stack.auth_token not in cmdline and stack.action_secret not in cmdline, cmdline
    # The endpoints file names its secrets (${VAR}); it is private all the same, like the logs.
    assert stack.endpoints is not None and stack.log_dir is not None
    assert stat.S_IMODE(stack.endpoints.stat().st_mode) == 0o600
    assert "${ACTION_SERVER_SECRET}" in stack.endpoints.read_text()
    assert stack.action_secret not in stack.endpoints.read_text()
    assert stat.S_IMODE(stack.log_dir.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in stack.log_dir.iterdir()} == {0o600}

    # A person, with the marker in what they type.
    await consent(emu, CHAT)
    await emu.send_message(CHAT, f"Je suis triste, {MARKER} m'a refusé hier")
    await until(emu, CHAT, lambda m: bool(m["text"]))

    # The tracker store fails while they write.
    with _tracker_down(tracker_url):
        await emu.send_message(CHAT, f"J'ai eu un refus chez {MARKER} pour un poste de juriste")
        await _logged(stack, "rasa.log", TRIGGER, timeout=40)
        with pytest.raises(AssertionError):  # whatever the answer, wait for it to be over
            await until(emu, CHAT, lambda m: False, timeout=3)

    async with httpx.AsyncClient(timeout=60) as http:
        # Rasa cannot handle this message (not a string) and logs the failure.
        failed = await http.post(
            f"{stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": f"telegram-{CHAT}", "message": [f"{MARKER} en liste"]},
        )
        assert failed.status_code == 200
        await _logged(stack, "rasa.log", "rest.message.received.failure")

        # Forged calls to the action server.
        action_call = {
            "next_action": "action_start",
            "sender_id": f"telegram-{CHAT}",
            "tracker": {"sender_id": f"telegram-{CHAT}", "latest_message": {"text": MARKER}},
            "domain": {},
        }
        webhook = f"{stack.action_url}/webhook"
        for headers in ({}, {ACTION_SECRET_HEADER: "not-the-secret"}):
            refused = await http.post(webhook, json=action_call, headers=headers)
            assert refused.status_code == 401 and MARKER not in refused.text
        secret = {ACTION_SECRET_HEADER: stack.action_secret}
        broken = await http.post(
            webhook,
            content=f'{{"next_action": "action_start", "x": "{MARKER}'.encode(),
            headers={**secret, "Content-Type": "application/json"},
        )
        assert broken.status_code == 400 and MARKER not in broken.text
        # No tracker: rasa-sdk raises KeyError, and its handler answered with the request body.
        no_tracker = {key: value for key, value in action_call.items() if key != "tracker"}
        crashed = await http.post(webhook, json=no_tracker, headers=secret)
        assert crashed.status_code == 500 and MARKER not in crashed.text, crashed.text
        await _logged(stack, "actions.log", "KeyError (message withheld)")
        await _logged(stack, "actions.log", "refused a POST /webhook without the shared secret")

    # The person goes on: the stack works again after all this.
    await emu.send_message(CHAT, f"merci, {MARKER} ou pas, je continue")
    await until(emu, CHAT, lambda m: bool(m["text"]))

    logs = _logs(stack)
    # The bot runs in this process (in `make run` too): its records, as a handler writes them.
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logs["bot (this process)"] = "\n".join(formatter.format(r) for r in caplog.records)
    assert {"rasa.log", "actions.log"} <= set(logs)
    forbidden = {
        "the marker": MARKER,
        "the Rasa token": stack.auth_token,
        "the action server's secret": stack.action_secret,
        "the Telegram token": emu.token,
    }
    forbidden |= {f"typed text {text!r}": text for text in _typed_texts(tracker_url)}
    leaks = [
        f"{what} in {name}"
        for name, text in logs.items()
        for what, needle in forbidden.items()
        if needle in text
    ]
    assert leaks == []
