"""SMART goals in the conversation (SPEC §3 flow 8). The checks, milestones, progress and
French texts come from ``coach.smart``.

- ``action_start_goal`` (set_goal: "je veux progresser en SQL", « Nouvel objectif »): the
  goal as written is checked criterion by criterion (``check_goal``); what is already
  there is ticked, then ``goal_form`` asks one coaching question per missing criterion
  (the ``goal_answer`` slot is asked again until every criterion holds or was skipped).
  The draft lives in the ``goal_draft`` slot: nothing is stored before the person agrees.
- ``action_goal_proposal`` (the form is complete): the goal and the milestones proposed
  (``propose_milestones``), with « C'est parti », one step more or less, another deadline.
- ``action_goal_action`` (the goal buttons, ``/goal_action{"goal_op":...}``): create the
  drafted goal and schedule its reminders; for a stored goal: show it with its buttons,
  mark a milestone reached, complete, abandon (after a confirmation), or open
  ``goal_edit_form`` to give one's progress or a new deadline.
- ``action_goal_progress`` (goal_progress: "j'ai fini le module 2", "40 %", "fait" after
  a milestone reminder): the progress read (``parse_progress``) and applied to the goal
  the conversation is about (the reminder's, the only one, or the one whose words the
  message uses; otherwise the person picks it).
- ``action_review_goals`` (/objectifs) and ``action_goal_reminder`` (a milestone or review
  reminder came due) show the goals with the same buttons.

The forms stop like the others (``actions/flow.py``): /annuler, "on en reparle demain", a
crisis message; « on reprend » brings the goal being written back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.common import QuietAsk, button_title, entity, has_letters, settings, with_user
from actions.flow import (
    COMMAND_ACTIONS,
    COMMAND_STOP,
    answer_in_form,
    aside,
    interrupted,
    interruption,
    local_today,
    person_zone,
    stop_events,
    stop_slots,
)
from actions.interpretation import set_aside
from coach.feedback import THEME_LABELS, THEMES
from coach.feedbacks import patterns_for
from coach.language.fold import fold_keep_length
from coach.models import Goal, Milestone, User
from coach.reminders import user_day
from coach.smart import (
    CRITERIA,
    CRITERION_LABELS,
    DEFAULT_REVIEW_DAYS,
    GoalFields,
    ProgressUpdate,
    SmartCheck,
    check_goal,
    create_goal,
    fill,
    format_goal,
    get_goal,
    goal_created_message,
    is_bare_done,
    list_goals,
    milestone_count_range,
    milestone_update,
    move_deadline,
    moved_deadline_note,
    parse_deadline,
    parse_progress,
    progress_message,
    propose_milestones,
    schedule_goal_reminders,
    smart_message,
    states_a_goal,
    update_progress,
)

FORM: Final = "goal_form"
EDIT_FORM: Final = "goal_edit_form"
DRAFT: Final = "goal_draft"
ANSWER: Final = "goal_answer"
FOCUS: Final = "goal_focus"
MILESTONE_FOCUS: Final = "goal_milestone_focus"
EDIT_MODE: Final = "goal_edit_mode"
EDIT_TEXT: Final = "goal_edit_text"
#: ``goal_answer`` once every criterion holds or was skipped: the form is complete.
SETTLED: Final = "settled"
#: ``goal_edit_mode`` values: what goal_edit_form asks, or a progress message waiting for
#: the person to say which goal it is about.
MODE_PROGRESS: Final = "progress"
MODE_DEADLINE: Final = "deadline"
MODE_PENDING: Final = "pending"
#: Criteria the person may leave aside ("passer"); a goal needs a subject and a date.
SKIPPABLE: Final = ("measurable", "achievable", "relevant")
#: Answers that do not settle a criterion before it is left as is (or, for the subject,
#: taken as written).
MAX_TRIES: Final = 2
MAX_GOAL_BUTTONS: Final = 8
#: Actions after which a bare « c'est fait » is about a feedback request, not a goal.
REQUEST_ACTIONS: Final = (
    "action_write_draft",
    "action_refine_draft",
    "action_send_day",
    "action_follow_up",
    "action_plan_request",
)

GOAL_INTRO: Final = (
    "Construisons un objectif SMART ensemble : Spécifique, Mesurable, Atteignable, "
    "Pertinent et Daté. Je vous pose une question à la fois. (/annuler pour arrêter, « on "
    "en reparle demain » pour faire une pause)"
)
NO_WORDS: Final = "Je ne vois pas de mots dans ce message. "
SKIPPED: Final = "D'accord, on laisse ce point de côté."
SKIP_BUTTON: Final = {"title": "⏭️ Passer cette question", "payload": "passer"}
NONE_OF_THESE: Final = {"title": "Aucun de ces points", "payload": "aucun"}
DEADLINE_BUTTONS: Final = [
    {"title": "Dans 2 semaines", "payload": "dans 2 semaines"},
    {"title": "Dans 1 mois", "payload": "dans 1 mois"},
    {"title": "Dans 3 mois", "payload": "dans 3 mois"},
]
HINTS: Final = {
    "specific": (
        "Il me faut un sujet précis : une compétence, un outil, un document ou un type d'entretien."
    ),
    "measurable": (
        "Pour le rendre mesurable, il faut quelque chose qui se compte ou se constate : "
        "« 6 modules terminés », « 3 entretiens blancs », « un score de 800 au TOEIC »."
    ),
    "relevant": "Je n'ai pas reconnu de point de vos retours dans cette réponse.",
    "time_bound": (
        "Je n'ai pas compris cette date. Essayez « dans 6 semaines », « d'ici fin janvier » "
        "ou « avant le 15 mars »."
    ),
}
SET_ASIDE: Final = (
    "Je mets votre objectif de côté, avec ce que vous avez déjà dit : écrivez « on reprend » "
    "pour le terminer."
)
NO_DRAFT: Final = "Je n'ai plus d'objectif en cours d'écriture. On en écrit un ?"
NEW_GOAL_BUTTON: Final = {"title": "➕ Nouvel objectif", "payload": "/set_goal"}
SEE_GOALS: Final = "Retrouvez vos objectifs à tout moment avec /objectifs."
UNKNOWN_GOAL: Final = "Cet objectif n'existe plus. " + SEE_GOALS
CLOSED_GOAL: Final = "Cet objectif est déjà clos (atteint ou mis de côté). " + SEE_GOALS
NOT_CREATED: Final = (
    "Je n'ai pas pu enregistrer cet objectif (souci technique). Il reste en mémoire : "
    "réessayez « C'est parti » dans un instant."
)
NO_GOALS: Final = (
    "Vous n'avez pas d'objectif en cours à mettre à jour. Voulez-vous en fixer un ? Écrivez-le "
    "avec vos mots, par exemple « je veux progresser en SQL d'ici fin janvier »."
)
WHICH_GOAL: Final = "De quel objectif s'agit-il ?"
KEPT: Final = "Très bien, on le garde. Un pas après l'autre."
DROPPED: Final = "C'est noté, je laisse cet objectif de côté sans rien enregistrer."

_SKIP: Final = re.compile(
    r"^\W*(?:passer|passe|on passe|je passe|suivant|aucune? idee|je ne sais pas|je sais pas"
    r"|sais pas|chais pas|ne sais pas|aucun|aucune|rien|pas de lien|aucun lien|aucun rapport"
    r"|pas vraiment|non|je prefere passer|pas d idee)\W*$"
)


_UNSURE: Final = re.compile(
    r"\b(?:sais|sait|vois)\s+pas\b|\baucune?\s+idee\b|\bpas\s+d\s+idee\b|^(?:bof|euh|hmm)\b"
)
#: A first goal that answers each feedback theme, when the person has no subject in mind.
SUBJECT_IDEAS: Final = {
    "experience": "une mission courte ou bénévole dans le métier visé",
    "technical_skills": "un outil demandé dans les offres (SQL, Excel, Python…)",
    "cultural_fit": "deux entretiens d'information dans des entreprises visées",
    "interview_performance": "trois réponses d'entretien préparées avec la méthode STAR",
    "communication": "une présentation de vous en deux minutes, répétée à voix haute",
    "application_documents": "un CV adapté à chaque type de poste visé",
    "overqualification": "une lettre qui explique votre envie du poste",
    "enthusiasm": "une fiche sur chaque entreprise avant l'entretien",
    "problem_solving": "des cas pratiques du métier, un par semaine",
}


def _subject_ideas(hint: Sequence[str]) -> str:
    themes = [t for t in hint if t in SUBJECT_IDEAS][:3] or [
        "technical_skills",
        "interview_performance",
        "application_documents",
    ]
    ideas = "\n".join(f"• {SUBJECT_IDEAS[t]}" for t in themes)
    lead = "D'après vos retours, quelques pistes :" if hint else "Quelques pistes :"
    return (
        f"Pas de souci, cherchons ensemble. {lead}\n{ideas}\n"
        "Laquelle vous parle ? Reformulez-la à votre façon."
    )


# --------------------------------------------------------------------------- the draft


@dataclass(frozen=True)
class Draft:
    """The goal being written, as kept in the ``goal_draft`` slot."""

    fields: GoalFields = field(default_factory=GoalFields)
    skipped: tuple[str, ...] = ()
    tries: int = 0  # answers that did not settle the current question
    steps: int | None = None  # the number of milestones asked for
    hint: tuple[str, ...] = ()  # the person's feedback themes, most frequent first

    def to_slot(self) -> dict[str, Any]:
        f = self.fields
        return {
            "title": f.title,
            "specific": f.specific,
            "measure": f.measure,
            "first_steps": list(f.first_steps),
            "resources": list(f.resources),
            "theme": f.theme,
            "deadline": f.deadline.isoformat() if f.deadline else None,
            "skipped": list(self.skipped),
            "tries": self.tries,
            "steps": self.steps,
            "hint": list(self.hint),
        }

    @classmethod
    def from_slot(cls, value: Any) -> Draft | None:
        if not isinstance(value, dict):
            return None

        def text(key: str) -> str | None:
            item = value.get(key)
            return item if isinstance(item, str) and item else None

        def texts(key: str) -> tuple[str, ...]:
            items = value.get(key)
            return tuple(i for i in items if isinstance(i, str)) if isinstance(items, list) else ()

        try:
            deadline = dt.date.fromisoformat(value["deadline"]) if value.get("deadline") else None
        except (TypeError, ValueError):
            deadline = None
        steps = value.get("steps")
        tries = value.get("tries")
        fields = GoalFields(
            title=text("title") or "",
            specific=text("specific"),
            measure=text("measure"),
            first_steps=texts("first_steps"),
            resources=texts("resources"),
            theme=text("theme") if text("theme") in THEMES else None,
            deadline=deadline,
        )
        return cls(
            fields=fields,
            skipped=tuple(c for c in texts("skipped") if c in SKIPPABLE),
            tries=tries if isinstance(tries, int) and not isinstance(tries, bool) else 0,
            steps=steps if isinstance(steps, int) and not isinstance(steps, bool) else None,
            hint=tuple(t for t in texts("hint") if t in THEMES),
        )

    def check(self, today: dt.date) -> SmartCheck:
        return check_goal(self.fields, today=today, themes_hint=self.hint)

    def pending(self, today: dt.date) -> tuple[str, ...]:
        """The criteria still to ask about: missing and not skipped."""
        return tuple(c for c in self.check(today).missing if c not in self.skipped)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _today(tracker: Tracker) -> dt.date:
    """Today where the person lives (actions.flow.person_zone)."""
    return local_today(person_zone(tracker, settings().coach_tz), _now())


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", fold_keep_length(text or "")).split())


def _text(tracker: Tracker) -> str:
    value = (tracker.latest_message or {}).get("text")
    return " ".join(value.split()) if isinstance(value, str) else ""


def _draft(tracker: Tracker) -> Draft | None:
    return Draft.from_slot(tracker.get_slot(DRAFT))


def _hint(session: Session, user: User) -> tuple[str, ...]:
    patterns = patterns_for(session, user)
    counts = sorted(patterns.theme_counts.items(), key=lambda item: (-item[1], item[0]))
    ordered = [*patterns.recurring, *(t for t, c in counts if c > 0)]
    return tuple(dict.fromkeys(t for t in ordered if t in THEMES))


def _detail(fields: GoalFields, criterion: str, today: dt.date) -> str | None:
    if criterion == "specific":
        return fields.title or fields.specific
    if criterion == "measurable":
        return fields.measure
    if criterion == "achievable":
        means = [*fields.first_steps, *fields.resources]
        return means[0] if means else None
    if criterion == "relevant":
        return THEME_LABELS.get(fields.theme or "")
    if fields.deadline is None:
        return None
    days = (fields.deadline - today).days
    return f"{fields.deadline:%d/%m/%Y} (dans {days} jour{'s' if days > 1 else ''})"


def _question(draft: Draft, criterion: str, today: dt.date) -> tuple[str, list[dict[str, str]]]:
    """The coaching question for ``criterion`` and its buttons."""
    text = draft.check(today).questions.get(criterion) or ""
    buttons: list[dict[str, str]] = []
    if criterion == "relevant":
        themes = [*draft.hint, *(t for t in THEMES if t not in draft.hint)]
        # Competition is not something a goal can fix: it is not offered.
        buttons = [
            {"title": THEME_LABELS[t], "payload": THEME_LABELS[t]}
            for t in themes
            if t != "competition"
        ][:4]
        buttons.append(NONE_OF_THESE)
    elif criterion == "time_bound":
        buttons = list(DEADLINE_BUTTONS)
    elif criterion in SKIPPABLE:
        buttons = [SKIP_BUTTON]
    return text, buttons


# --------------------------------------------------------------------------- start


class ActionStartGoal(Action):
    """set_goal: the goal as written is checked, then the form asks for what is missing."""

    def name(self) -> str:
        return "action_start_goal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = _text(tracker)
        written = "" if text.startswith("/") else text
        today = _today(tracker)
        hint = with_user(tracker, dispatcher, _hint)
        if hint is None:
            # No consent or no database: the form stops at once, nothing kept.
            return [
                SlotSet(DRAFT, None),
                SlotSet(ANSWER, None),
                SlotSet("flow_stop", "quiet"),
                FollowupAction(FORM),
            ]
        check = check_goal(written, today=today, themes_hint=hint)
        fields = check.fields
        if not check.criteria["specific"]:
            # "Je veux me fixer un objectif": the words are a request, not a subject.
            fields = replace(fields, title="", specific=None)
        draft = Draft(fields=fields, hint=hint)
        check = draft.check(today)
        # A goal being written and set aside is replaced by this one.
        replaced = [SlotSet("paused_flow", None)] if tracker.get_slot("paused_flow") == FORM else []
        if not written or not check.criteria["specific"]:
            dispatcher.utter_message(text=GOAL_INTRO)
            if fields.deadline is not None:
                dispatcher.utter_message(
                    text=f"J'ai noté l'échéance : {_detail(fields, 'time_bound', today)}."
                )
        else:
            summary = smart_message(check, today).rsplit("\n\n", 1)[0]
            dispatcher.utter_message(
                text=f"Voyons s'il est SMART (/annuler pour arrêter).\n{summary}"
            )
        # The form follows (the rules say so too; a progress message that turned out to be
        # a new goal comes here without them).
        return [
            *replaced,
            SlotSet(DRAFT, draft.to_slot()),
            SlotSet(ANSWER, SETTLED if not draft.pending(today) else None),
            SlotSet("ask_quietly", None),
            SlotSet("flow_stop", None),
            FollowupAction(FORM),
        ]


# --------------------------------------------------------------------------- the form


class ValidateGoalForm(FormValidationAction):
    def name(self) -> str:
        return "validate_goal_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("flow_stop") or _draft(tracker) is None:
            return []
        return [ANSWER]

    async def validate_goal_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        draft = _draft(tracker)
        if value is None or value == SETTLED or draft is None:
            return {ANSWER: value}
        text = " ".join(str(value).split())
        cut = interrupted(ANSWER, text, dispatcher, tracker)
        if cut is not None:
            return cut.slots
        today = _today(tracker)
        pending = draft.pending(today)
        if not pending:
            return {ANSWER: SETTLED}
        criterion = pending[0]
        if not has_letters(text) and criterion != "time_bound":
            dispatcher.utter_message(text=NO_WORDS + (draft.check(today).next_question or ""))
            return {ANSWER: None, "ask_quietly": True}
        updated = self._answer(draft, criterion, text, today, dispatcher)
        slots: dict[str, Any] = {DRAFT: updated.to_slot()}
        slots[ANSWER] = SETTLED if not updated.pending(today) else None
        return slots

    @staticmethod
    def _answer(
        draft: Draft,
        criterion: str,
        text: str,
        today: dt.date,
        dispatcher: CollectingDispatcher,
    ) -> Draft:
        folded = _fold(text)
        if criterion in SKIPPABLE and _SKIP.match(folded):
            dispatcher.utter_message(text=SKIPPED)
            return replace(draft, skipped=(*draft.skipped, criterion), tries=0)
        fields = fill(draft.fields, criterion, text, today=today)
        if criterion == "relevant" and fields.theme is None:
            label = {_fold(v): k for k, v in THEME_LABELS.items()}.get(folded)
            fields = replace(fields, theme=label) if label else fields
        updated = replace(draft, fields=fields)
        check = updated.check(today)
        if check.criteria[criterion]:
            detail = _detail(check.fields, criterion, today)
            line = f"✅ {CRITERION_LABELS[criterion]}" + (f" : {detail}" if detail else "")
            lines = [line]
            said = (
                parse_deadline(text, today, whole_answer=True)
                if criterion == "time_bound"
                else None
            )
            if said is not None and check.fields.deadline:
                note = moved_deadline_note(said.day, check.fields.deadline, today)
                lines += [note] if note else []
            dispatcher.utter_message(text="\n".join([*lines, *(f"⚠️ {w}" for w in check.warnings)]))
            return replace(updated, tries=0)
        if criterion == "specific" and (_SKIP.match(folded) or _UNSURE.search(folded)):
            # "Je ne sais pas" is never a subject: ideas from the feedback instead.
            dispatcher.utter_message(text=_subject_ideas(draft.hint))
            return replace(updated, tries=0)
        tries = draft.tries + 1
        if tries >= MAX_TRIES and criterion == "specific":
            # Taken as written: the person knows what they mean.
            title = text[:200][:1].upper() + text[:200][1:]
            dispatcher.utter_message(text=f"D'accord, je le note tel quel : « {title} ».")
            return replace(
                draft, fields=replace(draft.fields, title=title, specific=text[:500]), tries=0
            )
        if tries >= MAX_TRIES and criterion in SKIPPABLE:
            dispatcher.utter_message(text="Je le note tel quel, et on avance.")
            return replace(updated, skipped=(*draft.skipped, criterion), tries=0)
        if check.deadline_past and criterion == "time_bound":
            dispatcher.utter_message(text="Cette date est déjà passée.")
        else:
            dispatcher.utter_message(text=HINTS.get(criterion, ""))
        return replace(updated, tries=tries)


class ActionAskGoalAnswer(QuietAsk):
    def name(self) -> str:
        return "action_ask_goal_answer"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        draft = _draft(tracker)
        today = _today(tracker)
        pending = draft.pending(today) if draft else ()
        if draft is None or not pending:
            return []
        text, buttons = _question(draft, pending[0], today)
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


# --------------------------------------------------------------------------- the proposal


def _proposal(draft: Draft, today: dt.date) -> tuple[str, list[dict[str, str]]]:
    """The goal as it will be stored, its milestones and the buttons to act on them."""
    fields = draft.check(today).fields
    assert fields.deadline is not None  # the form does not end without one
    steps = propose_milestones(fields, today, count=draft.steps)
    lines = [f"Votre objectif 🎯 {fields.title}"]
    for criterion in CRITERIA:
        detail = _detail(fields, criterion, today)
        if detail:
            lines.append(f"• {CRITERION_LABELS[criterion]} : {detail}")
    lines += ["", f"Je vous propose {len(steps)} étape{'s' if len(steps) > 1 else ''} :"]
    lines += [f"{n}. {title} ({due:%d/%m})" for n, (title, due) in enumerate(steps, start=1)]
    lines += [
        "",
        "Je vous fais signe le matin de chaque étape, et, entre deux étapes éloignées, "
        f"toutes les {DEFAULT_REVIEW_DAYS // 7} semaines pour faire le point. On y va ?",
    ]
    low, high = milestone_count_range(fields.deadline, today)
    buttons = [_op_button("✅ C'est parti", "create")]
    if len(steps) < high:
        buttons.append(_op_button("➕ Une étape de plus", "more"))
    if len(steps) > low:
        buttons.append(_op_button("➖ Une étape de moins", "fewer"))
    buttons += [_op_button("📅 Autre échéance", "redate"), _op_button("✖️ Laisser tomber", "drop")]
    return "\n".join(lines), buttons


def _op_button(title: str, op: str, goal_id: int | None = None, **extra: int) -> dict[str, str]:
    entities = {"goal_op": op}
    if goal_id is not None:
        entities["goal_id"] = str(goal_id)
    entities.update({key: str(value) for key, value in extra.items()})
    body = ",".join(f'"{key}":"{value}"' for key, value in entities.items())
    return {"title": title, "payload": f"/goal_action{{{body}}}"}


class ActionGoalProposal(Action):
    """The form is complete (or stopped): the goal and its milestones, to confirm."""

    def name(self) -> str:
        return "action_goal_proposal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("flow_stop") == "quiet":
            return [SlotSet("flow_stop", None)]
        stopped = set_aside(dispatcher, tracker, FORM, SET_ASIDE) or stop_events(
            dispatcher, tracker, FORM, reset=[DRAFT, ANSWER, "ask_quietly"]
        )
        if stopped is not None:
            return stopped
        draft = _draft(tracker)
        today = _today(tracker)
        if draft is None or draft.pending(today):
            dispatcher.utter_message(text=NO_DRAFT, buttons=[NEW_GOAL_BUTTON])
            return [SlotSet(DRAFT, None), SlotSet(ANSWER, None)]
        text, buttons = _proposal(draft, today)
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(ANSWER, None)]


# --------------------------------------------------------------------------- goal buttons


def goal_buttons(goal: Goal, *, milestone_id: int | None = None) -> list[dict[str, str]]:
    """What one can do with a stored goal (a milestone's own button first, when given)."""
    if goal.status != "active":
        return []
    buttons: list[dict[str, str]] = []
    if milestone_id is not None:
        # The milestone names its goal: the payload stays within Telegram's 64 bytes.
        buttons.append(_op_button("✅ Étape franchie", "milestone", milestone_id=milestone_id))
    buttons += [
        _op_button("📈 Où j'en suis", "update", goal.id),
        _op_button("🏁 Objectif atteint", "done", goal.id),
        _op_button("📅 Nouvelle échéance", "deadline", goal.id),
        _op_button("🗑️ Mettre de côté", "abandon", goal.id),
    ]
    return buttons


def choose_buttons(goals: Sequence[Goal], op: str = "apply") -> list[dict[str, str]]:
    return [
        _op_button(button_title(f"🎯 {goal.title}"), op, goal.id)
        for goal in goals[:MAX_GOAL_BUTTONS]
    ]


@dataclass
class _Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _progress_reply(
    session: Session,
    user: User,
    goal: Goal,
    update: ProgressUpdate,
    now: dt.datetime,
) -> _Reply:
    result = update_progress(session, user, goal, update, now=now)
    text = progress_message(result, user_day(user, now))
    buttons = goal_buttons(goal) if result.kind in ("unclear", "stalled") else []
    if result.kind == "done":
        buttons = [NEW_GOAL_BUTTON]
    return _Reply(text, buttons)


def _abandon_question(goal: Goal) -> _Reply:
    return _Reply(
        f"Mettre de côté « {goal.title} » ? Il restera dans votre historique, et ses rappels "
        "s'arrêteront.",
        [
            _op_button("Oui, le mettre de côté", "abandon_yes", goal.id),
            _op_button("Non, je le garde", "keep", goal.id),
        ],
    )


def _apply_text(
    session: Session,
    user: User,
    goal: Goal,
    text: str,
    now: dt.datetime,
    *,
    milestone_position: int | None = None,
) -> _Reply:
    """A progress message applied to ``goal``. A bare « fait » that names neither a step nor
    the goal, and setting the goal aside, are confirmed with buttons first."""
    update = parse_progress(text, goal, milestone_position=milestone_position)
    if update.kind == "abandon":
        return _abandon_question(goal)
    if update.kind == "done" and update.milestone_position is None and is_bare_done(text):
        upcoming = sorted(
            (m for m in goal.milestones if m.done_at is None), key=lambda m: m.position
        )
        buttons = [_op_button("🏁 Tout l'objectif", "done", goal.id)]
        if len(upcoming) > 1:
            step = upcoming[0]
            buttons.append(
                _op_button(
                    button_title(f"✅ L'étape « {step.title} »"), "milestone", milestone_id=step.id
                )
            )
        buttons.append(_op_button("Pas encore", "keep", goal.id))
        return _Reply(f"Bravo ! Qu'est-ce qui est fait pour « {goal.title} » ?", buttons)
    return _progress_reply(session, user, goal, update, now)


def _milestone_update(goal: Goal, milestone_id: object) -> ProgressUpdate | None:
    step = next((m for m in goal.milestones if str(m.id) == str(milestone_id)), None)
    return milestone_update(goal, step) if step is not None else None


def _goal_of_milestone(session: Session, user: User, milestone_id: str | None) -> Goal | None:
    if milestone_id is None or not milestone_id.strip().isdigit():
        return None
    milestone = session.scalar(
        select(Milestone).where(Milestone.id == int(milestone_id), Milestone.user_id == user.id)
    )
    return get_goal(session, user, milestone.goal_id) if milestone is not None else None


class ActionGoalAction(Action):
    """The goal buttons: /goal_action{"goal_op": ..., "goal_id": ..., "milestone_id": ...}."""

    def name(self) -> str:
        return "action_goal_action"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        op = entity(tracker, "goal_op") or ""
        if op in ("create", "more", "fewer", "redate", "drop"):
            return self._draft_op(op, dispatcher, tracker)
        goal_id = entity(tracker, "goal_id")
        milestone_id = entity(tracker, "milestone_id")
        pending_text = tracker.get_slot(EDIT_TEXT)
        pending = tracker.get_slot(EDIT_MODE) == MODE_PENDING and isinstance(pending_text, str)
        # A progress message waiting for its goal is applied by "apply" only (the buttons of
        # « De quel objectif s'agit-il ? »); any other goal button forgets it.
        clear = [SlotSet(EDIT_MODE, None), SlotSet(EDIT_TEXT, None)] if pending else []
        now = _now()

        def work(session: Session, user: User) -> _Reply:
            goal = (
                _goal_of_milestone(session, user, milestone_id)
                if op == "milestone" and goal_id is None
                else get_goal(session, user, goal_id)
            )
            if goal is None:
                return _Reply(UNKNOWN_GOAL)
            focus = [SlotSet(FOCUS, str(goal.id))]
            if goal.status != "active" and op != "manage":
                return _Reply(CLOSED_GOAL, events=focus)
            today = user_day(user, now)
            if op == "apply" and pending:
                reply = _apply_text(session, user, goal, str(pending_text), now)
                reply.events = focus
                return reply
            if op in ("update", "apply", "deadline"):
                mode = MODE_PROGRESS if op == "update" else MODE_DEADLINE
                events = [*focus, SlotSet(EDIT_MODE, mode), SlotSet(EDIT_TEXT, None)]
                return _Reply("", events=[*events, FollowupAction(EDIT_FORM)])
            if op == "milestone":
                update = _milestone_update(goal, milestone_id)
                if update is None:
                    return _Reply(UNKNOWN_GOAL)
                reply = _progress_reply(session, user, goal, update, now)
                reply.events = [*focus, SlotSet(MILESTONE_FOCUS, None)]
                return reply
            if op == "done":
                reply = _progress_reply(session, user, goal, ProgressUpdate("done", 100), now)
                reply.events = focus
                return reply
            if op == "abandon":
                reply = _abandon_question(goal)
                reply.events = focus
                return reply
            if op == "abandon_yes":
                reply = _progress_reply(session, user, goal, ProgressUpdate("abandon"), now)
                reply.events = focus
                return reply
            if op == "keep":
                return _Reply(KEPT, events=focus)
            return _Reply(format_goal(goal, today), goal_buttons(goal), focus)

        reply = with_user(tracker, dispatcher, work)
        if reply is None:
            return clear
        if reply.text:
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        events = reply.events
        if clear and not any(e.get("name") in (EDIT_MODE, EDIT_TEXT) for e in events):
            events = [*clear, *events]
        return events

    def _draft_op(
        self, op: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        draft = _draft(tracker)
        today = _today(tracker)
        if draft is None or draft.pending(today):
            if op == "drop":
                dispatcher.utter_message(text=DROPPED)
                return [SlotSet(DRAFT, None)]
            dispatcher.utter_message(text=NO_DRAFT, buttons=[NEW_GOAL_BUTTON])
            return []
        if op == "drop":
            dispatcher.utter_message(text=DROPPED)
            return [SlotSet(DRAFT, None), SlotSet(ANSWER, None)]
        if op == "redate":
            fields = replace(draft.fields, deadline=None)
            # A deadline written in the title or the measure would come back: it goes.
            redated = replace(draft, fields=fields, steps=None)
            blank = _strip_deadline(redated, today)
            return [
                SlotSet(DRAFT, blank.to_slot()),
                SlotSet(ANSWER, None),
                SlotSet("ask_quietly", None),
                FollowupAction(FORM),
            ]
        if op in ("more", "fewer"):
            fields = draft.check(today).fields
            assert fields.deadline is not None
            current = len(propose_milestones(fields, today, count=draft.steps))
            changed = replace(draft, steps=current + (1 if op == "more" else -1))
            text, buttons = _proposal(changed, today)
            dispatcher.utter_message(text=text, buttons=buttons)
            return [SlotSet(DRAFT, changed.to_slot())]
        return self._create(draft, dispatcher, tracker)

    def _create(
        self, draft: Draft, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        now = _now()

        def work(session: Session, user: User) -> tuple[str, int]:
            today = user_day(user, now)
            fields = draft.check(today).fields
            steps = propose_milestones(fields, today, count=draft.steps)
            goal = create_goal(session, user, fields, now=now, milestones=steps)
            schedule_goal_reminders(session, user, goal, now, subdiv=settings().holidays_subdiv)
            return goal_created_message(goal, today), goal.id

        try:
            created = with_user(tracker, dispatcher, work, failure=NOT_CREATED)
        except ValueError:
            # The deadline passed while the proposal waited (a button pressed days later).
            dispatcher.utter_message(
                text="L'échéance de cet objectif est déjà passée : choisissons-en une autre."
            )
            bare = replace(draft, fields=replace(draft.fields, deadline=None), steps=None)
            undated = _strip_deadline(bare, _today(tracker))
            return [SlotSet(DRAFT, undated.to_slot()), SlotSet(ANSWER, None), FollowupAction(FORM)]
        if created is None:
            return []
        message, goal_id = created
        dispatcher.utter_message(
            text=f"{message}\n\nJe vous ferai signe le matin de chaque étape. {SEE_GOALS}"
        )
        return [SlotSet(DRAFT, None), SlotSet(ANSWER, None), SlotSet(FOCUS, str(goal_id))]


def _strip_deadline(draft: Draft, today: dt.date) -> Draft:
    """The draft without any deadline words in its texts (so that none is read back)."""
    fields = draft.fields

    def without(text: str | None) -> str | None:
        if not text:
            return text
        found = parse_deadline(text, today)
        if found is None:
            return text
        kept = (text[: found.start] + text[found.end :]).strip(" ,;")
        return " ".join(kept.split()) or None

    return replace(
        draft,
        fields=replace(
            fields,
            title=without(fields.title) or fields.title,
            specific=without(fields.specific),
            measure=without(fields.measure),
        ),
    )


# --------------------------------------------------------------------------- progress


_COMMON: Final = frozenset(
    re.findall(
        r"\S+",
        "objectif etape jalon terminer termine terminee finir fini finie faire fait faite "
        "avancer avance progresser passer valider valide atteint atteindre mois semaine "
        "semaines jour jours avec pour dans cette votre notre",
    )
)


def _words(text: str) -> set[str]:
    """Content words, plural "s" off ("module" matches "modules"), common verbs left out."""
    words = (w.removesuffix("s") for w in _fold(text).split() if len(w) >= 4)
    return {w for w in words if w not in _COMMON}


def _pick(goals: Sequence[Goal], text: str) -> Goal | None:
    """The goal whose title shares the most words with the message, if only one does."""
    words = _words(text)
    scored = sorted(((len(words & _words(g.title)), g.id, g) for g in goals), reverse=True)
    if not scored or scored[0][0] == 0:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][2]


def _previous_action(tracker: Tracker) -> str | None:
    """The bot's last action before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
            continue
        if seen_user and event.get("event") == "action":
            name = event.get("name")
            if name not in ("action_listen", None):
                return str(name)
    return None


#: After these, the conversation is about the goal in ``goal_focus``; later on, a message is
#: matched to a goal by its words (or is about the only one).
GOAL_CONTEXT: Final = (
    "action_goal_reminder",
    "action_goal_action",
    "action_goal_progress",
    "action_finish_goal_edit",
)
#: "mon objectif", "cet objectif": an existing goal, not a new one ("mon objectif est de…"
#: and "nouvel objectif" announce one).
_EXISTING: Final = re.compile(
    r"\b(?:cet|ce|mon|l|notre|votre)\s+objectif\b(?!\s*(?::|est\s+d|serait\s+d|c\s+est\s+d))"
    r"|\b(?:supprimer|changer|modifier|decaler|repousser|faire\s+le\s+point|encore)\b"
)


class ActionGoalProgress(Action):
    """A progress message about a goal, typed ("j'ai fini le module 2", "fait")."""

    def name(self) -> str:
        return "action_goal_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = _text(tracker)
        previous = _previous_action(tracker)
        in_context = previous in GOAL_CONTEXT
        focus = tracker.get_slot(FOCUS) if in_context else None
        milestone_focus = tracker.get_slot(MILESTONE_FOCUS) if in_context else None
        if is_bare_done(text) and previous in REQUEST_ACTIONS:
            # « C'est fait » right after a feedback request: the request was sent.
            return [FollowupAction("action_request_sent")]
        new_goal = states_a_goal(text) and not _EXISTING.search(_fold(text))
        now = _now()
        # A progress message waiting for its goal is forgotten: this one replaces it.
        forget = [SlotSet(EDIT_MODE, None), SlotSet(EDIT_TEXT, None)]

        def work(session: Session, user: User) -> _Reply | None:
            goals = list_goals(session, user)
            by_id = {str(g.id): g for g in goals}
            named = by_id.get(str(entity(tracker, "goal_id"))) or by_id.get(str(focus))
            picked = _pick(goals, text)
            if new_goal and named is None and picked is None:
                return None  # "objectif : terminer les 6 modules d'ici un mois": a new goal
            if not goals:
                return _Reply(NO_GOALS, [NEW_GOAL_BUTTON])
            goal = named or picked or (goals[0] if len(goals) == 1 else None)
            if goal is None:
                return _Reply(
                    WHICH_GOAL,
                    choose_buttons(goals),
                    [SlotSet(EDIT_MODE, MODE_PENDING), SlotSet(EDIT_TEXT, text[:1000])],
                )
            position = None
            if milestone_focus is not None and goal is named:
                position = next(
                    (m.position for m in goal.milestones if str(m.id) == str(milestone_focus)),
                    None,
                )
            reply = _apply_text(session, user, goal, text, now, milestone_position=position)
            reply.events = [*forget, SlotSet(FOCUS, str(goal.id))]
            if parse_progress(text, goal).kind != "unclear" or position is None:
                reply.events.append(SlotSet(MILESTONE_FOCUS, None))
            elif reply.buttons and milestone_focus is not None:
                # Unclear after a milestone's reminder: its own button comes first.
                reply.buttons = [
                    _op_button("✅ Étape franchie", "milestone", milestone_id=milestone_focus),
                    *reply.buttons,
                ]
            return reply

        reply = with_user(tracker, dispatcher, work)
        if reply is None:
            # Nothing said yet: a new goal (otherwise no consent or no database, said so).
            return [FollowupAction("action_start_goal")] if not dispatcher.messages else []
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return reply.events


# --------------------------------------------------------------------------- the edit form


class ValidateGoalEditForm(FormValidationAction):
    def name(self) -> str:
        return "validate_goal_edit_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("flow_stop") or tracker.get_slot(FOCUS) is None:
            return []
        return [EDIT_TEXT]

    async def validate_goal_edit_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {EDIT_TEXT: None}
        text = " ".join(str(value).split())
        mode = tracker.get_slot(EDIT_MODE)
        folded = _fold(text)
        if mode == MODE_DEADLINE and _KEEP_DATE.search(folded):
            return {EDIT_TEXT: None, **stop_slots("cancel")}
        # "J'abandonne" here is about the goal (a progress answer), not about the form.
        if not (mode == MODE_PROGRESS and re.search(r"abandon", folded)):
            stop = interruption(text)
            if stop:
                # Pause or cancel: nothing to resume later, the goal stays as it is.
                return {EDIT_TEXT: None, **stop_slots("cancel")}
        other = aside(tracker, text)
        if other:
            if answer_in_form(dispatcher, other) == COMMAND_STOP:
                return {EDIT_TEXT: None, **stop_slots(COMMAND_STOP)}
            return {EDIT_TEXT: None}
        if mode == MODE_DEADLINE:
            today = _today(tracker)
            found = parse_deadline(text, today, whole_answer=True)
            if found is None or found.day <= today:
                hint = "Cette date est déjà passée." if found else HINTS["time_bound"]
                dispatcher.utter_message(text=hint, buttons=[*DEADLINE_BUTTONS, KEEP_DATE_BUTTON])
                return {EDIT_TEXT: None, "ask_quietly": True}
            return {EDIT_TEXT: found.day.isoformat()}
        if not has_letters(text) and not re.search(r"\d", text):
            dispatcher.utter_message(text=NO_WORDS + PROGRESS_QUESTION)
            return {EDIT_TEXT: None, "ask_quietly": True}
        return {EDIT_TEXT: text[:1000]}


KEEP_DATE_BUTTON: Final = {"title": "Garder la date actuelle", "payload": "garder la date"}
_KEEP_DATE: Final = re.compile(r"\bgard\w*\s+(?:la|ma|cette|l)\s*(?:date|echeance)\b|^je\s+garde\b")
KEPT_AS_IS: Final = "D'accord, je ne change rien à cet objectif."
PROGRESS_QUESTION: Final = (
    "Où en êtes-vous ? Par exemple « j'en suis à 40 % », « j'ai fini le module 2 », "
    "« terminé », ou « j'abandonne »."
)


class ActionAskGoalEditText(QuietAsk):
    def name(self) -> str:
        return "action_ask_goal_edit_text"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if tracker.get_slot(EDIT_MODE) == MODE_DEADLINE:
            dispatcher.utter_message(
                text="Quelle nouvelle échéance vous donnez-vous ? Une date ou un délai suffit : "
                "« d'ici fin février », « dans 6 semaines ». Les étapes restantes seront "
                "réparties jusque-là.",
                buttons=[*DEADLINE_BUTTONS, KEEP_DATE_BUTTON],
            )
        else:
            dispatcher.utter_message(text=PROGRESS_QUESTION)
        return []


class ActionFinishGoalEdit(Action):
    """goal_edit_form is complete: the progress or the new deadline applied."""

    def name(self) -> str:
        return "action_finish_goal_edit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reset = [SlotSet(EDIT_TEXT, None), SlotSet(EDIT_MODE, None), SlotSet("flow_stop", None)]
        stop = tracker.get_slot("flow_stop")
        if stop == COMMAND_STOP:
            # A command inside: the edit is dropped (a flow paused before stays paused), and
            # the command follows.
            intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
            command = COMMAND_ACTIONS.get(intent) if isinstance(intent, str) else None
            return [*reset, FollowupAction(command)] if command else reset
        if stop:
            dispatcher.utter_message(text=KEPT_AS_IS)
            return reset
        text = tracker.get_slot(EDIT_TEXT)
        mode = tracker.get_slot(EDIT_MODE)
        goal_id = tracker.get_slot(FOCUS)
        if not isinstance(text, str) or not text:
            return reset
        now = _now()

        def work(session: Session, user: User) -> _Reply:
            goal = get_goal(session, user, goal_id)
            if goal is None:
                return _Reply(UNKNOWN_GOAL)
            if goal.status != "active":
                return _Reply(CLOSED_GOAL)
            today = user_day(user, now)
            if mode == MODE_DEADLINE:
                try:
                    move_deadline(
                        session,
                        user,
                        goal,
                        dt.date.fromisoformat(text),
                        now=now,
                        subdiv=settings().holidays_subdiv,
                    )
                except ValueError:
                    return _Reply(
                        "Cette échéance laisse trop peu de temps pour les étapes restantes : "
                        "choisissez une date un peu plus lointaine.",
                        goal_buttons(goal),
                    )
                return _Reply(
                    "C'est noté, nouvelle échéance. Les étapes restantes et leurs rappels "
                    f"suivent :\n\n{format_goal(goal, today)}"
                )
            return _apply_text(session, user, goal, text, now)

        reply = with_user(tracker, dispatcher, work)
        if reply is not None:
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return reset


# --------------------------------------------------------------------------- lists, reminders


def goals_list_buttons(goals: Sequence[Goal]) -> list[dict[str, str]]:
    return [*choose_buttons(goals, "manage"), NEW_GOAL_BUTTON]
