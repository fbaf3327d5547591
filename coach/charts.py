"""The charts as PNG images: themes across feedbacks and mood over time (/bilan), and the
SWOT as a 2×2 picture (coach.swot).

Drawn with matplotlib's object API (``Figure`` + the Agg canvas), never ``pyplot``: no
display is needed, nothing global is touched, so charts can be drawn from worker threads.
matplotlib is imported inside the drawing functions, so a process that never draws a chart
never pays for it (the bot's memory bar, SPEC §9).

Images are sized for a phone: 1080 pixels wide, portrait or square, large type. The sizes
are fixed (no "tight" bounding box), so every image of a kind has the same dimensions.

Mood scale (:data:`MOOD_SCALE`), from the most difficult to the best. The order follows
how far each mood is from feeling able to act again:

1. ``decouragement`` — hope and energy are down: the state closest to giving up;
2. ``honte`` — turned against oneself and isolating (one stops talking about it);
3. ``doute`` — still about oneself, but a question rather than a verdict;
4. ``colere`` — painful, yet aimed outwards and full of energy;
5. ``deception`` — the ordinary sadness of a "no" that mattered;
6. ``ca_va`` — feeling fine.

The mood history (:func:`mood_chart`, with /bilan and on request) reads over weeks:

- One point per day: the day's mood is the **hardest** one recorded that day (the lowest on
  :data:`MOOD_SCALE`), in the person's timezone (:func:`daily_moods`). A hard morning is not
  hidden by a « ça va » typed in the evening, and two check-ins of one morning are one point.
- The window is the last six weeks, Monday to Sunday, ending with the week of ``today``
  (:func:`mood_history`): a line of the days with a mood on top, a calendar below (one row
  per week, one column per weekday, each day coloured by its mood), and the rejections
  marked on both (a dashed vertical line named after the company; the company under the
  day's number), so the person sees the sting of each « non » fade in the days after it.

The week's mood (:func:`week_mood_chart`, a small picture sent with the weekly review) reads
over two weeks: the 14 days ending with ``today``, the last 7 (« cette semaine ») drawn
strong, the 7 before (« semaine d'avant ») lighter, one point per day with the same levels
and colours as the history. A day without a mood stays empty and breaks the line: only
days next to each other are joined, so nothing is interpolated across a gap, however
short. :func:`week_mood_trend` gives the two weeks' mean levels for the message's text.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import math
import os
import tempfile
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coach.emotions import MOOD_LABELS
from coach.feedback import THEME_LABELS
from coach.feedbacks import Patterns
from coach.swot import QUADRANT_LABELS, QUADRANTS, SwotDraft

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "MONTHS_SHORT_FR",
    "MOOD_SCALE",
    "RECURRING_LEGEND",
    "SINGLE_LEGEND",
    "SWOT_TITLE",
    "CalendarDay",
    "MoodHistory",
    "ThemeBar",
    "bar_colour",
    "daily_moods",
    "day_label",
    "day_ticks",
    "legend_entries",
    "local_mood_points",
    "mood_axis_labels",
    "mood_chart",
    "mood_colour",
    "mood_history",
    "swot_chart",
    "swot_lines",
    "theme_bars",
    "theme_label",
    "themes_chart",
    "two_weeks_of_moods",
    "week_mood_chart",
    "week_mood_trend",
]

MOOD_SCALE: Final[tuple[str, ...]] = (
    "decouragement",
    "honte",
    "doute",
    "colere",
    "deception",
    "ca_va",
)

#: Short French month names, so labels never depend on the machine's locale.
MONTHS_SHORT_FR: Final[tuple[str, ...]] = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
RECURRING_LEGEND: Final = "Revient dans 2 retours ou plus"
SINGLE_LEGEND: Final = "Cité dans un seul retour"
THEMES_TITLE: Final = "Ce qui revient dans vos retours"
MOOD_TITLE: Final = "Votre humeur, jour par jour"
MOOD_EMPTY: Final = "Aucune humeur notée ces six dernières semaines."
CALENDAR_TITLE: Final = "Les six dernières semaines"
#: Column headings of the calendar, Monday first (the French week).
WEEKDAYS_SHORT_FR: Final[tuple[str, ...]] = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
HISTORY_WEEKS: Final = 6
WEEK_MOOD_TITLE: Final = "Votre humeur, ces deux semaines"
WEEK_MOOD_EMPTY: Final = "Aucune humeur notée ces deux dernières semaines."
THIS_WEEK: Final = "Cette semaine"
WEEK_BEFORE: Final = "Semaine d'avant"
#: Day colours, hardest mood first (MOOD_SCALE order): warm for hard days, green for good.
MOOD_COLOURS: Final[tuple[str, ...]] = (
    "#B03A2E",
    "#D9653B",
    "#EE9F4A",
    "#F2CF63",
    "#A9CC8C",
    "#4F9E68",
)
_NO_MOOD_COLOUR: Final = "#EEF1F4"
_MARKER_COLOUR: Final = "#5B6770"
_MARKER_BAND: Final = 1.1  # room above the top mood for the rejections' names
_WEEK_BEFORE_ALPHA: Final = 0.45  # the week before: the same colours, blended into white
_WEEK_BEFORE_BAND: Final = "#F4F6F8"
_FADED_TEXT: Final = "#7A8793"
SWOT_TITLE: Final = "Votre bilan SWOT"
SWOT_EMPTY: Final = "À compléter"

WIDTH_PX: Final = 1080
THEMES_HEIGHT_PX: Final = 1350  # 4:5 portrait: the bars' labels stack vertically
MOOD_HEIGHT_PX: Final = 1350  # 4:5 portrait: the daily line above, the calendar below
SWOT_HEIGHT_PX: Final = 1080
WEEK_MOOD_HEIGHT_PX: Final = 675  # half the mood history: one line of 14 days
_DPI: Final = 100
_RECURRING_COLOR: Final = "#E07A1F"
_SINGLE_COLOR: Final = "#A7BCCB"
_LINE_COLOR: Final = "#2F5D7C"
_TEXT_COLOR: Final = "#1F2A33"
_MAX_DAY_TICKS: Final = 5
# Each quadrant: its tint, then how much text fits (wrapped at this width, this many lines).
_SWOT_COLOURS: Final[dict[str, str]] = {
    "strengths": "#DCEFE3",
    "weaknesses": "#FBE3CF",
    "opportunities": "#DCE9F5",
    "threats": "#F2DCDC",
}
_SWOT_WRAP: Final = 30
_SWOT_MAX_LINES: Final = 10
_SWOT_LINES_PER_ITEM: Final = 3
_MIN_BAR_SLOTS: Final = 4


# --------------------------------------------------------------------------- pure helpers


@dataclass(frozen=True)
class ThemeBar:
    theme: str
    label: str
    count: int
    recurring: bool


def theme_label(theme: str) -> str:
    """The French name of a theme, as shown on the chart."""
    return THEME_LABELS.get(theme, theme.replace("_", " ").capitalize())


def theme_bars(patterns: Patterns) -> list[ThemeBar]:
    """One bar per theme named at least once, most frequent first."""
    recurring = set(patterns.recurring)
    return [
        ThemeBar(theme, theme_label(theme), count, theme in recurring)
        for theme, count in patterns.theme_counts.items()
        if count > 0
    ]


def bar_colour(bar: ThemeBar) -> str:
    return _RECURRING_COLOR if bar.recurring else _SINGLE_COLOR


def legend_entries(bars: Sequence[ThemeBar]) -> list[tuple[str, str]]:
    """(label, colour) for the colours actually on the chart, recurring first."""
    entries = []
    if any(bar.recurring for bar in bars):
        entries.append((RECURRING_LEGEND, _RECURRING_COLOR))
    if not all(bar.recurring for bar in bars):
        entries.append((SINGLE_LEGEND, _SINGLE_COLOR))
    return entries


def mood_axis_labels() -> list[str]:
    """The mood chart's vertical axis, bottom (most difficult) to top (best)."""
    return [MOOD_LABELS[mood] for mood in MOOD_SCALE]


