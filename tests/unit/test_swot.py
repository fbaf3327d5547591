"""The guided SWOT: pre-filled from the feedback themes and the successes, edited, compared."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.feedback import THEMES
from coach.feedbacks import PatternInput, Patterns, compute_patterns
from coach.models import Swot
from coach.swot import (
    MAX_ITEMS,
    OPPORTUNITY_WORDING,
    QUADRANTS,
    THREAT_WORDING,
    WEAKNESS_WORDING,
    SwotDraft,
    SwotEdit,
    add_item,
    apply_edit,
    compare,
    comparison_message,
    draft_of,
    parse_edit,
    prefill,
    remove_item,
    swot_message,
)


def patterns(*feedbacks: tuple[str, ...]) -> Patterns:
    return compute_patterns([PatternInput("constructive", themes) for themes in feedbacks])


SKILLS_TWICE = patterns(
    ("technical_skills", "communication"),
    ("technical_skills", "competition"),
    ("application_documents",),
)


# --------------------------------------------------------------------------- pre-fill


def test_weaknesses_come_from_the_themes_recurring_first_with_their_count() -> None:
    draft = prefill(SKILLS_TWICE, [])
    assert draft.weaknesses == (
        "Une compétence technique attendue reste à consolider (revient dans 2 retours)",
        "Aisance à l'oral et clarté du discours à renforcer (cité dans un retour)",
        "CV et lettre à cibler davantage sur chaque offre (cité dans un retour)",
    )


def test_competition_is_a_threat_not_a_weakness() -> None:
    draft = prefill(patterns(("competition",), ("competition",)), [])
    assert draft.weaknesses == ()
    assert draft.threats[0] == THREAT_WORDING["competition"]
    assert draft.opportunities[0] == OPPORTUNITY_WORDING["competition"]


def test_opportunities_and_threats_follow_the_themes_then_general_ones() -> None:
    draft = prefill(SKILLS_TWICE, [])
    # Recurring first, then by count, ties in THEMES order.
    assert draft.opportunities[:3] == (
        OPPORTUNITY_WORDING["technical_skills"],
        OPPORTUNITY_WORDING["communication"],
        OPPORTUNITY_WORDING["competition"],
    )
    assert draft.threats[:3] == (
        THREAT_WORDING["technical_skills"],
        THREAT_WORDING["competition"],
        THREAT_WORDING["application_documents"],
    )
    assert len(draft.opportunities) <= 4 and len(draft.threats) <= 4


def test_without_feedback_the_external_quadrants_still_have_suggestions() -> None:
    draft = prefill(Patterns(), [])
    assert draft.weaknesses == () and draft.strengths == ()
    assert len(draft.opportunities) == 2 and len(draft.threats) == 2


def test_every_theme_has_a_wording_somewhere() -> None:
    for theme in THEMES:
        assert theme in WEAKNESS_WORDING or theme == "competition"
        assert theme in OPPORTUNITY_WORDING
    assert all(len(text) <= 120 for text in WEAKNESS_WORDING.values())


def test_strengths_come_from_successes_then_from_praise() -> None:
    draft = prefill(
        SKILLS_TWICE,
        ["J'ai fini mon certificat Excel", "Bonne organisation", "bonne organisation"],
        feedback_strengths=["votre parcours est solide"],
    )
    assert draft.strengths == (
        "J'ai fini mon certificat Excel",
        "Bonne organisation",
        "Apprécié dans un retour : « votre parcours est solide »",
    )


def test_strengths_are_capped() -> None:
    draft = prefill(Patterns(), [f"Réussite numéro {n}" for n in range(20)])
    assert len(draft.strengths) == 6


# --------------------------------------------------------------------------- editing


def test_add_and_remove_items() -> None:
    draft = SwotDraft(strengths=("Curiosité",))
    draft = add_item(draft, "strengths", "  Bonne   organisation ")
    assert draft.strengths == ("Curiosité", "Bonne organisation")
    assert add_item(draft, "strengths", "bonne organisation.") == draft, "no duplicate"
    assert add_item(draft, "strengths", "   ") == draft
    assert remove_item(draft, "strengths", 1).strengths == ("Bonne organisation",)
    assert remove_item(draft, "strengths", "curiosite").strengths == ("Bonne organisation",)
    assert remove_item(draft, "strengths", 5) == draft
    assert remove_item(draft, "strengths", "absent") == draft
    with pytest.raises(ValueError):
        add_item(draft, "hobbies", "x")


def test_a_quadrant_holds_at_most_max_items() -> None:
    draft = SwotDraft()
    for n in range(MAX_ITEMS + 3):
        draft = add_item(draft, "threats", f"Menace {n}")
    assert len(draft.threats) == MAX_ITEMS


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        (
            "ajoute bonne organisation aux forces",
            SwotEdit("add", "strengths", item="bonne organisation"),
        ),
        (
            "Rajoute « le réseau de mon école » dans les opportunités",
            SwotEdit("add", "opportunities", item="« le réseau de mon école »"),
        ),
        ("Menaces : la saison creuse", SwotEdit("add", "threats", item="la saison creuse")),
        ("retire la faiblesse 2", SwotEdit("remove", "weaknesses", index=2)),
        ("supprime menace n°1", SwotEdit("remove", "threats", index=1)),
        (
            "enlève Curiosité des forces",
            SwotEdit("remove", "strengths", item="Curiosité"),
        ),
        ("c'est bon", None),
        ("bonjour", None),
    ],
)
def test_edits_are_read_from_french(text: str, edit: SwotEdit | None) -> None:
    assert parse_edit(text) == edit


def test_an_edit_applies_to_the_draft() -> None:
    draft = SwotDraft(weaknesses=("A", "B", "C"))
    edit = parse_edit("retire la faiblesse 2")
    assert edit is not None and apply_edit(draft, edit).weaknesses == ("A", "C")
    edit = parse_edit("ajoute la ténacité aux atouts")
    assert edit is not None and apply_edit(draft, edit).strengths == ("la ténacité",)


# --------------------------------------------------------------------------- comparison

OLD = SwotDraft(
    strengths=("Curiosité",),
    weaknesses=(
        "SQL",
        "Une compétence technique attendue reste à consolider (revient dans 2 retours)",
        "Prise de parole",
    ),
    opportunities=("Le réseau",),
    threats=("Marché concurrentiel",),
)
NEW = SwotDraft(
    strengths=("Curiosité", "SQL", "Ténacité"),
    weaknesses=("Une compétence technique attendue reste à consolider (revient dans 3 retours)",),
    opportunities=("Le réseau", "Formation CPF"),
    threats=("Marché concurrentiel",),
)


def test_compare_says_what_moved_was_added_and_dropped() -> None:
    result = compare(OLD, NEW)
    [moved] = result.moved
    assert (moved.item, moved.from_quadrant, moved.to_quadrant) == (
        "SQL",
        "weaknesses",
        "strengths",
    )
    assert result.changes["strengths"].added == ("Ténacité",)
    assert result.changes["strengths"].kept == ("Curiosité",)
    assert result.changes["weaknesses"].removed == ("Prise de parole",)
    # The count in brackets changed, the point did not.
    assert result.changes["weaknesses"].added == ()
    assert len(result.changes["weaknesses"].kept) == 1
    assert result.changes["opportunities"].added == ("Formation CPF",)
    assert result.changes["threats"] == result.changes["threats"].__class__(
        kept=("Marché concurrentiel",)
    )
    assert not result.unchanged and compare(NEW, NEW).unchanged


def test_compare_reads_stored_rows_too() -> None:
    row = Swot(**{q: list(OLD.items(q)) for q in QUADRANTS})
    assert draft_of(row) == OLD
    assert compare(row, NEW) == compare(OLD, NEW)


def test_comparison_message() -> None:
    text = comparison_message(compare(OLD, NEW), since=dt.date(2026, 11, 3))
    lines = text.splitlines()
    assert lines[0] == "Depuis votre bilan du 3 novembre 2026 :"
    assert "↗ « SQL » est passé des faiblesses aux forces." in lines
    assert "+ Forces : Ténacité" in lines
    assert "− Faiblesses : Prise de parole" in lines
    assert lines[-1].startswith("Vous avez avancé")
    same = comparison_message(compare(OLD, OLD), since=dt.date(2026, 11, 3))
    assert same == "Rien n'a bougé depuis votre bilan du 3 novembre 2026."


def test_swot_message_numbers_items_for_editing() -> None:
    text = swot_message(OLD, on=dt.date(2026, 12, 1))
    assert text.startswith("Votre bilan SWOT du 1er décembre 2026 :")
    assert "Faiblesses\n1. SQL\n2. Une compétence" in text
    assert "retire la faiblesse 2" in text
    assert "(à compléter)" in swot_message(SwotDraft())
