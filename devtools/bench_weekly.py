"""Cost of one weekly review for a person with a long search behind them.

    .venv/bin/python -m devtools.bench_weekly [--weeks 26]

A fresh SQLite database (migrated) holds one person with, per week of history, three
applications (one moved to an interview, one refused), two steps added by hand, five moods,
and two goals with their milestones. Prints the median and worst time of reading the week
(:func:`coach.weekly_review.collect`) plus the message (:func:`~coach.weekly_review.render`),
of drawing the two-week mood chart, and the chart's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time

from sqlalchemy.orm import Session

from coach import charts, pipeline, weekly_review
from coach.activity_report import add_activity
from coach.db import make_engine, make_session_factory, transaction, upgrade
from coach.feedbacks import mood_series
from coach.models import Mood
from coach.reminders import user_day
from coach.smart import GoalFields, create_goal
from coach.users import find_user, give_consent

NOW = dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC)  # a Friday, 17:00 in Paris
MOODS = ("decouragement", "doute", "deception", "ca_va", "colere")
RUNS = 20


def populate(session: Session, weeks: int) -> None:
    user = give_consent(session, 1, first_name="Camille", timezone="Europe/Paris", now=NOW)
    start = NOW - dt.timedelta(weeks=weeks)
    for week in range(weeks):
        monday = start + dt.timedelta(weeks=week)
        for index in range(3):
            when = monday + dt.timedelta(days=index)
            change = pipeline.log_application(
                session,
                user,
                f"Entreprise {week}-{index}",
                "Chargée de projet",
                user_day(user, when),
                now=when,
            )
            if index == 1:
                pipeline.move(
                    session,
                    user,
                    change.application.id,
                    "interview",
                    interview_at=when + dt.timedelta(days=3),
                    now=when,
                )
            elif index == 2:
                pipeline.move(
                    session,
                    user,
                    change.application.id,
                    "rejected",
                    now=when + dt.timedelta(days=1),
                )
        for day in (3, 4):
            add_activity(
                session,
                user,
                kind="workshop",
                happened_on=user_day(user, monday + dt.timedelta(days=day)),
                note=f"Atelier CV {week}",
                today=user_day(user, NOW),
            )
        for day in range(5):
            session.add(
                Mood(
                    user_id=user.id,
                    mood=MOODS[(week + day) % len(MOODS)],
                    created_at=monday + dt.timedelta(days=day, hours=9),
                )
            )
    for title in ("Passer le TOEIC", "Finir la formation SQL"):
        create_goal(
            session,
            user,
            GoalFields(title=title, deadline=dt.date(2027, 2, 26)),
            now=NOW - dt.timedelta(weeks=2),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--weeks", type=int, default=26)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rebond-bench-") as folder:
        url = f"sqlite:///{folder}/rebond.db"
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            populate(session, args.weeks)
        reading: list[float] = []
        drawing: list[float] = []
        png = b""
        text = ""
        for _ in range(RUNS):
            began = time.perf_counter()
            with factory() as session:
                user = find_user(session, 1)
                assert user is not None
                week = weekly_review.collect(session, user, now=NOW)
                text = weekly_review.render(week)
                points = mood_series(session, user)
            reading.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            png = charts.week_mood_chart(points, "Europe/Paris", today=week.today)
            drawing.append((time.perf_counter() - began) * 1000)
        engine.dispose()
    print(
        f"weekly review, {args.weeks} weeks of history: read + text median "
        f"{statistics.median(reading):.1f} ms (worst {max(reading):.1f} ms, {len(text)} chars); "
        f"two-week mood chart median {statistics.median(drawing):.1f} ms "
        f"(worst {max(drawing):.1f} ms, {len(png) / 1024:.1f} KiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
