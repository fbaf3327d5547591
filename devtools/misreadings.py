"""Replay of the misreadings listed in issue 15 (« Understanding what people actually write »),
through the Telegram Bot API emulator with the real bot, Rasa server and action server on
loopback, on fresh SQLite databases in a temporary folder.

Each misreading the issue's first section describes is played again as a person would type
it, each scenario in its own chat, and judged by an objective check computed from the bot's
messages and/or the database (the draft's channel stored, the application a feedback is
filed under, the themes and signals stored, the stage and position stored, the deadline and
reminder days…). The script only observes: a row whose check fails is reported as failed.

It prints a Markdown table::

    | # | what the person wrote (short) | before (as the issue describes it) | now | check passed? |

The issue's last bullet (the analyzer's scores on a hidden split) is no conversation and is
not replayed here (``make eval-voice`` measures it).

Run (needs the trained model, ``make model``, and the emulator, ``npm ci``; it starts Rasa,
so on a shared machine wrap it in ``flock /tmp/rebond-heavy.lock``)::

    .venv/bin/python -m devtools.misreadings [--markdown OUT] [--jobs N] [--budget SECONDS]

``--markdown OUT`` also writes the table to a file. Every wait is bounded (30 s per bot
answer, 180 s per scenario, ``--budget`` for the whole run, stack start included); the stack
stops by itself. Exit status: 0 when every check passed, 1 when one failed or was not
reached, 2 when the stack could not start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from coach.db import make_engine, transaction, upgrade
from coach.feedback import SIGNAL_LABELS, THEME_LABELS
from coach.intake import STAGE_LABELS
from coach.models import Feedback, FeedbackRequest, Goal, Milestone, Rejection, Reminder, User
from coach.settings import Settings
from devtools.stack import ROOT, Stack, running_stack

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from harness import Emulator  # type: ignore[import-not-found]
from steps import consent, text_of, until  # type: ignore[import-not-found]
from test_drafts_flow import is_draft, store_rejection  # type: ignore[import-not-found]
from test_feedback_flow import button_titled, has_button, says  # type: ignore[import-not-found]
from test_plan_flow import record_feedback  # type: ignore[import-not-found]

from bot.telegram_app import build_application

Message = dict[str, Any]  # a harness.BotMessage
Predicate = Callable[[Message], bool]

WAIT = 30.0  # seconds for one answer of the bot
SETTLE = 0.7  # quiet time that ends a turn (the bot sends a turn's messages one by one)
SCENARIO_TIMEOUT = 180.0
PARIS = ZoneInfo("Europe/Paris")

SIGNATURE = "Camille Durand"
CREATE_GOAL = 'p:/goal_action{"goal_op":"create"}'
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip

# What people wrote: the issue's own words where it quotes them, else written after its
# description (the feedback texts it only describes).
MAIL_ASKED = "Pourriez-vous me proposer un mail ?"
MAIL_PREFERRED = "je préférerais un simple mail, pas une rencontre"
SHORTER = "plus court"
DECATHLON_NEWS = "decathlon aussi m'a répondu"
DECATHLON_FEEDBACK = (
    "Merci pour votre venue. Votre expérience en magasin reste trop courte pour ce poste."
)
LOREAL = (
    "Deuxième refus cette semaine : L'Oréal, poste de chef de projet marketing, réponse reçue "
    "aujourd'hui"
)
LOREAL_FEEDBACK = "Il vous manque une expérience en gestion de marque pour ce poste."
CLARITY_AND_ENGLISH = (
    "Vos réponses manquaient de clarté, et votre niveau d'anglais reste insuffisant pour ce poste."
)
CLARITY_AGAIN = "Nous avons eu du mal à suivre vos réponses, qui manquaient de clarté."
SHY = (
    "le manager dit que j'étais trop timide pendant l'entretien et que je connaissais mal les "
    "produits"
)
STAGE_MANAGER = "entretien avec le manager"
CORRECTION = "non attendez je me suis trompée, c'était pour technicienne qualité pas ingénieure"
AIRBUS = "refus de airbus pour un poste d'ingénieure reçu hier"
MOODS = "déçue et un peu en colère"
LEROY_MERLIN = "refus de leroy merlin pour le poste de vendeur conseil reçu hier"


@dataclasses.dataclass
class Row:
    key: str
    wrote: str
    before: str
    now: str = "not reached"
    passed: bool = False


ROWS: tuple[tuple[str, str, str], ...] = (
    ("1a", f"« {MAIL_ASKED} »", "a meeting request"),
    ("1b", f"« {MAIL_PREFERRED} »", "the same meeting request again"),
    ("1c", "another channel, under the mail draft", "no way to change channel under a draft"),
    ("1d", "« plus court » on the meeting draft", "« Voici la nouvelle version », same text"),
    ("2a", f"« {DECATHLON_NEWS} » (Intersport logged)", "feedback filed under Intersport"),
    ("2b", "L'Oréal's feedback (Thales logged too)", "filed under Thales"),
    ("3a", "feedback: unclear answers, and English level", "« Compétences techniques » only"),
    ("3b", "a second feedback on unclear answers, /bilan", "« Aucun thème ne revient »"),
    (
        "4",
        "« …trop timide pendant l'entretien et que je connaissais mal les produits »",
        "remark on the person; products missed; one clause quoted for every theme",
    ),
    ("5", f"« {STAGE_MANAGER} » as the stage", "« Entretiens suivants (2e, final…) »"),
    ("6", "« non attendez je me suis trompée, c'était pour technicienne qualité… »", "ignored"),
    ("7", "« Deuxième refus cette semaine : L'Oréal, poste de… »", "« Je ne suis pas sûr… »"),
    ("8", f"« {MOODS} »", "answered about anger only"),
    ("9a", "« refus de airbus … »", "« refus de Airbus »"),
    ("9b", "a feedback for Intersport", "« retour de Intersport »"),
    ("9c", "« leroy merlin » typed in lowercase", "« leroy merlin m'intéresse toujours »"),
    ("9d", "interviewer « thomas petit »", "« Bonjour Thomas Petit »"),
    ("9e", "goal « … d'ici le <a Saturday> »", "deadline, milestones, reminders on weekends"),
    ("9f", "a goal on English (TOEIC)", "tagged « Compétences techniques »"),
)  # fmt: skip


# --------------------------------------------------------------------------- small helpers


def fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe (for the checks' own comparisons)."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def short(text: str | None, limit: int = 90) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def first_line(messages: list[Message], fragment: str) -> str:
    """The first line of the first message containing ``fragment`` (else "")."""
    for message in messages:
        for line in (message["text"] or "").splitlines():
            if fragment in line:
                return line
    return ""


def is_question(message: Message) -> bool:
    """A message that waits for an answer: it has buttons, or it ends with a question mark."""
    return bool(message["buttons"]) or (message["text"] or "").rstrip().endswith("?")


def last_draft(messages: list[Message]) -> str | None:
    drafts = [m["text"] or "" for m in messages if is_draft(m)]
    return drafts[-1] if drafts else None


def button_titles(message: Message) -> list[str]:
    return [
        str(button.get("text", ""))
        for row in (message["reply_markup"] or {}).get("inline_keyboard", [])
        for button in row
    ]


def titled(messages: list[Message], fragment: str) -> str | None:
    """``button_titled`` that answers None instead of failing."""
    try:
        return str(button_titled(messages, fragment))
    except AssertionError:
        return None


async def collect(
    emu: Emulator, chat: int, done: Predicate = is_question, timeout: float = WAIT
) -> list[Message]:
    """Bot messages until one satisfies ``done`` (then until the bot is quiet for SETTLE
    seconds), or until ``timeout``: what arrived, never an exception."""
    seen: list[Message] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not any(done(m) for m in seen):
        left = deadline - loop.time()
        if left <= 0:
            return seen
        try:
            seen += await emu.wait_for_bot_messages(chat, timeout=left)
        except TimeoutError:
            return seen
    with contextlib.suppress(TimeoutError):
        while True:
            seen += await emu.wait_for_bot_messages(chat, timeout=SETTLE)
    return seen


async def say(
    emu: Emulator, chat: int, text: str, done: Predicate = is_question, timeout: float = WAIT
) -> list[Message]:
    """The person types ``text`` (a command as Telegram sends one); the bot's answer."""
    if text.startswith("/"):
        await emu.send_command(chat, text)
    else:
        await emu.send_message(chat, text)
    return await collect(emu, chat, done, timeout)


