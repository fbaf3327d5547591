"""The conversation relay shared by Telegram and the local chat.

Order of checks for every message: input sanity → crisis tiers (coach/crisis_tiers.py:
``crisis`` is deterministic and before anything else, so it works even when Rasa or the
database is down; ``ambiguous`` gets a short check with 3114, bot/careful.py) → in the hour
after a crisis, « on reprend » / « ça va mieux » routed without the classifier → consent
gate (no text of a person who has not consented ever reaches storage; the same read tells
whether a part of their safety plan takes the text, which then goes there and never to
Rasa) → Rasa → front-end directives. After a crisis answer went out, the front-end asks
:meth:`Relay.follow_up` for the person's own safety plan (read with a short timeout, never
before the lines).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot import careful, preferences, search
from bot import safety_plan as plan_chat
from bot.dispatcher import CALLBACK_PREFIX as REMINDER_PREFIX
from bot.dispatcher import (
    UNKNOWN_REMINDER,
    DeliverLater,
    answer_reminder_button,
    is_row_id,
    reminder_buttons,
    reminder_text,
)
from bot.rasa_client import (
    PROBE_DEADLINE,
    RasaClient,
    RasaEmptyAnswer,
    RasaRejected,
    RasaTimeout,
    RasaUnavailable,
)
from bot.rendering import Reply, parse_rasa_messages
from bot.sessions import SESSION_TURNS, TurnCounter, is_safe_point
from coach import charts
from coach.commands import COMMANDS
from coach.crisis_tiers import ambiguous_evidence
from coach.db import transaction
from coach.feedbacks import patterns_for
from coach.interpretation import CHART_MOOD, CHART_THEMES, charts_to_draw
from coach.language.dates import format_date_fr
from coach.mood_history import MoodHistoryInput, history_input
from coach.privacy import erase_person, export_user, forget_unconsented
from coach.reminders import ReminderSnapshot, user_day
from coach.reminders import cancel as cancel_reminder
from coach.retention import ACCOUNT_KEPT
from coach.safety import CRISIS_REPLY, detect_crisis
from coach.swot import draft_of, latest_swot
from coach.timezones import suggests_elsewhere
from coach.users import (
    find_user,
    has_consented,
    record_crisis,
    sender_id_for,
    touch_activity,
)

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 10_000
CANCEL_PREFIX = "rem:cancel:"
CRISIS_INTENT = "crisis"  # triggered after the detector fired, to stop a form in progress
#: Seconds between attempts to record a crisis when the database or Rasa is unavailable
#: (about ten minutes in all).
CRISIS_RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 180.0, 240.0)

# Shown in Telegram's command menu (SPEC §3 order).
COMMAND_DESCRIPTIONS: dict[str, str] = {
    "start": "Commencer",
    "aide": "Ce que je sais faire",
    "refus": "Noter un refus",
    "demande": "Préparer une demande de retour",
    "retour": "Enregistrer un retour reçu",
    "journal": "Mon journal",
    "objectifs": "Mes objectifs",
    "bilan": "Les points qui reviennent",
    "swot": "Mes forces et faiblesses (SWOT)",
    "rappels": "Mes rappels",
    "candidatures": "Mes candidatures en cours",
    "demarches": "Justifier mes démarches (France Travail)",
    "fuseau": "Mon fuseau horaire",
    "confidentialite": "Mes données",
    "export": "Recevoir mes données",
    "supprimer": "Effacer mes données",
    "annuler": "Annuler en cours de route",
    "plan": "Mon plan de sécurité",
}
# Commands the bot answers itself, without Rasa (their text never reaches the tracker).
PLAN_COMMAND = "plan"
# What may reach Rasa before consent: commands and buttons only, never typed text.
CONSENT_PAYLOAD = "/consent_accept"
DEFAULT_ZONE = "Europe/Paris"
PRE_CONSENT_PAYLOADS = frozenset(
    {"/start", "/consent_accept", "/consent_decline", "/help", "/privacy"}
)

EMPTY_TEXT = "Je n'ai rien reçu : votre message semble vide. Écrivez-moi quand vous voulez."
TOO_LONG = (
    "Votre message est très long ({length} caractères) : je ne peux en lire que "
    f"{MAX_MESSAGE_CHARS} d'un coup. Pourriez-vous l'envoyer en plusieurs parties ? "
    "Rien n'a été enregistré."
)
RASA_DOWN = (
    "Je suis momentanément indisponible, excusez-moi. Votre message n'a pas été traité : "
    "renvoyez-le dans une minute, je serai de retour."
)
DB_DOWN = (
    "Un souci technique m'empêche d'accéder à vos informations pour le moment. "
    "Rien n'est perdu : réessayez dans quelques minutes."
)
UNKNOWN_COMMAND = (
    "Je ne connais pas la commande {command}. Tapez /aide pour voir ce que je sais faire."
)
EXPIRED_BUTTON = "Ce bouton n'est plus valable. Tapez /aide pour reprendre."
CHART_FAILED = (
    "Je n'ai pas réussi à dessiner le graphique cette fois-ci, excusez-moi. Le reste de votre "
    "bilan est bien là ; vous pourrez redemander /bilan un peu plus tard."
)
SWOT_CHART_FAILED = (
    "Je n'ai pas réussi à dessiner l'image de votre SWOT cette fois-ci, excusez-moi. Le SWOT "
    "lui-même est bien enregistré, avec ses quatre listes."
)
THEMES_CAPTION = "Les thèmes de vos retours"
#: A reminder that opens a conversation waits while the person answered a guided question
#: less than this long ago (it would be read as their answer), and tries again this much
#: later; after a longer silence it comes as a plain reminder instead.
FORM_ACTIVE_SECONDS = 30 * 60
FORM_DEFER_SECONDS = 10 * 60
SWOT_CAPTION = "Votre SWOT du {day}"
MOOD_CAPTION = "Votre humeur, jour par jour, et vos refus"
WEEK_MOOD_CAPTION = "Votre humeur cette semaine, à côté de la semaine d'avant"
MOOD_CHART_FAILED = (
    "Je n'ai pas réussi à dessiner votre humeur cette fois-ci, excusez-moi. Vos humeurs sont "
    "bien enregistrées : redemandez-la dans un moment."
)
# The mood chart needs a line: one point says nothing about a trend.
ERASED = (
    "C'est fait : toutes vos données ont été effacées, conversation comprise. "
    "Au revoir, et bon courage pour la suite."
)
ERASE_FAILED = (
    "Je n'ai pas pu tout effacer à cause d'un souci technique, excusez-moi : rien n'a été "
    "supprimé pour l'instant. Tapez /supprimer à nouveau dans quelques minutes."
)
#: Seconds to read the consent before a turn: a hung database gets the « souci technique »
#: answer instead of holding the person's queue.
CONSENT_READ_SECONDS = 3.0
#: The whole turn answers within this many seconds (SPEC §10: 35 s with the sending).
TURN_SECONDS = 32.0
#: Looking for a failed turn in Rasa's record, and sending it again, needs at least this.
MIN_TAKE_OVER_SECONDS = 1.0
#: What follows a crisis answer (the person's plan, or the offer to prepare one) is read
#: within this many seconds, or not at all: the lines went out already.
FOLLOW_UP_SECONDS = 3.0
#: The offer to prepare a plan is made at most this often to one person (in seconds).
PLAN_OFFER_EVERY = 24 * 3600.0


@dataclass(frozen=True)
class Speaker:
    """Who speaks, as authenticated by the front-end (never taken from message content)."""

    telegram_user_id: int
    first_name: str | None = None
    # Telegram's interface language (« fr », « fr-CA », « en »), sent to Rasa only with the
    # consent itself: it may suggest asking where the person lives (coach.timezones).
    language_code: str | None = None


class Relay:
    def __init__(
        self,
        *,
        rasa: RasaClient,
        session_factory: sessionmaker[Session],
        tracker_url: str,
        clock: Callable[[], dt.datetime] | None = None,
        crisis_retry_delays: tuple[float, ...] = CRISIS_RETRY_DELAYS,
        session_turns: int = SESSION_TURNS,
        default_zone: str = DEFAULT_ZONE,
        turn_seconds: float = TURN_SECONDS,
    ) -> None:
        self._rasa = rasa
        self._turn_seconds = turn_seconds  # a whole turn's budget, every call to Rasa included
        self._turns = TurnCounter(session_turns)
        self._crisis_retry_delays = crisis_retry_delays
        self._sessions = session_factory
        self._tracker_url = tracker_url
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._background: set[asyncio.Task[None]] = set()
        self._plan_offered: dict[int, float] = {}
        self._default_zone = default_zone  # COACH_TZ: the zone of a person who set none

    # -- entry points -------------------------------------------------------------------
    async def handle_text(
        self, speaker: Speaker, text: str | None, *, key: int | None = None
    ) -> list[Reply]:
        """A typed message. ``key`` (the Telegram update id) travels to Rasa in the
        message's metadata, so that a turn is recognised if it must be taken up again."""
        text = _clean(text).strip()
        if not text:
            return [Reply(text=EMPTY_TEXT)]
        if detect_crisis(text):
            # The answer first, with no I/O at all; the pause is recorded afterwards.
            self.after_crisis(speaker)
            return self.crisis_reply()
        if ambiguous_evidence(text) is not None and await careful.check_wanted(
            self._sessions,
            speaker.telegram_user_id,
            now=self._clock(),
            read_seconds=CONSENT_READ_SECONDS,
        ):
            # Crisis tiers: ``ambiguous`` gets the short check (3114, two buttons).
            return careful.check_replies(text)
        if len(text) > MAX_MESSAGE_CHARS:
            return [Reply(text=TOO_LONG.format(length=len(text)))]
        if text.startswith("/"):
            # Typed text is never allowed to pose as a payload (« /consent_accept »,
            # « / /confirm_delete »): every leading slash and space goes.
            text = text.lstrip("/ \t\r\n\f\v")
            if not text:
                return [Reply(text=UNKNOWN_COMMAND.format(command="/"))]
        routed = await careful.careful_route(
            self._rasa,
            self._sessions,
            speaker.telegram_user_id,
            sender_id_for(speaker.telegram_user_id),
            text,
            now=self._clock(),
            read_seconds=CONSENT_READ_SECONDS,
        )
        if routed is not None:
            # The hour after a crisis answer: « on reprend » / « ça va mieux » never depend
            # on the classifier (bot/careful.py).
            return await self._relay(speaker, routed, typed=False, key=key)
        return await self._relay(speaker, text, typed=True, key=key)

    async def handle_command(
        self, speaker: Speaker, command: str, *, key: int | None = None
    ) -> list[Reply]:
        """A slash command; the text after it went through the crisis detector already
        (the front-end checks every text first), and a crisis there is answered here too."""
        command = _clean(command)
        rest = command.split(maxsplit=1)[1] if len(command.split(maxsplit=1)) > 1 else ""
        if rest and detect_crisis(rest):
            self.after_crisis(speaker)
            return self.crisis_reply()
        if rest and ambiguous_evidence(rest) is not None:
            return careful.check_replies(rest)
        words = command.lstrip("/").split("@", 1)[0].split(maxsplit=1)
        name = words[0].lower() if words else ""
        if name == PLAN_COMMAND:
            return await self._plan_step(speaker, plan_chat.show, key=None)
        payload = COMMANDS.get(name)
        if payload is None:
            return [Reply(text=UNKNOWN_COMMAND.format(command=f"/{name}"[:40]))]
        return await self._relay(speaker, payload, typed=False, key=key)

    async def handle_payload(
        self, speaker: Speaker, payload: str | None, *, key: int | None = None
    ) -> list[Reply]:
        if not payload:
            return [Reply(text=EXPIRED_BUTTON)]
        payload = _clean(payload)
        if payload == careful.UNWELL_PAYLOAD:
            # « Je ne vais pas bien » after the ambiguous check: the crisis answer, recorded.
            self.after_crisis(speaker)
            return self.crisis_reply()
        if payload == careful.SEARCH_PAYLOAD:
            shown = await careful.search_replies(
                self._rasa, sender_id_for(speaker.telegram_user_id)
            )
            return await self._noted(speaker, shown)
        if plan_chat.is_plan_payload(payload):
            return await self._plan_step(speaker, plan_chat.handle, key=payload)
        if search.is_search_payload(payload):
            done = await self._search_step(speaker, search.handle_button, payload, None)
            return await self._noted(speaker, done or [Reply(text=DB_DOWN)])
        if payload.startswith(preferences.PREFIX):
            try:
                reply = await asyncio.to_thread(
                    preferences.handle,
                    self._sessions,
                    speaker.telegram_user_id,
                    payload,
                    now=self._clock(),
                )
            except SQLAlchemyError:
                log.exception("reflection settings failed")
                return [Reply(text=DB_DOWN)]
            return await self._noted(speaker, [reply])
        if payload.startswith(preferences.QUIET_PREFIX):
            try:
                reply = await asyncio.to_thread(
                    preferences.handle_quiet, self._sessions, speaker.telegram_user_id, payload
                )
            except SQLAlchemyError:
                log.exception("quiet hours settings failed")
                return [Reply(text=DB_DOWN)]
            return await self._noted(speaker, [reply])
        if payload.startswith(REMINDER_PREFIX):
            # Reminder buttons act on our own rows directly: no dialogue turn is needed.
            try:
                text = await asyncio.to_thread(self._reminder_button, speaker, payload)
            except SQLAlchemyError:
                log.exception("reminder button failed")
                return [Reply(text=DB_DOWN)]
            return await self._noted(speaker, [Reply(text=text)])
        return await self._relay(speaker, payload, typed=False, key=key)

    def _reminder_button(self, speaker: Speaker, payload: str) -> str:
        uid = speaker.telegram_user_id
        if payload.startswith(CANCEL_PREFIX):
            number = payload.removeprefix(CANCEL_PREFIX)
            if not is_row_id(number):
                return EXPIRED_BUTTON
            reminder_id = int(number)
            with transaction(self._sessions) as session:
                user = find_user(session, uid)
                done = user is not None and cancel_reminder(session, user, reminder_id)
            return "C'est annulé : ce rappel ne partira pas." if done else UNKNOWN_REMINDER
        answer = answer_reminder_button(self._sessions, uid, payload, now=self._clock())
        return answer or EXPIRED_BUTTON

    async def remind(self, speaker: Speaker, reminder: ReminderSnapshot) -> list[Reply]:
        """What a due reminder shows. One that opens a conversation goes through Rasa's
        ``trigger_intent`` — unless the person is inside a guided question (a form), where it
        would be read as their answer: while they are active there it waits
        (:class:`DeliverLater`); after a long silence it comes as a plain reminder with its
        buttons, and the question stays where it was."""
        if not reminder.intent:
            return [
                Reply(
                    text=reminder_text(reminder),
                    buttons=list(reminder_buttons(reminder.id, reminder)),
                )
            ]
        form, latest = await self._rasa.dialogue_state(sender_id_for(speaker.telegram_user_id))
        if form is not None:
            idle = self._clock().timestamp() - latest if latest is not None else None
            if idle is not None and idle < FORM_ACTIVE_SECONDS:
                raise DeliverLater(FORM_DEFER_SECONDS)
            return [
                Reply(
                    text=reminder_text(reminder),
                    buttons=list(reminder_buttons(reminder.id, reminder)),
                )
            ]
        return await self.trigger(speaker, reminder.intent, reminder.entities)

    async def trigger(
        self, speaker: Speaker, intent: str, entities: dict[str, Any] | None = None
    ) -> list[Reply]:
        """Open a conversation from our side (reminders) and relay Rasa's answer. A short
        question the bot asked itself (bot/search.py) is dropped first: the next typed text
        answers the conversation just opened."""
        try:
            await asyncio.to_thread(search.drop_awaited, self._sessions, speaker.telegram_user_id)
        except SQLAlchemyError as error:
            log.error("could not drop an awaited answer (%s)", type(error).__name__)
        raw = await self._rasa.trigger_intent(
            sender_id_for(speaker.telegram_user_id), intent, entities
        )
        return await self._apply_directives(speaker, parse_rasa_messages(raw))

    async def replay(self, speaker: Speaker, key: int) -> list[Reply] | None:
        """For a message whose processing a crash may have cut: if Rasa already took the
        turn (its user event carries ``update_id`` = ``key``), the answers it gave then;
        None when Rasa never saw it (process it normally) or cannot tell us."""
        try:
            events = await self._rasa.recent_events(sender_id_for(speaker.telegram_user_id))
        except RasaUnavailable:
            return None
        earlier = answers_to(events, key)
        if earlier is None:
            return None
        return await self._apply_directives(speaker, parse_rasa_messages(earlier))

    # -- steps --------------------------------------------------------------------------
    @staticmethod
    def crisis_reply() -> list[Reply]:
        """The crisis answer: no database, no Rasa, no lock — it must go out under any fault."""
        return [Reply(text=CRISIS_REPLY)]

    def after_crisis(self, speaker: Speaker) -> None:
        """Record the safety pause and stop the form in progress, in the background and
        with retries: a database or Rasa that blinks must not make us forget a crisis."""
        task = asyncio.ensure_future(self._after_crisis(speaker))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _after_crisis(self, speaker: Speaker) -> None:
        uid = speaker.telegram_user_id
        recorded = False
        for delay in (*self._crisis_retry_delays, None):
            try:
                if not recorded:
                    await asyncio.to_thread(self._record_crisis, uid)
                    recorded = True
                if await asyncio.to_thread(self._consented, uid):
                    # Stops any form in progress (the intake resumes only when the person
                    # asks). The dialogue's own answer is dropped: ours went out already.
                    await self._rasa.trigger_intent(sender_id_for(uid), CRISIS_INTENT)
                return
            except (SQLAlchemyError, RasaUnavailable) as error:
                if delay is None:
                    log.error("safety pause not recorded after retries (%s)", type(error).__name__)
                    return
                log.warning("safety pause postponed (%s)", type(error).__name__)
                await asyncio.sleep(delay)

    async def follow_up(self, speaker: Speaker, shown: list[Reply]) -> list[Reply]:
        """What the front-end sends once ``shown`` went out: after a crisis answer, the
        person's own safety plan (or, at most once a day, the offer to prepare one); else
        nothing. Read within :data:`FOLLOW_UP_SECONDS`; a database that is down or slow
        means nothing more is said (the lines were given already)."""
        if not any(reply.text == CRISIS_REPLY for reply in shown):
            return []
        uid = speaker.telegram_user_id
        now = asyncio.get_running_loop().time()
        offer = now - self._plan_offered.get(uid, float("-inf")) >= PLAN_OFFER_EVERY
        try:
            replies = await asyncio.wait_for(
                asyncio.to_thread(
                    plan_chat.after_crisis, self._sessions, uid, now=self._clock(), offer=offer
                ),
                FOLLOW_UP_SECONDS,
            )
        except (SQLAlchemyError, TimeoutError) as error:
            log.warning("no follow-up to the crisis answer (%s)", type(error).__name__)
            return []
        if any(reply.buttons for reply in replies):
            if len(self._plan_offered) >= 10_000:
                self._plan_offered.clear()
            self._plan_offered[uid] = now
        return replies

    async def _plan_step(
        self,
        speaker: Speaker,
        step: Callable[..., Reply | list[Reply]],
        *,
        key: str | None,
    ) -> list[Reply]:
        """One step of the safety plan (bot/safety_plan.py): /plan, a ``plan:`` button or a
        part typed by the person (``key`` is the payload or the text)."""
        args = (self._sessions, speaker.telegram_user_id) + (() if key is None else (key,))
        try:
            done = await asyncio.wait_for(
                asyncio.to_thread(step, *args, now=self._clock()), TURN_SECONDS
            )
        except (SQLAlchemyError, TimeoutError) as error:
            log.error("safety plan unavailable (%s)", type(error).__name__)
            return [Reply(text=DB_DOWN)]
        return await self._noted(speaker, done if isinstance(done, list) else [done])

    async def wait_background(self, timeout: float = 10.0) -> None:
        """Let the crisis follow-ups finish (tests, shutdown)."""
        if self._background:
            await asyncio.wait(list(self._background), timeout=timeout)

    def _record_crisis(self, telegram_user_id: int) -> None:
        with transaction(self._sessions) as session:
            record_crisis(session, telegram_user_id, now=self._clock())

    def _consented(self, telegram_user_id: int) -> bool:
        with self._sessions() as session:
            return has_consented(session, telegram_user_id)

    async def _relay(
        self, speaker: Speaker, message: str, *, typed: bool, key: int | None = None
    ) -> list[Reply]:
        metadata: dict[str, Any] = {"first_name": speaker.first_name} if speaker.first_name else {}
        if key is not None:
            metadata["update_id"] = key
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            # One read tells consent, whether a part of the safety plan takes this text, and
            # whether it answers a question the bot asked itself (bot/search.py).
            gate = await asyncio.wait_for(
                asyncio.to_thread(
                    plan_chat.gate,
                    self._sessions,
                    speaker.telegram_user_id,
                    typed=typed,
                    now=self._clock(),
                ),
                CONSENT_READ_SECONDS,
            )
        except (SQLAlchemyError, TimeoutError) as error:
            log.error("database unavailable (%s)", type(error).__name__)
            return [Reply(text=DB_DOWN)]
        consented = gate.consented
        if consented and gate.timezone:
            metadata["timezone"] = gate.timezone
        if gate.for_plan:
            # Written into the plan, never sent to Rasa (bot/safety_plan.py).
            return await self._plan_step(speaker, plan_chat.answer, key=message)
        if gate.awaiting is not None:
            answered = await self._search_step(
                speaker, search.answer_awaited, gate.awaiting, message
            )
            if answered is not None:
                return await self._noted(speaker, answered)
        if not consented:
            intent = message.split("{", 1)[0]
            if typed or intent not in PRE_CONSENT_PAYLOADS:
                message = "/start"
                metadata["reprompt"] = True
            else:
                # Nothing the person could have forged (entities) reaches Rasa's tracker.
                message = intent
                if message == CONSENT_PAYLOAD and speaker.language_code:
                    metadata["language_code"] = speaker.language_code[:16]
        if consented:
            await self._bound_session(sender_id_for(speaker.telegram_user_id))
        sender = sender_id_for(speaker.telegram_user_id)
        try:
            raw = await self._rasa.send_message(
                sender,
                message,
                metadata,
                deadline=max(5.0, self._turn_seconds - (loop.time() - started)),
            )
        except (RasaTimeout, RasaRejected, RasaEmptyAnswer):
            return [Reply(text=RASA_DOWN)]
        except RasaUnavailable:
            taken = await self._taken_over(sender, message, metadata, key, started)
            if taken is None:
                return [Reply(text=RASA_DOWN)]
            raw = taken
        shown = await self._apply_directives(
            speaker, parse_rasa_messages(raw), text=message if typed else None
        )
        if gate.zone_question and suggests_elsewhere(None, (message,)):
            shown += await self._zone_offer(speaker, message)
        if not consented and message != CONSENT_PAYLOAD:
            # Nothing is stored before consent, not even Rasa's record of « /start » (the
            # person's first name rides in its metadata): the turn is answered, then gone.
            await self._forget_before_consent(speaker.telegram_user_id)
        return await self._noted(speaker, shown) if consented else shown

    async def _forget_before_consent(self, telegram_user_id: int) -> None:
        if not self._tracker_url:
            return  # a relay without a tracker store to clean (the benches)
        try:
            await asyncio.to_thread(
                forget_unconsented, self._sessions, self._tracker_url, telegram_user_id
            )
        except SQLAlchemyError as error:
            log.error("could not drop a pre-consent turn (%s)", type(error).__name__)

    async def _zone_offer(self, speaker: Speaker, text: str) -> list[Reply]:
        """The question of where the person lives, once, when their first messages suggest
        another zone than the default (bot/search.py ``offer_zone``); nothing on a fault."""
        try:
            return await asyncio.to_thread(
                search.offer_zone,
                self._sessions,
                speaker.telegram_user_id,
                text,
                default_zone=self._default_zone,
                now=self._clock(),
            )
        except SQLAlchemyError as error:
            log.error("zone offer skipped (%s)", type(error).__name__)
            return []

    async def _taken_over(
        self,
        sender: str,
        message: str,
        metadata: dict[str, Any],
        key: int | None,
        started: float,
    ) -> list[dict[str, Any]] | None:
        """After the Rasa server that had this turn failed before answering (it died, or its
        balancer answered 5xx): what another server makes of it. Rasa saves a turn only once
        it is done, so the message's update id in the conversation tells: absent, nobody took
        it and it is sent once more; present, the answers given then. None when that cannot
        be known (no update id, Rasa still unreachable), so that nothing is processed twice."""
        if key is None:
            return None
        loop = asyncio.get_running_loop()

        def left() -> float:
            return self._turn_seconds - (loop.time() - started)

        try:
            # Within what is left of the turn's budget: a Rasa that hung (read timeout) must
            # not hold the « indisponible » answer past it (SPEC §10: within 35 s).
            if left() < MIN_TAKE_OVER_SECONDS:
                raise RasaTimeout("no time left to look for the turn")
            earlier = answers_to(
                await self._rasa.recent_events(sender, deadline=min(PROBE_DEADLINE, left())), key
            )
            if earlier is not None:
                return earlier or None
            if left() < MIN_TAKE_OVER_SECONDS:
                raise RasaTimeout("no time left to send the turn again")
            log.warning("Rasa failed during a turn it never recorded: sent again")
            return await self._rasa.send_message(sender, message, metadata, deadline=left())
        except RasaUnavailable as error:
            log.warning("turn not taken over (%s)", type(error).__name__)
            return None

    async def _search_step(
        self,
        speaker: Speaker,
        step: Callable[..., list[Reply] | None],
        what: str,
        text: str | None,
    ) -> list[Reply] | None:
        """One step of the whole search (bot/search.py) in a worker thread: applications,
        steps, the proof of activity, the timezone. None when the step does not take the
        text, or when the database failed (logged by type only)."""
        try:
            return await asyncio.to_thread(
                step,
                self._sessions,
                speaker.telegram_user_id,
                what,
                text,
                now=self._clock(),
            )
        except SQLAlchemyError as error:
            log.error("search step failed (%s)", type(error).__name__)
            return None

    async def _bound_session(self, sender_id: str) -> None:
        """Start a new Rasa session at a safe point once this one is long (bot/sessions.py),
        so that a turn costs the same at the 200th message as at the first. Best effort:
        any failure leaves the session as it was, and the turn goes on."""
        if not self._turns.due(sender_id):
            return
        try:
            tracker = await self._rasa.session_tracker(sender_id)
            if not is_safe_point(tracker):
                self._turns.not_now(sender_id)
                return
            await self._rasa.start_session(sender_id)
        except RasaUnavailable as error:
            log.warning("new Rasa session not started (%s)", type(error).__name__)
            self._turns.not_now(sender_id)
            return
        self._turns.started(sender_id)

    async def _noted(self, speaker: Speaker, shown: list[Reply]) -> list[Reply]:
        """``shown``, after noting the person's activity; a retention warning it lifted
        is said (the account is kept)."""
        if await self._touch(speaker.telegram_user_id):
            return [*shown, Reply(text=ACCOUNT_KEPT)]
        return shown

    async def _touch(self, telegram_user_id: int) -> bool:
        """Note the person's activity (retention); True when it lifted a warning. Best
        effort: a database problem here never costs the turn its answer."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._touch_now, telegram_user_id), CONSENT_READ_SECONDS
            )
        except (SQLAlchemyError, TimeoutError) as error:
            log.warning("could not note activity (%s)", type(error).__name__)
            return False

    def _touch_now(self, telegram_user_id: int) -> bool:
        with transaction(self._sessions) as session:
            return touch_activity(session, telegram_user_id, now=self._clock())

    async def _apply_directives(
        self, speaker: Speaker, replies: list[Reply], *, text: str | None = None
    ) -> list[Reply]:
        """``replies`` with Rasa's directives carried out; ``text`` is the typed message of
        the turn (None for a button, a command, or a turn replayed after a crash, so that a
        replay never records the same application or step twice)."""
        shown: list[Reply] = []
        for reply in replies:
            if reply.directive is None:
                shown.append(reply)
                continue
            if reply.directive in search.DIRECTIVES:
                done = await self._search_step(speaker, search.run_directive, reply.directive, text)
                shown.extend(done or [Reply(text=DB_DOWN)])
                continue
            try:
                shown.extend(await self._run_directive(speaker, reply))
            except SQLAlchemyError:
                log.exception("directive %s failed", reply.directive)
                shown.append(Reply(text=DB_DOWN))
        return shown

    async def _run_directive(self, speaker: Speaker, reply: Reply) -> list[Reply]:
        uid = speaker.telegram_user_id
        if reply.directive == "export":
            data = await asyncio.to_thread(self._export, uid)
            body = json.dumps(data, ensure_ascii=False, indent=2).encode()
            return [
                Reply(text=export_summary(data)),
                Reply(document=body, document_name="rebond-mes-donnees.json"),
            ]
        if reply.directive == "charts":
            shown = [Reply(text=reply.text, buttons=reply.buttons)] if reply.text else []
            return shown + await asyncio.to_thread(self._charts, uid)
        if reply.directive == "mood_chart":
            shown = [Reply(text=reply.text, buttons=reply.buttons)] if reply.text else []
            return shown + await asyncio.to_thread(self._mood_history, uid)
        if reply.directive == "week_mood_chart":
            shown = [Reply(text=reply.text, buttons=reply.buttons)] if reply.text else []
            return shown + await asyncio.to_thread(self._week_mood, uid)
        if reply.directive == "swot_chart":
            shown = [Reply(text=reply.text, buttons=reply.buttons)] if reply.text else []
            return shown + await asyncio.to_thread(self._swot_chart, uid)
        if reply.directive == "erase":
            try:
                await asyncio.to_thread(erase_person, self._sessions, self._tracker_url, uid)
            except SQLAlchemyError as error:
                # Tracker first, then our rows: a failure leaves the account whole, so
                # the person can simply ask again.
                log.error("erasure failed (%s)", type(error).__name__)
                return [Reply(text=ERASE_FAILED)]
            return [Reply(text=reply.text or ERASED)]
        if reply.directive == "forget":
            # Consent refused: drop even the few command events Rasa kept (never the
            # conversation of a person who had consented before).
            await asyncio.to_thread(forget_unconsented, self._sessions, self._tracker_url, uid)
            return [Reply(text=reply.text, buttons=reply.buttons)] if reply.text else []
        log.warning("unknown directive %r ignored", reply.directive)
        return [Reply(text=reply.text, buttons=reply.buttons)] if reply.text else []

    def _export(self, telegram_user_id: int) -> dict[str, Any]:
        with self._sessions() as session:
            return export_user(session, telegram_user_id, tracker=self._tracker_url)

    def _charts(self, telegram_user_id: int) -> list[Reply]:
        """The /bilan charts that have something to show (none: the action's text says so)."""
        with self._sessions() as session:
            user = find_user(session, telegram_user_id)
            if user is None:
                return []
            patterns = patterns_for(session, user)
            history = history_input(session, user, now=self._clock())
        # The same rule as the action's sentence announcing them (coach.interpretation).
        to_draw = charts_to_draw(patterns, len(history.moods))
        wanted: list[tuple[str, Callable[[], bytes], str]] = []
        if CHART_THEMES in to_draw:
            wanted.append(("themes", lambda: charts.themes_chart(patterns), THEMES_CAPTION))
        if CHART_MOOD in to_draw:
            wanted.append(("mood", lambda: _mood_png(history), MOOD_CAPTION))
        replies: list[Reply] = []
        failed = False
        for name, draw, caption in wanted:
            try:
                png = draw()
            except Exception as error:
                # A drawing failure costs that picture only, never the rest of the turn.
                # The error's message may quote a company name: only its type is logged.
                log.error("could not draw the %s chart (%s)", name, type(error).__name__)
                failed = True
                continue
            replies.append(Reply(photo=png, photo_caption=caption, photo_name=f"rebond-{name}.png"))
        if failed:
            replies.append(Reply(text=CHART_FAILED))
        return replies

    def _history(self, telegram_user_id: int) -> MoodHistoryInput | None:
        """What the mood pictures are drawn from (None without an account)."""
        with self._sessions() as session:
            user = find_user(session, telegram_user_id)
            return history_input(session, user, now=self._clock()) if user else None

    def _mood_history(self, telegram_user_id: int) -> list[Reply]:
        """The mood history alone (« mon humeur ce mois-ci »): the daily line, the calendar
        of the last six weeks and the rejections on it."""
        history = self._history(telegram_user_id)
        if history is None:
            return []
        try:
            png = _mood_png(history)
        except Exception as error:
            log.error("could not draw the mood chart (%s)", type(error).__name__)
            return [Reply(text=MOOD_CHART_FAILED)]
        return [Reply(photo=png, photo_caption=MOOD_CAPTION, photo_name="rebond-mood.png")]

    def _week_mood(self, telegram_user_id: int) -> list[Reply]:
        """The weekly review's small chart: this week's moods beside the week before."""
        history = self._history(telegram_user_id)
        if history is None:
            return []
        try:
            png = charts.week_mood_chart(history.moods, history.timezone, today=history.today)
        except Exception as error:
            log.error("could not draw the week's mood chart (%s)", type(error).__name__)
            return []  # the review's text already said how the week felt
        return [Reply(photo=png, photo_caption=WEEK_MOOD_CAPTION, photo_name="rebond-semaine.png")]

    def _swot_chart(self, telegram_user_id: int) -> list[Reply]:
        """The four quadrants of the latest saved SWOT, dated in the person's timezone."""
        with self._sessions() as session:
            user = find_user(session, telegram_user_id)
            swot = latest_swot(session, user) if user is not None else None
            if user is None or swot is None:
                return []
            draft = draft_of(swot)
            day = user_day(user, swot.created_at)
        try:
            png = charts.swot_chart(draft, on=day)
        except Exception as error:
            # The SWOT is saved and its lists were shown: only the picture is missing. The
            # error's message may quote an item: only its type is logged.
            log.error("could not draw the SWOT chart (%s)", type(error).__name__)
            return [Reply(text=SWOT_CHART_FAILED)]
        caption = SWOT_CAPTION.format(day=format_date_fr(day))
        return [Reply(photo=png, photo_caption=caption, photo_name="rebond-swot.png")]


def _mood_png(history: MoodHistoryInput) -> bytes:
    return charts.mood_chart(
        history.moods, history.timezone, rejections=history.rejections, today=history.today
    )


def _clean(text: str | None) -> str:
    """The text with lone surrogates replaced: they cannot be encoded to send to Rasa
    (Telegram never sends them; a terminal with an odd locale might)."""
    return (text or "").encode("utf-8", "replace").decode("utf-8")


def answers_to(events: list[dict[str, Any]], key: int) -> list[dict[str, Any]] | None:
    """The bot messages (REST channel shape) that followed the user event of update
    ``key`` in a Rasa tracker's events, or None when no such user event exists."""
    start = None
    for index, event in enumerate(events):
        metadata = event.get("metadata") if isinstance(event, dict) else None
        if (
            event.get("event") == "user"
            and isinstance(metadata, dict)
            and metadata.get("update_id") == key
        ):
            start = index
    if start is None:
        return None
    messages: list[dict[str, Any]] = []
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            data: dict[str, Any] = event["data"] if isinstance(event.get("data"), dict) else {}
            messages.append(
                {
                    "text": event.get("text"),
                    "buttons": data.get("buttons"),
                    "custom": data.get("custom"),
                    "image": data.get("image"),
                }
            )
    return messages


def export_summary(data: dict[str, Any]) -> str:
    """A readable French summary of an export."""
    if not data.get("user"):
        return "Je n'ai aucune donnée enregistrée à votre sujet."
    labels = {
        "rejections": "refus notés",
        "moods": "humeurs",
        "journal": "entrées de journal",
        "feedback_requests": "demandes de retour",
        "feedbacks": "retours reçus",
        "swot": "bilans SWOT",
        "goals": "objectifs",
        "star_answers": "réponses STAR",
        "reminders": "rappels",
        "safety_plan": "plan de sécurité",
        "thought_records": "exercices sur une pensée (aussi dans le journal)",
        "applications": "candidatures suivies (/candidatures)",
        "activities": "démarches",
    }
    lines = ["Voici tout ce que je garde à votre sujet (détail dans le fichier joint) :"]
    lines += [f"• {label} : {len(data.get(key) or [])}" for key, label in labels.items()]
    if "conversation" in data:
        lines.append(f"• messages de notre conversation : {len(data['conversation'])}")
    return "\n".join(lines)
