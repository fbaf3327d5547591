"""coach.emotions: mood classification, validating answers, strategies, journal, pause."""

from __future__ import annotations

import ast
import itertools
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import emotions
from coach.emotions import (
    MOODS,
    classify_mood,
    is_pause_request,
    mood_response,
    parse_successes,
    professional_reminder,
    strategies,
    strategy_keys,
)

ARTICLE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "article-refus-retours.fr.txt"
)


# --------------------------------------------------------------------------- classification

MOOD_CASES = [
    # deception
    ("je suis déçue", "deception"),
    ("Déçu.", "deception"),
    ("DÉGOÛTÉ", "deception"),
    ("degoutee", "deception"),
    ("triste", "deception"),
    ("j'y croyais vraiment", "deception"),
    ("ça fait mal", "deception"),
    ("bof", "deception"),
    ("pas bien", "deception"),
    ("ça va pas", "deception"),
    ("ça ne va pas du tout", "deception"),
    ("je suis vraiment pas bien", "deception"),
    ("Je suis tellement dégoûtée, j'y croyais vraiment", "deception"),
    # colere
    ("je suis en colère", "colere"),
    ("énervé", "colere"),
    ("grave vénère", "colere"),
    ("c'est injuste", "colere"),
    ("c'est honteux de leur part", "colere"),
    ("ils se foutent de moi", "colere"),
    ("frustré", "colere"),
    ("de plus en plus en colère", "colere"),
    # doute
    ("je me sens nulle", "doute"),
    ("je suis nul", "doute"),
    ("je suis pas à la hauteur", "doute"),
    ("je ne suis pas à la hauteur", "doute"),
    ("pas assez bien pour eux", "doute"),
    ("je doute de moi", "doute"),
    ("je me remets en question", "doute"),
    ("syndrome de l'imposteur", "doute"),
    ("je me demande ce qui cloche chez moi", "doute"),
    # honte
    ("j'ai honte", "honte"),
    ("un peu gênée", "honte"),
    ("je me sens humiliée", "honte"),
    ("c'est la honte", "honte"),
    ("je n'ose pas le dire à mes parents", "honte"),
    # decouragement
    ("je suis découragé", "decouragement"),
    ("démotivée", "decouragement"),
    ("plus envie de chercher", "decouragement"),
    ("à quoi bon chercher", "decouragement"),
    ("j'ai envie d'abandonner", "decouragement"),
    ("j'en ai marre", "decouragement"),
    ("encore un refus...", "decouragement"),
    ("pas motivé", "decouragement"),
    ("je suis épuisée", "decouragement"),
    # ca_va
    ("ça va", "ca_va"),
    ("ca va", "ca_va"),
    ("ça passe", "ca_va"),
    ("tranquille", "ca_va"),
    ("franchement ça va bien", "ca_va"),
    ("pas de souci, je rebondis", "ca_va"),
    ("c'est la vie", "ca_va"),
    ("pas grave", "ca_va"),
    # negations
    ("pas en colère, juste déçu", "deception"),
    ("je ne suis pas en colère mais déçue", "deception"),
    ("je suis pas déçu, ça va", "ca_va"),
    ("pas découragée, plutôt en colère", "colere"),
    # several moods: the specific one wins, ca_va last
    ("ça va, juste un peu déçu", "deception"),
    ("déçue et un peu nulle", "doute"),
    ("déçu et énervé", "colere"),
    ("en colère et j'ai honte", "colere"),
    # button payloads
    ("deception", "deception"),
    ("colere", "colere"),
    ("ca_va", "ca_va"),
    ("honte", "honte"),
]


@pytest.mark.parametrize(("text", "mood"), MOOD_CASES)
def test_classify_mood(text: str, mood: str) -> None:
    assert classify_mood(text) == mood


