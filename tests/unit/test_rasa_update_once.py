"""deploy/rasa_server.py's guard that takes each Telegram update once, run inside Rasa's own
environment (.venv-rasa) on Rasa's real MessageProcessor, with only its I/O stubbed: a message
whose update id is already in the conversation gets the answers given then and runs no
prediction and saves nothing; a new update id, or a message without one, runs as usual."""

from __future__ import annotations

import pytest

from devtools.stack import RASA_PYTHON
from tests.unit.test_rasa_action_validation import run_in_rasa

PROBE = r"""
import asyncio, sys
sys.path.insert(0, "deploy")
import rasa_server
from rasa.core.processor import MessageProcessor
from rasa.core.channels import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.data import TrainingType

rasa_server.install_update_once()

class Stubbed(MessageProcessor):
    def __init__(self, events):
        self.events = events
        self.calls = []
        self.model_metadata = type("M", (), {"training_type": TrainingType.BOTH})()

    async def fetch_tracker_and_update_session(self, sender_id, output_channel=None, metadata=None):
        self.calls.append("fetch")
        return DialogueStateTracker.from_events(sender_id, list(self.events))

    async def _handle_message_with_tracker(self, message, tracker):
        self.calls.append("log")
        tracker.update(UserUttered(message.text, metadata=message.metadata))

    async def run_action_extract_slots(self, output_channel, tracker):
        self.calls.append("slots")
        return tracker

    async def _run_prediction_loop(self, output_channel, tracker):
        self.calls.append("predict")
        await output_channel.send_response(tracker.sender_id, {"text": "nouvelle réponse"})

    async def run_anonymization_pipeline(self, tracker):
        pass

    async def save_tracker(self, tracker):
        self.calls.append("save")

history = [
    ActionExecuted("action_listen"),
    UserUttered("bonjour", metadata={"update_id": 41}),
    BotUttered("Bonjour !"),
    ActionExecuted("action_listen"),
    UserUttered("refus chez Airbus", metadata={"update_id": 42}),
    BotUttered("Je suis désolé·e.", {"buttons": [{"title": "Oui", "payload": "/affirm"}]}),
    BotUttered("Quel poste ?"),
    ActionExecuted("action_listen"),
    UserUttered("sans id", metadata={}),
    BotUttered("Plus tard."),
]

def turn(key, text="refus chez Airbus"):
    processor = Stubbed(history)
    metadata = {} if key is None else {"update_id": key}
    message = UserMessage(text, CollectingOutputChannel(), "s", metadata=metadata)
    out = asyncio.run(processor.handle_message(message))
    return processor.calls, out

calls, out = turn(42)
assert calls == ["fetch"], calls
assert [m["text"] for m in out] == ["Je suis désolé·e.", "Quel poste ?"], out
assert out[0]["buttons"] == [{"title": "Oui", "payload": "/affirm"}], out[0]

calls, out = turn(41)
assert calls == ["fetch"] and [m["text"] for m in out] == ["Bonjour !"], (calls, out)

calls, out = turn(43)
assert calls == ["fetch", "log", "slots", "predict", "save"], calls
assert [m["text"] for m in out] == ["nouvelle réponse"], out

calls, out = turn(None)
assert calls == ["fetch", "log", "slots", "predict", "save"], calls

# The update id of a turn never leaks into the next one (a context variable, reset).
calls, out = turn(42)
calls2, _ = turn(None, "refus chez Airbus")
assert calls == ["fetch"] and "predict" in calls2, (calls, calls2)

# A turn taken with no answer is still taken (an empty answer, no second run).
processor = Stubbed([UserUttered("ok", metadata={"update_id": 7}), ActionExecuted("action_listen")])
message = UserMessage("ok", CollectingOutputChannel(), "s", metadata={"update_id": 7})
out = asyncio.run(processor.handle_message(message))
assert processor.calls == ["fetch"] and out == [], (processor.calls, out)
print("ok")
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's environment is not installed")
def test_update_taken_once_in_rasa() -> None:
    run_in_rasa(PROBE)
