"""Applications in progress, pure rules: nudge instants (business days, French public
holidays, weekends, daylight saving), stage transitions, and the French readers.

Expected values are worked out by hand from a calendar: 2026-11-25 is a Wednesday;
Armistice (11 November 2026) is a Wednesday, Ascension (14 May 2026) a Thursday, Victoire
(8 May 2026) a Friday, Christmas 2026 a Friday; Paris leaves summer time on Sunday
25 October 2026 (UTC+2 → UTC+1) and enters it on Sunday 29 March 2026.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coach import pipeline
from coach.language.dates import DateProblem
from coach.language.pipeline_text import read_application, read_channel, read_stage_news
from coach.reminders import (
    BUSINESS_DAY_KINDS,
    KIND_LABELS,
    KINDS,
    QUIET_HOURS_EXEMPT,
    STALE_AFTER,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
TODAY = dt.date(2026, 11, 25)  # a Wednesday
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 10:00 in Paris


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# --------------------------------------------------------------------------- nudge instants


@pytest.mark.parametrize(
    ("applied_on", "expected"),
    [
        # Tue 24 Nov → 25, 26, 27, 30 Nov, 1, 2, 3 Dec: Thursday 3 December, 10:00 (UTC+1).
        (dt.date(2026, 11, 24), utc(2026, 12, 3, 9, 0)),
        # Thu 5 Nov → 6, 9, 10, (11 Armistice), 12, 13, 16, 17: Tuesday 17 November.
        (dt.date(2026, 11, 5), utc(2026, 11, 17, 9, 0)),
        # Sat 7 Nov (sent on a weekend) → 9, 10, (11), 12, 13, 16, 17, 18: Wednesday 18.
        (dt.date(2026, 11, 7), utc(2026, 11, 18, 9, 0)),
        # Thu 7 May → (8 Victoire), 11, 12, 13, (14 Ascension), 15 (the « pont » is worked),
        # 18, 19, 20: Wednesday 20 May, 10:00 summer time (UTC+2).
        (dt.date(2026, 5, 7), utc(2026, 5, 20, 8, 0)),
        # DST week: Tue 20 Oct (summer time) → 21, 22, 23, 26, 27, 28, 29 Oct: Thursday
        # 29 October, 10:00 winter time (UTC+1) — still 10:00 on the wall clock.
        (dt.date(2026, 10, 20), utc(2026, 10, 29, 9, 0)),
    ],
)
def test_follow_up_after_seven_business_days(applied_on: dt.date, expected: dt.datetime) -> None:
    assert pipeline.follow_up_due(applied_on, PARIS) == expected


def test_follow_up_with_a_regional_holiday() -> None:
    # Mon 30 March → 31, 1, 2, 3 (Good Friday, worked), (6 Easter Monday), 7, 8, 9:
    # Thursday 9 April, 10:00 summer time. In Moselle (57) Good Friday is a holiday too:
    # 31, 1, 2, 7, 8, 9, 10 → Friday 10 April.
    assert pipeline.follow_up_due(dt.date(2026, 3, 30), PARIS) == utc(2026, 4, 9, 8, 0)
    assert pipeline.follow_up_due(dt.date(2026, 3, 30), PARIS, "57") == utc(2026, 4, 10, 8, 0)


def test_interview_nudges_across_the_autumn_change() -> None:
    # Interview on Monday 26 October 2026 at 9:00 Paris (winter time: 08:00 UTC).
    interview = paris(2026, 10, 26, 9, 0)
    assert interview.astimezone(UTC) == utc(2026, 10, 26, 8, 0)
    # The day before is Sunday 25 October, the day of the change: 10:00 is already UTC+1.
    assert pipeline.prep_due(interview, PARIS) == utc(2026, 10, 25, 9, 0)
    assert pipeline.soon_due(interview) == utc(2026, 10, 26, 7, 0)
    assert pipeline.debrief_due(dt.date(2026, 10, 26), PARIS) == utc(2026, 10, 27, 9, 0)


def test_interview_nudges_across_the_spring_change() -> None:
    # Interview on Monday 30 March 2026 at 14:00 Paris (summer time: 12:00 UTC).
    interview = paris(2026, 3, 30, 14, 0)
    # Sunday 29 March, 10:00: summer time began at 02:00 that night, so 08:00 UTC.
    assert pipeline.prep_due(interview, PARIS) == utc(2026, 3, 29, 8, 0)
    assert pipeline.soon_due(interview) == utc(2026, 3, 30, 11, 0)
    # The day before, at 10:00, was still winter time when the interview is on Sunday.
    assert pipeline.prep_due(paris(2026, 3, 29, 15, 0), PARIS) == utc(2026, 3, 28, 9, 0)


def test_prep_uses_the_local_day_not_the_utc_day() -> None:
    # 00:30 in Paris on Friday 27 November is still Thursday 26 in UTC: the day before is
    # Thursday 26 (local), not Wednesday 25.
    interview = paris(2026, 11, 27, 0, 30)
    assert interview.astimezone(UTC).date() == dt.date(2026, 11, 26)
    assert pipeline.prep_due(interview, PARIS) == utc(2026, 11, 26, 9, 0)


def test_silence_four_weeks_after_the_news() -> None:
    # 25 November + 28 days = Wednesday 23 December, 10:00 (UTC+1).
    assert pipeline.silence_due(TODAY, PARIS) == utc(2026, 12, 23, 9, 0)
    # In Montréal (UTC-5 in December): 10:00 local is 15:00 UTC.
    montreal = ZoneInfo("America/Montreal")
    assert pipeline.silence_due(TODAY, montreal) == utc(2026, 12, 23, 15, 0)


def test_reminder_policy_knows_the_new_kinds() -> None:
    new = {
        "application_follow_up",
        "interview_prep",
        "interview_soon",
        "interview_debrief",
        "application_silence",
    }
    assert set(pipeline.NUDGE_KINDS) == new
    assert new <= KINDS
    assert new <= set(KIND_LABELS)
    assert STALE_AFTER["interview_soon"] == dt.timedelta(minutes=45)
    assert STALE_AFTER["interview_prep"] == dt.timedelta(hours=12)
    assert STALE_AFTER["interview_debrief"] == dt.timedelta(hours=24)
    assert STALE_AFTER["application_follow_up"] == dt.timedelta(hours=72)
    assert STALE_AFTER["application_silence"] == dt.timedelta(hours=72)
    assert set(QUIET_HOURS_EXEMPT) == {"interview_soon"}
    assert {"application_follow_up", "application_silence"} <= BUSINESS_DAY_KINDS
    assert not {"interview_prep", "interview_soon", "interview_debrief"} & BUSINESS_DAY_KINDS


# --------------------------------------------------------------------------- transitions


@pytest.mark.parametrize(
    ("current", "requested", "allowed"),
    [
        ("sent", "interview", True),
        ("sent", "rejected", True),
        ("sent", "no_answer", True),
        ("sent", "offer", True),
        ("sent", "sent", False),
        ("interview", "interview", True),  # a new date or a new round
        ("interview", "interviewed", True),
        ("interviewed", "interviewed", True),  # another round, never announced
        ("interviewed", "sent", False),
        ("test", "test", True),
        ("test", "interview", True),
        ("offer", "rejected", True),  # the employer withdrew the offer
        ("offer", "withdrawn", True),  # the person turned it down
        ("offer", "interview", False),
        ("offer", "offer", False),
        ("rejected", "interview", True),  # reopened: the company came back
        ("rejected", "offer", True),
        ("rejected", "no_answer", False),
        ("rejected", "rejected", False),
        ("no_answer", "rejected", True),  # a late « non » continues the record
        ("no_answer", "interview", True),
        ("no_answer", "no_answer", False),
        ("withdrawn", "interview", True),
        ("withdrawn", "rejected", False),
        ("withdrawn", "sent", False),
    ],
)
def test_transitions(current: str, requested: str, allowed: bool) -> None:
    assert pipeline.can_move(current, requested) is allowed


def test_allowed_moves_follow_the_stage_order() -> None:
    assert pipeline.allowed_moves("offer") == ("rejected", "withdrawn")
    assert pipeline.allowed_moves("rejected") == ("interview", "test", "offer")
    assert pipeline.allowed_moves("sent") == (
        "interview",
        "interviewed",
        "test",
        "offer",
        "rejected",
        "no_answer",
        "withdrawn",
    )


def test_stages_channels_and_nudges_are_consistent() -> None:
    assert set(pipeline.STAGES) == {
        "sent",
        "interview",
        "interviewed",
        "test",
        "offer",
        "rejected",
        "no_answer",
        "withdrawn",
    }
    assert set(pipeline.ACTIVE) == {"sent", "interview", "interviewed", "test", "offer"}
    assert set(pipeline.CLOSED) == {"rejected", "no_answer", "withdrawn"}
    assert set(pipeline.TRANSITIONS) == set(pipeline.STAGES)
    assert set(pipeline.NUDGES_BY_STAGE) == set(pipeline.STAGES)
    assert all(not pipeline.NUDGES_BY_STAGE[stage] for stage in pipeline.CLOSED)
    assert set(pipeline.CHANNELS) == {
        "site",
        "email",
        "network",
        "fair",
        "spontaneous",
        "agency",
        "other",
    }
    assert pipeline.STAGES["interview"] == "Entretien prévu"
    assert pipeline.STAGES["no_answer"] == "Sans réponse"


# --------------------------------------------------------------------------- channels


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("sur leur site", "site"),
        ("par mail", "email"),
        ("par e-mail", "email"),
        ("j'ai écrit à recrutement@airbus.fr", "email"),
        ("via LinkedIn", "site"),  # a job board, decided: see pipeline_text
        ("via Indeed", "site"),
        ("en ligne", "site"),
        ("via un contact LinkedIn", "network"),  # a person: the network wins
        ("par un ami", "network"),
        ("cooptation", "network"),
        ("c'est mon cousin qui m'a pistonné", "network"),
        ("recommandée par mon ancien chef", "network"),
        ("au salon de l'emploi", "fair"),
        ("jobdating", "fair"),
        ("candidature spontanée", "spontaneous"),
        ("candidature spontanée par mail", "spontaneous"),
        ("par une agence d'intérim", "agency"),
        ("via Adecco", "agency"),
        ("par courrier", "other"),
        ("en lettre recommandée", "other"),  # a registered letter, not a recommendation
        ("je ne sais plus", None),
        ("via les réseaux sociaux", None),
    ],
)
def test_read_channel(text: str, channel: str | None) -> None:
    assert read_channel(text) == channel
    assert pipeline.read_channel is read_channel


# --------------------------------------------------------------------------- applications

YESTERDAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "company", "position", "applied_on", "channel"),
    [
        (
            "j'ai postulé chez Airbus pour le poste de technicienne qualité hier",
            "Airbus",
            "technicienne qualité",
            YESTERDAY,
            None,
        ),
        ("candidature envoyée à la mairie de Lyon", "Mairie de Lyon", None, None, None),
        ("jai postulé chez airbus hier", "Airbus", None, YESTERDAY, None),
        (
            "j'ai envoyé ma candidature à Thales par mail lundi",
            "Thales",
            None,
            dt.date(2026, 11, 23),
            "email",
        ),
        (
            "postulé sur le site de la SNCF pour un poste de contrôleur",
            "SNCF",
            "contrôleur",
            None,
            "site",
        ),
        ("candidature spontanée chez Decathlon", "Decathlon", None, None, "spontaneous"),
        (
            "j'ai postulé via Indeed chez Carrefour pour un CDD de caissière",
            "Carrefour",
            "caissière",
            None,
            "site",
        ),
        (
            "postule a la fnac comme vendeur le 3 novembre",
            "Fnac",
            "vendeur",
            dt.date(2026, 11, 3),
            None,
        ),
        (
            "j ai postule chez leroy merlin par le biais dun pote",
            "Leroy Merlin",
            None,
            None,
            "network",
        ),
        (
            "j'ai candidaté au Crédit Agricole pour un stage de conseiller clientèle",
            "Crédit Agricole",
            "conseiller clientèle",
            None,
            None,
        ),
        (
            "postulé à l'hôpital Necker pour un poste d'infirmière hier",
            "Hôpital Necker",
            "infirmière",
            YESTERDAY,
            None,
        ),
        ("candidature spontanée par mail à Decathlon", "Decathlon", None, None, "spontaneous"),
        (
            "j'ai postulé chez BNP Paribas le 2 novembre par leur site",
            "BNP Paribas",
            None,
            dt.date(2026, 11, 2),
            "site",
        ),
        ("j'ai postulé à La Poste hier", "La Poste", None, YESTERDAY, None),
        (
            "postulé chez l'oreal comme chargée de communication",
            "L'Oréal",
            "chargée de communication",
            None,
            None,
        ),
        (
            "j'ai postulé pour technicienne qualité chez Airbus",
            "Airbus",
            "technicienne qualité",
            None,
            None,
        ),
        ("candidature Airbus envoyée ce matin", "Airbus", None, TODAY, None),
        ("jai envoye mon cv a decathlon par mail ce matin", "Decathlon", None, TODAY, "email"),
        ("candidature envoyee a la redoute hier soir", "La Redoute", None, YESTERDAY, None),
        (
            "j'ai candidaté au poste de comptable à la Caisse d'Épargne vendredi dernier",
            "Caisse d'Épargne",
            "comptable",
            dt.date(2026, 11, 20),
            None,
        ),
        ("candidature via un cabinet de recrutement pour Thales", "Thales", None, None, "agency"),
        ("j'ai déposé mon CV au salon de l'emploi, stand Airbus", "Airbus", None, None, "fair"),
        ("postulé aux Galeries Lafayette par courrier", "Galeries Lafayette", None, None, "other"),
        ("postule chez capgemini pr un poste de dev java", "Capgemini", "dev java", None, None),
        ("j'ai postulé dans une startup de la fintech", None, None, None, None),
        ("j'ai postulé hier", None, None, YESTERDAY, None),
    ],
)
def test_read_application(
    text: str,
    company: str | None,
    position: str | None,
    applied_on: dt.date | None,
    channel: str | None,
) -> None:
    facts = read_application(text, today=TODAY)
    assert (facts.company, facts.position, facts.applied_on, facts.channel) == (
        company,
        position,
        applied_on,
        channel,
    )
    assert facts.date_problem is None


def test_read_application_link_and_contacts() -> None:
    facts = read_application(
        "j'ai postulé en tant que développeuse chez OVH il y a 3 jours, lien "
        "https://ovh.com/jobs/123.",
        today=TODAY,
    )
    assert facts.company == "OVHcloud"
    assert facts.position == "développeuse"
    assert facts.applied_on == dt.date(2026, 11, 22)
    assert facts.link == "https://ovh.com/jobs/123"

    assert (
        read_application(
            "candidature envoyée à Airbus, contact : Julie Martin", today=TODAY
        ).contact
        == "Julie Martin"
    )
    mailed = read_application("envoyé mon CV à rh@thales.fr pour le poste d'acheteuse", today=TODAY)
    assert (mailed.company, mailed.contact, mailed.channel, mailed.position) == (
        None,
        "rh@thales.fr",
        "email",
        "acheteuse",
    )
    named = read_application(
        "le recruteur s'appelle Marc Dupont, j'ai postulé chez Safran hier", today=TODAY
    )
    assert (named.company, named.contact, named.applied_on) == ("Safran", "Marc Dupont", YESTERDAY)
    vouched = read_application("postulé chez Airbus, recommandée par Sophie Durand", today=TODAY)
    assert (vouched.channel, vouched.contact) == ("network", "Sophie Durand")


def test_an_application_not_sent_yet_has_a_date_problem() -> None:
    facts = read_application("je vais postuler demain chez Airbus", today=TODAY)
    assert facts.applied_on is None
    assert facts.date_problem is not None
    assert facts.date_problem.error is DateProblem.FUTURE
    message = facts.date_problem.message or ""
    assert "candidature" in message and "réponse" not in message


# --------------------------------------------------------------------------- stage news


@pytest.mark.parametrize(
    ("text", "company", "stage", "when_at", "when_day"),
    [
        (
            "j'ai un entretien chez Airbus jeudi à 14h",
            "Airbus",
            "interview",
            utc(2026, 11, 26, 13, 0),
            dt.date(2026, 11, 26),
        ),
        ("entretien passé avec Thales ce matin", "Thales", "interviewed", None, TODAY),
        ("Airbus m'a dit non", "Airbus", "rejected", None, None),
        ("j'ai reçu une offre de Decathlon", "Decathlon", "offer", None, None),
        ("test technique chez Capgemini lundi", "Capgemini", "test", None, dt.date(2026, 11, 30)),
        (
            "entretien jeudi 14h chez airbus",
            "Airbus",
            "interview",
            utc(2026, 11, 26, 13, 0),
            dt.date(2026, 11, 26),
        ),
        ("airbus ma dit non", "Airbus", "rejected", None, None),
        (
            "g un entretien chez thales demain a 10h",
            "Thales",
            "interview",
            utc(2026, 11, 26, 9, 0),
            dt.date(2026, 11, 26),
        ),
        ("decathlon mont fait une offre", "Decathlon", "offer", None, None),
        ("jai eu mon entretien chez thales hier", "Thales", "interviewed", None, YESTERDAY),
        ("pas retenue chez Leroy Merlin", "Leroy Merlin", "rejected", None, None),
        ("Decathlon ne m'a pas retenu", "Decathlon", "rejected", None, None),
        ("réponse négative d'Orange", "Orange", "rejected", None, None),
        ("ils m'ont fait une proposition d'embauche", None, "offer", None, None),
        (
            "Safran me propose un entretien vendredi à 15h",
            "Safran",
            "interview",
            utc(2026, 11, 27, 14, 0),
            dt.date(2026, 11, 27),
        ),
        ("toujours pas de nouvelles de Safran", "Safran", "no_answer", None, None),
        ("j'ai retiré ma candidature chez Orange", "Orange", "withdrawn", None, None),
        ("j'ai refusé l'offre de Decathlon", "Decathlon", "withdrawn", None, None),
        (
            "Airbus m'a rappelée pour un entretien mardi prochain à 10h30",
            "Airbus",
            "interview",
            utc(2026, 12, 1, 9, 30),
            dt.date(2026, 12, 1),
        ),
        (
            "convoquée à un entretien le 12 décembre à 9h chez la SNCF",
            "SNCF",
            "interview",
            utc(2026, 12, 12, 8, 0),
            dt.date(2026, 12, 12),
        ),
        (
            "entretien avec la RH de Decathlon lundi à 9h30",
            "Decathlon",
            "interview",
            utc(2026, 11, 30, 8, 30),
            dt.date(2026, 11, 30),
        ),
        ("j'ai passé le test technique de Capgemini hier", "Capgemini", "test", None, YESTERDAY),
        ("Julie m'a appelée pour un entretien", None, "interview", None, None),  # a person
        ("bon bah airbus m'a recalée", "Airbus", "rejected", None, None),
        (
            "entretien visio avec airbus demain 11h",
            "Airbus",
            "interview",
            utc(2026, 11, 26, 10, 0),
            dt.date(2026, 11, 26),
        ),
        ("je suis prise chez Decathlon !!", "Decathlon", "offer", None, None),
        (
            "mon entretien chez Airbus se passe jeudi à 10h",  # « se passe »: ahead
            "Airbus",
            "interview",
            utc(2026, 11, 26, 9, 0),
            dt.date(2026, 11, 26),
        ),
        ("merci beaucoup", None, None, None, None),
    ],
)
def test_read_stage_news(
    text: str,
    company: str | None,
    stage: str | None,
    when_at: dt.datetime | None,
    when_day: dt.date | None,
) -> None:
    news = read_stage_news(text, now=NOW, tz="Europe/Paris")
    assert (news.company, news.stage, news.when_at, news.when_day) == (
        company,
        stage,
        when_at,
        when_day,
    )


def test_stage_news_in_the_persons_timezone() -> None:
    # Wednesday 25 November, 10:00 in Montréal (UTC-5): Thursday 14:00 there is 19:00 UTC.
    news = read_stage_news(
        "entretien jeudi à 14h chez Desjardins",
        now=utc(2026, 11, 25, 15, 0),
        tz="America/Montreal",
    )
    assert (news.company, news.stage, news.when_at) == (
        "Desjardins",
        "interview",
        utc(2026, 11, 26, 19, 0),
    )


def test_stage_news_across_the_autumn_change() -> None:
    # Friday 23 October 2026 (summer time); Monday 26 at 9:00 is winter time: 08:00 UTC.
    news = read_stage_news("entretien lundi à 9h chez Airbus", now=utc(2026, 10, 23, 10, 0))
    assert news.when_at == utc(2026, 10, 26, 8, 0)


def test_stage_news_needs_an_aware_now() -> None:
    with pytest.raises(ValueError):
        read_stage_news("Airbus m'a dit non", now=dt.datetime(2026, 11, 25, 10, 0))


@pytest.mark.parametrize(
    "text",
    ["", "😀😀😀", "<b>Airbus</b> m'a dit non", "'; DROP TABLE users; --", "a" * 10_000],
)
def test_readers_survive_hostile_input(text: str) -> None:
    read_application(text, today=TODAY)
    read_stage_news(text, now=NOW)
    read_channel(text)
