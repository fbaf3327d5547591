"""Which logged application a message is about (coach.applications): a company named is
never swapped for another one, however it is typed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coach.applications import (
    Ambiguous,
    Match,
    Unknown,
    application_in_message,
    match_application,
    mentioned_company,
)


@dataclass(frozen=True)
class App:
    id: int
    company: str | None


INTERSPORT = App(1, "Intersport")
LOREAL = App(2, "L'Oréal")
LEROY = App(3, "Leroy Merlin")
THALES = App(4, "Thales")
DECATHLON_LILLE = App(5, "Decathlon Lille")
LOGGED = [INTERSPORT, LOREAL, LEROY, THALES]


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        ("Intersport", INTERSPORT),
        ("intersport", INTERSPORT),
        ("INTERSPORT", INTERSPORT),
        ("intesport", INTERSPORT),  # one letter missing
        ("intresport", INTERSPORT),  # two letters swapped
        ("l'oreal", LOREAL),
        ("L'Oreal", LOREAL),
        ("loreal", LOREAL),
        ("l’oréal", LOREAL),
        ("leroy merlin", LEROY),
        ("Leroy-Merlin", LEROY),
        ("leroymerlin", LEROY),
        ("leroy", LEROY),
        ("leroi merlin", LEROY),
        ("thales", THALES),
        ("Thalès", THALES),
        ("Thales France", THALES),
        ("groupe thales", THALES),
    ],
)
def test_a_logged_company_is_found_however_it_is_typed(named: str, expected: App) -> None:
    assert match_application(named, LOGGED) == Match(expected)


@pytest.mark.parametrize(
    "named", ["Decathlon", "decathlon", "decatlon", "Airbus", "Orange", "Thal", "Leclerc"]
)
def test_a_company_not_logged_is_unknown_never_another_one(named: str) -> None:
    result = match_application(named, LOGGED)
    assert isinstance(result, Unknown)


def test_unknown_carries_the_name_capitalised_when_typed_in_lowercase() -> None:
    assert match_application("decathlon", LOGGED) == Unknown("Decathlon")
    assert match_application("leroy merlin", []) == Unknown("Leroy Merlin")
    assert match_application("BNP Paribas", []) == Unknown("BNP Paribas")


def test_a_typo_reads_the_logged_name_in_a_long_one() -> None:
    assert match_application("decatlon", [INTERSPORT, DECATHLON_LILLE]) == Match(DECATHLON_LILLE)
    assert match_application("decathlon", [INTERSPORT, DECATHLON_LILLE]) == Match(DECATHLON_LILLE)


def test_two_applications_at_the_same_company_are_ambiguous() -> None:
    first, second = App(7, "Decathlon"), App(8, "decathlon")
    result = match_application("Décathlon", [INTERSPORT, first, second])
    assert result == Ambiguous((first, second))


def test_an_exact_name_wins_over_a_typo_reading() -> None:
    orange, orage = App(9, "Orange"), App(10, "Orage")
    assert match_application("orange", [orage, orange]) == Match(orange)


def test_applications_without_company_are_never_matched() -> None:
    assert isinstance(match_application("Decathlon", [App(11, None), App(12, "")]), Unknown)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("decathlon aussi m'a répondu", "Decathlon"),
        ("Decathlon m'a répondu", "Decathlon"),
        ("decathlon ma repondu", "Decathlon"),
        ("hier soir decathlon m'a enfin répondu", "Decathlon"),
        ("j'ai eu un retour de decathlon", "Decathlon"),
        ("retour de chez Leroy-Merlin aujourd'hui", "Leroy Merlin"),
        ("l'oreal m'a rappelée", "L'Oréal"),
        ("j'ai eu un retour de L'Oréal", "L'Oréal"),
        ("le recruteur de chez decatlon m'a appelé", "Decatlon"),
        ("un mail de la part de la Société Générale", "Société Générale"),
        ("j'ai eu des nouvelles de Airbus", "Airbus"),
        ("le retour de Decathlon : manque d'expérience", "Decathlon"),
        ("leroy merlin m'a envoyé un mail", "Leroy Merlin"),
    ],
)
def test_the_company_a_message_names(text: str, named: str) -> None:
    assert mentioned_company(text) == named


@pytest.mark.parametrize(
    "text",
    [
        "ils m'ont répondu",
        "ils m'ont enfin répondu !",
        "la rh m'a écrit",
        "La recruteuse m'a rappelée",
        "le manager m'a fait un retour",
        "j'ai eu un retour",
        "retour de l'entretien de mardi",
        "on m'a répondu",
        "elle m'a envoyé un mail",
        "j'ai reçu une réponse de la boîte",
        "",
    ],
)
def test_a_person_or_a_role_is_not_a_company(text: str) -> None:
    assert mentioned_company(text) is None


def test_in_a_message_a_company_not_logged_is_not_filed_under_the_only_one() -> None:
    # The reported bug: one rejection logged (Intersport), Decathlon answers.
    for text in (
        "decathlon aussi m'a répondu",
        "Decathlon m'a répondu",
        "j'ai un retour de chez decathlon",
        "DECATHLON m'a rappelé",
    ):
        result = application_in_message(text, [INTERSPORT])
        # Capitals typed on purpose (« DECATHLON ») are kept: it may be an acronym.
        assert isinstance(result, Unknown) and result.named.casefold() == "decathlon", text


def test_in_a_message_loreal_is_not_filed_under_thales() -> None:
    assert application_in_message("l'oreal m'a répondu", [THALES]) == Unknown("L'Oréal")
    assert application_in_message("l'oreal m'a répondu", [THALES, LOREAL]) == Match(LOREAL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("intersport m'a répondu", INTERSPORT),
        ("retour de loreal", LOREAL),
        ("j'ai eu leroy merlin au tel", LEROY),
        ("c'est pour thales", THALES),
        ("Thales", THALES),
        ("j'ai eu le retour d'intersport hier", INTERSPORT),
        ("intresport m'a fait un retour", INTERSPORT),
    ],
)
def test_in_a_message_a_logged_company_is_matched(text: str, expected: App) -> None:
    assert application_in_message(text, LOGGED) == Match(expected)


def test_a_message_naming_no_company_says_nothing() -> None:
    assert application_in_message("ils m'ont répondu", LOGGED) is None
    assert application_in_message("j'ai reçu un retour", LOGGED) is None


def test_a_message_naming_two_logged_companies_is_ambiguous() -> None:
    result = application_in_message("thales et intersport ont répondu", LOGGED)
    assert isinstance(result, Ambiguous)
    assert set(result.applications) == {THALES, INTERSPORT}
