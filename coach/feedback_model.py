"""The learned half of the feedback analysis: one logistic model per label.

Each theme, each signal and the kind ("constructive") has a linear model over the features
of :func:`coach.feedback.text_features`: word stems, stems in a negated or lacking scope,
stem pairs, and the hits of the cue engine. The weights are trained on the training split
only (:data:`TRAIN_FILES`, never ``heldout.yml``) and shipped in ``feedback_model.json``,
so that analysing a text needs no training and no third-party library.

    python -m coach.feedback_model          # retrain and write feedback_model.json
    python -m coach.feedback_model --check  # exit 1 when the shipped file is out of date

Training is deterministic (fixed seed, fixed order, rounded weights): the same data gives
the same file, which a unit test checks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from coach.feedback import SIGNALS, THEMES, text_features

ROOT: Final = Path(__file__).resolve().parent.parent
MODEL_PATH: Final = Path(__file__).with_name("feedback_model.json")
TRAIN_FILES: Final = (
    "data/feedback/train.yml",
    "data/feedback/train_more.yml",
    "data/feedback/train_third.yml",
)
KIND_LABEL: Final = "constructive"
LABELS: Final = (*THEMES, *SIGNALS, KIND_LABEL)

EPOCHS: Final = 36
LEARNING_RATE: Final = 0.25
L2: Final = 1e-4
SEED: Final = 20261126
PRECISION: Final = 3  # decimals kept in the shipped weights
PRUNE_BELOW: Final = 0.05  # smaller weights are dropped (they change no decision)
# A label is present when its score is above this (chosen by cross-validation on the
# training split: recall matters more than a perfectly calibrated probability).
THRESHOLD: Final = -1.0
POS_POWER: Final = 0.5  # positives weigh sqrt(negatives / positives)


@dataclass(frozen=True)
class Example:
    text: str
    labels: frozenset[str]


def load_examples(paths: Iterable[Path]) -> list[Example]:
    examples: list[Example] = []
    for path in paths:
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["texts"]:
            labels = set(entry.get("themes") or []) | set(entry.get("signals") or [])
            if entry["kind"] == KIND_LABEL:
                labels.add(KIND_LABEL)
            examples.append(Example(entry["text"], frozenset(labels)))
    return examples


def _sigmoid(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def pooled(label: str) -> bool:
    """Themes are scored on their best clause; signals and the kind on the whole text."""
    return label in THEMES


def label_score(
    weights: Mapping[str, float],
    label: str,
    features: Iterable[str],
    per_clause: Sequence[tuple[Any, Iterable[str]]],
) -> float:
    if pooled(label):
        return max(score(weights, clause_features) for _, clause_features in per_clause)
    return score(weights, features)


@dataclass(frozen=True)
class _Row:
    features: frozenset[str]
    clauses: tuple[frozenset[str], ...]


def _fit(
    rows: Sequence[_Row], targets: Sequence[bool], order: Sequence[Sequence[int]], pool: bool
) -> dict[str, float]:
    """Stochastic gradient descent on the logistic loss, positives up-weighted. With
    ``pool``, each step updates the clause that scores highest (multiple-instance learning):
    the weights learn what a clause giving that reason looks like."""
    positives = sum(targets)
    weight_pos = max(1.0, (len(targets) - positives) / max(positives, 1)) ** POS_POWER
    weights: dict[str, float] = {}
    for epoch, indices in enumerate(order):
        rate = LEARNING_RATE / (1.0 + 0.1 * epoch)
        decay = 1.0 - rate * L2
        for i in indices:
            row = rows[i]
            if pool:
                features = max(row.clauses, key=lambda clause: score(weights, clause))
            else:
                features = row.features
            probability = _sigmoid(score(weights, features))
            target = 1.0 if targets[i] else 0.0
            step = (target - probability) * rate * (weight_pos if targets[i] else 1.0)
            for feature in features:
                weights[feature] = weights.get(feature, 0.0) * decay + step
    floor = PRUNE_BELOW
    return {f: round(w, PRECISION) for f, w in sorted(weights.items()) if abs(w) >= floor}


def train(examples: Sequence[Example], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    rows: list[_Row] = []
    for example in examples:
        features, per_clause = text_features(example.text)
        rows.append(_Row(frozenset(features), tuple(frozenset(c) for _, c in per_clause)))
    shuffler = random.Random(SEED)
    order: list[list[int]] = []
    for _ in range(EPOCHS):
        indices = list(range(len(rows)))
        shuffler.shuffle(indices)
        order.append(indices)
    return {
        label: _fit(rows, [label in example.labels for example in examples], order, pooled(label))
        for label in labels
    }


def _digest(paths: Iterable[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        if path.exists():
            sha.update(path.read_bytes())
    return sha.hexdigest()


def build(root: Path = ROOT) -> dict[str, Any]:
    paths = [root / name for name in TRAIN_FILES]
    examples = load_examples(paths)
    return {
        "trained_on": [name for name in TRAIN_FILES if (root / name).exists()],
        "examples": len(examples),
        "sha256": _digest(paths),
        "weights": train(examples),
    }


def dumps(model: Mapping[str, Any]) -> str:
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


@lru_cache(maxsize=1)
def shipped_weights() -> dict[str, dict[str, float]]:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    weights: dict[str, dict[str, float]] = data["weights"]
    return weights


def score(weights: Mapping[str, float], features: Iterable[str]) -> float:
    return sum(weights.get(feature, 0.0) for feature in features)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the shipped file is stale")
    args = parser.parse_args(argv)
    text = dumps(build())
    if args.check:
        if not MODEL_PATH.exists() or MODEL_PATH.read_text(encoding="utf-8") != text:
            print(f"{MODEL_PATH.name} is out of date: run python -m coach.feedback_model")
            return 1
        print(f"{MODEL_PATH.name} is up to date")
        return 0
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