async def press(
    emu: Emulator, chat: int, payload: str, done: Predicate = is_question, timeout: float = WAIT
) -> list[Message]:
    await emu.press_button(chat, payload)
    return await collect(emu, chat, done, timeout)


# --------------------------------------------------------------------------- flows


@dataclasses.dataclass
class IntakeAnswers:
    """How the person answers the intake's remaining questions."""

    company: str = "Decathlon"
    position: str = "vendeuse"
    names: str = "Julie Martin"
    stage: str = "p:premier_entretien"
    met_manager: str = "p:non"
    culture: str = "p:formal"


async def finish_intake(
    emu: Emulator,
    chat: int,
    pending: list[Message],
    answers: IntakeAnswers,
    stop_when: Predicate | None = None,
) -> list[Message]:
    """Answer the intake from the question in ``pending`` (or the next one) until the next
    steps are offered (or a question satisfies ``stop_when``); every message seen."""
    everything = list(pending)
    current = list(pending)
    for _ in range(25):
        questions = [m for m in current if is_question(m)]
        if not questions:
            current = await until(emu, chat, is_question)
            everything += current
            continue
        question = questions[-1]
        buttons, text = question["buttons"], question["text"] or ""
        if "p:/ask_timing" in buttons or (stop_when is not None and stop_when(question)):
            return everything
        typed: str | None = None
        payload: str | None = None
        if "p:ca_va" in buttons:
            payload = "p:ca_va"
        elif "p:premier_entretien" in buttons:
            payload = answers.stage
        elif "p:hier" in buttons:
            payload = "p:hier"
        elif "p:plusieurs" in buttons:
            payload = "p:1"
        elif "son nom" in text or "leurs noms" in text:
            typed = answers.names
        elif "p:formal" in buttons:
            payload = answers.culture
        elif "p:aucune" in buttons:
            payload = "p:aucune"
        elif "officiel" in text and "p:oui" in buttons:
            payload = "p:oui"
        elif "responsable" in text and "p:non" in buttons:
            payload = answers.met_manager
        elif "p:personne" in buttons:
            payload = "p:personne"
        elif "Quelle entreprise" in text:
            typed = answers.company
        elif "Pour quel poste" in text:
            typed = answers.position
        elif "p:je ne sais pas" in buttons:
            payload = "p:je ne sais pas"
        elif "p:passer" in buttons:
            payload = "p:passer"
        else:
            typed = "je ne sais pas"
        if payload is not None:
            await emu.press_button(chat, payload)
        else:
            await emu.send_message(chat, typed)
        current = await until(emu, chat, is_question)
        everything += current
    raise AssertionError("the intake did not end")


