"""Configuration, read from the environment only (SPEC §2)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REBOND_VAR_DIR", PROJECT_ROOT / "var"))


def _default_sqlite(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


def _optional(env: Mapping[str, str], key: str) -> str | None:
    value = env.get(key, "").strip()
    return value or None


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_webhook_port: int = 8443
    database_url: str = _default_sqlite("rebond.db")
    tracker_database_url: str = _default_sqlite("tracker.db")
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_auth_token: str | None = None
    redis_url: str | None = None
    coach_tz: str = "Europe/Paris"
    holidays_subdiv: str | None = None
    local_user_id: int = 1
    local_first_name: str | None = None
    reminders_enabled: bool = True
    reminder_rate: float = 25.0  # messages/s; Telegram allows about 30 per bot

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            telegram_bot_token=_optional(env, "TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=_optional(env, "TELEGRAM_API_BASE_URL"),
            telegram_webhook_url=_optional(env, "TELEGRAM_WEBHOOK_URL"),
            telegram_webhook_secret=_optional(env, "TELEGRAM_WEBHOOK_SECRET"),
            telegram_webhook_port=int(env.get("TELEGRAM_WEBHOOK_PORT") or 8443),
            database_url=_optional(env, "DATABASE_URL") or defaults.database_url,
            tracker_database_url=_optional(env, "TRACKER_DATABASE_URL")
            or defaults.tracker_database_url,
            rasa_url=(_optional(env, "RASA_URL") or defaults.rasa_url).rstrip("/"),
            rasa_auth_token=_optional(env, "RASA_AUTH_TOKEN"),
            redis_url=_optional(env, "REDIS_URL"),
            coach_tz=_optional(env, "COACH_TZ") or defaults.coach_tz,
            holidays_subdiv=_optional(env, "COACH_HOLIDAYS_SUBDIV"),
            local_user_id=int(env.get("LOCAL_CHAT_USER_ID") or 1),
            local_first_name=_optional(env, "LOCAL_CHAT_FIRST_NAME"),
            reminders_enabled=(env.get("REMINDERS_ENABLED") or "1") not in {"0", "false", "no"},
            reminder_rate=float(env.get("REMINDER_RATE") or 25.0),
        )

    def __repr__(self) -> str:
        # Never let a token reach a log line through a repr.
        hidden = {"telegram_bot_token", "telegram_webhook_secret", "rasa_auth_token"}
        fields = ", ".join(
            f"{name}={'***' if name in hidden and value else value!r}"
            for name, value in self.__dict__.items()
        )
        return f"Settings({fields})"
