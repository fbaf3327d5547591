"""deploy/rasa_server.py's compiled validation of action server answers, run inside Rasa's
own environment (.venv-rasa): same verdicts and errors as Rasa's, without re-checking the
schema at every call."""

from __future__ import annotations

import subprocess

import pytest

from devtools.stack import RASA_PYTHON, ROOT

PROBE = r"""
import sys, time
sys.path.insert(0, "deploy")
import jsonschema
import rasa_server
from rasa.core.actions.action import RemoteAction

before = RemoteAction._validate_action_result
rasa_server.install_compiled_action_validation()
assert RemoteAction._validate_action_result is not before, "not installed"
action = RemoteAction.__new__(RemoteAction)
good = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "ok"}]}
assert action._validate_action_result(good) is True
assert action._validate_action_result({}) is True
for bad in ({"events": "nope"}, {"events": [{"no_event_key": 1}]}, {"responses": 3}):
    try:
        action._validate_action_result(bad)
    except jsonschema.ValidationError as error:
        assert "Failed to validate Action server response" in error.message, error.message
    else:
        raise AssertionError(f"accepted {bad!r}")
# The schema is no longer checked at each call.
calls = []
checked = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
original = checked.check_schema
checked.check_schema = classmethod(lambda cls, s: calls.append(1) or original(s))
for _ in range(5):
    action._validate_action_result(good)
assert not calls, calls
print("ok")
"""


def run_in_rasa(probe: str) -> None:
    """Run ``probe`` with Rasa's own Python; it prints "ok" when every check held."""
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), (
        done.stdout[-2000:] + done.stderr[-2000:]
    )


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's environment is not installed")
def test_compiled_validation_in_rasa() -> None:
    run_in_rasa(PROBE)