def draft_done(message: Message) -> bool:
    """The last message of a draft shown, or the honest « nothing changed »."""
    text = message["text"] or ""
    return "Ou sous une autre forme" in text or "Je n'ai rien changé" in text


def signature_question(message: Message) -> bool:
    return "prénom et quel nom" in (message["text"] or "") or "p:passer" in message["buttons"]


async def get_draft(emu: Emulator, chat: int, seen: list[Message]) -> list[Message]:
    """From the answer to a draft request: the signature questions answered (a name, then
    « passer »), until the draft is shown; every message seen (no exception)."""
    seen = list(seen)
    handled = 0
    for _ in range(8):
        if any(draft_done(m) for m in seen):
            return seen
        fresh, handled = seen[handled:], len(seen)
        question = next((m for m in reversed(fresh) if signature_question(m)), None)
        if question is not None:
            if "prénom et quel nom" in (question["text"] or ""):
                await emu.send_message(chat, SIGNATURE)
            else:
                await emu.press_button(chat, "p:passer")
        more = await collect(emu, chat, lambda m: draft_done(m) or signature_question(m))
        if not more:
            return seen
        seen += more
    return seen


def asks_text(message: Message) -> bool:
    return any(cue in (message["text"] or "") for cue in ("Collez ici", "Notez ici"))


def feedback_saved(message: Message) -> bool:
    return "p:/interpretation_next" in message["buttons"] or "C'est enregistré" in (
        message["text"] or ""
    )


async def paste_feedback(
    emu: Emulator, chat: int, seen: list[Message], text: str, company: str | None = None
) -> list[Message]:
    """From the feedback form's first answer: written source, the text, « c'est tout » (and
    the application's button when the bot asks which one); every message seen."""
    seen = list(seen)
    handled = 0
    for _ in range(8):
        if any(feedback_saved(m) for m in seen):
            return seen
        fresh, handled = seen[handled:], len(seen)
        buttons = [b for m in fresh for b in m["buttons"]]
        shown = text_of(fresh)
        choice = titled(fresh, company) if company else None
        if "p:c'est tout" in buttons:
            await emu.press_button(chat, "p:c'est tout")
        elif "p:écrit" in buttons:
            await emu.press_button(chat, "p:écrit")
        elif "Collez ici" in shown or "Notez ici" in shown:
            await emu.send_message(chat, text)
        elif choice is not None and "report_rejection" not in choice:
            await emu.press_button(chat, choice)
        more = await collect(
            emu,
            chat,
            lambda m: feedback_saved(m) or bool(m["buttons"]) or asks_text(m),
        )
        if not more:
            return seen
        seen += more
    return seen