def day_label(day: dt.date, *, with_year: bool = False) -> str:
    """ "3 nov.", "1er janv." (with the year when asked: "1er janv. 2027")."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS_SHORT_FR[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def _zone(tz: str) -> dt.tzinfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def local_mood_points(
    points: Sequence[tuple[dt.datetime, str]], tz: str
) -> list[tuple[dt.datetime, int]]:
    """(naive local time, level on MOOD_SCALE), oldest first; unknown moods are skipped."""
    zone = _zone(tz)
    local = [
        (
            (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
            .astimezone(zone)
            .replace(tzinfo=None),
            MOOD_SCALE.index(mood),
        )
        for moment, mood in points
        if mood in MOOD_SCALE
    ]
    return sorted(local, key=lambda point: point[0])


def daily_moods(points: Sequence[tuple[dt.datetime, str]], tz: str) -> list[tuple[dt.date, int]]:
    """One (local day, level) per day with a mood, oldest first: the day's hardest mood."""
    days: dict[dt.date, int] = {}
    for moment, level in local_mood_points(points, tz):
        day = moment.date()
        days[day] = min(level, days.get(day, level))
    return sorted(days.items())


def two_weeks_of_moods(
    points: Sequence[tuple[dt.datetime, str]], tz: str, *, today: dt.date
) -> list[tuple[dt.date, int | None]]:
    """The 14 local days ending with ``today``, oldest first, each with its level from
    :func:`daily_moods` (None without a mood): the week before, then this week."""
    levels = dict(daily_moods(points, tz))
    days = [today - dt.timedelta(days=offset) for offset in range(13, -1, -1)]
    return [(day, levels.get(day)) for day in days]


