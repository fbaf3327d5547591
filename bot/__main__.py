"""``python -m bot``: Telegram when TELEGRAM_BOT_TOKEN is set, the local terminal chat otherwise."""

from __future__ import annotations

import asyncio
import logging
import sys

from coach.settings import Settings


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs full URLs at INFO, and Telegram URLs carry the bot token.
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> int:
    settings = Settings.from_env()
    if settings.telegram_bot_token:
        configure_logging()
        from bot.telegram_app import run_telegram

        run_telegram(settings)
        return 0
    logging.basicConfig(level=logging.ERROR)
    from bot.console import run_console

    try:
        asyncio.run(run_console(settings))
    except KeyboardInterrupt:
        print("\nÀ bientôt !")
    return 0


if __name__ == "__main__":
    sys.exit(main())