# --------------------------------------------------------------------------- the database


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def user_id(self, session: Session, chat: int) -> int:
        return int(session.scalars(select(User.id).where(User.telegram_user_id == chat)).one())

    def store_application(self, chat: int, company: str, position: str) -> int:
        """A rejection logged earlier (what the issue's person had already told the bot)."""
        with transaction(self.sessions) as session:
            rejection = Rejection(
                user_id=self.user_id(session, chat),
                company=company,
                position=position,
                rejection_date=dt.date.today() - dt.timedelta(days=3),
                stage="premier_entretien",
                formal_rejection=True,
                interviewer_count=1,
                culture="formal",
            )
            session.add(rejection)
            session.flush()
            return int(rejection.id)

    def rejections(self, chat: int) -> list[Rejection]:
        with self.session() as session:
            uid = self.user_id(session, chat)
            return list(
                session.scalars(
                    select(Rejection).where(Rejection.user_id == uid).order_by(Rejection.id)
                )
            )

    def feedbacks(self, chat: int) -> list[tuple[Feedback, str | None]]:
        """Every feedback, oldest first, with the company of the application it is filed under."""
        with self.session() as session:
            uid = self.user_id(session, chat)
            rows = session.execute(
                select(Feedback, Rejection.company)
                .outerjoin(Rejection, Feedback.rejection_id == Rejection.id)
                .where(Feedback.user_id == uid)
                .order_by(Feedback.id)
            ).all()
            return [(row[0], row[1]) for row in rows]

    def latest_request(self, chat: int) -> FeedbackRequest | None:
        with self.session() as session:
            uid = self.user_id(session, chat)
            return session.scalars(
                select(FeedbackRequest)
                .where(FeedbackRequest.user_id == uid)
                .order_by(FeedbackRequest.id.desc())
            ).first()

    def goal(self, chat: int) -> tuple[Goal | None, list[Milestone], list[Reminder]]:
        with self.session() as session:
            uid = self.user_id(session, chat)
            goal = session.scalars(
                select(Goal).where(Goal.user_id == uid).order_by(Goal.id.desc())
            ).first()
            milestones = list(
                session.scalars(
                    select(Milestone).where(Milestone.user_id == uid).order_by(Milestone.position)
                )
            )
            reminders = list(
                session.scalars(
                    select(Reminder).where(Reminder.user_id == uid, Reminder.status == "pending")
                )
            )
            return goal, milestones, reminders


# --------------------------------------------------------------------------- the replay


class Replay:
    def __init__(self, emu: Emulator, db: Database) -> None:
        self.emu = emu
        self.db = db
        self.rows = {key: Row(key, wrote, before) for key, wrote, before in ROWS}
        self.observed: set[str] = set()

    def record(self, key: str, passed: bool, now: str) -> None:
        row = self.rows[key]
        row.passed, row.now = passed, now
        self.observed.add(key)

    def not_reached(self, keys: tuple[str, ...], why: str) -> None:
        for key in keys:
            if key not in self.observed:
                self.rows[key].now = f"not reached: {short(why, 110)}"
                self.rows[key].passed = False


def channel_of(request: FeedbackRequest | None) -> str:
    return request.channel if request is not None else "none"


