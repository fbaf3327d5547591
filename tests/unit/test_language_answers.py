"""coach.language.answers: short answers, and commands that are never answers."""

from __future__ import annotations

import datetime as dt

import pytest

from coach import intake
from coach.language import answers
from coach.language.answers import is_command, is_none_answer

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    "text", ["/aide", "/help", " /refus", "/start", "/annuler@RebondBot", "/bilan"]
)
def test_commands_are_recognised(text: str) -> None:
    assert is_command(text)


@pytest.mark.parametrize("text", ["Thales", "1/2", "CDI / CDD", "et/ou", "Julie / Marc", "", "/ "])
def test_answers_with_a_slash_are_not_commands(text: str) -> None:
    assert not is_command(text)


@pytest.mark.parametrize("slot", intake.SLOTS)
@pytest.mark.parametrize("command", ["/aide", "/help", "/bilan"])
def test_no_question_of_the_intake_stores_a_command(slot: str, command: str) -> None:
    result = intake.validate_slot(slot, command, today=TODAY)
    assert not result.ok
    assert result.message and "commande" in result.message


@pytest.mark.parametrize(
    "text", ["aucune", "personne", "ils n'ont rien dit", "pas de date", "non, aucune"]
)
def test_none_answers(text: str) -> None:
    assert is_none_answer(text)


@pytest.mark.parametrize(
    ("text", "none"),
    [
        ("jen ai pas", True),
        ("jai pas de linkedin", True),
        ("je n'ai pas de compte LinkedIn", True),
        ("non j'en ai aucun", True),
        ("pas de mail pro", True),
        ("camille.durand@example.org", False),
        ("06 12 34 56 78", False),
        ("https://www.linkedin.com/in/camille", False),
    ],
)
def test_having_none_of_what_is_asked(text: str, none: bool) -> None:
    assert answers.is_not_had(text) is none


@pytest.mark.parametrize(
    ("text", "sad"),
    [
        ("😭😭", True),
        ("💔", True),
        (" 😢 ! ", True),
        ("😭 jsuis deg", False),
        ("👍", False),
        ("", False),
    ],
)
def test_signs_of_sorrow_without_words(text: str, sad: bool) -> None:
    assert answers.is_sad_signs(text) is sad


def test_sorrow_at_a_question_is_met_with_care_not_a_misreading() -> None:
    result = intake.validate_company("😭😭")
    assert not result.ok and result.message is not None
    assert "dur" in result.message and "pas bien lu" not in result.message
