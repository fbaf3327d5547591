"""Feedback-request drafts: every given field appears, no placeholder, word limit, variants."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.drafts import (
    MAX_WORDS,
    NAME_PLACEHOLDER,
    VARIANTS,
    DraftContext,
    DraftOptions,
    Profile,
    compose,
    validate_email,
    validate_linkedin,
    validate_phone,
    word_count,
)
from coach.language import writing
from coach.refinements import Refinement, apply_refinement, parse_refinement

PROFILE = Profile(
    name="Camille Durand",
    phone="06 12 34 56 78",
    email="camille.durand@example.org",
    linkedin="https://www.linkedin.com/in/camille-durand",
)
CTX = DraftContext(
    company="Capgemini",
    position="data analyst",
    contact_name="Julie Martin",
    stage="entretiens_suivants",
    profile=PROFILE,
)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_given_field_appears_and_nothing_is_left_to_fill(variant: str) -> None:
    draft = compose(CTX, DraftOptions(variant=variant))  # type: ignore[arg-type]
    text = draft.text()
    for value in ("Capgemini" if variant != "follow_up" else "data analyst", "data analyst"):
        assert value in text
    # Unknown culture, no civility: the first name, never « Bonjour Julie Martin ».
    assert "Bonjour Julie," in text and "Bonjour Julie Martin" not in text
    assert "Camille Durand" in text
    if variant not in ("phone", "linkedin"):  # a LinkedIn message is signed by its profile
        assert all(v in text for v in (PROFILE.phone, PROFILE.email, PROFILE.linkedin))
        assert draft.subject and "data analyst" in draft.subject
    assert not re.search(r"\[|\]|\{|\}|<|>|XXX|\.\.\.", text), text
    assert word_count(draft.body) <= MAX_WORDS
    assert "tu " not in text.lower().replace("tu m", "")  # vouvoiement


def test_the_variants_differ() -> None:
    texts = {v: compose(CTX, DraftOptions(variant=v)).text() for v in VARIANTS}  # type: ignore[arg-type]
    assert len(set(texts.values())) == len(VARIANTS)
    specific = texts["specific"]
    assert "mes réponses et ma façon de me présenter en entretien" in specific
    assert "culture de l'entreprise" in specific
    assert "Auriez-vous deux ou trois minutes" in texts["phone"]
    assert "quinze minutes" in texts["meeting"]
    assert texts["follow_up"].startswith("Objet : Re :")


def test_without_a_name_the_greeting_is_neutral_and_only_the_name_is_a_placeholder() -> None:
    bare = DraftContext(company="Orange", position="chef de projet")
    text = compose(bare).text()
    assert "Bonjour," in text
    assert NAME_PLACEHOLDER in text
    assert text.count("[") == 1
    formal = compose(bare, DraftOptions(formal=True)).text()
    assert "Madame, Monsieur," in formal and "salutations distinguées" in formal


def test_not_yet_formal_rejection_asks_where_the_decision_stands() -> None:
    pending = compose(DraftContext(company="Orange", position="comptable", needs_confirmation=True))
    assert "où en est votre décision" in pending.body
    assert "même si elle me déçoit" not in pending.body


def test_a_rejection_on_the_application_mentions_the_application_not_a_meeting() -> None:
    cv = compose(DraftContext(company="Orange", position="comptable", stage="candidature"))
    assert "l'attention portée à ma candidature" in cv.body
    assert "consacré" not in cv.body


def test_shorter_is_shorter_and_the_sender_is_never_gendered() -> None:
    normal = compose(CTX)
    short = compose(CTX, DraftOptions(short=True))
    assert word_count(short.body) < word_count(normal.body) - 25
    for draft in (normal, short):
        assert not re.search(r"\b(?:intéressée?|reconnaissante?|heureuse?|ravie?)\b", draft.body)
        assert "·" not in draft.body


@settings(max_examples=200, deadline=None)
@given(
    company=st.text(min_size=1, max_size=60).filter(lambda s: s.strip()),
    position=st.text(min_size=1, max_size=80).filter(lambda s: s.strip()),
    variant=st.sampled_from(VARIANTS),
    short=st.booleans(),
    formal=st.booleans(),
    areas=st.lists(st.sampled_from(["qualifications", "interview", "fit", "technical"])),
)
def test_word_limit_holds_for_any_input(
    company: str, position: str, variant: str, short: bool, formal: bool, areas: list[str]
) -> None:
    ctx = DraftContext(company=company, position=position, profile=PROFILE)
    options = DraftOptions(
        variant=variant,  # type: ignore[arg-type]
        short=short,
        formal=formal,
        areas=tuple(dict.fromkeys(areas)),
        extra_question="la place du télétravail dans l'équipe",
    )
    draft = compose(ctx, options)
    if variant in ("general", "specific", "meeting", "follow_up"):
        assert (
            word_count(draft.body) <= MAX_WORDS + word_count(company) * 2 + word_count(position) * 3
        )
    assert (writing.company(company) or company) in draft.text() or variant == "follow_up"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plus court stp", Refinement(shorter=True)),
        ("plus formel", Refinement(formal=True)),
        ("moins formel, plus chaleureux", Refinement(warmer=True)),
        ("plus spécifique", Refinement(specific=True)),
        (
            "ajoute une question sur mes compétences techniques",
            Refinement(specific=True, add_areas=("technical",)),
        ),
        (
            "rajoute une question sur mes réponses en entretien",
            Refinement(specific=True, add_areas=("interview",)),
        ),
        (
            "ajoute une question sur le télétravail",
            Refinement(specific=True, extra_question="le télétravail"),
        ),
        ("bonjour", Refinement()),
    ],
)
def test_refinements_are_read(text: str, expected: Refinement) -> None:
    assert parse_refinement(text) == expected


def test_refinements_accumulate() -> None:
    options = DraftOptions()
    options = apply_refinement(options, parse_refinement("ajoute une question sur le code"))
    options = apply_refinement(options, parse_refinement("plus court"))
    options = apply_refinement(options, parse_refinement("plus formel"))
    assert options.variant == "specific" and options.areas == ("technical",)
    assert options.short and options.formal
    draft = compose(CTX, options)
    assert "mes compétences techniques" in draft.body
    assert "salutations distinguées" in draft.body
    back = apply_refinement(options, parse_refinement("plus général"))
    assert back.variant == "general" and back.areas == ()
    assert "particulièrement utiles" not in compose(CTX, back).body


def test_extra_question_reaches_the_phone_script() -> None:
    options = apply_refinement(
        DraftOptions(variant="phone"), parse_refinement("ajoute une question sur le télétravail")
    )
    assert "Auriez-vous un conseil sur le télétravail ?" in compose(CTX, options).body


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("+41 79 123 45 67", "+41791234567"),
        ("12345", None),
        ("pas de téléphone", None),
    ],
)
def test_phone_numbers(raw: str, phone: str | None) -> None:
    assert validate_phone(raw) == phone


def test_email_and_linkedin() -> None:
    assert validate_email(" camille@example.org ") == "camille@example.org"
    assert validate_email("camille@") is None and validate_email("pas de mail") is None
    assert validate_linkedin("linkedin.com/in/camille-durand/") == (
        "https://linkedin.com/in/camille-durand"
    )
    assert validate_linkedin("https://fr.linkedin.com/in/camille") == (
        "https://fr.linkedin.com/in/camille"
    )
    assert validate_linkedin("https://example.org/in/camille") is None


# --------------------------------------------------------------------------- writing French


@pytest.mark.parametrize("variant", VARIANTS)
def test_names_typed_in_lowercase_are_written_officially(variant: str) -> None:
    ctx = DraftContext(
        company="leroy merlin",
        position="ingénieure qualité",
        contact_name="thomas petit",
        culture="casual",
        profile=PROFILE,
    )
    text = compose(ctx, DraftOptions(variant=variant)).text()  # type: ignore[arg-type]
    assert "leroy merlin" not in text and "thomas" not in text
    assert "poste d'ingénieure qualité" in text and "poste de ingénieure" not in text
    assert "Bonjour Thomas," in text
    if variant in ("general", "specific"):
        assert "Leroy Merlin m'intéresse toujours" in text


@pytest.mark.parametrize(
    ("company", "shown"),
    [("l'oreal", "chez L'Oréal"), ("sncf", "chez SNCF"), ("decathlon", "chez Decathlon")],
)
def test_known_employers_keep_their_official_spelling(company: str, shown: str) -> None:
    text = compose(DraftContext(company=company, position="vendeur", profile=PROFILE)).text()
    assert shown in text


@pytest.mark.parametrize(
    ("name", "culture", "hello"),
    [
        ("M. Thomas Petit", "formal", "Bonjour Monsieur Petit,"),
        ("Mme Petit", "formal", "Bonjour Madame Petit,"),
        ("Thomas Petit", "formal", "Madame, Monsieur,"),
        ("Thomas Petit", "casual", "Bonjour Thomas,"),
        ("Thomas Petit", "unknown", "Bonjour Thomas,"),
        (None, "casual", "Bonjour,"),
    ],
)
def test_salutation_follows_the_company_culture(name, culture: str, hello: str) -> None:
    ctx = DraftContext(
        company="Airbus", position="acheteur", contact_name=name, culture=culture, profile=PROFILE
    )
    for variant in ("general", "meeting", "follow_up"):
        body = compose(ctx, DraftOptions(variant=variant)).body  # type: ignore[arg-type]
        assert body.startswith(hello), body
        assert "Thomas Petit" not in body


def test_phone_script_greets_like_the_mail() -> None:
    ctx = DraftContext(
        company="Airbus",
        position="acheteur",
        contact_name="M. Petit",
        culture="formal",
        profile=PROFILE,
    )
    body = compose(ctx, DraftOptions(variant="phone")).body
    assert body.startswith("« Bonjour Monsieur Petit, Camille Durand à l'appareil")
    anonymous = compose(
        DraftContext(company="Airbus", position="acheteur", culture="formal", profile=PROFILE),
        DraftOptions(variant="phone"),
    ).body
    assert anonymous.startswith("« Bonjour, Camille Durand")  # never « Madame, Monsieur » aloud


@pytest.mark.parametrize(
    ("name", "hello"),
    [
        ("Marc Dubois", "Bonjour Marc,"),
        ("M. Dubois", "Bonjour Monsieur Dubois,"),
        (None, "Bonjour,"),
    ],
)
def test_a_linkedin_message_never_opens_with_madame_monsieur(name: str | None, hello: str) -> None:
    formal = DraftContext(
        company="Société Générale", position="chargée de clientèle", contact_name=name,
        culture="formal", profile=PROFILE,
    )  # fmt: skip
    text = compose(formal, DraftOptions(variant="linkedin")).text()
    assert text.startswith(hello) and "Madame, Monsieur" not in text
    mail = compose(formal, DraftOptions(variant="general")).text()
    assert ("Madame, Monsieur," in mail) == (name != "M. Dubois")