async def drafts(replay: Replay, chat: int) -> None:
    """1a–1d: the channel asked for, asked again, switched under the draft; « plus court »."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    rejection_id = store_rejection(db.url, chat)  # Capgemini, data analyst, formal

    asked = await get_draft(
        emu, chat, await say(emu, chat, MAIL_ASKED, lambda m: draft_done(m) or is_question(m))
    )
    request = db.latest_request(chat)
    intro = first_line(asked, "Voici") or short(text_of(asked))
    replay.record(
        "1a",
        last_draft(asked) is not None
        and channel_of(request) == "email"
        and "proposer une rencontre" not in text_of(asked),
        f"{short(intro, 60)} — stored channel: {channel_of(request)}",
    )

    preferred = await say(emu, chat, MAIL_PREFERRED, lambda m: draft_done(m) or is_question(m))
    preferred = await get_draft(emu, chat, preferred)
    request = db.latest_request(chat)
    shown = text_of(preferred)
    draft = last_draft(preferred)
    replay.record(
        "1b",
        channel_of(request) == "email"
        and "proposer une rencontre" not in shown
        and ((draft or "").startswith("Objet") or "Je n'ai rien changé" in shown),
        f"{short(first_line(preferred, 'Voici') or first_line(preferred, 'rien'), 60)} — "
        f"stored channel: {channel_of(request)}",
    )

    under = [m for m in [*asked, *preferred] if "Ou sous une autre forme" in (m["text"] or "")]
    switches = [b for m in under[-1:] for b in m["buttons"] if b.startswith("p:/request_draft")]
    to_meeting = f'p:/request_draft{{"channel":"meeting","rejection_id":"{rejection_id}"}}'
    if to_meeting not in switches:
        titles = [t for m in under[-1:] for t in button_titles(m)]
        replay.record("1c", False, f"no meeting button under the draft; buttons: {titles}")
        replay.not_reached(("1d",), "no meeting draft to shorten")
        return
    meeting_messages = await get_draft(emu, chat, await press(emu, chat, to_meeting, draft_done))
    request = db.latest_request(chat)
    titles = [t for m in under[-1:] for t in button_titles(m)]
    meeting = last_draft(meeting_messages)
    replay.record(
        "1c",
        meeting is not None
        and "proposer une rencontre" in text_of(meeting_messages)
        and channel_of(request) == "meeting",
        f"buttons {', '.join(titles)}; meeting pressed → "
        f"{short(first_line(meeting_messages, 'Voici'), 45)}, stored {channel_of(request)}",
    )

    shorter = await say(emu, chat, SHORTER, draft_done)
    new = last_draft(shorter)
    shown = text_of(shorter)
    before_words = len((meeting or "").split())
    if new is not None:
        replay.record(
            "1d",
            meeting is not None and new != meeting,
            f"{short(first_line(shorter, 'Voici'), 50)}: {before_words} → {len(new.split())} words"
            + (" (same text)" if new == meeting else ""),
        )
    else:
        replay.record(
            "1d",
            "rien changé" in shown and "nouvelle version" not in shown,
            short(first_line(shorter, "rien changé") or shown, 90),
        )


async def decathlon(replay: Replay, chat: int) -> None:
    """2a: a feedback from a company not logged, one other application logged; 9b."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    db.store_application(chat, "Intersport", "vendeur")

    first = await say(emu, chat, DECATHLON_NEWS, lambda m: bool(m["buttons"]))
    shown = text_of(first)
    add = titled(first, "noter Decathlon")
    asked = "n'est pas encore noté" in shown and add is not None
    opened = first_line(first, "ce retour")
    if asked and add is not None:
        started = await press(emu, chat, add)
        await finish_intake(emu, chat, started, IntakeAnswers(position="vendeuse"))
        form = await say(emu, chat, "decathlon m'a envoyé un retour", lambda m: bool(m["buttons"]))
        opened = first_line(form, "ce retour") or opened
        await paste_feedback(emu, chat, form, DECATHLON_FEEDBACK, "Decathlon")
    elif "p:écrit" in [b for m in first for b in m["buttons"]]:
        await paste_feedback(emu, chat, first, DECATHLON_FEEDBACK, "Decathlon")
    else:
        replay.record("2a", False, f"answered « {short(shown, 70)} »")
    if "2a" not in replay.observed:
        filed = [company for _, company in db.feedbacks(chat)]
        how = (
            "asked « Decathlon n'est pas encore noté : je l'ajoute ? »"
            if asked
            else short(opened, 50)
        )
        replay.record(
            "2a",
            asked and filed == ["Decathlon"],
            f"{how}; feedback filed under {filed or 'nothing'}",
        )

    # 9b: the Intersport feedback form names the company with its elision.
    choice = await say(emu, chat, "/retour", lambda m: bool(m["buttons"]))
    intersport = titled(choice, "Intersport")
    if intersport is None:
        replay.record("9b", False, f"no Intersport button: « {short(text_of(choice), 60)} »")
        return
    form = await press(emu, chat, intersport, lambda m: "p:écrit" in m["buttons"])
    history = " ".join(m["text"] or "" for m in await emu.bot_history(chat))
    line = first_line(form, "Intersport")
    replay.record(
        "9b",
        "retour d'Intersport" in line.replace("’", "'")
        and not re.search(r"\bde\s+intersport\b", history, re.IGNORECASE),
        f"« {short(line, 80)} »",
    )


