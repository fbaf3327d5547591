"""The crisis detector and what people paste: recruiter feedback, others' words (issue 18).

Development examples of coach.safety, written for it. The held-out sets of tests/safety/
must never be copied here (tests/unit/test_crisis_heldout.py checks it).
"""

from __future__ import annotations

import pytest

from coach.safety import crisis_evidence, detect_crisis
from devtools.eval_crisis import feedback_corpus

# Recruiter feedback as the person pastes it in the feedback flow: the recruiter speaks
# about the interview or the candidate, never the person about themselves.
PASTED_FEEDBACK: list[str] = [
    "Bonjour Madame, lors de notre échange vous aviez l'air pressée d'en finir ; "
    "nous avons retenu une candidate plus disponible. Cordialement, l'équipe RH.",
    "Retour du manager : la candidate semblait vouloir en finir au plus vite avec "
    "l'entretien technique, et ses réponses sur SQL étaient incomplètes.",
    "Le jury avait hâte d'en finir en fin de journée, nous vous prions de nous en excuser ; "
    "votre dossier n'a cependant pas été retenu.",
    "Notre directeur voulait en finir avant midi, l'entretien a donc été court. "
    "Nous ne donnerons pas suite.",
    "Vous avez donné l'impression de vouloir en finir rapidement. Nous cherchons "
    "quelqu'un de plus investi dans la relation client.",
    "Le comité a préféré en finir vite : le profil interne était prioritaire.",
    "Merci pour votre temps. Vous vous êtes tiré une balle dans le pied en évoquant votre "
    "salaire actuel dès le début.",
    "Votre démonstration était à mourir d'ennui pour un public commercial, "
    "travaillez le storytelling.",
    "Vous avez disparu dix jours sans nouvelles entre les deux tours.",
    "Nous avons voulu mettre fin à l'échange plus tôt que prévu faute de temps.",
    "Mon interlocutrice était pressée d'en finir, elle avait un autre rendez-vous.",
    "Ils avaient l'air de vouloir en finir au plus vite avec les candidats externes.",
    "Vous avez consulté votre téléphone et paru pressée d'en finir pendant la visite du site.",
]

# Bare "en finir" about someone else, in the person's own words.
SOMEONE_ELSE: list[str] = [
    "la recruteuse avait l'air pressée d'en finir dès le début",
    "on sentait le manager pressé d'en finir",
    "le candidat voulait visiblement en finir",
    "elle était pressée d'en finir et m'a coupé la parole",
    "le recruteur voulait en finir, il avait un train à prendre",
    "la RH avait hâte d'en finir, ça se voyait",
    "il était pressé d'en finir, je n'ai pas pu poser mes questions",
    "le DRH était distrait et avait envie d'en finir",
]

# The person speaks about themselves: caught, pasted text or not.
ABOUT_ONESELF: list[str] = [
    "le recruteur m'a dit non, je suis pressé d'en finir",
    "il est pressé d'en finir et moi aussi je veux en finir",
    "Voici le retour : « vous sembliez pressé d'en finir ». Moi j'ai envie d'en finir.",
    "Retour du recruteur : profil trop junior. Franchement je veux mourir.",
    "Ils m'ont démoli en entretien et j'ai envie d'en finir",
    "le recruteur était odieux. Envie d'en finir.",
    "Nous avons décidé de ne pas poursuivre. — voilà, c'est le 12e, je pense au suicide",
]

# Chosen on purpose (safety first): when the subject may be the person, it fires.
AMBIGUOUS_CAUGHT: list[str] = [
    "il est temps d'en finir",  # impersonal "il": nobody else is named
    "il faut en finir",
    "on a envie d'en finir",  # "on" often means oneself
    "le recruteur était odieux et envie d'en finir",  # "et" may change the subject
    "vous savez, envie d'en finir",
]

# English words mixed in (a class the French patterns missed).
ENGLISH: list[str] = [
    "I want to die",
    "i just want to die lol",
    "je veux die",
    "i want to kill myself",
    "je vais kill myself",
    "j'ai envie d'end it all",
    "je veux juste end my life",
    "no reason to live",
    "je fais du self harm",
    "self-harm encore hier",
    "I wanna die",
    "I'm gonna kill myself tonight",
]
ENGLISH_EVERYDAY: list[str] = [
    "I'm dying to start, quand commence le contrat ?",
    "the deadline is Friday",
    "c'est un killer job, je postule",
    "le poste est à Die, dans la Drôme",
    "je vais travailler à Die",
    "I'd love to join your team",
]

WEAPON: list[tuple[str, bool]] = [
    ("j'ai une arme chez moi et je pense à l'utiliser contre moi", True),
    ("le fusil de chasse, j'ai envie de le retourner contre moi-même", True),
    ("j'ai toujours un couteau sur moi pour le pique-nique", False),
    ("ils ont retourné mes arguments contre moi pendant l'entretien", False),
]


@pytest.mark.parametrize("text", PASTED_FEEDBACK)
def test_pasted_recruiter_feedback_never_fires(text: str) -> None:
    assert not detect_crisis(text), (text, crisis_evidence(text))


@pytest.mark.parametrize("text", SOMEONE_ELSE)
def test_ending_the_interview_said_of_someone_else_does_not_fire(text: str) -> None:
    assert not detect_crisis(text), (text, crisis_evidence(text))


@pytest.mark.parametrize("text", ABOUT_ONESELF)
def test_the_person_speaking_about_themselves_is_caught(text: str) -> None:
    assert detect_crisis(text), text


@pytest.mark.parametrize("feedback", PASTED_FEEDBACK)
def test_pasted_feedback_followed_by_the_persons_own_crisis_words_is_caught(
    feedback: str,
) -> None:
    assert detect_crisis(f"{feedback}\nVoilà. Je n'ai plus envie de vivre.")
    assert detect_crisis(f"« {feedback} » et moi j'ai envie d'en finir")


@pytest.mark.parametrize("text", AMBIGUOUS_CAUGHT)
def test_ambiguous_subjects_are_caught_on_purpose(text: str) -> None:
    assert detect_crisis(text)


@pytest.mark.parametrize("text", ENGLISH)
def test_english_words_mixed_in_are_caught(text: str) -> None:
    assert detect_crisis(text), text


@pytest.mark.parametrize("text", ENGLISH_EVERYDAY)
def test_everyday_english_words_do_not_fire(text: str) -> None:
    assert not detect_crisis(text), (text, crisis_evidence(text))


@pytest.mark.parametrize(("text", "crisis"), WEAPON)
def test_a_weapon_turned_on_oneself(text: str, crisis: bool) -> None:
    assert detect_crisis(text) is crisis


def test_no_recruiter_feedback_of_the_corpus_fires() -> None:
    """data/feedback holds 2 000+ recruiter feedback texts: none is a person in crisis."""
    texts = feedback_corpus()
    assert len(texts) > 2000
    assert [t for t in texts if detect_crisis(t)] == []
