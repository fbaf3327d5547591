"""Changes asked to a draft: each one changes the text, or the person is told why not."""

from __future__ import annotations

import pytest

from coach.drafts import VARIANTS, DraftContext, DraftOptions, Profile, compose, word_count
from coach.refinements import (
    ENGLISH_REFUSAL,
    Refinement,
    parse_refinement,
    revise,
)

CTX = DraftContext(
    company="Capgemini",
    position="data analyst",
    contact_name="Julie Martin",
    stage="entretiens_suivants",
    profile=Profile(name="Camille Durand", phone="06 12 34 56 78"),
)
CHANNEL_VARIANTS = ("general", "phone", "meeting", "linkedin", "follow_up")


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("plus court", "shorter", True),
        ("Plus court", "shorter", True),
        ("PLUS COURT STP", "shorter", True),
        ("+ court", "shorter", True),
        ("plus cour", "shorter", True),
        ("c'est trop long", "shorter", True),
        ("tu peux le raccourcir ?", "shorter", True),
        ("racourcis stp", "shorter", True),
        ("version courte", "shorter", True),
        ("plus formel", "formal", True),
        ("+ formel stp", "formal", True),
        ("un peu plus poli", "formal", True),
        ("plus pro", "formal", True),
        ("moins formel", "formal", False),
        ("c'est trop formel", "formal", False),
        ("plus décontracté", "formal", False),
        ("plus decontracte", "formal", False),
        ("plus chaleureux", "warmer", True),
        ("plus chaleureuse stp", "warmer", True),
        ("plus sympa", "warmer", True),
        ("un ton plus chaleureux", "warmer", True),
        ("plus long", "longer", True),
        ("développe un peu", "longer", True),
        ("en anglais", "english", True),
        ("in english please", "english", True),
        ("traduis-le en anglais", "english", True),
        ("plus spécifique", "specific", True),
        ("plus precis", "specific", True),
        ("plus général", "specific", False),
        ("ajoute que je reste intéressée", "keep_in_touch", True),
        ("ajoute que je reste intéressé par le poste", "keep_in_touch", True),
        ("rajoute que j'aimerais garder le contact", "keep_in_touch", True),
        ("en fait plutôt par téléphone", "channel", "phone"),
        ("plutôt un message linkedin", "channel", "linkedin"),
        ("non plutot un mail", "channel", "email"),
    ],
)
def test_the_change_asked_is_read(text: str, field: str, value: object) -> None:
    assert getattr(parse_refinement(text), field) == value


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("ajoute que je suis disponible dès janvier", "Je suis disponible dès janvier."),
        (
            "ajoute que j'ai obtenu ma certification AWS entre-temps stp",
            "J'ai obtenu ma certification AWS entre-temps.",
        ),
        ("précise que j'ai déménagé à Lyon", "J'ai déménagé à Lyon."),
        ("mentionne aussi que je parle allemand.", "Je parle allemand."),
    ],
)
def test_a_sentence_to_add_is_kept_in_the_persons_words(text: str, sentence: str) -> None:
    change = parse_refinement(text)
    assert change.additions == (sentence,)
    for variant in CHANNEL_VARIANTS:
        revision = revise(CTX, DraftOptions(variant=variant), change)  # type: ignore[arg-type]
        assert revision.changed and sentence in revision.draft.body
        assert revision.intro().endswith(", avec votre ajout :")


def test_the_sentence_added_does_not_become_instructions() -> None:
    # « plus court » inside the person's sentence is their words, not a request.
    change = parse_refinement("ajoute que je préfère un poste plus court en distance")
    assert not change.shorter and change.channel is None
    assert change.additions == ("Je préfère un poste plus court en distance.",)


@pytest.mark.parametrize("variant", CHANNEL_VARIANTS)
def test_shorter_really_shortens_each_channel_then_says_it_is_at_its_shortest(
    variant: str,
) -> None:
    options = DraftOptions(variant=variant)  # type: ignore[arg-type]
    before = compose(CTX, options)
    first = revise(CTX, options, parse_refinement("plus court"))
    assert first.changed
    assert word_count(first.draft.body) < word_count(before.body)
    assert first.intro().startswith("Voici une version plus courte")
    assert f"au lieu de {word_count(before.body)})" in first.intro()
    again = revise(CTX, first.options, parse_refinement("encore plus court"))
    assert not again.changed and again.draft.text() == first.draft.text()
    assert "déjà dans sa version la plus courte" in again.not_done[0]


@pytest.mark.parametrize("variant", CHANNEL_VARIANTS)
def test_the_tone_moves_on_every_channel_until_its_end(variant: str) -> None:
    options = DraftOptions(variant=variant)  # type: ignore[arg-type]
    formal = revise(CTX, options, parse_refinement("plus formel"))
    assert formal.changed and "plus formelle" in formal.intro()
    assert not revise(CTX, formal.options, parse_refinement("plus formel")).changed
    assert "le plus formel" in revise(CTX, formal.options, Refinement(formal=True)).not_done[0]
    # From neutral, « moins formel » goes warm; once warm, it says so.
    casual = revise(CTX, options, parse_refinement("moins formel"))
    assert casual.changed and casual.draft.text() != compose(CTX, options).text()
    stuck = revise(CTX, casual.options, parse_refinement("moins formel"))
    assert not stuck.changed and "le plus simple et chaleureux" in stuck.not_done[0]
    warm = revise(CTX, formal.options, parse_refinement("plus chaleureux"))
    assert warm.changed and warm.draft.text() not in (
        formal.draft.text(),
        compose(CTX, options).text(),
    )
    assert not revise(CTX, warm.options, parse_refinement("plus chaleureux")).changed