async def loreal(replay: Replay, chat: int) -> None:
    """7: the sentence that carries the facts; 8: two feelings at once; 2b: its feedback."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    db.store_application(chat, "Thales", "ingénieur d'affaires")

    opened = await say(emu, chat, LOREAL)
    shown = text_of(opened)
    prefilled = (
        "L'Oréal" in shown.replace("’", "'")
        and "chef de projet marketing" in shown
        and "Quelle entreprise" not in shown
        and "Pour quel poste" not in shown
        and "pas sûr" not in shown
    )
    answers = IntakeAnswers(company="L'Oréal", position="chef de projet marketing")
    noted = first_line(opened, "J'ai bien noté") or short(shown, 70)
    if "Quelques questions" not in shown:
        # Not read as a rejection: /refus starts the intake, to replay rows 8 and 2b.
        opened = await say(emu, chat, "/refus")
    await finish_intake(emu, chat, opened, answers, has_button("p:ca_va"))
    stored = [r for r in db.rejections(chat) if r.company != "Thales"]
    replay.record(
        "7",
        prefilled
        and len(stored) == 1
        and stored[0].company == "L'Oréal"
        and fold(stored[0].position or "") == "chef de projet marketing",
        f"« {short(noted, 70)} »; stored "
        + (f"{stored[0].company} / {stored[0].position}" if stored else "nothing yet"),
    )

    reply = await say(emu, chat, MOODS, has_button("p:/ask_timing"))
    answer = text_of(reply).split("Quelques pistes")[0]
    replay.record(
        "8",
        "deception" in fold(answer) and "colere" in fold(answer),
        f"« {short(answer, 95)} »",
    )

    form = await say(emu, chat, "j'ai reçu le retour de L'Oréal", lambda m: bool(m["buttons"]))
    direct = first_line(form, "ce retour")
    await paste_feedback(emu, chat, form, LOREAL_FEEDBACK, "L'Oréal")
    filed = [company for _, company in db.feedbacks(chat)]
    replay.record(
        "2b",
        filed == ["L'Oréal"],
        (f"« {short(direct, 50)} »" if direct else "asked which application")
        + f"; filed under {filed or 'nothing'}",
    )


def labels(themes: list[str]) -> str:
    return ", ".join(THEME_LABELS.get(t, t) for t in themes) or "none"


async def reading(replay: Replay, chat: int) -> None:
    """3a: two weaknesses in one feedback; 3b: the same weakness again makes it recurring."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    await record_feedback(emu, chat, CLARITY_AND_ENGLISH)
    [(feedback, _)] = db.feedbacks(chat)
    replay.record(
        "3a",
        {"communication", "technical_skills"} <= set(feedback.themes),
        f"themes: {labels(feedback.themes)}",
    )
    await record_feedback(emu, chat, CLARITY_AGAIN)
    second = db.feedbacks(chat)[-1][0]
    await emu.send_command(chat, "/bilan")
    summary = await collect(emu, chat, says("Votre bilan"))
    shown = text_of(summary)
    recurring = [line for line in shown.splitlines() if line.startswith("🔁")]
    replay.record(
        "3b",
        any("Communication" in line for line in recurring)
        and "Aucun thème ne revient" not in shown,
        f"2nd feedback: {labels(second.themes)}; /bilan: "
        + short("; ".join(recurring) or first_line(summary, "Aucun") or "no recurring theme", 70),
    )


async def shy(replay: Replay, chat: int) -> None:
    """4: interview behaviour is not a remark on the person; each theme quotes its phrase."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    await emu.send_command(chat, "/retour")
    await until(emu, chat, has_button("p:/report_rejection"))
    form = await press(
        emu, chat, 'p:/share_feedback{"rejection_id":"none"}', lambda m: bool(m["buttons"])
    )
    shown = text_of(await paste_feedback(emu, chat, form, SHY))
    [(feedback, _)] = db.feedbacks(chat)
    themes, signals = set(feedback.themes), set(feedback.signals)
    quotes = sorted({q for phrases in (feedback.evidence or {}).values() for q in phrases})
    products = [q for q in quotes if "produit" in fold(q)]
    whole = [q for q in quotes if "timide" in fold(q) and "produit" in fold(q)]
    replay.record(
        "4",
        "personal_attack" not in signals
        and bool(themes & {"interview_performance", "communication"})
        and bool(products)
        and not whole
        and "en dit plus sur la personne" not in shown,
        f"themes: {labels(sorted(themes))}; signals: "
        f"{', '.join(SIGNAL_LABELS.get(s, s) for s in sorted(signals)) or 'none'}; quotes: "
        + " / ".join(f"« {short(q, 40)} »" for q in quotes),
    )


async def airbus(replay: Replay, chat: int) -> None:
    """5: « entretien avec le manager »; 6: a natural correction; 9a: « d'Airbus »."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    answers = IntakeAnswers(company="airbus", position="ingénieure", met_manager="p:oui")
    opened = await say(emu, chat, AIRBUS)
    await finish_intake(emu, chat, opened, answers, has_button("p:premier_entretien"))

    reply = await say(emu, chat, STAGE_MANAGER)
    clarified = first_line(reply, "premier entretien")
    if clarified and "suivant" in clarified:
        reply = await say(emu, chat, "le premier")
    # The stage question still open: the answer was not taken; never press a stage for it.
    asked_again = any("p:premier_entretien" in m["buttons"] for m in reply[-1:])
    if asked_again:
        answers = dataclasses.replace(answers, stage="p:je ne sais pas")

    corrected = await say(emu, chat, CORRECTION)
    # The acknowledgement: what comes before the question asked again.
    ack = " ".join((m["text"] or "") for m in corrected if not is_question(m)) or first_line(
        corrected, ""
    )
    await finish_intake(emu, chat, corrected, answers)
    [rejection] = db.rejections(chat)
    stage = rejection.stage
    replay.record(
        "5",
        stage is not None and stage != "entretiens_suivants" and not asked_again,
        (f"asked « {short(clarified, 50)} », « le premier » → " if clarified else "")
        + ("stage question asked again, " if asked_again else "")
        + f"stored {STAGE_LABELS.get(stage or '', stage)}",
    )
    position = rejection.position or ""
    replay.record(
        "6",
        "technicienne qualite" in fold(position) and "ingenieur" not in fold(position),
        f"« {short(ack, 55)} »; stored position: {position or 'none'}",
    )
    history = [m["text"] or "" for m in await emu.bot_history(chat)]
    elided = [
        line
        for text in history
        for line in text.splitlines()
        if re.search(r"\bd['’]Airbus\b", line)
    ]
    wrong = [
        line
        for text in history
        for line in text.splitlines()
        if re.search(r"\bde\s+airbus\b", line, re.IGNORECASE)
    ]
    replay.record(
        "9a",
        bool(elided) and not wrong,
        f"« {short((wrong or elided or [''])[0], 80)} »"
        + (f" (+{len(wrong)} without elision)" if wrong else ""),
    )