@pytest.mark.parametrize(
    ("text", "moods"),
    [
        ("déçue et un peu en colère", ("deception", "colere")),
        ("DECU ET ENERVE", ("deception", "colere")),
        ("triste, en colère et honteuse", ("deception", "colere", "honte")),
        ("je doute de moi et j'en ai marre", ("doute", "decouragement")),
        ("ca va, juste un peu decu", ("deception",)),
        ("pas en colère, juste déçue", ("deception",)),
        ("c'est honteux de leur part", ("colere",)),
        ("ça va plutôt bien", ("ca_va",)),
        ("colere", ("colere",)),
        ("hmm", ()),
    ],
)
def test_every_mood_named_is_kept_in_order(text: str, moods: tuple[str, ...]) -> None:
    assert emotions.classify_moods(text) == moods


def test_several_moods_are_each_acknowledged() -> None:
    answer = emotions.moods_response(("deception", "colere", "doute"), first_name="Camille")
    assert answer.startswith("Merci de me le dire, Camille.")
    assert "de la déception, de la colère et du doute" in answer
    # One line for each feeling, in the order named.
    positions = [answer.index(word) for word in ("La déception", "La colère", "Le doute")]
    assert positions == sorted(positions)
    assert emotions.moods_response(("colere",)) == mood_response("colere")


def test_strategies_for_several_moods_take_the_best_of_each() -> None:
    picked = emotions.strategies_for(("doute", "decouragement"))
    assert picked[:2] == [strategies("doute")[0], strategies("decouragement")[0]]
    assert len(picked) == len(set(picked)) == 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hmm",
        "🙂",
        "je ne sais pas",
        "je ne suis pas en colère",
        "pas en colère",
        "ni déçu ni en colère",
        "je suis pas nulle",
        "pas découragée",
        "j'ai pas honte",
        "c'est une mauvaise nouvelle pour eux",
        "Decathlon",
    ],
)
def test_unclear_or_only_negated_moods_give_none(text: str) -> None:
    assert classify_mood(text) is None


def test_every_button_payload_is_a_mood() -> None:
    assert [payload for _, payload in emotions.MOOD_BUTTONS] == list(MOODS)
    for title, payload in emotions.MOOD_BUTTONS:
        assert classify_mood(payload) == payload
        assert emotions.MOOD_LABELS[payload] in title
    assert set(emotions.MOOD_LABELS) == set(MOODS)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_classification_is_total(text: str) -> None:
    assert classify_mood(text) in (*MOODS, None)


# --------------------------------------------------------------------------- responses

# Words that show the answer is about this mood and not another.
MOOD_MARKERS = {
    "deception": ("déçu", "déception"),
    "colere": ("colère", "rageant", "agacé"),
    "doute": ("doute", "question", "valeur"),
    "honte": ("honte", "honteux"),
    "decouragement": ("lassitude", "fatigue", "tout poser"),
    "ca_va": ("tant mieux", "bonne nouvelle"),
}


@pytest.mark.parametrize("mood", MOODS)
def test_each_mood_has_at_least_two_distinct_variants(mood: str) -> None:
    texts = {mood_response(mood, variant=v) for v in range(10)}
    assert len(texts) >= 2
    for text in texts:
        assert any(marker in text.lower() for marker in MOOD_MARKERS[mood]), text


@pytest.mark.parametrize("mood", MOODS)
def test_responses_are_specific_to_the_mood(mood: str) -> None:
    own = mood_response(mood)
    for other in MOODS:
        if other != mood:
            assert mood_response(other) != own


@pytest.mark.parametrize("mood", MOODS)
@pytest.mark.parametrize("variant", [0, 1, 2, 7])
def test_responses_are_concise_and_addressed_with_vous(mood: str, variant: int) -> None:
    text = mood_response(mood, variant=variant)
    assert 60 <= len(text) <= 420
    words = set(_fold_words(text))
    assert not words & {"tu", "ton", "ta", "tes", "toi", "te"}
    assert "vous" in words or "votre" in words or "vos" in words


@pytest.mark.parametrize("mood", MOODS)
def test_first_name_is_woven_in(mood: str) -> None:
    for variant in range(3):
        text = mood_response(mood, first_name="Camille", variant=variant)
        assert text.count("Camille") == 1
        assert ", Camille" in text
        assert "  " not in text
        assert text.replace(", Camille", "") == mood_response(mood, variant=variant)


