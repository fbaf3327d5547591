"""The person corrects how a feedback was read: themes to take out, themes to add.

« ce n'est pas un problème de communication », « ajoute : manque d'expérience », « non c pas
ça le souci c'est plutôt l'anglais », « retire compétences techniques »: :func:`parse_correction`
reads which themes (:data:`coach.feedback.THEMES`) to remove and which to add, naming them as
the bot shows them (« Communication », « CV et lettre ») or in everyday words (« l'anglais »
is a technical skill, « le stress » the way the interview went, « ma lettre » the application
documents). When no word of its own names a theme, the phrase goes through the analyzer
(« ajoute : ils voulaient quelqu'un de plus expérimenté »).

How a theme is taken out or put in, clause by clause (« mais », « plutôt », « et »…):

- a clause that opens with « ajoute », « rajoute », « mets »… adds; one that opens with
  « retire », « enlève », « supprime »… removes; the clauses after it joined by « et » or a
  comma do the same;
- otherwise a negation before the theme (« ce n'est pas un problème de… », « pas la
  communication ») or after it (« le stress c'est pas le souci », « l'expérience n'a rien à
  voir ») removes it — « pas assez », « pas suffisamment » say what was missing, not a
  negation; a theme named plainly (« c'est plutôt l'anglais ») is added;
- « c'est pas ça », « non c'est faux » without a theme reject the reading shown: with a
  theme added in the same message, the themes shown are replaced by it.

:func:`apply_correction` gives the corrected theme list; nothing here touches the database or
logs what people wrote.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

from coach.feedback import THEME_LABELS, THEMES, analyze
from coach.language.fold import fold_keep_length

__all__ = [
    "ReadingCorrection",
    "apply_correction",
    "correction_message",
    "mentions_theme",
    "parse_correction",
]


@dataclass(frozen=True)
class ReadingCorrection:
    """Themes to add and to remove (in :data:`THEMES` order), and whether the person
    rejected the reading shown without naming which theme (« c'est pas ça »)."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    reject_shown: bool = False

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove and not self.reject_shown


def _c(*sources: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sources) + r")\b")


