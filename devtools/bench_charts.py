"""Render time of the /bilan charts and what matplotlib costs in memory (``make bench``).

Runs in its own process so that the chat benchmark's memory figures stay those of a bot
that has not drawn anything yet (matplotlib is imported on the first chart only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

from coach.charts import mood_chart, themes_chart
from coach.feedback import THEMES
from coach.feedbacks import PatternInput, compute_patterns
from devtools.bench_chat import rss_mb

MOODS = ("decouragement", "deception", "doute", "colere", "deception", "ca_va", "ca_va")


def timed(draw: Callable[[], bytes], rounds: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    draw()
    first = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        draw()
        samples.append((time.perf_counter() - start) * 1000)
    return first, samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    # Every theme, some recurring: the largest themes chart there is.
    patterns = compute_patterns(
        [
            PatternInput("constructive", THEMES[index % len(THEMES) :], (), f"Entreprise {index}")
            for index in range(12)
        ]
    )
    start = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
    moods = [(start + dt.timedelta(hours=31 * i), MOODS[i % len(MOODS)]) for i in range(60)]
    before = rss_mb()
    for name, draw in (
        ("themes", lambda: themes_chart(patterns)),
        ("mood", lambda: mood_chart(moods, "Europe/Paris")),
    ):
        first, samples = timed(draw, args.rounds)
        print(
            f"{name + ' chart render':<22}: median {statistics.median(samples):6.1f} ms   "
            f"max {max(samples):6.1f} ms   first (with imports) {first:6.1f} ms"
        )
    print(f"memory (RSS)          : +{rss_mb() - before:.0f} MB once charts were drawn")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
