"""Confusion between the crisis tiers (coach.crisis_tiers.text_tier) on labelled sets.

    python -m devtools.eval_tiers [--dev] [--max-none-for-crisis N]

Sets: tests/safety/tiers_heldout.yml (crisis / ambiguous / none, written before the
ambiguous patterns), the detector's held-out sets read as tiers (crisis_heldout.yml: every
line `crisis`; hard_negatives_heldout.yml: every line `none`), and with ``--dev`` the
development set tiers_dev.yml. Prints, per set, the counts and the confusion matrix (rows:
label, columns: tier given). Figures only, never the lines: the held-out sets must not
guide the patterns. Exits 1 (one ``FAIL:`` line each on stderr) when, on the tiers held-out
set, more than ``--max-none-for-crisis`` crisis lines or ``--max-ambiguous-missed``
ambiguous lines are given ``none`` (the check shows 3114; ``none`` shows nothing), or when
more than ``--max-negative-checks`` of the detector's hard negatives get the check.

``make eval`` runs it with ``--max-none-for-crisis 1 --max-ambiguous-missed 2
--max-negative-checks 0.07``: regression bars over the figures of 2026-12-05 (0 and 0 lines,
14/249 = 0.056), not targets.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from coach.crisis_tiers import AMBIGUOUS, CRISIS, NONE, text_tier
from devtools.eval_crisis import CRISIS_SET, NEGATIVE_SET, load_lines

ROOT = Path(__file__).resolve().parent.parent
TIERS_HELDOUT = ROOT / "tests" / "safety" / "tiers_heldout.yml"
TIERS_DEV = ROOT / "tests" / "safety" / "tiers_dev.yml"
TIERS = (CRISIS, AMBIGUOUS, NONE)


def confusion(labelled: dict[str, list[str]]) -> dict[str, Counter[str]]:
    """label → Counter of the tiers given to its lines."""
    return {label: Counter(text_tier(line) for line in lines) for label, lines in labelled.items()}


def render(name: str, matrix: dict[str, Counter[str]]) -> str:
    width = max(len(t) for t in TIERS) + 2
    lines = [f"{name}", "  label \\ tier " + "".join(t.rjust(width) for t in TIERS) + "   n"]
    for label, counts in matrix.items():
        total = sum(counts.values())
        row = "".join(str(counts.get(t, 0)).rjust(width) for t in TIERS)
        right = counts.get(label, 0)
        lines.append(f"  {label:<13}{row}{total:>4}   ({right}/{total} as labelled)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="also the development set")
    parser.add_argument("--max-none-for-crisis", type=int, default=3)
    parser.add_argument("--max-ambiguous-missed", type=int, default=3)
    parser.add_argument("--max-negative-checks", type=float, default=0.08)
    args = parser.parse_args(argv)
    sets: list[tuple[str, dict[str, list[str]]]] = []
    if args.dev:
        sets.append(("tiers_dev.yml (development)", load_lines(TIERS_DEV, *TIERS)))
    heldout = load_lines(TIERS_HELDOUT, *TIERS)
    sets.append(("tiers_heldout.yml (held out)", heldout))
    sets.append(
        ("crisis_heldout.yml (all crisis)", {CRISIS: load_lines(CRISIS_SET, "crisis")["crisis"]})
    )
    negatives = load_lines(NEGATIVE_SET, "negatives", "feedback")
    sets.append(
        (
            "hard_negatives_heldout.yml (all none)",
            {NONE: negatives["negatives"] + negatives["feedback"]},
        )
    )
    failed = False
    for name, labelled in sets:
        matrix = confusion(labelled)
        print(render(name, matrix))
        if name.startswith("tiers_heldout"):
            if matrix[CRISIS].get(NONE, 0) > args.max_none_for_crisis:
                print(f"FAIL: {name}: crisis lines given none", file=sys.stderr)
                failed = True
            if matrix[AMBIGUOUS].get(NONE, 0) > args.max_ambiguous_missed:
                print(f"FAIL: {name}: ambiguous lines given none", file=sys.stderr)
                failed = True
        if name.startswith("hard_negatives"):
            checks = matrix[NONE].get(AMBIGUOUS, 0) / max(1, sum(matrix[NONE].values()))
            if checks > args.max_negative_checks:
                print(f"FAIL: {name}: {checks:.3f} of the negatives get the check", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
