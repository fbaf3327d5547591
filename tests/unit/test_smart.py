"""SMART goals: each criterion checked from French text or fields, the coaching questions,
deadlines, milestones and progress messages (pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.deadlines import business_deadline
from coach.feedback import THEMES
from coach.models import Goal, Milestone
from coach.smart import (
    CRITERIA,
    GoalFields,
    ProgressResult,
    check_goal,
    detect_theme,
    fill,
    goals_message,
    milestone_count_range,
    milestone_days,
    milestone_threshold,
    moved_deadline_note,
    parse_deadline,
    parse_progress,
    progress_message,
    propose_milestones,
    review,
    review_message,
    smart_message,
    suggest_deadline,
)
from coach.timing import is_business_day

TODAY = dt.date(2026, 11, 26)  # a Thursday
COMPLETE = (
    "Je veux terminer les 6 modules du cours SQL d'OpenClassrooms d'ici fin janvier, en "
    "commençant par deux soirées par semaine"
)


# --------------------------------------------------------------------------- the check


def test_a_complete_goal_is_accepted() -> None:
    check = check_goal(COMPLETE, today=TODAY)
    assert check.complete and check.missing == ()
    assert check.questions == {} and check.next_question is None
    fields = check.fields
    assert fields.title == "Terminer les 6 modules du cours SQL d'OpenClassrooms"
    assert fields.theme == "technical_skills"
    # « fin janvier » is Sunday 31 January 2027: the goal is due the Friday before.
    assert fields.deadline == dt.date(2027, 1, 29)
    assert fields.measure == "6 modules"
    assert "OpenClassrooms" in fields.resources
    assert fields.first_steps == ("en commençant par deux soirées par semaine",)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        # Only "progresser": nothing concrete, nothing else either.
        ("je veux progresser", set(CRITERIA)),
        ("Je veux trouver un travail", set(CRITERIA)),
        # The example: a skill named, linked to a theme; the rest is missing.
        ("je veux progresser en SQL", {"measurable", "achievable", "time_bound"}),
    ],
)
def test_what_is_missing_in_short_goals(text: str, missing: set[str]) -> None:
    assert set(check_goal(text, today=TODAY).missing) == missing


# One goal per criterion, complete except for that one.
MISSING_ONE = {
    "specific": (
        "Je veux progresser, 3 heures par semaine avec Coursera, d'ici fin janvier",
        GoalFields(
            title="Progresser",
            measure="finir 4 chapitres",
            first_steps=("une heure par jour",),
            theme="technical_skills",
            deadline=dt.date(2027, 1, 31),
        ),
    ),
    "measurable": (
        "Je veux progresser en SQL d'ici fin janvier en suivant un tutoriel chaque soir",
        GoalFields(
            title="Progresser en SQL",
            measure="quand je me sentirai à l'aise",
            first_steps=("un tutoriel chaque soir",),
            deadline=dt.date(2027, 1, 31),
        ),
    ),
    "achievable": (
        "Je veux contacter 10 personnes sur LinkedIn d'ici quinze jours",
        GoalFields(
            title="Refaire mon CV",
            measure="3 versions relues",
            theme="application_documents",
            deadline=dt.date(2027, 1, 31),
        ),
    ),
    "relevant": (
        "Je veux lire 3 livres sur le piano d'ici fin mars, en commençant par la médiathèque",
        GoalFields(
            title="Apprendre le piano",
            measure="jouer 2 morceaux",
            first_steps=("m'inscrire au conservatoire",),
            deadline=dt.date(2027, 3, 31),
        ),
    ),
    "time_bound": (
        "Je veux préparer 5 exemples STAR, je commence par relire mes expériences",
        GoalFields(
            title="Préparer 5 exemples STAR",
            first_steps=("relire mes expériences",),
            theme="interview_performance",
        ),
    ),
}


@pytest.mark.parametrize("criterion", CRITERIA)
def test_each_missing_criterion_is_detected_from_text(criterion: str) -> None:
    text, _fields = MISSING_ONE[criterion]
    check = check_goal(text, today=TODAY)
    # From free text, the theme comes from the object: no object, no theme either.
    expected = ("specific", "relevant") if criterion == "specific" else (criterion,)
    assert check.missing == expected, check
    assert check.next_question == check.questions[criterion]


@pytest.mark.parametrize("criterion", CRITERIA)
def test_each_missing_criterion_is_detected_from_fields(criterion: str) -> None:
    _text, fields = MISSING_ONE[criterion]
    check = check_goal(fields, today=TODAY)
    assert check.missing == (criterion,), check


def test_each_question_coaches_its_own_criterion() -> None:
    check = check_goal("je veux progresser", today=TODAY)
    questions = check.questions
    assert "exactement" in questions["specific"] and "SQL" in questions["specific"]
    assert "chiffre" in questions["measurable"] and "certification" in questions["measurable"]
    assert "première étape" in questions["achievable"]
    assert "retours" in questions["relevant"]
    assert "d'ici fin janvier" in questions["time_bound"]
    assert len(set(questions.values())) == len(CRITERIA)
    for question in questions.values():
        assert question.endswith((" ?", "."))


def test_the_relevance_question_names_the_recurring_themes() -> None:
    check = check_goal("je veux lire 3 livres", today=TODAY, themes_hint=["communication"])
    assert "Communication" in check.questions["relevant"]


def test_a_past_deadline_is_not_time_bound_and_the_question_says_why() -> None:
    check = check_goal("Je veux finir le cours SQL avant le 3 novembre 2026", today=TODAY)
    assert "time_bound" in check.missing and check.deadline_past
    assert "déjà passée" in check.questions["time_bound"]


def test_a_very_close_or_far_deadline_gets_a_warning_but_counts() -> None:
    soon = check_goal(
        GoalFields("Finir 2 chapitres de SQL", deadline=TODAY + dt.timedelta(2)), today=TODAY
    )
    assert soon.criteria["time_bound"] and "proche" in soon.warnings[0]
    far = check_goal(
        GoalFields("Finir 2 chapitres de SQL", deadline=dt.date(2028, 6, 1)), today=TODAY
    )
    assert far.criteria["time_bound"] and "loin" in far.warnings[0]
    assert check_goal(COMPLETE, today=TODAY).warnings == ()


def test_the_measure_is_the_number_not_the_weekly_effort() -> None:
    check = check_goal(
        "Obtenir un score de 850 au TOEIC dans 3 mois, en faisant 2 h par semaine avec Duolingo",
        today=TODAY,
    )
    assert check.complete
    assert check.fields.measure == "score de 850"
    assert check.fields.deadline == dt.date(2027, 2, 26)
    assert check.fields.title == "Obtenir un score de 850 au TOEIC"


def test_numbers_of_the_deadline_are_not_a_measure() -> None:
    check = check_goal("Je veux progresser en SQL dans 6 semaines", today=TODAY)
    assert not check.criteria["measurable"] and check.criteria["time_bound"]


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("SQL", "technical_skills"),
        ("améliorer mon anglais", "technical_skills"),
        ("refaire mon CV", "application_documents"),
        ("ma lettre de motivation", "application_documents"),
        ("des entretiens d'information", "competition"),
        ("le réseau", "competition"),
        ("la prise de parole", "communication"),
        ("mes réponses en entretien", "interview_performance"),
        ("un stage", "experience"),
        ("Compétences techniques", "technical_skills"),
        ("overqualification", "overqualification"),
        ("la culture d'entreprise", "cultural_fit"),
        ("des cas pratiques", "problem_solving"),
        ("le piano", None),
    ],
)
def test_keywords_map_to_feedback_themes(text: str, theme: str | None) -> None:
    assert detect_theme(text) == theme
    if theme is not None:
        assert theme in THEMES


def test_answers_fill_the_missing_criteria_one_by_one() -> None:
    fields = check_goal("je veux progresser", today=TODAY).fields
    steps = [
        ("specific", "je ne sais pas", 5),  # not an answer: still missing
        ("specific", "en SQL, surtout les jointures", 3),
        ("measurable", "quand je me sentirai à l'aise", 3),  # nothing measurable
        ("measurable", "réussir 20 exercices de jointures", 2),
        ("achievable", "je m'inscris sur Coursera puis je fais un exercice par jour", 1),
        ("time_bound", "fin février", 0),
    ]
    for criterion, answer, left in steps:
        fields = fill(fields, criterion, answer, today=TODAY)
        assert len(check_goal(fields, today=TODAY).missing) == left, (criterion, answer)
    assert fields.title == "Progresser en SQL, surtout les jointures"
    assert fields.theme == "technical_skills"
    assert fields.first_steps == ("je m'inscris sur Coursera", "je fais un exercice par jour")
    assert fields.deadline == dt.date(2027, 2, 26)  # « fin février » is a Sunday


def test_the_relevant_answer_links_a_theme() -> None:
    fields = GoalFields(title="Lire 3 livres", deadline=dt.date(2027, 1, 31))
    assert fill(fields, "relevant", "aucun", today=TODAY).theme is None
    assert fill(fields, "relevant", "la communication", today=TODAY).theme == "communication"
    with pytest.raises(ValueError):
        fill(fields, "realistic", "oui", today=TODAY)


def test_the_check_message_ticks_each_criterion_and_asks_the_first_missing() -> None:
    text = smart_message(
        check_goal("je veux progresser en SQL d'ici fin janvier", today=TODAY), TODAY
    )
    assert "✅ Spécifique : SQL" in text
    assert "⬜ Mesurable" in text
    assert "✅ Daté : vendredi 29 janvier 2027" in text
    assert text.endswith("rendent le progrès visible.")
    done = smart_message(check_goal(COMPLETE, today=TODAY), TODAY)
    assert "⬜" not in done and "cinq critères" in done


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("d'ici fin janvier", dt.date(2027, 1, 31)),
        ("fin février", dt.date(2027, 2, 28)),
        ("début mars", dt.date(2027, 3, 1)),
        ("mi-février", dt.date(2027, 2, 15)),
        ("dans 6 semaines", dt.date(2027, 1, 7)),
        ("d'ici 2 mois", dt.date(2027, 1, 26)),
        ("en trois semaines", dt.date(2026, 12, 17)),
        ("dans huit jours", dt.date(2026, 12, 3)),
        ("sous quinze jours", dt.date(2026, 12, 10)),
        ("avant le 15 mars", dt.date(2027, 3, 15)),
        ("pour le 1er décembre", dt.date(2026, 12, 1)),
        ("le 3/12", dt.date(2026, 12, 3)),
        ("d'ici Noël", dt.date(2026, 12, 25)),
        ("pour la rentrée", dt.date(2027, 9, 1)),
        ("fin du mois", dt.date(2026, 11, 30)),
        ("fin de l'année", dt.date(2026, 12, 31)),
        ("d'ici vendredi prochain", dt.date(2026, 11, 27)),
        # A date that passed this year is next year's; an explicit past year stays past.
        ("avant le 2 novembre", dt.date(2027, 11, 2)),
        ("avant le 2 novembre 2026", dt.date(2026, 11, 2)),
    ],
)
def test_french_deadlines(text: str, day: dt.date) -> None:
    found = parse_deadline(f"Je veux finir le cours {text}, promis", TODAY)
    assert found is not None and found.day == day


def test_no_deadline_and_weekdays_outside_a_deadline_cue() -> None:
    assert parse_deadline("je veux progresser en SQL", TODAY) is None
    # "chaque lundi" is a habit, not a deadline…
    assert parse_deadline("je pratique chaque lundi", TODAY) is None
    # …but a bare weekday answers "pour quand ?".
    answer = parse_deadline("vendredi", TODAY, whole_answer=True)
    assert answer is not None and answer.day == dt.date(2026, 11, 27)


def test_the_deadline_expression_is_cut_from_the_text() -> None:
    text = "Je veux progresser en SQL d'ici fin janvier."
    found = parse_deadline(text, TODAY)
    assert found is not None and found.expression == "d'ici fin janvier"
    assert text[found.start : found.end] == "d'ici fin janvier"


def test_a_suggested_deadline_is_a_friday_some_weeks_ahead() -> None:
    day = suggest_deadline(TODAY)
    assert day.weekday() == 4 and 42 <= (day - TODAY).days < 49


def test_a_suggested_deadline_avoids_a_public_holiday() -> None:
    # Six weeks after Friday 13 November 2026 is Christmas Day, a Friday.
    day = suggest_deadline(dt.date(2026, 11, 13))
    assert day == dt.date(2026, 12, 24) and is_business_day(day)


# --------------------------------------------------------------------------- milestones


@pytest.mark.parametrize(
    ("days", "count"), [(1, 1), (2, 2), (10, 2), (20, 3), (41, 3), (42, 4), (200, 4)]
)
def test_milestones_are_evenly_spaced_up_to_the_deadline(days: int, count: int) -> None:
    deadline = TODAY + dt.timedelta(days=days)
    steps = propose_milestones(GoalFields("Progresser en SQL", deadline=deadline), TODAY)
    dates = [due for _title, due in steps]
    assert len(steps) == count
    assert dates == sorted(set(dates)), "distinct days, in order"
    assert dates[0] > TODAY and dates[-1] == deadline
    # Each step on a business day, at most a long weekend away from the even pace.
    for index, due in enumerate(dates[:-1], start=1):
        target = TODAY + dt.timedelta(days=round(days * index / count))
        assert is_business_day(due), due
        assert abs((due - target).days) <= 3, (due, target)


def test_milestone_titles_count_what_the_goal_counts() -> None:
    goal = GoalFields("Terminer les 6 modules du cours SQL", deadline=dt.date(2027, 1, 7))
    titles = [title for title, _ in propose_milestones(goal, TODAY)]
    assert titles == [
        "2 modules sur 6",
        "3 modules sur 6",
        "4 modules sur 6",
        "6 modules sur 6 : objectif atteint",
    ]


def test_milestone_titles_otherwise_go_from_first_step_to_the_goal() -> None:
    goal = GoalFields(
        "Progresser en SQL",
        measure="finir le cours",
        first_steps=("m'inscrire sur OpenClassrooms",),
        deadline=dt.date(2026, 12, 20),
    )
    titles = [title for title, _ in propose_milestones(goal, TODAY)]
    assert titles[0] == "Premier pas : m'inscrire sur OpenClassrooms"
    assert titles[1].startswith("À mi-parcours")
    assert titles[-1] == "Objectif atteint : finir le cours"


def test_milestones_need_a_deadline_after_today() -> None:
    with pytest.raises(ValueError):
        propose_milestones(GoalFields("Progresser en SQL"), TODAY)
    with pytest.raises(ValueError):
        propose_milestones(GoalFields("Progresser en SQL", deadline=TODAY), TODAY)


# --------------------------------------------------------------------------- progress


def goal_with_milestones(
    measure: str | None = "6 modules", count: int = 4, title: str = "Terminer le cours SQL"
) -> Goal:
    goal = Goal(
        title=title,
        measure=measure,
        deadline=dt.date(2027, 1, 7),
        status="active",
        progress=0,
        created_at=dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC),
    )
    for position in range(1, count + 1):
        due = TODAY + dt.timedelta(days=10 * position)
        goal.milestones.append(Milestone(title=f"Étape {position}", due_on=due, position=position))
    return goal


@pytest.mark.parametrize(
    ("text", "kind", "progress"),
    [
        ("j'ai fini le module 2", "progress", 33),
        ("J'ai terminé le 3e module", "progress", 50),
        ("module 6 fini !", "done", 100),
        ("à 50 %", "progress", 50),
        ("j'en suis à 40%", "progress", 40),
        ("3/6", "progress", 50),
        ("la moitié", "progress", 50),
        ("presque fini", "progress", 90),
        ("fait", "done", 100),
        ("terminé", "done", 100),
        ("C'est fait !", "done", 100),
        ("objectif atteint", "done", 100),
        ("100 %", "done", 100),
        ("j'ai eu ma certification", "done", 100),
        ("j'abandonne", "abandon", None),
        ("je laisse tomber cet objectif", "abandon", None),
        ("je n'abandonne pas, j'en suis à 30 %", "progress", 30),
        ("pas encore commencé", "stalled", None),
        ("euh bof", "unclear", None),
        ("", "unclear", None),
    ],
)
def test_progress_messages(text: str, kind: str, progress: int | None) -> None:
    update = parse_progress(text, goal_with_milestones())
    assert (update.kind, update.progress) == (kind, progress)


def test_finishing_a_part_is_not_finishing_the_goal() -> None:
    # "j'ai fini" with an object is about that object; without a count, it is unclear.
    assert parse_progress("j'ai fini le module 2", goal_with_milestones(measure=None)).kind == (
        "unclear"
    )
    assert parse_progress("j'ai fini", goal_with_milestones(measure=None)).kind == "done"


def test_a_step_named_by_its_number_is_reached() -> None:
    update = parse_progress("étape 2 faite", goal_with_milestones())
    assert (update.kind, update.progress, update.milestone_position) == ("progress", 50, 2)
    # An unknown step number is no step at all.
    assert parse_progress("étape 9 faite", goal_with_milestones()).milestone_position is None


def test_done_in_answer_to_a_milestone_reminder_is_that_milestone() -> None:
    goal = goal_with_milestones()
    update = parse_progress("fait", goal, milestone_position=1)
    assert (update.kind, update.progress, update.milestone_position) == ("progress", 25, 1)
    last = parse_progress("fait", goal, milestone_position=4)
    assert last.kind == "done"


def test_thresholds_split_the_way_evenly() -> None:
    assert [milestone_threshold(p, 4) for p in range(1, 5)] == [25, 50, 75, 100]
    assert [milestone_threshold(p, 3) for p in range(1, 4)] == [33, 67, 100]


def test_review_compares_progress_with_an_even_pace() -> None:
    goal = goal_with_milestones()  # created 26 Nov, due 7 Jan: 42 days
    halfway = dt.date(2026, 12, 17)
    behind = review(goal, halfway)
    assert behind.expected == 50 and not behind.on_track
    assert [m.position for m in behind.overdue] == [1, 2]
    assert behind.next_milestone is not None and behind.next_milestone.position == 3
    goal.progress = 40
    assert review(goal, halfway).on_track
    assert review(goal, halfway).days_left == 21


def test_review_and_progress_messages_say_where_the_goal_stands() -> None:
    goal = goal_with_milestones()
    halfway = dt.date(2026, 12, 17)
    text = review_message(goal, halfway)
    assert text.startswith("Point d'étape sur « Terminer le cours SQL » : 0 % fait.")
    assert "Il reste 21 jours avant l'échéance." in text
    assert "Étapes en retard : « Étape 1 », « Étape 2 »." in text
    assert "un peu en retard sur le rythme" in text
    goal.progress = 45
    assert "dans le rythme" in review_message(goal, halfway)
    assert "dépassée de 3 jours" in review_message(goal, dt.date(2027, 1, 10))
    goal.milestones[0].done_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    moved = progress_message(ProgressResult("progress", goal, 0, 45, (goal.milestones[0],)), TODAY)
    assert moved.splitlines() == [
        "C'est noté : « Terminer le cours SQL » avance à 45 %.",
        "Étape franchie : « Étape 1 ». Bien joué.",
        "Prochaine étape : Étape 2 (mercredi 16 décembre).",
    ]
    listed = goals_message([goal], TODAY)
    assert "🎯 Terminer le cours SQL" in listed and "étapes franchies : 1 sur 4" in listed
    assert "Aucun objectif en cours" in goals_message([], TODAY)


# --------------------------------------------------------------------------- business days


@pytest.mark.parametrize(
    ("said", "today", "due"),
    [
        # A deadline the person set moves back to the business day before: still « by » it.
        ("d'ici fin janvier", TODAY, dt.date(2027, 1, 29)),  # Sunday 31 → Friday 29
        ("avant le 15 mai 2027", TODAY, dt.date(2027, 5, 14)),  # Saturday → Friday
        ("pour le 25 decembre", TODAY, dt.date(2026, 12, 24)),  # Noël, a Friday
        ("d'ici le 1er janvier", TODAY, dt.date(2026, 12, 31)),  # Jour de l'an
        ("dans 6 semaines", TODAY, dt.date(2027, 1, 7)),  # a Thursday: kept
        ("fin fevrier", TODAY, dt.date(2027, 2, 26)),
        ("d ici fin mars", TODAY, dt.date(2027, 3, 31)),  # a Wednesday: kept
        # Moving back would land on today or before: forward instead.
        ("d'ici demain", dt.date(2026, 11, 27), dt.date(2026, 11, 30)),  # Friday → Monday
        ("pour samedi", dt.date(2026, 11, 27), dt.date(2026, 11, 30)),
    ],
)
def test_a_deadline_lands_on_a_business_day(said: str, today: dt.date, due: dt.date) -> None:
    fields = fill(GoalFields(title="Lire 3 livres"), "time_bound", said, today=today)
    assert fields.deadline == due
    assert is_business_day(due)
    assert check_goal(f"je veux lire 3 livres {said}", today=today).fields.deadline == due


def test_the_moved_deadline_is_explained() -> None:
    assert moved_deadline_note(dt.date(2027, 1, 29), dt.date(2027, 1, 29), TODAY) is None
    assert moved_deadline_note(dt.date(2027, 1, 31), dt.date(2027, 1, 29), TODAY) == (
        "Le dimanche 31 janvier 2027 tombe un week-end : échéance fixée au vendredi 29 janvier "
        "2027, pour finir avant la pause."
    )
    assert moved_deadline_note(dt.date(2026, 11, 28), dt.date(2026, 11, 30), TODAY) == (
        "Le samedi 28 novembre tombe un week-end : échéance fixée au lundi 30 novembre."
    )


def test_business_deadline_rules() -> None:
    friday = dt.date(2026, 11, 27)
    assert business_deadline(dt.date(2026, 11, 29), TODAY) == friday
    assert business_deadline(friday, TODAY) == friday
    assert business_deadline(dt.date(2026, 11, 28), friday) == dt.date(2026, 11, 30)
    # A past day is kept as it is, so that the check can say it has passed.
    assert business_deadline(dt.date(2026, 11, 22), TODAY) == dt.date(2026, 11, 22)
    # Alsace-Moselle: 26 December 2030 (a Thursday) is a holiday there only.
    assert business_deadline(dt.date(2030, 12, 26), TODAY) == dt.date(2030, 12, 26)
    assert business_deadline(dt.date(2030, 12, 26), TODAY, "57") == dt.date(2030, 12, 24)


@pytest.mark.parametrize("days", [3, 5, 9, 16, 30, 45, 61, 120])
@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_milestone_days_are_business_days_in_order(days: int, count: int) -> None:
    deadline = business_deadline(TODAY + dt.timedelta(days=days), TODAY)
    count = min(count, milestone_count_range(deadline, TODAY)[1])
    dates = milestone_days(TODAY, deadline, count)
    assert len(dates) == count and dates[-1] == deadline
    assert dates == sorted(set(dates)) and dates[0] > TODAY
    assert all(is_business_day(day) for day in dates)


def test_milestone_days_keep_every_step_when_business_days_run_short() -> None:
    # Thursday → Monday: Friday is the only business day before; three steps keep their days.
    dates = milestone_days(TODAY, dt.date(2026, 11, 30), 3)
    assert len(dates) == 3 and dates == sorted(set(dates))
    low, high = milestone_count_range(dt.date(2026, 11, 30), TODAY)
    assert (low, high) == (1, 2)  # Friday and the Monday deadline


def test_a_step_on_a_weekend_moves_to_the_friday_before() -> None:
    # 18 days from Thursday 26 November, 2 steps: the even middle is Saturday 5 December.
    goal = GoalFields("Progresser en SQL", deadline=dt.date(2026, 12, 14))
    dates = [due for _title, due in propose_milestones(goal, TODAY, count=2)]
    assert dates == [dt.date(2026, 12, 4), dt.date(2026, 12, 14)]


@pytest.mark.parametrize(
    ("text", "title", "deadline"),
    [
        # 9 January 2027 is a Saturday: the deadline is the Friday before, and the weekday
        # written with the date leaves the title with the rest of the deadline's words.
        ("je veux obtenir le TOEIC d'ici le samedi 9 janvier", "Obtenir le TOEIC", (1, 8)),
        ("je veux finir mon CV avant samedi 9 janvier", "Finir mon CV", (1, 8)),
        (
            "je veux envoyer 5 candidatures pour le vendredi 15 janvier",
            "Envoyer 5 candidatures",
            (1, 15),
        ),
        ("je veux finir mon CV avant le 9 janvier", "Finir mon CV", (1, 8)),
    ],
)
def test_weekday_written_with_the_date_is_part_of_the_deadline(
    text: str, title: str, deadline: tuple[int, int]
) -> None:
    fields = check_goal(text, today=TODAY).fields
    assert fields.title == title
    assert fields.deadline == dt.date(2027, *deadline)
