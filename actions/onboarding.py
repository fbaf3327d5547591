"""Onboarding: greeting, privacy notice and consent (SPEC §3 flow 1)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import MAIN_TOPICS, first_name, metadata, sessions, settings, telegram_user_id
from coach.db import transaction
from coach.timezones import suggests_elsewhere
from coach.users import give_consent, has_consented

log = logging.getLogger(__name__)

INTRO = (
    "Je suis Rebond, un coach pour rebondir après un refus de candidature. "
    "Avec moi, vous pouvez :\n"
    "• faire le point sur ce que vous ressentez, sans jugement ;\n"
    "• savoir quand et à qui demander un retour, et rédiger la demande ensemble ;\n"
    "• comprendre les retours reçus et repérer ce qui revient d'un refus à l'autre ;\n"
    "• en tirer un plan d'action concret, avec des rappels au bon moment."
)
PRIVACY = (
    "Confidentialité : je n'enregistre rien tant que vous n'avez pas donné votre accord. "
    "Ensuite, je garde ce que vous me confiez uniquement pour vous accompagner. "
    "/export vous envoie vos données, /supprimer les efface, à tout moment."
)
CONSENT_BUTTONS = [
    {"title": "J'accepte", "payload": "/consent_accept"},
    {"title": "Non merci", "payload": "/consent_decline"},
]


def _hello(tracker: Tracker) -> str:
    name = first_name(tracker)
    return f"Bonjour {name} !" if name else "Bonjour !"


class ActionStart(Action):
    def name(self) -> str:
        return "action_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        try:
            known = uid is not None and _consented(uid)
        except SQLAlchemyError:
            log.exception("database unavailable in action_start")
            known = False
        if known:
            dispatcher.utter_message(
                text=f"{_hello(tracker)} Quel plaisir de vous retrouver. Par quoi voulez-vous "
                "commencer ?",
                buttons=MAIN_TOPICS,
            )
            return []
        if metadata(tracker).get("reprompt"):
            dispatcher.utter_message(
                text=(
                    "Avant d'aller plus loin, j'ai besoin de votre accord : je n'ai rien lu ni "
                    "enregistré de votre message. Ensuite, je garde ce que vous me confiez "
                    "uniquement pour vous accompagner ; /export vous envoie vos données, "
                    "/supprimer les efface, à tout moment.\n\nAcceptez-vous que je garde ces "
                    "informations pour vous accompagner ?"
                ),
                buttons=CONSENT_BUTTONS,
            )
            return []
        dispatcher.utter_message(text=f"{_hello(tracker)} {INTRO}")
        dispatcher.utter_message(
            text=PRIVACY
            + "\n\nAcceptez-vous que je garde ces informations pour vous accompagner ?",
            buttons=CONSENT_BUTTONS,
        )
        return []


def _consented(uid: int) -> bool:
    with sessions()() as session:
        return has_consented(session, uid)


class ActionGiveConsent(Action):
    def name(self) -> str:
        return "action_give_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        if uid is None:
            dispatcher.utter_message(
                text="Je n'arrive pas à vous identifier, excusez-moi : réessayez avec /start."
            )
            return []
        try:
            with transaction(sessions()) as session:
                known = has_consented(session, uid)
                user = give_consent(
                    session, uid, first_name=first_name(tracker), timezone=settings().coach_tz
                )
                timezone = user.timezone
                ask_zone = not known and _elsewhere(tracker)
                if ask_zone:
                    user.zone_offered_at = dt.datetime.now(dt.UTC)
        except SQLAlchemyError:
            log.exception("could not store consent")
            dispatcher.utter_message(
                text=(
                    "Je n'ai pas pu enregistrer votre accord à cause d'un souci technique. "
                    "Réessayez dans un instant avec /start."
                )
            )
            return []
        if known:
            # A « oui » to « par quoi voulez-vous commencer ? », or an old button pressed.
            dispatcher.utter_message(
                text="Avec plaisir ! Dites-moi avec vos mots ce qui vous amène, ou choisissez :",
                buttons=MAIN_TOPICS,
            )
            return []
        if ask_zone:
            dispatcher.utter_message(
                text=(
                    f"Merci pour votre confiance ! Pour vos rappels, je me règle pour l'instant "
                    f"sur l'heure {_zone_words(timezone)}. Vivez-vous ailleurs ? Dites-le-moi, "
                    "pour que mes messages arrivent à votre heure."
                ),
                buttons=[
                    {"title": "Oui, je vis ailleurs", "payload": "srch:tzask"},
                    {"title": "Non, c'est la bonne heure", "payload": f"srch:tz:{timezone}"},
                ],
            )
            dispatcher.utter_message(
                text="Et dites-moi avec vos mots ce qui vous amène, ou choisissez :",
                buttons=MAIN_TOPICS,
            )
            return []
        dispatcher.utter_message(
            text=(
                f"Merci pour votre confiance ! Je me règle sur l'heure {_zone_words(timezone)} "
                "pour vos rappels (/fuseau pour en changer).\n"
                "Dites-moi avec vos mots ce qui vous amène, ou choisissez :"
            ),
            buttons=MAIN_TOPICS,
        )
        return []


def _elsewhere(tracker: Tracker) -> bool:
    """Whether Telegram's interface language (sent with the consent) suggests another zone
    than the default one: « fr-CA », « fr-BE », « en »… (coach.timezones)."""
    code = metadata(tracker).get("language_code")
    return isinstance(code, str) and suggests_elsewhere(code, ())


DECLINED = (
    "C'est entendu : je n'enregistre rien vous concernant. "
    "Si vous changez d'avis, tapez /start. Bon courage pour vos démarches !"
)
# Said to a person who consented earlier: a « non » never takes their consent back.
ALREADY_CONSENTED = (
    "Votre accord est déjà enregistré et je ne touche à rien : ce que vous m'avez confié "
    "reste là pour vous accompagner. Si vous préférez tout effacer, tapez /supprimer "
    "(et /export d'abord pour recevoir vos données)."
)
NOT_NOW = (
    "Pas de souci, rien ne presse. Je reste là : écrivez-moi quand vous voulez, ou choisissez :"
)
CONSENT_UNKNOWN = (
    "Un souci technique m'empêche de vérifier votre accord pour le moment : je ne change "
    "rien. Réessayez dans quelques minutes."
)


class ActionDeclineConsent(Action):
    """« Non merci » to the consent question — or a « non » that only looks like it.

    Refusing consent exists only before consent: then nothing of ours is stored and the
    bot is asked to drop the few command events Rasa kept (``forget``). From a person who
    already consented (a « non » typed after /start's « par quoi voulez-vous commencer ? »,
    an old « Non merci » button, « je refuse » in passing), it is never a withdrawal: their
    data and the conversation stay, and /supprimer is the way to erase them.
    """

    def name(self) -> str:
        return "action_decline_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        try:
            consented = uid is not None and _consented(uid)
        except SQLAlchemyError:
            log.exception("database unavailable in action_decline_consent")
            # Unknown: forgetting could wipe a consented person's dialogue. Change nothing.
            dispatcher.utter_message(text=CONSENT_UNKNOWN)
            return []
        if consented:
            if (tracker.latest_message or {}).get("intent", {}).get("name") == "consent_decline":
                dispatcher.utter_message(text=ALREADY_CONSENTED)
            else:
                dispatcher.utter_message(text=NOT_NOW, buttons=MAIN_TOPICS)
            return []
        dispatcher.utter_message(text=DECLINED, json_message={"rebond": "forget"})
        return []


def _zone_words(zone: str) -> str:
    """« de Paris », « de La Réunion », « d'Abidjan » (coach.timezones.of_place)."""
    from coach.timezones import of_place, place_for_zone

    try:
        return of_place(place_for_zone(zone))
    except (KeyError, ValueError):
        return f"du fuseau {zone.replace('_', ' ')}"