async def leroy_merlin(replay: Replay, chat: int) -> None:
    """9c: a company typed in lowercase, written as it writes itself; 9d: the greeting."""
    emu = replay.emu
    await consent(emu, chat)
    answers = IntakeAnswers(
        company="leroy merlin", position="vendeur conseil", names="thomas petit",
        culture="p:unknown",
    )  # fmt: skip
    opened = await say(emu, chat, LEROY_MERLIN)
    await finish_intake(emu, chat, opened, answers)
    shown = await get_draft(
        emu, chat, await say(emu, chat, MAIL_ASKED, lambda m: draft_done(m) or is_question(m))
    )
    draft = last_draft(shown) or ""
    history = [m["text"] or "" for m in await emu.bot_history(chat)]
    lowercase = [line for text in history for line in text.splitlines() if "leroy merlin" in line]
    sentence = next((line for line in draft.splitlines() if "intéresse" in line), "")
    replay.record(
        "9c",
        bool(draft) and "Leroy Merlin" in draft and not lowercase,
        f"« {short(sentence or (lowercase or [''])[0], 80)} »",
    )
    greeting = next(
        (line for line in draft.splitlines() if line.startswith(("Bonjour", "Madame"))), ""
    )
    replay.record(
        "9d",
        bool(greeting) and "Thomas Petit" not in greeting,
        f"« {greeting} »" if greeting else "no greeting (no draft)",
    )


def saturday_ahead(today: dt.date) -> dt.date:
    """The first Saturday at least four weeks ahead."""
    day = today + dt.timedelta(days=28)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


async def goal(replay: Replay, chat: int) -> None:
    """9e: a deadline said on a Saturday; 9f: the theme of an English goal."""
    emu, db = replay.emu, replay.db
    await consent(emu, chat)
    today = dt.datetime.now(PARIS).date()
    saturday = saturday_ahead(today)
    by = f"d'ici le {saturday.day} {MONTHS[saturday.month - 1]}"
    seen = await say(
        emu,
        chat,
        f"objectif : améliorer mon anglais professionnel et obtenir 850 au TOEIC {by}, en "
        "commençant par un test blanc ce soir",
    )
    for _ in range(6):
        if any(CREATE_GOAL in m["buttons"] for m in seen):
            break
        question = next((m for m in reversed(seen) if is_question(m)), None)
        text = (question or {}).get("text") or ""
        if question is None:
            seen = await collect(emu, chat)
        elif "À quoi verrez-vous" in text:
            seen = await say(emu, chat, "obtenir 850 au TOEIC")
        elif "première étape" in text:
            seen = await say(emu, chat, "un test blanc en ligne ce soir")
        elif "Pour quand" in text or "échéance" in text:
            seen = await say(emu, chat, by)
        elif "p:passer" in question["buttons"]:
            seen = await press(emu, chat, "p:passer")
        else:
            seen = await say(emu, chat, "je ne sais pas")
    proposal = text_of(seen)
    if not any(CREATE_GOAL in m["buttons"] for m in seen):
        why = f"no goal proposed: « {short(proposal, 70)} »"
        replay.record("9e", False, why)
        replay.record("9f", False, why)
        return
    await press(emu, chat, CREATE_GOAL, says("/objectifs"))
    stored, milestones, reminders = db.goal(chat)
    if stored is None:
        replay.not_reached(("9e", "9f"), "the goal was not stored")
        return
    days = [stored.deadline, *(m.due_on for m in milestones if m.due_on is not None)]
    local = [r.due_at.astimezone(PARIS) for r in reminders]
    weekend = [d for d in [*days, *(t.date() for t in local)] if d.weekday() >= 5]
    replay.record(
        "9e",
        not weekend and bool(local),
        f"said Sat {saturday:%d/%m} → deadline {stored.deadline:%a %d/%m}; "
        f"{len(milestones)} milestones, {len(local)} reminders"
        + (
            f"; on a weekend: {', '.join(f'{d:%a %d/%m}' for d in weekend)}"
            if weekend
            else ", all on weekdays"
        ),
    )
    replay.record(
        "9f",
        stored.theme == "technical_skills",
        f"theme: {stored.theme} ({THEME_LABELS.get(stored.theme or '', 'none')})",
    )


