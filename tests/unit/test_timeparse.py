"""French reminder times in free text, against a fixed clock (coach.language.times)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.language.times import ParsedWhen, WhenError, WhenProblem, format_fr, parse_when

PARIS = ZoneInfo("Europe/Paris")
# Wednesday 25 November 2026, 14:30 in Paris.
NOW = dt.datetime(2026, 11, 25, 14, 30, tzinfo=PARIS)


def when(text: str, now: dt.datetime = NOW, tz: str = "Europe/Paris") -> ParsedWhen:
    result = parse_when(text, now=now, tz=tz)
    assert isinstance(result, ParsedWhen), f"{text!r} → {result}"
    assert result.due.tzinfo == dt.UTC
    assert result.local.astimezone(dt.UTC) == result.due
    return result


def local(text: str, now: dt.datetime = NOW, tz: str = "Europe/Paris") -> dt.datetime:
    return when(text, now, tz).local.replace(tzinfo=None)


def problem(text: str, now: dt.datetime = NOW) -> WhenProblem:
    result = parse_when(text, now=now)
    assert isinstance(result, WhenError), f"{text!r} → {result}"
    assert result.message  # something to tell the user, in French
    return result.problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vendredi à 10h", dt.datetime(2026, 11, 27, 10, 0)),
        ("vendredi 10h30", dt.datetime(2026, 11, 27, 10, 30)),
        ("Vendredi 10 h 30", dt.datetime(2026, 11, 27, 10, 30)),
        ("vendredi a 10:30", dt.datetime(2026, 11, 27, 10, 30)),
        ("demain matin", dt.datetime(2026, 11, 26, 9, 0)),
        ("demain", dt.datetime(2026, 11, 26, 9, 0)),
        ("demain à 14h", dt.datetime(2026, 11, 26, 14, 0)),
        ("après-demain", dt.datetime(2026, 11, 27, 9, 0)),
        ("apres demain soir", dt.datetime(2026, 11, 27, 19, 0)),
        ("ce soir", dt.datetime(2026, 11, 25, 19, 0)),
        ("dans 3 jours", dt.datetime(2026, 11, 28, 14, 30)),
        ("dans trois jours à 10h", dt.datetime(2026, 11, 28, 10, 0)),
        ("dans 2 heures", dt.datetime(2026, 11, 25, 16, 30)),
        ("dans 20 min", dt.datetime(2026, 11, 25, 14, 50)),
        ("dans 1h30", dt.datetime(2026, 11, 25, 16, 0)),
        ("dans une demi-heure", dt.datetime(2026, 11, 25, 15, 0)),
        ("dans une semaine", dt.datetime(2026, 12, 2, 14, 30)),
        ("dans huit jours", dt.datetime(2026, 12, 2, 14, 30)),
        ("dans quinze jours", dt.datetime(2026, 12, 9, 14, 30)),
        ("d'ici 2 mois", dt.datetime(2027, 1, 25, 14, 30)),
        ("lundi prochain", dt.datetime(2026, 11, 30, 9, 0)),
        ("lundi en huit", dt.datetime(2026, 12, 7, 9, 0)),
        ("mardi de la semaine prochaine", dt.datetime(2026, 12, 1, 9, 0)),
        ("mercredi", dt.datetime(2026, 12, 2, 9, 0)),  # today is Wednesday: next week's
        ("le 3 décembre à 14h", dt.datetime(2026, 12, 3, 14, 0)),
        ("le 3 decembre a 14h", dt.datetime(2026, 12, 3, 14, 0)),
        ("3 déc. à 9h", dt.datetime(2026, 12, 3, 9, 0)),
        ("le 1er décembre", dt.datetime(2026, 12, 1, 9, 0)),
        ("vendredi 27 novembre à 10h", dt.datetime(2026, 11, 27, 10, 0)),
        ("03/12 à 9h", dt.datetime(2026, 12, 3, 9, 0)),
        ("3/12/2026 à 9h", dt.datetime(2026, 12, 3, 9, 0)),
        ("le 3 janvier", dt.datetime(2027, 1, 3, 9, 0)),  # passed long ago: next year's
        ("à 18h", dt.datetime(2026, 11, 25, 18, 0)),  # still ahead today
        ("à 11h", dt.datetime(2026, 11, 26, 11, 0)),  # passed: tomorrow
        ("à midi", dt.datetime(2026, 11, 26, 12, 0)),
        ("demain midi", dt.datetime(2026, 11, 26, 12, 0)),
        ("la semaine prochaine", dt.datetime(2026, 11, 30, 9, 0)),
        ("le mois prochain", dt.datetime(2026, 12, 1, 9, 0)),
        ("ce week-end", dt.datetime(2026, 11, 28, 9, 0)),
        ("demain soir à 8h", dt.datetime(2026, 11, 26, 20, 0)),
        ("vendredi après-midi à 3h", dt.datetime(2026, 11, 27, 15, 0)),
        ("à 3h de l'après-midi", dt.datetime(2026, 11, 25, 15, 0)),
        ("8h du soir", dt.datetime(2026, 11, 25, 20, 0)),
        ("demain à 10h et demie", dt.datetime(2026, 11, 26, 10, 30)),
        ("demain 9h et quart", dt.datetime(2026, 11, 26, 9, 15)),
        ("demain en fin de journée", dt.datetime(2026, 11, 26, 17, 30)),
        ("cet après-midi", dt.datetime(2026, 11, 25, 15, 30)),  # it has begun: in an hour
        # typos and missing accents
        ("vendredie a 10h", dt.datetime(2026, 11, 27, 10, 0)),
        ("mecredi prochain", dt.datetime(2026, 12, 2, 9, 0)),
        ("samdi a 11h", dt.datetime(2026, 11, 28, 11, 0)),
        ("demian matin", dt.datetime(2026, 11, 26, 9, 0)),
        ("DEMAIN MATIN", dt.datetime(2026, 11, 26, 9, 0)),
    ],
)
def test_phrasings(text: str, expected: dt.datetime) -> None:
    assert local(text) == expected


@pytest.mark.parametrize(
    ("text", "what", "expected"),
    [
        (
            "rappelle-moi vendredi à 10h de relancer Decathlon",
            "relancer Decathlon",
            dt.datetime(2026, 11, 27, 10, 0),
        ),
        ("Rappelez-moi demain d'appeler Marie", "appeler Marie", dt.datetime(2026, 11, 26, 9, 0)),
        ("Demain 9h : appeler Marie", "appeler Marie", dt.datetime(2026, 11, 26, 9, 0)),
        (
            "dans 3 jours, relancer le recruteur",
            "relancer le recruteur",
            dt.datetime(2026, 11, 28, 14, 30),
        ),
        (
            "rappelle moi vendredie a 10h de relancer Thalès stp",
            "relancer Thalès",
            dt.datetime(2026, 11, 27, 10, 0),
        ),
        (
            "Pouvez-vous me rappeler de préparer l'entretien le 3 décembre à 14h ?",
            "préparer l'entretien",
            dt.datetime(2026, 12, 3, 14, 0),
        ),
        (
            "fais-moi penser à envoyer le mail après-demain",
            "envoyer le mail",
            dt.datetime(2026, 11, 27, 9, 0),
        ),
        (
            "Rappelle moi de rappeler Julie dans 20 min",
            "rappeler Julie",
            dt.datetime(2026, 11, 25, 14, 50),
        ),
        # a duration is part of the task, not a clock time
        ("réviser pendant 2h demain", "réviser pendant 2h", dt.datetime(2026, 11, 26, 9, 0)),
        # a name one letter away from a key word stays as written
        ("appeler Martin demain", "appeler Martin", dt.datetime(2026, 11, 26, 9, 0)),
    ],
)
def test_what_is_the_rest_of_the_message(text: str, what: str, expected: dt.datetime) -> None:
    parsed = when(text)
    assert parsed.what == what
    assert parsed.local.replace(tzinfo=None) == expected


def test_expression_and_whether_the_hour_was_given() -> None:
    parsed = when("rappelle-moi vendredi à 10h de relancer Decathlon")
    assert parsed.expression == "vendredi à 10h"
    assert parsed.time_given
    assert not when("demain").time_given


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31 février", WhenProblem.IMPOSSIBLE_DATE),
        ("le 30 février à 10h", WhenProblem.IMPOSSIBLE_DATE),
        ("31/04", WhenProblem.IMPOSSIBLE_DATE),
        ("32 mars", WhenProblem.IMPOSSIBLE_DATE),
        ("15/13", WhenProblem.IMPOSSIBLE_DATE),
        ("demain à 25h", WhenProblem.IMPOSSIBLE_DATE),
        ("demain à 10h75", WhenProblem.IMPOSSIBLE_DATE),
        ("hier à 10h", WhenProblem.PAST),
        ("avant-hier", WhenProblem.PAST),
        ("ce matin", WhenProblem.PAST),
        ("le 20 novembre", WhenProblem.PAST),  # a few days ago, not next year
        ("20/11/2026", WhenProblem.PAST),
        ("le 3 décembre 2025", WhenProblem.PAST),
        ("dans 2 ans", WhenProblem.TOO_FAR),
        ("le 3 décembre 2031", WhenProblem.TOO_FAR),
        ("jeudi 27 novembre", WhenProblem.WEEKDAY_MISMATCH),
        ("bonjour", WhenProblem.NO_TIME),
        ("", WhenProblem.NO_TIME),
        ("relancer Decathlon", WhenProblem.NO_TIME),
    ],
)
def test_impossible_past_or_missing(text: str, expected: WhenProblem) -> None:
    assert problem(text) == expected


def test_weekday_mismatch_says_which_day_it_is() -> None:
    result = parse_when("jeudi 27 novembre", now=NOW)
    assert isinstance(result, WhenError)
    assert "vendredi" in result.message


def test_29_february_of_a_leap_year() -> None:
    leap_now = dt.datetime(2027, 12, 1, 12, 0, tzinfo=PARIS)
    assert local("le 29 février", leap_now) == dt.datetime(2028, 2, 29, 9, 0)
    assert problem("29/02/2027", leap_now) == WhenProblem.IMPOSSIBLE_DATE


def test_evening_once_begun_then_over() -> None:
    evening = dt.datetime(2026, 11, 25, 20, 10, tzinfo=PARIS)
    # One hour later, rounded up to the quarter (quiet hours are the scheduler's job).
    assert local("ce soir", evening) == dt.datetime(2026, 11, 25, 21, 15)
    late = dt.datetime(2026, 11, 25, 23, 20, tzinfo=PARIS)
    assert problem("ce soir", late) == WhenProblem.PAST


def test_other_timezone() -> None:
    parsed = when("demain à 10h", tz="America/Montreal")
    assert parsed.local.replace(tzinfo=None) == dt.datetime(2026, 11, 26, 10, 0)
    assert parsed.due == dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)


def test_unknown_timezone_falls_back_to_paris() -> None:
    assert when("demain à 10h", tz="Mars/Olympus").due == dt.datetime(
        2026, 11, 26, 9, 0, tzinfo=dt.UTC
    )


# --------------------------------------------------------------------------- DST weekend
# Summer time ends in Paris on Sunday 25 October 2026 at 03:00 (→ 02:00).

SATURDAY = dt.datetime(2026, 10, 24, 11, 0, tzinfo=PARIS)


def test_tomorrow_keeps_the_wall_clock_across_the_autumn_change() -> None:
    parsed = when("demain à 10h", SATURDAY)
    assert parsed.local.replace(tzinfo=None) == dt.datetime(2026, 10, 25, 10, 0)
    assert parsed.due == dt.datetime(2026, 10, 25, 9, 0, tzinfo=dt.UTC)  # UTC+1 again
    assert SATURDAY.astimezone(dt.UTC).hour == 9  # UTC+2 the day before
    assert parsed.due - SATURDAY == dt.timedelta(hours=24)


def test_in_days_keeps_the_wall_clock_in_hours_is_elapsed_time() -> None:
    assert local("dans 1 jour", SATURDAY) == dt.datetime(2026, 10, 25, 11, 0)
    night = dt.datetime(2026, 10, 25, 1, 30, tzinfo=PARIS)  # before the change
    parsed = when("dans 2 heures", night)
    assert parsed.due - night == dt.timedelta(hours=2)
    assert parsed.local.replace(tzinfo=None) == dt.datetime(2026, 10, 25, 2, 30)


def test_ambiguous_autumn_time_is_its_first_occurrence() -> None:
    parsed = when("demain à 2h30", SATURDAY)
    assert parsed.due == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # still UTC+2


def test_spring_gap_moves_forward() -> None:
    saturday = dt.datetime(2026, 3, 28, 12, 0, tzinfo=PARIS)
    parsed = when("demain à 2h30", saturday)  # 02:30 does not exist on 29 March
    assert parsed.local.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 30)
    assert when("demain à 10h", saturday).due == dt.datetime(2026, 3, 29, 8, 0, tzinfo=dt.UTC)


def test_weekday_after_the_change() -> None:
    friday = dt.datetime(2026, 10, 23, 18, 0, tzinfo=PARIS)
    assert when("lundi à 9h", friday).due == dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- format_fr


def test_format_fr() -> None:
    moment = dt.datetime(2026, 11, 27, 10, 0, tzinfo=PARIS)
    assert format_fr(moment) == "vendredi 27 novembre à 10 h 00"
    assert format_fr(dt.datetime(2026, 12, 1, 9, 5, tzinfo=PARIS)) == "mardi 1er décembre à 9 h 05"
    assert format_fr(moment, now=NOW) == "vendredi 27 novembre à 10 h 00"
    next_year = dt.datetime(2027, 1, 3, 9, 0, tzinfo=PARIS)
    assert format_fr(next_year, now=NOW) == "dimanche 3 janvier 2027 à 9 h 00"
    assert format_fr(dt.datetime(2026, 8, 15, 0, 0, tzinfo=PARIS)) == "samedi 15 août à 0 h 00"


# --------------------------------------------------------------------------- robustness


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=80),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365 * 3),
)
def test_never_crashes_and_never_returns_the_past(text: str, minutes: int) -> None:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    result = parse_when(text, now=now)
    if isinstance(result, ParsedWhen):
        assert now < result.due <= now + dt.timedelta(days=366)
        assert result.due.tzinfo == dt.UTC
    else:
        assert isinstance(result.problem, WhenProblem)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "demain",
                "vendredi",
                "à",
                "10h",
                "dans",
                "3",
                "jours",
                "le",
                "3",
                "décembre",
                "soir",
                "matin",
                "prochain",
                "hier",
                "31",
                "février",
                "/",
                "12",
                "relancer",
                "Decathlon",
                "de",
                "rappelle-moi",
                "midi",
                "semaine",
                "et",
                "demie",
            ]
        ),
        max_size=8,
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
)
def test_word_salad_is_answered(words: list[str], minutes: int) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    result = parse_when(" ".join(words), now=now)
    if isinstance(result, ParsedWhen):
        assert result.due > now
    else:
        assert result.message


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_when("demain", now=dt.datetime(2026, 11, 25, 12, 0))
