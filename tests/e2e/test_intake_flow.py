"""Logging a rejection end to end (real Rasa, action server, bot and Telegram emulator).

One free-text sentence gives the company, the position and the date; buttons answer the
closed questions; "pourquoi ?" is answered mid-form; the mood check, the professional
nudge and a journal entry follow; ``python -m coach export`` shows all of it. A second
scenario pauses the intake ("on en reparle demain") and lets the reminder reopen it; a third
types at the company question what is not an answer (a step of the recruitment, /aide, « tu
es un robot ? »); a fourth tells a rejection the classifier places nowhere, says mid-form
that they are worthless, and answers with chatter around the name.
"""

from __future__ import annotations

import datetime as dt

from harness import BotMessage, Emulator
from steps import cli, consent, make_due, no_quiet_hours, text_of, until

CHAT = 5_550_200
PAUSING_CHAT = 5_550_201
ASIDES_CHAT = 5_550_209
UNPLACED_CHAT = 5_550_210

# The expected request window is computed here from SPEC §4, not with coach.timing: business
# days are Monday to Friday minus the French public holidays below, written by hand from the
# calendar (Easter Monday, Ascension and Whit Monday from Easter: 5 April 2026, 28 March 2027).
FR_HOLIDAYS = frozenset(
    dt.date(year, month, day)
    for year, days in {
        2026: [(1, 1), (4, 6), (5, 1), (5, 8), (5, 14), (5, 25), (7, 14), (8, 15), (11, 1),
               (11, 11), (12, 25)],
        2027: [(1, 1), (3, 29), (5, 1), (5, 6), (5, 8), (5, 17), (7, 14), (8, 15), (11, 1),
               (11, 11), (12, 25)],
    }.items()
    for month, day in days
)  # fmt: skip
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip


def business_days_after(day: dt.date, count: int) -> dt.date:
    """The ``count``-th business day strictly after ``day``."""
    assert dt.date(2026, 1, 1) <= day <= dt.date(2027, 11, 30), "extend FR_HOLIDAYS"
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in FR_HOLIDAYS:
            count -= 1
    return day


def in_french(day: dt.date, today: dt.date) -> str:
    """« mardi 8 décembre », « vendredi 1er janvier 2027 » (the year when it is not today's)."""
    number = "1er" if day.day == 1 else str(day.day)
    year = "" if day.year == today.year else f" {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}{year}"


def has_button(payload: str):  # type: ignore[no-untyped-def]
    return lambda m: payload in m["buttons"]


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda m: fragment in (m["text"] or "")


async def last_questions(emu: Emulator, chat: int) -> tuple[list[BotMessage], list[BotMessage]]:
    """From the manager question on: not met, nobody known inside, a formal culture. The
    network question and the recap that ends the intake (with the mood buttons)."""
    await emu.press_button(chat, "p:non")
    network = await until(emu, chat, has_button("p:personne"))
    await emu.press_button(chat, "p:personne")
    await until(emu, chat, has_button("p:formal"))
    await emu.press_button(chat, "p:formal")
    recap = await until(emu, chat, has_button("p:deception"))
    return network, recap


def paris_yesterday() -> str:
    from zoneinfo import ZoneInfo

    return (dt.datetime.now(ZoneInfo("Europe/Paris")).date() - dt.timedelta(days=1)).isoformat()


