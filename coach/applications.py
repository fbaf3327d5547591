"""Which logged application a message is about, read from the company it names.

A company named in a message is never silently swapped for another one: « decathlon aussi
m'a répondu » with only Intersport logged is :class:`Unknown` (the dialogue offers to add
Decathlon), not Intersport. :func:`match_application` compares one company name with the
person's applications; :func:`application_in_message` first looks for the logged companies
in the message, then for a company the message names (:func:`mentioned_company`).

Matching is forgiving about how people type names, and strict about which name it is:

- case, accents, apostrophes and hyphens do not count: « l'oreal » is « L'Oréal », « leroy
  merlin » is « Leroy-Merlin »; neither do spaces between words (« loreal »);
- a name may be part of the logged one or the reverse: « decathlon » is « Decathlon Lille »
  (when it is the distinctive word, not « groupe » or « france »);
- one typo in a name of 4 letters or more, two from 9 (« decatlon », « intesport »);
- exact readings win over typo readings; two applications with the same company (two
  positions at Decathlon) are :class:`Ambiguous`: the person says which.

Pure functions: no database, no Rasa. Nothing here logs what people wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from coach.language.fold import damerau_one, fold_keep_length, wordset
from coach.language.writing import company

__all__ = [
    "Ambiguous",
    "HasCompany",
    "Match",
    "Unknown",
    "application_in_message",
    "match_application",
    "mentioned_company",
    "plausible_company",
]


class HasCompany(Protocol):
    @property
    def company(self) -> str | None: ...


@dataclass(frozen=True)
class Match[A: HasCompany]:
    """The one application the name designates."""

    application: A


@dataclass(frozen=True)
class Ambiguous[A: HasCompany]:
    """Several applications fit (same company twice, or a name shared by two)."""

    applications: tuple[A, ...]


@dataclass(frozen=True)
class Unknown:
    """A company none of the applications carries; ``named`` is fit to show."""

    named: str


# Words that do not tell one company from another: « Groupe SEB » is SEB.
_NOT_DISTINCTIVE: Final = wordset(
    """
    groupe group sa sas sarl sasu inc ltd gmbh france paris lyon lille nord sud est ouest
    societe entreprise cabinet agence magasin boutique siege la le les l de des du d et the
    of international services service consulting conseil solutions
    """
)
# Words that end a company name read in a sentence.
_STOP: Final = wordset(
    """
    aussi egalement enfin finalement meme du coup m me ma mon mes a ont vient viennent
    de d pour par pendant apres avant hier aujourd hui ce matin soir cette semaine qui que
    qu et mais ou car donc alors sur avec sans dans en au aux est sont c ca cela il ils elle
    elles on j je tu nous vous y repondu rappele ecrit envoye appele dit fait donne
    retour reponse mail email message appel entretien poste refus candidature le la les
    un une des lundi mardi mercredi jeudi vendredi samedi dimanche tout juste deja encore part
    """
)
# Never a company: pronouns, roles, fillers (« ils m'ont répondu », « la RH a répondu »).
_NOT_A_COMPANY: Final = wordset(
    """
    ils il elle elles on je j tu nous vous lui eux ca cela ce c personne quelqu un
    rh drh recruteur recruteuse recruteurs manager manageuse responsable directeur directrice
    chef cheffe boss patron patronne equipe entreprise boite societe cabinet jury employeur
    recrutement service autre autres deuxieme premiere premier dernier derniere meme leur
    leurs mon ma mes son sa ses notre nos votre vos tout tous rien oui non ok bon bah ben euh
    alors donc enfin aujourd hui hier demain candidature poste entretien retour reponse mail
    message appel part merci super parfait top aucune aucun laquelle lequel celle celui sais
    pas sait jsp nan ouais
    """
)
_PRONOUNS: Final = wordset(
    "ils il elle elles on je j tu nous vous lui eux ca cela ce c mon ma mes son sa ses"
)
_MAX_NAME_WORDS: Final = 4
_NAME: Final = r"(?P<name>[a-z0-9&][a-z0-9&]*(?: [a-z0-9&]+){0,5})"
# Where a company is named in a message about an answer or a feedback.
_AT: Final = re.compile(r"\b(?:chez|de chez|de la part de|aupres de|aupres d)\s+" + _NAME)
_AFTER: Final = re.compile(
    r"\b(?:retours?|reponses?|nouvelles|feedbacks?|mails?|e mails?|emails?|appels?"
    r"|messages?|courriers?|lettres?|debriefs?|refus|coup de fil)"
    r"(?: (?:negati\w+|officiel\w*|ecrite?s?|telephonique|enfin|aussi))?"
    r"\s+(?:de|d|du)\s+" + _NAME
)
_BEFORE: Final = re.compile(
    r"(?P<name>[a-z0-9&]+(?: [a-z0-9&]+){0,3})\s+(?:(?:aussi|egalement|enfin|finalement|meme"
    r"|du coup|a son tour|de son cote|elle aussi|lui aussi)\s+)?(?:m a|m ont|a|ont|m as"
    r"|vient de|viennent de|ma|mont|me|m)\s+(?:enfin\s+|aussi\s+|finalement\s+|bien\s+)?"
    r"(?:repondu|rappele|rappelee|ecrit|envoye|appele|fait (?:un|une|des|son|leur|mon)"
    r"|donne|renvoye|recontacte|contacte|dit|repondre|rappeler|ecrire|envoyer|appeler)\b"
)
_ADVERBS: Final = frozenset({"aussi", "egalement", "enfin", "finalement", "meme", "coup", "du"})
_LOWER_WORDS: Final = frozenset({"de", "des", "du", "et", "la", "le", "les", "en", "sur"})


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", fold_keep_length(text or "")).split())


def _tokens(name: str) -> list[str]:
    return _fold(name).split()


def _close(a: str, b: str) -> bool:
    """Same word, or one typo apart (two from 9 letters) — never for short words."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    if damerau_one(a, b):
        return True
    return min(len(a), len(b)) >= 9 and _within_two(a, b)


