"""The action library, and the wording of everything the goals, STAR, SWOT and library
modules say (own words, vouvoiement, inclusive, plain text)."""

from __future__ import annotations

import ast
import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from coach import deadlines, library, smart, star, swot
from coach.feedback import THEMES
from coach.feedbacks import PatternInput, Patterns, compute_patterns
from coach.interpretation import second_opinion
from coach.library import (
    EXTRAS,
    STORIES,
    STRATEGIES,
    TOPIC_LABELS,
    TOPICS,
    advice,
    advice_message,
    detect_topic,
    seed_by_id,
    stories_message,
    strategies_message,
    topic_for_theme,
)
from coach.models import Goal, Milestone
from coach.smart import GoalFields, check_goal
from coach.timing import is_business_day

ARTICLE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "article-refus-retours.fr.txt"
)
TODAY = dt.date(2026, 11, 26)


# --------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_has_concise_advice_and_two_or_three_next_steps(topic: str) -> None:
    entry = advice(topic)
    assert entry.topic == topic and topic in TOPIC_LABELS
    assert 3 <= len(entry.points) <= 4
    assert all(len(point) <= 200 for point in entry.points)
    assert 2 <= len(entry.next_steps) <= 3
    text = advice_message(topic)
    assert text.startswith(TOPIC_LABELS[topic])
    for n, seed in enumerate(entry.next_steps, start=1):
        assert f"{n}. {seed.title}" in text
        assert seed_by_id(seed.id) == seed


@pytest.mark.parametrize(
    "seed", [seed for topic in TOPICS for seed in advice(topic).next_steps], ids=lambda s: s.id
)
def test_every_next_step_becomes_a_smart_goal_in_one_tap(seed: library.GoalSeed) -> None:
    theme = None if seed.theme else "technical_skills"  # the feedback's theme, when needed
    fields = seed.fields(TODAY, theme=theme)
    check = check_goal(fields, today=TODAY)
    assert check.complete, (seed.id, check.missing)
    # A Friday, or the business day before when that Friday is a public holiday.
    assert fields.deadline is not None and is_business_day(fields.deadline)
    assert fields.deadline.weekday() == 4 or (
        fields.deadline.weekday() == 3 and not is_business_day(fields.deadline + dt.timedelta(1))
    )
    assert 7 * seed.weeks <= (fields.deadline - TODAY).days < 7 * seed.weeks + 7
    assert fields.theme in THEMES
    # And it can be stored with milestones straight away (create_goal's own checks).
    assert smart.propose_milestones(fields, TODAY)


def test_a_seed_without_theme_asks_for_the_feedback_at_hand() -> None:
    seed = advice("unhelpful_feedback").next_steps[0]
    assert seed.theme is None
    assert check_goal(seed.fields(TODAY), today=TODAY).missing == ("relevant",)


def test_unknown_topics_and_seeds() -> None:
    with pytest.raises(ValueError):
        advice("astrology")
    assert seed_by_id("networking:9") is None and seed_by_id("nothing") is None
    with pytest.raises(ValueError):
        topic_for_theme("luck")


def test_unhelpful_feedback_reuses_the_second_opinion() -> None:
    assert advice("unhelpful_feedback").extra == second_opinion()
    assert advice_message("unhelpful_feedback").endswith(second_opinion())


def test_interview_advice_offers_the_star_builder() -> None:
    assert "STAR" in advice_message("interview")
    assert "entretien d'information" in advice_message("networking").lower()


