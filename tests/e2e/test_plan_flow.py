"""From feedback to a plan, end to end (real Rasa, action server, bot and Telegram
emulator): two feedbacks name the same missing skill (a recurring theme) → a guided SWOT
pre-filled with it, saved, its 2×2 picture sent as a photo → a goal written in one's own
words made SMART question by question, with a deadline and two milestones → the first
milestone's reminder arrives → « fait » moves the goal forward → ``python -m coach export``
holds the SWOT, the goal and its milestones."""

from __future__ import annotations

import datetime as dt

from harness import BotMessage, Emulator
from sqlalchemy import select, update
from steps import cli, consent, no_quiet_hours, text_of, until

from coach.db import make_engine
from coach.models import Milestone, Reminder, User

CHAT = 5_550_500
FEEDBACKS = (
    "Il vous manque des compétences en SQL, indispensables pour ce poste.",
    "Votre niveau en SQL était insuffisant pour les tests techniques.",
)
CREATE = 'p:/goal_action{"goal_op":"create"}'


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda m: fragment in (m["text"] or "")


def has_button(payload: str):  # type: ignore[no-untyped-def]
    return lambda m: payload in m["buttons"]


def is_photo(message: BotMessage) -> bool:
    return message["kind"] == "photo"


async def record_feedback(emu: Emulator, chat: int, text: str) -> None:
    """/retour without an application, written, in one message."""
    await emu.send_command(chat, "/retour")
    await until(emu, chat, has_button("p:/report_rejection"))
    await emu.press_button(chat, 'p:/share_feedback{"rejection_id":"none"}')
    await until(emu, chat, has_button("p:écrit"))
    await emu.press_button(chat, "p:écrit")
    await until(emu, chat, says("Collez ici"))
    await emu.send_message(chat, text)
    await until(emu, chat, has_button("p:c'est tout"))
    await emu.press_button(chat, "p:c'est tout")
    await until(emu, chat, has_button("p:/interpretation_next"))


def first_milestone_due(app_url: str, chat: int) -> None:
    """Bring the first milestone's reminder (only that one) to now."""
    engine = make_engine(app_url)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with engine.begin() as connection:
        user_id = connection.execute(
            select(User.id).where(User.telegram_user_id == chat)
        ).scalar_one()
        first = connection.execute(
            select(Milestone.id)
            .where(Milestone.user_id == user_id)
            .order_by(Milestone.position)
            .limit(1)
        ).scalar_one()
        reminders = connection.execute(
            select(Reminder.id, Reminder.payload).where(
                Reminder.user_id == user_id, Reminder.status == "pending"
            )
        ).all()
        [reminder_id] = [r.id for r in reminders if (r.payload or {}).get("milestone_id") == first]
        connection.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(due_at=now, next_attempt_at=None)
        )
    engine.dispose()


