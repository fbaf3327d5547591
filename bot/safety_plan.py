"""« Mon plan de sécurité » (/plan): the small conversation that writes it, run by the bot
itself rather than by Rasa, and the follow-up to a crisis answer.

Why not a Rasa form: what the person writes in their plan (names, phone numbers, what they
notice when things go wrong) is used for nothing but showing it back to them. Kept out of
Rasa, it never goes through the classifier (« appeler ma sœur » is not an intent), never
lands in the tracker's conversation, and needs no training data. The state lives in the
plan's own row (coach.safety_plan: the part being written, and since when), so it holds
across bot processes and restarts like everything else.

The relay keeps its order of checks: the crisis detector sees every typed text first, so a
crisis written as a part of the plan gets the crisis answer and is not stored. The consent
read of each turn also tells whether a part takes the person's text (:func:`gate`); a
command or any other button ends that.

Every function here blocks (database): call it in a thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.rendering import Button, Reply
from coach import safety_plan as plans
from coach.db import transaction
from coach.models import SafetyPlan, User
from coach.safety_plan import PART_BY_KEY, PARTS, Answer, Part
from coach.timezones import OFFER_WINDOW
from coach.users import find_user

PREFIX = "plan:"

NO_ACCOUNT = (
    "Pour garder un plan de sécurité, j'ai d'abord besoin de votre accord : tapez /start pour "
    "commencer. Les numéros d'aide, eux, sont toujours là : 3114, jour et nuit."
)
INTRO = (
    "Un plan de sécurité, ce sont quelques notes à vous, préparées à tête reposée pour les "
    "moments difficiles : les signes qui vous alertent, ce qui vous apaise, qui appeler, où "
    "aller, et les professionnels à joindre. Chaque partie est facultative, et vous pourrez "
    "tout modifier ou effacer avec /plan.\n\n"
    "Je ne m'en sers pour rien d'autre : je vous le montre ici, et après les numéros d'aide "
    "si un jour ça ne va pas."
)
OFFER = (
    "Quand vous vous en sentirez capable, nous pourrons préparer ensemble votre plan de "
    "sécurité : quelques notes à vous pour les moments difficiles (ce qui vous alerte, ce qui "
    "vous apaise, qui appeler). Rien ne presse."
)
START = (
    "C'est parti, en {count} petites étapes. Vous pouvez passer une question ou vous arrêter "
    "quand vous voulez."
)
NOTED = "C'est noté."
SKIPPED = "D'accord, on passe."
KEPT = "D'accord, je n'y touche pas."
STOPPED = (
    "D'accord, on s'arrête là. Ce que vous avez écrit est gardé ; tapez /plan pour le "
    "reprendre quand vous voulez."
)
READY = "Votre plan est prêt. Vous pourrez le relire ou le modifier à tout moment avec /plan."
TOO_LONG = (
    "C'est un peu long pour un plan à relire dans un moment difficile (plus de "
    f"{plans.MAX_PART_CHARS} caractères) : pourriez-vous garder l'essentiel ?"
)
CLEARED = "C'est effacé."
CONFIRM_DELETE = (
    "Voulez-vous vraiment supprimer tout votre plan de sécurité ? Les numéros d'aide, eux, "
    "restent toujours disponibles."
)
DELETED = (
    "C'est fait : votre plan de sécurité est supprimé. Vous pourrez en préparer un autre "
    "quand vous voulez avec /plan."
)
NOTHING_TO_DELETE = "Vous n'avez pas de plan de sécurité enregistré."
LATER = "Très bien. Il vous attend quand vous voudrez, avec /plan."
EXPIRED = "Ce bouton n'est plus valable. Tapez /plan pour retrouver votre plan."

START_BUTTON = Button("Commencer mon plan", f"{PREFIX}start")
PREPARE_BUTTON = Button("Préparer mon plan de sécurité", f"{PREFIX}start")
LATER_BUTTON = Button("Plus tard", f"{PREFIX}later")
SKIP_BUTTON = Button("Passer", f"{PREFIX}skip")
STOP_BUTTON = Button("M'arrêter là", f"{PREFIX}stop")
KEEP_BUTTON = Button("Garder tel quel", f"{PREFIX}stop")
DELETE_BUTTON = Button("Supprimer mon plan", f"{PREFIX}delete")


def is_plan_payload(payload: str) -> bool:
    return payload.startswith(PREFIX)


# -- turn gate ------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """What one read of the person's row tells the relay before a turn."""

    consented: bool
    for_plan: bool  # a part of the safety plan takes this text
    awaiting: str | None = None  # the bot's own question this typed text may answer
    timezone: str | None = None  # the person's zone, for the forms' dates (actions/flow.py)
    # The first messages after consent, where the zone question may still be offered once.
    zone_question: bool = False


