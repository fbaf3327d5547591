"""Reframing self-blame end to end (issue 17; real Rasa, action server, bot and emulator).

A self-blaming message gets the usual answer to a feeling plus the offer of the exercise;
« Essayer l'exercice » opens the nine steps (one skipped with « passer », the trap picked with
its button), and the record lands in the journal, which ``python -m coach export`` shows.
The mood history is then asked for in words and comes as a picture.
"""

from __future__ import annotations

from harness import BotMessage, Emulator
from steps import cli, consent, text_of, until

CHAT = 5_551_700


def has_button(payload: str):  # type: ignore[no-untyped-def]
    return lambda m: payload in m["buttons"]


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda m: fragment in (m["text"] or "")


async def answer(emu: Emulator, text: str, next_prompt: str) -> list[BotMessage]:
    await emu.send_message(CHAT, text)
    return await until(emu, CHAT, says(next_prompt))


async def test_a_self_blaming_message_to_a_saved_thought_record(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    await consent(emu, CHAT)

    await emu.send_message(CHAT, "encore un refus, ils ont vu que je ne valais rien")
    offered = await until(emu, CHAT, has_button("p:/thought_record"))
    assert "Quelques pistes" in text_of(offered), "the feeling is acknowledged first"
    assert "p:/thought_record_decline" in offered[-1]["buttons"]

    await emu.press_button(CHAT, "p:/thought_record")
    opened = await until(emu, CHAT, says("1/9"))
    assert "auto-assistance" in text_of(opened) and "ne remplace pas" in text_of(opened)

    await answer(emu, "Refus de Decathlon mardi, après deux entretiens", "2/9")
    await emu.press_button(CHAT, "p:1")  # « Oui, celle-là »: the message that started it
    await until(emu, CHAT, says("3/9"))
    await emu.press_button(CHAT, "p:75")
    await until(emu, CHAT, says("4/9"))
    await emu.press_button(CHAT, "p:passer")
    await until(emu, CHAT, says("5/9"))
    await answer(emu, "Ils ont choisi quelqu'un d'autre", "6/9")
    trap = await answer(emu, "Ils m'ont rappelée pour un deuxième entretien", "piège de pensée")
    assert "Lecture de pensée" in text_of(trap)
    titles = [b["text"] for row in trap[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert "👉 Lecture de pensée" in titles, "suggested from « ils ont vu que… »"
    await emu.press_button(CHAT, "p:2")  # lecture de pensée
    await until(emu, CHAT, says("8/9"))
    await answer(emu, "Ce refus me déçoit, mais ils m'ont trouvée assez bien pour me revoir", "9/9")
    await emu.press_button(CHAT, "p:25")
    done = await until(emu, CHAT, says("maintenant à 25/100"))
    assert "enregistré dans votre journal" in text_of(done)

    exported = cli("export", CHAT, databases)
    [entry] = [item for item in exported["journal"] if item["kind"] == "thought_record"]
    lines = entry["text"].splitlines()
    assert lines[0] == "Situation : Refus de Decathlon mardi, après deux entretiens"
    assert lines[1] == "Pensée : « encore un refus, ils ont vu que je ne valais rien »"
    assert lines[2] == "J'y croyais à : 75/100"
    assert lines[3] == "Émotion : (passé)"
    assert lines[6].startswith("Piège de pensée possible : Lecture de pensée")
    assert lines[8] == "J'y crois maintenant à : 25/100"
    # « encore un refus » is read first (coach.emotions): one mood, stored once.
    assert [mood["mood"] for mood in exported["moods"]] == ["decouragement"]

    await emu.send_message(CHAT, "montre-moi mon humeur de ces dernières semaines")
    pictured = await until(emu, CHAT, lambda m: m["kind"] == "photo")
    assert any("jour par jour" in (m["text"] or "") for m in pictured)
    assert pictured[-1]["caption"] == "Votre humeur, jour par jour, et vos refus"
