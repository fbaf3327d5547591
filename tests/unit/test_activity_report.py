"""The « journal des démarches » (coach.activity_report): the period asked in French, the
steps told in French, and the CSV and PDF files, read back as a spreadsheet and as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from coach.activity_report import (
    CSV_HEADER,
    KINDS,
    PERIOD_CHOICES,
    PeriodRefused,
    ReportRow,
    describe_period,
    file_stem,
    parse_period,
    pdf_safe,
    read_external_activity,
    render_csv,
    render_pdf,
    report_name,
    totals,
)
from coach.models import User

D = dt.date
TODAY = D(2026, 11, 20)  # a Friday

# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The whole previous month, not a rolling one.
        ("le mois dernier", (D(2026, 10, 1), D(2026, 10, 31))),
        ("mois dernier stp", (D(2026, 10, 1), D(2026, 10, 31))),
        ("le mois passé", (D(2026, 10, 1), D(2026, 10, 31))),
        ("le mois der", (D(2026, 10, 1), D(2026, 10, 31))),
        # From the 1st, cut at today.
        ("ce mois-ci", (D(2026, 11, 1), D(2026, 11, 20))),
        ("ce mois ci", (D(2026, 11, 1), D(2026, 11, 20))),
        ("c mois ci", (D(2026, 11, 1), D(2026, 11, 20))),
        # 28 days, today included: 20 November minus 27 days.
        ("les 4 dernières semaines", (D(2026, 10, 24), D(2026, 11, 20))),
        ("les 4 dernieres semaines", (D(2026, 10, 24), D(2026, 11, 20))),
        ("4 dern sem", (D(2026, 10, 24), D(2026, 11, 20))),
        ("les quatre dernières semaines", (D(2026, 10, 24), D(2026, 11, 20))),
        # The day after 20 August, to today.
        ("les 3 derniers mois", (D(2026, 8, 21), D(2026, 11, 20))),
        ("ds les 3 dern mois", (D(2026, 8, 21), D(2026, 11, 20))),
        ("les trois derniers mois", (D(2026, 8, 21), D(2026, 11, 20))),
        ("les 30 derniers jours", (D(2026, 10, 22), D(2026, 11, 20))),
        ("le dernier mois", (D(2026, 10, 21), D(2026, 11, 20))),
        ("depuis 2 semaines", (D(2026, 11, 7), D(2026, 11, 20))),
        # From a day to today.
        ("depuis le 1er novembre", (D(2026, 11, 1), D(2026, 11, 20))),
        ("depuis le 1er nov", (D(2026, 11, 1), D(2026, 11, 20))),
        ("dpuis le 1er nov", (D(2026, 11, 1), D(2026, 11, 20))),
        ("depuis le 01/11", (D(2026, 11, 1), D(2026, 11, 20))),
        ("à partir du 3 novembre", (D(2026, 11, 3), D(2026, 11, 20))),
        ("depuis début novembre", (D(2026, 11, 1), D(2026, 11, 20))),
        ("depuis la semaine dernière", (D(2026, 11, 9), D(2026, 11, 20))),
        ("depuis lundi", (D(2026, 11, 16), D(2026, 11, 20))),
        ("depuis le debut du mois", (D(2026, 11, 1), D(2026, 11, 20))),
        # Between two days.
        ("du 1er au 15 novembre", (D(2026, 11, 1), D(2026, 11, 15))),
        ("du 1 au 15 nov", (D(2026, 11, 1), D(2026, 11, 15))),
        ("du 1er au 15 novembre svp", (D(2026, 11, 1), D(2026, 11, 15))),
        ("du 28 octobre au 5 novembre", (D(2026, 10, 28), D(2026, 11, 5))),
        ("entre le 3/11 et le 20/11", (D(2026, 11, 3), D(2026, 11, 20))),
        ("entre 3/11 et 20/11", (D(2026, 11, 3), D(2026, 11, 20))),
        ("du lundi 2 au vendredi 13 novembre", (D(2026, 11, 2), D(2026, 11, 13))),
        ("du 3 novembre à aujourd'hui", (D(2026, 11, 3), D(2026, 11, 20))),
        ("de septembre à novembre", (D(2026, 9, 1), D(2026, 11, 20))),
        ("octobre et novembre", (D(2026, 10, 1), D(2026, 11, 20))),
        ("du 15 décembre 2025 au 10 janvier 2026", (D(2025, 12, 15), D(2026, 1, 10))),
        # A month: whole, or up to today for the current one.
        ("novembre", (D(2026, 11, 1), D(2026, 11, 20))),
        ("en octobre", (D(2026, 10, 1), D(2026, 10, 31))),
        ("le mois de septembre", (D(2026, 9, 1), D(2026, 9, 30))),
        ("sept.", (D(2026, 9, 1), D(2026, 9, 30))),
        ("fevrier", (D(2026, 2, 1), D(2026, 2, 28))),
        ("novembre 2025", (D(2025, 11, 1), D(2025, 11, 30))),
        ("10/2026", (D(2026, 10, 1), D(2026, 10, 31))),
        # Calendar weeks and years.
        ("la semaine dernière", (D(2026, 11, 9), D(2026, 11, 15))),
        ("la semaine derniere", (D(2026, 11, 9), D(2026, 11, 15))),
        ("cette semaine", (D(2026, 11, 16), D(2026, 11, 20))),
        ("cette année", (D(2026, 1, 1), D(2026, 11, 20))),
        ("l'année dernière", (D(2025, 1, 1), D(2025, 12, 31))),
        # One day.
        ("hier", (D(2026, 11, 19), D(2026, 11, 19))),
        ("le 3 novembre", (D(2026, 11, 3), D(2026, 11, 3))),
    ],
)
def test_periods_read_by_hand(text: str, expected: tuple[dt.date, dt.date]) -> None:
    assert parse_period(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # Year change: December of last year, from January.
        ("le mois dernier", D(2027, 1, 5), (D(2026, 12, 1), D(2026, 12, 31))),
        ("décembre", D(2027, 1, 10), (D(2026, 12, 1), D(2026, 12, 31))),
        ("du 20 décembre au 5 janvier", D(2027, 1, 10), (D(2026, 12, 20), D(2027, 1, 5))),
        ("depuis le 15 décembre", D(2027, 1, 10), (D(2026, 12, 15), D(2027, 1, 10))),
        ("les 4 dernières semaines", D(2027, 1, 5), (D(2026, 12, 9), D(2027, 1, 5))),
        # Month boundaries: February, 31st, first day of a month.
        ("le mois dernier", D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
        ("le mois dernier", D(2028, 3, 1), (D(2028, 2, 1), D(2028, 2, 29))),
        ("les 3 derniers mois", D(2026, 5, 31), (D(2026, 3, 1), D(2026, 5, 31))),
        ("le dernier mois", D(2026, 3, 31), (D(2026, 3, 1), D(2026, 3, 31))),
        ("ce mois-ci", D(2026, 12, 1), (D(2026, 12, 1), D(2026, 12, 1))),
        # A range that goes past today ends today.
        ("du 1er au 15 novembre", D(2026, 11, 10), (D(2026, 11, 1), D(2026, 11, 10))),
        ("du 1 au 15", D(2026, 11, 10), (D(2026, 11, 1), D(2026, 11, 10))),
    ],
)
def test_periods_across_years_and_month_ends(
    text: str, today: dt.date, expected: tuple[dt.date, dt.date]
) -> None:
    assert parse_period(text, today) == expected


@pytest.mark.parametrize(
    ("text", "reason", "said"),
    [
        ("le mois prochain", "future", "pas encore"),
        ("la semaine prochaine", "future", "pas encore"),
        ("depuis le 1er décembre", "future", "1er décembre"),
        ("décembre", "future", "décembre 2025"),
        ("entre le 1/12 et le 15/12", "future", "1er décembre"),
        ("du 20 au 3 novembre", "reversed", "après la fin"),
        ("entre le 20/11 et le 3/11", "reversed", "après la fin"),
        ("du 1er au 31 novembre", "impossible", "31 novembre"),
        ("du 30/02 au 3/03", "impossible", "30 février"),
    ],
)
def test_periods_refused_with_a_reason(text: str, reason: str, said: str) -> None:
    with pytest.raises(PeriodRefused) as refused:
        parse_period(text, TODAY)
    assert refused.value.reason == reason
    assert said in refused.value.message


@pytest.mark.parametrize(
    "text",
    ["", "bonjour", "je ne sais pas", "oui", "jusqu'au 15 novembre", "il y a 3 semaines", "🙂"],
)
def test_no_period(text: str) -> None:
    assert parse_period(text, TODAY) is None


def test_each_button_is_a_period() -> None:
    assert [parse_period(payload, TODAY) for _, payload in PERIOD_CHOICES] == [
        (D(2026, 10, 24), D(2026, 11, 20)),
        (D(2026, 10, 1), D(2026, 10, 31)),
        (D(2026, 8, 21), D(2026, 11, 20)),
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 11, 1), D(2026, 11, 30), "du 1er au 30 novembre 2026"),
        (D(2026, 10, 28), D(2026, 11, 5), "du 28 octobre au 5 novembre 2026"),
        (D(2026, 12, 20), D(2027, 1, 1), "du 20 décembre 2026 au 1er janvier 2027"),
        (D(2026, 11, 3), D(2026, 11, 3), "le 3 novembre 2026"),
    ],
)
def test_describe_period(start: dt.date, end: dt.date, expected: str) -> None:
    assert describe_period(start, end) == expected


# --------------------------------------------------------------------------- steps told


@pytest.mark.parametrize(
    ("text", "kind", "day", "note", "organisation", "channel"),
    [
        (
            "lundi j'ai participé à un atelier CV à France Travail",
            "workshop",
            D(2026, 11, 16),
            "Atelier CV",
            "France Travail",
            None,
        ),
        ("salon de l'emploi jeudi", "job_fair", D(2026, 11, 19), "Salon de l'emploi", None, None),
        (
            "j'ai fait une formation Excel hier",
            "training",
            D(2026, 11, 19),
            "Formation Excel",
            None,
            None,
        ),
        (
            "café réseau avec une ancienne collègue mardi",
            "networking",
            D(2026, 11, 17),
            "Café réseau avec une ancienne collègue",
            None,
            None,
        ),
        (
            "j'ai relancé Airbus par téléphone ce matin",
            "follow_up",
            D(2026, 11, 20),
            None,
            "Airbus",
            "phone",
        ),
        (
            "j'ai relancé decathlon par mail hier",
            "follow_up",
            D(2026, 11, 19),
            None,
            "Decathlon",
            "email",
        ),
        ("j'ai relancé la RH de Thales hier", "follow_up", D(2026, 11, 19), None, "Thales", None),
        (
            "rdv avec ma conseillère pôle emploi mercredi",
            "appointment",
            D(2026, 11, 18),
            "Rdv avec ma conseillère",
            "France Travail",
            None,
        ),
        (
            "information collective France Travail le 5/11",
            "workshop",
            D(2026, 11, 5),
            "Information collective",
            "France Travail",
            None,
        ),
        (
            "webinaire de l'Apec sur le pitch mardi",
            "workshop",
            D(2026, 11, 17),
            "Webinaire sur le pitch",
            "Apec",
            None,
        ),
        (
            "forum des métiers à la Cité des sciences le 12 novembre",
            "job_fair",
            D(2026, 11, 12),
            "Forum des métiers à la Cité des sciences",
            None,
            None,
        ),
        (
            "job dating à la mairie de Lyon mardi",
            "job_fair",
            D(2026, 11, 17),
            "Job dating à la mairie de Lyon",
            None,
            None,
        ),
        (
            "déjeuner avec un ancien collègue de chez Safran jeudi",
            "networking",
            D(2026, 11, 19),
            "Déjeuner avec un ancien collègue",
            "Safran",
            None,
        ),
        (
            "j'ai postulé chez L'Oréal le 3 novembre",
            "application",
            D(2026, 11, 3),
            None,
            "L'Oréal",
            None,
        ),
        (
            "candidature spontanée chez Leroy Merlin lundi",
            "application",
            D(2026, 11, 16),
            None,
            "Leroy Merlin",
            "spontaneous",
        ),
        ("entretien chez La Poste lundi", "interview", D(2026, 11, 16), None, "La Poste", None),
        ("test technique pour Capgemini hier", "test", D(2026, 11, 19), None, "Capgemini", None),
        ("j'ai mis à jour mon CV hier", "other", D(2026, 11, 19), "Mise à jour du CV", None, None),
        (
            "visio avec un ancien manager hier",
            "networking",
            D(2026, 11, 19),
            "Visio avec un ancien manager",
            None,
            "online",
        ),
        (
            "entretien avec ma conseillère Mission locale hier",
            "appointment",
            D(2026, 11, 19),
            "Entretien avec ma conseillère",
            "Mission locale",
            None,
        ),
        # Typed in lowercase, written as a document writes them.
        (
            "lundi jai participé a un atelier cv a france travail",
            "workshop",
            D(2026, 11, 16),
            "Atelier CV",
            "France Travail",
            None,
        ),
        ("formation excel hier", "training", D(2026, 11, 19), "Formation Excel", None, None),
    ],
)
def test_steps_told_in_french(
    text: str,
    kind: str,
    day: dt.date,
    note: str | None,
    organisation: str | None,
    channel: str | None,
) -> None:
    found = read_external_activity(text, TODAY)
    assert found is not None, text
    assert kind in KINDS
    assert (found.kind, found.day, found.note, found.organisation, found.channel) == (
        kind,
        day,
        note,
        organisation,
        channel,
    )
    assert found.date_problem is None


def test_position_of_an_interview() -> None:
    found = read_external_activity(
        "j'ai passé un entretien chez Thales lundi pour le poste de technicienne méthodes", TODAY
    )
    assert found is not None
    assert (found.kind, found.organisation, found.position) == (
        "interview",
        "Thales",
        "technicienne méthodes",
    )


@pytest.mark.parametrize(
    ("text", "kind", "problem"),
    [
        ("atelier CV", "workshop", "missing"),
        ("formation Excel", "training", "missing"),
        ("j'ai demandé un retour à Ubisoft par mail", "feedback_request", "missing"),
        ("je vais au salon de l'emploi jeudi", "job_fair", "future"),
        ("demain j'ai un atelier CV", "workshop", "future"),
        ("formation Excel le 3 décembre", "training", "future"),
    ],
)
def test_steps_without_a_usable_day(text: str, kind: str, problem: str) -> None:
    found = read_external_activity(text, TODAY)
    assert found is not None
    assert (found.kind, found.day, found.date_problem) == (kind, None, problem)
    assert found.date_message


def test_a_vague_day_is_flagged() -> None:
    found = read_external_activity("j'ai fait une formation Excel la semaine dernière", TODAY)
    assert found is not None
    assert found.kind == "training" and found.approximate and found.day is not None
    assert D(2026, 11, 9) <= found.day <= D(2026, 11, 15)


@pytest.mark.parametrize(
    "text",
    [
        "bonjour",
        "je suis triste",
        "j'ai une formation d'ingénieur",
        "j'étais au salon avec ma mère",
        "je n'ai pas pu aller à l'atelier lundi",
        "l'atelier de jeudi a été annulé",
        "j'ai raté le salon de l'emploi",
        "j'ai eu un refus de Thales après l'entretien",
        "j'ai mangé avec ma sœur lundi",
        "",
    ],
)
def test_not_a_step(text: str) -> None:
    assert read_external_activity(text, TODAY) is None


# --------------------------------------------------------------------------- rows and totals

ROWS = [
    ReportRow(D(2026, 11, 2), "application", "Décathlon", "Vendeur·se sport", "site"),
    ReportRow(D(2026, 11, 3), "workshop", "France Travail", None, None, "Atelier CV"),
    ReportRow(D(2026, 11, 5), "follow_up", "Œuvre d’Orient", None, "phone"),
    ReportRow(D(2026, 11, 6), "application", "Chez « Léa » ; Fils", 'Chef de "projet"', "email"),
    ReportRow(D(2026, 11, 9), "milestone", None, None, None, "Excel — étape franchie : TCD"),
    ReportRow(D(2026, 11, 12), "feedback_received", "d’Airbus", "Ingénieure", "call"),
]


def test_totals_count_each_kind_in_order() -> None:
    assert totals(ROWS) == {
        "application": 2,
        "follow_up": 1,
        "feedback_received": 1,
        "milestone": 1,
        "workshop": 1,
    }
    assert list(totals(ROWS)) == [
        "application",
        "follow_up",
        "feedback_received",
        "milestone",
        "workshop",
    ]
    assert totals([]) == {}


# --------------------------------------------------------------------------- CSV


def test_csv_is_excel_friendly() -> None:
    data = render_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM, so Excel reads the accents"
    text = data[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "Date;Démarche;Entreprise ou organisme;Poste;Canal;Précisions"
    assert lines[1] == "02/11/2026;Candidature envoyée;Décathlon;Vendeur·se sport;Site d'emploi;"
    # A company with the separator and a position with quotes: quoted, quotes doubled.
    assert lines[4] == (
        '06/11/2026;Candidature envoyée;"Chez « Léa » ; Fils";"Chef de ""projet""";E-mail;'
    )
    assert lines[-1] == "", "the file ends with a line break"
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert tuple(parsed[0]) == CSV_HEADER
    assert parsed[4][2:4] == ["Chez « Léa » ; Fils", 'Chef de "projet"']
    assert [row[0] for row in parsed[1:]] == [
        "02/11/2026",
        "03/11/2026",
        "05/11/2026",
        "06/11/2026",
        "09/11/2026",
        "12/11/2026",
    ]


