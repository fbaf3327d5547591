"""Folding French text for reading: case, accents and apostrophes off, one-typo fixes.

Every reader in :mod:`coach.language` works on folded text. :func:`fold_keep_length` keeps one
character per input character, so a span found in the folded text is cut from what the person
wrote (capitals and accents kept); :func:`fold_fixing_typos` also fixes one-letter typos on
the key words a reader cares about and remembers where each character came from
(:class:`Folded`); :func:`words` is the folded, punctuation-free form for matching a whole
answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass
from typing import Final

__all__ = [
    "MAX_TEXT",
    "MONTHS_FR",
    "MONTH_ALIASES",
    "NUMBER",
    "NUMBER_WORDS",
    "WEEKDAYS_FR",
    "Folded",
    "correct_word",
    "damerau_one",
    "fold_fixing_typos",
    "fold_keep_length",
    "number_value",
    "words",
    "wordset",
]


def wordset(*chunks: str) -> frozenset[str]:
    """The words of one or more blocks of text, as a set: how word lists are written here
    (one long string per list, read once at import)."""
    return frozenset(word for chunk in chunks for word in chunk.split())


#: Longer answers are read up to this many characters (a 10 000-character paste stays fast).
MAX_TEXT: Final = 1000

_APOSTROPHES: Final = frozenset("'’‘`´ʼʻ′")
_DASHES: Final = frozenset("-‐‑‒–—―_")


def fold_keep_length(text: str) -> str:
    """Lower case, accents off, apostrophes and word hyphens as spaces — same length as input.

    Keeping one output character per input character lets spans found in the folded text
    be cut from the original (capitalisation and accents preserved).
    """
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES:
            out.append(" ")
            continue
        if ch in _DASHES:
            digits = 0 < i < last and text[i - 1].isdigit() and text[i + 1].isdigit()
            out.append("-" if digits else " ")
            continue
        low = ch.lower()
        if len(low) != 1:
            low = ch
        out.append(unicodedata.normalize("NFKD", low)[:1] or low)
    return "".join(out)


WEEKDAYS_FR: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR: Final = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: Month names and their usual abbreviations, folded (no accents), to month numbers.
MONTH_ALIASES: Final[dict[str, int]] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}


def damerau_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one edit (one transposition included)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def correct_word(word: str, keywords: Set[str], not_typos: Set[str]) -> str:
    """``word`` replaced by the one key word it is a typo of ("mecredi" → "mercredi").

    Words under five letters, real words listed in ``not_typos``, plurals of key words and
    words one edit away from several key words are left as they are."""
    if len(word) < 5 or word in keywords or word in not_typos:
        return word
    if word.endswith("s") and word[:-1] in keywords:
        return word
    candidates = {k for k in keywords if damerau_one(word, k)}
    return candidates.pop() if len(candidates) == 1 else word


@dataclass(frozen=True)
class Folded:
    """Folded text with typos fixed, and where each character came from in the original."""

    text: str
    starts: tuple[int, ...]  # original start index of each folded character
    ends: tuple[int, ...]  # original end index of each folded character

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


# Counts written in words, as the French readers accept them (folded spelling).
NUMBER_WORDS: Final[dict[str, int]] = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "cent": 100,
}
# A count written in digits or in words, as a regular expression (folded text).
NUMBER: Final = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def number_value(raw: str) -> int:
    """ "12" or "douze" → 12 (the words of :data:`NUMBER_WORDS`)."""
    return int(raw) if raw.isdigit() else NUMBER_WORDS[raw]


def words(text: str) -> str:
    """Folded, punctuation-free, single-spaced (first :data:`MAX_TEXT` characters only)."""
    folded = fold_keep_length((text or "")[:MAX_TEXT])
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def fold_fixing_typos(text: str, keywords: Set[str], not_typos: Set[str]) -> Folded:
    """:func:`fold_keep_length`, then each word one typo away from a key word replaced by it."""
    plain = fold_keep_length(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in re.finditer(r"[a-z]+|.", plain, re.DOTALL):
        token = match.group(0)
        fixed = correct_word(token, keywords, not_typos) if token.isalpha() else token
        out.append(fixed)
        if len(fixed) == len(token):
            starts.extend(range(match.start(), match.end()))
            ends.extend(range(match.start() + 1, match.end() + 1))
        else:
            starts.extend([match.start()] * len(fixed))
            ends.extend([match.end()] * len(fixed))
    return Folded("".join(out), tuple(starts), tuple(ends))