# Everyday words and the labels the bot shows, per theme (folded text). Longer phrases are
# tried first so that « trop expérimenté » is overqualification, not experience.
_VOCABULARY: Final[dict[str, re.Pattern[str]]] = {
    "overqualification": _c(
        r"sur ?qualifi\w*",
        r"trop (?:qualifi|experiment|diplom|senior|expert|cher)\w*",
        r"pretentions? salariales?",
        r"(?:le |mon )?salaire",
    ),
    "application_documents": _c(
        r"cv et lettre",
        r"cv",
        r"curriculum",
        r"lettres? de motivation",
        r"(?:ma |la |mes |les )lettres?",
        r"lm",
        r"dossier de candidature",
        r"mise en page",
        r"fautes?(?: d orthographe)?",
        r"orthographe",
        r"coquilles?",
    ),
    "problem_solving": _c(
        r"resolution de problemes?",
        r"resolution",
        r"resoudre (?:des|les) problemes",
        r"cas pratiques?",
        r"etudes? de cas",
        r"mises? en situation",
        r"raisonnement",
        r"logique",
        r"(?:l )?exercice",
        r"esprit d analyse",
        r"analyse",
    ),
    "interview_performance": _c(
        r"deroule de l entretien",
        r"deroulement de l entretien",
        r"(?:l )?entretien(?: lui meme)?",
        r"stress\w*",
        r"trac",
        r"nervosite",
        r"nerveu\w*",
        r"timid\w*",
        r"gene\w*",
        r"preparation",
        r"prepar\w*",
        r"prepa",
        r"(?:des |les |d )?exemples?(?: concrets?)?",
        r"(?:la )?methode star",
        r"star",
        r"posture",
        r"langage corporel",
        r"retard",
        r"ponctualite",
        r"(?:mes |les )?reponses",
    ),
    "communication": _c(
        r"communication",
        r"comm?",
        r"communiquer",
        r"clarte",
        r"(?:pas |manque de )?clair\w*",
        r"expression(?: orale)?",
        r"m exprimer",
        r"s exprimer",
        r"(?:l )?oral",
        r"aisance",
        r"assurance",
        r"confiance en (?:moi|soi)",
        r"articul\w*",
        r"bafouill\w*",
        r"bavard\w*",
        r"concision",
        r"concis\w*",
        r"ecoute",
    ),
    "technical_skills": _c(
        r"competences? techniques?",
        r"competences?(?: metier)?",
        r"(?:la )?technique",
        r"(?:l )?anglais",
        r"(?:l )?allemand",
        r"(?:l )?espagnol",
        r"(?:l )?italien",
        r"(?:les |une |la )?langues?(?: etrangeres?)?",
        r"niveau d anglais",
        r"toeic",
        r"logiciels?",
        r"outils?",
        r"excel",
        r"sql",
        r"python",
        r"java(?:script)?",
        r"sap",
        r"salesforce",
        r"power ?bi",
        r"(?:du |le )?code",
        r"programmation",
        r"(?:les |des |mes )?connaissances?(?: techniques?)?",
        r"(?:les |leurs |des )produits",
        r"hard skills?",
        r"diplomes?",
        r"certifications?",
        r"permis",
        r"maitrise",
        r"savoir faire",
    ),
    "experience": _c(
        r"(?:l |d |mon |d )?experiences?",
        r"xp",
        r"anciennete",
        r"bouteille",
        r"junior",
        r"debutant\w*",
        r"annees? (?:d experience|de pratique)",
        r"(?:le |mon )?parcours",
    ),
    "cultural_fit": _c(
        r"adequation culturelle",
        r"culture(?: d entreprise)?",
        r"culturel\w*",
        r"(?:les |leurs |nos )?valeurs",
        r"fit",
        r"ambiance",
        r"(?:m |s )?integr\w*",
    ),
    "competition": _c(
        r"concurrence",
        r"concurren\w*",
        r"(?:les |d )?autres? candidat\w*",
        r"candidat\w* interne",
        r"quelqu un d autre",
        r"mieux place\w*",
    ),
    "enthusiasm": _c(
        r"motivation",
        r"motive\w*",
        r"enthousias\w*",
        r"(?:mon |l )?interet",
        r"(?:l |mon )?envie",
        r"passion\w*",
        r"implication",
        r"dynamisme",
        r"energie",
    ),
}

