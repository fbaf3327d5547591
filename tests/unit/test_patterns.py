"""coach.feedbacks.compute_patterns: what /bilan counts, highlights and suggests first."""

from __future__ import annotations

from coach.feedback import THEMES
from coach.feedbacks import PatternInput, Patterns, compute_patterns


def feedback(*themes: str, company: str | None = None, kind: str = "constructive") -> PatternInput:
    return PatternInput(kind=kind, themes=themes, company=company)


def test_nothing_to_count() -> None:
    assert compute_patterns([]) == Patterns()


def test_a_theme_recurs_only_across_two_distinct_feedbacks() -> None:
    # One employer naming the same theme in several phrases is still one feedback.
    once = compute_patterns([feedback("experience", "experience"), feedback("communication")])
    assert once.theme_counts == {"experience": 1, "communication": 1}
    assert once.recurring == []
    twice = compute_patterns([feedback("experience"), feedback("experience", "communication")])
    assert twice.theme_counts["experience"] == 2
    assert twice.recurring == ["experience"]


def test_counts_are_ordered_most_frequent_first_ties_in_theme_order() -> None:
    patterns = compute_patterns(
        [
            feedback("enthusiasm", "technical_skills"),
            feedback("enthusiasm", "experience"),
            feedback("enthusiasm", "experience", "technical_skills"),
            feedback("communication"),
        ]
    )
    assert list(patterns.theme_counts.items()) == [
        ("enthusiasm", 3),
        ("experience", 2),
        ("technical_skills", 2),
        ("communication", 1),
    ]
    assert patterns.recurring == ["enthusiasm", "experience", "technical_skills"]


def test_priority_puts_recurring_first_and_keeps_three() -> None:
    patterns = compute_patterns(
        [
            feedback("problem_solving", "communication"),
            feedback("problem_solving", "experience"),
            feedback("interview_performance", "application_documents"),
        ]
    )
    # problem_solving recurs; the single ones follow in THEMES order; the fourth is cut.
    assert patterns.priority == ["problem_solving", "experience", "interview_performance"]
    assert THEMES.index("interview_performance") < THEMES.index("communication")


def test_competition_comes_last_even_when_it_recurs_most() -> None:
    patterns = compute_patterns(
        [
            feedback("competition", "cultural_fit"),
            feedback("competition"),
            feedback("competition", "enthusiasm"),
        ]
    )
    assert patterns.recurring == ["competition"]
    assert patterns.priority == ["cultural_fit", "enthusiasm", "competition"]
    only_competition = compute_patterns([feedback("competition"), feedback("competition")])
    assert only_competition.priority == ["competition"]


def test_companies_per_theme_are_distinct_and_in_order() -> None:
    patterns = compute_patterns(
        [
            feedback("experience", company="Decathlon"),
            feedback("experience", "communication", company="  Capgemini "),
            feedback("experience", company="DECATHLON"),  # same company, other spelling
            feedback("communication"),  # no rejection linked
            feedback("experience", company="Sopra"),
        ]
    )
    assert patterns.companies == {
        "experience": ["Decathlon", "Capgemini", "Sopra"],
        "communication": ["Capgemini"],
    }


def test_kinds_signals_and_unknown_names() -> None:
    patterns = compute_patterns(
        [
            PatternInput("generic", (), ("vague",)),
            PatternInput("generic", (), ("vague", "lacks_context")),
            PatternInput("constructive", ("experience", "renamed_theme"), ("personal_attack",)),
        ]
    )
    assert (patterns.total, patterns.constructive, patterns.generic) == (3, 1, 2)
    assert list(patterns.signal_counts.items()) == [
        ("vague", 2),
        ("personal_attack", 1),
        ("lacks_context", 1),
    ]
    # A theme the analyzer no longer knows has no label to show: it is not counted.
    assert patterns.theme_counts == {"experience": 1}