def test_csv_cells_are_never_formulas_nor_several_lines() -> None:
    rows = [
        ReportRow(D(2026, 11, 2), "other", '=HYPERLINK("x")', "+33 6", None, "ligne 1\nligne 2"),
    ]
    parsed = list(csv.reader(io.StringIO(render_csv(rows).decode("utf-8-sig")), delimiter=";"))
    assert parsed[1][2] == '\'=HYPERLINK("x")'
    assert parsed[1][3] == "'+33 6"
    assert parsed[1][5] == "ligne 1 ligne 2"


def test_empty_csv_has_its_header() -> None:
    assert (
        render_csv([])
        == "\ufeffDate;Démarche;Entreprise ou organisme;Poste;Canal;Précisions\r\n".encode()
    )


# --------------------------------------------------------------------------- PDF


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_reads_back_with_name_period_totals_and_accents() -> None:
    data = render_pdf(
        ROWS,
        name="Camille Martin",
        start=D(2026, 11, 1),
        end=D(2026, 11, 30),
        generated_on=D(2026, 12, 2),
    )
    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    assert len(pages) == 1
    text = flat(pages[0])
    assert "Journal des démarches de recherche d'emploi" in text
    assert "Nom : Camille Martin" in text
    assert "Période : du 1er au 30 novembre 2026" in text
    assert "Relevé établi le 02/12/2026" in text
    assert "notées dans Rebond" in text
    # Totals per kind, then the total.
    assert "Candidature envoyée 2" in text
    assert "Relance 1" in text
    assert "Retour reçu 1" in text
    assert "Objectif travaillé 1" in text
    assert "Atelier ou réunion d'information 1" in text
    assert "Total 6" in text
    # French as typed: accents, ligature, typographic apostrophe and quotes.
    for word in ("Décathlon", "Œuvre d’Orient", "d’Airbus", "« Léa »", "Vendeur·se"):
        assert word in text, word
    assert "Excel — étape franchie : TCD" in text
    for row in ROWS:
        assert row.day.strftime("%d/%m/%Y") in text
    assert "Page 1 sur 1" in text


