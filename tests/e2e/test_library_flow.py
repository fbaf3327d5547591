"""The action library and the STAR builder end to end, through the real bot, Rasa and the
action server: advice → a next step becomes a goal → /objectifs; a STAR answer built part
by part, a weak part written again, saved, listed and exported."""

from __future__ import annotations

from harness import Emulator
from steps import cli, consent, text_of, until

CHAT = 5_550_400
SEED = 'p:/goal_from_seed{"seed_id":"cv_letter:1"}'


async def test_advice_next_step_becomes_a_goal(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    await consent(emu, CHAT)
    await emu.send_message(CHAT, "conseils pour mon CV")
    advice = await until(emu, CHAT, lambda m: SEED in m["buttons"])
    assert "CV et lettre de motivation" in text_of(advice)
    await emu.press_button(CHAT, SEED)
    # The confirmation can come in several messages: wait for its last line.
    created = await until(emu, CHAT, lambda m: "/objectifs" in (m["text"] or ""))
    assert "nouvel objectif" in text_of(created) and "échéance" in text_of(created)
    await emu.send_command(CHAT, "/objectifs")
    listed = await until(emu, CHAT, lambda m: "objectif en cours" in (m["text"] or ""))
    exported = cli("export", CHAT, databases)
    [goal] = exported["goals"]
    assert goal["title"] in text_of(listed)
    assert goal["milestones"], "the goal comes with its milestones"


async def test_a_star_answer_is_built_checked_and_saved(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, CHAT + 1
    await consent(emu, chat)
    await emu.send_message(chat, "aide-moi à préparer une réponse STAR")
    await until(emu, chat, lambda m: "p:2" in m["buttons"])
    await emu.press_button(chat, "p:2")
    await until(emu, chat, lambda m: (m["text"] or "").startswith("Situation"))
    await emu.send_message(
        chat,
        "En stage chez Decathlon, les avis clients en ligne restaient sans réponse pendant "
        "des semaines.",
    )
    await until(emu, chat, lambda m: (m["text"] or "").startswith("Tâche"))
    await emu.send_message(chat, "On m'a confié la mission de réduire le délai de réponse.")
    await until(emu, chat, lambda m: (m["text"] or "").startswith("Action"))
    await emu.send_message(chat, "On a participé au projet avec l'équipe, on a aidé.")
    await until(emu, chat, lambda m: (m["text"] or "").startswith("Résultat"))
    await emu.send_message(chat, "Le délai est passé de 6 jours à 2 jours en un mois.")
    redo = 'p:/star_redo{"star_part":"action"}'
    checked = await until(emu, chat, lambda m: redo in m["buttons"])
    assert "Quelques points à renforcer" in text_of(checked)
    await emu.press_button(chat, redo)
    await until(emu, chat, lambda m: (m["text"] or "").startswith("Action"))
    await emu.send_message(
        chat,
        "J'ai rédigé des réponses types, j'ai mis en place un tableau de priorités et j'ai "
        "formé deux collègues à l'outil.",
    )
    await until(emu, chat, lambda m: "C'est enregistré" in (m["text"] or ""))
    await emu.send_message(chat, "mes réponses STAR")
    await until(emu, chat, lambda m: "Vos réponses STAR" in (m["text"] or ""))
    [answer] = cli("export", chat, databases)["star_answers"]
    assert answer["action"].startswith("J'ai rédigé des réponses types")
    assert answer["question"] == "Racontez une réussite professionnelle qui compte pour vous."
