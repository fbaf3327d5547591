"""Reminders in the conversation: set one in free text, list, cancel, pause (SPEC §3 flow 10)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import with_user
from coach.language.times import WhenError, format_fr, parse_when
from coach.models import User
from coach.reminders import describe, list_upcoming, pause_all, resume_all, schedule, user_zone

log = logging.getLogger(__name__)

HOW_TO = (
    "Dites-moi quoi et quand, en une phrase, par exemple : « rappelle-moi vendredi à 10h de "
    "relancer Decathlon », « dans 3 jours » ou « demain matin »."
)
NO_USER = "Je n'ai pas encore votre accord pour garder des rappels : tapez /start pour commencer."
DB_PROBLEM = "Un souci technique m'empêche de gérer vos rappels pour l'instant. Réessayez bientôt."
# "rappelle-moi de", "fais-moi penser à", "peux-tu me rappeler que"… in front of the "what".
_LEAD = re.compile(
    r"^\s*(?:(?:est-ce que |peux-tu |pourrais-tu |tu peux |vous pouvez |merci de )?"
    r"(?:me |m')?(?:rappel(?:le[rsz]?|er|ez)|fai[st]|faire|mets?|mettre|programme[rsz]?|note[rsz]?)"
    r"(?:[- ]?(?:moi|nous))?(?: un rappel)?(?: pour| penser)?\s*)?"
    r"(?:(?:de|d'|à|a|que|qu'|pour)\s*)?",
    re.IGNORECASE,
)


def reminder_subject(what: str) -> str:
    """The task itself: "rappelle-moi de relancer Decathlon" → "relancer Decathlon"."""
    subject = _LEAD.sub("", what, count=1).strip(" ,.;:!?")
    subject = re.sub(r"^(?:de|d'|à|que|qu')\s*", "", subject, flags=re.IGNORECASE).strip()
    return subject[:300]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _with_user[T](
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    work: Callable[[Session, User], T],
) -> T | None:
    return with_user(tracker, dispatcher, work, no_user=NO_USER, failure=DB_PROBLEM)


class ActionSetReminder(Action):
    def name(self) -> str:
        return "action_set_reminder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if text.startswith("/"):
            dispatcher.utter_message(text=HOW_TO)
            return []
        now = _now()

        def store(session: Session, user: User) -> str:
            zone = user_zone(user)
            parsed = parse_when(text, now=now, tz=zone)
            if isinstance(parsed, WhenError):
                return parsed.message
            subject = reminder_subject(parsed.what)
            reminder = schedule(
                session,
                user,
                "custom",
                parsed.due,
                now=now,
                payload={"text": subject} if subject else {},
                requested_by_user=True,
            )
            assert reminder is not None  # requested by the user: never muted
            what = f"« {subject} »" if subject else "votre rappel"
            when = format_fr(reminder.due_at.astimezone(zone), now=now)
            message = f"C'est noté : je vous enverrai {what} {when}."
            if reminder.due_at != parsed.due:
                message += " (J'ai évité vos heures calmes.)"
            return message

        message = _with_user(tracker, dispatcher, store)
        if message is not None:
            buttons = [{"title": "Voir mes rappels", "payload": "/list_reminders"}]
            dispatcher.utter_message(
                text=message, buttons=buttons if message.startswith("C'est noté") else []
            )
        return []


class ActionListReminders(Action):
    def name(self) -> str:
        return "action_list_reminders"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        now = _now()

        def read(session: Session, user: User) -> tuple[list[tuple[int, str]], bool]:
            zone = user_zone(user)
            upcoming = [(r.id, describe(r, tz=zone, now=now)) for r in list_upcoming(session, user)]
            return upcoming, user.reminders_paused

        found = _with_user(tracker, dispatcher, read)
        if found is None:
            return []
        upcoming, paused = found
        settings = [
            {"title": "Bilan hebdomadaire", "payload": "refl:setup"},
            {"title": "Heures calmes", "payload": "quiet:setup"},
        ]
        if not upcoming:
            dispatcher.utter_message(
                text="Vous n'avez aucun rappel prévu. " + HOW_TO, buttons=settings
            )
            return []
        lines = [f"{n}. {line}" for n, (_, line) in enumerate(upcoming, start=1)]
        header = "Vos prochains rappels"
        if paused:
            header += " (en pause : rien ne part tant que vous ne les reprenez pas)"
        buttons = [
            {"title": f"Annuler le n° {n}", "payload": f"rem:cancel:{rid}"}
            for n, (rid, _) in enumerate(upcoming[:5], start=1)
        ]
        buttons.append(
            {"title": "Reprendre les rappels", "payload": "/resume_reminders"}
            if paused
            else {"title": "Tout mettre en pause", "payload": "/pause_reminders"}
        )
        buttons += settings
        dispatcher.utter_message(text=header + " :\n" + "\n".join(lines), buttons=buttons)
        return []


class ActionPauseReminders(Action):
    def name(self) -> str:
        return "action_pause_reminders"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        waiting = _with_user(tracker, dispatcher, pause_all)
        if waiting is not None:
            dispatcher.utter_message(
                text=(
                    f"Vos rappels sont en pause ({waiting} en attente). Rien ne partira avant "
                    "que vous ne les repreniez."
                ),
                buttons=[{"title": "Reprendre les rappels", "payload": "/resume_reminders"}],
            )
        return []


class ActionResumeReminders(Action):
    def name(self) -> str:
        return "action_resume_reminders"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        now = _now()
        moved = _with_user(
            tracker, dispatcher, lambda session, user: resume_all(session, user, now=now)
        )
        if moved is not None:
            text = "C'est reparti : vos rappels reprennent."
            if moved:
                text += (
                    f" {len(moved)} rappel(s) arrivé(s) à échéance pendant la pause "
                    "partent bientôt."
                )
            dispatcher.utter_message(text=text)
        return []
