"""The learned half of the feedback analysis: one logistic model per label.

Each theme, each signal and the kind ("constructive") has a linear model over the features
of :func:`coach.feedback.text_features`: word stems, stems in a negated or lacking scope,
stem pairs, and the hits of the cue engine. The weights are trained on the training split
only (:data:`TRAIN_FILES`, never ``heldout.yml``) and shipped in ``feedback_model.json.gz``,
so that analysing a text needs no training and no third-party library.

    python -m coach.feedback_model          # retrain and write feedback_model.json.gz
    python -m coach.feedback_model --check  # exit 1 when the shipped file is out of date

Training is deterministic (fixed seed, fixed order, rounded weights): the same data gives
the same file, which a unit test checks.
"""

from __future__ import annotations

import argparse
import gzip
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

from coach.feedback import SIGNALS, THEMES, text_features

ROOT: Final = Path(__file__).resolve().parent.parent
MODEL_PATH: Final = Path(__file__).with_name("feedback_model.json.gz")
TRAIN_FILES: Final = (
    "data/feedback/train.yml",
    "data/feedback/train_more.yml",
    "data/feedback/train_third.yml",
    "data/feedback/train_fourth.yml",
    "data/feedback/train_fifth.yml",
    "data/feedback/train_sixth.yml",
    "data/feedback/train_seventh.yml",
    "data/feedback/train_eighth.yml",
    "data/feedback/train_ninth.yml",
)
KIND_LABEL: Final = "constructive"
LABELS: Final = (*THEMES, *SIGNALS, KIND_LABEL)

EPOCHS: Final = 36
LEARNING_RATE: Final = 0.25
L2: Final = 1e-4
SEED: Final = 20261126
PRECISION: Final = 3  # decimals kept in the shipped weights
PRUNE_BELOW: Final = 0.1  # smaller weights are dropped (they change no decision)
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
        import yaml  # a development dependency: only training reads the labelled files

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
    """Themes are read clause by clause as well as on the whole text; signals and the kind
    on the whole text only."""
    return label in THEMES


TEXT_SUFFIX: Final = "#text"  # key of a theme's whole-text model, next to its clause model


def model_keys(labels: Sequence[str] = LABELS) -> list[str]:
    keys: list[str] = []
    for label in labels:
        keys.append(label)
        if pooled(label):
            keys.append(label + TEXT_SUFFIX)
    return keys


def label_score(
    model: Mapping[str, Mapping[str, float]],
    label: str,
    features: Iterable[str],
    per_clause: Sequence[tuple[Any, Iterable[str]]],
) -> float:
    """A theme's score averages its best clause and the whole text (cross-validation on the
    training split: 0.749 theme micro-F1 against 0.735 for the best clause alone)."""
    features = list(features)
    if pooled(label):
        clause_weights = model.get(label, {})
        best = max(score(clause_weights, clause_features) for _, clause_features in per_clause)
        return (best + score(model.get(label + TEXT_SUFFIX, {}), features)) / 2
    return score(model.get(label, {}), features)


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
    model: dict[str, Any] = {}
    for label in labels:
        targets = [label in example.labels for example in examples]
        model[label] = _fit(rows, targets, order, pooled(label))
        if pooled(label):
            model[label + TEXT_SUFFIX] = _fit(rows, targets, order, False)
    return model


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


def shipped_text() -> str:
    return gzip.decompress(MODEL_PATH.read_bytes()).decode("utf-8")


@lru_cache(maxsize=1)
def shipped_weights() -> dict[str, dict[str, float]]:
    data = json.loads(shipped_text())
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
        if not MODEL_PATH.exists() or shipped_text() != text:
            print(f"{MODEL_PATH.name} is out of date: run python -m coach.feedback_model")
            return 1
        print(f"{MODEL_PATH.name} is up to date")
        return 0
    # mtime=0: the same weights give the same bytes.
    MODEL_PATH.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
