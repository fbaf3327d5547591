"""The whole search, run by the bot itself: applications in progress (« mes candidatures »),
steps taken outside Rebond, the proof of job-search activity (« journal des démarches »,
PDF and CSV), and the person's timezone.

Rasa only says what a message is (data/nlu/search.yml: ``log_application``,
``application_news``, ``ask_applications``, ``ask_activity_report``, ``log_activity``,
``set_timezone``) and answers with a directive; the bot reads the details from the text
itself (coach/language/pipeline_text.py, coach/activity_report.py, coach/timezones.py) and
keeps the records (coach/pipeline.py). So a company, a period or a place never has to be an
entity Rasa extracts, and nothing the person typed is stored in a slot.

A question the bot asks here (which period, which place, which position) is remembered on
the person's row (``User.awaiting``, a few minutes): the typed answer comes back to
:func:`answer_awaited` before Rasa (bot/relay.py). An answer that does not fit lets the
message go on to Rasa as usual, so nobody is stuck in a question.

Buttons carry ``srch:`` payloads (at most 62 bytes, bot/telegram_app.py), handled by
:func:`handle_button` without a Rasa turn. Every function here takes a ``sessionmaker``,
the Telegram user id, what to do, the typed text (None for a button, a command or a turn
replayed after a crash) and ``now``; each runs in a worker thread. Nothing here logs what
the person wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session, sessionmaker

from bot.rendering import Button, Reply
from coach import activity_report as report
from coach import pipeline, timezones
from coach.applications import Ambiguous, Match, Unknown
from coach.db import transaction
from coach.language.dates import format_date_fr
from coach.language.fold import words
from coach.language.periods import PeriodRefused, describe_period, parse_period
from coach.language.pipeline_text import at_company, read_application, read_stage_news
from coach.language.times import ParsedWhen, parse_when
from coach.language.writing import company as company_name
from coach.models import JobApplication, User
from coach.reminders import user_day, user_zone
from coach.users import find_user

log = logging.getLogger(__name__)

PREFIX: Final = "srch:"
DIRECTIVES: Final = frozenset(
    {
        "log_application",
        "application_news",
        "applications",
        "activity_report",
        "log_activity",
        "timezone",
    }
)

NO_ACCOUNT: Final = (
    "Je n'ai pas encore de compte à votre nom. Tapez /start pour commencer, et je vous "
    "explique ce que je garde."
)
EXPIRED: Final = (
    "Ce bouton ne correspond plus à rien, excusez-moi. Tapez /candidatures, /demarches ou "
    "/fuseau pour reprendre."
)

#: Places offered as buttons when the person has not named one yet (zone → how it is named;
#: America/Toronto is Montréal's zone, and the people we serve there say Montréal).
COMMON_PLACES: Final = {
    "Europe/Paris": "France métropolitaine",
    "Indian/Reunion": "La Réunion",
    "America/Guadeloupe": "Guadeloupe",
    "America/Martinique": "Martinique",
    "America/Toronto": "Montréal",
    "Europe/Brussels": "Belgique",
    "Europe/Zurich": "Suisse",
    "Africa/Casablanca": "Maroc",
}
MAX_CHOICES: Final = 6


def is_search_payload(payload: str) -> bool:
    return payload.startswith(PREFIX)


def _wait_for(user: User, question: str | None, now: dt.datetime) -> None:
    user.awaiting = question
    user.awaiting_since = now if question is not None else None


# --------------------------------------------------------------------------- entry points

Step = Callable[[Session, User, str | None, dt.datetime], list[Reply]]


def run_directive(
    sessions: sessionmaker[Session],
    telegram_user_id: int,
    directive: str,
    text: str | None,
    *,
    now: dt.datetime,
) -> list[Reply]:
    """What Rasa's directive asks, for this person and the turn's typed text."""
    steps: dict[str, Step] = {
        "timezone": _timezone,
        "activity_report": _activity_report,
        "log_activity": _log_activity,
        "log_application": _log_application,
        "application_news": _application_news,
        "applications": _applications,
    }
    step = steps.get(directive)
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return [Reply(text=NO_ACCOUNT)]
        if step is None:
            return [Reply(text=EXPIRED)]
        return step(session, user, text, now)


def drop_awaited(sessions: sessionmaker[Session], telegram_user_id: int) -> None:
    """Forget the bot's own pending question: the conversation moved on from our side (a
    reminder opened another one), so the next typed text is not its answer."""
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is not None and user.awaiting is not None:
            _wait_for(user, None, dt.datetime.now(dt.UTC))


def answer_awaited(
    sessions: sessionmaker[Session],
    telegram_user_id: int,
    awaiting: str,
    text: str | None,
    *,
    now: dt.datetime,
) -> list[Reply] | None:
    """The typed answer to the bot's own question ``awaiting``; None when the text does not
    answer it (the question is dropped and the text goes on to Rasa)."""
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None or user.awaiting != awaiting:
            return None
        _wait_for(user, None, now)
        if text is None:
            return None
        if awaiting == "place":
            match = timezones.find_zone(text)
            return None if match is None else _zone_found(session, user, match, now)
        if awaiting == "period":
            return _report_for_text(session, user, text, now, ask_again=False)
        if awaiting.startswith("name:"):
            return _report_name_given(session, user, awaiting, text, now)
        if awaiting.startswith("position:"):
            return _position_given(session, user, awaiting, text, now)
        if awaiting.startswith("when:"):
            return _when_given(session, user, awaiting, text, now)
        return None


def handle_button(
    sessions: sessionmaker[Session],
    telegram_user_id: int,
    payload: str,
    _text: str | None,
    *,
    now: dt.datetime,
) -> list[Reply]:
    """One ``srch:`` button."""
    parts = payload.removeprefix(PREFIX).split(":", 1)
    action, arg = parts[0], (parts[1] if len(parts) > 1 else "")
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return [Reply(text=NO_ACCOUNT)]
        if action == "tz":
            return _zone_chosen(session, user, arg, now)
        if action == "tzask":
            return _ask_place(user, now)
        if action == "per" and arg.isdigit() and int(arg) < len(report.PERIOD_CHOICES):
            _title, words = report.PERIOD_CHOICES[int(arg)]
            return _report_for_text(session, user, words, now, ask_again=True) or []
        if action in APPLICATION_BUTTONS:
            return _application_button(session, user, action, arg, now)
        if action == "undo" and arg.isdigit():
            removed = report.remove_activity(session, user, int(arg))
            return [Reply(text=STEP_REMOVED if removed else STEP_GONE)]
        return [Reply(text=EXPIRED)]


# --------------------------------------------------------------------------- timezone

ZONE_SET: Final = "C'est noté : je me règle sur l'heure {where}. {local}"
ZONE_SAME: Final = "Vous êtes déjà sur l'heure {where}. {local}"
ZONES_MOVED: Final = (
    " Vos rappels à venir gardent leur jour et leur heure, désormais à votre heure locale."
)
ZONE_WRONG: Final = "Ce n'est pas la bonne heure"
ASK_PLACE: Final = (
    "Je suis réglé sur l'heure {where}. {local}\n\nOù êtes-vous ? Écrivez la ville ou le "
    "territoire (par exemple « Montréal », « La Réunion », « Bruxelles »), ou choisissez :"
)
WHICH_PLACE: Final = "Plusieurs lieux portent ce nom. Lequel est le vôtre ?"
CHECK_PLACE: Final = "Vouliez-vous dire {where} ? {local}"


ZONE_OFFER: Final = (
    "Une question pratique, pour que mes rappels arrivent à la bonne heure : je suis réglé "
    "sur l'heure {where}. {local} Où vivez-vous ?"
)
ZONE_OFFER_PLACE: Final = (
    "Une question pratique, pour que mes rappels arrivent à la bonne heure : voulez-vous que "
    "je me règle sur l'heure {where} ? {local}"
)
ZONE_KEEP: Final = "Non, je reste sur l'heure {where}"


def offer_zone(
    sessions: sessionmaker[Session],
    telegram_user_id: int,
    text: str,
    *,
    default_zone: str,
    now: dt.datetime,
) -> list[Reply]:
    """Once, in the first messages after consent: when the words suggest the person lives
    outside the default zone (« je vis à Montréal », « décalage horaire »…), the question
    of where they are, with the place they named as a one-tap answer. Nothing when the
    question was already offered, the zone was changed, or the words say nothing of it."""
    with transaction(sessions) as session:
        user = find_user(session, telegram_user_id)
        if (
            user is None
            or user.zone_offered_at is not None
            or user.timezone != default_zone
            or now - user.consent_at > timezones.OFFER_WINDOW
            or not timezones.suggests_elsewhere(None, [text])
        ):
            return []
        user.zone_offered_at = now
        here = _place(user.timezone)
        match = timezones.find_zone(text)
        place = match.place if match is not None else None
        if place is not None and place.zone != user.timezone:
            local = timezones.local_time_phrase(place, now)
            buttons = (
                Button("Oui", f"{PREFIX}tz:{place.zone}"),
                Button("Un autre lieu", f"{PREFIX}tzask"),
                Button(ZONE_KEEP.format(where=timezones.of_place(here)), f"{PREFIX}tz:{here.zone}"),
            )
            where = timezones.of_place(place)
            return [Reply(text=ZONE_OFFER_PLACE.format(where=where, local=local), buttons=buttons)]
        reply = _ask_place(user, now)[0]
        local = timezones.local_time_phrase(here, now)
        return [
            Reply(
                text=ZONE_OFFER.format(where=timezones.of_place(here), local=local),
                buttons=reply.buttons,
            )
        ]


def _timezone(session: Session, user: User, text: str | None, now: dt.datetime) -> list[Reply]:
    match = timezones.find_zone(text) if text else None
    if match is None:
        return _ask_place(user, now)
    return _zone_found(session, user, match, now)


def _ask_place(user: User, now: dt.datetime) -> list[Reply]:
    place = _place(user.timezone)
    buttons = tuple(
        Button(name, f"{PREFIX}tz:{zone}")
        for zone, name in COMMON_PLACES.items()
        if zone != user.timezone
    )
    _wait_for(user, "place", now)
    local = timezones.local_time_phrase(place, now)
    return [
        Reply(text=ASK_PLACE.format(where=timezones.of_place(place), local=local), buttons=buttons)
    ]


def _zone_found(
    session: Session, user: User, match: timezones.ZoneMatch, now: dt.datetime
) -> list[Reply]:
    place = match.place
    if place is None:
        buttons = tuple(
            Button(candidate.label, f"{PREFIX}tz:{candidate.zone}")
            for candidate in match.places[:MAX_CHOICES]
        )
        return [Reply(text=WHICH_PLACE, buttons=buttons)]
    if match.corrected:
        local = timezones.local_time_phrase(place, now)
        buttons = (
            Button("Oui", f"{PREFIX}tz:{place.zone}"),
            Button("Non, un autre lieu", f"{PREFIX}tzask"),
        )
        return [Reply(text=CHECK_PLACE.format(where=place.where, local=local), buttons=buttons)]
    return _set_zone(session, user, place, now)


def _zone_chosen(session: Session, user: User, zone: str, now: dt.datetime) -> list[Reply]:
    try:
        place = _place(zone)
    except (ValueError, ZoneInfoNotFoundError):
        return [Reply(text=EXPIRED)]
    return _set_zone(session, user, place, now, zone=zone)


def _place(zone: str) -> timezones.Place:
    """How a stored zone is named to the person (ValueError for an unknown zone)."""
    named = COMMON_PLACES.get(zone)
    match = timezones.find_zone(named) if named else None
    if match is not None and match.place is not None and match.place.zone == zone:
        return match.place
    ZoneInfo(zone)  # an unknown zone name raises here, before anything is shown
    return timezones.place_for_zone(zone)


def _set_zone(
    session: Session,
    user: User,
    place: timezones.Place,
    now: dt.datetime,
    *,
    zone: str | None = None,
) -> list[Reply]:
    wanted = zone or place.zone
    local = timezones.local_time_phrase(place, now)
    _wait_for(user, None, now)
    wrong = (Button(ZONE_WRONG, f"{PREFIX}tzask"),)
    if wanted == user.timezone:
        return [
            Reply(
                text=ZONE_SAME.format(where=timezones.of_place(place), local=local), buttons=wrong
            )
        ]
    try:
        moved = timezones.set_timezone(session, user, wanted, now=now)
    except ValueError:
        return [Reply(text=EXPIRED)]
    text = ZONE_SET.format(where=timezones.of_place(place), local=local) + (
        ZONES_MOVED if moved else ""
    )
    return [Reply(text=text, buttons=wrong)]


# --------------------------------------------------------------------------- proof of activity

ASK_PERIOD: Final = (
    "Je prépare votre journal des démarches, en PDF à transmettre et en tableau (CSV) à ouvrir "
    "dans Excel. Sur quelle période ? Choisissez, ou écrivez-la (par exemple « depuis le "
    "1er novembre » ou « d'octobre à décembre »)."
)
ASK_NAME: Final = (
    "À quel nom dois-je établir le document ? Écrivez votre prénom et votre nom, tels que "
    "France Travail les connaît."
)
NAME_UNCLEAR: Final = (
    "Je n'ai pas pu lire un nom dans votre message. Tapez /demarches pour recommencer quand "
    "vous voulez."
)
NOTHING_IN_PERIOD: Final = (
    "Je n'ai aucune démarche notée {period}. Si vous en avez fait en dehors de nos échanges, "
    "racontez-les-moi (par exemple « lundi, atelier CV à France Travail ») : je les ajoute "
    "à votre journal."
)
REPORT_READY: Final = (
    "Voici votre journal des démarches {period} : {count}.\n{detail}\n\nLe PDF est prêt à "
    "transmettre ; le tableau s'ouvre dans Excel ou LibreOffice. Il ne contient que ce que "
    "vous m'avez confié : relisez-le avant de l'envoyer."
)
MAX_NAME: Final = 80


def _today(user: User, now: dt.datetime) -> dt.date:
    return user_day(user, now)


def _activity_report(
    session: Session, user: User, text: str | None, now: dt.datetime
) -> list[Reply]:
    if text:
        made = _report_for_text(session, user, text, now, ask_again=True)
        if made is not None:
            return made
    return _ask_period(user, now)


def _ask_period(user: User, now: dt.datetime) -> list[Reply]:
    _wait_for(user, "period", now)
    buttons = tuple(
        Button(title, f"{PREFIX}per:{index}")
        for index, (title, _words) in enumerate(report.PERIOD_CHOICES)
    )
    return [Reply(text=ASK_PERIOD, buttons=buttons)]


def _report_for_text(
    session: Session, user: User, text: str, now: dt.datetime, *, ask_again: bool
) -> list[Reply] | None:
    """The report for the period ``text`` names; a refused period says why and asks again;
    None when ``text`` names no period (``ask_again``: ask for one instead)."""
    try:
        period = parse_period(text, _today(user, now))
    except PeriodRefused as refused:
        return [Reply(text=refused.message), *_ask_period(user, now)]
    if period is None:
        return _ask_period(user, now) if ask_again else None
    start, end = period
    name = report.report_name(user)
    if name is None:
        _wait_for(user, f"name:{start.isoformat()}:{end.isoformat()}", now)
        return [Reply(text=ASK_NAME)]
    return _report(session, user, name, start, end, now)


def _report_name_given(
    session: Session, user: User, awaiting: str, text: str, now: dt.datetime
) -> list[Reply] | None:
    try:
        _tag, first, last = awaiting.split(":")
        start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return None
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME or not any(c.isalpha() for c in name):
        return [Reply(text=NAME_UNCLEAR)]
    # The name of the signature (coach.drafts) too: the person is asked it once.
    user.signature_name = name
    return _report(session, user, name, start, end, now)


def _report(
    session: Session, user: User, name: str, start: dt.date, end: dt.date, now: dt.datetime
) -> list[Reply]:
    _wait_for(user, None, now)
    rows = report.collect(session, user, start, end, now=now)
    period = describe_period(start, end)
    if not rows:
        return [Reply(text=NOTHING_IN_PERIOD.format(period=period))]
    counts = report.totals(rows)
    detail = "\n".join(f"• {report.KINDS[kind]} : {n}" for kind, n in counts.items() if n)
    stem = report.file_stem(start, end)
    pdf = report.render_pdf(rows, name=name, start=start, end=end, generated_on=_today(user, now))
    csv = report.render_csv(rows)
    total = f"{len(rows)} démarche{'s' if len(rows) > 1 else ''}"
    return [
        Reply(text=REPORT_READY.format(period=period, count=total, detail=detail)),
        Reply(document=pdf, document_name=f"{stem}.pdf"),
        Reply(document=csv, document_name=f"{stem}.csv"),
    ]


# --------------------------------------------------------------------------- steps outside

STEP_UNCLEAR: Final = (
    "Je n'ai pas bien saisi la démarche. Dites-la-moi avec ce que c'était et le jour, par "
    "exemple « lundi, atelier CV à France Travail » ou « salon de l'emploi jeudi »."
)
STEP_ADDED: Final = "C'est noté dans votre journal des démarches : {what}, {day}."
STEP_REMOVED: Final = "C'est retiré de votre journal des démarches."
STEP_GONE: Final = "Cette démarche n'est déjà plus dans votre journal."
UNDO: Final = "Annuler"


def _log_activity(session: Session, user: User, text: str | None, now: dt.datetime) -> list[Reply]:
    today = _today(user, now)
    step = report.read_external_activity(text, today) if text else None
    if step is None:
        return [Reply(text=STEP_UNCLEAR)]
    if step.day is None:
        return [Reply(text=step.date_message or STEP_UNCLEAR)]
    activity = report.add_activity(
        session,
        user,
        kind=step.kind,
        happened_on=step.day,
        company=step.organisation,
        position=step.position,
        channel=step.channel,
        note=step.note,
        today=today,
    )
    session.flush()
    what = step.note or report.KINDS.get(step.kind, report.KINDS["other"])
    if step.organisation and step.organisation not in what:
        what = f"{what} ({step.organisation})"
    day = format_date_fr(step.day, today=today)
    text_out = STEP_ADDED.format(what=what, day=day)
    return [Reply(text=text_out, buttons=(Button(UNDO, f"{PREFIX}undo:{activity.id}"),))]


# --------------------------------------------------------------------------- applications

APPLICATION_BUTTONS: Final = frozenset(
    {"list", "all", "app", "mv", "ch", "pick", "close", "keep", "fu", "fud"}
)
MAX_LISTED: Final = 8
STAGE_BUTTONS: Final = {
    "interview": "Entretien prévu",
    "interviewed": "Entretien passé",
    "test": "Test",
    "offer": "Offre",
    "rejected": "Refus",
    "no_answer": "Sans réponse",
    "withdrawn": "Je me retire",
}
CHANNEL_BUTTONS: Final = {
    "site": "Site",
    "email": "Mail",
    "network": "Réseau",
    "fair": "Salon",
    "spontaneous": "Spontanée",
    "agency": "Agence",
}

APPLICATION_HOW: Final = (
    "Dites-moi par exemple « j'ai postulé chez Airbus pour le poste de technicienne qualité "
    "hier » : je note la candidature et je vous fais signe s'il faut relancer."
)
APPLICATION_DATE: Final = (
    "Je n'ai pas su dater l'envoi de cette candidature. Redites-la-moi avec le jour, par "
    "exemple « hier » ou « le 2 décembre »."
)
APPLICATION_LOGGED: Final = "C'est noté : candidature {at}{position}, envoyée {day}."
FOLLOW_UP_PLANNED: Final = " Sans nouvelles d'ici là, je vous proposerai une relance le {day}."
ASK_CHANNEL: Final = "Par quel moyen l'avez-vous envoyée ?"
ASK_POSITION: Final = "Pour quel poste ? (Écrivez « passer » si vous préférez ne pas le dire.)"
ALREADY_LOGGED: Final = "Cette candidature {at} est déjà notée, envoyée {day}."
POSITION_SET: Final = "Poste noté : {position}."
CHANNEL_SET: Final = "C'est noté : {channel}."
NO_APPLICATIONS: Final = (
    "Vous n'avez aucune candidature en cours dans vos suivis. " + APPLICATION_HOW
)
APPLICATIONS_HEAD: Final = "Vos candidatures en cours :"
CLOSED_HEAD: Final = "Vos candidatures closes :"
NO_CLOSED: Final = "Aucune candidature close pour l'instant."
UNKNOWN_COMPANY: Final = (
    "Je n'ai pas de candidature {at} dans vos suivis. Notez-la d'abord (« j'ai postulé {at} "
    "le … »), puis redites-moi la nouvelle."
)
WHICH_APPLICATION: Final = "De quelle candidature s'agit-il ?"
NEWS_UNCLEAR: Final = "Qu'est-ce qui a changé pour votre candidature {at} ?"
NOT_NOW: Final = (
    "Votre candidature {at} est au stade « {stage} » : je ne peux pas la passer à « {wanted} »."
)
ASK_WHEN: Final = (
    "Quand a lieu {what} ? Écrivez le jour et l'heure (par exemple « jeudi à 14 h »), "
    "pour que je vous aide à le préparer la veille."
)
INTERVIEW_SET: Final = (
    "C'est noté : {what} {at}, {when}. Je vous ferai signe la veille pour le préparer, puis une "
    "heure avant. D'ici là, on peut travailler vos réponses ensemble."
)
INTERVIEW_NO_TIME: Final = (
    "C'est noté : {what} {at}. Quand vous aurez le jour et l'heure, dites-les-moi (« entretien "
    "{at} jeudi à 14 h ») pour que je vous rappelle de le préparer."
)
INTERVIEWED_SET: Final = (
    "C'est noté : entretien passé {at}. Comment vous sentez-vous ? Demain, je vous proposerai "
    "un petit bilan à chaud ; en attendant, un mot de remerciement envoyé aujourd'hui peut "
    "laisser une bonne impression."
)
OFFER_SET: Final = (
    "Félicitations pour cette offre {at} ! Prenez le temps de la regarder à tête reposée : "
    "vous avez le droit de poser des questions avant de répondre."
)
REJECTED_SET: Final = (
    "Je note ce refus {at} : ce n'est jamais facile à recevoir. Si vous voulez, on en "
    "parle : je peux vous aider à demander un retour."
)
CLOSED_SET: Final = "C'est noté : candidature {at} classée « {stage} »."
KEPT: Final = "Très bien, je la garde en cours."
LATE: Final = "Ce moment est déjà passé : redites-moi le jour et l'heure à venir."


def _stage_line(line: pipeline.ApplicationLine, user: User, now: dt.datetime) -> str:
    application = line.application
    head = pipeline.title(application)
    stage = line.stage_label
    if application.interview_at is not None and application.interview_at > now:
        stage += f" ({_when(user, application.interview_at, now)})"
    days = line.days_since_news
    news = (
        "nouvelles aujourd'hui"
        if days <= 0
        else "nouvelles hier"
        if days == 1
        else f"{days} jours sans nouvelles"
    )
    return f"• {head} : {stage}, {news}"


def _when(user: User, moment: dt.datetime, now: dt.datetime) -> str:
    local = moment.astimezone(user_zone(user))
    day = format_date_fr(local.date(), today=_today(user, now))
    return (
        f"{day} à {local.hour} h {local.minute:02d}" if local.minute else f"{day} à {local.hour} h"
    )


def _log_application(
    session: Session, user: User, text: str | None, now: dt.datetime
) -> list[Reply]:
    if not text:
        return [Reply(text=APPLICATION_HOW)]
    if _news_of_a_followed_one(session, user, text, now):
        # « Airbus m'a proposé un entretien » read as a new application: it is news.
        return _application_news(session, user, text, now)
    today = _today(user, now)
    facts = read_application(text, today=today)
    if facts.date_problem is not None:
        return [Reply(text=APPLICATION_DATE)]
    if not facts.company:
        return [Reply(text=APPLICATION_HOW)]
    applied_on = facts.applied_on or today
    found = pipeline.find_for_company(session, user, facts.company)
    if isinstance(found, Match) and found.application.applied_on == applied_on:
        application = found.application
        day = format_date_fr(applied_on, today=today)
        return [Reply(text=ALREADY_LOGGED.format(at=at_company(application.company), day=day))]
    change = pipeline.log_application(
        session,
        user,
        facts.company,
        facts.position,
        applied_on,
        facts.channel,
        facts.link,
        facts.contact,
        now=now,
    )
    application = change.application
    day = "aujourd'hui" if applied_on == today else format_date_fr(applied_on, today=today)
    position = f" ({application.position})" if application.position else ""
    out = APPLICATION_LOGGED.format(at=at_company(application.company), position=position, day=day)
    follow = [r for r in change.scheduled if r.kind == pipeline.FOLLOW_UP]
    if follow:
        local = follow[0].due_at.astimezone(user_zone(user)).date()
        out += FOLLOW_UP_PLANNED.format(day=format_date_fr(local, today=today))
    replies = [Reply(text=out)]
    if application.channel is None:
        buttons = tuple(
            Button(title, f"{PREFIX}ch:{application.id}:{code}")
            for code, title in CHANNEL_BUTTONS.items()
        )
        replies.append(Reply(text=ASK_CHANNEL, buttons=buttons))
    if application.position is None:
        _wait_for(user, f"position:{application.id}", now)
        replies.append(Reply(text=ASK_POSITION))
    return replies


def _position_given(
    session: Session, user: User, awaiting: str, text: str, now: dt.datetime
) -> list[Reply] | None:
    application = _own(session, user, awaiting.removeprefix("position:"))
    answer = " ".join(text.split())
    if application is None or not answer:
        return None
    if answer.lower().strip(" .!") in {"passer", "non", "je passe", "pas maintenant"}:
        return [Reply(text="D'accord.")]
    if not _looks_like_position(answer):
        return None  # a sentence, not a position: Rasa reads it
    application.position = answer[:200]
    application.updated_at = now
    return [Reply(text=POSITION_SET.format(position=application.position))]


_NOT_IN_A_POSITION: Final = frozenset(
    {"je", "j", "jai", "moi", "me", "m", "tu", "vous", "chez", "merci", "bonjour", "oui", "ok"}
)


def _looks_like_position(answer: str) -> bool:
    """A job title (« vendeuse en magasin », « technicien qualité »), not a sentence that
    goes on with the conversation (« j'ai un entretien chez Decathlon lundi »)."""
    tokens = words(answer).split()
    return (
        0 < len(tokens) <= 8
        and len(answer) <= 120
        and not answer.rstrip().endswith("?")
        and not _NOT_IN_A_POSITION & set(tokens)
    )


def _own(session: Session, user: User, raw: str) -> JobApplication | None:
    if not raw.isdigit():
        return None
    try:
        return pipeline.get_application(session, user, int(raw))
    except pipeline.UnknownApplication:
        return None


def _applications(
    session: Session, user: User, _text: str | None, now: dt.datetime, *, closed: bool = False
) -> list[Reply]:
    lines = pipeline.active_first(session, user, include_closed=closed, now=now)
    if closed:
        lines = [line for line in lines if not line.active]
        if not lines:
            return [Reply(text=NO_CLOSED)]
    if not lines:
        return [Reply(text=NO_APPLICATIONS)]
    shown = lines[:MAX_LISTED]
    text = "\n".join(
        [
            CLOSED_HEAD if closed else APPLICATIONS_HEAD,
            *(_stage_line(line, user, now) for line in shown),
        ]
    )
    if len(lines) > MAX_LISTED:
        text += f"\n… et {len(lines) - MAX_LISTED} autre(s)."
    buttons = [
        Button(line.application.company[:40], f"{PREFIX}app:{line.application.id}")
        for line in shown
    ]
    if not closed:
        buttons.append(Button("Voir les candidatures closes", f"{PREFIX}all"))
    return [Reply(text=text, buttons=tuple(buttons))]


def _application_button(
    session: Session, user: User, action: str, arg: str, now: dt.datetime
) -> list[Reply]:
    if action == "list":
        return _applications(session, user, None, now)
    if action == "all":
        return _applications(session, user, None, now, closed=True)
    raw_id, _sep, rest = arg.partition(":")
    application = _own(session, user, raw_id)
    if application is None:
        return [Reply(text=EXPIRED)]
    if action == "app":
        return _application_card(user, application, now)
    if action == "ch" and rest in pipeline.CHANNELS:
        application.channel = rest
        application.updated_at = now
        return [Reply(text=CHANNEL_SET.format(channel=pipeline.CHANNELS[rest]))]
    if action == "close":
        return _move(session, user, application, "no_answer", None, None, now)
    if action == "keep":
        return [Reply(text=KEPT)]
    if action == "fu":
        return _follow_up_draft(user, application)
    if action == "fud":
        pipeline.record_follow_up(session, user, application.id, now=now)
        return [Reply(text=FOLLOW_UP_RECORDED.format(at=at_company(application.company)))]
    if action in ("mv", "pick") and rest:
        stage, _sep, minutes = rest.partition(":")
        when = dt.datetime.fromtimestamp(int(minutes) * 60, dt.UTC) if minutes.isdigit() else None
        if stage not in pipeline.STAGES:
            return [Reply(text=EXPIRED)]
        if stage in ("interview", "test") and when is None and action == "mv":
            _wait_for(user, f"when:{application.id}:{stage}", now)
            return [Reply(text=ASK_WHEN.format(what=_what(stage)))]
        return _move(session, user, application, stage, when, None, now)
    return [Reply(text=EXPIRED)]


def _what(stage: str) -> str:
    return "votre test" if stage == "test" else "votre entretien"


def _application_card(user: User, application: JobApplication, now: dt.datetime) -> list[Reply]:
    head = pipeline.title(application)
    lines = [head, f"Envoyée le {format_date_fr(application.applied_on)}"]
    if application.channel:
        lines[-1] += f" ({pipeline.CHANNELS[application.channel].lower()})"
    lines.append(f"Où elle en est : {pipeline.STAGES[application.stage]}")
    if application.interview_at is not None and application.interview_at > now:
        lines[-1] += f", {_when(user, application.interview_at, now)}"
    buttons = tuple(
        Button(STAGE_BUTTONS[stage], f"{PREFIX}mv:{application.id}:{stage}")
        for stage in pipeline.allowed_moves(application.stage)
        if stage in STAGE_BUTTONS
    )
    return [Reply(text="\n".join(lines), buttons=buttons)]


def _application_news(
    session: Session, user: User, text: str | None, now: dt.datetime
) -> list[Reply]:
    if not text:
        return _applications(session, user, None, now)
    news = read_stage_news(text, now=now, tz=user.timezone or "Europe/Paris")
    when = news.when_at
    if news.stage is None and _a_new_one(session, user, text, now):
        # « candidature envoyée chez Thales » read as news: it is an application to log.
        return _log_application(session, user, text, now)
    if news.stage is None:
        moved = _new_time(session, user, text, news.company, now)
        if moved is not None:
            return moved
    if news.company:
        found = pipeline.find_for_company(session, user, news.company)
        if isinstance(found, Match):
            application: JobApplication = found.application
        elif isinstance(found, Ambiguous):
            return _pick(found.applications, news.stage, when)
        else:
            at = f"chez {company_name(news.company)}"
            return [Reply(text=UNKNOWN_COMPANY.format(at=at))]
    else:
        active = [line.application for line in pipeline.active_first(session, user, now=now)]
        if not active:
            return [Reply(text=NO_APPLICATIONS)]
        if len(active) > 1 or news.stage is None:
            return _pick(active, news.stage, when)
        application = active[0]
    if news.stage is None:
        [card] = _application_card(user, application, now)
        return [
            Reply(
                text=NEWS_UNCLEAR.format(at=at_company(application.company)), buttons=card.buttons
            )
        ]
    # A day without an hour is a day that passed (« entretien passé hier »): an interview
    # ahead needs its hour for the reminders, and gets asked for it.
    today = _today(user, now)
    held = news.when_day if when is None and news.when_day and news.when_day <= today else None
    if news.stage in ("interview", "test") and when is None and held is None:
        _wait_for(user, f"when:{application.id}:{news.stage}", now)
        return [Reply(text=ASK_WHEN.format(what=_what(news.stage)))]
    return _move(session, user, application, news.stage, when, held, now)


_APPLYING: Final = re.compile(r"\b(?:postul\w*|candidat\w*|cv)\b")


def _new_time(
    session: Session, user: User, text: str, company: str | None, now: dt.datetime
) -> list[Reply] | None:
    """« en fait non c'est vendredi 10h30 »: a day and an hour without a stage move the one
    appointment ahead (an interview or a test), of the company named or the only one there
    is; None when the text does not say that."""
    when = parse_when(text, now=now, tz=user.timezone or "Europe/Paris")
    if not isinstance(when, ParsedWhen) or not when.time_given:
        return None
    ahead = [
        line.application
        for line in pipeline.active_first(session, user, now=now)
        if line.application.stage in ("interview", "test")
        and line.application.interview_at is not None
        and line.application.interview_at > now
    ]
    if company:
        found = pipeline.find_for_company(session, user, company)
        ahead = [a for a in ahead if isinstance(found, Match) and a.id == found.application.id]
    if len(ahead) != 1:
        return None
    application = ahead[0]
    return _move(session, user, application, application.stage, when.due, None, now)


def _news_of_a_followed_one(session: Session, user: User, text: str, now: dt.datetime) -> bool:
    """Whether a text taken for a new application is news: it tells a stage (an interview,
    an offer, a refusal…), of an application already followed or without any word of
    applying (« Decathlon m'a proposé un entretien » is not logged as sent today)."""
    news = read_stage_news(text, now=now, tz=user.timezone or "Europe/Paris")
    if news.stage is None:
        return False
    if not news.company or _APPLYING.search(words(text)) is None:
        return True
    return not isinstance(pipeline.find_for_company(session, user, news.company), Unknown)


def _a_new_one(session: Session, user: User, text: str, now: dt.datetime) -> bool:
    """Whether a text taken for news, with no stage in it, names a company not followed yet
    (so it is an application being logged)."""
    facts = read_application(text, today=_today(user, now))
    if not facts.company:
        return False
    return isinstance(pipeline.find_for_company(session, user, facts.company), Unknown)


def _pick(
    applications: list[JobApplication] | tuple[JobApplication, ...],
    stage: str | None,
    when: dt.datetime | None,
) -> list[Reply]:
    minutes = f":{int(when.timestamp()) // 60}" if when is not None else ""
    buttons = tuple(
        Button(
            pipeline.title(a)[:60],
            f"{PREFIX}pick:{a.id}:{stage}{minutes}" if stage else f"{PREFIX}app:{a.id}",
        )
        for a in list(applications)[:MAX_LISTED]
    )
    return [Reply(text=WHICH_APPLICATION, buttons=buttons)]


def _when_given(
    session: Session, user: User, awaiting: str, text: str, now: dt.datetime
) -> list[Reply] | None:
    _tag, raw_id, stage = [*awaiting.split(":"), "", ""][:3]
    application = _own(session, user, raw_id)
    if application is None or stage not in ("interview", "test"):
        return None
    parsed = parse_when(text, now=now, tz=user.timezone or "Europe/Paris")
    if not isinstance(parsed, ParsedWhen):
        return None
    if parsed.due <= now:
        _wait_for(user, awaiting, now)
        return [Reply(text=LATE)]
    return _move(session, user, application, stage, parsed.due, None, now)


def _refused(application: JobApplication, stage: str) -> list[Reply]:
    current = pipeline.STAGES[application.stage]
    wanted = pipeline.STAGES[stage]
    return [
        Reply(text=NOT_NOW.format(at=at_company(application.company), stage=current, wanted=wanted))
    ]


def _move(
    session: Session,
    user: User,
    application: JobApplication,
    stage: str,
    when: dt.datetime | None,
    held_on: dt.date | None,
    now: dt.datetime,
) -> list[Reply]:
    at = at_company(application.company)
    if not pipeline.can_move(application.stage, stage) and not (
        stage in ("interview", "test") and application.stage == stage
    ):
        return _refused(application, stage)
    if when is not None and when <= now and stage in ("interview", "test"):
        stage, held_on, when = ("interviewed" if stage == "interview" else stage), None, when
    try:
        pipeline.move(
            session, user, application.id, stage, interview_at=when, held_on=held_on, now=now
        )
    except pipeline.TransitionRefused:
        return _refused(application, stage)
    if stage in ("interview", "test"):
        what = "entretien" if stage == "interview" else "test"
        if when is None:
            return [Reply(text=INTERVIEW_NO_TIME.format(what=what, at=at))]
        text = INTERVIEW_SET.format(what=what, at=at, when=_when(user, when, now))
        buttons = (
            Button("Préparer une réponse (STAR)", "/ask_star"),
            Button("Conseils d'entretien", "/ask_interview_tips"),
        )
        return [Reply(text=text, buttons=buttons)]
    if stage == "interviewed":
        return [
            Reply(
                text=INTERVIEWED_SET.format(at=at),
                buttons=(Button("Écrire un mot de remerciement", "/thank_you_note"),),
            )
        ]
    if stage == "offer":
        return [Reply(text=OFFER_SET.format(at=at))]
    if stage == "rejected":
        return [
            Reply(
                text=REJECTED_SET.format(at=at),
                buttons=(Button("En parler", "/report_rejection"),),
            )
        ]
    return [Reply(text=CLOSED_SET.format(at=at, stage=pipeline.STAGES[stage]))]


FOLLOW_UP_INTRO: Final = (
    "Voici une relance courte, à adapter. Envoyez-la à la personne qui a reçu votre "
    "candidature, ou au service recrutement :"
)
FOLLOW_UP_DRAFT: Final = (
    "Objet : Candidature{position_subject} — {name}\n\n"
    "Bonjour,\n\n"
    "Je me permets de revenir vers vous au sujet de ma candidature{position} envoyée le "
    "{day}. Le poste m'intéresse toujours beaucoup et je reste disponible pour un échange, "
    "à votre convenance.\n\n"
    "Pourriez-vous me dire où en est le processus de recrutement ?\n\n"
    "Je vous remercie par avance, et vous souhaite une bonne journée.\n\n"
    "{name}"
)
FOLLOW_UP_SENT_BUTTON: Final = "C'est envoyé"
FOLLOW_UP_RECORDED: Final = (
    "Bravo, c'est noté dans votre journal des démarches : relance {at}. Je ne vous la "
    "rappellerai plus."
)


def _follow_up_draft(user: User, application: JobApplication) -> list[Reply]:
    name = report.report_name(user) or "[Votre prénom et votre nom]"
    position = f" au poste de {application.position}" if application.position else ""
    subject = f" au poste de {application.position}" if application.position else ""
    draft = FOLLOW_UP_DRAFT.format(
        position=position,
        position_subject=subject,
        day=format_date_fr(application.applied_on),
        name=name,
    )
    return [
        Reply(text=FOLLOW_UP_INTRO),
        Reply(
            text=draft,
            code=True,
            buttons=(Button(FOLLOW_UP_SENT_BUTTON, f"{PREFIX}fud:{application.id}"),),
        ),
    ]