@pytest.mark.parametrize("variant", VARIANTS)
def test_english_is_refused_with_the_reason(variant: str) -> None:
    options = DraftOptions(variant=variant)  # type: ignore[arg-type]
    revision = revise(CTX, options, parse_refinement("tu peux le faire en anglais ?"))
    assert not revision.changed and revision.not_done == (ENGLISH_REFUSAL,)
    assert "français" in ENGLISH_REFUSAL


def test_still_interested_is_added_once_and_never_gendered() -> None:
    change = parse_refinement("ajoute que je reste intéressée")
    for variant in ("phone", "meeting", "linkedin", "follow_up"):
        revision = revise(CTX, DraftOptions(variant=variant), change)  # type: ignore[arg-type]
        assert revision.changed, variant
        assert "Capgemini m'intéresse toujours" in revision.draft.body
        assert "intéressée" not in revision.draft.body
        again = revise(CTX, revision.options, change)
        assert not again.changed and "le dit déjà" in again.not_done[0]
    # The full email says it already: nothing to add, and the person is told where.
    general = revise(CTX, DraftOptions(), change)
    assert not general.changed
    assert general.not_done == ("Le texte le dit déjà : « Capgemini m'intéresse toujours ».",)


def test_several_changes_at_once_say_which_were_made() -> None:
    start = DraftOptions(short=True)
    revision = revise(CTX, start, parse_refinement("plus court et plus formel"))
    assert revision.changed and "salutations distinguées" in revision.draft.body
    assert revision.intro().startswith("Voici une version plus formelle du mail")
    assert any("la plus courte" in reason for reason in revision.not_done)


def test_specific_and_general_on_each_channel() -> None:
    for variant in CHANNEL_VARIANTS:
        options = DraftOptions(variant=variant)  # type: ignore[arg-type]
        precise = revise(CTX, options, parse_refinement("plus spécifique"))
        assert precise.changed, variant
        back = revise(CTX, precise.options, parse_refinement("plus général"))
        assert back.changed and back.draft.text() == compose(CTX, options).text()
        assert not revise(CTX, back.options, parse_refinement("plus général")).changed


def test_longer_undoes_shorter_and_otherwise_says_it_is_complete() -> None:
    short = DraftOptions(short=True)
    longer = revise(CTX, short, parse_refinement("plus long"))
    assert longer.changed and longer.draft.text() == compose(CTX).text()
    full = revise(CTX, DraftOptions(), parse_refinement("plus long"))
    assert not full.changed and "version complète" in full.not_done[0]


@pytest.mark.parametrize("variant", CHANNEL_VARIANTS)
@pytest.mark.parametrize(
    "text",
    [
        "plus court",
        "plus formel",
        "moins formel",
        "plus chaleureux",
        "plus spécifique",
        "plus général",
        "plus long",
        "en anglais",
        "ajoute que je reste intéressée",
        "ajoute une question sur le télétravail",
        "ajoute une question sur mes compétences techniques",
    ],
)
def test_every_change_either_changes_the_text_or_gives_a_reason(variant: str, text: str) -> None:
    options = DraftOptions(variant=variant)  # type: ignore[arg-type]
    for _ in range(3):  # asked again and again: never a silent no-op
        revision = revise(CTX, options, parse_refinement(text))
        if revision.changed:
            assert revision.draft.text() != revision.before.text()
            assert revision.intro() != "Voici la nouvelle version :"
        else:
            assert revision.draft.text() == revision.before.text()
            assert revision.not_done and all(reason.strip() for reason in revision.not_done)
        options = revision.options


@pytest.mark.parametrize(
    "text",
    [
        "raccourcis le mail",
        "je le trouve trop long ce mail",
        "ton mail est trop pompeux",
        "rends le message plus chaleureux",
        "plus court le script stp",
        "l'e-mail est trop long",
    ],
)
def test_naming_the_draft_is_not_asking_for_another_channel(text: str) -> None:
    # On a meeting request (a mail too) « raccourcis le mail » must not turn it into a plain mail.
    change = parse_refinement(text)
    assert change.channel is None and not change.empty
    revision = revise(CTX, DraftOptions(variant="meeting"), change)
    assert revision.draft.variant == "meeting"


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("plutôt un mail", "email"),
        ("en fait par téléphone", "phone"),
        ("finalement un message linkedin", "linkedin"),
        ("non, plutôt le téléphone", "phone"),
    ],
)
def test_asking_for_another_channel_is_read(text: str, channel: str) -> None:
    assert parse_refinement(text).channel == channel
