"""« Mon plan de sécurité » through the real stack (Rasa, action server, bot, Bot API
emulator): a plan written with /plan, part by part, then a crisis message → the lines at
once, then the person's own plan in a message of its own; the plan is in the export and
none of its words reached Rasa's conversation."""

from __future__ import annotations

from harness import Emulator
from steps import cli, consent, until

from bot import safety_plan as plan_chat
from coach.safety import CRISIS_REPLY
from coach.safety_plan import PARTS

CHAT = 5_550_710
SIGNS = "Je ne dors plus et je m'isole"
SISTER = "Ma sœur Léa, 06 12 34 56 78"


async def test_a_plan_saved_with_plan_follows_the_lines_of_a_crisis_answer(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    await consent(emu, CHAT)

    await emu.send_command(CHAT, "/plan")
    await until(emu, CHAT, lambda m: "p:plan:start" in m["buttons"])
    await emu.press_button(CHAT, "p:plan:start")
    await until(emu, CHAT, lambda m: PARTS[0].question in (m["text"] or ""))
    await emu.send_message(CHAT, SIGNS)
    await until(emu, CHAT, lambda m: PARTS[1].question in (m["text"] or ""))
    await emu.press_button(CHAT, "p:plan:skip")
    await until(emu, CHAT, lambda m: PARTS[2].question in (m["text"] or ""))
    await emu.send_message(CHAT, SISTER)
    await until(emu, CHAT, lambda m: PARTS[3].question in (m["text"] or ""))
    await emu.press_button(CHAT, "p:plan:stop")
    await until(emu, CHAT, lambda m: m["text"] == plan_chat.STOPPED)

    await emu.send_command(CHAT, "/plan")
    [overview] = await until(emu, CHAT, lambda m: SISTER in (m["text"] or ""))
    assert SIGNS in (overview["text"] or "") and "p:plan:delete" in overview["buttons"]

    await emu.send_message(CHAT, "ce soir je veux mourir")
    seen = await until(emu, CHAT, lambda m: SISTER in (m["text"] or ""), timeout=10)
    texts = [m["text"] or "" for m in seen]
    # The lines first, unchanged; the plan after them, in a message of its own.
    assert texts[0] == CRISIS_REPLY, texts
    assert len(seen) == 2 and SIGNS in texts[1] and "3114" not in texts[1], texts

    exported = cli("export", CHAT, databases)
    [plan] = exported["safety_plan"]
    assert (plan["warning_signs"], plan["calming"], plan["people"]) == (SIGNS, None, SISTER)
    said = "\n".join(turn["text"] for turn in exported["conversation"])
    assert "Léa" not in said and "dors plus" not in said, "the plan never went through Rasa"
