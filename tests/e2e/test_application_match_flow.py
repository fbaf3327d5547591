"""A feedback named for a company not logged yet, then its reading corrected, end to end
(real Rasa, action server, bot and Telegram emulator).

One rejection is logged (Intersport). « decathlon aussi m'a répondu » is not filed under
Intersport: Rebond asks « Decathlon n'est pas encore noté : je l'ajoute ? »; the button starts
the intake with the company already known. The Decathlon feedback is then recorded (the
company named in lower case with a typo finds it), read, and corrected in words: the
communication theme taken out, English added. The export carries the corrected reading and
the corrections; /bilan no longer names communication.
"""

from __future__ import annotations

from harness import Emulator
from steps import cli, consent, text_of, until
from test_feedback_flow import button_titled, has_button, log_rejection, says

CHAT = 5_550_800
FEEDBACK = (
    "Merci pour votre venue. Vos réponses manquaient de clarté et votre expérience en magasin "
    "reste trop courte pour ce poste."
)


#: Button answers to the intake's closed questions, whichever order they come in.
ANSWERS = (
    "p:entretiens_suivants",
    "p:1",
    "p:oui",
    "p:personne",
    "p:formal",
    "p:ca_va",
)


async def answer_the_intake(emu: Emulator, chat: int) -> None:
    """Answer the remaining intake questions (buttons, a name, « je ne sais pas »), then the
    mood check, until the next steps are offered."""
    for _ in range(15):
        seen = await until(emu, chat, lambda m: bool(m["buttons"]) or "?" in (m["text"] or ""))
        buttons = seen[-1]["buttons"]
        if "p:/ask_timing" in buttons:
            return
        chosen = next((b for b in ANSWERS if b in buttons), None)
        if "responsable" in text_of(seen) and "p:non" in buttons:
            chosen = "p:non"
        if chosen is not None:
            await emu.press_button(chat, chosen)
        elif "son nom" in text_of(seen):
            await emu.send_message(chat, "Julie Martin")
        elif "p:je ne sais pas" in buttons:
            await emu.press_button(chat, "p:je ne sais pas")
        else:
            await emu.send_message(chat, "je ne sais pas")
    raise AssertionError("the intake did not end")


async def test_a_new_company_is_added_then_its_reading_corrected(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, CHAT
    await consent(emu, chat)
    await log_rejection(emu, chat, "refus d'Intersport pour le poste de vendeur reçu hier")

    # Decathlon answers: not filed under the only application logged.
    await emu.send_message(chat, "decathlon m'a aussi répondu")
    asked = await until(emu, chat, says("n'est pas encore noté"))
    shown = text_of(asked)
    assert "Decathlon n'est pas encore noté : je l'ajoute ?" in shown
    assert "Lisons ensemble" not in shown and "retour d'Intersport" not in shown
    assert button_titled(asked, "Intersport"), "the logged application stays a choice"

    # « Oui, noter Decathlon »: the intake starts with the company known.
    await emu.press_button(chat, button_titled(asked, "noter Decathlon"))
    opened = await until(emu, chat, says("refus de Decathlon"))
    assert "Quelle entreprise" not in text_of(opened)
    await emu.send_message(chat, "vendeuse")
    await until(emu, chat, lambda m: bool(m["text"]))
    await emu.send_message(chat, "hier")
    await answer_the_intake(emu, chat)

    # Now logged: a typo in lower case finds it, the form opens on it.
    await emu.send_message(chat, "decatlon m'a envoyé un retour")
    source = await until(emu, chat, has_button("p:écrit"))
    assert "ce retour de Decathlon (vendeuse)" in text_of(source)
    await emu.press_button(chat, "p:écrit")
    await until(emu, chat, says("Collez ici"))
    await emu.send_message(chat, FEEDBACK)
    await until(emu, chat, has_button("p:c'est tout"))
    await emu.press_button(chat, "p:c'est tout")
    analysed = await until(emu, chat, has_button("p:/interpretation_next"))
    assert "Communication" in text_of(analysed), text_of(analysed)

    # The reading corrected in words, during the steps.
    await emu.send_message(chat, "ce n'est pas un probleme de communication")
    removed = await until(emu, chat, says("C'est noté"))
    assert "C'est noté : je retire « Communication »." in text_of(removed)
    assert "p:/interpretation_next" in removed[-1]["buttons"], "the steps go on"
    await emu.send_message(chat, "ajoute : mon niveau d'anglais")
    added = await until(emu, chat, says("C'est noté"))
    assert "j'ajoute « Compétences techniques »" in text_of(added)

    await emu.send_command(chat, "/bilan")
    summary = text_of(await until(emu, chat, says("Votre bilan")))
    assert "Communication" not in summary and "Compétences techniques" in summary

    exported = cli("export", chat, databases)
    companies = {r["id"]: r["company"] for r in exported["rejections"]}
    assert sorted(companies.values()) == ["Decathlon", "Intersport"]
    [feedback] = exported["feedbacks"]
    assert companies[feedback["rejection_id"]] == "Decathlon"
    assert "communication" not in feedback["themes"]
    assert "technical_skills" in feedback["themes"]
    assert [c["removed"] for c in feedback["reading_corrections"]] == [["communication"], []]
    assert [c["added"] for c in feedback["reading_corrections"]] == [[], ["technical_skills"]]