def test_first_name_is_sanitised() -> None:
    text = mood_response("honte", first_name="<b>Jo</b>*")
    assert "Jo" in text and "<" not in text and "*" not in text
    assert mood_response("honte", first_name="   ") == mood_response("honte")
    assert mood_response("honte", first_name="1234") == mood_response("honte")


def test_unknown_mood_is_refused() -> None:
    with pytest.raises(ValueError):
        mood_response("joie")
    with pytest.raises(ValueError):
        strategies("joie")


# --------------------------------------------------------------------------- strategies

# The six ideas from the article, each recognised by a few words of ours.
IDEAS = {
    "ressentir": ("un jour ou deux",),
    "parler": ("confiance",),
    "forces": ("réussites", "savez bien faire"),
    "apprendre": ("entraînement",),
    "prendre_soin": ("prenez soin", "proches", "bouger"),
    "objectifs": ("objectif",),
}


@pytest.mark.parametrize("mood", MOODS)
def test_strategies_cover_the_six_ideas(mood: str) -> None:
    sentences = strategies(mood)
    assert len(sentences) == 6
    assert len(set(sentences)) == 6
    assert set(strategy_keys(mood)) == set(IDEAS) == set(emotions.STRATEGY_KEYS)
    for key, sentence in zip(strategy_keys(mood), sentences, strict=True):
        assert any(marker in sentence for marker in IDEAS[key]), (key, sentence)


@pytest.mark.parametrize(
    ("mood", "first"),
    [
        ("deception", "ressentir"),
        ("colere", "ressentir"),
        ("doute", "forces"),
        ("honte", "parler"),
        ("decouragement", "prendre_soin"),
        ("ca_va", "apprendre"),
    ],
)
def test_strategies_start_with_what_fits_the_mood(mood: str, first: str) -> None:
    assert strategy_keys(mood)[0] == first
    assert strategies(mood, limit=2) == strategies(mood)[:2]
    assert strategies(mood, limit=0) == []


def test_professional_reminder() -> None:
    generic = professional_reminder()
    assert "remercier l'entreprise" in generic
    assert "LinkedIn" in generic
    assert "contact" in generic
    named = professional_reminder("Decathlon")
    assert "remercier Decathlon" in named
    assert professional_reminder("  ") == generic


def test_reframe_variants() -> None:
    assert emotions.reframe(0) != emotions.reframe(1)
    assert emotions.reframe(2) == emotions.reframe(0)


# --------------------------------------------------------------------------- journal, successes


def test_journal_prompts_are_open_questions() -> None:
    assert 2 <= len(emotions.JOURNAL_PROMPTS) <= 3
    for prompt in emotions.JOURNAL_PROMPTS:
        assert prompt.endswith("?")
        assert not re.match(r"^(Est-ce|Avez-vous|Êtes-vous)", prompt)  # not yes/no questions
    assert "trois" in emotions.SUCCESS_PROMPT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- mon permis\n- une promo\n- un semi-marathon",
            ["mon permis", "une promo", "un semi-marathon"],
        ),
        ("• permis\n• promo\n• marathon", ["permis", "promo", "marathon"]),
        ("1. permis\n2. promo\n3. marathon", ["permis", "promo", "marathon"]),
        ("1) permis 2) promo 3) marathon", ["permis", "promo", "marathon"]),
        ("1. permis 2. promo 3. marathon", ["permis", "promo", "marathon"]),
        ("permis; promo; marathon", ["permis", "promo", "marathon"]),
        ("mon permis, une promo et un marathon", ["mon permis", "une promo", "un marathon"]),
        (
            "j'ai eu mon permis et j'ai couru un semi",
            ["j'ai eu mon permis", "j'ai couru un semi"],
        ),
        ("j'ai organisé et animé un atelier", ["j'ai organisé et animé un atelier"]),
        ("a\nb\nc\nd", ["a", "b", "c"]),
        ("  \n\n", []),
        ("", []),
        ("- \n- ...\n- vrai succès", ["vrai succès"]),
    ],
)
def test_parse_successes(text: str, expected: list[str]) -> None:
    assert parse_successes(text) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_successes_are_at_most_three_non_empty_items(text: str) -> None:
    items = parse_successes(text)
    assert len(items) <= 3
    assert all(item.strip() and len(item) <= 300 for item in items)