def test_pdf_is_the_same_for_the_same_rows() -> None:
    def once() -> bytes:
        return render_pdf(
            ROWS, name="A B", start=D(2026, 11, 1), end=D(2026, 11, 30), generated_on=TODAY
        )

    assert once() == once()


def test_a_long_report_has_several_numbered_pages_with_the_header_on_each() -> None:
    rows = [
        ReportRow(
            D(2026, 9, 1) + dt.timedelta(days=i % 80),
            list(KINDS)[i % len(KINDS)],
            f"E{i:03d}",
            "Chargé·e de projet " * (1 + i % 3),
            "email",
            "Une précision un peu longue qui doit revenir à la ligne dans sa colonne",
        )
        for i in range(120)
    ]
    rows.sort(key=lambda r: r.day)
    data = render_pdf(
        rows, name="Camille Martin", start=D(2026, 9, 1), end=D(2026, 11, 30), generated_on=TODAY
    )
    pages = pdf_pages(data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert f"Page {number} sur {len(pages)}" in text
        assert "Entreprise ou organisme" in text, "the table header is repeated"
    everything = " ".join(flat(page) for page in pages)
    found = set(re.findall(r"\bE\d{3}\b", everything))
    assert found == {f"E{i:03d}" for i in range(120)}
    assert f"Total {len(rows)}" in everything


def test_pdf_of_an_empty_period_says_so() -> None:
    text = flat(
        pdf_pages(
            render_pdf(
                [], name="Camille", start=D(2026, 11, 1), end=D(2026, 11, 30), generated_on=TODAY
            )
        )[0]
    )
    assert "Aucune démarche enregistrée sur cette période." in text
    assert "Total 0" in text


def test_pdf_survives_characters_outside_its_font() -> None:
    rows = [ReportRow(D(2026, 11, 2), "application", "Café 🚀 Lumière", "Dév 华为", None, "Łódź ő")]
    data = render_pdf(
        rows, name="Zoë 😊 Łukasz", start=D(2026, 11, 1), end=D(2026, 11, 30), generated_on=TODAY
    )
    text = flat(pdf_pages(data)[0])
    assert "Café Lumière" in text
    assert "Dév ??" in text
    assert "Lódz o" in text, "ó is in WinAnsi, ź and Ł are not"
    assert "Nom : Zoë Lukasz" in text


def test_pdf_needs_a_name() -> None:
    with pytest.raises(ValueError):
        render_pdf(ROWS, name="  ", start=D(2026, 11, 1), end=D(2026, 11, 30), generated_on=TODAY)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("Œuvre d’Airbus « ça » — 12 €", "Œuvre d’Airbus « ça » — 12 €"),
        ("Café 🚀 Lumière", "Café Lumière"),
        ("华为", "??"),
        ("Łódź", "Lódz"),
        ("Erdős", "Erdos"),
        ("prêt\u202f!", "prêt !"),
        ("a\u200db", "ab"),
    ],
)
def test_pdf_safe(raw: str, safe: str) -> None:
    assert pdf_safe(raw) == safe


def test_reportlab_is_loaded_only_when_a_pdf_is_made() -> None:
    """The action server imports coach.activity_report at start: the PDF library must not
    weigh on its memory until someone asks for a journal."""
    script = (
        "import sys\n"
        "import coach.activity_report as report\n"
        "assert 'reportlab' not in sys.modules\n"
        "report.render_csv([])\n"
        "assert 'reportlab' not in sys.modules\n"
        "import datetime as dt\n"
        "day = dt.date(2026, 11, 1)\n"
        "report.render_pdf([], name='A', start=day, end=day, generated_on=day)\n"
        "assert 'reportlab' in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_name_comes_from_the_signature_else_is_asked() -> None:
    assert report_name(User(signature_name="  Camille   Martin ")) == "Camille Martin"
    assert report_name(User(signature_name=None, first_name="Camille")) is None


def test_file_names_are_ascii_and_sortable() -> None:
    assert (
        file_stem(D(2026, 11, 1), D(2026, 11, 30)) == "journal-demarches-2026-11-01-au-2026-11-30"
    )