_ADD_VERB: Final = re.compile(
    r"^(?:(?:et|oui|non|aussi|alors|ok|stp|svp|please|peux tu|pouvez vous|tu peux|vous pouvez"
    r"|il faut|faut|faudrait|il faudrait|merci de|je veux|je voudrais)\s+)*"
    r"(?:r?ajout\w*|met|mets|mettez|mettre|note|notez|noter|compte|comptez|inclu\w*|il manque"
    r"|manque aussi)\b"
)
_REMOVE_VERB: Final = re.compile(
    r"^(?:(?:et|oui|non|aussi|alors|ok|stp|svp|please|peux tu|pouvez vous|tu peux|vous pouvez"
    r"|il faut|faut|faudrait|il faudrait|merci de|je veux|je voudrais)\s+)*"
    r"(?:retir\w*|enlev\w*|supprim\w*|oubli\w*|efface\w*|vire\w*|ote\w*|barre\w*|raye\w*)\b"
)
# What was missing, said with a negation: not a negation of the theme.
_LACK: Final = re.compile(
    r"\b(?:pas (?:assez|suffisamment|encore|au niveau|du tout au niveau|bon|bonne|top|terrible"
    r"|ouf|fou|terrible)|n (?:etait|est|etaient|avais|avait|ai) pas (?:assez|suffisamment|bon"
    r"|bonne|au niveau)|manqu\w*|peu|trop peu|insuffisant\w*|faible\w*|ne pas avoir)\b"
)
_NEGATION_BEFORE: Final = re.compile(
    r"\b(?:pas|plus|jamais|aucun\w*|sans|ni|rien)\b|\bn est\b|\bn etait\b|\bc est faux\b"
)
_NEGATION_AFTER: Final = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:(?:ce|c|ca|cela|qui)\s+)?(?:n\s+)?(?:est|etait|cest|c est|c)?\s*"
    r"(?:pas|plus|jamais)\s+(?:du tout\s+)?(?:le|la|un|une|mon|du|ca|vraiment|trop|ce)?\s*"
    r"(?:probleme|souci|sujet|point|truc|raison|cas|vrai|juste|ca|le cas|grave|en cause)\b"
    r"|^\W*(?:\w+\W+){0,2}?(?:n\s+)?a\s+rien\s+a\s+voir"
    r"|^\W*(?:\w+\W+){0,2}?(?:c\s+est\s+|cest\s+|est\s+)?(?:faux|a\s+retirer|a\s+enlever"
    r"|en\s+trop|hors\s+sujet|pas\s+concerne\w*)\b"
    r"|^\W*(?:\w+\W+){0,1}?(?:non|nan)\b"
)
# « c'est pas ça », « non c'est faux », « pas d'accord »: the reading shown is wrong.
_REJECT_SHOWN: Final = re.compile(
    r"\b(?:(?:c est|cest|c|ce n est|ca n est|n est)\s+pas\s+(?:ca|ce que|vrai|juste|le\s+"
    r"(?:probleme|souci|sujet))|(?:c est|cest|c)\s+faux|pas\s+d\s+accord"
    r"|(?:vous vous(?: etes)?|tu t(?: es)?|tu te)\s+tromp\w*|mal\s+(?:lu|compris|interprete)"
    r"|(?:ca|cela)\s+n\s+a\s+rien\s+a\s+voir)\b"
)
# Clause breaks: contrast makes the next clause add by default; a plain join keeps the mood.
_CONTRAST: Final = (
    r"\bmais\b|\bplutot\b|\bpar contre\b|\ben revanche\b|\ben fait\b|\bsurtout\b"
    r"|\ble (?:vrai )?(?:souci|probleme|sujet) (?:c est|cest|c|etait)\b"
    r"|\bc (?:est|etait) (?:plutot|surtout)\b|\bc etait\b|\bcest\b|\bc est\b"
)
_JOIN: Final = r"\bet\b|\bou\b|\bainsi que\b|[,+&/]"
_SENTENCE: Final = r"[.;!?\n]"
_SPLIT: Final = re.compile(
    rf"(?P<contrast>{_CONTRAST})|(?P<nor>\bni\b)|(?P<join>{_JOIN})|(?P<sentence>{_SENTENCE})"
    r"|(?P<verb>(?<=\s)(?=(?:r?ajout\w*|retir\w*|enlev\w*|supprim\w*)\b))"
)


def _fold(text: str) -> str:
    folded = fold_keep_length(text or "")
    folded = re.sub(r"[^a-z0-9+#.;!?,&/\n]", " ", folded)
    return re.sub(r"[ \t]+", " ", folded)


@dataclass
class _Clause:
    text: str
    lead: str  # "contrast", "join", "nor", "sentence" or "start"
    end: int  # where it ends in the folded message


def _clauses(folded: str) -> list[_Clause]:
    out: list[_Clause] = []
    lead = "start"
    position = 0
    for found in _SPLIT.finditer(folded):
        chunk = folded[position : found.start()]
        if chunk.strip():
            out.append(_Clause(chunk.strip(), lead, found.start()))
        lead = found.lastgroup or "join"
        if lead == "verb":
            lead = "sentence"
        position = found.end()
    chunk = folded[position:]
    if chunk.strip():
        out.append(_Clause(chunk.strip(), lead, len(folded)))
    return out


_ARTICLES: Final = re.compile(r"\b(?:la|le|les|l|mon|ma|mes|un|une|des|du|de|d|sur|en)\b")
# Where what is said after a theme stops being about it.
_AFTER_STOPS: Final = re.compile(r"\bmais\b|\bplutot\b|\bpar contre\b|\ben revanche\b|[.;!?\n]")


