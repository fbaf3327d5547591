"""The NLU held-out set and the Rasa test stories are disjoint from the training data.

A held-out figure only means something when the model never saw the held-out sentences, nor
sentences so close to them that the difference is a typo. These tests fail when:

- a held-out line of ``tests/rasa/nlu_holdout.yml`` is identical, or at least 0.9 similar, to a
  training line (``data/nlu/**/*.yml``) or to a line typed in a test story (``tests/rasa``);
- a line typed in a test story (not a ``/command`` or button payload) is identical, or at least
  0.9 similar, to a training line: the stories run every typed line through the NLU model;
- an intent of ``domain.yml`` has fewer than 5 held-out lines (all intents count, the ones sent
  by buttons or by the scheduler too: each has training examples, so each is classified);
- a text of a feedback analyzer split (``data/feedback/heldout.yml``, ``test_voice.yml``) is
  identical, or at least 0.9 similar, to a training text (``data/feedback/train*.yml``), or
  ``test_voice.yml`` repeats itself or a ``heldout.yml`` text.

"Similar" is ``difflib.SequenceMatcher.ratio()`` on folded text: lower case, accents and
ligatures removed, punctuation turned into spaces, whitespace collapsed. Identity is also checked
with the spaces removed (``j'ai`` and ``jai`` are the same line). The search is kept fast by
bucketing the training lines by folded length (a ratio of at least ``t`` needs lengths within
``t / (2 - t)`` of each other) and by the cheap upper bounds ``real_quick_ratio`` and
``quick_ratio`` before the exact ratio.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TRAINING_DIR = ROOT / "data" / "nlu"
STORIES_DIR = ROOT / "tests" / "rasa"
HELDOUT = STORIES_DIR / "nlu_holdout.yml"
DOMAIN = ROOT / "domain.yml"

THRESHOLD = 0.9
MIN_HELDOUT_PER_INTENT = 5

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, no accents or ligatures, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


@dataclass(frozen=True)
class Line:
    """One utterance with where it comes from."""

    text: str
    intent: str
    source: str

    @property
    def folded(self) -> str:
        return fold(self.text)

    def __str__(self) -> str:
        return f"{self.source} [{self.intent}] {self.text!r}"


def _examples(block: str) -> Iterator[str]:
    for raw in block.splitlines():
        stripped = raw.strip()
        if stripped.startswith("- "):
            yield stripped[2:].strip()


def nlu_lines(path: Path) -> list[Line]:
    """The intent examples of a Rasa NLU file (regex, lookup and synonym blocks are skipped)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    source = str(path.relative_to(ROOT))
    return [
        Line(text, block["intent"], source)
        for block in data.get("nlu") or []
        if "intent" in block
        for text in _examples(block.get("examples") or "")
    ]


