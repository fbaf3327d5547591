"""Crisis tiers (SPEC §10): ``crisis``, ``ambiguous``, ``none``, and the careful window.

Every text a person sends goes through the tiers first, in this order:

``crisis``
    :func:`coach.safety.detect_crisis` fires. The crisis answer goes out at once, before any
    I/O, and the crisis is recorded afterwards. Nothing here can lower a message the detector
    caught: the ambiguous tier is only ever looked for when the detector said no.
``ambiguous``
    The detector said no, but the message puts a crisis word (ending, killing, dying,
    disappearing, giving everything up, « à quoi bon », « plus la force ») next to the job
    search — the applications, the rejections, an interview, unemployment — or says the
    person is fed up with the search itself (« j'en ai marre de chercher »), or says they
    are worthless (« je sers à rien », « personne ne veut de moi »), search or not. The answer is a
    short check, still with 3114 in one line, and two buttons: « Je parlais de ma
    recherche » (acknowledged, the conversation goes on where it was) and « Je ne vais pas
    bien » (the full crisis answer, recorded as a crisis).
``none``
    Everything else: the message goes on to the dialogue.

The classifier's ``crisis`` intent (Rasa, the second net for what the detector misses) is
placed by :func:`tier`: on a message the text tiers found ambiguous it gives the check,
otherwise the full crisis answer. The relay answers ambiguous messages before the dialogue,
so in practice the classifier only sees ``none`` text and its ``crisis`` is a crisis.

After a crisis answer, replies stay careful for :data:`CAREFUL_WINDOW` unless the person
says they are safe and want to go on (:func:`in_careful_window`): no cheerful verdict, no
upbeat reading of a mood, no mood stored, no coaching push; « ça va mieux » is acknowledged
gently, and « on reprend » in any phrasing (:func:`is_resume_request`) resumes what the
crisis paused.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Literal

from coach.safety import _about_someone_else, _normalise, detect_crisis

__all__ = [
    "AMBIGUOUS",
    "CAREFUL_WINDOW",
    "CRISIS",
    "NONE",
    "SEARCH_PAYLOAD",
    "UNWELL_PAYLOAD",
    "ambiguous_check",
    "in_careful_window",
    "is_feeling_better",
    "is_resume_request",
    "text_tier",
    "tier",
]

Tier = Literal["crisis", "ambiguous", "none"]
CRISIS: Final = "crisis"
AMBIGUOUS: Final = "ambiguous"
NONE: Final = "none"

#: Replies stay careful this long after a crisis answer (unless the person resumes first).
CAREFUL_WINDOW: Final = dt.timedelta(hours=1)

#: Button payloads of the check; the relay answers them itself, they never reach Rasa.
PAYLOAD_PREFIX: Final = "tier:"
SEARCH_PAYLOAD: Final = "tier:search"
UNWELL_PAYLOAD: Final = "tier:unwell"
SEARCH_BUTTON: Final = "Je parlais de ma recherche"
UNWELL_BUTTON: Final = "Je ne vais pas bien"

_CHECK: Final = (
    "{opening} voulez-vous parler de votre recherche d'emploi ? Je préfère vous le demander.\n"
    "Si vous pensez à vous faire du mal, appelez le 3114 : on vous y écoute jour et nuit, "
    "gratuitement."
)
_QUOTE_MAX: Final = 70
SEARCH_ACK: Final = (
    "Merci de me l'avoir précisé. Une recherche qui s'étire et des refus qui s'accumulent, "
    "c'est usant : en avoir assez est bien normal."
)
SEARCH_ACK_FREE: Final = (
    "Si vous le voulez, dites-moi ce qui pèse le plus en ce moment, ou tapez /aide pour voir "
    "ce que nous pouvons faire ensemble."
)
SEARCH_ACK_FORM: Final = "Reprenons là où nous en étions :"

# In the careful hour (no verdict, no mood reading, no push; 3114 stays within reach).
CAREFUL_BETTER: Final = (
    "Merci de me donner des nouvelles, cela compte. Prenez tout le temps qu'il vous faut, "
    "rien ne presse. Voulez-vous que nous reprenions là où nous nous étions arrêtés, ou "
    "préférez-vous en rester là pour l'instant ? Si le poids revient, le 3114 répond à "
    "toute heure."
)
CAREFUL_HEARD: Final = (
    "Merci de me le dire. Je reste là, à votre rythme. Si c'est trop lourd, le 3114 vous "
    "écoute jour et nuit. Quand vous voudrez continuer, écrivez-moi « on reprend »."
)
RESUME_BUTTON: Final = {"title": "On reprend", "payload": "/resume_conversation"}
#: Where a paused form stood, said when it resumes after a crisis answer; ``{refus}`` is
#: « votre refus chez … » or « ce refus ».
WHERE_WE_WERE: Final[dict[str, str]] = {
    "intake_form": "aux questions sur {refus}",
    "mood_form": "à ce que vous ressentez après {refus}",
    "journal_form": "à votre entrée de journal sur {refus}",
    "successes_form": "à vos trois réussites",
    "feedback_form": "au retour que vous aviez reçu",
    "feedback_reflection_form": "à votre réflexion sur ce retour",
    "star_form": "à votre exemple STAR",
    "swot_form": "à votre SWOT",
    "goal_form": "à votre objectif",
    "thought_form": "à l'exercice sur votre pensée",
    "next_steps": "à la suite à donner à {refus}",
}
CAREFUL_RESUME: Final = "Reprenons doucement, à votre rythme."


def where_we_were(flow: str | None, company: str | None) -> str:
    """« Nous en étions aux questions sur votre refus chez Acme. » (empty when unknown)."""
    where = WHERE_WE_WERE.get(flow or "")
    if where is None:
        return ""
    refus = f"votre refus chez {company}" if company else "ce refus"
    return f"Nous en étions {where.format(refus=refus)}."


# --------------------------------------------------------------------------- patterns
# Written in plain spelling on the text as coach.safety normalises it (lowercase ASCII,
# elisions spelled out: "m'a" is "me a", "d'en" is "de en"); doubled letters are collapsed
# when compiled, as they are in the text.

# The job search, its steps and its setbacks.
_SEARCH = (
    r"(?:recherches?|chercher|cherche|postuler|postule|candidater|candidatures?|candidats?"
    r"|refus|refusee?s?|non retenue?s?|reponses? negatives?|entretiens?|emplois?|boulots?"
    r"|jobs?|taf|travail|chomage|chomeur|chomeuse|pole emploi|france travail|cv"
    r"|lettres? de motivation|recruteurs?|recruteuses?|recrutements?|offres?|postes?"
    r"|employeurs?|marche du travail|monde du travail|licenciements?|licenciee?|relances?)\b"
)
# Giving up on the search itself: "marre de chercher", "plus la force de postuler".
_SEARCH_VERB = (
    r"(?:chercher|postuler|candidater|envoyer des (?:cv|candidatures|lettres)|faire des"
    r" candidatures|relancer|(?:cette|ma|la) recherche)\b"
)
_FED_UP = (
    r"(?:(?:en )?(?:ai|a) (?:mare|marre|asez|assez)|mare|marre|ras le bol|en peux plus"
    r"|ne en peux plus|en peut plus|plus la force|suis a bout|suis epuisee?) de"
)
_DARK: Final = (
    # ending: "en finir avec ces candidatures", "qu'on en finisse"
    r"en finis?s?(?:e|es|ent|ons|ez|r)?\b",
    # killing, finishing off: "ce refus m'a tué", "ces entretiens me tuent"
    r"(?:me|vont me|va me|vas me) (?:a |ont |as |avait |auront |aura )?(?:tuer?|tuee?s?"
    r"|tuent|tuera|tueront|acheve|achevee|achever|achevent)\b",
    # dying, croaking, disappearing
    r"(?:envie|besoin) de (?:mourir|crever|disparaitre)\b",
    r"(?:mourir|crever|creve|disparaitre)\b",
    # giving everything up
    r"tout (?:arreter|areter|abandonner|abandoner|lacher|plaquer|laisser tomber|envoyer"
    r" balader|envoyer en le air|foutre en le air)\b",
    r"(?:je|on) (?:vais|va) tout (?:arreter|abandonner|lacher|plaquer)\b",
    r"a quoi bon\b",
    r"plus la force\b",
    r"que (?:ca|cela|tout ca|cete recherche|cette recherche|ce cauchemar) se (?:arete|arrete"
    r"|termine|finise|finisse)\b",
)
_FED_UP_SEARCH = rf"{_FED_UP} {_SEARCH_VERB}"
# Worthlessness said of oneself: "je sers à rien", "personne ne veut de moi", "je suis un
# poids". Hopelessness of this kind is checked on its own, search words or not.
_WORTHLESS = (
    r"je (?:ne )?(?:sers|sert) (?:plus |vraiment |absolument |strictement )?a rien"
    r"|je (?:ne )?(?:vaux|vaut) (?:plus )?rien"
    r"|(?:je ne suis|je suis) (?:plus )?rien\b(?! de )"
    r"|persone (?:ne )?(?:veut|voudra) (?:plus |jamais )?de moi"
    r"|je suis (?:un|une) (?:poids|fardeau)\b"
    r"|je suis (?:bon|bonne) a rien"
)


def _compile(source: str) -> re.Pattern[str]:
    # Same letter collapsing as the text: "arrêter" is "areter" once normalised.
    return re.compile(r"\b(?:" + re.sub(r"(?<!\\)([a-z])\1+", r"\1", source) + ")")


_DARK_RE: Final = _compile("|".join(f"(?:{s})" for s in _DARK))
_SEARCH_RE: Final = _compile(_SEARCH)
_FED_UP_SEARCH_RE: Final = _compile(_FED_UP_SEARCH)
_WORTHLESS_RE: Final = _compile(_WORTHLESS)


def _flat(text: str) -> str:
    return " ".join(_normalise(text).replace("|", " ").split())


def ambiguous_evidence(text: str) -> str | None:
    """The normalised fragment that makes ``text`` ambiguous (tests only: never log it)."""
    if not isinstance(text, str) or not text:
        return None
    normalised = _normalise(text)
    words = normalised.split()
    positions = [i for i, word in enumerate(words) if word != "|"]
    flat = " ".join(words[i] for i in positions)
    found = [*_WORTHLESS_RE.finditer(flat)]
    if _SEARCH_RE.search(flat):
        found += [*_FED_UP_SEARCH_RE.finditer(flat), *_DARK_RE.finditer(flat)]
    for match in found:
        # Pasted feedback: "vous sembliez pressé d'en finir" is the recruiter's wish.
        start = positions[flat.count(" ", 0, match.start())]
        if not _about_someone_else(words, start):
            return match.group(0)
    return None


def text_tier(text: str) -> Tier:
    """The tier of a message from its text alone (the deterministic part)."""
    if detect_crisis(text):
        return CRISIS
    return AMBIGUOUS if ambiguous_evidence(text) is not None else NONE


def tier(text: str, *, classifier_crisis: bool = False) -> Tier:
    """The tier with the classifier placed: its ``crisis`` intent lifts ``none`` to
    ``crisis`` and leaves an ambiguous message ambiguous (the check already shows 3114 and
    offers the full answer); it never lowers the detector's ``crisis``."""
    found = text_tier(text)
    if found == NONE and classifier_crisis:
        return CRISIS
    return found


