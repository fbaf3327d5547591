"""actions.flow.interrupted: the shared start of the form validators that answer asides."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.flow import Interrupted, interrupted

SLOT = "star_task"


def tracker(text: str, intent: str = "inform", confidence: float = 1.0) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": confidence}, "text": text}
    return Tracker("1", {}, latest, [], False, None, {}, "action_listen")


def run(text: str, intent: str = "inform") -> tuple[Interrupted | None, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return interrupted(SLOT, text, dispatcher, tracker(text, intent)), dispatcher


def test_an_answer_is_left_to_the_caller() -> None:
    text = "On m'a confié la mission de réduire le délai de réponse."
    cut, dispatcher = run(text)
    assert cut is None and dispatcher.messages == []
    # A long message is an answer, whatever the classifier made of it.
    cut, dispatcher = run("je voudrais de l'aide pour écrire ma réponse à cette question", "help")
    assert cut is None and dispatcher.messages == []


def test_a_pause_or_a_cancel_stops_the_form() -> None:
    cut, dispatcher = run("on en reparle demain")
    assert cut == Interrupted({SLOT: None, "flow_stop": "pause", "requested_slot": None})
    assert cut.aside is None and dispatcher.messages == []
    cut, dispatcher = run("annuler", "help")  # a stop word wins over the classifier
    assert cut == Interrupted({SLOT: None, "flow_stop": "cancel", "requested_slot": None})
    assert dispatcher.messages == []


def test_a_command_that_needs_the_form_to_end_stops_it() -> None:
    for command in ("delete_data", "start"):
        cut, dispatcher = run(f"/{command}", command)
        assert cut == Interrupted({SLOT: None, "flow_stop": "command", "requested_slot": None})
        assert cut.aside is None and dispatcher.messages == []


def test_an_aside_is_answered_and_the_form_goes_on() -> None:
    cut, dispatcher = run("/help", "help")
    assert cut == Interrupted({SLOT: None}, aside="help")
    assert [m.get("response") for m in dispatcher.messages] == ["utter_help"]
    cut, dispatcher = run("/export", "export_data")
    assert cut == Interrupted({SLOT: None}, aside="export_data")
    assert [m.get("response") for m in dispatcher.messages] == ["utter_export"]
    # An aside without a short answer of its own: nothing said, the caller decides.
    cut, dispatcher = run("mon bilan ?", "ask_patterns")
    assert cut == Interrupted({SLOT: None}, aside="ask_patterns")
    assert dispatcher.messages == []
