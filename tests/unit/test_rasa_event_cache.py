"""deploy/rasa_server.py's event-class cache, run inside Rasa's own environment (.venv-rasa):
the same class for every event type name as Rasa's own lookup, the same default and error for
unknown names, and no walk over Event's subclasses once a name was found."""

from __future__ import annotations

import pytest

from devtools.stack import RASA_PYTHON
from tests.unit.test_rasa_action_validation import run_in_rasa

PROBE = r"""
import sys
sys.path.insert(0, "deploy")
import rasa_server
import rasa.shared.utils.common as common
from rasa.shared.core.events import Event, UserUttered, SlotSet

names = {cls.type_name: cls for cls in reversed(common.all_subclasses(Event))}
expected = {name: Event.resolve_by_type(name) for name in names}
rasa_server.install_event_class_cache()
assert {name: Event.resolve_by_type(name) for name in names} == expected
assert Event.resolve_by_type("topic") is None
assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
try:
    Event.resolve_by_type("no_such_event")
except ValueError:
    pass
else:
    raise AssertionError("an unknown event name was accepted")
walks = []
original = common.all_subclasses
common.all_subclasses = lambda cls: walks.append(cls) or original(cls)
for _ in range(3):
    event = Event.from_parameters({"event": "slot", "name": "company", "value": "Airbus"})
    assert event == SlotSet("company", "Airbus"), event
assert not walks, len(walks)
print("ok")
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's environment is not installed")
def test_event_class_cache_in_rasa() -> None:
    run_in_rasa(PROBE)
