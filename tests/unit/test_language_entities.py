"""coach.language.entities: rejections told in one sentence, interview stages as people say them."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.intake import validate_stage
from coach.language.entities import (
    detect_stage,
    extract_rejection_facts,
    mentions_hiring_manager,
    tells_rejection,
)

D = dt.date
TODAY = D(2026, 11, 25)  # a Wednesday
YESTERDAY = D(2026, 11, 24)

# --------------------------------------------------------------------------- facts in a sentence


@pytest.mark.parametrize(
    ("text", "company", "position", "date"),
    [
        (
            "Deuxième refus cette semaine : L'Oréal, poste de chef de projet marketing, réponse "
            "reçue aujourd'hui",
            "L'Oréal",
            "chef de projet marketing",
            TODAY,
        ),
        ("refus de decathlon hier pr un poste de vendeur", "decathlon", "vendeur", YESTERDAY),
        # A capitalised « Société » or « Groupe » is part of the name.
        (
            "un refus de la Société Générale hier pour un poste de chargée de clientèle",
            "Société Générale",
            "chargée de clientèle",
            YESTERDAY,
        ),
        ("refus hier chez le Groupe Casino pour caissier", "Groupe Casino", "caissier", YESTERDAY),
        ("refus hier de la société Thales pour technicien", "Thales", "technicien", YESTERDAY),
        # "refu": the s dropped, as typed on a phone.
        (
            "slt jai eu un refu de decathlon hier pr un poste de vendeur",
            "decathlon",
            "vendeur",
            YESTERDAY,
        ),
        ("encore un refu d airbus pr le poste de technicien", "airbus", "technicien", None),
        (
            "encore un non, cette fois c'est Thales pour ingé système",
            "Thales",
            "ingé système",
            None,
        ),
        (
            "bon bah leroy merlin m'a recalée ce matin (conseillère de vente)",
            "leroy merlin",
            "conseillère de vente",
            TODAY,
        ),
        (
            "Encore un refus : Airbus, ingénieure méthodes, reçu hier",
            "Airbus",
            "ingénieure méthodes",
            YESTERDAY,
        ),
        (
            "nouveau refus aujourd'hui, Capgemini, consultant data",
            "Capgemini",
            "consultant data",
            TODAY,
        ),
        (
            "Nouveau refus : Société Générale, analyste crédit, aujourd'hui",
            "Société Générale",
            "analyste crédit",
            TODAY,
        ),
        ("Thales : refus pour ingénieur système, hier", "Thales", "ingénieur système", YESTERDAY),
        ("décathlon m'a dit non pour vendeur sport", "décathlon", "vendeur sport", None),
        (
            "j'ai eu un refus de Safran pour technicienne qualité",
            "Safran",
            "technicienne qualité",
            None,
        ),
        (
            "c'est non pour Ubisoft (game designer) reçu avant-hier",
            "Ubisoft",
            "game designer",
            D(2026, 11, 23),
        ),
        ("encore recalé par la fnac pr vendeur", "fnac", "vendeur", None),
        ("La Poste m'a refusé pour facteur", "La Poste", "facteur", None),
        (
            "re-refus, cette fois chez Carrefour, poste d'employé libre service",
            "Carrefour",
            "employé libre service",
            None,
        ),
        (
            "pas retenue chez sanofi, poste d'assistante qualité, mail reçu lundi",
            "sanofi",
            "assistante qualité",
            D(2026, 11, 23),
        ),
        (
            "mail négatif de Michelin hier, poste de responsable logistique",
            "Michelin",
            "responsable logistique",
            YESTERDAY,
        ),
        ("refus Amazon hier", "Amazon", None, YESTERDAY),
        ("et un refus de plus : Orange, technicien réseau", "Orange", "technicien réseau", None),
        ("refus de chez intersport ce matin pour vendeuse", "intersport", "vendeuse", TODAY),
        (
            "Troisième refus du mois - Renault - technicienne méthodes - hier",
            "Renault",
            "technicienne méthodes",
            YESTERDAY,
        ),
        ("ENCORE UN REFUS : Dassault, ingénieur calcul", "Dassault", "ingénieur calcul", None),
        (
            "refus recu ajd de la part de Orange pr le poste de conseiller client",
            "Orange",
            "conseiller client",
            TODAY,
        ),
    ],
)
def test_a_rejection_told_in_one_sentence_gives_its_facts(
    text: str, company: str, position: str | None, date: dt.date | None
) -> None:
    facts = extract_rejection_facts(text, today=TODAY)
    assert facts.company == company
    assert facts.position == position
    assert facts.rejection_date == date


@pytest.mark.parametrize(
    "text",
    [
        "j'ai eu un refus",
        "encore un refus, dégoûtée",
        "refus de ma candidature hier",
        "refus pour raison économique",
        "encore un non, j'en ai marre",
        "refus hier, je suis triste",
        "Julie m'a dit non",
        "il m'a dit non pour le poste",
        "le recruteur m'a dit non ce matin",
        "c'est non, trop junior",
        "refus : pas assez d'expérience selon eux",
        "encore un refus, Bonjour",
        "je refuse de baisser les bras",
        "Je refuse de lâcher, encore un refus",
        "j refuse de me laisser abattre",
    ],
)
def test_no_company_is_invented(text: str) -> None:
    assert extract_rejection_facts(text, today=TODAY).company is None


@pytest.mark.parametrize(
    "text",
    [
        "Encore un refus : Airbus, dégoûtée",
        "refus pour raison économique",
        "il m'a dit non pour l'instant",
        "encore un refus, trop déçue",
    ],
)
def test_feelings_and_reasons_are_no_job_title(text: str) -> None:
    assert extract_rejection_facts(text, today=TODAY).position is None


# --------------------------------------------------------------------------- stages


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        # The manager may well have held the first interview: the rank is not said.
        ("entretien avec le manager", None),
        ("j'ai eu un entretien avec la manager", None),
        ("visio avec le manager", None),
        ("rdv avec le N+1", None),
        ("premier entretien avec le manager", "premier_entretien"),
        ("1er entretien avec le manager", "premier_entretien"),
        ("juste un entretien avec le manager", "premier_entretien"),
        ("un seul entretien, avec la manager", "premier_entretien"),
        ("2e entretien avec le manager", "entretiens_suivants"),
        ("deuxième entretien avec la DRH", "entretiens_suivants"),
        ("deuxieme entretien avec la drh", "entretiens_suivants"),
        ("second entretien avec la drh", "entretiens_suivants"),
        ("entretien avec la RH puis avec le manager", "entretiens_suivants"),
        ("un entretien avec la manager puis un autre avec le directeur", "entretiens_suivants"),
        ("un entretien rh et ensuite un avec le manager", "entretiens_suivants"),
        ("j'ai passé le test technique", "test"),
        ("jai passe le test technique", "test"),
        ("ils m'ont fait passer une mise en situation", "test"),
        ("ils m'ont fait faire un exercice", "test"),
        ("recalée au test", "test"),
        ("juste un appel avec la RH", "premier_entretien"),
        ("juste un coup de fil de la rh", "premier_entretien"),
        ("un appel rh", "premier_entretien"),
        ("un call avec la recruteuse", "premier_entretien"),
        ("on s'est parlé au tel", "premier_entretien"),
        ("on s est vu une fois en visio", "premier_entretien"),
        ("j'ai fait un entretien collectif", "premier_entretien"),
        ("on s'est vus en visio 2 fois", "entretiens_suivants"),
        ("on s'est vus 3 fois", "entretiens_suivants"),
        ("vu deux fois", "entretiens_suivants"),
        ("rencontrée plusieurs fois", "entretiens_suivants"),
        ("j'ai même pas eu d'entretien", "candidature"),
        ("g meme pas eu d entretien", "candidature"),
        ("pas d'entretien", "candidature"),
        ("ils m'ont jamais appelée", "candidature"),
        ("jamais été convoqué", "candidature"),
    ],
)
def test_stage_as_people_tell_it(text: str, stage: str | None) -> None:
    assert detect_stage(text) == stage


@pytest.mark.parametrize(
    "text",
    ["entretien avec le manager", "visio avec le manager", "j'ai vu le manager", "rdv avec le n+1"],
)
def test_an_interview_without_its_rank_is_asked_not_guessed(text: str) -> None:
    result = validate_stage(text)
    assert not result.ok
    assert result.message and "premier entretien" in result.message


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("le premier", "premier_entretien"),
        ("un suivant", "entretiens_suivants"),
        ("j'ai passé le test technique", "test"),
        ("juste un appel avec la RH", "premier_entretien"),
        ("on s'est vus en visio 2 fois", "entretiens_suivants"),
        ("j'ai même pas eu d'entretien", "candidature"),
    ],
)
def test_stage_answers(text: str, stage: str) -> None:
    assert validate_stage(text).value == stage


@pytest.mark.parametrize(
    ("text", "met"),
    [
        ("entretien avec le manager", True),
        ("entretien avec la manager", True),
        ("visio avec mon futur chef", True),
        ("j'ai vu le N+1", True),
        ("entretien manager", True),
        ("deuxième entretien avec la DRH", False),
        ("juste un appel avec la RH", False),
        ("le manager ne m'a jamais rappelée", False),
    ],
)
def test_meeting_the_hiring_manager_is_read(text: str, met: bool) -> None:
    assert mentions_hiring_manager(text) is met


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Refus de L'Oréal ce matin pour le poste d'assistante marketing", "L'Oréal"),
        ("Sephora ne m'a pas retenue", "Sephora"),
        ("bon ben c'est non de la part de Thales", "Thales"),
    ],
)
def test_a_refusal_said_outright_with_its_company_tells_a_rejection(
    text: str, company: str
) -> None:
    facts = tells_rejection(text, today=TODAY)
    assert facts is not None and facts.company == company


@pytest.mark.parametrize(
    "text",
    ["non merci, Decathlon c'est bon", "refus hier, je suis triste", "j'adore Decathlon", ""],
)
def test_no_rejection_is_told_without_a_refusal_and_a_company(text: str) -> None:
    assert tells_rejection(text, today=TODAY) is None
