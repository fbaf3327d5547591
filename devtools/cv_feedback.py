"""K-fold cross-validation of the feedback analysis on the training split only.

    python -m devtools.cv_feedback [--folds 5]
    python -m devtools.cv_feedback --batch data/feedback/train_ninth.yml

Trains coach.feedback_model on k-1 folds of the training texts and scores the other fold,
so that cues and training settings can be chosen without ever looking at ``heldout.yml``.
With ``--batch``, each named training file is scored by a model trained on all the other
files: a batch written by another author or in another voice stands in for a split in a
voice the model has not seen (what ``test_voice.yml`` measures, never to be tuned on).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter

from coach import feedback_model
from coach.feedback import SIGNALS, THEMES, analyze
from devtools.eval_feedback import _f1, micro_f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument(
        "--batch", action="append", default=[], help="a training file to hold out (repeatable)"
    )
    args = parser.parse_args(argv)
    splits: list[tuple[list[feedback_model.Example], list[feedback_model.Example]]] = []
    if args.batch:
        for held in args.batch:
            if held not in feedback_model.TRAIN_FILES:
                parser.error(f"{held} is not a training file")
            rest = (name for name in feedback_model.TRAIN_FILES if name != held)
            splits.append(
                (
                    feedback_model.load_examples(feedback_model.ROOT / n for n in rest),
                    feedback_model.load_examples([feedback_model.ROOT / held]),
                )
            )
    else:
        examples = feedback_model.load_examples(
            feedback_model.ROOT / name for name in feedback_model.TRAIN_FILES
        )
        order = list(range(len(examples)))
        random.Random(7).shuffle(order)
        for fold in range(args.folds):
            test = [examples[i] for n, i in enumerate(order) if n % args.folds == fold]
            train = [examples[i] for n, i in enumerate(order) if n % args.folds != fold]
            splits.append((train, test))
    counts: Counter[tuple[str, str]] = Counter()
    kind_ok = 0
    scored = 0
    for train, test in splits:
        weights = feedback_model.train(train)
        for example in test:
            result = analyze(example.text, weights)
            gold = set(example.labels) - {feedback_model.KIND_LABEL}
            found = result.themes | result.signals
            for label in (*THEMES, *SIGNALS):
                key = (
                    "tp"
                    if label in gold and label in found
                    else "fp"
                    if label in found
                    else ("fn" if label in gold else "tn")
                )
                counts[label, key] += 1
            gold_kind = "constructive" if feedback_model.KIND_LABEL in example.labels else "generic"
            kind_ok += result.kind == gold_kind
            scored += 1
            if args.errors and (found != gold or result.kind != gold_kind):
                print(
                    f"- missed={sorted(gold - found)} extra={sorted(found - gold)}"
                    f"{'' if result.kind == gold_kind else ' kind=' + result.kind}\n"
                    f"  {example.text[:240]!r}"
                )

    what = ", ".join(args.batch) + " held out" if args.batch else f"{args.folds}-fold"
    print(f"{scored} training texts scored, {what} cross-validation")
    print("  theme micro P/R/F1  {:.3f} {:.3f} {:.3f}".format(*micro_f1(counts, THEMES)))
    print("  signal micro P/R/F1 {:.3f} {:.3f} {:.3f}".format(*micro_f1(counts, SIGNALS)))
    print(f"  kind accuracy       {kind_ok / max(scored, 1):.3f}")
    for label in (*THEMES, *SIGNALS):
        p, r, f = _f1(counts[label, "tp"], counts[label, "fp"], counts[label, "fn"])
        print(f"  {label:<22} {p:.3f}  {r:.3f}  {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
