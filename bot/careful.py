"""The relay's side of the crisis tiers (coach/crisis_tiers.py) and of the careful window.

- ``ambiguous`` text gets :func:`check_replies` at once (no I/O), with two buttons whose
  payloads (``tier:…``) the relay answers itself: « Je ne vais pas bien » is the crisis
  answer, recorded as a crisis; « Je parlais de ma recherche » is :func:`search_replies`:
  acknowledged, and if a guided question was waiting, it is shown again (the form stayed
  active: the ambiguous message never reached Rasa).
- In the hour after a crisis answer, a typed « on reprend » (any phrasing) or « ça va
  mieux » outside a form is routed to the dialogue as ``/resume_conversation`` or
  ``/express_positive_emotion`` (:func:`careful_route`), so that it never depends on the
  classifier; the actions then answer carefully (actions/careful.py ``careful_window``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.rasa_client import RasaClient, RasaUnavailable
from bot.rendering import Button, Reply
from coach import safety_plan as plans
from coach.crisis_tiers import (
    PAYLOAD_PREFIX,
    SEARCH_ACK,
    SEARCH_ACK_FORM,
    SEARCH_ACK_FREE,
    SEARCH_BUTTON,
    SEARCH_PAYLOAD,
    UNWELL_BUTTON,
    UNWELL_PAYLOAD,
    ambiguous_check,
    in_careful_window,
    is_feeling_better,
    is_resume_request,
)
from coach.models import User
from coach.users import find_user

log = logging.getLogger(__name__)

__all__ = [
    "PAYLOAD_PREFIX",
    "RESUME",
    "SEARCH_PAYLOAD",
    "UNWELL_PAYLOAD",
    "careful_route",
    "check_replies",
    "crisis_recent",
    "search_replies",
]

RESUME = "/resume_conversation"
BETTER = "/express_positive_emotion"
#: Seconds for the tracker reads of this module: past them, the plain answer goes out.
TRACKER_SECONDS = 5.0


def check_replies(text: str) -> list[Reply]:
    """The ambiguous tier's check: one message, 3114 in it, two buttons."""
    return [
        Reply(
            text=ambiguous_check(text),
            buttons=(Button(SEARCH_BUTTON, SEARCH_PAYLOAD), Button(UNWELL_BUTTON, UNWELL_PAYLOAD)),
        )
    ]


def _last_question(tracker: dict[str, Any]) -> Reply | None:
    """The latest bot message of the tracker when a form is active (its question)."""
    loop = tracker.get("active_loop")
    if not isinstance(loop, dict) or not loop.get("name"):
        return None
    for event in reversed(tracker.get("events") or []):
        if not isinstance(event, dict) or event.get("event") != "bot":
            continue
        text = event.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        data: dict[str, Any] = event["data"] if isinstance(event.get("data"), dict) else {}
        buttons = tuple(
            Button(str(b.get("title") or b["payload"]), str(b["payload"]))
            for b in (data.get("buttons") or [])
            if isinstance(b, dict) and b.get("payload")
        )
        return Reply(text=text, buttons=buttons)
    return None


async def search_replies(rasa: RasaClient, sender_id: str) -> list[Reply]:
    """« Je parlais de ma recherche »: acknowledged; the waiting question, if any, again."""
    try:
        tracker = await rasa.session_tracker(sender_id, deadline=TRACKER_SECONDS)
    except RasaUnavailable as error:
        log.warning("tracker not read after the check (%s)", type(error).__name__)
        tracker = {}
    question = _last_question(tracker)
    if question is None:
        return [Reply(text=f"{SEARCH_ACK} {SEARCH_ACK_FREE}")]
    return [Reply(text=f"{SEARCH_ACK} {SEARCH_ACK_FORM}"), question]


def _plan_waits(session: Session, user: User, *, now: dt.datetime) -> bool:
    """Whether a part of the person's safety plan waits for this text (bot/safety_plan.py):
    it is theirs to write, whatever words it holds."""
    return plans.editing_part(plans.plan_of(session, user), now=now) is not None


def crisis_recent(
    sessions: sessionmaker[Session], telegram_user_id: int, *, now: dt.datetime
) -> bool:
    """Whether a crisis answer was recorded for this person less than an hour ago (and no
    part of their safety plan is waiting for what they type)."""
    with sessions() as session:
        user = find_user(session, telegram_user_id)
        if user is None or not in_careful_window(user.crisis_at, now=now):
            return False
        return not _plan_waits(session, user, now=now)


def plan_waits(sessions: sessionmaker[Session], telegram_user_id: int, *, now: dt.datetime) -> bool:
    with sessions() as session:
        user = find_user(session, telegram_user_id)
        return user is not None and _plan_waits(session, user, now=now)


async def check_wanted(
    sessions: sessionmaker[Session],
    telegram_user_id: int,
    *,
    now: dt.datetime,
    read_seconds: float,
) -> bool:
    """For an ambiguous text: the check, unless a part of the safety plan is being written
    (the text is the person's own words for their plan). A database that cannot tell in
    ``read_seconds`` means the check."""
    try:
        waits = await asyncio.wait_for(
            asyncio.to_thread(plan_waits, sessions, telegram_user_id, now=now), read_seconds
        )
    except (SQLAlchemyError, TimeoutError) as error:
        log.warning("safety plan not read before the check (%s)", type(error).__name__)
        return True
    return not waits


def careful_intent(text: str) -> str | None:
    """The payload a typed message stands for in the careful window, if any."""
    if is_resume_request(text):
        return RESUME
    if is_feeling_better(text):
        return BETTER
    return None


async def careful_route(
    rasa: RasaClient,
    sessions: sessionmaker[Session],
    telegram_user_id: int,
    sender_id: str,
    text: str,
    *,
    now: dt.datetime,
    read_seconds: float,
) -> str | None:
    """``RESUME`` or ``BETTER`` for « on reprend » / « ça va mieux » typed in the hour after
    a crisis answer, outside any form; None otherwise (the text goes on as typed). Any
    failure to tell leaves the text as it is."""
    payload = careful_intent(text)
    if payload is None:
        return None
    try:
        recent = await asyncio.wait_for(
            asyncio.to_thread(crisis_recent, sessions, telegram_user_id, now=now), read_seconds
        )
        if not recent:
            return None
        form, _ = await rasa.dialogue_state(sender_id, deadline=TRACKER_SECONDS)
    except (SQLAlchemyError, TimeoutError, RasaUnavailable) as error:
        log.warning("careful window not read (%s)", type(error).__name__)
        return None
    return payload if form is None else None
