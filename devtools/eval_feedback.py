"""Scores of coach.feedback.analyze on a labelled split (``make eval``).

    python -m devtools.eval_feedback data/feedback/heldout.yml [--min-theme-f1 0.85]
        [--min-kind-accuracy 0.90] [--min-signal-f1 0.85] [--errors]

Prints theme micro-F1, per-theme and per-signal precision/recall/F1, kind accuracy and the
time per text; exits 1 when a given minimum is not met, with one ``FAIL:`` line per figure
below its bar on stderr. ``--errors`` lists the mistakes (use it on the training split only:
the held-out split must never guide the cues).

SPEC §9 sets the theme and kind bars. It sets none for the signals: ``make eval`` uses 0.85,
just below the 0.855 measured on the held-out split when the gate was added (2026-12-05).

Issue 15 adds a precision bar for the "remark on the person" signal (``personal_attack``):
telling someone that a feedback says more about its author than about them is harmful when
wrong, so its precision is printed on its own line (``--min-personal-attack-precision``).
``make eval-voice`` reports the figures on ``data/feedback/test_voice.yml``, a split written
in another voice; it does not gate yet.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from coach.feedback import SIGNALS, THEMES, analyze


@dataclass
class Scores:
    texts: int
    theme_micro_f1: float
    kind_accuracy: float
    signal_micro_f1: float
    per_label: dict[str, tuple[float, float, float, int]]
    mean_ms: float
    max_ms: float


def micro_f1(
    counts: Mapping[tuple[str, str], int], labels: Iterable[str]
) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over ``labels``, from (label, "tp"/"fp"/"fn") counts."""
    labels = tuple(labels)
    return _f1(*(sum(counts[label, key] for label in labels) for key in ("tp", "fp", "fn")))


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["texts"])


def score(entries: list[dict[str, Any]], *, errors: bool = False) -> Scores:
    counts: Counter[tuple[str, str]] = Counter()
    kind_ok = 0
    times: list[float] = []
    analyze("")  # loads the shipped weights once; the times below are per text
    for entry in entries:
        started = time.perf_counter()
        result = analyze(entry["text"])
        times.append((time.perf_counter() - started) * 1000)
        gold = set(entry.get("themes") or []) | set(entry.get("signals") or [])
        found = result.themes | result.signals
        for label in (*THEMES, *SIGNALS):
            if label in gold and label in found:
                counts[label, "tp"] += 1
            elif label in found:
                counts[label, "fp"] += 1
            elif label in gold:
                counts[label, "fn"] += 1
        kind_ok += result.kind == entry["kind"]
        if errors and (found != gold or result.kind != entry["kind"]):
            missed = sorted(gold - found)
            extra = sorted(found - gold)
            kind = "" if result.kind == entry["kind"] else f" kind={result.kind}"
            print(f"- missed={missed} extra={extra}{kind}\n  {entry['text'][:300]!r}")

    def micro(labels: tuple[str, ...]) -> float:
        return micro_f1(counts, labels)[2]

    per_label = {
        label: (
            *_f1(counts[label, "tp"], counts[label, "fp"], counts[label, "fn"]),
            counts[label, "tp"] + counts[label, "fn"],
        )
        for label in (*THEMES, *SIGNALS)
    }
    return Scores(
        texts=len(entries),
        theme_micro_f1=micro(THEMES),
        kind_accuracy=kind_ok / len(entries) if entries else 0.0,
        signal_micro_f1=micro(SIGNALS),
        per_label=per_label,
        mean_ms=sum(times) / len(times) if times else 0.0,
        max_ms=max(times) if times else 0.0,
    )


def report(name: str, scores: Scores) -> str:
    attack = scores.per_label["personal_attack"]
    lines = [
        f"{name}: {scores.texts} texts",
        f"  theme micro-F1   {scores.theme_micro_f1:.3f}",
        f"  kind accuracy    {scores.kind_accuracy:.3f}",
        f"  signal micro-F1  {scores.signal_micro_f1:.3f}",
        f"  personal_attack  precision {attack[0]:.3f}, recall {attack[1]:.3f} (n={attack[3]})",
        f"  time per text    mean {scores.mean_ms:.2f} ms, max {scores.max_ms:.2f} ms",
        "  label                   P      R      F1    n",
    ]
    for label, (precision, recall, f1, support) in scores.per_label.items():
        lines.append(f"  {label:<22} {precision:.3f}  {recall:.3f}  {f1:.3f}  {support}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("split", type=Path, nargs="+")
    parser.add_argument("--min-theme-f1", type=float)
    parser.add_argument("--min-kind-accuracy", type=float)
    parser.add_argument("--min-signal-f1", type=float)
    parser.add_argument("--min-personal-attack-precision", type=float)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    failed = False
    for path in args.split:
        scores = score(load(path), errors=args.errors)
        print(report(str(path), scores))
        gates = (
            ("theme micro-F1", scores.theme_micro_f1, args.min_theme_f1),
            ("kind accuracy", scores.kind_accuracy, args.min_kind_accuracy),
            ("signal micro-F1", scores.signal_micro_f1, args.min_signal_f1),
            (
                "personal_attack precision",
                scores.per_label["personal_attack"][0],
                args.min_personal_attack_precision,
            ),
        )
        for name, value, bar in gates:
            if bar is not None and value < bar:
                print(f"FAIL: {path}: {name} {value:.3f} < required {bar}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
