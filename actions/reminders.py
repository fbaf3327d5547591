"""Reminders in the conversation: set one in free text, list, cancel, pause (SPEC §3 flow 10)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import sessions, telegram_user_id
from coach.db import transaction
from coach.reminders import describe, list_upcoming, pause_all, resume_all, schedule, user_zone
from coach.timeparse import WhenError, format_fr, parse_when
from coach.users import find_user

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


class ActionSetReminder(Action):
    def name(self) -> str:
        return "action_set_reminder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        uid = telegram_user_id(tracker)
        if text.startswith("/") or uid is None:
            dispatcher.utter_message(text=HOW_TO)
            return []
        now = _now()
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid)
                if user is None:
                    dispatcher.utter_message(text=NO_USER)
                    return []
                zone = user_zone(user)
                parsed = parse_when(text, now=now, tz=zone)
                if isinstance(parsed, WhenError):
                    dispatcher.utter_message(text=parsed.message)
                    return []
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
                when = format_fr(reminder.due_at.astimezone(zone), now=now)
                moved = reminder.due_at != parsed.due
        except SQLAlchemyError:
            log.exception("could not store a reminder")
            dispatcher.utter_message(text=DB_PROBLEM)
            return []
        what = f"« {subject} »" if subject else "votre rappel"
        message = f"C'est noté : je vous enverrai {what} {when}."
        if moved:
            message += " (J'ai évité vos heures calmes.)"
        dispatcher.utter_message(
            text=message, buttons=[{"title": "Voir mes rappels", "payload": "/list_reminders"}]
        )
        return []


class ActionListReminders(Action):
    def name(self) -> str:
        return "action_list_reminders"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        now = _now()
        try:
            with sessions()() as session:
                user = find_user(session, uid) if uid is not None else None
                if user is None:
                    dispatcher.utter_message(text=NO_USER)
                    return []
                zone = user_zone(user)
                upcoming = [
                    (r.id, describe(r, tz=zone, now=now)) for r in list_upcoming(session, user)
                ]
                paused = user.reminders_paused
        except SQLAlchemyError:
            log.exception("could not list reminders")
            dispatcher.utter_message(text=DB_PROBLEM)
            return []
        reflection = {"title": "Bilan hebdomadaire", "payload": "refl:setup"}
        if not upcoming:
            dispatcher.utter_message(
                text="Vous n'avez aucun rappel prévu. " + HOW_TO, buttons=[reflection]
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
        buttons.append(reflection)
        dispatcher.utter_message(text=header + " :\n" + "\n".join(lines), buttons=buttons)
        return []


class ActionPauseReminders(Action):
    def name(self) -> str:
        return "action_pause_reminders"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid) if uid is not None else None
                if user is None:
                    dispatcher.utter_message(text=NO_USER)
                    return []
                waiting = pause_all(session, user)
        except SQLAlchemyError:
            log.exception("could not pause reminders")
            dispatcher.utter_message(text=DB_PROBLEM)
            return []
        dispatcher.utter_message(
            text=(
                f"Vos rappels sont en pause ({waiting} en attente). Rien ne partira avant que "
                "vous ne les repreniez."
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
        uid = telegram_user_id(tracker)
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid) if uid is not None else None
                if user is None:
                    dispatcher.utter_message(text=NO_USER)
                    return []
                moved = resume_all(session, user, now=_now())
        except SQLAlchemyError:
            log.exception("could not resume reminders")
            dispatcher.utter_message(text=DB_PROBLEM)
            return []
        text = "C'est reparti : vos rappels reprennent."
        if moved:
            text += (
                f" {len(moved)} rappel(s) arrivé(s) à échéance pendant la pause partent bientôt."
            )
        dispatcher.utter_message(text=text)
        return []
