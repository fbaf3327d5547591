"""Short answers to a form's questions, read from French free text.

Yes or no (« ouais », « pas du tout », 👍), « je ne sais pas » (« jsp », « aucune idée »),
« passer », « pourquoi tu me demandes ça ? », « aucune » / « personne », and a bot command
typed in place of an answer (« /aide »). Each reader looks at the whole answer, folded
(:func:`coach.language.fold.words`): a longer sentence that merely contains « non » is not a
no.
"""

from __future__ import annotations

import re
from typing import Final

from coach.language.fold import words as _words

__all__ = [
    "is_command",
    "is_dont_know",
    "is_none_answer",
    "is_not_had",
    "is_sad_signs",
    "is_skip",
    "is_why_question",
    "parse_yes_no",
]


def is_command(text: str) -> bool:
    """ "/aide", "/refus" — a command typed where an answer was expected, never an answer."""
    return bool(re.match(r"\s*/[A-Za-z]", text or ""))


_FILLERS = (
    r"(?:euh+|heu+|hm+|bah|ben|bof|alors|franchement|honnetement|sincerement|en\s+fait"
    r"|malheureusement|desole|desolee|pardon|du\s+tout|vraiment|trop|plus\s+trop|bien"
    r"|moi|perso|la|ca|non|oui|ok|helas)"
)
_DONT_KNOW = re.compile(
    rf"^(?:{_FILLERS}\s+)*(?:"
    r"(?:je\s+|j\s+)?(?:ne\s+|n\s+)?(?:sais|sait|sai|c?sais)\s+(?:pas|plus|rien|pa)"
    r"|(?:je\s+|j\s+)?(?:n\s+)?en\s+sais\s+rien|chais\s+pas|chai\s+pas|chepa|chpa|jsp|jsais\s+pas"
    r"|jsai\s+pas|sais\s+pas|nsp|idk|dunno|no\s+idea|aucune\s+idee|pas\s+d\s+idee"
    r"|(?:je\s+)?(?:n\s+)?en\s+ai\s+aucune\s+idee|aucun\s+souvenir|inconnu|inconnue"
    r"|(?:je\s+)?(?:ne\s+)?(?:me\s+)?(?:souviens|rappelle)\s+(?:plus|pas)"
    r"|(?:je\s+)?(?:ne\s+)?suis\s+pas\s+(?:sur|sure|certain|certaine)|pas\s+(?:sur|sure)"
    r"|aucune\s+id|ne\s+sais\s+pas|je\s+ignore|j\s+ignore|mystere|va\s+savoir"
    r"|(?:je\s+ne\s+sais|je\s+sais)\s+pas\s+(?:trop|vraiment|exactement)"
    rf")(?:\s+{_FILLERS})*$"
)
_SKIP = re.compile(
    r"^(?:(?:on|je|j|tu|vous|bon|ok|alors)\s+)*(?:"
    r"passer|passe|passons|passez|skip|skipper|next|suivant|suivante|question\s+suivante"
    r"|sauter|saute|sautons|ignorer|ignore|pas\s+de\s+reponse|sans\s+reponse"
    r"|(?:je\s+)?(?:prefere|prefererais)\s+(?:ne\s+pas|pas)\s+(?:repondre|dire|le\s+dire)"
    r"|(?:je\s+)?(?:ne\s+)?(?:veux|souhaite)\s+pas\s+(?:repondre|le\s+dire)"
    r"|pas\s+envie\s+de\s+repondre|aucune\s+importance|peu\s+importe|osef|on\s+s\s+en\s+fiche"
    r")(?:\s+(?:svp|stp|merci|cette\s+question|la\s+question|pour\s+l\s+instant))*$"
)


def is_dont_know(text: str) -> bool:
    """ "je ne sais pas", "jsp", "aucune idée", "je ne me souviens plus", "🤷"…"""
    if "🤷" in (text or ""):
        return True
    words = _words(text)
    return bool(words) and bool(_DONT_KNOW.match(words))


def is_skip(text: str) -> bool:
    """ "passer", "skip", "question suivante", "je préfère ne pas répondre", "⏭"…"""
    if (text or "").strip() in ("⏭", "⏭️", "⏩"):
        return True
    return bool(_SKIP.match(_words(text)))


_YES = re.compile(
    r"^(?:(?:euh|ben|bah|alors|bien|ah|oh)\s+)*(?:oui|ouais|ouai|ouep|wi|yes|yep|yup|ok|okay"
    r"|d\s+accord|bien\s+sur|evidemment|exact|exactement|tout\s+a\s+fait|absolument"
    r"|affirmatif|carrement|effectivement|c\s+est\s+ca|c\s+est\s+bien\s+ca|en\s+effet|si"
    r"|(?:je\s+)?(?:crois|pense|dirais)\s+(?:que\s+)?oui|plutot\s+oui|il\s+me\s+semble"
    r"|je\s+crois|je\s+pense|oui\s+oui)\b"
)
_NO = re.compile(
    r"^(?:(?:euh|ben|bah|alors|ah|oh)\s+)*(?:non|nan|nope|no|pas\s+du\s+tout|absolument\s+pas"
    r"|jamais|aucun|aucune|negatif|pas\s+vraiment|plutot\s+non|pas\s+encore|toujours\s+pas"
    r"|(?:je\s+)?(?:ne\s+)?(?:crois|pense)\s+pas|(?:je\s+)?(?:crois|pense|dirais)\s+que\s+non"
    r"|pas\s+que\s+je\s+sache|non\s+non|pas)\b"
)
_MAYBE = re.compile(r"^(?:peut\s+etre|p\s+e|pe|possible|probablement|je\s+sais\s+pas\s+trop)\b")


