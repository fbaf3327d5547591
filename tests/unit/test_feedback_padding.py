"""Politeness padding and praise-only clauses are not read as reasons for the decision."""

from __future__ import annotations

import pytest

from coach.feedback import _clauses, _is_padding, _is_praise, analyze, text_features
from coach.language.fold import fold_keep_length


def _flags(text: str) -> list[tuple[str, bool]]:
    return [(c.text.strip(), _is_padding(c)) for c in _clauses(fold_keep_length(text))]


@pytest.mark.parametrize(
    "sentence",
    [
        "Nous vous remercions vivement pour le temps accordé à nos entretiens.",
        "Nous tenons tout d'abord à vous remercier pour l'intérêt porté à notre groupe.",
        "Un grand merci pour ta venue à l'atelier jeudi.",
        "Veuillez agréer, Madame, nos salutations distinguées.",
        "Bonjour Madame Roche,",
        "Belle continuation dans vos recherches !",
        "Nous restons à votre disposition pour tout échange.",
    ],
)
def test_padding_sentences_are_padding(sentence: str) -> None:
    assert all(padding for _, padding in _flags(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "Nous vous remercions, votre anglais reste insuffisant pour le poste.",
        "Merci pour ta venue, tu manquais de préparation sur nos produits.",
        "Votre expérience en paie est trop courte.",
        "Le test SQL a montré des lacunes sur les jointures.",
    ],
)
def test_a_lack_inside_a_polite_clause_is_kept(sentence: str) -> None:
    assert not any(padding for _, padding in _flags(sentence))


def test_padding_and_praise_clauses_lose_their_words_for_theme_scoring() -> None:
    text = (
        "Nous vous remercions pour le temps consacré à nos entretiens. "
        "Très bonne présentation et excellente communication. "
        "Votre niveau en Python reste insuffisant."
    )
    _, per_clause = text_features(text)
    sets = [features for clause, features in per_clause if clause.text.strip()]
    overall = {"BIAS", "len:s", "len:m", "len:l", "R:generic"}
    assert "R:pad" in sets[0] and sets[0] <= overall | {"R:pad"}
    assert "R:praise" in sets[1] and sets[1] <= overall | {"R:praise"}
    assert "R:pad" not in sets[2] and "R:praise" not in sets[2]
    assert _is_praise(_clauses(fold_keep_length("Très bon contact, vraie énergie."))[0])


def test_a_padded_email_with_one_point_reads_that_point_only() -> None:
    result = analyze(
        "Bonjour Monsieur,\n\nNous vous remercions sincèrement pour votre participation à nos "
        "entretiens et pour l'intérêt porté à notre entreprise.\n\nAprès réflexion, nous ne "
        "retiendrons pas votre candidature : votre maîtrise d'Excel, notamment des tableaux "
        "croisés dynamiques, est insuffisante pour ce poste de contrôleur de gestion.\n\n"
        "Nous vous souhaitons une excellente continuation.\n\nCordialement"
    )
    assert result.themes == {"technical_skills"}
    assert result.kind == "constructive"


def test_a_padded_email_with_no_point_has_no_theme() -> None:
    result = analyze(
        "Madame,\n\nNous vous remercions pour l'intérêt que vous portez à notre cabinet et pour "
        "le temps que vous avez consacré à nos échanges.\n\nNous ne donnerons pas une suite "
        "favorable à votre candidature.\n\nNous vous souhaitons plein succès.\n\nCordialement"
    )
    assert result.themes == set()
    assert result.kind == "generic"
