"""The /bilan charts: PNG images of a fixed, phone-friendly size, French labels, headless."""

from __future__ import annotations

import datetime as dt
import math
import os
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from coach import charts
from coach.emotions import MOODS
from coach.feedback import THEMES
from coach.feedbacks import PatternInput, compute_patterns
from coach.swot import SwotDraft

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PARIS = "Europe/Paris"


def size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


def patterns_of(*themes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return compute_patterns([PatternInput("constructive", group) for group in themes])


def moods(*names: str, start: dt.datetime | None = None) -> list[tuple[dt.datetime, str]]:
    first = start or dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    return [(first + dt.timedelta(days=index), name) for index, name in enumerate(names)]


# --------------------------------------------------------------------------- labels


def test_every_theme_has_a_french_label_on_the_chart() -> None:
    # Written out here, not read from THEME_LABELS: a missing or English label shows.
    assert {theme: charts.theme_label(theme) for theme in THEMES} == {
        "experience": "Expérience",
        "technical_skills": "Compétences techniques",
        "cultural_fit": "Adéquation culturelle",
        "interview_performance": "Déroulé de l'entretien",
        "communication": "Communication",
        "competition": "Concurrence",
        "application_documents": "CV et lettre",
        "overqualification": "Surqualification",
        "enthusiasm": "Motivation",
        "problem_solving": "Résolution de problèmes",
    }
    assert charts.theme_label("new_theme") == "New theme", "an unknown theme still gets a name"


def test_bars_carry_labels_counts_and_the_recurring_highlight() -> None:
    bars = charts.theme_bars(
        patterns_of(("experience", "communication"), ("experience",), ("competition",))
    )
    assert [(bar.label, bar.count, bar.recurring) for bar in bars] == [
        ("Expérience", 2, True),
        ("Communication", 1, False),
        ("Concurrence", 1, False),
    ]


def test_recurring_themes_stand_out_with_their_own_legend() -> None:
    bars = charts.theme_bars(patterns_of(("experience", "communication"), ("experience",)))
    recurring, single = bars
    assert charts.bar_colour(recurring) != charts.bar_colour(single)
    assert [label for label, _ in charts.legend_entries(bars)] == [
        "Revient dans 2 retours ou plus",
        "Cité dans un seul retour",
    ]
    assert [colour for _, colour in charts.legend_entries(bars)] == [
        charts.bar_colour(recurring),
        charts.bar_colour(single),
    ]
    # Only the colours on the chart are explained.
    assert [label for label, _ in charts.legend_entries([single])] == [charts.SINGLE_LEGEND]


def test_mood_scale_runs_from_the_hardest_to_the_best() -> None:
    assert sorted(charts.MOOD_SCALE) == sorted(MOODS), "every mood has a place on the scale"
    labels = charts.mood_axis_labels()
    assert labels[0] == "Découragé·e" and labels[-1] == "Ça va"
    assert charts.MOOD_SCALE.index("colere") < charts.MOOD_SCALE.index("deception")


def test_day_labels_are_french_whatever_the_locale() -> None:
    assert charts.day_label(dt.date(2026, 11, 3)) == "3 nov."
    assert charts.day_label(dt.date(2027, 1, 1)) == "1er janv."
    assert charts.day_label(dt.date(2026, 8, 14), with_year=True) == "14 août 2026"
    assert len(charts.MONTHS_SHORT_FR) == 12


def test_moods_are_placed_on_the_local_day() -> None:
    late = dt.datetime(2026, 11, 2, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 3rd in Paris
    points = charts.local_mood_points(
        [(late, "ca_va"), (late - dt.timedelta(days=1), "honte")], PARIS
    )
    assert points == [
        (dt.datetime(2026, 11, 2, 0, 30), charts.MOOD_SCALE.index("honte")),
        (dt.datetime(2026, 11, 3, 0, 30), charts.MOOD_SCALE.index("ca_va")),
    ]
    assert charts.local_mood_points([(late, "unknown")], PARIS) == []
    # An unknown timezone falls back to Paris rather than failing the chart.
    assert charts.local_mood_points([(late, "ca_va")], "Nowhere/Land") == [
        (dt.datetime(2026, 11, 3, 0, 30), charts.MOOD_SCALE.index("ca_va"))
    ]


def test_day_ticks_keep_the_axis_readable() -> None:
    first = dt.date(2026, 11, 1)
    few = [first, first + dt.timedelta(days=9)]
    assert charts.day_ticks(first, few[-1], few) == few
    many = [first + dt.timedelta(days=offset) for offset in range(30)]
    ticks = charts.day_ticks(first, many[-1], many)
    assert len(ticks) <= 5 and ticks[0] == first


# --------------------------------------------------------------------------- images


def test_themes_chart_is_a_portrait_png_1080_wide_whatever_the_data() -> None:
    one = charts.themes_chart(patterns_of(("experience",)))
    everything = charts.themes_chart(patterns_of(THEMES, THEMES[:4]))
    assert size(one) == size(everything) == (1080, 1350)
    assert len(one) > 10_000, "a real picture, not an empty canvas"


def test_mood_chart_is_a_portrait_png_1080_wide() -> None:
    png = charts.mood_chart(moods("decouragement", "doute", "deception", "ca_va"), PARIS)
    assert size(png) == (1080, 1350)
    # Across a new year, a single point, rejections marked: still the same size.
    across = moods("honte", "ca_va", start=dt.datetime(2026, 12, 30, 12, tzinfo=dt.UTC))
    assert size(charts.mood_chart(across, PARIS)) == (1080, 1350)
    assert size(charts.mood_chart(moods("ca_va"), PARIS)) == (1080, 1350)
    marked = charts.mood_chart(across, PARIS, rejections=[(dt.date(2026, 12, 29), "Thales")])
    assert size(marked) == (1080, 1350) and marked != charts.mood_chart(across, PARIS)


def test_swot_chart_is_a_square_png_1080_wide_whatever_the_data() -> None:
    full = SwotDraft(
        strengths=tuple(
            f"Une force assez longue pour passer à la ligne, numéro {n}" for n in range(10)
        ),
        weaknesses=("SQL à consolider (revient dans 2 retours)",),
        opportunities=("Le réseau : anciens collègues, école, LinkedIn",),
        threats=("Marché concurrentiel",),
    )
    png = charts.swot_chart(full, on=dt.date(2026, 11, 26))
    assert size(png) == (1080, 1080)
    assert len(png) > 10_000, "a real picture, not an empty canvas"
    assert size(charts.swot_chart(SwotDraft())) == (1080, 1080)
    assert charts.swot_chart(SwotDraft(strengths=("Curiosité",))) != charts.swot_chart(
        SwotDraft(weaknesses=("Curiosité",))
    )


def test_swot_quadrant_text_is_wrapped_and_cut_to_fit() -> None:
    assert charts.swot_lines(["Curiosité"]) == ["• Curiosité"]
    long = "mot " * 60
    lines = charts.swot_lines([long])
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert lines[0].startswith("• ") and all(line.startswith("  ") for line in lines[1:])
    assert all(len(line) <= 32 for line in lines)
    many = charts.swot_lines([f"Point {n}" for n in range(15)])
    assert len(many) == 10 and many[-1] == "+ 6 autres"


def test_empty_data_gives_a_picture_not_a_crash() -> None:
    assert size(charts.themes_chart(compute_patterns([]))) == (1080, 1350)
    assert size(charts.mood_chart([], PARIS)) == (1080, 1350)


def test_different_data_draws_a_different_picture() -> None:
    first = charts.themes_chart(patterns_of(("experience",)))
    second = charts.themes_chart(patterns_of(("experience",), ("experience",)))
    assert first != second


def test_charts_draw_in_worker_threads_without_pyplot() -> None:
    results: list[bytes] = []
    workers = [
        threading.Thread(target=lambda: results.append(charts.themes_chart(patterns_of(THEMES))))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 3 and all(size(png) == (1080, 1350) for png in results)
    assert "matplotlib.pyplot" not in sys.modules


def test_one_chart_at_a_time_since_matplotlib_is_not_thread_safe() -> None:
    seen: list[bool] = []

    def draw() -> bytes:
        seen.append(charts._draw_lock.locked())
        return b""

    charts._drawn(draw)
    assert seen == [True] and not charts._draw_lock.locked()


def test_runs_headless_in_a_bare_environment(tmp_path: Path) -> None:
    """No DISPLAY, no MPLBACKEND, an unwritable HOME (a locked-down container, ``env -i``)."""
    script = (
        "import os, sys\n"
        "from coach.charts import themes_chart\n"
        "from coach.feedbacks import PatternInput, compute_patterns\n"
        "png = themes_chart(compute_patterns([PatternInput('generic', ('experience',))]))\n"
        "assert png.startswith(b'\\x89PNG'), png[:8]\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print(os.environ['MPLCONFIGDIR'])\n"
    )
    env = {"HOME": "/dev/null", "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / f"rebond-matplotlib-{os.getuid()}")
    assert "MPLCONFIGDIR" not in done.stderr, "no warning about a temporary cache folder"


def drawn_texts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Spy on the Agg renderer: every string it draws, with how (ismath: False, True, "TeX")."""
    from matplotlib.backends.backend_agg import RendererAgg

    seen: list[tuple[str, object]] = []
    draw_text = RendererAgg.draw_text

    def spy(self: Any, gc: Any, x: float, y: float, s: str, *args: Any, **kwargs: Any) -> None:
        seen.append((s, kwargs.get("ismath", args[2] if len(args) > 2 else False)))
        draw_text(self, gc, x, y, s, *args, **kwargs)

    monkeypatch.setattr(RendererAgg, "draw_text", spy)
    return seen


def test_dollar_signs_in_swot_items_are_drawn_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mathtext would read "$…$" as a formula: an unknown command fails, and "45$ à 50$" loses
    # its signs. The person's words are plain text: the renderer gets them character for
    # character, as plain text (not mathtext), one line each.
    drawn = drawn_texts(monkeypatch)
    items = ("Formule $\\foo{x}$", "Salaire visé : 45$ à 50$")
    png = charts.swot_chart(SwotDraft(strengths=items))
    assert size(png) == (1080, 1080)
    assert ("• Formule $\\foo{x}$", False) in drawn
    assert ("• Salaire visé : 45$ à 50$", False) in drawn
    assert charts.QUADRANT_LABELS["strengths"] in [text for text, _ in drawn], "the spy sees all"


# --------------------------------------------------------------------------- the week's mood

WEDNESDAY = dt.date(2026, 11, 25)  # the two weeks: Thursday 12 to Wednesday 25 November
REUNION = "Indian/Reunion"  # UTC+4 all year


def on(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def test_week_mood_trend_is_the_mean_daily_level_of_each_week() -> None:
    # Levels: decouragement 0, honte 1, doute 2, colere 3, deception 4, ca_va 5.
    points = [
        (on(11), "decouragement"),  # the day before the two weeks: left out
        (on(12, 8), "doute"),
        (on(12, 18), "ca_va"),  # same day as « doute »: the day counts once, its hardest (2)
        (on(15), "honte"),
        (on(18), "colere"),
        (on(20), "ca_va"),
        (on(23), "deception"),
        (on(26), "decouragement"),  # after today: left out
    ]
    # This week (19-25): 5 and 4; the week before (12-18): 2, 1 and 3.
    assert charts.week_mood_trend(points, PARIS, today=WEDNESDAY) == (4.5, 2.0)
    only_now = [(on(24), "honte"), (on(25), "doute")]
    assert charts.week_mood_trend(only_now, PARIS, today=WEDNESDAY) == (1.5, None)
    only_before = [(on(13), "colere")]
    assert charts.week_mood_trend(only_before, PARIS, today=WEDNESDAY) == (None, 3.0)
    assert charts.week_mood_trend([], PARIS, today=WEDNESDAY) == (None, None)


def test_the_two_weeks_are_local_days_ending_with_today() -> None:
    points = [
        (on(11, 19, 30), "decouragement"),  # 23:30 on the 11th in La Réunion: left out
        (on(11, 22, 30), "honte"),  # 02:30 on the 12th: the first day
        (on(18, 19), "doute"),  # 23:00 on the 18th: the week before's last day
        (on(18, 22, 30), "ca_va"),  # 02:30 on the 19th: this week's first day
        (on(25, 19, 59), "deception"),  # 23:59 on the 25th: today
        (on(25, 22, 30), "decouragement"),  # 02:30 on the 26th: tomorrow, left out
    ]
    days = charts.two_weeks_of_moods(points, REUNION, today=WEDNESDAY)
    assert [day for day, _ in days] == [dt.date(2026, 11, n) for n in range(12, 26)]
    assert [(day.day, level) for day, level in days if level is not None] == [
        (12, 1),
        (18, 2),
        (19, 5),
        (25, 4),
    ]
    assert charts.week_mood_trend(points, REUNION, today=WEDNESDAY) == (4.5, 1.5)
    # Read in UTC, the 18th holds « doute » and « ca_va » (2), the 25th « decouragement » (0).
    assert charts.week_mood_trend(points, "UTC", today=WEDNESDAY) == (0.0, 2.0)


def test_week_mood_chart_is_a_small_png_half_the_height_of_the_history() -> None:
    points = [(on(12), "doute"), (on(13), "honte"), (on(20), "ca_va"), (on(25), "deception")]
    png = charts.week_mood_chart(points, REUNION, today=WEDNESDAY)
    assert size(png) == (1080, 675)
    assert len(png) > 10_000, "a real picture, not an empty canvas"
    assert size(charts.week_mood_chart([], REUNION, today=WEDNESDAY)) == (1080, 675)
    assert size(charts.mood_chart(points, REUNION)) == (1080, 1350)


def test_the_week_drawing_joins_only_next_days_and_lightens_the_week_before() -> None:
    from matplotlib.colors import to_hex

    checkins = [
        (on(12), "doute"),
        (on(13), "honte"),
        (on(15), "colere"),
        (on(18), "ca_va"),
        (on(19), "deception"),
        (on(20), "ca_va"),
        (on(24), "decouragement"),
    ]
    days = charts.two_weeks_of_moods(checkins, PARIS, today=WEDNESDAY)
    figure = charts._week_mood_figure(days)
    [axes] = figure.axes
    lines = {line.get_gid(): line for line in axes.lines}

    def levels(gid: str) -> list[float | None]:
        return [None if math.isnan(y) else y for y in lines[gid].get_ydata()]

    # NaN on a day without a mood: the line stops there and starts again after it.
    assert levels("this-week") == [4, 5, None, None, None, 0, None]
    # The week before runs up to this week's first day (the segment that joins them).
    assert levels("week-before") == [2, 1, None, 3, None, None, 5, 4]
    assert list(lines["this-week"].get_xdata()) == [7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5]
    points = {collection.get_gid(): collection for collection in axes.collections}
    now = [to_hex(colour) for colour in points["this-week-points"].get_facecolor()]
    assert now == [to_hex(charts.mood_colour(level)) for level in (4, 5, 0)]
    before = points["week-before-points"]
    assert before.get_offsets().tolist() == [[0.5, 2], [1.5, 1], [3.5, 3], [6.5, 5]]
    assert to_hex(before.get_facecolor()[3]) != to_hex(charts.mood_colour(5)), "lighter"
    assert [tick.get_text() for tick in axes.get_xticklabels()] == 2 * [
        "jeu.",
        "ven.",
        "sam.",
        "dim.",
        "lun.",
        "mar.",
        "mer.",
    ]


def test_the_week_picture_draws_its_french_title_and_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = drawn_texts(monkeypatch)
    charts.week_mood_chart([(on(20), "ca_va")], PARIS, today=WEDNESDAY)
    texts = [text for text, _ in drawn]
    assert "Votre humeur, ces deux semaines" in texts
    assert "Cette semaine" in texts and "Semaine d'avant" in texts
    assert "Ça va" in texts and "lun." in texts
    drawn.clear()
    charts.week_mood_chart([], PARIS, today=WEDNESDAY)
    assert [text for text, _ in drawn] == [
        "Votre humeur, ces deux semaines",
        "Aucune humeur notée ces deux dernières semaines.",
    ]
