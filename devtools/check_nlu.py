"""Summarise a Rasa NLU intent evaluation and fail when it misses the quality bar.

Usage::

    python -m devtools.check_nlu RESULTS_DIR [--min-accuracy X] [--weakest N]

``RESULTS_DIR`` is the ``--out`` directory of ``rasa test nlu``. The script reads the
intent classification report that Rasa writes there and prints the accuracy, the macro and
weighted F1, the per-intent F1 of the weakest intents (with what they were confused with) and
the recall of the ``crisis`` intent.

Report layouts (Rasa 3.6.21, read from ``rasa/nlu/test.py`` and ``rasa/model_testing.py``):

- ``rasa test nlu --model M --nlu FILE --out DIR`` writes ``DIR/intent_report.json``.
- ``rasa test nlu --cross-validation --folds K --out DIR`` accumulates the predictions of every
  test fold and writes one aggregated report, also named ``DIR/intent_report.json`` (the
  per-fold train/test means are only logged, never written to a file).
- ``rasa test nlu --config A.yml B.yml --out DIR`` (comparison mode) writes one report per run
  and configuration under ``DIR/run_<i>/<p>%_exclusion/<config>_report/intent_report.json``.

``RESULTS_DIR`` may therefore be the report file itself, a directory holding
``intent_report.json``, or a directory with exactly one ``intent_report.json`` somewhere below
it; several nested reports are refused as ambiguous (pass the one you mean).

The report is sklearn's ``classification_report(output_dict=True)`` completed by Rasa: one entry
per intent (``precision``, ``recall``, ``f1-score``, ``support``, ``confused_with``) plus
``accuracy``, ``micro avg``, ``macro avg`` and ``weighted avg``.

Exit status: 0 when the bar is met; 1 when the accuracy is below ``--min-accuracy`` or when the
``crisis`` intent is in the report and its recall is below 1.0 (a missed crisis message is never
acceptable); 2 when the report cannot be found or read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPORT_NAME = "intent_report.json"
CRISIS_INTENT = "crisis"
SUMMARY_KEYS = frozenset({"accuracy", "micro avg", "macro avg", "weighted avg", "samples avg"})

EXIT_OK = 0
EXIT_BELOW_BAR = 1
EXIT_BAD_REPORT = 2


class ReportError(Exception):
    """The intent report is missing, ambiguous or malformed."""


@dataclass(frozen=True)
class IntentScore:
    """Scores of one intent in the report."""

    name: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class NluSummary:
    """The numbers the quality gate looks at."""

    accuracy: float
    macro_f1: float
    weighted_f1: float
    intents: dict[str, IntentScore]

    @property
    def crisis_recall(self) -> float | None:
        """Recall of the crisis intent, or None when the test set has no crisis message."""
        crisis = self.intents.get(CRISIS_INTENT)
        return None if crisis is None else crisis.recall

    def weakest(self, count: int = 5) -> list[IntentScore]:
        """The ``count`` intents with the lowest F1 (ties: larger support first, then name)."""
        ranked = sorted(self.intents.values(), key=lambda s: (s.f1, -s.support, s.name))
        return ranked[: max(count, 0)]


def find_report(path: Path) -> Path:
    """Locate the intent report for ``path`` (a report file or a results directory)."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise ReportError(f"{path}: no such file or directory")
    direct = path / REPORT_NAME
    if direct.is_file():
        return direct
    nested = sorted(path.rglob(REPORT_NAME))
    if not nested:
        raise ReportError(
            f"{path}: no {REPORT_NAME} found (run `rasa test nlu --out {path}` first)"
        )
    if len(nested) > 1:
        listing = "\n  ".join(str(p) for p in nested)
        raise ReportError(f"{path}: several intent reports, pass one of them:\n  {listing}")
    return nested[0]


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(f"{where}: expected a number, got {value!r}")
    number = float(value)
    if math.isnan(number):
        raise ReportError(f"{where}: not a number")
    return number


def _intent_score(name: str, entry: Mapping[str, Any]) -> IntentScore:
    confused_raw = entry.get("confused_with") or {}
    if not isinstance(confused_raw, Mapping):
        raise ReportError(f"{name}.confused_with: expected an object")
    confused = {
        str(label): int(_number(count, f"{name}.confused_with.{label}"))
        for label, count in confused_raw.items()
    }
    return IntentScore(
        name=name,
        precision=_number(entry.get("precision", 0.0), f"{name}.precision"),
        recall=_number(entry.get("recall"), f"{name}.recall"),
        f1=_number(entry.get("f1-score"), f"{name}.f1-score"),
        support=int(_number(entry.get("support", 0), f"{name}.support")),
        confused_with=confused,
    )


def summarise(report: Mapping[str, Any]) -> NluSummary:
    """Extract the gate's numbers from a Rasa intent report (already parsed JSON)."""
    intents: dict[str, IntentScore] = {}
    for name, entry in report.items():
        if name in SUMMARY_KEYS:
            continue
        if not isinstance(entry, Mapping) or "f1-score" not in entry:
            raise ReportError(f"{name}: not an intent entry (no f1-score)")
        intents[name] = _intent_score(name, entry)
    if not intents:
        raise ReportError("the report contains no intent")

    total = sum(s.support for s in intents.values())
    if "accuracy" in report:
        accuracy = _number(report["accuracy"], "accuracy")
    elif total:
        # Every target label is in the report, so the support-weighted recall is the accuracy.
        accuracy = sum(s.recall * s.support for s in intents.values()) / total
    else:
        raise ReportError("no accuracy and no support to compute it from")

    def average(key: str, weighted: bool) -> float:
        entry = report.get(key)
        if isinstance(entry, Mapping) and "f1-score" in entry:
            return _number(entry["f1-score"], f"{key}.f1-score")
        if weighted and total:
            return sum(s.f1 * s.support for s in intents.values()) / total
        return sum(s.f1 for s in intents.values()) / len(intents)

    return NluSummary(
        accuracy=accuracy,
        macro_f1=average("macro avg", weighted=False),
        weighted_f1=average("weighted avg", weighted=True),
        intents=intents,
    )