def _mentions(clause: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for theme, pattern in _VOCABULARY.items():
        found += [(m.start(), m.end(), theme) for m in pattern.finditer(clause)]
    # Longest first at each place, then no overlap.
    found.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    kept: list[tuple[int, int, str]] = []
    for hit in found:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def mentions_theme(text: str) -> bool:
    """True when the text names a theme in words of its own (not through the analyzer)."""
    return any(_mentions(clause.text) for clause in _clauses(_fold(text)))


def _ordered(themes: Collection[str]) -> tuple[str, ...]:
    return tuple(theme for theme in THEMES if theme in themes)


def parse_correction(text: str) -> ReadingCorrection:
    """Which themes the message takes out of the reading and which it adds (see the module
    notes); an empty correction when it names none and rejects nothing."""
    folded = _fold(text)
    add: set[str] = set()
    remove: set[str] = set()
    reject_shown = False
    verb: str | None = None  # « ajoute » / « retire », carried over by « et » and commas
    carried: str | None = None  # the last theme's polarity, carried over the same way
    for clause in _clauses(folded):
        body = clause.text
        if clause.lead == "nor":
            # « ni la communication ni la motivation »: each one is taken out.
            verb, carried = None, "remove"
        elif clause.lead != "join":
            verb = carried = None
        if _ADD_VERB.search(body):
            verb = "add"
        elif _REMOVE_VERB.search(body):
            verb = "remove"
        mentions = _mentions(body)
        if not mentions and verb == "add":
            # « ajoute : on attendait plus de rigueur »: the analyzer reads the phrase.
            words = _ADD_VERB.sub("", body).strip()
            add |= analyze(words).themes if words else set()
            continue
        if not mentions:
            if _REJECT_SHOWN.search(body) or re.fullmatch(r"(?:non|nan|faux)\W*", body):
                reject_shown = True
            continue
        rest = folded[clause.end :]
        stop = _AFTER_STOPS.search(rest)
        rest = rest[: stop.start()] if stop else rest
        for index, (start, end, theme) in enumerate(mentions):
            if verb is not None:
                (add if verb == "add" else remove).add(theme)
                continue
            nxt = mentions[index + 1][0] if index + 1 < len(mentions) else len(body)
            before = _LACK.sub(" ", body[:start])
            after = body[end:nxt] + (" " + rest if nxt == len(body) else "")
            own_negation = bool(_NEGATION_BEFORE.search(before)) or (
                not _LACK.search(after[:30]) and bool(_NEGATION_AFTER.search(after))
            )
            bare = not _ARTICLES.sub(" ", before).strip(" ,")
            if own_negation or (carried == "remove" and bare):
                remove.add(theme)
                carried = "remove"
            else:
                add.add(theme)
                carried = "add"
    remove -= add
    return ReadingCorrection(add=_ordered(add), remove=_ordered(remove), reject_shown=reject_shown)


def apply_correction(
    themes: Sequence[str], correction: ReadingCorrection
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(corrected themes, themes actually added, themes actually removed).

    « c'est pas ça, c'est plutôt l'anglais » replaces the themes shown by the one named;
    a theme already there is not added twice, one not there is not removed."""
    current = set(themes)
    remove = set(correction.remove)
    if correction.reject_shown and correction.add:
        remove |= current - set(correction.add)
    removed = _ordered(current & remove)
    added = _ordered(set(correction.add) - current)
    corrected = _ordered((current - remove) | set(correction.add))
    return corrected, added, removed


def _labels(themes: Sequence[str]) -> str:
    quoted = [f"« {THEME_LABELS[theme]} »" for theme in themes]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " et " + quoted[-1]


def correction_message(added: Sequence[str], removed: Sequence[str]) -> str:
    """« C'est noté : je retire « Communication » et j'ajoute « Expérience ». »"""
    parts = []
    if removed:
        parts.append(f"je retire {_labels(removed)}")
    if added:
        parts.append(f"j'ajoute {_labels(added)}")
    if not parts:
        return "C'est déjà ainsi que je l'ai lu : rien à changer."
    return "C'est noté : " + " et ".join(parts) + "."
