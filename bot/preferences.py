"""Weekly reflection opt-in through buttons (``refl:`` payloads), handled without Rasa.

Choosing a day and an hour is pure settings: the relay applies it to our own rows, as it
does for the reminder buttons.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from bot.rendering import Button, Reply
from coach.db import transaction
from coach.reminders import disable_weekly_reflection, set_weekly_reflection, user_zone
from coach.timeparse import WEEKDAYS_FR, format_fr
from coach.users import find_user

PREFIX = "refl:"
HOURS = (9, 12, 18, 20)
NOT_FOUND = "Je n'ai pas encore votre accord : tapez /start pour commencer."


def setup_buttons() -> tuple[Button, ...]:
    days = tuple(Button(day.capitalize(), f"{PREFIX}day:{n}") for n, day in enumerate(WEEKDAYS_FR))
    return (*days, Button("Ne plus me le proposer", f"{PREFIX}off"))


def handle(
    sessions: sessionmaker[Session], telegram_user_id: int, payload: str, *, now: dt.datetime
) -> Reply:
    """Apply one ``refl:`` button; blocking (database), so call it in a thread."""
    parts = payload.removeprefix(PREFIX).split(":")
    if parts == ["setup"]:
        return Reply(
            text=(
                "Chaque semaine, je peux vous poser deux questions pour faire le point "
                "(vos réponses vont dans votre journal). Quel jour vous convient ?"
            ),
            buttons=setup_buttons(),
        )
    if len(parts) == 2 and parts[0] == "day" and parts[1].isdigit() and int(parts[1]) < 7:
        day = int(parts[1])
        return Reply(
            text=f"Le {WEEKDAYS_FR[day]}, à quelle heure ?",
            buttons=tuple(Button(f"{h} h", f"{PREFIX}set:{day}:{h}") for h in HOURS),
        )
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return Reply(text=NOT_FOUND)
        if parts == ["off"]:
            disable_weekly_reflection(session, user)
            return Reply(
                text="Entendu, plus de bilan hebdomadaire. Vous pourrez le réactiver via /rappels."
            )
        if len(parts) == 3 and parts[0] == "set" and parts[1].isdigit() and parts[2].isdigit():
            day, hour = int(parts[1]), int(parts[2])
            if day < 7 and hour in HOURS:
                reminder = set_weekly_reflection(session, user, weekday=day, hour=hour, now=now)
                first = format_fr(reminder.due_at.astimezone(user_zone(user)), now=now)
                return Reply(
                    text=(
                        f"C'est noté : un bilan chaque {WEEKDAYS_FR[day]} à {hour} h. "
                        f"Premier rendez-vous {first}."
                    )
                )
    return Reply(text="Ce bouton n'est plus valable. Tapez /rappels pour reprendre.")