def week_mood_trend(
    points: Sequence[tuple[dt.datetime, str]], tz: str, *, today: dt.date
) -> tuple[float | None, float | None]:
    """(this week, the week before): the mean level (:func:`daily_moods`, 0 = hardest) of
    the 7 days ending with ``today`` and of the 7 before; None for a week without a mood.

    A day counts once (its hardest mood), so several check-ins do not weigh more."""
    days = two_weeks_of_moods(points, tz, today=today)

    def mean(week: Sequence[tuple[dt.date, int | None]]) -> float | None:
        levels = [level for _, level in week if level is not None]
        return sum(levels) / len(levels) if levels else None

    return mean(days[7:]), mean(days[:7])


def mood_colour(level: int | None) -> str:
    """A day's colour on the calendar (no mood that day: a light grey)."""
    return _NO_MOOD_COLOUR if level is None else MOOD_COLOURS[level]


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    level: int | None  # the day's mood on MOOD_SCALE, None without one
    companies: tuple[str, ...]  # the rejections that arrived that day
    future: bool  # after ``today``: drawn blank


@dataclass(frozen=True)
class MoodHistory:
    """What the mood history shows: six calendar weeks ending with ``today``'s week."""

    today: dt.date
    start: dt.date  # the Monday that opens the calendar
    days: list[tuple[dt.date, int]]  # the daily line: the days of the window with a mood
    markers: list[tuple[dt.date, str]]  # rejections in the window: (day, companies)
    weeks: list[list[CalendarDay]]  # HISTORY_WEEKS rows of 7 days, Monday first

    @property
    def first(self) -> dt.date:
        """The line's first day: the window's first day with a mood or a rejection."""
        starts = [day for day, _ in self.days] + [day for day, _ in self.markers]
        return min(starts) if starts else self.today


