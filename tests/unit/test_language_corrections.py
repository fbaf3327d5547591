"""coach.language.corrections: corrections as people make them, for any answered question."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.intake import validate_slot
from coach.language.corrections import detect_correction, parse_correction

TODAY = dt.date(2026, 11, 25)  # a Wednesday
ANSWERS = {
    "company": "Thales",
    "position": "ingénieure",
    "rejection_date": "2026-11-23",
    "stage": "premier_entretien",
}


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        (
            "non attendez je me suis trompée, c'était pour technicienne qualité pas ingénieure",
            "position",
            "technicienne qualité",
        ),
        ("oups c pas ca, c'est chez Safran", "company", "Safran"),
        (
            "Non, l'entreprise c'est la Société Générale, pas « Générale »",
            "company",
            "Société Générale",
        ),
        ("non c'est la société Thales pas Thalès", "company", "Thales"),
        ("oups c'est pas ça, c'est chez Safran", "company", "Safran"),
        ("je me suis trompee c etait chez safran", "company", "safran"),
        ("je me suis trompé, c'était Safran", "company", "Safran"),
        ("att c t pas thales c safran", "company", "safran"),
        ("pas Thales mais Safran", "company", "Safran"),
        ("c'était Safran pas Thales", "company", "Safran"),
        ("mince, c'était chez Airbus pas chez Thales", "company", "Airbus"),
        ("correction : l'entreprise c'est Safran", "company", "Safran"),
        ("pas ingénieure mais technicienne qualité", "position", "technicienne qualité"),
        ("en fait c'était technicienne qualité pas ingénieure", "position", "technicienne qualité"),
        ("non pas ingénieure, technicienne qualité", "position", "technicienne qualité"),
        (
            "attends, en fait c'était pour le poste de technicienne qualité",
            "position",
            "technicienne qualité",
        ),
        ("je me suis gourée de poste : technicienne qualité", "position", "technicienne qualité"),
        ("oups, le poste c'était chef de projet", "position", "chef de projet"),
        ("non, c'était hier", "rejection_date", "hier"),
        ("non c'était mardi", "rejection_date", "mardi"),
        ("ce n'était pas lundi mais mardi", "rejection_date", "mardi"),
        ("attendez, c'était le 20 novembre", "rejection_date", "le 20 novembre"),
        ("pardon c'était le 3 novembre", "rejection_date", "le 3 novembre"),
        ("je me suis trompé de date, c'était avant-hier", "rejection_date", "avant-hier"),
        ("non attends c'était pas le premier entretien mais le deuxième", "stage", "le deuxième"),
    ],
)
def test_a_correction_names_its_slot_and_new_value(text: str, slot: str, value: str) -> None:
    correction = parse_correction(text, today=TODAY, answers=ANSWERS)
    assert correction is not None
    assert (correction.slot, correction.value) == (slot, value)


@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        (
            "non attendez je me suis trompée, c'était pour technicienne qualité pas ingénieure",
            "position",
            "technicienne qualité",
        ),
        ("ce n'était pas lundi mais mardi", "rejection_date", "2026-11-24"),
        (
            "non attends c'était pas le premier entretien mais le deuxième",
            "stage",
            "entretiens_suivants",
        ),
        ("oups c pas ca, c'est chez Safran", "company", "Safran"),
    ],
)
def test_the_new_value_validates_for_its_slot(text: str, slot: str, expected: str) -> None:
    correction = parse_correction(text, today=TODAY, answers=ANSWERS)
    assert correction is not None and correction.slot == slot and correction.value
    assert validate_slot(slot, correction.value, today=TODAY).as_slot() == expected


def test_the_old_value_finds_the_slot_of_another_form() -> None:
    answers = {"goal": "apprendre Excel", "deadline": "2026-12-01"}
    correction = parse_correction("pas Excel mais Power BI", today=TODAY, answers=answers)
    assert correction is not None
    assert (correction.slot, correction.value, correction.old) == ("goal", "Power BI", "Excel")


@pytest.mark.parametrize(
    "text",
    ["je me suis trompé", "oups", "en fait non", "attendez"],
)
def test_a_correction_without_a_value_says_so(text: str) -> None:
    correction = parse_correction(text, today=TODAY, answers=ANSWERS)
    assert correction is not None and correction.value is None


@pytest.mark.parametrize(
    "text",
    [
        "Thales",
        "technicienne qualité",
        "hier",
        "pas de date",
        "pas du tout",
        "non",
        "pas vraiment",
        "le deuxième entretien",
        "plutôt décontractée",
        "pas encore",
        "non pas vraiment, plutôt formelle",
    ],
)
def test_plain_answers_are_no_corrections(text: str) -> None:
    assert not detect_correction(text)
    assert parse_correction(text, today=TODAY, answers=ANSWERS) is None


@pytest.mark.parametrize(
    ("text", "old"),
    [
        ("pas Thales mais Safran", "Thales"),
        ("c'était pour technicienne qualité pas ingénieure", "ingénieure"),
        ("oups c pas ca, c'est chez Safran", None),
        ("c'est pas ça, c'est chez Safran", None),
    ],
)
def test_the_old_value_is_the_named_one_never_a_pronoun(text: str, old: str | None) -> None:
    correction = parse_correction(text, today=TODAY, answers=ANSWERS)
    assert correction is not None and correction.old == old