def _within_two(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 2:
        return False
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1] <= 2


def _distinctive(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in _NOT_DISTINCTIVE and len(t) >= 2]


def _score(named: Sequence[str], company: Sequence[str]) -> int:
    """2 for the same name (or one inside the other), 1 for a typo reading, 0 for none."""
    if not named or not company:
        return 0
    if list(named) == list(company) or "".join(named) == "".join(company):
        return 2
    core_named, core_company = _distinctive(named), _distinctive(company)
    if not core_named or not core_company:
        return 0
    if _contains(company, core_named) or _contains(named, core_company):
        return 2
    if _close("".join(named), "".join(company)) or _close(
        "".join(core_named), "".join(core_company)
    ):
        return 1
    if _contains(company, core_named, fuzzy=True) or _contains(named, core_company, fuzzy=True):
        return 1
    return 0


def _contains(haystack: Sequence[str], needle: Sequence[str], *, fuzzy: bool = False) -> bool:
    size = len(needle)
    for start in range(len(haystack) - size + 1):
        window = haystack[start : start + size]
        if all(
            (a == b) if not fuzzy else _close(a, b) for a, b in zip(window, needle, strict=True)
        ):
            return True
    return False


def _best[A: HasCompany](named_tokens: Sequence[str], applications: Sequence[A]) -> list[A]:
    scored = [(app, _score(named_tokens, _tokens(app.company or ""))) for app in applications]
    top = max((score for _app, score in scored), default=0)
    return [app for app, score in scored if score == top] if top else []


def match_application[A: HasCompany](
    named: str, applications: Sequence[A]
) -> Match[A] | Ambiguous[A] | Unknown:
    """The application(s) whose company ``named`` designates, or :class:`Unknown`."""
    hits = _best(_tokens(named), applications)
    if len(hits) == 1:
        return Match(hits[0])
    if hits:
        return Ambiguous(tuple(hits))
    return Unknown(company(named))


def _logged_in_text[A: HasCompany](text: str, applications: Sequence[A]) -> list[A]:
    """Applications whose company appears in the text (whole name, its distinctive words,
    or the same with one typo in a long word)."""
    words = _tokens(text)
    exact: list[A] = []
    fuzzy: list[A] = []
    for app in applications:
        company = _tokens(app.company or "")
        core = _distinctive(company)
        if not company or not core:
            continue
        if (
            _contains(words, company)
            or _contains(words, core)
            or "".join(company) in words
            or any(
                "".join(words[i : i + len(company)]) == "".join(company) for i in range(len(words))
            )
        ):
            exact.append(app)
        elif all(len(token) >= 6 for token in core) and _contains(words, core, fuzzy=True):
            fuzzy.append(app)
    return exact or fuzzy