def mood_history(
    points: Sequence[tuple[dt.datetime, str]],
    tz: str,
    *,
    rejections: Sequence[tuple[dt.date | None, str | None]] = (),
    today: dt.date | None = None,
) -> MoodHistory:
    """The mood history of the six weeks ending with ``today``'s week (``today`` defaults to
    the last day with a mood or a rejection, so that an old history still shows)."""
    daily = daily_moods(points, tz)
    dated = [(day, company) for day, company in rejections if day is not None]
    if today is None:
        known = [day for day, _ in daily] + [day for day, _ in dated]
        today = max(known) if known else dt.date.today()
    start = today - dt.timedelta(days=today.weekday(), weeks=HISTORY_WEEKS - 1)
    levels = {day: level for day, level in daily if start <= day <= today}
    by_day: dict[dt.date, list[str]] = {}
    for day, company in sorted(dated, key=lambda item: item[0]):
        if start <= day <= today:
            names = by_day.setdefault(day, [])
            name = " ".join((company or "").split()) or "Refus"
            if name not in names:
                names.append(name)
    weeks = [
        [
            CalendarDay(
                day=(day := start + dt.timedelta(weeks=week, days=weekday)),
                level=levels.get(day),
                companies=tuple(by_day.get(day, ())),
                future=day > today,
            )
            for weekday in range(7)
        ]
        for week in range(HISTORY_WEEKS)
    ]
    return MoodHistory(
        today=today,
        start=start,
        days=sorted(levels.items()),
        markers=[(day, ", ".join(names)) for day, names in sorted(by_day.items())],
        weeks=weeks,
    )


def swot_lines(items: Sequence[str]) -> list[str]:
    """The text of one SWOT quadrant: bulleted, wrapped, cut to what fits in the box.

    An item takes at most three lines (an ellipsis ends a longer one); the items that do
    not fit are counted on a last line ("+ 2 autres")."""
    lines: list[str] = []
    for index, item in enumerate(items):
        wrapped = textwrap.wrap(" ".join(item.split()), _SWOT_WRAP, break_long_words=True)
        if len(wrapped) > _SWOT_LINES_PER_ITEM:
            wrapped = wrapped[:_SWOT_LINES_PER_ITEM]
            wrapped[-1] = wrapped[-1][: _SWOT_WRAP - 1].rstrip() + "…"
        block = [("• " if n == 0 else "  ") + line for n, line in enumerate(wrapped)]
        left = len(items) - index
        room = _SWOT_MAX_LINES - len(lines) - (1 if left > 1 else 0)
        if len(block) > room:
            lines.append(f"+ {left} autre{'s' if left > 1 else ''}")
            break
        lines += block
    return lines


def day_ticks(first: dt.date, last: dt.date, days_with_points: list[dt.date]) -> list[dt.date]:
    """The days labelled under the mood chart: those with a mood, or evenly spaced ones."""
    if len(days_with_points) <= _MAX_DAY_TICKS:
        return days_with_points
    step = math.ceil(((last - first).days + 1) / _MAX_DAY_TICKS)
    return [first + dt.timedelta(days=offset) for offset in range(0, (last - first).days + 1, step)]


# --------------------------------------------------------------------------- matplotlib

_setup_lock = threading.Lock()


