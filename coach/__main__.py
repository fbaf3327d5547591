"""Operator CLI: ``python -m coach {migrate,export,delete}``."""

from __future__ import annotations

import argparse
import json
import sys

from coach.db import make_engine, make_session_factory, transaction, upgrade
from coach.privacy import delete_tracker, delete_user, export_user
from coach.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coach", description="Rebond operator tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    for name, text in (("export", "print a user's data as JSON"), ("delete", "erase a user")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--telegram-user-id", type=int, required=True)
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "migrate":
        upgrade(settings.database_url)
        return 0

    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        if args.command == "export":
            with factory() as session:
                data = export_user(session, args.telegram_user_id)
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return 0
        with transaction(factory) as session:
            existed = delete_user(session, args.telegram_user_id)
        events = delete_tracker(settings.tracker_database_url, args.telegram_user_id)
        print(json.dumps({"deleted_user": existed, "deleted_tracker_events": events}))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