def gate(
    sessions: sessionmaker[Session], telegram_user_id: int, *, typed: bool, now: dt.datetime
) -> Gate:
    """Consent, whether a part of the plan takes this text, and the question the bot itself
    asked (bot/search.py) that it may answer, for one turn, in one read.

    Anything but typed text (a command, another button) ends the writing of a part: the
    person moved on, and their next message must not be filed in their plan."""
    with sessions() as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return Gate(False, False)
        awaiting = awaited(user, now=now) if typed else None
        zone = user.timezone
        question = typed and user.zone_offered_at is None and now - user.consent_at <= OFFER_WINDOW
        plan = plans.plan_of(session, user)
        if plan is None or plan.editing is None:
            return Gate(True, False, awaiting, zone, question)
        if typed and plans.editing_part(plan, now=now) is not None:
            return Gate(True, True, timezone=zone)
        plans.end_editing(plan)
        session.commit()
        return Gate(True, False, awaiting, zone, question)


#: How long a question the bot asked (bot/search.py) waits for its typed answer.
AWAITING_FOR = dt.timedelta(minutes=15)


def awaited(user: User, *, now: dt.datetime) -> str | None:
    """The bot's own pending question for this person, if it was asked recently."""
    if user.awaiting is None or user.awaiting_since is None:
        return None
    return user.awaiting if now - user.awaiting_since <= AWAITING_FOR else None


# -- conversation ---------------------------------------------------------------------


def show(sessions: sessionmaker[Session], telegram_user_id: int, *, now: dt.datetime) -> Reply:
    """/plan: the plan and what can be done with it, or what a plan is."""
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return Reply(text=NO_ACCOUNT)
        plan = plans.plan_of(session, user)
        plans.end_editing(plan)
        return _overview(plan)


def handle(
    sessions: sessionmaker[Session], telegram_user_id: int, payload: str, *, now: dt.datetime
) -> list[Reply]:
    """One ``plan:`` button."""
    parts = payload.removeprefix(PREFIX).split(":")
    action, key = parts[0], (parts[1] if len(parts) > 1 else None)
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return [Reply(text=NO_ACCOUNT)]
        plan = plans.plan_of(session, user)
        if action == "show" and key is None:
            plans.end_editing(plan)
            return [_overview(plan)]
        if action == "later" and key is None:
            plans.end_editing(plan)
            return [Reply(text=LATER)]
        if action == "start" and key is None:
            first = PARTS[0]
            plans.begin(session, user, first, walkthrough=True, now=now)
            return [Reply(text=START.format(count=len(PARTS))), _ask(first, walkthrough=True)]
        if action == "edit" and key in PART_BY_KEY:
            part = PART_BY_KEY[key]
            plan = plans.begin(session, user, part, walkthrough=False, now=now)
            return [_ask(part, walkthrough=False, current=getattr(plan, part.key))]
        if action == "clear" and key in PART_BY_KEY and plan is not None:
            plans.end_editing(plan)
            plans.write(plan, PART_BY_KEY[key], None, now=now)
            return [Reply(text=CLEARED), _overview(plan)]
        if action == "skip" and key is None:
            return _skip(session, user, plan, now=now)
        if action == "stop" and key is None:
            walking = plan is not None and plan.walkthrough
            plans.end_editing(plan)
            return [Reply(text=STOPPED if walking else KEPT)]
        if action == "delete" and key is None:
            plans.end_editing(plan)
            if plan is None:
                return [Reply(text=NOTHING_TO_DELETE)]
            return [
                Reply(
                    text=CONFIRM_DELETE,
                    buttons=(
                        Button("Oui, supprimer", f"{PREFIX}delete:yes"),
                        Button("Non, garder", f"{PREFIX}show"),
                    ),
                )
            ]
        if action == "delete" and key == "yes":
            deleted = plans.delete_plan(session, user)
            return [Reply(text=DELETED if deleted else NOTHING_TO_DELETE)]
    return [Reply(text=EXPIRED)]


