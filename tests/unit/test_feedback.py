"""coach.feedback.analyze on representative texts (the labelled splits are scored by make eval)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import feedback_model
from coach.feedback import KINDS, SIGNALS, THEMES, analyze


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Il vous manque une expérience significative en gestion de projet.", "experience"),
        ("Votre niveau d'anglais est un peu juste pour ce poste.", "technical_skills"),
        ("On ne vous a pas senti en phase avec la culture de l'équipe.", "cultural_fit"),
        ("Vos réponses étaient trop vagues, sans exemples concrets.", "interview_performance"),
        ("Vous avez eu du mal à vous exprimer clairement.", "communication"),
        ("Nous avons retenu un candidat interne.", "competition"),
        ("Votre CV comportait plusieurs fautes d'orthographe.", "application_documents"),
        ("Votre profil est surqualifié pour ce poste.", "overqualification"),
        ("Nous n'avons pas senti votre motivation pour le poste.", "enthusiasm"),
        ("Votre raisonnement sur l'étude de cas est resté confus.", "problem_solving"),
    ],
)
def test_each_theme_is_found_with_its_evidence(text: str, theme: str) -> None:
    result = analyze(text)
    assert theme in result.themes, result
    assert result.evidence[theme] and result.evidence[theme][0] in text


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Aucun problème de communication, mais il vous manque Python.", "communication"),
        (
            "Pas de souci côté anglais ; en revanche l'expérience est trop courte.",
            "technical_skills",
        ),
        (
            "Votre CV est très clair et bien présenté. Nous avons retenu un autre profil.",
            "application_documents",
        ),
        ("Votre motivation était évidente et appréciée.", "enthusiasm"),
    ],
)
def test_negated_or_praised_mentions_do_not_count(text: str, absent: str) -> None:
    assert absent not in analyze(text).themes


def test_generic_feedback_is_vague_and_says_so() -> None:
    result = analyze(
        "Nous vous remercions pour votre candidature. Malgré ses qualités, nous avons retenu "
        "un autre profil. Nous vous souhaitons bonne chance."
    )
    assert result.kind == "generic"
    assert "vague" in result.signals and result.evidence["vague"]


def test_mixed_feedback_keeps_every_weakness() -> None:
    result = analyze(
        "Très bonne présentation et une vraie énergie ! Mais vos compétences techniques sont "
        "insuffisantes sur SQL, et vos réponses manquaient d'exemples concrets."
    )
    assert result.kind == "constructive"
    assert {"technical_skills", "interview_performance"} <= result.themes
    assert "communication" not in result.themes and "enthusiasm" not in result.themes


def test_signals_of_feedback_not_to_take_to_heart() -> None:
    attack = analyze("Franchement, vous êtes arrogant et pas très fiable.")
    assert "personal_attack" in attack.signals
    harsh = analyze("Entretien catastrophique, rien n'allait, vous devriez changer de métier.")
    assert "overly_negative" in harsh.signals
    context = analyze(
        "Il vous manque dix ans d'expérience en management, alors que l'offre était un poste "
        "junior."
    )
    assert "lacks_context" in context.signals


@pytest.mark.parametrize("text", ["", "   ", "ok", "👍", "<b>non</b>", "x" * 10_000])
def test_short_empty_or_odd_texts(text: str) -> None:
    result = analyze(text)
    assert result.kind in KINDS
    assert result.themes <= set(THEMES) and result.signals <= set(SIGNALS)


def test_a_long_mail_keeps_its_reasons() -> None:
    # make eval prints the time per text; here only what is found matters.
    mail = (
        "Bonjour, merci pour votre temps lors de nos échanges. Nous avons apprécié votre "
        "parcours. Cependant il vous manque une expérience en gestion de projet, et votre "
        "niveau sur Excel est un peu juste. "
    ) * 40
    result = analyze(mail)
    assert {"experience", "technical_skills"} <= result.themes
    assert result.kind == "constructive"


@pytest.mark.parametrize(
    ("text", "kind", "themes"),
    [
        ("Pas retenu.", "generic", set()),
        ("Non merci.", "generic", set()),
        ("Trop junior.", "constructive", {"experience"}),
        ("Pas de problème de communication, ni de motivation.", None, set()),
    ],
)
def test_very_short_texts(text: str, kind: str | None, themes: set[str]) -> None:
    result = analyze(text)
    assert result.themes == themes, result
    if kind is not None:
        assert result.kind == kind


def test_a_negated_theme_next_to_a_real_one() -> None:
    result = analyze(
        "Pas de problème de communication, vous êtes très à l'aise. En revanche, il vous "
        "manque une vraie pratique de SQL."
    )
    assert "communication" not in result.themes
    assert "technical_skills" in result.themes
    assert any("SQL" in phrase for phrase in result.evidence["technical_skills"])


def test_praise_is_kept_for_the_strengths_step() -> None:
    result = analyze(
        "Votre présentation était très claire et appréciée. Cependant, votre expérience en "
        "management reste trop courte."
    )
    assert any("très claire" in phrase for phrase in result.strengths)
    assert "experience" in result.themes


def test_the_shipped_model_is_trained_on_the_training_split_only() -> None:
    model = json.loads(feedback_model.shipped_text())
    assert model["trained_on"] and all(
        "heldout" not in name and "test_voice" not in name for name in model["trained_on"]
    )
    assert set(model["weights"]) == set(feedback_model.model_keys())


def test_the_shipped_model_is_what_the_training_data_gives() -> None:
    # Retraining is deterministic: a stale or hand-edited file fails here.
    assert feedback_model.shipped_text() == feedback_model.dumps(feedback_model.build())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_evidence_comes_from_the_text(text: str) -> None:
    result = analyze(text)
    for phrases in result.evidence.values():
        for phrase in phrases:
            assert " ".join(phrase.split()) in " ".join(text.split())


def test_a_theme_read_only_from_a_compliment_is_not_a_reason() -> None:
    """« Votre expérience … était un vrai point fort » names experience as a strength: the
    weaknesses are the vague answers and the CV's spelling mistakes, not experience."""
    analysis = analyze(
        "Votre expérience en gestion de projet était un vrai point fort. Cependant vos "
        "réponses étaient trop vagues, sans exemples concrets. Votre CV comportait aussi des "
        "fautes d'orthographe."
    )
    assert analysis.themes == {"interview_performance", "application_documents"}
    assert "experience" not in analysis.evidence