def _writable_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def _ensure_config_dir() -> None:
    """Give matplotlib a writable config/cache folder before it is first imported.

    Left alone, matplotlib falls back to a new temporary folder per process when the home
    folder is read-only (a locked-down container) and rebuilds its font cache every time;
    a stable per-user folder under the system temp keeps that cache across restarts.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        home = None
    if home is not None:
        config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib"
        cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
        if _writable_dir(config) and _writable_dir(cache):
            return
    fallback = Path(tempfile.gettempdir()) / f"rebond-matplotlib-{os.getuid()}"
    try:
        fallback.mkdir(mode=0o700, exist_ok=True)
        # Someone else's folder under that name is not ours to use (shared /tmp).
        if fallback.stat().st_uid != os.getuid() or not os.access(fallback, os.W_OK):
            return
    except OSError:
        return  # matplotlib then makes a temporary folder of its own
    os.environ["MPLCONFIGDIR"] = str(fallback)


_prepared = False


def _prepare() -> None:
    """Run before the first matplotlib import of a drawing function."""
    global _prepared
    with _setup_lock:
        if not _prepared:
            _ensure_config_dir()
            _prepared = True


def _figure(height_px: int) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_PX / _DPI, height_px / _DPI), dpi=_DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)  # attaches itself to the figure: no pyplot, no display
    buffer = io.BytesIO()
    # The whole figure as the bounding box (never "tight", whatever a matplotlibrc says):
    # every image of a kind has exactly the same size.
    figure.savefig(
        buffer,
        format="png",
        dpi=_DPI,
        bbox_inches=figure.bbox_inches,
        facecolor="white",
        metadata={"Software": None},
    )
    return buffer.getvalue()


def _placeholder(figure: Figure, title: str, message: str) -> bytes:
    figure.suptitle(title, fontsize=34, fontweight="bold", color=_TEXT_COLOR)
    figure.text(0.5, 0.5, message, ha="center", va="center", fontsize=26, color=_TEXT_COLOR)
    return _png(figure)


# matplotlib is not thread-safe (fonts, text layout): the bot draws from worker threads,
# so one chart at a time.
_draw_lock = threading.Lock()


def _drawn(draw: Callable[[], bytes]) -> bytes:
    _prepare()
    with _draw_lock:
        return _draw_collected(draw)


def _draw_collected(draw: Callable[[], bytes]) -> bytes:
    try:
        return draw()
    finally:
        # A figure is a web of reference cycles that only the cycle collector frees; left
        # to chance, a process drawing now and then grows by tens of MB (measured: +45 MB
        # after 40 pairs of charts). One collection per chart keeps it flat.
        gc.collect()


def themes_chart(patterns: Patterns) -> bytes:
    """Horizontal bars: how many feedbacks name each theme; recurring ones stand out."""
    return _drawn(lambda: _themes_png(patterns))


def mood_chart(
    points: Sequence[tuple[dt.datetime, str]],
    tz: str,
    *,
    rejections: Sequence[tuple[dt.date | None, str | None]] = (),
    today: dt.date | None = None,
) -> bytes:
    """The mood history (:func:`mood_history`): the daily line and the six-week calendar,
    in the person's timezone, with the rejections marked (bottom of the line = hardest)."""
    history = mood_history(points, tz, rejections=rejections, today=today)
    return _drawn(lambda: _png(_mood_figure(history)))


def week_mood_chart(points: Sequence[tuple[dt.datetime, str]], tz: str, *, today: dt.date) -> bytes:
    """The small two-week mood picture of the weekly review (:func:`two_weeks_of_moods`):
    this week strong, the week before lighter, in the person's timezone."""
    days = two_weeks_of_moods(points, tz, today=today)
    if all(level is None for _, level in days):
        return _drawn(
            lambda: _placeholder(_figure(WEEK_MOOD_HEIGHT_PX), WEEK_MOOD_TITLE, WEEK_MOOD_EMPTY)
        )
    return _drawn(lambda: _png(_week_mood_figure(days)))


def swot_chart(swot: SwotDraft, *, on: dt.date | None = None) -> bytes:
    """The four quadrants in a square: strengths and weaknesses (internal) on top,
    opportunities and threats (external) below; ``on`` is the date shown under the title."""
    return _drawn(lambda: _swot_png(swot, on))


