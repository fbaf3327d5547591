"""Interview answers built with the STAR method (SPEC §3 flow 9): step by step, checked, saved.

The reference article recommends structuring answers to situational questions as Situation,
Task, Action, Result, with concrete examples. The builder asks for one part at a time
(:data:`PART_PROMPTS`, :meth:`StarDraft.next_part`), then :func:`check_star` points out what
a recruiter would miss:

- ``missing`` — a part left empty;
- ``too_short`` — a part too thin to picture the scene (:data:`MIN_WORDS`);
- ``no_measurable_result`` — a result without a number, a percentage or a before/after;
- ``we_instead_of_i`` — an action told with "nous" or "on" more than "je": the recruiter
  wants to know what the candidate did;
- ``vague_verbs`` — "participer", "aider", "s'occuper de" without a concrete verb saying
  what was actually done.

Answers are stored whole (:func:`save_star`) and listed newest first (:func:`list_stars`).
French, vouvoiement, plain text. Nothing here logs what users wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coach.language.fold import fold_keep_length
from coach.models import StarAnswer, User

__all__ = [
    "FLAG_CODES",
    "MIN_WORDS",
    "PARTS",
    "PART_LABELS",
    "PART_PROMPTS",
    "SUGGESTED_QUESTIONS",
    "Flag",
    "StarDraft",
    "StarView",
    "check_star",
    "delete_star",
    "draft_of",
    "flags_message",
    "format_star",
    "get_star",
    "list_stars",
    "save_star",
    "stars_message",
]

PARTS: Final = ("situation", "task", "action", "result")
PART_LABELS: Final[Mapping[str, str]] = {
    "question": "Question",
    "situation": "Situation",
    "task": "Tâche",
    "action": "Action",
    "result": "Résultat",
}
PART_PROMPTS: Final[Mapping[str, str]] = {
    "question": (
        "Pour quelle question d'entretien voulez-vous préparer une réponse ? Choisissez-en "
        "une ci-dessous ou écrivez la vôtre."
    ),
    "situation": (
        "Situation : posez le décor en une ou deux phrases. Où étiez-vous, à quel moment, "
        "et qu'est-ce qui était en jeu ?"
    ),
    "task": (
        "Tâche : qu'est-ce qui vous revenait, à vous, dans cette histoire ? Quel but "
        "deviez-vous atteindre ?"
    ),
    "action": (
        "Action : qu'avez-vous fait, concrètement, étape par étape ? Parlez de vous : "
        "« j'ai proposé… », « j'ai contacté… »."
    ),
    "result": (
        "Résultat : comment l'histoire s'est-elle terminée ? Un chiffre, un avant/après ou "
        "un retour reçu rendent le résultat parlant."
    ),
}
#: Classic behavioural questions the person can pick from (their own is welcome too).
SUGGESTED_QUESTIONS: Final[tuple[str, ...]] = (
    "Parlez-moi d'un désaccord dans une équipe et de la manière dont vous l'avez géré.",
    "Racontez une réussite professionnelle qui compte pour vous.",
    "Décrivez un moment où vous avez dû apprendre quelque chose très vite.",
    "Donnez un exemple de problème que vous avez résolu d'une façon nouvelle.",
    "Parlez d'une erreur que vous avez commise et de ce que vous en avez retiré.",
    "Racontez une fois où vous avez dû convaincre quelqu'un qui n'était pas d'accord.",
    "Décrivez une situation où un délai très serré a changé votre façon de vous organiser.",
)
#: Fewer words than this and the part is too thin to picture.
MIN_WORDS: Final[Mapping[str, int]] = {"situation": 8, "task": 5, "action": 10, "result": 5}
FLAG_CODES: Final = (
    "missing",
    "too_short",
    "no_measurable_result",
    "we_instead_of_i",
    "vague_verbs",
)
TEXT_LIMIT: Final = 2000
QUESTION_LIMIT: Final = 300


class StarView(Protocol):
    """What :func:`check_star` and :func:`format_star` read (a draft or a stored answer)."""

    @property
    def question(self) -> str: ...
    @property
    def situation(self) -> str: ...
    @property
    def task(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def result(self) -> str: ...


@dataclass(frozen=True)
class StarDraft:
    """An answer being built, one part after the other."""

    question: str = ""
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""

    def next_part(self) -> str | None:
        """The next part to ask for ("question" first), None when all are written."""
        for part in ("question", *PARTS):
            if not getattr(self, part).strip():
                return part
        return None

    def with_part(self, part: str, text: str) -> StarDraft:
        if part not in ("question", *PARTS):
            raise ValueError(f"unknown STAR part: {part!r}")
        limit = QUESTION_LIMIT if part == "question" else TEXT_LIMIT
        return replace(self, **{part: " ".join((text or "").split())[:limit]})

    @property
    def complete(self) -> bool:
        return self.next_part() is None


def draft_of(answer: StarView) -> StarDraft:
    return StarDraft(
        question=answer.question,
        situation=answer.situation,
        task=answer.task,
        action=answer.action,
        result=answer.result,
    )


@dataclass(frozen=True)
class Flag:
    part: str  # "question" or one of PARTS
    code: str  # one of FLAG_CODES
    message: str  # French, ready to show


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold_keep_length(text or ""))


_NUMBER_WORDS: Final = (
    r"deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante"
    r"|cinquante|soixante|cent|cents|mille|million\w*|moitie|tiers|quart|double\w*|triple\w*"
    r"|divise\w*"
)
_MEASURED: Final = re.compile(
    rf"\d|%|\b(?:{_NUMBER_WORDS})\b|\bavant\b.{1, 300}?\bapres\b|\bpass\w*\s+de\b.{1, 60}?\ba\b"
)
_WE: Final = re.compile(r"\b(?:nous|on)\b")
_I: Final = re.compile(r"\b(?:je|j|moi)\b")
_VAGUE: Final = re.compile(
    r"\b(?:particip(?:e|er|ais|ait|ant|ation)|aide|aider|aidais|contribue|contribuer"
    r"|contribution|occupe|occuper|occupais|implique\w*|en\s+charge|gere|gerer|gerais"
    r"|travaille\s+sur|travailler\s+sur|fait\s+des\s+choses|fait\s+le\s+necessaire|suivi"
    r"|accompagne|accompagner|touche\s+a|m\s+y\s+suis\s+mis\w*)\b"
)
_CONCRETE: Final = re.compile(
    r"\b(?:analys|concu|concevoir|automatis|redige|rediger|negoci|organise|organiser|propose"
    r"|proposer|mis\s+en\s+place|mettre\s+en\s+place|cree|creer|developpe|developper|forme"
    r"|former|presente|presenter|lance|lancer|reduit|reduire|convaincu|convaincre|planifi"
    r"|priorise|prioriser|teste|tester|corrige|corriger|anime|animer|construit|construire"
    r"|ecrit|ecrire|calcule|calculer|compare|comparer|recrute|recruter|mesure|mesurer"
    r"|reorganis|simplifi|optimis|deploye|deployer|programme|programmer|code|coder"
    r"|contacte|contacter|rencontre|rencontrer|decide|decider|tranche|trancher|structure"
    r"|structurer|prepare|preparer|reecrit|remplace|remplacer|demande|demander|explique"
    r"|expliquer|relance|relancer|cartographie|modelise|chiffre|chiffrer|revu|reprendre"
    r"|repris|installe|installer|migre|migrer|verifie|verifier|repare|reparer|ecoute"
    r"|ecouter|fixe|fixer|partage|partager|defini|definir|etabli|etablir|obtenu|obtenir"
    r"|signe|signer|vendu|vendre|livre|livrer|documente|documenter|formalise|formaliser)\w*"
)


def _flag(part: str, code: str) -> Flag:
    label = PART_LABELS[part]
    messages = {
        "missing": f"{label} : cette partie manque encore.",
        "too_short": (
            f"{label} : c'est un peu court pour que la personne en face se représente la "
            "scène ; ajoutez un détail ou deux."
        ),
        "no_measurable_result": (
            "Résultat : rien de mesurable pour l'instant. Un chiffre, un pourcentage ou un "
            "avant/après (délai, volume, satisfaction) rend la réussite concrète."
        ),
        "we_instead_of_i": (
            "Action : vous racontez surtout avec « nous » ou « on ». Le recruteur veut savoir "
            "ce que vous avez fait, vous : passez à « je » pour votre part."
        ),
        "vague_verbs": (
            "Action : « participer », « aider », « s'occuper de » disent peu de votre rôle. "
            "Quel geste précis avez-vous fait ? Analyser, proposer, négocier, organiser…"
        ),
    }
    return Flag(part, code, messages[code])


def check_star(answer: StarView) -> list[Flag]:
    """What a recruiter would find missing or weak, in the order of the parts."""
    flags: list[Flag] = []
    if not (answer.question or "").strip():
        flags.append(Flag("question", "missing", "Question : choisissez la question d'abord."))
    for part in PARTS:
        text = getattr(answer, part) or ""
        words = _words(text)
        if not words:
            flags.append(_flag(part, "missing"))
            continue
        if len(words) < MIN_WORDS[part]:
            flags.append(_flag(part, "too_short"))
        folded = " ".join(words)
        if part == "result" and not _MEASURED.search(folded):
            flags.append(_flag(part, "no_measurable_result"))
        if part == "action":
            we, me = len(_WE.findall(folded)), len(_I.findall(folded))
            if we and we >= me:
                flags.append(_flag(part, "we_instead_of_i"))
            if _VAGUE.search(folded) and not _CONCRETE.search(folded):
                flags.append(_flag(part, "vague_verbs"))
    return flags


def flags_message(flags: Sequence[Flag]) -> str:
    """The coach's reading of the answer: what to strengthen, or that it holds."""
    if not flags:
        return (
            "Votre réponse tient debout : un contexte clair, votre rôle, vos actions et un "
            "résultat concret. Relisez-la à voix haute, elle doit tenir en deux minutes."
        )
    lines = ["Quelques points à renforcer :"]
    lines += [f"• {flag.message}" for flag in flags]
    return "\n".join(lines)


