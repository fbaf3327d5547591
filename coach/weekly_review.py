"""The weekly review (opt-in in /rappels, at the day and hour the person chose): what the
week held, what needs doing next, and one question to reflect on.

:func:`collect` reads everything in one session and returns a :class:`WeekReview`;
:func:`render` turns it into the message, :func:`question_for` picks the question. The
dialogue (actions/reflection.py) sends the message, the small mood chart when there are
moods (``coach.charts.week_mood_chart``) and asks the question, whose answer goes to the
journal.

The week is the seven local days ending with the person's today (their timezone), so that
a review on Sunday evening covers Monday to Sunday and one chosen for Monday morning covers
the week just gone plus that morning.

What the message holds:

- the week's démarches, counted by kind, from the same sources as the proof of activity
  (:func:`coach.activity_report.collect`), so the two never disagree;
- the applications that need an action (:func:`applications_to_act_on`): an interview in
  the next seven days to prepare, an offer waiting for an answer, a debrief of an interview
  just held, a follow-up once seven business days passed without news and without a
  follow-up, a question after four weeks of silence;
- the active goals with their progress and next milestone (an overdue one is named gently);
- the mood trend, this week against the one before, when there are moods;
- one encouragement that fits the week (:func:`shape_of`). A quiet week is allowed: the
  message says so and suggests one small step, never a count of days missed (no streaks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach import activity_report, pipeline
from coach.charts import week_mood_trend
from coach.feedbacks import mood_series
from coach.language.dates import format_date_fr
from coach.language.times import format_fr
from coach.models import Activity, Goal, User
from coach.mood_history import rejection_markers
from coach.reminders import user_day, user_zone
from coach.smart import list_goals, review
from coach.timing import add_business_days

__all__ = [
    "ApplicationToDo",
    "GoalLine",
    "Shape",
    "WeekReview",
    "applications_to_act_on",
    "collect",
    "question_for",
    "render",
    "shape_of",
]

WEEK_DAYS: Final = 7
INTERVIEW_HORIZON: Final = dt.timedelta(days=7)
#: A change of mean level (on the chart's scale) that counts as a trend, not noise.
MOOD_TREND_STEP: Final = 0.75
#: A week with at least this many démarches is a full one.
BUSY_WEEK: Final = 5
MAX_GOALS: Final = 3
MAX_TO_DO: Final = 5

Shape = Literal["quiet", "rejection", "interview", "busy", "steady"]

#: The week's counts, in words: (singular, plural), in the order of the proof's kinds.
_COUNT_WORDS: Final[Mapping[str, tuple[str, str]]] = {
    "application": ("candidature envoyée", "candidatures envoyées"),
    "interview": ("entretien", "entretiens"),
    "test": ("test de recrutement", "tests de recrutement"),
    "follow_up": ("relance", "relances"),
    "feedback_request": ("demande de retour", "demandes de retour"),
    "feedback_received": ("retour reçu", "retours reçus"),
    "training": ("formation", "formations"),
    "milestone": ("étape d'objectif franchie", "étapes d'objectif franchies"),
    "networking": ("action de réseau", "actions de réseau"),
    "workshop": ("atelier ou réunion d'information", "ateliers ou réunions d'information"),
    "job_fair": ("salon de l'emploi", "salons de l'emploi"),
    "appointment": ("rendez-vous d'accompagnement", "rendez-vous d'accompagnement"),
    "other": ("autre démarche", "autres démarches"),
}


@dataclass(frozen=True)
class ApplicationToDo:
    application_id: int
    title: str  # « Airbus — technicienne qualité »
    action: str  # « entretien jeudi 10 décembre à 14 h 00, à préparer »


@dataclass(frozen=True)
class GoalLine:
    title: str
    progress: int
    next_step: str | None
    next_due: dt.date | None
    overdue: int


@dataclass(frozen=True)
class WeekReview:
    start: dt.date
    today: dt.date
    counts: Mapping[str, int]
    to_do: tuple[ApplicationToDo, ...]
    goals: tuple[GoalLine, ...]
    mood_now: float | None
    mood_before: float | None
    rejections: int  # rejections received this week

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def has_moods(self) -> bool:
        return self.mood_now is not None or self.mood_before is not None


# --------------------------------------------------------------------------- reading


def _last_follow_ups(session: Session, user: User) -> dict[int, dt.date]:
    rows = session.execute(
        select(Activity.application_id, Activity.happened_on).where(
            Activity.user_id == user.id,
            Activity.kind == "follow_up",
            Activity.application_id.is_not(None),
        )
    )
    latest: dict[int, dt.date] = {}
    for application_id, day in rows:
        if application_id is not None and day > latest.get(application_id, dt.date.min):
            latest[application_id] = day
    return latest


def applications_to_act_on(
    session: Session, user: User, *, now: dt.datetime, subdiv: str | None = None
) -> list[ApplicationToDo]:
    """The active applications that need the person now, most pressing first (interviews
    soonest first, then offers, debriefs, follow-ups and long silences)."""
    today = user_day(user, now)
    zone = user_zone(user)
    followed = _last_follow_ups(session, user)
    ranked: list[tuple[int, ApplicationToDo]] = []
    for line in pipeline.active_first(session, user, now=now):
        application = line.application
        news_day = user_day(user, application.stage_at)
        interview = application.interview_at
        action: str | None = None
        rank = 0
        if interview is not None and now < interview <= now + INTERVIEW_HORIZON:
            action = f"entretien {format_fr(interview.astimezone(zone), now=now)}, à préparer"
        elif application.stage == "offer":
            action, rank = "une offre attend votre réponse", 1
        elif application.stage == "interview" and interview is not None and interview <= now:
            action, rank = "entretien passé, comment s'est-il déroulé ?", 2
        elif line.days_since_news >= pipeline.SILENCE_DAYS:
            weeks = line.days_since_news // 7
            action = f"sans nouvelles depuis {weeks} semaines, la classer « sans réponse » ?"
            rank = 4
        elif (
            application.stage in {"sent", "interviewed", "test"}
            and add_business_days(news_day, pipeline.FOLLOW_UP_BUSINESS_DAYS, subdiv) <= today
            and followed.get(application.id, dt.date.min) < news_day
        ):
            days = line.days_since_news
            action, rank = f"sans nouvelles depuis {days} jours, une relance courte ?", 3
        if action is not None:
            title = pipeline.title(application)
            ranked.append((rank, ApplicationToDo(application.id, title, action)))
    ranked.sort(key=lambda item: item[0])  # stable: active_first's order within a rank
    return [item for _, item in ranked]


def _goal_lines(session: Session, user: User, today: dt.date) -> list[GoalLine]:
    lines = []
    goals: Sequence[Goal] = list_goals(session, user)
    for goal in goals[:MAX_GOALS]:
        state = review(goal, today)
        step = state.next_milestone
        lines.append(
            GoalLine(
                title=goal.title,
                progress=goal.progress,
                next_step=step.title if step is not None else None,
                next_due=step.due_on if step is not None else None,
                overdue=len(state.overdue),
            )
        )
    return lines


def collect(
    session: Session, user: User, *, now: dt.datetime, subdiv: str | None = None
) -> WeekReview:
    """Everything the review says, read in one session (``now`` aware)."""
    today = user_day(user, now)
    start = today - dt.timedelta(days=WEEK_DAYS - 1)
    rows = activity_report.collect(session, user, start, today, now=now)
    mood_now, mood_before = week_mood_trend(mood_series(session, user), user.timezone, today=today)
    rejections = sum(
        1
        for day, _ in rejection_markers(session, user)
        if day is not None and start <= day <= today
    )
    return WeekReview(
        start=start,
        today=today,
        counts=activity_report.totals(rows),
        to_do=tuple(applications_to_act_on(session, user, now=now, subdiv=subdiv)),
        goals=tuple(_goal_lines(session, user, today)),
        mood_now=mood_now,
        mood_before=mood_before,
        rejections=rejections,
    )


# --------------------------------------------------------------------------- French text


def shape_of(week: WeekReview) -> Shape:
    """What kind of week it was, for the encouragement and the question: a rejection
    received comes first (it is what the person carries), then an interview ahead."""
    if week.rejections:
        return "rejection"
    if any(item.action.startswith("entretien ") for item in week.to_do):
        return "interview"
    if week.total == 0:
        return "quiet"
    return "busy" if week.total >= BUSY_WEEK else "steady"


_ENCOURAGEMENTS: Final[Mapping[Shape, str]] = {
    "quiet": (
        "Semaine plus calme : c'est permis, et souffler fait partie d'une recherche qui dure. "
        "Quand vous en aurez l'envie, un seul petit pas suffira pour repartir."
    ),
    "rejection": (
        "Un refus est arrivé cette semaine, et vous prenez quand même ce moment pour faire le "
        "point : cela demande du courage. Ce « non » porte sur une candidature, pas sur votre "
        "valeur."
    ),
    "interview": (
        "Un entretien vous attend : c'est le signe que votre profil retient l'attention. "
        "Vous pouvez aborder ce rendez-vous avec confiance."
    ),
    "busy": (
        "Une semaine bien remplie : chacune de ces démarches vous rapproche du bon poste. "
        "Pensez aussi à garder du temps pour vous reposer."
    ),
    "steady": (
        "Chaque démarche compte, même quand la réponse tarde : vous avancez, à votre rythme."
    ),
}

#: The question to reflect on, by kind of week; the ISO week number turns the list so that
#: two weeks alike do not ask the same thing.
_QUESTIONS: Final[Mapping[Shape, tuple[str, ...]]] = {
    "quiet": (
        "Qu'est-ce qui vous a fait du bien cette semaine, en dehors de la recherche ?",
        "De quoi auriez-vous besoin pour que la semaine prochaine soit un peu plus simple ?",
    ),
    "rejection": (
        "Qu'avez-vous bien fait dans cette candidature, malgré la réponse ?",
        "Qu'est-ce que ce refus vous apprend sur le poste que vous cherchez vraiment ?",
    ),
    "interview": (
        "Qu'aimeriez-vous que le recruteur retienne de vous après cet entretien ?",
        "Quelle réussite de votre parcours voulez-vous raconter en entretien ?",
    ),
    "busy": (
        "Quelle démarche de cette semaine vous a le plus appris, et pourquoi ?",
        "Qu'est-ce qui a le mieux marché cette semaine, et comment le refaire ?",
    ),
    "steady": (
        "Qu'est-ce qui a avancé cette semaine, même un petit pas ?",
        "Quelle démarche vous a demandé le plus d'énergie, et qu'en retenez-vous ?",
    ),
}


def question_for(week: WeekReview) -> str:
    questions = _QUESTIONS[shape_of(week)]
    return questions[week.today.isocalendar().week % len(questions)]


def _counts_line(counts: Mapping[str, int]) -> str:
    parts = []
    for kind, count in counts.items():
        one, many = _COUNT_WORDS.get(kind, _COUNT_WORDS["other"])
        parts.append(f"{count} {one if count == 1 else many}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " et " + parts[-1]
    return parts[0]


def _mood_line(week: WeekReview) -> str | None:
    now, before = week.mood_now, week.mood_before
    if now is None:
        return None
    if before is None:
        return "Votre humeur de la semaine est sur le petit graphique ci-dessous."
    if now - before >= MOOD_TREND_STEP:
        return "Votre humeur remonte par rapport à la semaine d'avant : tant mieux."
    if before - now >= MOOD_TREND_STEP:
        return (
            "Votre humeur a été plus basse que la semaine d'avant. Soyez indulgent·e avec "
            "vous-même, et n'hésitez pas à en parler à une personne de confiance."
        )
    return "Votre humeur est restée assez stable par rapport à la semaine d'avant."


def _goal_text(goal: GoalLine, today: dt.date) -> str:
    text = f"• {goal.title} ({goal.progress} %)"
    if goal.next_step and goal.next_due is not None:
        due = format_date_fr(goal.next_due, today=today)
        text += f" — prochaine étape : {goal.next_step}, {due}"
    if goal.overdue:
        steps, them = ("étapes", "les") if goal.overdue > 1 else ("étape", "la")
        text += f" ({goal.overdue} {steps} en retard : on peut {them} décaler, sans culpabilité)"
    return text


def render(week: WeekReview) -> str:
    """The review message (the question is asked after it, by the dialogue)."""
    since = format_date_fr(week.start, today=week.today)
    lines = [f"Votre bilan de la semaine (depuis {since}) :"]
    if week.total:
        lines.append(f"Vos démarches : {_counts_line(week.counts)}.")
    else:
        lines.append("Aucune démarche notée cette semaine.")
    if week.to_do:
        lines.append("")
        lines.append("Candidatures qui attendent un geste de votre part :")
        lines.extend(f"• {item.title} : {item.action}" for item in week.to_do[:MAX_TO_DO])
        if len(week.to_do) > MAX_TO_DO:
            lines.append(f"… et {len(week.to_do) - MAX_TO_DO} autres dans /candidatures.")
    if week.goals:
        lines.append("")
        lines.append("Vos objectifs :")
        lines.extend(_goal_text(goal, week.today) for goal in week.goals)
    mood = _mood_line(week)
    lines.append("")
    if mood is not None:
        lines.append(mood)
    lines.append(_ENCOURAGEMENTS[shape_of(week)])
    return "\n".join(lines)
