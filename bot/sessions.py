"""Bounded Rasa sessions: the work of a turn does not grow with the conversation.

Rasa loads, replays and featurises every event of the current session at each turn, and
ships them to the action server with each custom action call: left alone, one sitting of
200 turns costs about five times more per turn at its end than at its start. Rasa's tracker
stores load only the events since the latest ``session_started`` event, so the relay starts
a new session (``action_session_start``, which carries the slots over as
``carry_over_slots_to_new_session`` asks — each slot once, actions/session.py, where Rasa's
own copies every earlier slot event) once a conversation has had :data:`SESSION_TURNS`
turns in this one — but only at a safe point, where nothing pending depends on what came
before:

- no form active and no slot requested;
- the conversation is waiting for the person (its latest action is ``action_listen``);
- the last thing the bot did is not a question that a rule answers by looking back at it
  (:data:`AWAITING_ACTIONS`: "action_start" then a typed « oui » gives consent; a test
  keeps this list equal to what the rules and stories say).

It happens just before relaying the person's next message, never just after a turn, so the
message a crash may have cut is always in the session the relay reads to replay it.
Everything the product keeps lives in our own tables or in the carried slots; the earlier
events stay in the tracker store (``/export``, ``/supprimer`` and the retention job see them).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Final

#: Turns (user messages and triggered intents) after which the relay looks for a safe point.
SESSION_TURNS: Final = 20
#: When the conversation was not at a safe point, look again this many turns later.
RETRY_TURNS: Final = 3
#: Conversations whose turn count is kept (least recently active forgotten first: a
#: forgotten count only delays that conversation's next session by SESSION_TURNS turns).
MAX_TRACKED: Final = 50_000
#: Bot actions that a rule or a story answers by looking back at them (see the module notes).
AWAITING_ACTIONS: Final = frozenset(
    {
        "action_decline_consent",
        "action_give_consent",
        "action_goal_reminder",
        "action_start",
        "action_start_feedback",
        "utter_ask_delete_confirm",
        "utter_greet",
        "utter_thank",
    }
)
_BOOKKEEPING: Final = frozenset({"action_listen", "action_session_start"})


def is_safe_point(tracker: Mapping[str, Any]) -> bool:
    """Whether a new session can start now without changing what the dialogue does next.

    ``tracker`` is Rasa's tracker as its HTTP API returns it with the session's events."""
    loop = tracker.get("active_loop")
    if isinstance(loop, Mapping) and loop.get("name"):
        return False
    slots = tracker.get("slots")
    if isinstance(slots, Mapping) and slots.get("requested_slot"):
        return False
    if tracker.get("followup_action"):
        return False
    events = tracker.get("events")
    if not isinstance(events, Sequence):
        return False
    actions = [
        event.get("name")
        for event in events
        if isinstance(event, Mapping) and event.get("event") == "action"
    ]
    if not actions or actions[-1] != "action_listen":
        return False
    spoken = [name for name in actions if name not in _BOOKKEEPING]
    return not spoken or spoken[-1] not in AWAITING_ACTIONS


class TurnCounter:
    """Turns since the relay last started a session, per conversation (in memory).

    Several bot processes each count the turns they relay: a conversation spread over them
    starts its new session a little later, never at an unsafe point."""

    def __init__(
        self,
        every: int = SESSION_TURNS,
        *,
        retry: int = RETRY_TURNS,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self._every = every
        self._retry = retry
        self._max = max_tracked
        self._left: OrderedDict[str, int] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._every > 0

    def due(self, sender_id: str) -> bool:
        """Count one turn; True when it is time to look for a safe point first."""
        if not self.enabled:
            return False
        left = self._left.pop(sender_id, self._every) - 1
        self._left[sender_id] = left
        while len(self._left) > self._max:
            self._left.popitem(last=False)
        return left < 0

    def started(self, sender_id: str) -> None:
        """A new session began: this turn is its first."""
        self._left[sender_id] = self._every - 1

    def not_now(self, sender_id: str) -> None:
        """No safe point this turn: look again a few turns later."""
        self._left[sender_id] = self._retry - 1
