"""The deterministic crisis detector (SPEC §3 flow 4, Safety)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.safety import CRISIS_PAUSE, CRISIS_REPLY, crisis_evidence, detect_crisis

# Every one of these must be caught: typos, no accents, SMS, tutoiement, inside longer
# messages, mixed case, emoji.
POSITIVES: list[str] = [
    # no wish to be here any more (added on 2026-12-05 after a held-out NLU line of this
    # class was missed: its held-out figure is no longer independent)
    "j'ai plus envie d'être là",
    "je n'ai plus du tout envie d'être là",
    "jai plus envie d etre encore la",
    # burden, leaving for good, hitting oneself, wanting one's life to stop
    "je ne suis qu'un poids, je veux partir pour de bon",
    "je me tape la tête contre les murs",
    "je me tape dessus jusqu'à avoir des bleus",
    "je veux que ma vie s'arrête",
    # en finir
    "je veux en finir",
    "Je veux en finir.",
    "j'ai envie d'en finir",
    "j’ai envie d’en finir une bonne fois pour toutes",
    "jai envie den finir",
    "J'AI ENVIE D'EN FINIR",
    "je veux en finnir",
    "jveux en finir avec la vie",
    "en finir avec la vie, c'est tout ce à quoi je pense",
    "j'ai envie d'en finir avec tout ça",
    "franchement je veux juste en finir avec moi",
    "il faut que j'en finisse",
    "Je veux en finir. Avec ce dossier aussi, mais surtout avec tout.",
    # à quoi bon
    "à quoi bon vivre",
    "a quoi bon continuer a vivre",
    "a koi bon vivre franchement",
    "pk vivre si c'est pour ça",
    # mourir
    "je veux mourir",
    "JE VEUX MOURIR",
    "jveu mourrir 😭😭",
    "j'ai envie de mourir",
    "j'ai tellement envie de mourir ce soir",
    "jai envi de mourir",
    "g envie de mourir",
    "je voudrais mourir, de honte aussi",
    "je vaux rien je devrais mourir",
    "je préférerais être morte",
    "j'ai envie de crever",
    "je pense souvent à la mort",
    "je meurs à petit feu",
    # suicide
    "je pense au suicide",
    "je pense au suiside",
    "j'ai des pensées suicid",
    "je pense au sucide depuis le refus",
    "je vais me suicider",
    "j'ai envie de me suicidé",
    "J'ai fait une TS l'an dernier et ça recommence",
    "j'ai des idées suicidaires",
    "j'ai des idées noires depuis ce refus",
    # se tuer, se foutre en l'air
    "je vais me tuer",
    "j'vais m'tuer",
    "jvx me tuer",
    "j'ai pensé à me tuer",
    "je vais me foutre en l'air",
    "jvais me foutre en lair",
    "je vais mettre fin à mes jours",
    "mettre fin a ma vie",
    "je vais me pendre",
    "je pense à me jeter sous un train",
    "je vais sauter du pont",
    "je vais sauter",
    "je me tue au travail",  # deliberately caught: see coach/safety.py
    # disparaître
    "je veux disparaître",
    "je veux disparaitre pour toujours",
    "j'aimerais disparaître de ce monde",
    "disparaitre pour toujours",
    # ne plus vivre
    "plus envie de vivre",
    "j'ai plus envie de vivre",
    "mm pas envie de vivre",
    "je ne veux plus vivre",
    "je veu plu vivre",
    "je ne peux plus vivre comme ça",
    "je n'en peux plus de vivre",
    "j'ai plus goût à la vie",
    "je suis fatiguée de vivre",
    "chui fatigué de vivre",
    "j'en ai marre de la vie",
    "la vie n'a plus de sens",
    "ma vie na plus aucun sens",
    "je n'ai plus aucune raison de vivre",
    "je ne vois plus d'issue",
    "je vois pas d'autre issue",
    "je veux plus me réveiller",
    "jveux plus me reveiller le matin",
    "dormir et ne jamais me réveiller",
    "je veux que tout s'arrête",
    # self-harm
    "j'ai envie de me faire du mal",
    "je me fais du mal",
    "je me scarifie",
    "envie de me scarifier",
    "je veux me mutiler",
    "j'ai envie de m'ouvrir les veines",
    # burden
    "tout le monde serait mieux sans moi",
    "tt le monde serait mieux sans moi",
    "je suis un fardeau pour ma famille",
    "jsuis un fardeau",
    "personne ne me regretterait",
    # means
    "prendre tous mes médicaments",
    "je vais prendre tous mes medocs",
    "j'ai envie d'avaler toute la boîte de somnifères",
    # inside longer messages, mixed case, emoji, tutoiement
    "Bonjour, encore un refus aujourd'hui. Honnêtement je ne vois plus d'issue, "
    "je crois que je veux mourir.",
    "tu sais quoi ? j'ai envie d'en finir 😔",
    "Ptet que je devrais en finir, personne remarquera",
    "3e refus cette semaine... à quoi bon vivre franchement 💔",
    "Merci pour les conseils mais Je Pense Au Suicide depuis lundi",
    "ENCORE UN NON. JE VEUX DISPARAÎTRE.",
    "J'en peux plus. Je veux plus me réveiller demain.",
    "tkt pas pour moi, jme fais du mal mais ça va",
    "Enfiiiin bref, j'ai envie de mourriiiir",
    # more ways of saying it
    "je vais tout arrêter, même de respirer",
    "ça ne sert à rien de vivre",
    "a quoi ca sert de vivre",
    "je veux qu'on me laisse mourir",
    "je ne supporte plus la vie",
    "je mérite pas de vivre",
    "autant mourir",
    "vaut mieux que je disparaisse",
    "j'ai avalé une boîte de doliprane",
    "j'ai pris trop de cachets",
    "je me suis coupé les bras hier soir",
    "encore un refus et je me fais sauter le caisson",
    "je me frappe quand je reçois un refus",
    "je vais me jeter dans la Seine",
    "je vais sauter dans le vide",
    "je crois que je vais faire une bêtise",
    "la seule solution c'est de mourir",
    "tout serait plus simple si je n'étais plus là",
    "je ne manquerais à personne",
    # odd characters: full-width letters, zero-width space, decomposed accents, control chars
    "ＪＥ ＶＥＵＸ ＭＯＵＲＩＲ",
    "je\u200bveux mourir",
    "je veux dispare\u0300tre",
    "je\x00veux\x00en\x00finir",
]

# None of these must fire: job-search messages, ordinary sadness, task-ending phrases,
# idioms.
NEGATIVES: list[str] = [
    # ending a task
    "je veux en finir avec ce dossier",
    "j'ai envie d'en finir avec cette candidature",
    "je veux en finir avec ce CV une bonne fois pour toutes",
    "vivement en finir avec ma recherche d'emploi",
    "j'ai hâte d'en finir avec ces entretiens",
    "pour en finir avec les refus, parlons de ta stratégie",
    "le CV est fini, on peut en finir avec la lettre ?",
    "je veux en finir rapidement avec ma lettre de motivation",
    "j'ai fini mon CV",
    "j'ai enfin fini ma lettre de motivation",
    "enfiiiin j'ai terminé ma candidature",
    # endings that are about the process
    "c'est la fin du processus",
    "le poste a été supprimé",
    "ils ont mis fin à ma période d'essai",
    "le poste va sauter à cause des budgets",
    "ils ont décidé de supprimer le poste",
    # idioms
    "mdr je suis mort de rire",
    "j'ai failli mourir de rire pendant l'entretien",
    "je meurs de faim, je mange avant l'entretien",
    "je vais crever de chaud dans ce costume",
    "je suis mort de honte après cet entretien",
    "l'attente me tue",
    "ça me tue de ne pas avoir de réponse",
    "je vais sauter sur l'occasion",
    "je vais sauter le pas et postuler chez eux",
    "j'ai sauté de joie quand ils m'ont appelé",
    "je vais me jeter à l'eau et les appeler",
    "j'avais envie de disparaître sous terre pendant l'entretien",
    "je veux disparaître de votre base de données",
    "c'est un suicide professionnel de refuser cette offre",
    "ça me pend au nez, un autre refus",
    "je ne veux plus jamais vivre ça",
    "je voudrais vivre à Lyon",
    "je ne veux plus vivre à Paris, je cherche en province",
    "je me suis tue pendant tout l'entretien",
    "j'ai tué l'entretien, ils ont adoré",
    "j'ai tout foutu en l'air à l'entretien",
    "je vais disparaître quelques jours en vacances",
    "je vais me noyer dans le travail pour oublier",
    "ce refus me fait du mal",
    # ordinary sadness
    "je suis déçu",
    "j'ai le moral à zéro",
    "je suis dégoûté",
    "je me sens nul après cet entretien",
    "j'en peux plus de ces refus",
    "je n'en peux plus de cette recherche",
    "je suis au bout du rouleau avec ces candidatures",
    "je me sens vide depuis ce refus",
    "je suis crevé après cette journée",
    "j'ai envie de pleurer",
    "je suis triste et en colère",
    "non, pas d'idées noires, juste déçu",
    # job search
    "quelle est l'issue de mon entretien ?",
    "je n'ai pas eu d'issue favorable",
    "à quoi bon continuer à postuler ?",
    "à quoi bon relancer le recruteur",
    "je prends mes médicaments le matin",
    "j'ai pris tous mes rendez-vous pour la semaine",
    "je veux supprimer mes données",
    "supprimez-moi de vos fichiers",
    "je pense à me reconvertir",
    "j'ai envie de tout plaquer et de changer de métier",
    "je n'ai plus envie de postuler",
    "ma vie professionnelle n'a plus de sens",
    "c'est la mort dans l'âme que j'accepte ce poste",
    "je voudrais demander un retour au recruteur",
    "je me coupe du monde quelques jours",
    "je me suis coupé le doigt en cuisinant",
    "je me frappe le front quand je repense à ma réponse",
    "je vais disparaître des radars quelques jours",
    "je vais sauter dans le vide et créer ma boîte",
    "je vais me jeter dans ce projet à fond",
    "je vais sauter de poste en poste",
    "j'ai acheté une boîte de doliprane",
    "j'ai une overdose de refus",
    "j'ai trop envie de vivre ma vie",
    "je veux de plus en plus vivre ma vie à fond",
    "je dois arrêter de vivre dans le passé",
    "je veux partir pour de bon de cette boîte",
    "je ne veux plus être là quand il arrive",
    "mon père est mort l'an dernier",
    "la mort de mon père m'a changé",
    "j'ai écrit un mail d'adieu à mes collègues",
    "On m'a dit que mon profil était trop junior",
    "",
    "   ",
]


def test_tables_are_large_enough() -> None:
    assert len(POSITIVES) >= 60
    assert len(NEGATIVES) >= 40
    assert len(set(POSITIVES)) == len(POSITIVES)
    assert len(set(NEGATIVES)) == len(NEGATIVES)


@pytest.mark.parametrize("text", POSITIVES)
def test_crisis_phrasings_are_caught(text: str) -> None:
    assert detect_crisis(text), text
    evidence = crisis_evidence(text)
    assert evidence
    assert evidence == evidence.strip()


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_messages_do_not_fire(text: str) -> None:
    assert not detect_crisis(text), (text, crisis_evidence(text))
    assert crisis_evidence(text) is None


def test_evidence_is_the_matched_phrase() -> None:
    assert crisis_evidence("Bonjour. J'ai envie de mourir 😢") == "envie de mourir"
    assert crisis_evidence("je veux en finir") == "en finir"
    assert crisis_evidence("bonjour") is None


def test_a_sentence_boundary_stops_the_task_exclusion() -> None:
    # "avec ce dossier" belongs to another sentence: the first one still counts.
    assert detect_crisis("Je veux en finir. Avec ce dossier aussi.")
    assert not detect_crisis("Je veux en finir avec ce dossier.")


def test_reply_gives_the_french_resources() -> None:
    for needle in ("3114", "15", "112", "09 72 39 40 50", "SAMU", "SOS Amitié", "24h/24"):
        assert needle in CRISIS_REPLY
    assert re.search(r"\b15\b", CRISIS_REPLY)
    assert re.search(r"\b112\b", CRISIS_REPLY)


def test_reply_is_plain_short_and_honest() -> None:
    assert len(CRISIS_REPLY) <= 700
    for markup in ("*", "_", "`", "[", "]", "<", ">", "#", "~"):
        assert markup not in CRISIS_REPLY
    lowered = CRISIS_REPLY.lower()
    assert "thérapeute" in lowered
    assert "urgence" in lowered
    assert "vous" in lowered and " tu " not in lowered
    assert "solitaire" in lowered  # "pas seul", without a gendered form


def test_pause_is_a_day() -> None:
    assert timedelta(hours=24) == CRISIS_PAUSE


def test_mentioning_the_helpline_number_does_not_fire() -> None:
    assert not detect_crisis("Merci pour le numéro, je vais appeler le 3114.")


@pytest.mark.parametrize(
    "text",
    [
        # Documented choices in coach/safety.py: when in doubt, catch.
        "je me tue au travail",
        "je me tue à la tâche pour ce dossier",
        "je ne pense pas au suicide",
        "l'équipe serait mieux sans moi",
    ],
)
def test_ambiguous_phrasings_are_caught_on_purpose(text: str) -> None:
    assert detect_crisis(text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(exclude_categories=[]), max_size=500))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = detect_crisis(text)
    assert isinstance(result, bool)
    assert result == (crisis_evidence(text) is not None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.characters(exclude_categories=[]), min_size=1, max_size=300),
    st.sampled_from(["", "\x00", "\n", "\x1b[31m", "\u200b", "\ufeff", "\r\n"]),
)
def test_never_raises_on_ten_thousand_characters(chunk: str, control: str) -> None:
    unit = chunk + control
    text = (unit * (10_000 // len(unit) + 1))[:10_000]
    assert len(text) == 10_000
    assert isinstance(detect_crisis(text), bool)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(POSITIVES),
    st.text(alphabet=st.characters(exclude_categories=[]), max_size=200),
    st.text(alphabet=st.characters(exclude_categories=[]), max_size=200),
)
def test_a_crisis_message_is_caught_whatever_surrounds_it(
    phrase: str, before: str, after: str
) -> None:
    assert detect_crisis(f"{before}\n{phrase}\n{after}")


def test_non_string_input_is_not_a_crisis() -> None:
    assert detect_crisis(None) is False  # type: ignore[arg-type]


def test_every_crisis_example_of_the_assistant_is_caught() -> None:
    """The detector runs before Rasa: it must catch every crisis utterance we train on.

    Only the training data (data/nlu): held-out lines (tests/rasa/nlu_holdout.yml,
    tests/safety/) measure the detector and must not develop it (issue 18); their recall is
    reported by ``python -m devtools.eval_crisis`` and ``make rasa-test``.
    """
    import yaml

    from coach.settings import PROJECT_ROOT

    texts: list[str] = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == "crisis":
                texts += [
                    line[2:] for line in block["examples"].splitlines() if line.startswith("- ")
                ]
    assert len(texts) >= 50
    assert [t for t in texts if not detect_crisis(t)] == []


@pytest.mark.parametrize(
    "text",
    [
        "je me suis coupé le doigt en cuisinant",
        "je me suis blessé au genou au foot",
        "j'ai pris des médicaments pour la migraine",
        "j'ai pris des cachets pour dormir",
        "je me tape la tête contre les murs avec ce recruteur",
        "il faut dire adieu à mes rêves de ce poste",
        "c'est à se taper la tête contre les murs, ce recrutement",
        "ce refus, c'est un poids en moins",
        "je veux partir pour de bon de cette boîte",
        "je veux que ce processus s'arrête",
        "je me tape la honte à chaque entretien",
    ],
)
def test_everyday_phrases_near_the_new_patterns_do_not_fire(text: str) -> None:
    assert not detect_crisis(text)


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        (
            "j'ai passé la soirée à regarder mes médicaments en me disant que j'allais tous "
            "les avaler",
            True,
        ),
        ("j'ai préparé les cachets sur la table de nuit, je vais tous les prendre ce soir", True),
        ("mes médocs je vais les avaler tous", True),
        ("mes cachets, je les prends tous les matins", False),
        ("les médicaments de ma mère, elle doit tous les prendre avant midi", False),
        ("j'ai oublié de prendre mes cachets", False),
    ],
)
def test_pills_named_then_all_of_them_taken(text: str, crisis: bool) -> None:
    assert detect_crisis(text) is crisis