def answer(
    sessions: sessionmaker[Session], telegram_user_id: int, text: str, *, now: dt.datetime
) -> list[Reply]:
    """A typed message while a part of the plan is being written (see :func:`gate`)."""
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        plan = plans.plan_of(session, user) if user is not None else None
        part = plans.editing_part(plan, now=now)
        if user is None or plan is None or part is None:
            return [Reply(text=EXPIRED)]
        kind = plans.read_answer(text)
        if kind == Answer.TOO_LONG:
            plan.editing_since = now
            return [Reply(text=TOO_LONG, buttons=_editing_buttons(plan.walkthrough))]
        if kind == Answer.STOP:
            walking = plan.walkthrough
            plans.end_editing(plan)
            return [Reply(text=STOPPED if walking else KEPT)]
        if kind == Answer.SKIP:
            return _skip(session, user, plan, now=now)
        plans.write(plan, part, text, now=now)
        return _after_part(session, user, plan, part, NOTED, now=now)


def after_crisis(
    sessions: sessionmaker[Session], telegram_user_id: int, *, now: dt.datetime, offer: bool
) -> list[Reply]:
    """What follows the crisis answer: the person's own plan when it holds something, else
    (when ``offer``) a gentle offer to prepare one; nothing for someone without an account.
    A part being written stops there: the next message may well not be for the plan."""
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return []
        plan = plans.plan_of(session, user)
        plans.end_editing(plan)
        if plan is not None and plans.filled(plan):
            return [Reply(text=plans.render_after_crisis(plan))]
    if offer:
        return [Reply(text=OFFER, buttons=(PREPARE_BUTTON, LATER_BUTTON))]
    return []


# -- pieces ---------------------------------------------------------------------------


def _skip(
    session: Session, user: User, plan: SafetyPlan | None, *, now: dt.datetime
) -> list[Reply]:
    part = plans.editing_part(plan, now=now)
    if plan is None or part is None:
        return [Reply(text=EXPIRED)]
    if not plan.walkthrough:
        plans.end_editing(plan)
        return [Reply(text=KEPT), _overview(plan)]
    return _after_part(session, user, plan, part, SKIPPED, now=now)


def _after_part(
    session: Session, user: User, plan: SafetyPlan, part: Part, said: str, *, now: dt.datetime
) -> list[Reply]:
    """Once a part is written or skipped: the next question of a walk-through, or the plan."""
    following = plans.next_part(part) if plan.walkthrough else None
    if following is not None:
        plans.begin(session, user, following, walkthrough=True, now=now)
        return [Reply(text=said), _ask(following, walkthrough=True)]
    walking = plan.walkthrough
    plans.end_editing(plan)
    return [Reply(text=f"{said} {READY}" if walking else said), _overview(plan)]


def _ask(part: Part, *, walkthrough: bool, current: str | None = None) -> Reply:
    number = PARTS.index(part) + 1
    text = f"{number}/{len(PARTS)} — {part.question}" if walkthrough else part.question
    if current:
        text += f"\n\nPour l'instant : « {current} »\nÉcrivez ce qui doit le remplacer."
    return Reply(text=text, buttons=_editing_buttons(walkthrough))


def _editing_buttons(walkthrough: bool) -> tuple[Button, ...]:
    return (SKIP_BUTTON, STOP_BUTTON) if walkthrough else (KEEP_BUTTON,)


def _overview(plan: SafetyPlan | None) -> Reply:
    written = plans.filled(plan)
    if plan is None or not written:
        return Reply(text=INTRO, buttons=(START_BUTTON, LATER_BUTTON))
    buttons = [Button(f"Modifier : {part.short}", f"{PREFIX}edit:{part.key}") for part in PARTS]
    buttons += [Button(f"Effacer : {part.short}", f"{PREFIX}clear:{part.key}") for part in written]
    buttons.append(DELETE_BUTTON)
    return Reply(text=plans.render(plan), buttons=tuple(buttons))