def test_every_theme_leads_to_a_topic() -> None:
    assert {topic_for_theme(theme) for theme in THEMES} <= set(TOPICS)
    assert topic_for_theme("competition") == "networking"
    assert topic_for_theme("application_documents") == "cv_letter"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("j'ai besoin d'aide pour mon CV", "cv_letter"),
        ("comment écrire une lettre de motivation ?", "cv_letter"),
        ("des conseils pour les entretiens", "interview"),
        ("comment faire un entretien d'information", "networking"),
        ("je ne sais pas réseauter sur LinkedIn", "networking"),
        ("quelle formation suivre ?", "skills_training"),
        ("on m'a dit que j'étais surqualifiée", "overqualification"),
        ("ils parlent de culture d'entreprise", "cultural_fit"),
        ("ce retour est injuste et blessant", "unhelpful_feedback"),
        ("racontez-moi des histoires de personnes qui ont rebondi", "success_stories"),
        ("j'ai besoin d'encouragement", "success_stories"),
        ("une stratégie sur le long terme ?", "long_term"),
        ("quel temps fait-il", None),
    ],
)
def test_requests_find_their_topic(text: str, topic: str | None) -> None:
    assert detect_topic(text) == topic
    if topic is not None:
        assert topic in TOPICS + EXTRAS


def test_success_stories_are_short_anonymous_composites() -> None:
    assert 3 <= len(STORIES) <= 4
    for story in STORIES:
        assert len(story.text.split()) <= 80
        assert story.topic in TOPICS
        # No first names: "Une candidate", "Un développeur"…
        assert re.match(r"(?:Un|Une) ", story.text), story.text
    text = stories_message()
    assert text.count("✨") == 2 and "ne sont pas réelles" in text
    assert stories_message(start=2) != text
    assert stories_message(limit=10).count("✨") == len(STORIES)


def test_long_term_strategies_cover_the_three_named_in_the_spec() -> None:
    keys = {strategy.key for strategy in STRATEGIES}
    assert {"continuous_learning", "personal_brand", "growth_mindset"} <= keys
    text = strategies_message()
    assert text.count("\n• ") == len(STRATEGIES)
    assert all(len(strategy.text.split()) <= 45 for strategy in STRATEGIES)


# --------------------------------------------------------------------------- wording


def _fold_words(text: str) -> list[str]:
    text = text.lower().replace("œ", "oe")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text)


def _goal() -> Goal:
    goal = Goal(
        id=1,
        user_id=1,
        title="Terminer les 6 modules du cours SQL",
        measure="6 modules",
        theme="technical_skills",
        deadline=dt.date(2027, 1, 7),
        status="active",
        progress=30,
        created_at=dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC),
    )
    for position, (title, due) in enumerate(
        smart.propose_milestones(smart.fields_of(goal), TODAY), 1
    ):
        goal.milestones.append(Milestone(title=title, due_on=due, position=position))
    return goal


def _everything_said() -> list[str]:
    texts: list[str] = []
    for goal_text in ("je veux progresser", "je veux progresser en SQL d'ici fin janvier"):
        check = check_goal(goal_text, today=TODAY, themes_hint=["communication"])
        texts += list(check.questions.values())
        texts.append(smart.smart_message(check, TODAY))
    past = check_goal(GoalFields("Finir 2 chapitres", deadline=TODAY), today=TODAY)
    texts += list(past.questions.values())
    for days in (2, 500):
        check = check_goal(
            GoalFields("Finir 2 chapitres", deadline=TODAY + dt.timedelta(days)), today=TODAY
        )
        texts += list(check.warnings)
    goal = _goal()
    texts += [smart.format_goal(goal, TODAY), smart.goals_message([goal], TODAY)]
    texts += [smart.goals_message([], TODAY), smart.review_message(goal, TODAY)]
    texts.append(smart.review_message(goal, dt.date(2027, 1, 20)))
    for kind in ("progress", "done", "abandon", "stalled", "unclear"):
        result = smart.ProgressResult(kind, goal, 0, 30, tuple(goal.milestones[:1]))  # type: ignore[arg-type]
        texts.append(smart.progress_message(result, TODAY))
    texts += [*star.PART_PROMPTS.values(), *star.SUGGESTED_QUESTIONS]
    weak = star.StarDraft(question="Q ?", situation="Un projet.", action="Nous avons aidé.")
    texts += [flag.message for flag in star.check_star(weak)]
    texts += [star.flags_message(star.check_star(weak)), star.flags_message([])]
    texts.append(star.stars_message([]))
    patterns = compute_patterns(
        [PatternInput("constructive", THEMES), PatternInput("constructive", THEMES)]
    )
    draft = swot.prefill(patterns, ["Bonne organisation"])
    texts += [swot.swot_message(draft), swot.swot_message(swot.prefill(Patterns(), []))]
    texts += list(draft.weaknesses + draft.opportunities + draft.threats)
    texts += list(swot.WEAKNESS_WORDING.values()) + list(swot.OPPORTUNITY_WORDING.values())
    texts += list(swot.THREAT_WORDING.values())
    other = swot.SwotDraft(strengths=("SQL",), weaknesses=("Oral",))
    comparison = swot.compare(swot.SwotDraft(weaknesses=("SQL", "Réseau")), other)
    texts.append(swot.comparison_message(comparison, since=TODAY))
    texts += [advice_message(topic) for topic in TOPICS]
    texts += [stories_message(limit=len(STORIES)), strategies_message()]
    return texts