def _themes_png(patterns: Patterns) -> bytes:
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    figure = _figure(THEMES_HEIGHT_PX)
    bars = theme_bars(patterns)
    if not bars:
        return _placeholder(figure, THEMES_TITLE, "Aucun thème repéré pour l'instant.")
    figure.suptitle(THEMES_TITLE, fontsize=34, fontweight="bold", color=_TEXT_COLOR)
    axes = figure.add_subplot()
    # Most frequent on top. A few themes keep slim bars, centred, instead of filling the
    # whole height with one or two giant blocks.
    slots = max(len(bars), _MIN_BAR_SLOTS)
    top = slots - 1 - (slots - len(bars)) / 2
    positions = [top - index for index in range(len(bars))]
    drawn = axes.barh(
        positions,
        [bar.count for bar in bars],
        color=[bar_colour(bar) for bar in bars],
        height=0.65,
    )
    axes.set_yticks(
        positions, [textwrap.fill(bar.label, 14, break_long_words=False) for bar in bars]
    )
    axes.set_ylim(-0.5, slots - 0.5)
    axes.bar_label(drawn, padding=8, fontsize=26, color=_TEXT_COLOR)
    axes.set_xlim(0, max(bar.count for bar in bars) * 1.15 + 0.3)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=24, length=0, colors=_TEXT_COLOR)
    axes.tick_params(axis="x", labelsize=20, colors=_TEXT_COLOR)
    total = patterns.total
    axes.set_xlabel(
        f"Retours qui en parlent (sur {total} retour{'s' if total > 1 else ''})",
        fontsize=22,
        color=_TEXT_COLOR,
    )
    axes.grid(axis="x", color="#E3E8EC", linewidth=1.5)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [Patch(facecolor=colour, label=label) for label, colour in legend_entries(bars)]
    figure.legend(handles=handles, loc="outside lower center", frameon=False, fontsize=24)
    return _png(figure)


def _company_label(names: str, width: int) -> str:
    return names if len(names) <= width else names[: width - 1].rstrip() + "…"


def _mood_figure(history: MoodHistory) -> Figure:
    """The drawn figure (tests read its data back): the line above, the calendar below."""
    from matplotlib.patches import Patch, Rectangle

    figure = _figure(MOOD_HEIGHT_PX)
    figure.suptitle(MOOD_TITLE, fontsize=34, fontweight="bold", color=_TEXT_COLOR)
    line_axes, calendar_axes = figure.subplots(2, 1, height_ratios=[1, 1.15])
    labels = mood_axis_labels()

    # --- the daily line, one unit per day, a day's point in the middle of its day
    first, last = history.first, history.today
    if history.days:
        line_axes.plot(
            [(day - first).days + 0.5 for day, _ in history.days],
            [level for _, level in history.days],
            color=_LINE_COLOR,
            linewidth=4,
            marker="o",
            markersize=14,
            markerfacecolor=_RECURRING_COLOR,
            markeredgecolor="white",
            markeredgewidth=2.5,
            gid="daily-moods",
        )
    else:
        line_axes.text(
            0.5,
            0.5,
            MOOD_EMPTY,
            transform=line_axes.transAxes,
            ha="center",
            va="center",
            fontsize=22,
            color=_TEXT_COLOR,
        )
    # Each rejection: a dashed line from the bottom to a band above the moods, where its
    # company is named (staggered on two heights, so close rejections stay readable).
    top = len(labels) - 0.5 + _MARKER_BAND
    for index, (day, names) in enumerate(history.markers):
        x = (day - first).days + 0.5
        line_axes.plot(
            [x, x],
            [-0.5, top - (0.5 if index % 2 else 0.05)],
            color=_MARKER_COLOUR,
            linestyle="--",
            linewidth=2,
            zorder=0,
            gid="rejection",
        )
        line_axes.text(
            x,
            top - (0.5 if index % 2 else 0.05),
            f"Refus {_company_label(names, 18)}",
            ha="center",
            va="top",
            fontsize=16,
            color=_MARKER_COLOUR,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
            parse_math=False,  # a company name is plain text
        )
    span = (last - first).days + 1
    ticks = day_ticks(first, last, [day for day, _ in history.days] or [last])
    with_year = first.year != last.year
    line_axes.set_xticks(
        [(day - first).days + 0.5 for day in ticks],
        [day_label(day, with_year=with_year) for day in ticks],
    )
    line_axes.set_xlim(-0.1, span + 0.1)
    line_axes.set_yticks(range(len(labels)), labels)
    line_axes.set_ylim(-0.5, top if history.markers else len(labels) - 0.5)
    line_axes.tick_params(axis="both", labelsize=18, colors=_TEXT_COLOR)
    line_axes.tick_params(axis="y", length=0)
    line_axes.grid(axis="y", color="#E3E8EC", linewidth=1.5)
    line_axes.set_axisbelow(True)
    for side in ("top", "right"):
        line_axes.spines[side].set_visible(False)

    # --- the calendar: one row per week (oldest on top), one column per weekday
    calendar_axes.set_title(CALENDAR_TITLE, fontsize=24, color=_TEXT_COLOR, loc="left", pad=12)
    for row, week in enumerate(history.weeks):
        for column, cell in enumerate(week):
            y = HISTORY_WEEKS - 1 - row
            calendar_axes.add_patch(
                Rectangle(
                    (column + 0.04, y + 0.06),
                    0.92,
                    0.88,
                    facecolor="white" if cell.future else mood_colour(cell.level),
                    edgecolor=_TEXT_COLOR if cell.companies else "none",
                    linewidth=3.5 if cell.companies else 0,
                    gid=f"day-{cell.day.isoformat()}",
                )
            )
            if cell.future:
                continue
            dark = cell.level is not None and cell.level <= 1
            number = day_label(cell.day) if cell.day.day == 1 or (row, column) == (0, 0) else None
            calendar_axes.text(
                column + 0.12,
                y + 0.84,
                number or str(cell.day.day),
                ha="left",
                va="top",
                fontsize=15,
                color="white" if dark else _TEXT_COLOR,
            )
            if cell.companies:
                calendar_axes.text(
                    column + 0.5,
                    y + 0.2,
                    _company_label(cell.companies[0], 9),
                    ha="center",
                    va="bottom",
                    fontsize=13,
                    fontweight="bold",
                    color="white" if dark else _TEXT_COLOR,
                    parse_math=False,
                )
    calendar_axes.set_xlim(0, 7)
    calendar_axes.set_ylim(0, HISTORY_WEEKS)
    calendar_axes.set_xticks([column + 0.5 for column in range(7)], list(WEEKDAYS_SHORT_FR))
    calendar_axes.xaxis.tick_top()
    calendar_axes.set_yticks([])
    calendar_axes.tick_params(axis="x", length=0, labelsize=18, colors=_TEXT_COLOR)
    for side in calendar_axes.spines.values():
        side.set_visible(False)
    handles = [
        Patch(facecolor=MOOD_COLOURS[level], label=MOOD_LABELS[mood])
        for level, mood in enumerate(MOOD_SCALE)
    ]
    handles.append(Patch(facecolor="white", edgecolor=_TEXT_COLOR, linewidth=2.5, label="Refus"))
    figure.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=18)
    return figure