def load_summary(path: Path) -> tuple[Path, NluSummary]:
    """Find, read and summarise the intent report for ``path``."""
    report_path = find_report(path)
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{report_path}: cannot read the report ({exc})") from exc
    if not isinstance(report, dict):
        raise ReportError(f"{report_path}: expected a JSON object")
    try:
        return report_path, summarise(report)
    except ReportError as exc:
        raise ReportError(f"{report_path}: {exc}") from exc


def failures(summary: NluSummary, min_accuracy: float) -> list[str]:
    """The reasons the summary misses the bar (empty when it passes)."""
    problems: list[str] = []
    if summary.accuracy < min_accuracy:
        problems.append(f"accuracy {summary.accuracy:.4f} < required {min_accuracy:.4f}")
    crisis_recall = summary.crisis_recall
    if crisis_recall is not None and crisis_recall < 1.0:
        missed = summary.intents[CRISIS_INTENT]
        problems.append(
            f"crisis recall {crisis_recall:.4f} < 1.0 "
            f"(missed crisis messages went to: {_confusions(missed) or 'unknown'})"
        )
    return problems


def _confusions(score: IntentScore) -> str:
    pairs = sorted(score.confused_with.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{label} ×{count}" for label, count in pairs)


def render(report_path: Path, summary: NluSummary, weakest: int = 5) -> str:
    """Human-readable summary of the report."""
    lines = [
        f"NLU intent report: {report_path}",
        f"  intents        {len(summary.intents)}"
        f" ({sum(s.support for s in summary.intents.values())} examples)",
        f"  accuracy       {summary.accuracy:.4f}",
        f"  macro F1       {summary.macro_f1:.4f}",
        f"  weighted F1    {summary.weighted_f1:.4f}",
    ]
    crisis_recall = summary.crisis_recall
    lines.append(
        "  crisis recall  "
        + ("n/a (no crisis example)" if crisis_recall is None else f"{crisis_recall:.4f}")
    )
    weakest_scores = summary.weakest(weakest)
    if weakest_scores:
        lines.append(f"  weakest {len(weakest_scores)} intents (F1):")
        width = max(len(s.name) for s in weakest_scores)
        for score in weakest_scores:
            line = (
                f"    {score.name:<{width}}  F1 {score.f1:.3f}  P {score.precision:.3f}"
                f"  R {score.recall:.3f}  n={score.support}"
            )
            confusions = _confusions(score)
            if confusions:
                line += f"  confused with: {confusions}"
            lines.append(line)
    return "\n".join(lines)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.check_nlu",
        description="Summarise a Rasa NLU intent report and check the quality bar.",
    )
    parser.add_argument(
        "results", type=Path, help="`rasa test nlu --out` directory (or the report file)"
    )
    parser.add_argument(
        "--min-accuracy",
        type=_fraction,
        default=0.0,
        help="fail (exit 1) below this intent accuracy (default: 0, no accuracy bar)",
    )
    parser.add_argument(
        "--with-detector",
        action="store_true",
        help=(
            "judge crisis recall for the whole bot: a crisis message the classifier missed "
            "still counts as caught when coach.safety.detect_crisis catches it (the bot runs "
            "the detector before Rasa); needs intent_errors.json next to the report"
        ),
    )
    parser.add_argument(
        "--weakest", type=int, default=5, help="how many weakest intents to list (default: 5)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        report_path, summary = load_summary(args.results)
    except ReportError as exc:
        print(f"check_nlu: {exc}", file=sys.stderr)
        return EXIT_BAD_REPORT
    print(render(report_path, summary, args.weakest))
    problems = failures(summary, args.min_accuracy)
    if args.with_detector and summary.crisis_recall is not None and summary.crisis_recall < 1.0:
        problems = _with_detector(report_path, problems)
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        return EXIT_BELOW_BAR
    bar = f" (accuracy ≥ {args.min_accuracy:.2f})" if args.min_accuracy else ""
    print(f"OK: NLU quality bar met{bar}")
    return EXIT_OK


def _with_detector(report_path: Path, problems: list[str]) -> list[str]:
    """Drop the crisis failure when the deterministic detector catches every message the
    classifier missed; keep it (with the texts' count) otherwise."""
    from coach.safety import detect_crisis

    errors_path = report_path.with_name("intent_errors.json")
    try:
        errors = json.loads(errors_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return problems
    missed = [e.get("text", "") for e in errors if e.get("intent") == CRISIS_INTENT]
    uncaught = [text for text in missed if not detect_crisis(text)]
    if uncaught:
        return [*problems, f"{len(uncaught)} crisis message(s) missed by classifier AND detector"]
    print(
        f"note: the classifier missed {len(missed)} crisis message(s); coach.safety's detector, "
        "which runs first in the bot, catches all of them (crisis recall of the bot: 1.0)"
    )
    return [p for p in problems if not p.startswith("crisis recall")]


if __name__ == "__main__":
    sys.exit(main())
