"""The whole search end to end (real Rasa, action server, bot and Telegram emulator):
applications in progress and their nudges, the proof of job-search activity (PDF and CSV),
and a person living in another timezone.

1. An application told in a sentence, then an interview « <weekday> à 14h »: the two
   preparation nudges are reminder rows at the instants of coach/pipeline.py's rules (the day
   before at 10:00, one hour before), delivered naming the company with their buttons; the
   interview marked as held from /candidatures plans the debrief, delivered in turn; « Airbus
   m'a dit non » opens the rejection intake from what the application knows and the saved
   rejection continues that application's record.
2. /demarches for « Le mois dernier »: the name asked once, then a PDF and a CSV in the chat,
   read back from the emulator: the application of that month is in both, today's is not.
3. /fuseau at La Réunion: the local time confirmed; « demain à 10h » is 10:00 there (06:00
   UTC) the next local day, and delivered.

Expected instants, dates and periods are computed here by hand (zoneinfo and the calendar),
not with the functions under test. The tests move due dates to « now » instead of waiting:
the dispatcher, the buttons and Telegram delivery are the real ones. PostgreSQL pass only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pypdf
from harness import BotMessage, Emulator
from steps import cli, consent, make_due, no_quiet_hours, text_of, until
from test_intake_flow import FR_HOLIDAYS, MONTHS, WEEKDAYS, business_days_after, in_french

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
APPLICATION_CHAT = 5_551_000
REPORT_CHAT = 5_551_001
REUNION_CHAT = 5_551_002

Predicate = Callable[[BotMessage], bool]


def says(fragment: str) -> Predicate:
    return lambda m: fragment in (m["text"] or "")


def has_button(payload: str) -> Predicate:
    return lambda m: payload in m["buttons"]


async def until_all(emu: Emulator, chat: int, *wanted: Predicate) -> list[BotMessage]:
    """Collect bot messages until each predicate is met by one of them (any order)."""
    seen: list[BotMessage] = []
    while not all(any(p(m) for m in seen) for p in wanted):
        missing = next(p for p in wanted if not any(p(m) for m in seen))
        seen += await until(emu, chat, missing)
    return seen


def titled(message: BotMessage, title: str) -> str:
    """The callback data of the message's inline button titled ``title``."""
    for row in (message["reply_markup"] or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("text") == title:
                return str(button["callback_data"])
    raise AssertionError(f"no {title!r} button in {message['reply_markup']}")


def one(messages: list[BotMessage], predicate: Predicate) -> BotMessage:
    [found] = [m for m in messages if predicate(m)]
    return found


def document_named(suffix: str) -> Predicate:
    return lambda m: str((m["document"] or {}).get("filename") or "").endswith(suffix)


def paris_at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)


