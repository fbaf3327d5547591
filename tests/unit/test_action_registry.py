"""The action server can load the package, every action the domain names exists, and the
actions that read the domain get it (selective domain)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import FormValidationAction
from rasa_sdk.executor import ActionExecutor

from actions.session import ActionSessionStart

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def domain_actions() -> dict[str, dict[str, Any]]:
    """Action name → its options in domain.yml (``- name`` or ``- name: {send_domain: …}``)."""
    actions: dict[str, dict[str, Any]] = {}
    for entry in DOMAIN["actions"]:
        if isinstance(entry, str):
            actions[entry] = {}
        else:
            ((name, options),) = entry.items()
            actions[name] = options or {}
    return actions


def ours(run: Any) -> bool:
    return type(getattr(run, "__self__", None)).__module__.startswith("actions.")


def test_every_domain_action_is_registered_once() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")  # raises on an action without a usable name()
    custom = {a for a in domain_actions() if not a.startswith("utter_")}
    # rasa-sdk registers every Action subclass in memory: test doubles of other tests too.
    registered = {name for name, run in executor.actions.items() if ours(run)}
    assert custom <= registered, sorted(custom - registered)
    assert registered <= custom, sorted(registered - custom)


def test_the_actions_that_read_the_domain_get_it() -> None:
    # The endpoints enable Rasa's selective domain: an action not marked send_domain gets
    # no domain. Form validators (rasa_sdk reads the form's slots from it) and the session
    # start (initial slot values) need it; marking others would only cost time.
    executor = ActionExecutor()
    executor.register_package("actions")
    readers = {
        name
        for name, run in executor.actions.items()
        if ours(run)
        and isinstance(getattr(run, "__self__", None), FormValidationAction | ActionSessionStart)
    }
    assert readers, "no form validator found: the test no longer sees the actions"
    marked = {name for name, options in domain_actions().items() if options.get("send_domain")}
    assert marked == readers, (sorted(readers - marked), sorted(marked - readers))


def test_every_endpoints_file_enables_the_selective_domain() -> None:
    from devtools.stack import endpoints_document

    for path in (ROOT / "endpoints.yml", ROOT / "deploy" / "endpoints.compose.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["action_endpoint"].get("enable_selective_domain") is True, path
    written, _ = endpoints_document(action_port=5055, tracker_url="sqlite:///var/tracker.db")
    assert written["action_endpoint"]["enable_selective_domain"] is True
