"""The channel a person asks for, in the ways people write it (coach.channels)."""

from __future__ import annotations

import pytest

from coach.channels import read_channel


@pytest.mark.parametrize(
    "text",
    [
        "Pourriez-vous me proposer un mail ?",
        "je préférerais un simple mail, pas une rencontre",
        "un mail stp",
        "mail svp",
        "un mial stp",
        "un meil",
        "un e-mail",
        "e mail stp",
        "un email ça ira",
        "un courriel s'il vous plaît",
        "plutôt un mail qu'une rencontre",
        "pas par téléphone, par mail",
        "j'ose pas appeler, un mail plutôt",
        "au lieu d'appeler je vais écrire",
        "non pas de rdv, juste un mail",
        "finalement par mail",
        "PAR MAIL",
        "pas de souci, un mail alors",
        "la manager que j'ai rencontrée, je lui écris un mail ?",
        "la RH m'a appelé hier, je fais un mail ?",
        "je prefere ecrire",
        "par écrit c'est mieux",
        "un mail plutôt qu'un appel",
    ],
)
def test_email(text: str) -> None:
    assert read_channel(text).wanted == "email"


@pytest.mark.parametrize(
    "text",
    [
        "en fait plutôt par téléphone",
        "je préfère appeler plutôt qu'écrire",
        "un coup de fil",
        "passer un coup de fil à la RH",
        "par tel",
        "par tél stp",
        "je prefere le telephone",
        "plutot un appel",
        "je vais les appeler",
        "un script d'appel",
        "au téléphone c'est plus simple",
        "pas de mail, je préfère téléphoner",
        "coup de fil plutot",
        "je veux l'appeler",
    ],
)
def test_phone(text: str) -> None:
    assert read_channel(text).wanted == "phone"


@pytest.mark.parametrize(
    "text",
    [
        "je voudrais une rencontre",
        "un rdv",
        "proposer un rendez-vous",
        "rendez vous en personne",
        "un café avec la manager",
        "ptet un cafe avec le recruteur",
        "un échange en visio",
        "on peut se voir en visio ?",
        "en face à face",
        "un mail pour proposer un café",
        "un mail pour demander un rendez-vous",
        "plutôt une rencontre",
        "je préfère les voir en vrai",
        "je l'ai déjà rencontrée mais je veux un rdv",
    ],
)
def test_meeting(text: str) -> None:
    assert read_channel(text).wanted == "meeting"


@pytest.mark.parametrize(
    "text",
    [
        "un message LinkedIn",
        "redige moi un message linkedin pour demander un feedback",
        "plutôt sur linkedin",
        "par linkdin stp",
        "un inmail",
        "un mail via LinkedIn",
    ],
)
def test_linkedin(text: str) -> None:
    assert read_channel(text).wanted == "linkedin"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("pas une rencontre", {"meeting"}),
        ("je veux pas de rdv", {"meeting"}),
        ("surtout pas au téléphone", {"phone"}),
        ("sans appeler si possible", {"phone"}),
        ("pas de mail", {"email"}),
        ("je préférerais un simple mail, pas une rencontre", {"meeting"}),
        ("un mail plutôt qu'un appel", {"phone"}),
        ("plutôt un mail qu'une rencontre", {"meeting"}),
    ],
)
def test_refusals(text: str, refused: set[str]) -> None:
    assert read_channel(text).refused == refused


@pytest.mark.parametrize(
    "text",
    [
        "tel ou mail pour le retour ?",
        "c'est mieux un appel ou un mail ?",
        "bonjour",
        "plus court",
        "je le copie tel quel",
        "elle m'a appelée hier",
        "la recruteuse que j'ai rencontré",
        "mais je ne sais pas",
        "",
    ],
)
def test_nothing_asked(text: str) -> None:
    assert read_channel(text).wanted is None


def test_only_refusing_says_which_one_is_refused() -> None:
    reading = read_channel("pas de rencontre")
    assert reading.wanted is None and reading.refused == {"meeting"}
    assert reading.mentioned == ("meeting",)
