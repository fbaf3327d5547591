from __future__ import annotations

from pathlib import Path

from coach.settings import Settings
from devtools.stack import tracker_store_config


def test_defaults_are_local_sqlite_files() -> None:
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "var/rebond.db"
    )
    assert settings.tracker_database_url.endswith("var/tracker.db")
    assert settings.coach_tz == "Europe/Paris"
    assert settings.telegram_bot_token is None


def test_environment_overrides() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9000",
            "DATABASE_URL": "postgresql+psycopg://u@h/db",
            "RASA_URL": "http://rasa:5005/",
            "COACH_TZ": "America/Montreal",
            "COACH_HOLIDAYS_SUBDIV": "57",
            "TELEGRAM_WEBHOOK_PORT": "9443",
        }
    )
    assert settings.telegram_bot_token == "123:abc"
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.coach_tz == "America/Montreal"
    assert settings.holidays_subdiv == "57"
    assert settings.telegram_webhook_port == 9443


def test_repr_hides_secrets() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "123:secret", "RASA_AUTH_TOKEN": "tok"})
    shown = repr(settings)
    assert "123:secret" not in shown and "'tok'" not in shown
    assert "rasa_auth_token='***'" in shown


def test_tracker_store_config_sqlite_relative_and_postgres(tmp_path: Path) -> None:
    sqlite = tracker_store_config("sqlite:///var/t.db", root=tmp_path)
    assert sqlite == {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "var" / "t.db")}
    pg = tracker_store_config("postgresql+psycopg://rasa:pw@db.local:5433/tracker")
    assert pg == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.local",
        "port": 5433,
        "db": "tracker",
        "query": {
            "connect_timeout": "5",
            "options": "-c statement_timeout=15000 -c lock_timeout=5000",
        },
        "username": "rasa",
        "password": "pw",
    }