def stored(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def application_nudges(exported: dict, application_id: int) -> list[dict]:  # type: ignore[type-arg]
    return [
        r
        for r in exported["reminders"]
        if (r["payload"] or {}).get("application_id") == application_id
    ]


# --------------------------------------------------------------------------- 1. applications

#: Closed questions of the rejection intake, whichever order they come in.
INTAKE_ANSWERS = ("p:aujourd'hui", "p:1", "p:oui", "p:personne", "p:formal", "p:ca_va")


async def answer_intake(emu: Emulator, chat: int) -> list[BotMessage]:
    """Answer the intake's questions until the next steps are offered; returns everything
    the bot said on the way."""
    said: list[BotMessage] = []
    for _ in range(14):
        # Every question asked here has buttons (the opening line has none, and a « ? »).
        seen = await until(emu, chat, lambda m: bool(m["buttons"]))
        said += seen
        buttons = seen[-1]["buttons"]
        if "p:/ask_timing" in buttons:
            return said
        chosen = next((b for b in INTAKE_ANSWERS if b in buttons), None)
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
    raise AssertionError(f"the intake did not end: {text_of(said)}")


async def test_an_application_from_interview_nudges_to_its_rejection(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat, (app_url, _) = telegram, APPLICATION_CHAT, databases
    await consent(emu, chat)
    no_quiet_hours(app_url, chat)  # the nudges are made due now, at any hour of the night
    today = dt.datetime.now(PARIS).date()

    await emu.send_message(
        chat, "j'ai postulé chez Airbus pour le poste de technicienne qualité hier"
    )
    logged = await until(emu, chat, says("C'est noté : candidature chez Airbus"))
    yesterday = today - dt.timedelta(days=1)
    shown = text_of(logged)
    assert f"(technicienne qualité), envoyée {in_french(yesterday, today)}." in shown, shown
    # The follow-up: the 7th business day after the day it was sent (coach/pipeline.py).
    follow_up = business_days_after(yesterday, 7)
    assert f"une relance le {in_french(follow_up, today)}." in shown, shown
    exported = cli("export", chat, databases)
    [application] = exported["applications"]
    app_id = application["id"]
    assert application["applied_on"] == yesterday.isoformat()
    assert application["stage"] == "sent"
    [follow_up_row] = [
        r for r in application_nudges(exported, app_id) if r["kind"] == "application_follow_up"
    ]
    assert stored(follow_up_row["due_at"]) == paris_at(follow_up, 10)

    # The first business day 2 to 6 days ahead, named by its weekday alone.
    day = next(
        today + dt.timedelta(days=n)
        for n in range(2, 7)
        if (today + dt.timedelta(days=n)).weekday() < 5
        and today + dt.timedelta(days=n) not in FR_HOLIDAYS
    )
    await emu.send_message(chat, f"j'ai un entretien chez Airbus {WEEKDAYS[day.weekday()]} à 14h")
    planned = await until(emu, chat, says("C'est noté : entretien chez Airbus"))
    shown = text_of(planned)
    assert f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} à 14 h" in shown, shown
    assert {"p:/ask_star", "p:/ask_interview_tips"} <= set(planned[-1]["buttons"])

    interview = paris_at(day, 14)
    exported = cli("export", chat, databases)
    [application] = exported["applications"]
    assert application["stage"] == "interview"
    assert stored(application["interview_at"]) == interview
    pending = {
        r["kind"]: stored(r["due_at"])
        for r in application_nudges(exported, app_id)
        if r["status"] == "pending"
    }
    # coach/pipeline.py: the day before at 10:00 local, and one hour (elapsed) before.
    assert pending["interview_prep"] == paris_at(day - dt.timedelta(days=1), 10)
    assert pending["interview_soon"] == interview - dt.timedelta(hours=1)
    assert pending["interview_soon"] == paris_at(day, 13)
    assert "application_follow_up" not in pending, "an interview makes the follow-up moot"

    assert make_due(app_url, chat, kinds=("interview_prep", "interview_soon")) == 2
    nudges = await until_all(
        emu, chat, says("Votre entretien chez Airbus approche"), says("dans une heure")
    )
    prep = one(nudges, says("approche"))
    soon = one(nudges, says("dans une heure"))
    assert soon["text"] is not None and "Votre entretien chez Airbus commence" in soon["text"]
    titled(prep, "Préparer une réponse (STAR)")
    tips = titled(prep, "Conseils d'entretien")
    assert titled(prep, "Fait").startswith("rem:done:")
    assert titled(soon, "Fait").startswith("rem:done:")
    assert len(soon["buttons"]) == 3, "one hour before: only Fait, Demain, Plus de rappels"
    # The interview advice is one tap away on the nudge.
    await emu.press_button(chat, tips, message_id=prep["message_id"])
    advice = await until(
        emu, chat, lambda m: any("interview:" in b for b in m["buttons"]) or says("valable")(m)
    )
    assert "plus valable" not in text_of(advice), text_of(advice)

    # The interview took place: marked from /candidatures, today.
    await emu.send_command(chat, "/candidatures")
    listed = await until(emu, chat, has_button(f"p:srch:app:{app_id}"))
    assert "Airbus — technicienne qualité : Entretien prévu" in text_of(listed), text_of(listed)
    await emu.press_button(chat, f"p:srch:app:{app_id}")
    await until(emu, chat, has_button(f"p:srch:mv:{app_id}:interviewed"))
    await emu.press_button(chat, f"p:srch:mv:{app_id}:interviewed")
    held = await until(emu, chat, says("entretien passé chez Airbus"))
    assert "p:/thank_you_note" in held[-1]["buttons"]
    exported = cli("export", chat, databases)
    assert exported["applications"][0]["stage"] == "interviewed"
    debriefs = [r for r in application_nudges(exported, app_id) if r["kind"] == "interview_debrief"]
    # The debrief planned for the day after the interview gives way to the day after today.
    assert {(r["status"], stored(r["due_at"])) for r in debriefs} == {
        ("cancelled", paris_at(day + dt.timedelta(days=1), 10)),
        ("pending", paris_at(today + dt.timedelta(days=1), 10)),
    }

    assert make_due(app_url, chat, kinds=("interview_debrief",)) == 1
    arrived = await until(emu, chat, says("Comment s'est passé votre entretien chez Airbus"))
    debrief = arrived[-1]
    titled(debrief, "Noter mon bilan")
    titled(debrief, "Mot de remerciement")

    # « Airbus m'a dit non »: the intake starts from the application, and continues it.
    await emu.send_message(chat, "Airbus m'a dit non")
    said = await answer_intake(emu, chat)
    shown = text_of(said)
    assert "Je retrouve votre candidature chez Airbus" in shown, shown
    assert "Quelle entreprise" not in shown and "Pour quel poste" not in shown
    assert "Jusqu'où" not in shown, "the interview held is known"

    exported = cli("export", chat, databases)
    [rejection] = exported["rejections"]
    assert rejection["company"] == "Airbus"
    assert rejection["position"] == "technicienne qualité"
    assert rejection["stage"] == "premier_entretien"
    [application] = exported["applications"]
    assert application["id"] == app_id, "the same record, not a second application"
    assert application["rejection_id"] == rejection["id"]
    assert application["stage"] == "rejected"
    still = [r["kind"] for r in application_nudges(exported, app_id) if r["status"] == "pending"]
    assert still == [], "a closed application keeps no nudge (no « sans réponse ? » later)"


# --------------------------------------------------------------------------- 2. démarches


async def test_the_proof_of_activity_for_last_month_as_pdf_and_csv(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, REPORT_CHAT
    await consent(emu, chat)
    today = dt.datetime.now(PARIS).date()
    last_day = today.replace(day=1) - dt.timedelta(days=1)  # of last month
    sent_on = last_day.replace(day=10)
    month = MONTHS[sent_on.month - 1]

    await emu.send_message(
        chat, f"j'ai postulé chez Thales pour le poste de soudeuse le 10 {month}"
    )
    logged = await until_all(
        emu, chat, says("C'est noté : candidature chez Thales"), says("Par quel moyen")
    )
    [application] = cli("export", chat, databases)["applications"]
    assert application["applied_on"] == sent_on.isoformat()
    await emu.press_button(chat, f"p:srch:ch:{application['id']}:email")
    await until(emu, chat, says("E-mail"))
    assert "Thales" in text_of(logged)
    # Today's application is not last month's.
    await emu.send_message(chat, "j'ai postulé chez Safran pour le poste de monteuse ce matin")
    await until(emu, chat, says("C'est noté : candidature chez Safran"))

    await emu.send_command(chat, "/demarches")
    await until(emu, chat, has_button("p:srch:per:1"))
    await emu.press_button(chat, "p:srch:per:1")  # « Le mois dernier »
    await until(emu, chat, says("À quel nom"))
    await emu.send_message(chat, "Camille Durand")
    is_pdf, is_csv = document_named(".pdf"), document_named(".csv")
    report = await until_all(emu, chat, says("Voici votre journal des démarches"), is_pdf, is_csv)

    period = f"du 1er au {last_day.day} {month} {last_day.year}"
    summary = text_of(report)
    assert f"Voici votre journal des démarches {period} : 1 démarche." in summary, summary
    assert "• Candidature envoyée : 1" in summary
    stem = f"journal-demarches-{last_day.replace(day=1).isoformat()}-au-{last_day.isoformat()}"
    pdf_marker = one(report, is_pdf)["document"]
    csv_marker = one(report, is_csv)["document"]
    assert pdf_marker is not None and csv_marker is not None
    assert pdf_marker["filename"] == f"{stem}.pdf" and csv_marker["filename"] == f"{stem}.csv"

    raw_csv = await emu.file_bytes(csv_marker["file_id"])
    assert raw_csv.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    lines = raw_csv.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == "" and len(lines) == 3, lines  # header, Thales, final CRLF
    rows = list(csv.reader(io.StringIO("\n".join(lines[:-1])), delimiter=";"))
    assert rows == [
        ["Date", "Démarche", "Entreprise ou organisme", "Poste", "Canal", "Précisions"],
        [sent_on.strftime("%d/%m/%Y"), "Candidature envoyée", "Thales", "soudeuse", "E-mail", ""],
    ]

    raw_pdf = await emu.file_bytes(pdf_marker["file_id"])
    assert raw_pdf.startswith(b"%PDF-")
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in pypdf.PdfReader(io.BytesIO(raw_pdf)).pages
    )
    for expected in ("Camille Durand", period, "Thales", "soudeuse", "Candidature envoyée"):
        assert expected in text, (expected, text)
    assert "Safran" not in text

    exported = cli("export", chat, databases)
    assert exported["user"]["signature_name"] == "Camille Durand", "asked once, kept"


# --------------------------------------------------------------------------- 3. timezone


def reunion_phrase(moment: dt.datetime) -> str:
    local = moment.astimezone(REUNION)
    day = "1er" if local.day == 1 else str(local.day)
    date = f"{WEEKDAYS[local.weekday()]} {day} {MONTHS[local.month - 1]}"
    return f"À La Réunion, il est {local.hour} h {local.minute:02d} ({date}, UTC+4)."


async def test_a_person_at_la_reunion_gets_reminders_at_local_time(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat, (app_url, _) = telegram, REUNION_CHAT, databases
    await consent(emu, chat)
    no_quiet_hours(app_url, chat)

    await emu.send_command(chat, "/fuseau")
    asked = await until(emu, chat, says("Où êtes-vous"))
    assert "p:srch:tz:Indian/Reunion" in asked[-1]["buttons"]
    before = dt.datetime.now(dt.UTC)
    await emu.send_message(chat, "je suis à la Réunion")
    confirmed = await until(emu, chat, says("je me règle sur l'heure"))
    after = dt.datetime.now(dt.UTC)
    shown = text_of(confirmed)
    assert "C'est noté : je me règle sur l'heure de La Réunion." in shown, shown
    assert reunion_phrase(before) in shown or reunion_phrase(after) in shown, shown
    assert cli("export", chat, databases)["user"]["timezone"] == "Indian/Reunion"

    tomorrow = dt.datetime.now(REUNION).date() + dt.timedelta(days=1)
    await emu.send_message(chat, "rappelle-moi demain à 10h de relancer Decathlon")
    confirm = await until(emu, chat, says("C'est noté"))
    assert "« relancer Decathlon »" in text_of(confirm), text_of(confirm)
    assert "10 h" in text_of(confirm)
    [reminder] = cli("export", chat, databases)["reminders"]
    due = stored(reminder["due_at"])
    # La Réunion is UTC+4 all year round: 10:00 there is 06:00 UTC.
    assert due == dt.datetime.combine(tomorrow, dt.time(6, 0), tzinfo=dt.UTC), due
    assert due.astimezone(REUNION).time() == dt.time(10, 0)

    assert make_due(app_url, chat) == 1
    arrived = await until(emu, chat, says("Petit rappel"))
    assert arrived[-1]["text"] == "Petit rappel : relancer Decathlon"
    [reminder] = cli("export", chat, databases)["reminders"]
    assert reminder["status"] == "sent"
