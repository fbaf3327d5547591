"""Rebond's front-ends: Telegram (python-telegram-bot) and the local terminal chat."""
