"""Drafts get the channel asked for, switch channel, and every change is honest, end to end
(real Rasa, action server, bot and Telegram emulator).

The application is stored directly (the intake has its own scenarios). « Pourriez-vous me
proposer un mail ? » gives a mail, not a meeting request; « je préférerais un simple mail, pas
une rencontre » keeps the mail; the « Plutôt un appel » button under the mail gives the call
script; « Plus court » really shortens it, asked again it says it cannot; « en fait plutôt
par mail » in words brings the mail back; an old « Plutôt une rencontre » button, pressed
under the first draft, still works; the export has the last draft with its channel.
"""

from __future__ import annotations

import datetime as dt

from harness import BotMessage, Emulator
from steps import cli, consent, text_of, until

from coach.db import make_engine, transaction
from coach.models import Rejection, User

CHAT = 5_550_700


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda m: fragment in (m["text"] or "")


def has_button(payload: str):  # type: ignore[no-untyped-def]
    return lambda m: payload in m["buttons"]


def draft_block(messages: list[BotMessage]) -> str:
    """The draft: the message shown as a monospace block (one tap copies it)."""
    for message in messages:
        entities = message["raw"].get("entities") or []
        if any(e.get("type") == "pre" for e in entities):
            return message["text"] or ""
    raise AssertionError(f"no draft among {[m['text'] for m in messages]}")


def is_draft(message: BotMessage) -> bool:
    return any(e.get("type") == "pre" for e in message["raw"].get("entities") or [])


async def and_its_draft(emu: Emulator, chat: int, messages: list[BotMessage]) -> list[BotMessage]:
    """``messages`` (which end on the sentence announcing a draft) and the draft after it: the
    draft is a message of its own and may come in a later batch (slower on PostgreSQL)."""
    if any(is_draft(m) for m in messages):
        return messages
    return messages + await until(emu, chat, is_draft)


def store_rejection(app_url: str, chat: int) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    engine = make_engine(app_url)
    try:
        with transaction(sessionmaker(engine, expire_on_commit=False)) as session:
            user = session.scalar(select(User).where(User.telegram_user_id == chat))
            assert user is not None
            rejection = Rejection(
                user_id=user.id,
                company="Capgemini",
                position="data analyst",
                rejection_date=dt.date.today() - dt.timedelta(days=2),
                stage="entretiens_suivants",
                formal_rejection=True,
                interviewer_count=1,
                interviewer_names="Julie Martin",
                culture="formal",
            )
            session.add(rejection)
            session.flush()
            return rejection.id
    finally:
        engine.dispose()


async def test_the_channel_asked_for_switching_and_honest_changes(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, CHAT
    await consent(emu, chat)
    rejection_id = store_rejection(databases[0], chat)
    to_phone = f'p:/request_draft{{"channel":"phone","rejection_id":"{rejection_id}"}}'
    to_meeting = f'p:/request_draft{{"channel":"meeting","rejection_id":"{rejection_id}"}}'
    shorter = f'p:/refine_draft{{"refine":"court","rejection_id":"{rejection_id}"}}'

    # Asked politely for a mail: a mail, after the signature asked once.
    await emu.send_message(chat, "Pourriez-vous me proposer un mail ?")
    await until(emu, chat, says("prénom et quel nom"))
    await emu.send_message(chat, "Camille Durand")
    for _ in range(3):
        await until(emu, chat, has_button("p:passer"))
        await emu.press_button(chat, "p:passer")
    first = await until(emu, chat, has_button(to_meeting))
    mail = draft_block(first)
    shown = text_of(first)
    assert mail.startswith("Objet : Votre retour sur ma candidature"), mail
    assert "Voici un brouillon de mail" in shown and "rencontre" not in mail
    old_message = next(m["message_id"] for m in first if to_meeting in m["buttons"])
    assert not any('"channel":"email"' in b for m in first for b in m["buttons"])

    # The same channel asked again, with a refusal: still the mail, said plainly.
    await emu.send_message(chat, "je préférerais un simple mail, pas une rencontre")
    again = await until(emu, chat, has_button(to_meeting))
    assert draft_block(again) == mail
    assert "quinze minutes" not in text_of(again) and "Voici un mail pour proposer" not in (
        text_of(again)
    )

    # The channel button under the draft: the call script.
    await emu.press_button(chat, to_phone)
    call = await until(emu, chat, says("Auriez-vous"))
    script = draft_block(call)
    assert "Objet" not in script and "Bonjour" in script
    assert "Avant d'appeler" in text_of(call)

    # Shorter really shortens; asked again, it says it cannot instead of « nouvelle version ».
    await emu.press_button(chat, shorter)
    short_messages = await and_its_draft(
        emu, chat, await until(emu, chat, says("Voici une version plus courte du script"))
    )
    short = draft_block(short_messages)
    assert len(short.split()) < len(script.split())
    await emu.send_message(chat, "plus court stp")
    refused = await until(emu, chat, says("Je n'ai rien changé"))
    assert "la plus courte" in text_of(refused) and "nouvelle version" not in text_of(refused)
    assert not any(
        any(e.get("type") == "pre" for e in m["raw"].get("entities") or []) for m in refused
    )

    # In words: back to a mail.
    await emu.send_message(chat, "en fait plutôt par mail")
    back = await and_its_draft(
        emu, chat, await until(emu, chat, says("Voici un brouillon de mail"))
    )
    assert draft_block(back).startswith("Objet : Votre retour")

    # An old button, under the first draft, still works: the meeting request.
    await emu.press_button(chat, to_meeting, message_id=old_message)
    meeting = await and_its_draft(
        emu, chat, await until(emu, chat, says("Voici un mail pour proposer une rencontre"))
    )
    assert "quinze minutes" in draft_block(meeting)
    assert "n'est plus valable" not in text_of(meeting)

    exported = cli("export", chat, databases)
    [request] = exported["feedback_requests"]
    assert request["channel"] == "meeting" and request["status"] == "draft"
