"""The bot's slash commands and the Rasa payload each stands for (SPEC §3).

The relay sends the payload (Rasa reads "/intent" as that intent, skipping NLU); the actions
name a command back to the person (« tapez /retour ») from the same table.
"""

from __future__ import annotations

from typing import Final

# Slash command → Rasa payload.
COMMANDS: Final[dict[str, str]] = {
    "start": "/start",
    "aide": "/help",
    "help": "/help",
    "refus": "/report_rejection",
    "demande": "/ask_timing",
    "retour": "/share_feedback",
    "journal": "/journal",
    "objectifs": "/review_goals",
    "bilan": "/ask_patterns",
    "swot": "/start_swot",
    "rappels": "/list_reminders",
    "candidatures": "/ask_applications",
    "demarches": "/ask_activity_report",
    "fuseau": "/set_timezone",
    "confidentialite": "/privacy",
    "export": "/export_data",
    "supprimer": "/delete_data",
    "annuler": "/cancel",
}


def command_for(intent: str) -> str | None:
    """The slash command a person types for ``intent`` (« /retour » for share_feedback)."""
    return next((f"/{name}" for name, payload in COMMANDS.items() if payload == f"/{intent}"), None)
