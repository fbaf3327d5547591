"""Recall and false alarms of coach.safety.detect_crisis on held-out sets (``make eval``).

    python -m devtools.eval_crisis [--crisis tests/safety/crisis_heldout.yml]
        [--negatives tests/safety/hard_negatives_heldout.yml]
        [--min-recall 0.90] [--max-false-alarm-rate 0.05] [--max-feedback-alarms 0]
        [--rounds 5]

Prints the recall on the crisis set, the false-alarm rate on the hard-negative set (and on
its pasted recruiter feedback alone), the number of alarms on every recruiter feedback text
of data/feedback/ (a development corpus: issue 18 found two alarms there) and the time per
message; exits 1 with one ``FAIL:`` line per figure beyond its bar on stderr, 2 when a set
cannot be read.

``make eval`` runs it with ``--min-recall 0.65 --max-false-alarm-rate 0.07
--max-feedback-alarms 0``: regression bars just under the figures measured on 2026-12-05
(recall 0.664 = 81/122, false alarms 0.060 = 15/249, 0 of 2 229 feedback texts), not
targets. Before the issue 18 change the detector measured recall 0.598 (73/122) and false
alarms 0.080 (20/249), 2 feedback texts. A recall of 1.0 is not a realistic bar on a set
written apart from the detector; the classifier's ``crisis`` intent is the second net.

Both held-out sets were written apart from the detector and must never guide it (see their
headers): this command prints figures only, never the lines it gets wrong. To audit a set's
labels (a line that is not what its list says), read the set, not the detector's output.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import difflib
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from coach.safety import detect_crisis

ROOT = Path(__file__).resolve().parent.parent
CRISIS_SET = ROOT / "tests" / "safety" / "crisis_heldout.yml"
NEGATIVE_SET = ROOT / "tests" / "safety" / "hard_negatives_heldout.yml"
FEEDBACK_DIR = ROOT / "data" / "feedback"


class SetError(Exception):
    """A set that cannot be read or has the wrong shape."""


@dataclass(frozen=True)
class Figures:
    crisis: int
    caught: int
    negatives: int
    false_alarms: int
    feedback: int
    feedback_false_alarms: int
    corpus: int
    corpus_alarms: int
    mean_us: float
    max_us: float

    @property
    def recall(self) -> float:
        return self.caught / self.crisis if self.crisis else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0


def load_lines(path: Path, *keys: str) -> dict[str, list[str]]:
    """The lists ``keys`` of a held-out YAML file; every item a non-empty string."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SetError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SetError(f"{path}: expected a mapping with {', '.join(keys)}")
    out: dict[str, list[str]] = {}
    for key in keys:
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise SetError(f"{path}: {key!r} must be a list of non-empty strings")
        out[key] = items
    if not any(out.values()):
        raise SetError(f"{path}: no lines")
    return out


def feedback_corpus(directory: Path = FEEDBACK_DIR) -> list[str]:
    """Every recruiter feedback text of data/feedback/*.yml (``texts: [{text: ...}]``)."""
    texts: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("texts") or []:
            if isinstance(entry, dict) and isinstance(entry.get("text"), str):
                texts.append(entry["text"])
    return texts


# --------------------------------------------------------------------------- disjointness
# The held-out sets must share no line with what the detector was developed on: a test
# (tests/unit/test_crisis_heldout.py) fails when a held-out line is identical or >= 0.9
# similar, after folding, to a development line.

SIMILARITY_BAR = 0.9
_ANNOTATION_RE = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Casefolded, accents stripped, punctuation and spacing reduced to single spaces."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NON_ALNUM_RE.sub(" ", bare).split())


def _nlu_examples(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lines: list[str] = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                lines.append(_ANNOTATION_RE.sub(r"\1", line.strip()[2:]))
    return lines


def _story_messages(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        str(step["user"]).strip()
        for story in data.get("stories") or []
        for step in story.get("steps") or []
        if isinstance(step, dict) and "user" in step
    ]


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 8
    ]


def development_lines(root: Path = ROOT) -> list[str]:
    """What the detector was (or may be) developed on: every line of data/nlu, tests/rasa,
    data/feedback, the detector's unit tests (tests/unit/test_safety*.py) and the quoted
    examples of coach/safety.py."""
    lines: list[str] = []
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        lines += _nlu_examples(path)
    for path in sorted((root / "tests" / "rasa").glob("*.yml")):
        lines += _nlu_examples(path) + _story_messages(path)
    lines += feedback_corpus(root / "data" / "feedback")
    for path in sorted((root / "tests" / "unit").glob("test_safety*.py")):
        lines += _string_constants(path)
    lines += re.findall(r'"([^"\n]{8,})"', (root / "coach" / "safety.py").read_text("utf-8"))
    return lines