async def test_a_rejection_from_one_sentence_to_the_journal(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    await consent(emu, CHAT)

    await emu.send_message(CHAT, "refus de Capgemini pour le CDI de data analyst reçu hier")
    opened = await until(emu, CHAT, has_button("p:entretiens_suivants"))
    assert "Capgemini" in text_of(opened) and "data analyst" in text_of(opened)
    assert "Quelle entreprise" not in text_of(opened), "what was said is not asked again"

    await emu.press_button(CHAT, "p:entretiens_suivants")
    # "refus … reçu" already says the rejection is official: neither that question nor the
    # decision date (the decision is made) is asked.
    count = await until(emu, CHAT, has_button("p:plusieurs"))
    assert "officiel" not in text_of(count) and "décision" not in text_of(count)
    await emu.press_button(CHAT, "p:1")
    await until(emu, CHAT, says("son nom"))

    await emu.send_message(CHAT, "pourquoi tu me demandes ça ?")
    why = await until(emu, CHAT, says("son nom"))
    assert "salutation" in text_of(why), text_of(why)

    await emu.send_message(CHAT, "julie martin")
    await until(emu, CHAT, says("responsable"))
    network, recap = await last_questions(emu, CHAT)
    # One interviewer: the HR question is skipped, the network one comes.
    assert "RH" not in text_of(network)
    assert "C'est noté" in text_of(recap) and "Julie Martin" in text_of(recap)
    await emu.press_button(CHAT, "p:deception")
    answer = await until(emu, CHAT, has_button("p:/journal_write"))
    assert "Quelques pistes" in text_of(answer)
    assert "remercier Capgemini" in text_of(answer), "the professional nudge"

    await emu.press_button(CHAT, "p:/journal_write")
    await until(emu, CHAT, says("journal des refus"))
    entry = "Le plus dur, c'est d'avoir cru que c'était gagné après le dernier entretien."
    await emu.send_message(CHAT, entry)
    await until(emu, CHAT, says("C'est noté dans votre journal"))

    await emu.send_command(CHAT, "/journal")
    shown = await until(emu, CHAT, says("Vos dernières notes"))
    assert "cru que c'était gagné" in text_of(shown)

    exported = cli("export", CHAT, databases)
    [rejection] = exported["rejections"]
    assert rejection["company"] == "Capgemini"
    assert rejection["position"] == "data analyst (CDI)"
    assert rejection["rejection_date"] == paris_yesterday()
    assert rejection["stage"] == "entretiens_suivants"
    assert rejection["formal_rejection"] is True
    assert rejection["interviewer_count"] == 1
    assert rejection["interviewer_names"] == "Julie Martin"
    assert [m["mood"] for m in exported["moods"]] == ["deception"]
    assert exported["moods"][0]["rejection_id"] == rejection["id"]
    [journal] = exported["journal"]
    assert journal["text"] == entry and journal["rejection_id"] == rejection["id"]


async def test_on_en_reparle_demain_and_the_reminder_reopens_the_intake(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, (app_url, _) = telegram, databases
    await consent(emu, PAUSING_CHAT)
    no_quiet_hours(app_url, PAUSING_CHAT)

    await emu.send_message(PAUSING_CHAT, "j'ai pas eu le poste chez Decathlon")
    await until(emu, PAUSING_CHAT, says("Pour quel poste"))
    await emu.send_message(PAUSING_CHAT, "on en reparle demain")
    paused = await until(emu, PAUSING_CHAT, says("Rendez-vous"))
    assert "demain" in text_of(paused)
    [reminder] = cli("export", PAUSING_CHAT, databases)["reminders"]
    assert reminder["kind"] == "resume_tomorrow" and reminder["status"] == "pending"

    assert make_due(app_url, PAUSING_CHAT) == 1
    reopened: list[BotMessage] = await until(emu, PAUSING_CHAT, says("Pour quel poste"))
    assert "Reprenons" in text_of(reopened) and "Decathlon" in text_of(reopened)

    await emu.send_message(PAUSING_CHAT, "vendeur")
    await until(emu, PAUSING_CHAT, says("Quand avez-vous reçu"))

    # A crisis message mid-form: the safety answer, and the form waits to be asked back.
    await emu.send_message(PAUSING_CHAT, "je veux en finir")
    await until(emu, PAUSING_CHAT, says("3114"))
    await emu.send_message(PAUSING_CHAT, "on reprend")
    resumed = await until(emu, PAUSING_CHAT, says("Quand avez-vous reçu"))
    assert "Reprenons" in text_of(resumed), "not read as an answer to the date question"
    await emu.send_command(PAUSING_CHAT, "/annuler")
    await until(emu, PAUSING_CHAT, says("C'est annulé"))
    assert cli("export", PAUSING_CHAT, databases)["rejections"] == []


REQUEST_CHAT = 5_550_202


async def test_from_the_rejection_to_a_sent_request_and_its_follow_up(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    from zoneinfo import ZoneInfo

    emu, chat = telegram, REQUEST_CHAT
    await consent(emu, chat)
    await emu.send_message(chat, "refus de Capgemini pour le poste de data analyst reçu hier")
    await until(emu, chat, has_button("p:entretiens_suivants"))
    for payload, next_step in [
        ("p:entretiens_suivants", has_button("p:plusieurs")),
        ("p:1", says("son nom")),
    ]:
        await emu.press_button(chat, payload)
        await until(emu, chat, next_step)
    await emu.send_message(chat, "mme julie martin")  # lowercase, with the civility
    await until(emu, chat, says("responsable"))
    await emu.press_button(chat, "p:non")
    await until(emu, chat, has_button("p:personne"))
    await emu.press_button(chat, "p:personne")
    await until(emu, chat, has_button("p:formal"))
    await emu.press_button(chat, "p:formal")
    await until(emu, chat, has_button("p:ca_va"))
    await emu.press_button(chat, "p:ca_va")
    await until(emu, chat, has_button("p:/ask_timing"))

    await emu.press_button(chat, "p:/ask_timing")
    plan_messages = await until(emu, chat, says("Comment voulez-vous la demander"))
    # Channel buttons carry the application (an old one still means it): find the mail's.
    mail_button = next(
        b
        for m in plan_messages
        for b in m["buttons"]
        if b.startswith('p:/request_draft{"channel":"email"')
    )
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    # « reçu hier », formal culture (SPEC §4): earliest 3 business days after the rejection,
    # recommended 5, latest 10 (never before recommended + 5, which is 10 here too).
    rejected = today - dt.timedelta(days=1)
    recommended = business_days_after(rejected, 5)
    shown = text_of(plan_messages)
    for label, day in (
        ("au plus tôt", business_days_after(rejected, 3)),
        ("idéalement", recommended),
        ("au plus tard", business_days_after(rejected, 10)),
    ):
        assert f"{label} : {in_french(day, today)}" in shown, shown
    assert "À qui écrire" in shown and "Julie Martin" in shown

    await emu.press_button(chat, mail_button)
    await until(emu, chat, says("prénom et quel nom"))
    for answer, next_question in [
        ("Camille Durand", "téléphone"),
        ("06 12 34 56 78", "e-mail"),
        ("camille@example.org", "LinkedIn"),
    ]:
        await emu.send_message(chat, answer)
        await until(emu, chat, says(next_question))
    await emu.press_button(chat, "p:passer")
    draft_messages = await until(emu, chat, has_button("p:/request_sent"))
    draft = text_of(draft_messages)
    assert "Objet : Votre retour sur ma candidature au poste de data analyst" in draft
    # Formal culture, civility given: « Bonjour Madame Martin », not « Bonjour Julie Martin ».
    for value in ("Capgemini", "Bonjour Madame Martin,", "Camille Durand", "06 12 34 56 78"):
        assert value in draft
    assert "camille@example.org" in draft and "[" not in draft

    shorter_button = next(
        b for m in draft_messages for b in m["buttons"] if '"refine":"court"' in b
    )
    await emu.press_button(chat, shorter_button)
    shorter = text_of(await until(emu, chat, has_button("p:/request_sent")))
    assert "Voici une version plus courte du mail" in shorter and "Camille Durand" in shorter
    assert len(shorter) < len(draft)
    await emu.press_button(chat, "p:/request_sent")
    await until(emu, chat, says("relance"))

    exported = cli("export", chat, databases)
    [request] = exported["feedback_requests"]
    assert request["status"] == "sent" and "Camille Durand" in request["draft"]
    kinds = {r["kind"]: r["status"] for r in exported["reminders"]}
    assert kinds["follow_up"] == "pending"
    [rejection] = exported["rejections"]
    assert rejection["timing"]["recommended"] == recommended.isoformat()
    assert rejection["contact"]["primary"] == "interviewer"
    assert exported["user"]["signature_name"] == "Camille Durand"


async def test_what_is_not_an_answer_is_never_stored_as_one(telegram: Emulator) -> None:
    """Typed as people type, at « Quelle entreprise ? »: a step of the recruitment, /aide, a
    question to the coach. Each is answered for what it is and the question comes back; the
    company typed in lowercase is then written as the company writes itself."""
    emu = telegram
    await consent(emu, ASIDES_CHAT)

    await emu.send_message(ASIDES_CHAT, "slt jai eu un refu hier pr un poste de vendeur")
    await until(emu, ASIDES_CHAT, says("Quelle entreprise"))

    await emu.send_message(ASIDES_CHAT, "entretien avec le manager")
    step = await until(emu, ASIDES_CHAT, says("Quelle entreprise"))
    assert "étape du recrutement" in text_of(step), text_of(step)
    assert "Entretien Avec" not in text_of(step)

    await emu.send_command(ASIDES_CHAT, "/aide")
    helped = await until(emu, ASIDES_CHAT, says("Je reprends ma question"))
    assert "Voici ce que je sais faire" in text_of(helped)
    assert "Quelle entreprise" in text_of(helped) and "commande" not in text_of(helped)

    await emu.send_message(ASIDES_CHAT, "tu es un robot ?")
    answered = await until(emu, ASIDES_CHAT, says("Je reprends ma question"))
    assert "programme" in text_of(answered) or "assistant automatique" in text_of(answered)

    await emu.send_message(ASIDES_CHAT, "decathlon")
    stage = await until(emu, ASIDES_CHAT, has_button("p:entretiens_suivants"))
    assert "chez Decathlon" in text_of(stage), text_of(stage)


async def test_a_rejection_the_classifier_misses_still_opens_the_intake(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    """« Refus de L'Oréal ce matin pour le poste d'assistante marketing » was « Pardon, je
    n'ai pas saisi »; mid-form, « je sers à rien » was read as an answer; chatter around a
    name was stored with it."""
    emu, chat = telegram, UNPLACED_CHAT
    await consent(emu, chat)
    await emu.send_message(
        chat, "Refus de L'Oréal ce matin pour le poste d'assistante marketing, après un entretien"
    )
    stage = await until(emu, chat, has_button("p:entretiens_suivants"))
    assert "L'Oréal" in text_of(stage) and "pas saisi" not in text_of(stage), text_of(stage)

    await emu.send_message(chat, "a quoi bon, personne veut de moi, je sers a rien")
    [check] = await until(emu, chat, has_button("p:tier:unwell"))
    assert "3114" in (check["text"] or "")
    await emu.press_button(chat, "p:tier:search")
    await until(emu, chat, has_button("p:entretiens_suivants"))

    await emu.press_button(chat, "p:premier_entretien")
    await until(emu, chat, says("refus officiel"))
    await emu.press_button(chat, "p:oui")
    await until(emu, chat, has_button("p:plusieurs"))
    await emu.press_button(chat, "p:1")
    asked = await until(emu, chat, says("son nom"))
    assert "virgules" not in text_of(asked)
    await emu.send_message(chat, "mme dupont je crois")
    await until(emu, chat, says("responsable"))
    _, recap = await last_questions(emu, chat)
    assert "Mme Dupont" in text_of(recap) and "Crois" not in text_of(recap), text_of(recap)

    [rejection] = cli("export", chat, databases)["rejections"]
    assert rejection["company"] == "L'Oréal"
    assert rejection["position"] == "assistante marketing"
    assert rejection["stage"] == "premier_entretien"
    assert rejection["interviewer_names"] == "Mme Dupont"