def parse_yes_no(text: str) -> bool | None:
    """True / False for a yes or no answer ("ouais", "pas du tout", 👍…), else None."""
    raw = text or ""
    if any(mark in raw for mark in ("👍", "✅", "✔")):
        return True
    if any(mark in raw for mark in ("👎", "❌", "✖")):
        return False
    words = _words(raw)
    if not words or is_dont_know(raw) or _MAYBE.match(words):
        return None
    if _NO.match(words):
        return False
    if _YES.match(words):
        return True
    return None


# Only questions about the question itself: "pourquoi ils m'ont refusé ?" is not one.
_WHY = re.compile(
    r"^(?:mais\s+|et\s+)?(?:pourquoi|pk|pq)(?:\s+(?:ca|faire|donc|cette\s+question|c\s+est"
    r"\s+important|c\s+est\s+utile|vous\s+voulez\s+savoir|tu\s+veux\s+savoir))?$"
    r"|\b(?:pourquoi|pk|pq)\b.*\b(?:tu|vous)\s+(?:me\s+)?(?:demandes?|demandez|poses?|posez"
    r"|veux\s+savoir|voulez\s+savoir|as\s+besoin|avez\s+besoin)\b"
    r"|\b(?:pourquoi|pk|pq)\s+(?:cette|ces|la)\s+questions?\b"
    r"|\ba\s+quoi\s+(?:ca\s+)?(?:te\s+|vous\s+)?sert\b|\bca\s+(?:te\s+|vous\s+)?sert\s+a\s+quoi\b"
    r"|\ben\s+quoi\s+c\s+est\s+utile\b|\bc\s+est\s+pour\s+quoi\s+faire\b"
    r"|\bquel\s+(?:est\s+le\s+)?rapport\b"
)


def is_why_question(text: str) -> bool:
    """ "pourquoi tu me demandes ça ?", "ça sert à quoi ?" — answered with :data:`WHY_WE_ASK`."""
    words = _words(text)
    return bool(words) and bool(_WHY.search(words)) and len(words.split()) <= 12


_NONE_ANSWER = re.compile(
    r"^(?:(?:non|nan|bah|ben|euh)\s+)*(?:aucune?|aucun|non|nan|rien|personne|pas\s+de\s+date"
    r"|pas\s+de\s+delai|pas\s+precise|pas\s+dit|ils\s+(?:n\s+)?ont\s+rien\s+dit"
    r"|ils\s+ne\s+l\s+ont\s+pas\s+dit|elle\s+(?:n\s+)?a\s+rien\s+dit|pas\s+annonce"
    r"|pas\s+du\s+tout|jamais|pas\s+que\s+je\s+sache|nobody|none|no|nope)\b"
)


def is_none_answer(text: str) -> bool:
    """ "aucune", "personne", "ils n'ont rien dit", "pas de date" — an answer that says none."""
    return bool(_NONE_ANSWER.match(_words(text)))


# « j'en ai pas », « jai pas de linkedin », « je n'ai pas de compte » — nothing to give.
_NOT_HAD = re.compile(
    r"^(?:(?:non|nan|bah|ben|euh|ah)\s+)*(?:(?:je\s+|j\s+)?(?:n\s+)?(?:en\s+)?ai\s+pas|jen\s+ai"
    r"\s+pas|jai\s+pas|(?:je\s+)?n\s+en\s+ai\s+(?:pas|aucun|aucune)|j\s+en\s+ai\s+(?:pas|aucun"
    r"|aucune)|pas\s+de\s+(?:compte|linkedin|profil|telephone|tel|portable|mail|email|e\s+mail"
    r"|adresse))\b"
)


def is_not_had(text: str) -> bool:
    """ "j'en ai pas", "pas de linkedin": the person has none of what was asked."""
    words = _words(text)
    return bool(_NOT_HAD.match(words)) and len(words.split()) <= 10


# Faces and hearts of sorrow; a message made only of symbols with one of them says a feeling.
_SAD_SIGNS: Final = frozenset("😭😢😞😔😩😫😖😣🙁☹💔😿🥺😟😥😓😪😵")


def is_sad_signs(text: str) -> bool:
    """ "😭😭", "💔" — no words, a feeling: answered with care, never as a misunderstanding."""
    stripped = "".join((text or "").split())
    if not stripped or any(ch.isalnum() for ch in stripped):
        return False
    return any(ch in _SAD_SIGNS for ch in stripped)
