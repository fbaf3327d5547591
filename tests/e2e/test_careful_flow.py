"""The crisis tiers and the careful hour end to end (real Rasa, action server, bot and the
Telegram emulator): an ambiguous message gets the check, « Je parlais de ma recherche »
lets the intake go on where it was; « Je ne vais pas bien » is the crisis answer; a crisis
in the intake, then « ça va mieux » and « on reprend »: the gentle answer, the form resumed
where it was, and no mood stored."""

from __future__ import annotations

import asyncio

from harness import Emulator
from steps import cli, consent, text_of, until

from coach.crisis_tiers import CAREFUL_BETTER, SEARCH_ACK
from coach.safety import CRISIS_REPLY

CHECK_CHAT = 5_550_701
UNWELL_CHAT = 5_550_702
CAREFUL_CHAT = 5_550_703
SEARCH = "p:tier:search"
UNWELL = "p:tier:unwell"


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda m: fragment in (m["text"] or "")


def has_button(payload: str):  # type: ignore[no-untyped-def]
    return lambda m: payload in m["buttons"]


async def test_an_ambiguous_message_gets_the_check_and_the_intake_goes_on(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, CHECK_CHAT
    await consent(emu, chat)
    await emu.send_message(chat, "j'ai pas eu le poste chez Decathlon")
    await until(emu, chat, says("Pour quel poste"))

    await emu.send_message(chat, "je veux en finir avec ces candidatures")
    [check] = await until(emu, chat, has_button(SEARCH))
    assert "3114" in (check["text"] or "") and UNWELL in check["buttons"]
    assert CRISIS_REPLY not in (check["text"] or "")

    await emu.press_button(chat, SEARCH)
    back = await until(emu, chat, says("Pour quel poste"))
    assert SEARCH_ACK in text_of(back)
    await emu.send_message(chat, "vendeur")
    await until(emu, chat, says("Quand avez-vous reçu"))

    history = text_of(await emu.bot_history(chat))
    assert CRISIS_REPLY not in history
    assert cli("export", chat, databases)["user"]["crisis_at"] is None


async def test_not_well_after_the_check_is_the_crisis_answer_and_recorded(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, UNWELL_CHAT
    await consent(emu, chat)
    await emu.send_message(chat, "ce refus m'a tué")
    await until(emu, chat, has_button(UNWELL))
    await emu.press_button(chat, UNWELL)
    answer = await until(emu, chat, says("09 72 39 40 50"))
    assert CRISIS_REPLY in text_of(answer)
    recorded = None
    for _ in range(20):  # recorded in the background, after the answer went out
        recorded = cli("export", chat, databases)["user"]["crisis_at"]
        if recorded is not None:
            break
        await asyncio.sleep(0.5)
    assert recorded is not None


async def test_after_a_crisis_in_the_intake_better_then_resume_and_no_mood_stored(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, CAREFUL_CHAT
    await consent(emu, chat)
    await emu.send_message(chat, "j'ai pas eu le poste chez Decathlon")
    await until(emu, chat, says("Pour quel poste"))
    await emu.send_message(chat, "je veux en finir")
    await until(emu, chat, says("3114"))

    await emu.send_message(chat, "ça va mieux")
    gentle = await until(emu, chat, says(CAREFUL_BETTER[:40]))
    assert "Tant mieux" not in text_of(gentle) and "force" not in text_of(gentle)

    await emu.send_message(chat, "ça va mieux, on reprend")
    resumed = await until(emu, chat, says("Pour quel poste"))
    said = text_of(resumed)
    assert "Reprenons doucement" in said
    assert "Nous en étions aux questions sur votre refus chez Decathlon." in said
    assert "Tant mieux" not in text_of(await emu.bot_history(chat))

    exported = cli("export", chat, databases)
    assert exported["moods"] == [], "no « ça va » on the mood chart"
    assert exported["user"]["crisis_at"] is not None