Scenario = Callable[[Replay, int], Awaitable[None]]
SCENARIOS: tuple[tuple[Scenario, int, tuple[str, ...]], ...] = (
    (drafts, 5_560_101, ("1a", "1b", "1c", "1d")),
    (decathlon, 5_560_102, ("2a", "9b")),
    (loreal, 5_560_103, ("7", "8", "2b")),
    (airbus, 5_560_104, ("5", "6", "9a")),
    (leroy_merlin, 5_560_105, ("9c", "9d")),
    (reading, 5_560_106, ("3a", "3b")),
    (shy, 5_560_107, ("4",)),
    (goal, 5_560_108, ("9e", "9f")),
)


# --------------------------------------------------------------------------- running it


@contextlib.asynccontextmanager
async def running_bot(
    emu: Emulator, stack: Stack, app_url: str, tracker_url: str
) -> AsyncIterator[None]:
    settings = Settings(
        telegram_bot_token=emu.token,
        telegram_api_base_url=emu.url,
        database_url=app_url,
        tracker_database_url=tracker_url,
        rasa_url=stack.rasa_url,
        rasa_auth_token=stack.auth_token,
        reminders_enabled=False,  # no reminder sent into a scenario's chat
    )
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


async def replay_all(
    stack: Stack, app_url: str, tracker_url: str, *, deadline: float, jobs: int
) -> list[Row]:
    db = Database(app_url)
    gate = asyncio.Semaphore(jobs)
    try:
        async with Emulator() as emu, running_bot(emu, stack, app_url, tracker_url):
            replay = Replay(emu, db)

            async def play(scenario: Scenario, chat: int, keys: tuple[str, ...]) -> None:
                async with gate:
                    left = deadline - time.monotonic()
                    if left < 10:
                        replay.not_reached(keys, "time budget spent")
                        return
                    try:
                        await asyncio.wait_for(
                            scenario(replay, chat), timeout=min(left, SCENARIO_TIMEOUT)
                        )
                    except TimeoutError:
                        replay.not_reached(keys, "timed out")
                    except Exception as error:  # a scenario stopped: its other rows say why
                        replay.not_reached(keys, f"{type(error).__name__}: {error}")

            await asyncio.gather(*(play(*scenario) for scenario in SCENARIOS))
            return [replay.rows[key] for key, _, _ in ROWS]
    finally:
        db.engine.dispose()


def markdown(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = [
        "| # | what the person wrote (short) | before (as the issue describes it) | now "
        "(what the bot answered / stored, short) | check passed? |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        mark = "✅ yes" if row.passed else "❌ no"
        lines.append(
            f"| {row.key} | {cell(row.wrote)} | {cell(row.before)} | {cell(row.now)} | {mark} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--markdown", type=Path, metavar="OUT", help="also write the table here")
    parser.add_argument("--jobs", type=int, default=3, help="scenarios played at once")
    parser.add_argument(
        "--budget", type=float, default=330.0, help="seconds for the whole run (stack start too)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rebond-misreadings-") as folder:
        app_url = f"sqlite:///{folder}/rebond.db"
        tracker_url = f"sqlite:///{folder}/tracker.db"
        upgrade(app_url)
        try:
            with running_stack(
                database_url=app_url,
                tracker_url=tracker_url,
                log_dir=Path(folder) / "log",
                timeout=150.0,
            ) as stack:
                print(f"stack ready after {time.monotonic() - started:.0f} s", flush=True)
                rows = asyncio.run(
                    replay_all(
                        stack,
                        app_url,
                        tracker_url,
                        deadline=started + args.budget,
                        jobs=max(1, args.jobs),
                    )
                )
        except (FileNotFoundError, RuntimeError, TimeoutError) as error:
            print(f"the stack could not run: {error}", file=sys.stderr)
            return 2
    table = markdown(rows)
    passed = sum(row.passed for row in rows)
    print(table)
    print(f"\n{passed}/{len(rows)} checks passed in {time.monotonic() - started:.0f} s")
    if args.markdown is not None:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