def near_duplicates(
    heldout: Iterable[str], development: Iterable[str], bar: float = SIMILARITY_BAR
) -> list[tuple[str, str, float]]:
    """(held-out line, development line, ratio) for every pair at least ``bar`` similar
    after folding (difflib ratio; identical folded lines, or identical once their spaces are
    removed, give 1.0)."""
    dev = sorted({fold(d) for d in development if fold(d)}, key=len)
    lengths = [len(d) for d in dev]
    # Identity also with the spaces removed: "j'ai" and "jai" are the same line.
    squeezed = {d.replace(" ", ""): d for d in dev}
    found: list[tuple[str, str, float]] = []
    for line in heldout:
        folded = fold(line)
        if (same := squeezed.get(folded.replace(" ", ""))) is not None and same != folded:
            found.append((line, same, 1.0))
        size = len(folded)
        # ratio = 2M / (a + b) <= 2 min(a, b) / (a + b): lengths too far apart cannot reach it.
        low = bisect.bisect_left(lengths, size * bar / (2 - bar))
        high = bisect.bisect_right(lengths, size * (2 - bar) / bar)
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(folded)
        for candidate in dev[low:high]:
            matcher.set_seq1(candidate)
            if (
                matcher.real_quick_ratio() >= bar
                and matcher.quick_ratio() >= bar
                and (ratio := matcher.ratio()) >= bar
            ):
                found.append((line, candidate, ratio))
    return found


def _time_per_message(lines: Iterable[str], rounds: int) -> tuple[float, float]:
    """Mean and max µs per call of detect_crisis, the best of ``rounds`` for each line."""
    best: list[float] = []
    for line in lines:
        runs = []
        for _ in range(max(1, rounds)):
            started = time.perf_counter()
            detect_crisis(line)
            runs.append(time.perf_counter() - started)
        best.append(min(runs) * 1e6)
    return (statistics.fmean(best), max(best)) if best else (0.0, 0.0)


def measure(
    crisis: list[str],
    negatives: list[str],
    feedback: list[str],
    corpus: list[str],
    *,
    rounds: int = 5,
) -> Figures:
    mean_us, max_us = _time_per_message([*crisis, *negatives, *feedback], rounds)
    feedback_alarms = sum(map(detect_crisis, feedback))
    return Figures(
        crisis=len(crisis),
        caught=sum(map(detect_crisis, crisis)),
        negatives=len(negatives) + len(feedback),
        false_alarms=sum(map(detect_crisis, negatives)) + feedback_alarms,
        feedback=len(feedback),
        feedback_false_alarms=feedback_alarms,
        corpus=len(corpus),
        corpus_alarms=sum(map(detect_crisis, corpus)),
        mean_us=mean_us,
        max_us=max_us,
    )


def report(figures: Figures) -> str:
    f = figures
    feedback_rate = f.feedback_false_alarms / f.feedback if f.feedback else 0.0
    return "\n".join(
        [
            "crisis detector (coach.safety), held-out sets of tests/safety/",
            f"  recall on {f.crisis} crisis lines          {f.recall:.3f}"
            f"  ({f.caught} caught, {f.crisis - f.caught} missed)",
            f"  false alarms on {f.negatives} hard negatives   {f.false_alarm_rate:.3f}"
            f"  ({f.false_alarms} lines)",
            f"    of which pasted feedback ({f.feedback})     {feedback_rate:.3f}"
            f"  ({f.feedback_false_alarms} lines)",
            f"  alarms on data/feedback ({f.corpus} texts, development corpus)  {f.corpus_alarms}",
            f"  time per message                   mean {f.mean_us:.1f} µs, max {f.max_us:.1f} µs",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crisis", type=Path, default=CRISIS_SET)
    parser.add_argument("--negatives", type=Path, default=NEGATIVE_SET)
    parser.add_argument("--feedback-dir", type=Path, default=FEEDBACK_DIR)
    parser.add_argument("--min-recall", type=float)
    parser.add_argument("--max-false-alarm-rate", type=float)
    parser.add_argument("--max-feedback-alarms", type=int)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        crisis = load_lines(args.crisis, "crisis")["crisis"]
        sets = load_lines(args.negatives, "negatives", "feedback")
    except SetError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    corpus = feedback_corpus(args.feedback_dir)
    figures = measure(crisis, sets["negatives"], sets["feedback"], corpus, rounds=args.rounds)
    print(report(figures))
    failed = []
    if args.min_recall is not None and figures.recall < args.min_recall:
        failed.append(f"recall {figures.recall:.3f} < required {args.min_recall}")
    if args.max_false_alarm_rate is not None and (
        figures.false_alarm_rate > args.max_false_alarm_rate
    ):
        failed.append(
            f"false-alarm rate {figures.false_alarm_rate:.3f} > allowed {args.max_false_alarm_rate}"
        )
    if args.max_feedback_alarms is not None and figures.corpus_alarms > args.max_feedback_alarms:
        failed.append(
            f"{figures.corpus_alarms} alarms on data/feedback > allowed {args.max_feedback_alarms}"
        )
    for line in failed:
        print(f"FAIL: crisis detector: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
