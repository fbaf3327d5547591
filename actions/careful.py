"""The careful hour after a crisis answer, as the actions see it (coach/crisis_tiers.py)."""

from __future__ import annotations

import datetime as dt
import logging

from rasa_sdk import Tracker
from sqlalchemy.exc import SQLAlchemyError

from actions.common import sessions, telegram_user_id
from coach.crisis_tiers import in_careful_window
from coach.users import find_user

log = logging.getLogger(__name__)

#: The slot that ends the careful hour early: the person said they are safe and resumed.
CLEARED_SLOT = "crisis_cleared_at"


def careful_window(tracker: Tracker, *, now: dt.datetime | None = None) -> bool:
    """Whether replies must stay careful (coach/crisis_tiers.py): a crisis answer less than
    an hour ago, and the person has not resumed since. A database that cannot tell means
    the usual answers (nothing is stored then either)."""
    uid = telegram_user_id(tracker)
    if uid is None:
        return False
    cleared = tracker.get_slot(CLEARED_SLOT)
    try:
        with sessions()() as session:
            user = find_user(session, uid)
            crisis_at = user.crisis_at if user is not None else None
    except SQLAlchemyError:
        log.exception("could not read the crisis time")
        return False
    return in_careful_window(
        crisis_at,
        now=now or dt.datetime.now(dt.UTC),
        cleared_at=cleared if isinstance(cleared, int | float) else None,
    )