async def test_feedback_to_swot_to_a_smart_goal_and_its_first_milestone(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, CHAT
    app_url = databases[0]
    await consent(emu, chat)
    no_quiet_hours(app_url, chat)
    for text in FEEDBACKS:
        await record_feedback(emu, chat, text)

    # The SWOT, pre-filled: the recurring missing skill is a weakness.
    await emu.send_message(chat, "faisons mon SWOT")
    strengths = await until(emu, chat, has_button("p:ok"))
    assert "Forces" in text_of(strengths)
    await emu.send_message(chat, "Rigueur et sens de l'organisation")
    weaknesses = await until(emu, chat, says("Faiblesses"))
    # Both feedbacks say SQL is missing: a technical skill, recurring in 2 feedbacks.
    recurring = "Une compétence technique attendue reste à consolider (revient dans 2 retours)"
    assert recurring in text_of(weaknesses)
    for label in ("Opportunités", "Menaces"):
        await emu.press_button(chat, "p:ok")
        await until(emu, chat, says(label))
    await emu.press_button(chat, "p:ok")
    await until(emu, chat, has_button("p:c'est bon"))
    await emu.press_button(chat, "p:c'est bon")
    saved = await until(emu, chat, is_photo)
    assert "C'est enregistré" in text_of(saved)
    [photo] = [m for m in saved if is_photo(m)]
    assert photo["photo"] is not None and (photo["photo"]["size"] or 0) > 1000

    # A goal in one's own words, made SMART one question at a time.
    await emu.send_message(chat, "je veux progresser en SQL")
    checked = await until(emu, chat, says("À quoi verrez-vous"))
    assert "✅ Spécifique" in text_of(checked) and "⬜ Mesurable" in text_of(checked)
    await emu.send_message(chat, "terminer les 6 modules du cours SQL")
    await until(emu, chat, says("première étape"))
    await emu.send_message(chat, "le cours OpenClassrooms, deux soirs par semaine")
    await until(emu, chat, has_button("p:dans 1 mois"))
    await emu.send_message(chat, "dans 10 jours")
    proposal = await until(emu, chat, has_button(CREATE))
    assert "Je vous propose 2 étapes" in text_of(proposal)
    assert "3 modules sur 6" in text_of(proposal)
    await emu.press_button(chat, CREATE)
    await until(emu, chat, says("/objectifs"))

    # The first milestone's reminder arrives; « fait » reaches it.
    first_milestone_due(app_url, chat)
    reminder = await until(emu, chat, says("C'est le jour de l'étape"))
    assert "« 3 modules sur 6 »" in text_of(reminder)
    await emu.send_message(chat, "fait")
    progress = await until(emu, chat, says("avance à 50 %"))
    assert "Étape franchie : « 3 modules sur 6 »" in text_of(progress)

    exported = cli("export", chat, databases)
    [swot] = exported["swot"]
    assert recurring in swot["weaknesses"]
    assert "Rigueur et sens de l'organisation" in swot["strengths"]
    [goal] = exported["goals"]
    assert goal["title"] == "Progresser en SQL"
    assert goal["progress"] == 50 and goal["status"] == "active"
    assert goal["theme"] == "technical_skills"
    first, last = goal["milestones"]
    assert first["title"] == "3 modules sur 6" and first["done_at"]
    assert last["title"] == "6 modules sur 6 : objectif atteint" and not last["done_at"]


async def test_a_goal_managed_from_its_buttons(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    """/objectifs → a goal's buttons: progress through the edit form, a new deadline that
    moves the remaining milestones, then set aside after a confirmation."""
    emu, chat = telegram, CHAT + 1
    await consent(emu, chat)
    await emu.send_message(
        chat,
        "objectif : terminer les 6 modules du cours SQL d'OpenClassrooms dans 1 mois, en "
        "commençant par m'inscrire ce soir",
    )
    await until(emu, chat, has_button(CREATE))
    await emu.press_button(chat, CREATE)
    await until(emu, chat, says("/objectifs"))
    [goal] = cli("export", chat, databases)["goals"]
    gid = goal["id"]

    async def goal_button(op: str) -> None:
        """/objectifs, the goal's card, then its ``op`` button (a pressed keyboard goes)."""
        manage = f'p:/goal_action{{"goal_op":"manage","goal_id":"{gid}"}}'
        await emu.send_command(chat, "/objectifs")
        listed = await until(emu, chat, has_button(manage))
        assert "Votre objectif en cours" in text_of(listed)
        await emu.press_button(chat, manage)
        wanted = f'p:/goal_action{{"goal_op":"{op}","goal_id":"{gid}"}}'
        await until(emu, chat, has_button(wanted))
        await emu.press_button(chat, wanted)

    await goal_button("update")
    await until(emu, chat, says("Où en êtes-vous"))
    await emu.send_message(chat, "4/6")
    await until(emu, chat, says("avance à 67 %"))

    await goal_button("deadline")
    await until(emu, chat, says("Quelle nouvelle échéance"))
    await emu.send_message(chat, "dans 2 mois")
    # Rasa sends each paragraph as its own message: wait for the goal's card, the last one.
    moved = await until(emu, chat, says("avancement 67 %"))
    before = goal["deadline"]
    [goal] = cli("export", chat, databases)["goals"]
    assert goal["deadline"] > before
    open_steps = [m for m in goal["milestones"] if not m["done_at"]]
    assert open_steps and open_steps[-1]["due_on"] == goal["deadline"]
    assert goal["progress"] == 67 and "C'est noté, nouvelle échéance" in text_of(moved)

    await goal_button("abandon")
    await until(emu, chat, says("Mettre de côté"))
    await emu.press_button(chat, f'p:/goal_action{{"goal_op":"abandon_yes","goal_id":"{gid}"}}')
    await until(emu, chat, says("mis de côté"))
    [goal] = cli("export", chat, databases)["goals"]
    assert goal["status"] == "abandoned"
    reminders = cli("export", chat, databases)["reminders"]
    assert reminders and all(r["status"] == "cancelled" for r in reminders)