def story_lines(path: Path) -> list[Line]:
    """The lines a person types in the stories and rules of a Rasa test file (no /commands)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    source = str(path.relative_to(ROOT))
    lines = []
    for story in [*(data.get("stories") or []), *(data.get("rules") or [])]:
        for step in story.get("steps") or []:
            text = str(step.get("user") or "").strip()
            if text and not text.startswith("/"):
                lines.append(Line(text, str(step.get("intent", "?")), source))
    return lines


@cache
def training() -> tuple[Line, ...]:
    return tuple(line for path in sorted(TRAINING_DIR.rglob("*.yml")) for line in nlu_lines(path))


@cache
def heldout() -> tuple[Line, ...]:
    return tuple(nlu_lines(HELDOUT))


@cache
def typed_story_lines() -> tuple[Line, ...]:
    return tuple(
        line
        for path in sorted(STORIES_DIR.glob("*.yml"))
        if path != HELDOUT
        for line in story_lines(path)
    )


@cache
def domain_intents() -> tuple[str, ...]:
    data = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    return tuple(
        next(iter(entry)) if isinstance(entry, dict) else str(entry) for entry in data["intents"]
    )


class SimilarityIndex:
    """Reference lines bucketed by folded length, for "is anything ≥ threshold similar?"."""

    def __init__(self, lines: Iterable[Line], threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._by_length: dict[int, list[tuple[str, Line]]] = defaultdict(list)
        self._squeezed: dict[str, Line] = {}
        for line in lines:
            folded = line.folded
            self._by_length[len(folded)].append((folded, line))
            self._squeezed.setdefault(folded.replace(" ", ""), line)

    def match(self, line: Line) -> tuple[float, Line] | None:
        """The first reference line at least ``threshold`` similar to ``line``, or None."""
        query = line.folded
        same = self._squeezed.get(query.replace(" ", ""))
        if same is not None:
            return 1.0, same
        size, t = len(query), self.threshold
        # ratio = 2·M / (len_a + len_b) ≤ 2·min / (len_a + len_b): bounds the other length.
        low, high = math.ceil(size * t / (2 - t)), math.floor(size * (2 - t) / t)
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(query)
        for length in range(low, high + 1):
            for folded, candidate in self._by_length.get(length, ()):
                matcher.set_seq1(folded)
                if matcher.real_quick_ratio() < t or matcher.quick_ratio() < t:
                    continue
                ratio = matcher.ratio()
                if ratio >= t:
                    return ratio, candidate
        return None


def _clashes(lines: Iterable[Line], index: SimilarityIndex) -> list[str]:
    found = []
    for line in lines:
        hit = index.match(line)
        if hit is not None:
            ratio, other = hit
            found.append(f"{line}\n    ~{ratio:.2f} {other}")
    return found


@cache
def training_index() -> SimilarityIndex:
    return SimilarityIndex(training())


# --- the checker itself -------------------------------------------------------------------


def test_fold_ignores_case_accents_punctuation_and_spacing() -> None:
    assert fold("  Ça m'a  ÉNERVÉ, vraiment !!") == "ca m a enerve vraiment"
    assert fold("Cœur brisé…") == "coeur brise"
    assert fold("c-à-d ?") == fold("C A D")


def test_index_catches_identical_and_near_identical_lines_only() -> None:
    index = SimilarityIndex([Line("Je voudrais supprimer toutes mes données", "x", "t")])
    assert index.match(Line("je voudrais supprimer toutes mes donnees !", "y", "h"))
    assert index.match(Line("jvoudrais supprimer toutes mes données", "y", "h"))
    assert index.match(Line("Je voudrais supprimer toutes mes  données", "y", "h"))
    assert index.match(Line("je voudrais effacer mes informations", "y", "h")) is None
    squeezed = SimilarityIndex([Line("j'ai", "x", "t")])
    assert squeezed.match(Line("jai", "y", "h"))


def test_index_threshold_is_the_difflib_ratio() -> None:
    reference = "on en parle demain matin"
    near = "on en parle demain soir"
    ratio = SequenceMatcher(None, fold(near), fold(reference)).ratio()
    index_low = SimilarityIndex([Line(reference, "x", "t")], threshold=ratio - 0.01)
    index_high = SimilarityIndex([Line(reference, "x", "t")], threshold=ratio + 0.01)
    assert index_low.match(Line(near, "y", "h"))
    assert index_high.match(Line(near, "y", "h")) is None


# --- the data ------------------------------------------------------------------------------


def test_files_are_read() -> None:
    assert len(training()) > 1000
    assert len(heldout()) > 300
    assert len(typed_story_lines()) > 30
    assert len(domain_intents()) > 50


def test_heldout_lines_are_not_training_lines() -> None:
    clashes = _clashes(heldout(), training_index())
    assert not clashes, (
        f"{len(clashes)} held-out line(s) identical or ≥ {THRESHOLD} similar to training "
        "(replace them with new sentences; never copy held-out lines into training):\n"
        + "\n".join(clashes)
    )


def test_heldout_lines_are_not_test_story_lines() -> None:
    clashes = _clashes(heldout(), SimilarityIndex(typed_story_lines()))
    assert not clashes, (
        f"{len(clashes)} held-out line(s) identical or ≥ {THRESHOLD} similar to a line typed "
        "in a test story:\n" + "\n".join(clashes)
    )


def test_typed_story_lines_are_not_training_lines() -> None:
    clashes = _clashes(typed_story_lines(), training_index())
    assert not clashes, (
        f"{len(clashes)} typed test-story line(s) identical or ≥ {THRESHOLD} similar to "
        "training:\n" + "\n".join(clashes)
    )


def test_every_domain_intent_has_enough_heldout_lines() -> None:
    counts: dict[str, int] = defaultdict(int)
    for line in heldout():
        counts[line.intent] += 1
    short = {
        intent: counts[intent]
        for intent in domain_intents()
        if counts[intent] < MIN_HELDOUT_PER_INTENT
    }
    assert not short, f"intents with fewer than {MIN_HELDOUT_PER_INTENT} held-out lines: {short}"


def test_heldout_intents_are_domain_intents() -> None:
    unknown = sorted({line.intent for line in heldout()} - set(domain_intents()))
    assert not unknown, f"held-out intents missing from domain.yml: {unknown}"


@pytest.mark.parametrize("path", sorted(STORIES_DIR.glob("*.yml")), ids=lambda p: p.name)
def test_story_intents_are_domain_intents(path: Path) -> None:
    unknown = sorted({line.intent for line in story_lines(path)} - set(domain_intents()))
    assert not unknown, f"{path.name}: typed lines with intents missing from domain.yml: {unknown}"


# --- the feedback analyzer's held-out split ---------------------------------------------------

FEEDBACK_DIR = ROOT / "data" / "feedback"


def feedback_lines(path: Path) -> list[Line]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    source = str(path.relative_to(ROOT))
    return [Line(str(item["text"]), str(item.get("kind", "?")), source) for item in data["texts"]]


# Only the train*.yml files are training (coach.feedback_model.TRAIN_FILES); every other file of
# data/feedback is a measuring split and must stay apart from all of them.
FEEDBACK_SPLITS = ("heldout.yml", "test_voice.yml")


@cache
def feedback_training_index() -> SimilarityIndex:
    trained = [
        line for path in sorted(FEEDBACK_DIR.glob("train*.yml")) for line in feedback_lines(path)
    ]
    assert len(trained) > 1000
    return SimilarityIndex(trained)


# Labels only, no text: a second reading of training texts, by file and index.
READINGS = ("second_reading.yml",)


def test_every_feedback_file_is_training_or_a_known_split() -> None:
    unknown = sorted(
        path.name
        for path in FEEDBACK_DIR.glob("*.yml")
        if not path.name.startswith("train")
        and path.name not in FEEDBACK_SPLITS
        and path.name not in READINGS
    )
    assert not unknown, f"data/feedback files neither train*.yml nor a known split: {unknown}"
    for name in READINGS:
        data = yaml.safe_load((FEEDBACK_DIR / name).read_text(encoding="utf-8"))
        assert "texts" not in data and all("text" not in r for r in data["readings"])


@pytest.mark.parametrize(("split", "minimum"), [("heldout.yml", 100), ("test_voice.yml", 150)])
def test_feedback_split_texts_are_not_training_texts(split: str, minimum: int) -> None:
    held = feedback_lines(FEEDBACK_DIR / split)
    assert len(held) > minimum
    assert _clashes(held, feedback_training_index()) == []


def test_feedback_splits_are_disjoint_from_each_other() -> None:
    voice = feedback_lines(FEEDBACK_DIR / "test_voice.yml")
    heldout_index = SimilarityIndex(feedback_lines(FEEDBACK_DIR / "heldout.yml"))
    assert _clashes(voice, heldout_index) == []


def test_feedback_split_texts_are_unique_within_the_split() -> None:
    seen: list[Line] = []
    clashes = []
    for line in feedback_lines(FEEDBACK_DIR / "test_voice.yml"):
        hit = SimilarityIndex(seen).match(line)
        if hit is not None:
            clashes.append(f"{line}\n    ~{hit[0]:.2f} {hit[1]}")
        seen.append(line)
    assert not clashes, "near-duplicate texts in test_voice.yml:\n" + "\n".join(clashes)