def ambiguous_check(text: str) -> str:
    """The check's text; a short message is quoted back (a long one is not)."""
    quoted = " ".join((text or "").split()).rstrip(" .!?…")
    if quoted and len(quoted) <= _QUOTE_MAX:
        opening = f"Quand vous écrivez « {quoted} »,"
    else:
        opening = "Dans ce que vous venez d'écrire,"
    return _CHECK.format(opening=opening)


# --------------------------------------------------------------------------- window

_NOT_AFTER: Final = r"(?! (?:pas|plus|jamais|rien)\b)"
_RESUME_RE: Final = _compile(
    r"(?:on (?:peut |pourrait |va )?(?:reprend|reprendre|continue|continuer|poursuit"
    r"|poursuivre|y retourne|se y remet|repart)|reprenons|continuons|poursuivons"
    r"|(?:je veux|je voudrais|je peux|je aimerais|je suis prete? a|prete? a|on peut)"
    r" (?:reprendre|continuer|poursuivre)|ce est reparti|allez on y va)\b" + _NOT_AFTER
)
_BETTER_RE: Final = _compile(
    r"(?:ca va (?:un peu |beaucoup |bien |deja )?mieux|ca va aller|ca ira|ca va maintenant"
    r"|je vais (?:un peu |beaucoup |bien |deja )?mieux|je me sens (?:un peu |beaucoup )?mieux"
    r"|je suis (?:en securite|calmee?|apaisee?|rassuree?)|ce est passe|ca va merci"
    r"|tout va bien|ca va)\b" + _NOT_AFTER
)


def is_resume_request(text: str) -> bool:
    """« on reprend », « on continue », « c'est bon on peut reprendre »…"""
    return bool(isinstance(text, str) and _RESUME_RE.search(_flat(text)))


def is_feeling_better(text: str) -> bool:
    """« ça va mieux », « je me sens mieux », « je suis en sécurité »…"""
    return bool(isinstance(text, str) and _BETTER_RE.search(_flat(text)))


def in_careful_window(
    crisis_at: dt.datetime | None,
    *,
    now: dt.datetime,
    cleared_at: float | None = None,
) -> bool:
    """Whether replies must stay careful: a crisis answer less than an hour ago, and the
    person has not said since then that they are safe and want to go on (``cleared_at``,
    epoch seconds, from the ``crisis_cleared_at`` slot)."""
    if crisis_at is None:
        return False
    if crisis_at.tzinfo is None:
        crisis_at = crisis_at.replace(tzinfo=dt.UTC)
    if not dt.timedelta(0) <= now - crisis_at < CAREFUL_WINDOW:
        return False
    return cleared_at is None or cleared_at < crisis_at.timestamp()