def _module_literals() -> list[str]:
    literals: list[str] = []
    for module in (smart, deadlines, star, swot, library):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        literals += [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
    return literals


def test_no_eight_words_copied_from_the_article() -> None:
    if not ARTICLE.exists():
        pytest.skip("reference article not available")
    article_words = _fold_words(ARTICLE.read_text(encoding="utf-8"))
    article = {tuple(article_words[i : i + 8]) for i in range(len(article_words) - 7)}
    for text in _everything_said() + _module_literals():
        words = _fold_words(text)
        copied = {tuple(words[i : i + 8]) for i in range(len(words) - 7)} & article
        assert not copied, (text, copied)


def test_vouvoiement_everywhere() -> None:
    for text in _everything_said():
        assert not set(_fold_words(text)) & {"tu", "toi", "te", "tes", "ta", "ton"}, text


def test_plain_text_without_markup_or_placeholders() -> None:
    for text in _everything_said():
        for markup in ("**", "__", "`", "](", "<b>", "</"):
            assert markup not in text, (markup, text)
        assert not re.search(r"\{|\}|%s|TODO|XXX|\bNone\b", text), text
        assert "  " not in text.replace("\n  ", "\n") and text == text.strip(), text


# Adjectives that would agree with the reader's gender (the coach rephrases instead).
GENDERED = re.compile(
    r"\bvous\s+(?:êtes|serez|étiez|sentez|semblez)\s+(?:\w+\s+)?(?:prêt|prête|déçu|déçue|seul"
    r"|seule|motivé|motivée|convaincu|convaincue|découragé|découragée|fier|fière|sûr|sûre"
    r"|satisfait|satisfaite|content|contente|heureux|heureuse|ravi|ravie|intéressé|intéressée"
    r"|perdu|perdue|préparé|préparée|bloqué|bloquée)s?\b(?!·)",
    re.IGNORECASE,
)


def test_no_gendered_word_about_the_reader() -> None:
    for text in _everything_said():
        assert not GENDERED.search(text), (GENDERED.search(text), text)


BAD_INPUTS = [
    "",
    "   ",
    "😀😀😀",
    "<b>SQL</b> **d'ici** fin janvier",
    "'; DROP TABLE goals; --",
    "a" * 10_000,
    "avant " * 2_000 + "x",
    "passer de 1 " * 1_500,
    "ajoute " + "x " * 5_000 + "aux forces",
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
def test_bad_input_gets_an_answer_quickly_and_never_crashes(text: str) -> None:
    import time

    goal = Goal(title="x", measure="6 modules", deadline=dt.date(2027, 1, 7), status="active")
    started = time.perf_counter()
    check = check_goal(text, today=TODAY)
    assert smart.smart_message(check, TODAY)
    for criterion in smart.CRITERIA:
        smart.fill(check.fields, criterion, text, today=TODAY)
    assert smart.parse_progress(text, goal).kind in {
        "progress",
        "done",
        "abandon",
        "stalled",
        "unclear",
    }
    draft = star.StarDraft()
    for part in ("question", *star.PARTS):
        draft = draft.with_part(part, text)
    star.check_star(draft)
    swot.parse_edit(text)
    detect_topic(text)
    smart.detect_theme(text)
    # Regular expressions that backtrack on long input would take seconds here.
    assert time.perf_counter() - started < 1.0