def _faded(colour: str) -> tuple[float, float, float]:
    """``colour`` blended into white, opaque (so a line behind a point does not show)."""
    from matplotlib.colors import to_rgb

    red, green, blue = (
        _WEEK_BEFORE_ALPHA * part + (1 - _WEEK_BEFORE_ALPHA) for part in to_rgb(colour)
    )
    return red, green, blue


def _week_mood_figure(days: Sequence[tuple[dt.date, int | None]]) -> Figure:
    """The drawn two weeks (tests read its data back): one unit per day, a day's point in
    the middle of its day; ``days`` are the 14 of :func:`two_weeks_of_moods`."""
    figure = _figure(WEEK_MOOD_HEIGHT_PX)
    figure.suptitle(WEEK_MOOD_TITLE, fontsize=30, fontweight="bold", color=_TEXT_COLOR)
    axes = figure.add_subplot()
    split = len(days) - 7  # the first day of this week
    axes.axvspan(0, split, facecolor=_WEEK_BEFORE_BAND, edgecolor="none", zorder=0)
    for x, name, strong in ((split / 2, WEEK_BEFORE, False), (split + 3.5, THIS_WEEK, True)):
        axes.text(
            x,
            1.03,
            name,
            transform=axes.get_xaxis_transform(),  # x: days, y: above the plot
            ha="center",
            va="bottom",
            fontsize=20,
            fontweight="bold" if strong else "normal",
            color=_TEXT_COLOR if strong else _FADED_TEXT,
        )
    # NaN breaks the line: only days next to each other are joined. The segment from the
    # last day of the week before to the first of this week belongs to the week before.
    xs = [index + 0.5 for index in range(len(days))]
    ys = [math.nan if level is None else float(level) for _, level in days]
    for gid, part, faded in (
        ("week-before", slice(0, split + 1), True),
        ("this-week", slice(split, None), False),
    ):
        axes.plot(
            xs[part],
            ys[part],
            color=_faded(_LINE_COLOR) if faded else _LINE_COLOR,
            linewidth=3 if faded else 4,
            zorder=2,
            gid=gid,
        )
        points = [(x, level) for x, (_, level) in zip(xs, days, strict=True) if level is not None]
        points = [(x, level) for x, level in points if (x < split) == faded]
        if points:
            axes.scatter(
                [x for x, _ in points],
                [level for _, level in points],
                s=170 if faded else 260,
                c=[
                    _faded(mood_colour(level)) if faded else mood_colour(level)
                    for _, level in points
                ],
                edgecolors="white",
                linewidths=2.5,
                zorder=3,
                gid=f"{gid}-points",
            )
    axes.set_xticks(xs, [WEEKDAYS_SHORT_FR[day.weekday()] for day, _ in days])
    for index, tick in enumerate(axes.get_xticklabels()):
        tick.set_color(_FADED_TEXT if index < split else _TEXT_COLOR)
    axes.set_xlim(0, len(days))
    # Wrapped, so the 14 days keep most of the width.
    labels = [textwrap.fill(label, 10, break_long_words=False) for label in mood_axis_labels()]
    axes.set_yticks(range(len(labels)), labels)
    axes.set_ylim(-0.5, len(labels) - 0.5)
    axes.tick_params(axis="both", labelsize=17, length=0)
    axes.tick_params(axis="y", colors=_TEXT_COLOR)
    axes.grid(axis="y", color="#E3E8EC", linewidth=1.5)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def _swot_png(swot: SwotDraft, on: dt.date | None) -> bytes:
    from matplotlib.patches import FancyBboxPatch

    figure = _figure(SWOT_HEIGHT_PX)
    figure.set_layout_engine("none")  # the four boxes are placed by hand
    figure.text(
        0.5,
        0.965,
        SWOT_TITLE,
        ha="center",
        va="top",
        fontsize=34,
        fontweight="bold",
        color=_TEXT_COLOR,
    )
    if on is not None:
        figure.text(
            0.5,
            0.905,
            day_label(on, with_year=True),
            ha="center",
            va="top",
            fontsize=22,
            color=_TEXT_COLOR,
        )
    margin, gap, top = 0.03, 0.02, 0.87
    width = (1 - 2 * margin - gap) / 2
    height = (top - margin - gap) / 2
    for index, quadrant in enumerate(QUADRANTS):
        column, row = index % 2, index // 2
        left = margin + column * (width + gap)
        bottom = top - (row + 1) * height - row * gap
        figure.patches.append(
            FancyBboxPatch(
                (left, bottom),
                width,
                height,
                boxstyle="round,pad=0,rounding_size=0.015",
                transform=figure.transFigure,
                facecolor=_SWOT_COLOURS[quadrant],
                edgecolor="none",
            )
        )
        figure.text(
            left + 0.025,
            bottom + height - 0.02,
            QUADRANT_LABELS[quadrant],
            ha="left",
            va="top",
            fontsize=28,
            fontweight="bold",
            color=_TEXT_COLOR,
        )
        items = swot.items(quadrant)
        body = "\n".join(swot_lines(items)) if items else SWOT_EMPTY
        figure.text(
            left + 0.025,
            bottom + height - 0.085,
            body,
            ha="left",
            va="top",
            fontsize=19,
            color=_TEXT_COLOR if items else "#7A8793",
            linespacing=1.3,
            fontstyle="normal" if items else "italic",
            parse_math=False,  # the person's own words: "45$ à 50$" stays as written
        )
    return _png(figure)
