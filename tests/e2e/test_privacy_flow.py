"""Privacy through the real stack (Rasa, action server, bot, Bot API emulator).

A consented person who answers « non » to « par quoi voulez-vous commencer ? » keeps their
account and their conversation: refusing consent exists only before consent. The export
then carries what they typed (the transcript read from Rasa's tracker store).
"""

from __future__ import annotations

from harness import Emulator
from steps import cli, consent, text_of, until

from actions.onboarding import NOT_NOW
from coach.privacy import count_tracker_events

CHAT = 5_550_601


async def test_a_consented_no_after_start_keeps_everything(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    _, tracker_url = databases
    await consent(emu, CHAT)
    await emu.send_message(CHAT, "salut !")
    await until(emu, CHAT, lambda m: bool(m["text"]))

    await emu.send_command(CHAT, "/start")
    await until(emu, CHAT, lambda m: "retrouver" in (m["text"] or ""))
    events_before = count_tracker_events(tracker_url, CHAT)
    await emu.send_message(CHAT, "non")
    answer = await until(emu, CHAT, lambda m: bool(m["text"]))
    assert NOT_NOW in text_of(answer)
    assert "je n'enregistre rien" not in text_of(answer)

    exported = cli("export", CHAT, databases)
    assert exported["user"]["telegram_user_id"] == CHAT
    assert count_tracker_events(tracker_url, CHAT) > events_before  # nothing was forgotten
    said = [turn["text"] for turn in exported["conversation"] if turn["from"] == "user"]
    assert "salut !" in said and "non" in said
