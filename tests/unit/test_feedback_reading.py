"""The person corrects how a feedback was read (coach.feedback_reading)."""

from __future__ import annotations

import pytest

from coach.feedback_reading import (
    ReadingCorrection,
    apply_correction,
    correction_message,
    parse_correction,
)


@pytest.mark.parametrize(
    ("text", "add", "remove"),
    [
        # Taken out, in the ways people say it.
        ("ce n'est pas un problème de communication", (), ("communication",)),
        ("ce n est pas un probleme de communication", (), ("communication",)),
        ("c pas un souci de comm", (), ("communication",)),
        ("c'etait pas un pb de communication", (), ("communication",)),
        ("la communication c'est pas le souci", (), ("communication",)),
        ("le stress c'est pas le problème", (), ("interview_performance",)),
        ("l'expérience n'a rien à voir", (), ("experience",)),
        ("mon cv n'a rien a voir la dedans", (), ("application_documents",)),
        ("retire compétences techniques", (), ("technical_skills",)),
        ("Retire « Communication »", (), ("communication",)),
        ("retire Déroulé de l'entretien", (), ("interview_performance",)),
        ("retire CV et lettre", (), ("application_documents",)),
        ("enlève la motivation stp", (), ("enthusiasm",)),
        ("enleve la communication et le cv", (), ("communication", "application_documents")),
        ("supprime surqualification", (), ("overqualification",)),
        ("non pas culture d'entreprise", (), ("cultural_fit",)),
        ("la concurrence c'est faux", (), ("competition",)),
        # Put in.
        ("ajoute : manque d'expérience", ("experience",), ()),
        ("ajoute manque d experience", ("experience",), ()),
        ("rajoute la motivation", ("enthusiasm",), ()),
        ("ajoutez « CV et lettre »", ("application_documents",), ()),
        ("tu peux ajouter l'anglais ?", ("technical_skills",), ()),
        ("ajoute pas assez d'expérience", ("experience",), ()),
        ("ajoute stp : manque de prépa", ("interview_performance",), ()),
        ("il manque aussi la méconnaissance de leurs produits", ("technical_skills",), ()),
        ("c'était surtout le stress", ("interview_performance",), ()),
        ("jsp mais c plutot la prepa", ("interview_performance",), ()),
        ("rajoute la timidité en entretien", ("interview_performance",), ()),
        ("ajoute : on attendait plus de rigueur dans le raisonnement", ("problem_solving",), ()),
        # Both.
        ("c pas la communication mais l'experience", ("experience",), ("communication",)),
        ("pas communication, plutôt stress", ("interview_performance",), ("communication",)),
        ("retire communication ajoute experience", ("experience",), ("communication",)),
        (
            "le probleme c'est mon anglais pas la communication",
            ("technical_skills",),
            ("communication",),
        ),
        (
            "ce n'est pas ma lettre le problème mais mon expérience",
            ("experience",),
            ("application_documents",),
        ),
        (
            "ni la communication ni la motivation, c'est l'expérience",
            ("experience",),
            ("communication", "enthusiasm"),
        ),
    ],
)
def test_parse(text: str, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    correction = parse_correction(text)
    assert (correction.add, correction.remove) == (add, remove)


def test_what_was_missing_said_with_a_negation_is_not_a_removal() -> None:
    # « pas assez bon » says the English was the weakness, not that it is not one.
    assert parse_correction("mon anglais n'était pas assez bon").add == ("technical_skills",)
    assert parse_correction("mon anglais n'était pas assez bon").remove == ()


@pytest.mark.parametrize(
    "text",
    [
        "non c pas ca le souci c'est plutot l'anglais",
        "non c'est pas ça, c'est plutôt mon niveau d'anglais",
        "vous vous êtes trompé, c'est surtout l'anglais",
        "c'est faux, le souci c'est l'anglais",
    ],
)
def test_rejecting_the_reading_with_a_theme_replaces_it(text: str) -> None:
    correction = parse_correction(text)
    assert correction.reject_shown and correction.add == ("technical_skills",)
    corrected, added, removed = apply_correction(["communication", "experience"], correction)
    assert corrected == ("technical_skills",)
    assert added == ("technical_skills",)
    assert removed == ("experience", "communication")


@pytest.mark.parametrize("text", ["non c'est faux", "c pas ça", "tu as mal compris", "non"])
def test_rejecting_the_reading_without_a_theme_names_nothing(text: str) -> None:
    correction = parse_correction(text)
    assert correction.reject_shown and not correction.add and not correction.remove


def test_a_message_without_theme_or_rejection_is_empty() -> None:
    assert parse_correction("merci beaucoup").empty
    assert parse_correction("").empty


def test_apply_only_reports_real_changes() -> None:
    correction = ReadingCorrection(add=("experience",), remove=("competition",))
    corrected, added, removed = apply_correction(["experience", "communication"], correction)
    assert corrected == ("experience", "communication")
    assert (added, removed) == ((), ())


def test_apply_orders_themes_and_removes_before_adding() -> None:
    correction = ReadingCorrection(add=("experience",), remove=("communication",))
    corrected, added, removed = apply_correction(["communication", "technical_skills"], correction)
    assert corrected == ("experience", "technical_skills")
    assert added == ("experience",) and removed == ("communication",)


def test_acknowledgement_names_the_themes_as_shown() -> None:
    assert (
        correction_message(["experience"], ["communication"])
        == "C'est noté : je retire « Communication » et j'ajoute « Expérience »."
    )
    assert correction_message([], ["communication", "enthusiasm"]) == (
        "C'est noté : je retire « Communication » et « Motivation »."
    )
    assert correction_message(["technical_skills"], []) == (
        "C'est noté : j'ajoute « Compétences techniques »."
    )
    assert "rien à changer" in correction_message([], [])
