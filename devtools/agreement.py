"""How far a second, blind reading of training texts agrees with their labels.

    python -m devtools.agreement [data/feedback/second_reading.yml]

``second_reading.yml`` holds another annotator's labels for 150 training texts, given with
only the text and the labelling guide in hand. This prints theme and signal micro
precision/recall/F1 and kind agreement, taking the training labels as the reference: a
careful reader's agreement is the ceiling against which the analyzer's scores are read
(a bar above it would measure the labels' noise, not the analyzer).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

from coach.feedback import SIGNALS, THEMES
from coach.feedback_model import ROOT, TRAIN_FILES
from devtools.eval_feedback import micro_f1

DEFAULT: Path = ROOT / "data/feedback/second_reading.yml"


def agreement(path: Path = DEFAULT) -> tuple[Counter[tuple[str, str]], int, int]:
    """Counts of (label, tp/fp/fn) and (kinds agreed, texts read)."""
    readings = yaml.safe_load(path.read_text(encoding="utf-8"))["readings"]
    files: dict[str, list[dict[str, object]]] = {}
    counts: Counter[tuple[str, str]] = Counter()
    kinds = 0
    for reading in readings:
        name = reading["file"]
        if name not in TRAIN_FILES:
            raise ValueError(f"{name} is not a training file")
        if name not in files:
            files[name] = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["texts"]
        entry = files[name][reading["index"]]
        for group in ("themes", "signals"):
            gold = set(entry.get(group) or [])  # type: ignore[call-overload]
            second = set(reading.get(group) or [])
            for label in gold | second:
                key = "tp" if label in gold and label in second else "fn" if label in gold else "fp"
                counts[label, key] += 1
        kinds += entry["kind"] == reading["kind"]
    return counts, kinds, len(readings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    counts, kinds, texts = agreement(args.path)

    print(f"{texts} training texts read a second time, blind to their labels")
    print("  theme micro P/R/F1  {:.3f} {:.3f} {:.3f}".format(*micro_f1(counts, THEMES)))
    print("  signal micro P/R/F1 {:.3f} {:.3f} {:.3f}".format(*micro_f1(counts, SIGNALS)))
    print(f"  kind agreement      {kinds / max(texts, 1):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
