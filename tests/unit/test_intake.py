"""coach.intake: French dates, first-message extraction, slot validators, corrections."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import intake
from coach.intake import Validation
from coach.language import answers, corrections, dates, entities
from coach.language.answers import is_dont_know, is_skip, is_why_question, parse_yes_no
from coach.language.corrections import detect_correction, parse_correction
from coach.language.dates import DateProblem, format_date_fr, parse_date, parse_rejection_date
from coach.language.entities import detect_stage, extract_rejection_facts
from coach.language.fold import WEEKDAYS_FR

# Where the intake's user-facing texts are written.
TEXT_MODULES = (intake, answers, corrections, dates, entities)

D = dt.date
TODAY = D(2026, 11, 25)  # a Wednesday
JANUARY = D(2026, 1, 5)  # a Monday, early in the year
MONDAY = D(2026, 11, 23)
LEAP_SPRING = D(2024, 3, 1)

ARTICLE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "article-refus-retours.fr.txt"
)


# --------------------------------------------------------------------------- dates: ok

RELATIVE_AND_ABSOLUTE = [
    ("aujourd'hui", TODAY, False),
    ("Aujourd’hui", TODAY, False),
    ("aujourdhui", TODAY, False),
    ("ajd", TODAY, False),
    ("ce matin", TODAY, False),
    ("cet après-midi", TODAY, False),
    ("ce soir", TODAY, False),
    ("à l'instant", TODAY, False),
    ("il y a 10 minutes", TODAY, False),
    ("hier", D(2026, 11, 24), False),
    ("Hier soir", D(2026, 11, 24), False),
    ("avant-hier", D(2026, 11, 23), False),
    ("avant hier", D(2026, 11, 23), False),
    ("lundi dernier", D(2026, 11, 23), False),
    ("lundi", D(2026, 11, 23), False),
    ("Lundi matin", D(2026, 11, 23), False),
    ("mercredi", D(2026, 11, 18), False),  # today excluded: last week's
    ("mercredi dernier", D(2026, 11, 18), False),
    ("ce lundi", D(2026, 11, 23), False),
    ("vendredi soir", D(2026, 11, 20), False),
    ("mardi de la semaine dernière", D(2026, 11, 17), False),
    ("la semaine dernière, le mardi", D(2026, 11, 17), False),
    ("il y a 3 jours", D(2026, 11, 22), False),
    ("il y a trois jours", D(2026, 11, 22), False),
    ("ça fait 2 jours", D(2026, 11, 23), False),
    ("y a 4 jours", D(2026, 11, 21), False),
    ("il y a une semaine", D(2026, 11, 18), True),
    ("il y a 2 semaines", D(2026, 11, 11), True),
    ("il y a quinze jours", D(2026, 11, 11), True),
    ("il y a huit jours", D(2026, 11, 18), True),
    ("il y a quelques jours", D(2026, 11, 22), True),
    ("il y a un mois", D(2026, 10, 25), True),
    ("il y a 2 mois", D(2026, 9, 25), True),
    ("la semaine dernière", D(2026, 11, 18), True),
    ("la semaine passée", D(2026, 11, 18), True),
    ("en début de semaine dernière", D(2026, 11, 16), True),
    ("en fin de semaine dernière", D(2026, 11, 20), True),
    ("cette semaine", D(2026, 11, 24), True),
    ("le week-end dernier", D(2026, 11, 21), True),
    ("ce week-end", D(2026, 11, 21), True),
    ("le mois dernier", D(2026, 10, 15), True),
    ("début novembre", D(2026, 11, 5), True),
    ("mi-novembre", D(2026, 11, 15), True),
    ("fin octobre", D(2026, 10, 31), True),
    ("fin novembre", TODAY, True),  # the period includes today: cut at today
    ("en octobre", D(2026, 10, 15), True),
    ("le 3 novembre", D(2026, 11, 3), False),
    ("3 novembre", D(2026, 11, 3), False),
    ("le 1er novembre", D(2026, 11, 1), False),
    ("le premier novembre", D(2026, 11, 1), False),
    ("3 nov", D(2026, 11, 3), False),
    ("3 nov.", D(2026, 11, 3), False),
    ("le 3 NOVEMBRE 2025", D(2025, 11, 3), False),
    ("mardi 3 novembre", D(2026, 11, 3), False),
    ("03/11", D(2026, 11, 3), False),
    ("3/11", D(2026, 11, 3), False),
    ("3/11/2026", D(2026, 11, 3), False),
    ("3/11/26", D(2026, 11, 3), False),
    ("03.11.2026", D(2026, 11, 3), False),
    ("03-11-2026", D(2026, 11, 3), False),
    ("2026-11-03", D(2026, 11, 3), False),
    ("le 3", D(2026, 11, 3), False),
    ("le 25", TODAY, False),
    ("le 28", D(2026, 10, 28), False),  # this month's 28th is ahead: last month's
    ("le 31", D(2026, 10, 31), False),  # November has no 31st
    ("le 12 août", D(2026, 8, 12), False),
    ("le 12 aout", D(2026, 8, 12), False),
    ("le 3 fevrier", D(2026, 2, 3), False),
    ("le 3 févr.", D(2026, 2, 3), False),
    # typos on day and month names
    ("lundi derneir", D(2026, 11, 23), False),
    ("mecredi", D(2026, 11, 18), False),
    ("le 3 novmbre", D(2026, 11, 3), False),
    ("le 3 ocotbre", D(2026, 10, 3), False),
    # in a sentence
    ("je l'ai reçu hier en fin de journée", D(2026, 11, 24), False),
    ("Ils m'ont répondu le 3 novembre par mail", D(2026, 11, 3), False),
    # a date about another event is ignored when the rejection's is given
    ("mon entretien de lundi, refus hier", D(2026, 11, 24), False),
    ("j'avais postulé le 3 novembre, réponse ce matin", TODAY, False),
    ("refus hier, et j'ai un autre entretien demain", D(2026, 11, 24), False),
    ("j'ai reçu un appel hier", D(2026, 11, 24), False),
    ("entretien lundi, refus le lendemain par mail: lundi", D(2026, 11, 23), False),
    # the same day said twice
    ("hier, mardi", D(2026, 11, 24), False),
]


@pytest.mark.parametrize(("text", "expected", "approximate"), RELATIVE_AND_ABSOLUTE)
def test_rejection_dates_on_a_wednesday(text: str, expected: D, approximate: bool) -> None:
    parsed = parse_rejection_date(text, today=TODAY)
    assert parsed.ok, (text, parsed)
    assert parsed.date == expected
    assert parsed.approximate is approximate
    assert parsed.error is None and parsed.message is None
    assert parsed.expression


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # Year inference: far enough ahead means last year.
        ("le 20 décembre", JANUARY, D(2025, 12, 20)),
        ("20/12", JANUARY, D(2025, 12, 20)),
        ("le 3 janvier", JANUARY, D(2026, 1, 3)),
        ("le 5 janvier", JANUARY, JANUARY),
        ("le 28", JANUARY, D(2025, 12, 28)),
        ("fin décembre", JANUARY, D(2025, 12, 31)),
        ("le mois dernier", JANUARY, D(2025, 12, 15)),
        ("la semaine dernière", JANUARY, D(2025, 12, 31)),
        ("vendredi", JANUARY, D(2026, 1, 2)),
        ("il y a 10 jours", JANUARY, D(2025, 12, 26)),
        ("le 20 décembre", TODAY, D(2025, 12, 20)),  # 25 days ahead: asked back, see below
        # "lundi" said on a Monday is last week's; "aujourd'hui" is today.
        ("lundi", MONDAY, D(2026, 11, 16)),
        ("lundi dernier", MONDAY, D(2026, 11, 16)),
        ("ce lundi", MONDAY, MONDAY),
        ("aujourd'hui", MONDAY, MONDAY),
        # Leap years
        ("le 29 février", LEAP_SPRING, D(2024, 2, 29)),
        ("29/02/2024", LEAP_SPRING, D(2024, 2, 29)),
    ],
)
def test_rejection_dates_on_other_days(text: str, today: D, expected: D) -> None:
    parsed = parse_rejection_date(text, today=today)
    if text == "le 20 décembre" and today == TODAY:
        # 20 December is 25 days after 25 November: not silently last year.
        assert parsed.error == DateProblem.FUTURE
        assert parsed.candidates == (expected,)
        assert "20 décembre 2025" in (parsed.message or "")
        return
    assert parsed.ok, (text, parsed)
    assert parsed.date == expected


# --------------------------------------------------------------------------- dates: errors


DATE_ERRORS = [
    # future
    ("demain", TODAY, DateProblem.FUTURE),
    ("après-demain", TODAY, DateProblem.FUTURE),
    ("lundi prochain", TODAY, DateProblem.FUTURE),
    ("vendredi qui vient", TODAY, DateProblem.FUTURE),
    ("ce vendredi", TODAY, DateProblem.FUTURE),
    ("dans 3 jours", TODAY, DateProblem.FUTURE),
    ("la semaine prochaine", TODAY, DateProblem.FUTURE),
    ("le 3 décembre", TODAY, DateProblem.FUTURE),
    ("03/12", TODAY, DateProblem.FUTURE),
    ("mi-décembre", TODAY, DateProblem.FUTURE),
    ("le 10 janvier", JANUARY, DateProblem.FUTURE),
    ("3/12/2026", TODAY, DateProblem.FUTURE),
    ("2027-01-10", TODAY, DateProblem.FUTURE),
    # impossible
    ("31 février", TODAY, DateProblem.IMPOSSIBLE),
    ("le 30 février", TODAY, DateProblem.IMPOSSIBLE),
    ("32/01", TODAY, DateProblem.IMPOSSIBLE),
    ("30/02", TODAY, DateProblem.IMPOSSIBLE),
    ("31/04", TODAY, DateProblem.IMPOSSIBLE),
    ("03/13", TODAY, DateProblem.IMPOSSIBLE),
    ("29/02/2026", TODAY, DateProblem.IMPOSSIBLE),
    ("le 29 février", TODAY, DateProblem.IMPOSSIBLE),
    ("2026-02-30", TODAY, DateProblem.IMPOSSIBLE),
    ("le 0 mars", TODAY, DateProblem.IMPOSSIBLE),
    ("le 45", TODAY, DateProblem.IMPOSSIBLE),
    # ambiguous
    ("lundi ou mardi", TODAY, DateProblem.AMBIGUOUS),
    ("hier ou avant-hier", TODAY, DateProblem.AMBIGUOUS),
    ("lundi 3 novembre", TODAY, DateProblem.AMBIGUOUS),  # 3 November 2026 is a Tuesday
    ("l'autre jour", TODAY, DateProblem.AMBIGUOUS),
    ("récemment", TODAY, DateProblem.AMBIGUOUS),
    ("il y a pas longtemps", TODAY, DateProblem.AMBIGUOUS),
    ("le 3 ou le 4", TODAY, DateProblem.AMBIGUOUS),
    # not found
    ("", TODAY, DateProblem.NOT_FOUND),
    ("banane", TODAY, DateProblem.NOT_FOUND),
    ("je ne sais pas", TODAY, DateProblem.NOT_FOUND),
    ("après le 2e entretien", TODAY, DateProblem.NOT_FOUND),
    ("le 1er entretien", TODAY, DateProblem.NOT_FOUND),
    ("3 entretiens", TODAY, DateProblem.NOT_FOUND),
    ("à 10h30", TODAY, DateProblem.NOT_FOUND),
    ("depuis lundi j'attends", TODAY, DateProblem.NOT_FOUND),
    ("ça fait 3 semaines que j'attends", TODAY, DateProblem.NOT_FOUND),
    ("février", TODAY, DateProblem.NOT_FOUND),
    ("😭😭😭", TODAY, DateProblem.NOT_FOUND),
]


@pytest.mark.parametrize(("text", "today", "problem"), DATE_ERRORS)
def test_date_errors_come_with_a_question(text: str, today: D, problem: DateProblem) -> None:
    parsed = parse_rejection_date(text, today=today)
    assert not parsed.ok
    assert parsed.date is None
    assert parsed.error == problem, (text, parsed)
    assert parsed.message and "?" in parsed.message, parsed.message


def test_future_day_month_offers_last_year_kindly() -> None:
    parsed = parse_rejection_date("le 3 décembre", today=TODAY)
    assert parsed.error == DateProblem.FUTURE
    assert parsed.candidates == (D(2025, 12, 3),)
    assert parsed.message == (
        "Le jeudi 3 décembre est encore à venir. Vouliez-vous dire le mercredi 3 décembre "
        "2025 ? Sinon, indiquez-moi le jour où la réponse est arrivée."
    )


def test_weekday_mismatch_says_which_day_it_was() -> None:
    parsed = parse_rejection_date("lundi 3 novembre", today=TODAY)
    assert parsed.message is not None
    assert "3 novembre 2026 tombe un mardi, pas un lundi" in parsed.message


def test_ambiguous_dates_list_the_candidates() -> None:
    parsed = parse_rejection_date("lundi ou mardi", today=TODAY)
    assert parsed.candidates == (D(2026, 11, 23), D(2026, 11, 24))
    assert "lundi 23 novembre" in (parsed.message or "")
    assert "mardi 24 novembre" in (parsed.message or "")


def test_impossible_date_names_it() -> None:
    assert "31 février" in (parse_rejection_date("31 février", today=TODAY).message or "")


def test_expression_keeps_the_users_spelling() -> None:
    parsed = parse_rejection_date("Refus reçu Lundi Derneir, dur", today=TODAY)
    assert parsed.date == D(2026, 11, 23)
    assert parsed.expression == "Lundi Derneir"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vendredi prochain", D(2026, 11, 27)),
        ("d'ici vendredi", D(2026, 11, 27)),
        ("mercredi prochain", D(2026, 12, 2)),
        ("le 3 décembre", D(2026, 12, 3)),
        ("03/12", D(2026, 12, 3)),
        ("demain", D(2026, 11, 26)),
        ("dans 10 jours", D(2026, 12, 5)),
        ("sous huitaine", D(2026, 12, 3)),
        ("la semaine prochaine", D(2026, 12, 4)),
        ("fin du mois", D(2026, 11, 30)),
        ("le 20", D(2026, 11, 20)),
        ("hier", D(2026, 11, 24)),
        ("lundi dernier", D(2026, 11, 23)),
    ],
)
def test_decision_dates_may_be_past_or_future(text: str, expected: D) -> None:
    parsed = parse_date(text, today=TODAY, past_only=False)
    assert parsed.ok, (text, parsed)
    assert parsed.date == expected


def test_decision_date_nearest_year_in_january() -> None:
    assert parse_date("le 20 décembre", today=JANUARY, past_only=False).date == D(2025, 12, 20)
    assert parse_date("le 20 janvier", today=JANUARY, past_only=False).date == D(2026, 1, 20)


def test_bare_weekday_as_decision_date_is_asked_back() -> None:
    parsed = parse_date("vendredi", today=TODAY, past_only=False)
    assert parsed.error == DateProblem.AMBIGUOUS
    assert parsed.candidates == (D(2026, 11, 20), D(2026, 11, 27))
    assert parsed.message == (
        "Vous parlez de vendredi dernier (vendredi 20 novembre) ou de vendredi prochain "
        "(vendredi 27 novembre) ?"
    )


def test_format_date_fr() -> None:
    assert format_date_fr(D(2026, 11, 1), today=TODAY) == "dimanche 1er novembre"
    assert format_date_fr(D(2025, 12, 3), today=TODAY) == "mercredi 3 décembre 2025"


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=60),
    st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
)
def test_rejection_date_is_never_in_the_future_and_never_crashes(text: str, today: D) -> None:
    parsed = parse_rejection_date(text, today=today)
    if parsed.ok:
        assert parsed.date is not None and parsed.date <= today
    else:
        assert parsed.error is not None and parsed.message


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=D(2001, 1, 1), max_value=D(2090, 12, 31)), st.integers(0, 6))
def test_weekday_alone_is_within_the_last_seven_days(today: D, weekday: int) -> None:
    parsed = parse_rejection_date(WEEKDAYS_FR[weekday], today=today)
    assert parsed.date is not None
    assert parsed.date.weekday() == weekday
    assert 1 <= (today - parsed.date).days <= 7


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=D(2001, 1, 1), max_value=D(2090, 12, 31)))
def test_numeric_dates_round_trip(day: D) -> None:
    today = day + dt.timedelta(days=3)
    parsed = parse_rejection_date(f"{day.day:02d}/{day.month:02d}/{day.year}", today=today)
    assert parsed.date == day
    parsed = parse_rejection_date(day.isoformat(), today=today)
    assert parsed.date == day


def test_long_input_is_read_up_to_a_limit() -> None:
    assert parse_rejection_date("hier " + "bla " * 2500, today=TODAY).date == D(2026, 11, 24)
    far = parse_rejection_date("bla " * 2500 + "hier", today=TODAY)
    assert far.error == DateProblem.NOT_FOUND


# --------------------------------------------------------------------------- extraction

# (message, company, position, rejection date, stage, formal)
FIRST_MESSAGES: list[tuple[str, str | None, str | None, D | None, str | None, bool | None]] = [
    ("j'ai pas eu le poste chez Decathlon", "Decathlon", None, None, None, None),
    (
        "refus de Capgemini pour le CDI de data analyst reçu hier",
        "Capgemini",
        "data analyst",
        D(2026, 11, 24),
        None,
        True,
    ),
    (
        "BNP m'a dit non pour le stage de chargée de com après le 2e entretien",
        "BNP",
        "chargée de com",
        None,
        "entretiens_suivants",
        None,
    ),
    (
        "Je viens d'apprendre que ma candidature chez L'Oréal au poste de responsable RH n'a "
        "pas été retenue",
        "L'Oréal",
        "responsable RH",
        None,
        None,
        None,
    ),
    (
        "Mail de refus de Thales ce matin pour le poste d'ingénieur systèmes, après le test "
        "technique",
        "Thales",
        "ingénieur systèmes",
        TODAY,
        "test",
        True,
    ),
    (
        "Refusée chez Crédit Agricole en tant que conseillère clientèle lundi dernier",
        "Crédit Agricole",
        "conseillère clientèle",
        D(2026, 11, 23),
        None,
        None,
    ),
    (
        "Société Générale ne m'a pas retenu après l'entretien final pour le poste d'analyste "
        "crédit",
        "Société Générale",
        "analyste crédit",
        None,
        "entretiens_suivants",
        None,
    ),
    (
        "Pas de nouvelles de Ubisoft depuis 3 semaines, je pense que c'est mort",
        "Ubisoft",
        None,
        None,
        None,
        False,
    ),
    (
        "Candidature refusée sans entretien chez Airbus le 3 novembre pour un poste d'acheteur "
        "junior",
        "Airbus",
        "acheteur junior",
        D(2026, 11, 3),
        "candidature",
        None,
    ),
    (
        "L'offre de Doctolib a été retirée après la prise de références",
        "Doctolib",
        None,
        None,
        "offre",
        None,
    ),
    (
        "j'ai eu un refus après l'étude de cas chez Deloitte il y a 3 jours",
        "Deloitte",
        None,
        D(2026, 11, 22),
        "test",
        True,
    ),
    (
        "réponse négative officielle de la SNCF pour l'alternance de développeuse web",
        "SNCF",
        "développeuse web",
        None,
        None,
        True,
    ),
    (
        "Le 3/11 Orange m'a appelé pour me dire que c'était non après le 3e entretien",
        "Orange",
        None,
        D(2026, 11, 3),
        "entretiens_suivants",
        None,
    ),
    (
        "Recalé au premier entretien pour le poste de chef de projet digital chez Free, le 20 "
        "novembre",
        "Free",
        "chef de projet digital",
        D(2026, 11, 20),
        "premier_entretien",
        None,
    ),
    (
        "Hier, Leroy Merlin m'a envoyé un mail de refus pour le poste de vendeur conseil",
        "Leroy Merlin",
        "vendeur conseil",
        D(2026, 11, 24),
        None,
        True,
    ),
    ("La Poste m'a dit non", "La Poste", None, None, None, None),
    (
        "refus de la Banque de France pour le poste d'économiste",
        "Banque de France",
        "économiste",
        None,
        None,
        None,
    ),
    ("Ernst & Young ne m'a pas retenue", "Ernst & Young", None, None, None, None),
    (
        "j'ai passé 3 entretiens chez Michelin et au final c'est non",
        "Michelin",
        None,
        None,
        "entretiens_suivants",
        None,
    ),
    ("pas retenu chez decathlon aujourd'hui", "decathlon", None, TODAY, None, None),
    ("refus d'Airbus 😞", "Airbus", None, None, None, None),
    (
        "le recruteur de chez Sanofi m'a appelée : c'est non",
        "Sanofi",
        None,
        None,
        None,
        None,
    ),
    (
        "Je viens d'avoir un appel de Criteo, pas retenue après le 2ème entretien avec le manager",
        "Criteo",
        None,
        None,
        "entretiens_suivants",
        None,
    ),
    (
        "j'avais postulé le 3 novembre chez Renault, refus ce matin",
        "Renault",
        None,
        TODAY,
        None,
        None,
    ),
    (
        "Promesse d'embauche annulée par Vinci la semaine dernière",
        None,  # "par X" is not read as a company: too often a person
        None,
        D(2026, 11, 18),
        "offre",
        None,
    ),
    (
        "refus reçu par mail chez Safran en tant que technicienne de maintenance",
        "Safran",
        "technicienne de maintenance",
        None,
        None,
        True,
    ),
]


@pytest.mark.parametrize(
    ("text", "company", "position", "date", "stage", "formal"),
    FIRST_MESSAGES,
    ids=[f"m{i:02d}" for i in range(len(FIRST_MESSAGES))],
)
def test_first_message_extraction(
    text: str,
    company: str | None,
    position: str | None,
    date: D | None,
    stage: str | None,
    formal: bool | None,
) -> None:
    facts = extract_rejection_facts(text, today=TODAY)
    assert facts.company == company
    assert facts.position == position
    assert facts.rejection_date == date
    assert facts.stage == stage
    assert facts.formal_rejection is formal


NOTHING_TO_INVENT = [
    "Je n'ai pas eu le poste",
    "refus pour un stage de 6 mois",
    "refus pour mon stage de fin d'études",
    "Je suis dégoûtée",
    "encore un refus…",
    "ils m'ont dit non",
    "Julie m'a dit non",  # a person, not a company
    "Le recruteur m'a dit non",
    "Elle m'a appelée pour me dire que c'était non",
    "chez une startup de la fintech, refus",
    "refus de ma candidature",
    "c'est non pour le poste",
    "mon entretien de lundi n'a rien donné",  # the interview's date, not the rejection's
    "Hier soir j'ai pleuré",
    "",
    "/refus",
]


@pytest.mark.parametrize("text", NOTHING_TO_INVENT)
def test_nothing_is_invented(text: str) -> None:
    facts = extract_rejection_facts(text, today=TODAY)
    assert facts.company is None
    assert facts.position is None
    assert facts.stage is None
    if "Hier" not in text:
        assert facts.rejection_date is None


def test_extraction_keeps_contract_and_slots() -> None:
    facts = extract_rejection_facts(
        "refus de Capgemini pour le CDI de data analyst reçu hier", today=TODAY
    )
    assert facts.contract == "CDI"
    assert facts.slots() == {
        "company": "Capgemini",
        "position": "data analyst",
        "rejection_date": "2026-11-24",
        "formal_rejection": True,
    }
    assert extract_rejection_facts("Je suis triste", today=TODAY).slots() == {}


def test_extraction_reports_an_unusable_date() -> None:
    facts = extract_rejection_facts("refus de Thales le 31 février", today=TODAY)
    assert facts.company == "Thales"
    assert facts.rejection_date is None
    assert facts.date_problem is not None
    assert facts.date_problem.error == DateProblem.IMPOSSIBLE


def test_extraction_marks_approximate_dates() -> None:
    facts = extract_rejection_facts("refus chez Total la semaine dernière", today=TODAY)
    assert facts.company == "Total"
    assert facts.rejection_date == D(2026, 11, 18)
    assert facts.date_approximate


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=200))
def test_extraction_never_crashes(text: str) -> None:
    facts = extract_rejection_facts(text, today=TODAY)
    for value in (facts.company, facts.position):
        assert value is None or (0 < len(value) <= 120 and value in text)
    assert facts.stage is None or facts.stage in intake.STAGES


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("refusé sur CV", "candidature"),
        ("même pas été convoquée", "candidature"),
        ("après l'entretien téléphonique avec la RH", "premier_entretien"),
        ("au 1er entretien", "premier_entretien"),
        ("après le cas pratique", "test"),
        ("test de personnalité raté", "test"),
        ("j'étais finaliste", "entretiens_suivants"),
        ("après deux entretiens", "entretiens_suivants"),
        # The manager may have held the first interview: the rank is not said.
        ("entretien avec le N+1", None),
        ("ils ont retiré leur offre", "offre"),
        ("après la vérification des références", "offre"),
        ("premier entretien puis étude de cas puis entretien final", "entretiens_suivants"),
        ("j'ai postulé à une offre", None),  # the job ad, not an offer
        ("après l'entretien", None),  # which one is not said
    ],
)
def test_detect_stage(text: str, stage: str | None) -> None:
    assert detect_stage(text) == stage


# --------------------------------------------------------------------------- short answers


@pytest.mark.parametrize(
    "text",
    [
        "je ne sais pas",
        "Je sais pas",
        "jsp",
        "JSP",
        "chais pas",
        "aucune idée",
        "Aucune idée 🤷",
        "je ne sais plus",
        "je ne me souviens plus",
        "bof je sais pas trop",
        "euh... je sais pas",
        "pas sûr",
        "🤷‍♀️",
    ],
)
def test_dont_know(text: str) -> None:
    assert is_dont_know(text)


@pytest.mark.parametrize(
    "text",
    ["", "Decathlon", "je ne sais pas si c'était lundi ou mardi", "oui", "non", "?", "passer"],
)
def test_not_dont_know(text: str) -> None:
    assert not is_dont_know(text)


@pytest.mark.parametrize(
    "text",
    ["passer", "Passer", "skip", "on passe", "je passe", "question suivante", "suivant", "⏭"],
)
def test_skip(text: str) -> None:
    assert is_skip(text)
    assert not is_skip(f"{text} chez Decathlon")


def test_prefer_not_to_answer_is_skip() -> None:
    assert is_skip("je préfère ne pas répondre")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oui", True),
        ("Ouais", True),
        ("oui oui", True),
        ("bien sûr", True),
        ("je crois que oui", True),
        ("👍", True),
        ("non", False),
        ("Nan", False),
        ("pas du tout", False),
        ("je crois pas", False),
        ("👎", False),
        ("peut-être", None),
        ("je ne sais pas", None),
        ("banane", None),
        ("", None),
    ],
)
def test_parse_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pourquoi tu me demandes ça ?", True),
        ("Pourquoi vous me demandez ça", True),
        ("ça sert à quoi ?", True),
        ("pk ?", True),
        ("pourquoi cette question ?", True),
        ("mais pourquoi ?", True),
        ("à quoi ça vous sert ?", True),
        ("pourquoi ils m'ont refusé ?", False),
        ("pourquoi moi", False),
        ("Decathlon", False),
        ("oui", False),
    ],
)
def test_why_question(text: str, expected: bool) -> None:
    assert is_why_question(text) is expected


def test_why_we_ask_covers_every_slot() -> None:
    assert set(intake.WHY_WE_ASK) == set(intake.SLOTS)
    for slot, answer in intake.WHY_WE_ASK.items():
        assert 40 <= len(answer) <= 260, slot
        assert answer.endswith("."), slot
    assert "calendrier" in intake.WHY_WE_ASK["rejection_date"]
    assert "calendrier" in intake.WHY_WE_ASK["culture"]
    assert "à qui écrire" in intake.WHY_WE_ASK["interviewer_count"]


# --------------------------------------------------------------------------- validators

Case = tuple[str, str, bool, object]  # slot, answer, ok, value (or message fragment)

VALIDATION_CASES: list[Case] = [
    # company — required, free text
    ("company", "Decathlon", True, "Decathlon"),
    ("company", "  chez Decathlon ! ", True, "Decathlon"),
    ("company", "c'était chez L'Oréal", True, "L'Oréal"),
    ("company", "<b>Orange</b>", True, "Orange"),
    ("company", "une startup de la fintech", True, "une startup de la fintech"),
    ("company", "je sais pas", False, "cabinet de recrutement"),
    ("company", "passer", False, "cabinet de recrutement"),
    ("company", "", False, "nom de l'entreprise"),
    ("company", "🙂", False, "nom de l'entreprise"),
    ("company", "hier", False, "ressemble à une date"),
    ("company", "x" * 130, False, "un peu long"),
    ("company", "/start", False, "commande"),
    # position — required, free text, not "je sais pas"
    ("position", "data analyst", True, "data analyst"),
    ("position", "le poste de chargée de com", True, "chargée de com"),
    ("position", "comme vendeur", True, "vendeur"),
    ("position", "Stage en marketing", True, "Stage en marketing"),
    ("position", "jsp", False, "description approximative"),
    ("position", "je ne sais pas", False, "description approximative"),
    ("position", "   ", False, "intitulé du poste"),
    ("position", "y" * 121, False, "un peu long"),
    # rejection_date — required
    ("rejection_date", "hier", True, D(2026, 11, 24)),
    ("rejection_date", "le 3 novembre", True, D(2026, 11, 3)),
    ("rejection_date", "03/11", True, D(2026, 11, 3)),
    ("rejection_date", "je ne sais pas", False, "approximative"),
    ("rejection_date", "31 février", False, "n'existe pas"),
    ("rejection_date", "demain", False, "pas encore passé"),
    ("rejection_date", "le 3 décembre", False, "3 décembre 2025"),
    ("rejection_date", "lundi ou mardi", False, "J'hésite"),
    ("rejection_date", "banane", False, "pas reconnu de date"),
    # stage — button value or free text
    ("stage", "test", True, "test"),
    ("stage", "premier_entretien", True, "premier_entretien"),
    ("stage", "Premier entretien", True, "premier_entretien"),
    ("stage", "Entretiens suivants (2e, final…)", True, "entretiens_suivants"),
    ("stage", "après le 2e entretien", True, "entretiens_suivants"),
    ("stage", "final", True, "entretiens_suivants"),
    ("stage", "cv", True, "candidature"),
    ("stage", "au tout début", True, "candidature"),
    ("stage", "étude de cas", True, "test"),
    ("stage", "offre", True, "offre"),
    ("stage", "références", True, "offre"),
    ("stage", "jsp", True, None),
    ("stage", "entretien", False, "premier entretien"),
    ("stage", "bof", False, "Jusqu'où"),
    # formal_rejection — oui / non / je ne sais pas
    ("formal_rejection", "oui", True, True),
    ("formal_rejection", "oui par mail", True, True),
    ("formal_rejection", "un mail de refus", True, True),
    ("formal_rejection", "non", True, False),
    ("formal_rejection", "pas encore", True, False),
    ("formal_rejection", "pas de réponse officielle", True, False),
    ("formal_rejection", "jsp", True, None),
    ("formal_rejection", "peut-être", False, "réponse officielle"),
    ("formal_rejection", "banane", False, "réponse officielle"),
    # decision_date — optional, past or future
    ("decision_date", "vendredi prochain", True, D(2026, 11, 27)),
    ("decision_date", "le 3 décembre", True, D(2026, 12, 3)),
    ("decision_date", "hier", True, D(2026, 11, 24)),
    ("decision_date", "aucune", True, None),
    ("decision_date", "non", True, None),
    ("decision_date", "ils n'ont rien dit", True, None),
    ("decision_date", "je ne sais pas", True, None),
    ("decision_date", "passer", True, None),
    ("decision_date", "vendredi", False, "vendredi dernier"),
    ("decision_date", "31/02", False, "n'existe pas"),
    ("decision_date", "banane", False, "« aucune »"),
    ("decision_date", "3/12/2029", False, "plus d'un an"),
    # interviewer_count
    ("interviewer_count", "un seul", True, 1),
    ("interviewer_count", "une seule personne", True, 1),
    ("interviewer_count", "1", True, 1),
    ("interviewer_count", "plusieurs", True, 2),
    ("interviewer_count", "un jury", True, 2),
    ("interviewer_count", "3", True, 3),
    ("interviewer_count", "trois personnes", True, 3),
    ("interviewer_count", "2 ou 3", True, 2),
    ("interviewer_count", "aucun", True, 0),
    ("interviewer_count", "0", True, 0),
    ("interviewer_count", "personne", True, 0),
    ("interviewer_count", "je ne sais plus", True, None),
    ("interviewer_count", "1 ou 2", False, "Une seule personne, ou plusieurs"),
    ("interviewer_count", "50", False, "beaucoup de monde"),
    ("interviewer_count", "banane", False, "une seule, plusieurs, ou aucune"),
    # interviewer_names
    ("interviewer_names", "Julie Martin et Paul Durand", True, ["Julie Martin", "Paul Durand"]),
    ("interviewer_names", "julie martin, paul durand", True, ["Julie Martin", "Paul Durand"]),
    ("interviewer_names", "Mme Dupont (RH), M. Leroy", True, ["Mme Dupont", "M. Leroy"]),
    ("interviewer_names", "Julie (RH) et Marc, le manager", True, ["Julie", "Marc"]),
    ("interviewer_names", "jean-pierre de la fontaine", True, ["Jean-Pierre de la Fontaine"]),
    ("interviewer_names", "je ne sais plus", True, None),
    ("interviewer_names", "aucun", True, None),
    ("interviewer_names", "passer", True, None),
    (
        "interviewer_names",
        "ceci est une très longue phrase qui ne ressemble pas à des noms",
        False,
        "séparés par des virgules",
    ),
    # met_hiring_manager
    ("met_hiring_manager", "oui", True, True),
    ("met_hiring_manager", "ouais", True, True),
    ("met_hiring_manager", "non", True, False),
    ("met_hiring_manager", "je crois pas", True, False),
    ("met_hiring_manager", "je sais pas", True, None),
    ("met_hiring_manager", "peut-être", False, "Oui, non"),
    ("met_hiring_manager", "banane", False, "Oui, non"),
    # hr_contact / network_contact
    ("hr_contact", "Claire Dubois", True, "Claire Dubois"),
    ("hr_contact", "claire", True, "Claire"),
    ("hr_contact", "non", True, None),
    ("hr_contact", "personne", True, None),
    ("hr_contact", "jsp", True, None),
    ("hr_contact", "oui", False, "Comment s'appelle cette personne des RH"),
    ("hr_contact", "z" * 130, False, "Juste le nom"),
    ("network_contact", "Paul, un ancien collègue", True, "Paul, un ancien collègue"),
    ("network_contact", "aucun", True, None),
    ("network_contact", "skip", True, None),
    ("network_contact", "oui", False, "votre réseau"),
    # culture
    ("culture", "formelle", True, "formal"),
    ("culture", "Plutôt formelle", True, "formal"),
    ("culture", "corporate", True, "formal"),
    ("culture", "pas décontractée du tout", True, "formal"),
    ("culture", "décontractée", True, "casual"),
    ("culture", "Plutôt décontractée", True, "casual"),
    ("culture", "plutôt cool, startup", True, "casual"),
    ("culture", "pas très formelle", True, "casual"),
    ("culture", "je ne sais pas", True, "unknown"),
    ("culture", "entre les deux", True, "unknown"),
    ("culture", "unknown", True, "unknown"),
    ("culture", "banane", False, "plutôt formelle, plutôt"),
]


@pytest.mark.parametrize(
    ("slot", "answer", "ok", "expected"),
    VALIDATION_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(VALIDATION_CASES)],
)
def test_slot_validation(slot: str, answer: str, ok: bool, expected: object) -> None:
    result = intake.validate_slot(slot, answer, today=TODAY)
    assert result.ok is ok, result
    if ok:
        assert result.value == expected
    else:
        assert result.value is None
        assert isinstance(expected, str) and result.message and expected in result.message


def test_every_slot_has_a_validator() -> None:
    for slot in intake.SLOTS:
        assert callable(getattr(intake, f"validate_{slot}"))
        assert intake.validate_slot(slot, "  ", today=TODAY) is not None
    with pytest.raises(KeyError):
        intake.validate_slot("shoe_size", "42", today=TODAY)


OPTIONAL_SLOTS = [
    "stage",
    "formal_rejection",
    "decision_date",
    "interviewer_count",
    "interviewer_names",
    "met_hiring_manager",
    "hr_contact",
    "network_contact",
    "culture",
]


@pytest.mark.parametrize("slot", OPTIONAL_SLOTS)
@pytest.mark.parametrize("answer", ["je ne sais pas", "jsp", "aucune idée", "passer", "skip"])
def test_dont_know_and_skip_are_accepted_on_optional_slots(slot: str, answer: str) -> None:
    result = intake.validate_slot(slot, answer, today=TODAY)
    assert result.ok and result.skipped
    assert result.value == ("unknown" if slot == "culture" else None)
    assert result.as_slot() == intake.UNKNOWN


@pytest.mark.parametrize("slot", ["company", "position", "rejection_date"])
@pytest.mark.parametrize("answer", ["je ne sais pas", "passer"])
def test_required_slots_explain_what_is_enough(slot: str, answer: str) -> None:
    result = intake.validate_slot(slot, answer, today=TODAY)
    assert not result.ok
    assert result.message and len(result.message) > 40


def test_approximate_date_is_confirmed() -> None:
    result = intake.validate_rejection_date("la semaine dernière", today=TODAY)
    assert result.ok and result.value == D(2026, 11, 18)
    assert result.message == "Je note le mercredi 18 novembre, à quelques jours près."
    assert result.as_slot() == "2026-11-18"


def test_as_slot_values() -> None:
    assert Validation(ok=True, value=D(2026, 1, 2)).as_slot() == "2026-01-02"
    assert Validation(ok=True, value=None).as_slot() is None
    assert Validation(ok=True, value=None, skipped=True).as_slot() == "unknown"
    assert Validation(ok=False, message="?").as_slot() is None
    assert Validation(ok=True, value=["A", "B"]).as_slot() == ["A", "B"]


def test_button_choices_validate_to_their_values() -> None:
    groups: list[tuple[str, tuple[tuple[str, str], ...]]] = [
        ("stage", intake.STAGE_CHOICES),
        ("culture", intake.CULTURE_CHOICES),
        ("interviewer_count", intake.INTERVIEWER_COUNT_CHOICES),
        ("met_hiring_manager", intake.YES_NO_CHOICES),
        ("formal_rejection", intake.YES_NO_CHOICES),
    ]
    for slot, choices in groups:
        for title, value in choices:
            by_value = intake.validate_slot(slot, value, today=TODAY)
            by_title = intake.validate_slot(slot, title, today=TODAY)
            assert by_value.ok and by_title.ok, (slot, title)
            assert by_value.value == by_title.value, (slot, title)
    assert [v for _, v in intake.STAGE_CHOICES] == list(intake.STAGES)


BAD_INPUTS = [
    "",
    " ",
    "x" * 10_000,
    "😭" * 50,
    "<script>alert(1)</script>",
    "**gras** _italique_",
    "'; DROP TABLE rejections; --",
    "\x00\x01\x02",
    "/unknown_command",
]


@pytest.mark.parametrize("slot", intake.SLOTS)
@pytest.mark.parametrize("answer", BAD_INPUTS)
def test_bad_input_gets_an_answer_never_a_crash(slot: str, answer: str) -> None:
    result = intake.validate_slot(slot, answer, today=TODAY)
    assert result.ok or result.message
    if isinstance(result.value, str):
        assert len(result.value) <= 120
        assert "<" not in result.value


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(intake.SLOTS), st.text(max_size=80))
def test_validators_are_total(slot: str, answer: str) -> None:
    result = intake.validate_slot(slot, answer, today=TODAY)
    assert result.ok or (result.message and not result.skipped)


# --------------------------------------------------------------------------- corrections


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("en fait c'était mardi", "rejection_date", "mardi"),
        ("En fait c'était hier", "rejection_date", "hier"),
        ("pardon, c'était le 3 novembre", "rejection_date", "le 3 novembre"),
        ("ce n'était pas lundi mais mardi", "rejection_date", "mardi"),
        ("non je me suis trompé, c'était chez Orange", "company", "Orange"),
        ("je me suis trompée d'entreprise, c'est chez Thales", "company", "Thales"),
        ("oups, le poste c'était chef de projet", "position", "chef de projet"),
        ("en fait j'ai eu deux entretiens", "stage", "j'ai eu deux entretiens"),
        ("en fait la culture est plutôt cool", "culture", "la culture est plutôt cool"),
        ("erreur : la date de décision c'est le 3 décembre", "decision_date", None),
        ("en fait non", None, None),
    ],
)
def test_corrections(text: str, slot: str | None, value: str | None) -> None:
    assert detect_correction(text)
    correction = parse_correction(text, today=TODAY)
    assert correction is not None
    assert correction.slot == slot
    if value is not None:
        assert correction.value == value
    assert corrections.correction_slot(text, today=TODAY) == slot


def test_corrected_value_validates_for_its_slot() -> None:
    correction = parse_correction("en fait c'était mardi", today=TODAY)
    assert correction is not None and correction.slot and correction.value
    result = intake.validate_slot(correction.slot, correction.value, today=TODAY)
    assert result.value == D(2026, 11, 24)


@pytest.mark.parametrize(
    "text",
    ["non", "oui", "hier", "Decathlon", "mardi", "plutôt formelle", "je ne sais pas", ""],
)
def test_plain_answers_are_not_corrections(text: str) -> None:
    assert not detect_correction(text)
    assert parse_correction(text, today=TODAY) is None


# --------------------------------------------------------------------------- wording


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _fold_words(text: str) -> list[str]:
    import unicodedata

    text = text.lower().replace("œ", "oe")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text)


def _user_facing_texts(*, with_literals: bool = False) -> list[str]:
    texts = list(intake.WHY_WE_ASK.values())
    texts += [label for label, _ in intake.STAGE_CHOICES + intake.CULTURE_CHOICES]
    answers = ["", "jsp", "banane", "entretien", "1 ou 2", "50", "oui", "x" * 200, "hier"]
    for slot in intake.SLOTS:
        for answer in answers:
            result = intake.validate_slot(slot, answer, today=TODAY)
            if result.message:
                texts.append(result.message)
    for text, today, _ in DATE_ERRORS:
        texts.append(parse_rejection_date(text, today=today).message or "")
    if not with_literals:
        return texts
    # Every string literal of the module too, in case a message is not reached above.
    for module in TEXT_MODULES:
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        texts += [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
    return texts


def test_no_eight_words_copied_from_the_article() -> None:
    if not ARTICLE.exists():
        pytest.skip("reference article not available")
    article = _ngrams(_fold_words(ARTICLE.read_text(encoding="utf-8")), 8)
    for text in _user_facing_texts(with_literals=True):
        copied = _ngrams(_fold_words(text), 8) & article
        assert not copied, (text, copied)


def test_user_facing_texts_use_vouvoiement() -> None:
    for text in _user_facing_texts():
        words = set(_fold_words(text))
        assert not words & {"tu", "ton", "ta", "tes", "toi", "te"}, text


# --------------------------------------------------------------------------- chatter


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("company", "Carrefour, je te l'ai dit", "Carrefour"),
        ("company", "euh Carrefour je crois", "Carrefour"),
        ("company", "Thales il me semble", "Thales"),
        ("company", "Bon Marché", "Bon Marché"),
        ("company", "Quoi de Neuf SARL", "Quoi de Neuf SARL"),
        ("position", "vendeuse aussi, rayon running", "vendeuse, rayon running"),
        ("position", "caissière je pense", "caissière"),
        ("interviewer_names", "mme dupont je crois", ["Mme Dupont"]),
        (
            "interviewer_names",
            "Julie Martin et Paul Durand, de mémoire",
            ["Julie Martin", "Paul Durand"],
        ),
        ("hr_contact", "Sophie Leroy normalement", "Sophie Leroy"),
    ],
)
def test_chatter_around_an_answer_is_not_stored(slot: str, text: str, value: object) -> None:
    result = intake.validate_slot(slot, text, today=TODAY)
    assert result.ok and result.value == value


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("juste le manager, M. Leroy", 1),
        ("seulement la DRH", 1),
        ("la manager", 1),
        ("le manager et la RH", 2),
        ("1 seule, la responsable du magasin", 1),
    ],
)
def test_interviewers_told_by_their_role_are_counted(text: str, count: int) -> None:
    result = intake.validate_interviewer_count(text)
    assert result.ok and result.value == count


@pytest.mark.parametrize(
    ("text", "manager"),
    [
        ("1 seule, la responsable du magasin", True),
        ("juste le manager, M. Leroy", True),
        ("le directeur de l'agence", True),
        ("ma future cheffe et une RH", True),
        ("Julie Martin", False),
        ("la DRH et le responsable RH", False),
    ],
)
def test_the_hiring_manager_among_the_interviewers_is_read(text: str, manager: bool) -> None:
    assert entities.names_hiring_manager(text) is manager