def format_star(answer: StarView) -> str:
    """The answer laid out part by part, ready to rehearse."""
    lines = [f"❓ {answer.question.strip()}" if answer.question.strip() else "❓ (question)"]
    for part in PARTS:
        text = (getattr(answer, part) or "").strip()
        lines.append(f"{PART_LABELS[part]} : {text if text else '…'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- storage


def save_star(
    session: Session, user: User, draft: StarView, *, now: dt.datetime | None = None
) -> StarAnswer:
    """Store a finished answer (question and the four parts written)."""
    values = {
        part: " ".join((getattr(draft, part) or "").split())[
            : QUESTION_LIMIT if part == "question" else TEXT_LIMIT
        ]
        for part in ("question", *PARTS)
    }
    empty = [part for part, text in values.items() if not text]
    if empty:
        raise ValueError(f"a STAR answer needs every part; missing: {', '.join(empty)}")
    row = StarAnswer(user_id=user.id, **values)
    if now is not None:
        row.created_at = now
    session.add(row)
    session.flush()
    return row


def list_stars(session: Session, user: User, *, limit: int = 20) -> list[StarAnswer]:
    """The user's answers, newest first."""
    return list(
        session.scalars(
            select(StarAnswer)
            .where(StarAnswer.user_id == user.id)
            .order_by(StarAnswer.created_at.desc(), StarAnswer.id.desc())
            .limit(limit)
        )
    )


def get_star(session: Session, user: User, answer_id: object) -> StarAnswer | None:
    """The user's own answer with that id (another person's id gives None)."""
    if isinstance(answer_id, str) and answer_id.strip().isdigit():
        answer_id = int(answer_id)
    if not isinstance(answer_id, int) or isinstance(answer_id, bool):
        return None
    return session.scalar(
        select(StarAnswer).where(StarAnswer.id == answer_id, StarAnswer.user_id == user.id)
    )


def delete_star(session: Session, user: User, answer_id: int) -> bool:
    deleted = session.execute(
        delete(StarAnswer).where(StarAnswer.id == answer_id, StarAnswer.user_id == user.id)
    )
    session.expire_all()
    return bool(getattr(deleted, "rowcount", 0))


def stars_message(answers: Sequence[StarAnswer]) -> str:
    """The saved answers, one line each (the question), newest first."""
    if not answers:
        return (
            "Aucune réponse STAR enregistrée pour l'instant. Choisissez une question "
            "d'entretien et construisons la première ensemble."
        )
    lines = ["Vos réponses STAR :"]
    for index, answer in enumerate(answers, start=1):
        lines.append(f"{index}. {answer.question}")
    return "\n".join(lines)
