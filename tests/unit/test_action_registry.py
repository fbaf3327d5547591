"""The action server can load the package, and every action the domain names exists."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]


def test_every_domain_action_is_registered_once() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")  # raises on an action without a usable name()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    custom = {a for a in domain["actions"] if not a.startswith("utter_")}
    registered = set(executor.actions)
    assert custom <= registered, sorted(custom - registered)
    assert registered <= custom, sorted(registered - custom)
