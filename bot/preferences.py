"""Reminder settings through buttons, handled without Rasa: the weekly reflection opt-in
(``refl:`` payloads) and the quiet hours (``quiet:`` payloads).

These are pure settings: the relay applies them to our own rows, as it does for the
reminder buttons.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from bot.rendering import Button, Reply
from coach.db import transaction
from coach.language.fold import WEEKDAYS_FR
from coach.language.times import format_fr
from coach.reminders import (
    disable_weekly_reflection,
    set_quiet_hours,
    set_weekly_reflection,
    user_zone,
)
from coach.users import find_user

PREFIX = "refl:"
QUIET_PREFIX = "quiet:"
# Choices offered for the quiet hours: (label, start, end); equal bounds mean none.
QUIET_CHOICES: dict[str, tuple[str, dt.time, dt.time]] = {
    "default": ("21 h – 8 h 30", dt.time(21, 0), dt.time(8, 30)),
    "late": ("22 h – 8 h", dt.time(22, 0), dt.time(8, 0)),
    "early": ("20 h – 9 h", dt.time(20, 0), dt.time(9, 0)),
    "none": ("Aucune", dt.time(0, 0), dt.time(0, 0)),
}
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
    if len(parts) == 2 and parts[0] == "day" and _small(parts[1]) in range(7):
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
        if len(parts) == 3 and parts[0] == "set":
            day, hour = _small(parts[1]), _small(parts[2])
            if day in range(7) and hour in HOURS:
                reminder = set_weekly_reflection(session, user, weekday=day, hour=hour, now=now)
                first = format_fr(reminder.due_at.astimezone(user_zone(user)), now=now)
                return Reply(
                    text=(
                        f"C'est noté : un bilan chaque {WEEKDAYS_FR[day]} à {hour} h. "
                        f"Premier rendez-vous {first}."
                    )
                )
    return Reply(text="Ce bouton n'est plus valable. Tapez /rappels pour reprendre.")


def handle_quiet(sessions: sessionmaker[Session], telegram_user_id: int, payload: str) -> Reply:
    """Apply one ``quiet:`` button; blocking (database), so call it in a thread."""
    choice = payload.removeprefix(QUIET_PREFIX)
    if choice == "setup":
        return Reply(
            text=(
                "Pendant vos heures calmes, je garde les rappels pour plus tard. "
                "Lesquelles vous conviennent ?"
            ),
            buttons=tuple(
                Button(label, f"{QUIET_PREFIX}{key}")
                for key, (label, _, _) in QUIET_CHOICES.items()
            ),
        )
    if choice not in QUIET_CHOICES:
        return Reply(text="Ce bouton n'est plus valable. Tapez /rappels pour reprendre.")
    label, start, end = QUIET_CHOICES[choice]
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return Reply(text=NOT_FOUND)
        moved = set_quiet_hours(session, user, start, end)
    text = (
        "C'est noté : plus d'heures calmes, les rappels partent à l'heure prévue."
        if choice == "none"
        else f"C'est noté : heures calmes de {label}."
    )
    if moved:
        text += f" {moved} rappel(s) prévu(s) dans ce créneau partiront à la fin."
    return Reply(text=text)


def _small(digits: str) -> int:
    """A button's small number (a weekday, an hour); -1 for anything else, forged data
    included (« ² » or ten thousand digits are digits that ``int`` refuses)."""
    if len(digits) > 2 or not (digits.isascii() and digits.isdigit()):
        return -1
    return int(digits)
