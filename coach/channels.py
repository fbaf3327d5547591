"""Which channel a person asks for, read from what they wrote: pure and deterministic.

:func:`read_channel` finds the channels named in a message (« un mail stp », « plutôt par
téléphone », « je préférerais un simple mail, pas une rencontre », « mial »), tells the wanted
one from the refused ones (« pas une rencontre », « plutôt qu'un appel », « au lieu
d'appeler », « j'ose pas appeler ») and leaves the choice open when a message only compares
(« tel ou mail ? »). The intent classifier is not trusted with this: « proposer un mail »
and « proposer une rencontre » differ by one word it may not weigh.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["CHANNELS", "CHANNEL_LABELS", "Channel", "ChannelReading", "read_channel"]

Channel = Literal["email", "phone", "meeting", "linkedin"]
CHANNELS: Final = ("email", "phone", "meeting", "linkedin")
CHANNEL_LABELS: Final[dict[str, str]] = {
    "email": "un mail",
    "phone": "un appel",
    "meeting": "une rencontre",
    "linkedin": "un message LinkedIn",
}


@dataclass(frozen=True)
class ChannelReading:
    """``wanted`` is None when no channel is asked for, or when two are only compared."""

    wanted: Channel | None = None
    refused: frozenset[str] = frozenset()
    mentioned: tuple[str, ...] = ()


def _fold(text: str) -> str:
    """Lowercase, no accents, apostrophes as spaces: one character in, one character out."""
    out = []
    for char in text or "":
        base = unicodedata.normalize("NFKD", char)[:1] or char
        out.append(" " if base in "’'`" else base.lower()[:1] or base)
    return "".join(out)


# One pattern per channel; typos seen in real messages are spelled out rather than matched
# by edit distance, since « mais » is one letter away from « mail ». Weak cues (« écrire »,
# « script », « debrief ») only count when nothing stronger is named.
_CUES: Final[tuple[tuple[Channel, bool, re.Pattern[str]], ...]] = (
    (
        "linkedin",
        False,
        re.compile(
            r"\b(?:linked ?in\w*|linkdin\w*|linkedn|linkeding|linkdn|lnkd\w*|lkdn|inmail|"
            r"in mail)\b"
        ),
    ),
    (
        "email",
        False,
        re.compile(
            r"\b(?:e ?-?mails?|mails?|mial|mali|meil|mzil|maill|emial|courriels?|"
            r"mels?|e-?mel|par ecrit|a l ecrit)\b"
        ),
    ),
    ("email", True, re.compile(r"\b(?:ecrire|ecris|ecrit|lettre|un mot)\b")),
    (
        "phone",
        False,
        re.compile(
            r"\b(?:telephone\w*|telephoner|telefone|telphone|telehone|telepone|tel|tels|"
            r"phone|appel|appels|appeler|appelle|appellerai|appellerais|"
            r"coup de fil|coup de telephone|coup de tel|au bout du fil|"
            r"a l oral|par oral|oralement)\b"
        ),
    ),
    ("phone", True, re.compile(r"\b(?:script|vocal)\b")),
    (
        "meeting",
        False,
        re.compile(
            r"\b(?:rencontres?|rencontrer|recontre|rencontr|rdv|rendez ?-?vous|rendez vou|"
            r"rendevous|cafes?|visio\w*|zoom|en personne|face a face|"
            r"presentiel|se voir|les voir|la voir|le voir|vous voir|dej|dejeuner)\b"
        ),
    ),
    ("meeting", True, re.compile(r"\b(?:debrief\w*)\b")),
)
# Words after which a cue is not a request: « la RH m'a appelé », « la manager que j'ai
# rencontrée », « tel quel ».
_AUXILIARY: Final = re.compile(
    r"\b(?:ai|as|a|avons|avez|ont|avais|avait|avions|aviez|avaient|suis|es|est|etais|etait|"
    r"deja)\s*$"
)
_NOT_A_CUE: Final = re.compile(r"tel que?\b|tel qu\b|tel quel\w*")
_NEGATORS: Final = re.compile(
    r"\b(?:pas|jamais|sans|ni|eviter|evite|evitons|aucun\w*|peur d\w*|"
    r"hors de question d\w*|refuse\w*)\b"
)
_INSTEAD: Final = re.compile(r"\b(?:plutot qu\w*|au lieu d\w*|a la place d\w*)\s+(?:\w+\s+){0,2}$")
_PREFER: Final = re.compile(
    r"\b(?:plutot|prefere\w*|preferai\w*|prefererai\w*|finalement|en fait|en faite|enfait|"
    r"opte\w*|va pour)\b"
)
# Clause limits: a negation does not reach past them (« pas de souci, un mail alors »).
_CLAUSE: Final = re.compile(r"[,.;:!?()\n]|\bmais\b|\bet\b|\bplutot\b|\bsinon\b|\bou\b")
_PARTICIPLE: Final = re.compile(r"^(?:rencontr|appel)\w*(?:é|ée|és|ées)$", re.IGNORECASE)
_THAN: Final = re.compile(r"\bplutot\b.*\bqu(?:e)?\s+(?:\w+\s+){0,2}$")
_HARMLESS: Final = re.compile(r"\bpas (?:de (?:souci|soucis|probleme|pb)|grave|mal|sur)\b")


def _last_clause(before: str) -> str:
    return _CLAUSE.split(before)[-1]


def _negated(before: str) -> bool:
    """A negator in the same clause, within the four words before the cue."""
    clause = _HARMLESS.sub(" ", _last_clause(before))
    return bool(_NEGATORS.search(" ".join(clause.split()[-4:])))


def _preferred(before: str) -> bool:
    """« plutôt un appel », « finalement par mail », « je préférerais un simple mail »."""
    return bool(_PREFER.search(" ".join(before.split()[-4:])))


def read_channel(text: str) -> ChannelReading:
    """The channel asked for in ``text`` (see the module docstring)."""
    original = text or ""
    folded = _fold(original)
    hits: list[tuple[int, Channel, bool, bool, bool]] = []  # at, channel, refused, pref, weak
    taken: list[tuple[int, int]] = []
    for channel, weak, cue in _CUES:
        for match in cue.finditer(folded):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue  # « message LinkedIn » is not also « mail »
            before = folded[:start]
            if _NOT_A_CUE.match(folded, start):
                continue
            if channel in ("meeting", "phone") and (
                _AUXILIARY.search(before) or _PARTICIPLE.match(original[start:end])
            ):
                continue  # something that happened, not a channel asked for
            refused = bool(_INSTEAD.search(before) or _THAN.search(before)) or _negated(before)
            preferred = not refused and _preferred(before)
            hits.append((start, channel, refused, preferred, weak))
            taken.append((start, end))
    hits.sort()
    mentioned = tuple(dict.fromkeys(hit[1] for hit in hits))
    refused_set = frozenset(c for _, c, r, _, _ in hits if r)
    strong = [c for _, c, r, _, w in hits if not r and not w and c not in refused_set]
    faint = [c for _, c, r, _, w in hits if not r and w and c not in refused_set]
    asked = list(dict.fromkeys(strong or faint))
    chosen = [c for _, c, r, p, _ in hits if p and c not in refused_set]
    wanted: Channel | None = None
    if chosen:
        wanted = chosen[-1]  # « un mail… non, plutôt un appel »: the last word counts
    elif len(asked) == 1:
        wanted = asked[0]
    elif set(asked) == {"email", "meeting"}:
        wanted = "meeting"  # « un mail pour proposer un café »: the mail carries the meeting
    elif set(asked) == {"email", "linkedin"}:
        wanted = "linkedin"  # « un mail via LinkedIn »
    return ChannelReading(wanted=wanted, refused=refused_set, mentioned=mentioned)