def test_successes_reply() -> None:
    assert "trois vraies réussites" in emotions.successes_reply(["a", "b", "c"])
    assert "deux autres" in emotions.successes_reply(["a"])
    assert "une autre" in emotions.successes_reply(["a", "b"])
    assert "petite victoire" in emotions.successes_reply([])


# --------------------------------------------------------------------------- pause


@pytest.mark.parametrize(
    "text",
    [
        "on en reparle demain",
        "On en reparle demain stp",
        "on en reparlera plus tard",
        "pas maintenant",
        "Pas maintenant, merci",
        "plus tard",
        "je reviens demain",
        "à demain !",
        "une autre fois",
        "je n'ai pas le temps là",
        "je dois y aller",
        "pas envie d'en parler",
        "on fait une pause ?",
    ],
)
def test_pause_requests(text: str) -> None:
    assert is_pause_request(text)


@pytest.mark.parametrize(
    "text",
    ["je vais bien", "déçue", "oui", "demain j'ai un entretien", "", "maintenant ça va"],
)
def test_not_pause_requests(text: str) -> None:
    assert not is_pause_request(text)


# --------------------------------------------------------------------------- wording


def _fold_words(text: str) -> list[str]:
    text = text.lower().replace("œ", "oe")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text)


def _everything_the_bot_says() -> list[str]:
    texts = [
        emotions.MOOD_QUESTION,
        emotions.MOOD_NOT_UNDERSTOOD,
        emotions.JOURNAL_INTRO,
        emotions.SUCCESS_PROMPT,
        emotions.PAUSE_REPLY,
        professional_reminder(),
        professional_reminder("Decathlon"),
        *emotions.JOURNAL_PROMPTS,
        *(title for title, _ in emotions.MOOD_BUTTONS),
        *(emotions.reframe(v) for v in range(4)),
        *(emotions.successes_reply(["a"] * n) for n in range(4)),
    ]
    for mood in MOODS:
        texts += [mood_response(mood, variant=v, first_name="Camille") for v in range(4)]
        texts += strategies(mood)
    hard = [mood for mood in MOODS if mood != "ca_va"]
    for first, second in itertools.permutations(hard, 2):
        texts.append(emotions.moods_response((first, second), first_name="Camille"))
        texts += emotions.strategies_for((first, second))
    texts.append(emotions.moods_response(tuple(hard)))
    return texts


def _module_literals() -> list[str]:
    tree = ast.parse(Path(emotions.__file__).read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_placeholder_left() -> None:
    for text in _everything_the_bot_says():
        assert not re.search(r"[{}<>\[\]]|%s|TODO|XXX|\bNone\b", text), text
        assert text == text.strip() and "  " not in text, text


def test_no_eight_words_copied_from_the_article() -> None:
    if not ARTICLE.exists():
        pytest.skip("reference article not available")
    article_words = _fold_words(ARTICLE.read_text(encoding="utf-8"))
    article = {tuple(article_words[i : i + 8]) for i in range(len(article_words) - 7)}
    for text in _everything_the_bot_says() + _module_literals():
        words = _fold_words(text)
        copied = {tuple(words[i : i + 8]) for i in range(len(words) - 7)} & article
        assert not copied, (text, copied)


def test_vouvoiement_everywhere() -> None:
    for text in _everything_the_bot_says():
        assert not set(_fold_words(text)) & {"tu", "ton", "ta", "tes", "toi", "te"}, text


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("ca va, jai l'habitude maintenant", "decouragement"),
        ("ça va, je commence à avoir l'habitude", "decouragement"),
        ("je suis habituée aux refus", "decouragement"),
        ("un peu sonné", "deception"),
        ("sonnée, je m'y attendais pas", "deception"),
        ("sous le choc", "deception"),
        ("ça va", "ca_va"),
    ],
)
def test_weariness_and_shock_are_not_read_as_fine(text: str, mood: str) -> None:
    assert classify_mood(text) == mood
