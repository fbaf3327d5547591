"""The whole stack through the Telegram Bot API emulator: real Rasa server (.venv-rasa),
real action server (rasa-sdk 3.21 on Python 3.12), the real bot; PostgreSQL and Redis in the
production pass of `make e2e`, SQLite in its local-chat pass (marked ``sqlite_pass``).

/start → consent → greeting → gibberish gets the fallback → crisis gets 3114 →
export shows the user → /supprimer → export is empty and the Rasa tracker is gone.
"""

from __future__ import annotations

import pytest
from harness import Emulator
from steps import cli, text_of, until

from coach.privacy import count_tracker_events

pytestmark = pytest.mark.sqlite_pass

CHAT = 5_550_001


async def test_onboarding_safety_and_privacy_round_trip(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    _, tracker_url = databases

    # Typed text before consent never reaches storage: the consent question comes back.
    await emu.send_message(CHAT, "Bonjour, j'ai été refusé chez Decathlon")
    first = await until(emu, CHAT, lambda m: "p:/consent_accept" in m["buttons"])
    assert "rien lu" in text_of(first)
    assert cli("export", CHAT, databases)["user"] is None

    await emu.send_command(CHAT, "/start")
    start = await until(emu, CHAT, lambda m: "p:/consent_accept" in m["buttons"])
    assert "Bonjour Camille" in text_of(start)
    assert "Confidentialité" in text_of(start)
    # Nothing stored before consent, not even Rasa's record of these turns.
    assert count_tracker_events(tracker_url, CHAT) == 0

    await emu.press_button(CHAT, "p:/consent_accept")
    consent = await until(emu, CHAT, lambda m: "Merci" in (m["text"] or ""))
    assert any("p:/report_rejection" in m["buttons"] for m in consent)
    assert cli("export", CHAT, databases)["user"]["first_name"] == "Camille"

    await emu.send_message(CHAT, "salut !")
    greeting = await until(emu, CHAT, lambda m: bool(m["text"]))
    assert any(word in text_of(greeting) for word in ("Bonjour", "Hello", "ravi", "Content"))

    await emu.send_message(CHAT, "zrblq fnortx wkkpq vvhz")
    fallback = await until(emu, CHAT, lambda m: bool(m["buttons"]))
    assert "p:/help" in fallback[-1]["buttons"], text_of(fallback)
    assert any(word in text_of(fallback) for word in ("compris", "saisi"))

    await emu.send_message(CHAT, "jpp jveux en finir a quoi bon vivre")
    crisis = await until(emu, CHAT, lambda m: "3114" in (m["text"] or ""))
    assert "09 72 39 40 50" in text_of(crisis) and "112" in text_of(crisis)

    exported = cli("export", CHAT, databases)
    assert exported["user"]["telegram_user_id"] == CHAT
    assert count_tracker_events(tracker_url, CHAT) > 0

    await emu.send_command(CHAT, "/supprimer")
    await until(emu, CHAT, lambda m: "p:/confirm_delete" in m["buttons"])
    await emu.press_button(CHAT, "p:/confirm_delete")
    erased = await until(emu, CHAT, lambda m: "effacées" in (m["text"] or ""))
    assert erased

    after = cli("export", CHAT, databases)
    assert after["user"] is None
    assert all(value == [] for key, value in after.items() if key != "user")
    assert count_tracker_events(tracker_url, CHAT) == 0


async def test_unknown_command_gets_a_clear_answer(telegram: Emulator) -> None:
    emu = telegram
    await emu.send_command(CHAT + 1, "/inconnue")
    [unknown] = await emu.wait_for_bot_messages(CHAT + 1)
    assert "/aide" in (unknown["text"] or "")
