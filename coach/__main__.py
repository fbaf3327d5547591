"""Operator CLI: ``python -m coach {migrate,export,delete,retention}``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from coach.db import make_engine, make_session_factory, upgrade
from coach.models import utcnow
from coach.privacy import erase_person, export_user
from coach.retention import run_retention
from coach.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coach", description="Rebond operator tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    for name, text in (
        ("export", "print a user's data as JSON, conversation included"),
        ("delete", "erase a user: tracker events first, then every row (safe to repeat)"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--telegram-user-id", type=int, required=True)
    commands.add_parser(
        "retention",
        help="prune tracker events older than 90 days, warn accounts inactive for 12 months, "
        "erase those warned 30 days ago without an answer (what the bot runs daily)",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "migrate":
        upgrade(settings.database_url)
        return 0

    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    tracker = settings.tracker_database_url
    try:
        if args.command == "export":
            with factory() as session:
                data = export_user(session, args.telegram_user_id, tracker=tracker)
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return 0
        if args.command == "retention":
            report = run_retention(factory, tracker, now=utcnow())
            print(json.dumps(dataclasses.asdict(report)))
            return 1 if report.errors else 0
        erased = erase_person(factory, tracker, args.telegram_user_id)
        print(
            json.dumps(
                {
                    "deleted_user": erased.user,
                    "deleted_tracker_events": erased.tracker_events,
                    "deleted_inbox_updates": erased.inbox_updates,
                }
            )
        )
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