def _trim(name: str) -> str | None:
    tokens = name.split()
    # « la Société Générale » is Société Générale, but « l'oréal » keeps its article
    # (« l'entreprise » does not: the next word decides).
    while len(tokens) > 1 and (
        tokens[0] in ("la", "le", "les")
        or (tokens[0] == "l" and (tokens[1] in _STOP or tokens[1] in _NOT_A_COMPANY))
    ):
        tokens.pop(0)
    kept: list[str] = []
    for token in tokens:
        if "|" in token or token in _STOP or len(kept) >= _MAX_NAME_WORDS:
            break
        kept.append(token)
    if not kept:
        return None
    joined = " ".join(kept)
    if joined in _NOT_A_COMPANY or kept[0] in _PRONOUNS or not re.search(r"[a-z]", joined):
        return None
    return joined


def plausible_company(text: str) -> bool:
    """Whether a short answer typed alone could be a company name (« decatlon », « Airbus »),
    rather than a reply (« oui », « aucune », « je sais pas ») or a person (« la RH »)."""
    folded = _fold(text)
    return bool(folded) and _trim(folded) == folded.removeprefix("la ").removeprefix("le ")


def mentioned_company(text: str) -> str | None:
    """The company a message names (« decathlon aussi m'a répondu », « un retour de chez
    Leroy Merlin », « L'Oréal m'a rappelée »), as the person wrote it; None when it names
    none or only a person or a role (« ils m'ont répondu », « la RH m'a écrit »)."""
    original = text or ""
    folded = fold_keep_length(original)
    # Same length as the original: spans found here are cut from the original.
    clean = re.sub(r"[^a-z0-9&|]", " ", re.sub(r"[.,;:!?()«»\"“”/]", "|", folded))
    for pattern in (_AT, _AFTER, _BEFORE):
        for found in pattern.finditer(clean):
            span_start = found.start("name")
            words = clean[span_start:].split()
            candidate = _trim(" ".join(words[: _MAX_NAME_WORDS + 2]))
            if pattern is _BEFORE:
                candidate = _trim(_last_words(found.group("name")))
            if candidate is None:
                continue
            return _cut(original, clean, candidate, None if pattern is _BEFORE else span_start)
    return None


def _last_words(name: str) -> str:
    """Before « m'a répondu », the name is at the end: « hier decathlon » → « decathlon »."""
    tokens = name.split()
    while tokens and (tokens[-1] in _ADVERBS or tokens[-1] in ("m", "me", "ne", "n")):
        tokens.pop()
    kept: list[str] = []
    for token in reversed(tokens):
        if token in _STOP or (token in _NOT_A_COMPANY and kept):
            break
        kept.insert(0, token)
    return " ".join(kept)


def _cut(original: str, clean: str, candidate: str, near: int | None) -> str:
    pattern = re.compile(r"(?<![a-z0-9&])" + r"\s+".join(map(re.escape, candidate.split())))
    found = pattern.search(clean, near or 0) or pattern.search(clean)
    if found is None:
        return company(candidate)
    return company(original[found.start() : found.end()])


def application_in_message[A: HasCompany](
    text: str, applications: Sequence[A]
) -> Match[A] | Ambiguous[A] | Unknown | None:
    """What the message says about which application it is: a logged company it names
    (matched as above), a company it names that is not logged (:class:`Unknown`), or None
    when it names no company at all."""
    logged = _logged_in_text(text, applications)
    named = mentioned_company(text)
    if named is not None:
        result = match_application(named, applications)
        if isinstance(result, Match) and len(logged) > 1 and result.application in logged:
            # « Thales et Intersport ont répondu »: asking beats guessing.
            return Ambiguous(tuple(logged))
        if not isinstance(result, Unknown) or not logged:
            return result
    if len(logged) == 1:
        return Match(logged[0])
    if logged:
        return Ambiguous(tuple(logged))
    return None
