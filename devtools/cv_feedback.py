"""K-fold cross-validation of the feedback analysis on the training split only.

    python -m devtools.cv_feedback [--folds 5]

Trains coach.feedback_model on k-1 folds of the training texts and scores the other fold,
so that cues and training settings can be chosen without ever looking at ``heldout.yml``.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter

from coach import feedback_model
from coach.feedback import SIGNALS, THEMES, analyze
from devtools.eval_feedback import _f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    examples = feedback_model.load_examples(
        feedback_model.ROOT / name for name in feedback_model.TRAIN_FILES
    )
    order = list(range(len(examples)))
    random.Random(7).shuffle(order)
    counts: Counter[tuple[str, str]] = Counter()
    kind_ok = 0
    for fold in range(args.folds):
        test = [examples[i] for n, i in enumerate(order) if n % args.folds == fold]
        train = [examples[i] for n, i in enumerate(order) if n % args.folds != fold]
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
            if args.errors and (found != gold or result.kind != gold_kind):
                print(
                    f"- missed={sorted(gold - found)} extra={sorted(found - gold)}"
                    f"{'' if result.kind == gold_kind else ' kind=' + result.kind}\n"
                    f"  {example.text[:240]!r}"
                )

    def micro(labels: tuple[str, ...]) -> tuple[float, float, float]:
        return _f1(*(sum(counts[label, key] for label in labels) for key in ("tp", "fp", "fn")))

    print(f"{len(examples)} training texts, {args.folds}-fold cross-validation")
    print("  theme micro P/R/F1  {:.3f} {:.3f} {:.3f}".format(*micro(THEMES)))
    print("  signal micro P/R/F1 {:.3f} {:.3f} {:.3f}".format(*micro(SIGNALS)))
    print(f"  kind accuracy       {kind_ok / len(examples):.3f}")
    for label in (*THEMES, *SIGNALS):
        p, r, f = _f1(counts[label, "tp"], counts[label, "fp"], counts[label, "fn"])
        print(f"  {label:<22} {p:.3f}  {r:.3f}  {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
