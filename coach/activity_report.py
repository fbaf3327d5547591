"""The « journal des démarches »: the proof of job-search activity that France Travail may
ask for, built from what the person recorded in Rebond, as a PDF to print and a CSV to open
in a spreadsheet.

Rows come from five places (:func:`collect`), each on a **local date** in the person's
timezone (``coach.reminders.user_zone``), both bounds of the period included:

1. ``activities`` — what Rebond saw happen (``coach.pipeline`` adds an application, an
   interview, a test when it is logged or moved) and what the person added that happened
   outside it (:func:`add_activity`, read by ``coach.language.demarches``). Company,
   position and channel missing on the row are taken from its application, if any.
   Applications are read from these rows only, never from ``job_applications`` itself,
   which would count each one twice. An interview the pipeline scheduled for a later day is
   an activity on that day: it shows from that day on, not before (nothing after the
   person's today is shown).
2. ``feedback_requests`` sent (status ``sent`` or ``answered`` with a ``sent_at``): a
   « demande de retour », with the rejection's company and position. A request never sent
   (the company answered first) is no step of the person's.
3. ``feedbacks`` received (``received_at``): « retour reçu », with the rejection's company.
   The feedback's text is never in the report: it is the person's, not the adviser's.
4. ``milestones`` done (``done_at``) and ``goals`` completed (``completed_at``): « objectif
   travaillé », the goal's title and the step's. A goal completed the same day as one of
   its steps is that step's row already, not a second one.
5. ``follow_up`` reminders answered « Fait » (``response == "done"``) — the follow-up
   Rebond proposed after a feedback request, which the person says they sent — dated the day
   the reminder was delivered (``sent_at``; the button is pressed on that message, so
   usually that day). One pressed on a reminder never delivered has no date to show and is
   left out.

No double counting: a row from 2, 3 or 5 is left out when the person (or the pipeline)
recorded an activity of the same kind for the same company within :data:`SAME_STEP_DAYS`
days of it (« j'ai relancé Airbus par téléphone » told after pressing « Fait » on the
reminder): the activity is kept, as it says more (its own date, its channel). Rows of
another person are never read: every query filters on the person, joined rows included.

Kinds (:data:`KINDS`, in the order of the totals) extend the list of the issue with
``appointment`` (a meeting with an adviser of France Travail, Apec, Mission locale…: a step
France Travail itself counts) — ``milestone`` covers goals worked on, steps or whole goals.

Rendering: :func:`render_csv` (UTF-8 with BOM, ``;``, French header, dd/mm/yyyy, quoting by
:mod:`csv`, cells that a spreadsheet would run as a formula neutralised) and
:func:`render_pdf` (reportlab, imported only when a PDF is made; A4, the standard Helvetica
font, whose WinAnsi encoding covers French — « é è à ç œ ’ « » » —; any other character is
replaced, never a crash: see :func:`pdf_safe`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final
from xml.sax.saxutils import escape

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from coach.language import writing
from coach.language.demarches import ExternalActivity, read_external_activity
from coach.language.fold import words
from coach.language.periods import PeriodRefused, describe_period, parse_period
from coach.language.times import local_datetime
from coach.models import (
    Activity,
    Feedback,
    FeedbackRequest,
    Goal,
    JobApplication,
    Milestone,
    Rejection,
    Reminder,
    User,
)
from coach.reminders import user_zone

__all__ = [
    "CHANNEL_LABELS",
    "CSV_HEADER",
    "KINDS",
    "PERIOD_CHOICES",
    "SAME_STEP_DAYS",
    "ExternalActivity",
    "PeriodRefused",
    "ReportRow",
    "add_activity",
    "collect",
    "describe_period",
    "file_stem",
    "parse_period",
    "pdf_safe",
    "read_external_activity",
    "remove_activity",
    "render_csv",
    "render_pdf",
    "report_name",
    "totals",
]

#: The kinds of démarche, in the order of the totals, with their French labels.
KINDS: Final[dict[str, str]] = {
    "application": "Candidature envoyée",
    "interview": "Entretien d'embauche",
    "test": "Test de recrutement",
    "follow_up": "Relance",
    "feedback_request": "Demande de retour",
    "feedback_received": "Retour reçu",
    "training": "Formation",
    "milestone": "Objectif travaillé",
    "networking": "Action de réseau",
    "workshop": "Atelier ou réunion d'information",
    "job_fair": "Salon ou forum de l'emploi",
    "appointment": "Rendez-vous d'accompagnement",
    "other": "Autre démarche",
}
_KIND_ORDER: Final = {kind: index for index, kind in enumerate(KINDS)}

#: How a step was done. ``coach.pipeline`` channels (site, email, network, fair,
#: spontaneous, agency, other), feedback-request channels (email, phone, meeting), feedback
#: sources (written, call) and those read from text (phone, email, linkedin, letter,
#: in_person, online, spontaneous). Unknown values are shown as stored.
CHANNEL_LABELS: Final[dict[str, str]] = {
    "site": "Site d'emploi",
    "email": "E-mail",
    "network": "Réseau",
    "fair": "Salon",
    "spontaneous": "Candidature spontanée",
    "agency": "Agence ou cabinet",
    "phone": "Téléphone",
    "call": "Téléphone",
    "meeting": "Rendez-vous",
    "in_person": "En personne",
    "online": "En ligne",
    "linkedin": "LinkedIn",
    "letter": "Courrier",
    "written": "Écrit",
    "other": "Autre",
}

#: The period buttons: (title, text read by :func:`parse_period`).
PERIOD_CHOICES: Final[tuple[tuple[str, str], ...]] = (
    ("4 dernières semaines", "les 4 dernières semaines"),
    ("Le mois dernier", "le mois dernier"),
    ("3 derniers mois", "les 3 derniers mois"),
)

#: A derived row and an activity of the same kind and company this close are one step.
SAME_STEP_DAYS: Final = 7

_REQUEST_ROLES: Final[dict[str, str]] = {
    "interviewer": "Auprès de la personne rencontrée en entretien",
    "hiring_manager": "Auprès du ou de la manager qui recrutait",
    "hr": "Auprès des ressources humaines",
}


@dataclass(frozen=True)
class ReportRow:
    """One démarche on one local day; ``source`` and ``source_id`` say which row it came
    from (``activity``, ``feedback_request``, ``feedback``, ``milestone``, ``goal``,
    ``reminder``)."""

    day: dt.date
    kind: str
    company: str | None = None
    position: str | None = None
    channel: str | None = None
    note: str | None = None
    source: str = "activity"
    source_id: int = 0

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, KINDS["other"])

    @property
    def channel_label(self) -> str | None:
        if not self.channel:
            return None
        return CHANNEL_LABELS.get(self.channel, self.channel)


# --------------------------------------------------------------------------- collecting


def _company(name: str | None) -> str | None:
    return writing.company(name) or None


def _same_company(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and words(a or "") == words(b or "")


def _bounds(user: User, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of local midnight on ``start`` and on the day after ``end``."""
    zone = user_zone(user)
    low = local_datetime(start, dt.time(0, 0), zone).astimezone(dt.UTC)
    high = local_datetime(end + dt.timedelta(days=1), dt.time(0, 0), zone).astimezone(dt.UTC)
    return low, high


def collect(
    session: Session,
    user: User,
    start: dt.date,
    end: dt.date,
    *,
    now: dt.datetime | None = None,
) -> list[ReportRow]:
    """The person's démarches from ``start`` to ``end`` (local dates, both included),
    sorted by day, then kind, then company (see the module notes for the sources). Nothing
    after the person's today (``now``, the clock by default) is shown."""
    if start > end:
        raise ValueError("the period starts after it ends")
    zone = user_zone(user)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()
    low, high = _bounds(user, start, end)

    def local_day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(zone).date()

    rows: list[ReportRow] = []
    # Activities of the period, and those just around it, which stand for derived rows.
    nearby: list[ReportRow] = []
    margin = dt.timedelta(days=SAME_STEP_DAYS)
    for activity, application in session.execute(
        select(Activity, JobApplication)
        .outerjoin(
            JobApplication,
            and_(
                JobApplication.id == Activity.application_id,
                JobApplication.user_id == user.id,
            ),
        )
        .where(
            Activity.user_id == user.id,
            Activity.happened_on >= start - margin,
            Activity.happened_on <= end + margin,
        )
    ).tuples():
        row = ReportRow(
            day=activity.happened_on,
            kind=activity.kind if activity.kind in KINDS else "other",
            company=_company(activity.company or (application.company if application else None)),
            position=activity.position or (application.position if application else None),
            channel=activity.channel or (application.channel if application else None),
            note=activity.note,
            source="activity",
            source_id=activity.id,
        )
        nearby.append(row)
        if start <= row.day <= end and row.day <= today:
            rows.append(row)

    def told_by_activity(kind: str, day: dt.date, company: str | None) -> bool:
        return any(
            other.kind == kind
            and _same_company(other.company, company)
            and abs((other.day - day).days) <= SAME_STEP_DAYS
            for other in nearby
        )

    def rejection_join(column: Any) -> Any:
        return and_(Rejection.id == column, Rejection.user_id == user.id)

    for request, rejection in session.execute(
        select(FeedbackRequest, Rejection)
        .outerjoin(Rejection, rejection_join(FeedbackRequest.rejection_id))
        .where(
            FeedbackRequest.user_id == user.id,
            FeedbackRequest.status.in_(("sent", "answered")),
            FeedbackRequest.sent_at.is_not(None),
            FeedbackRequest.sent_at >= low,
            FeedbackRequest.sent_at < high,
        )
    ).tuples():
        assert request.sent_at is not None
        day = local_day(request.sent_at)
        company = _company(rejection.company if rejection else None)
        if told_by_activity("feedback_request", day, company):
            continue
        rows.append(
            ReportRow(
                day=day,
                kind="feedback_request",
                company=company,
                position=rejection.position if rejection else None,
                channel=request.channel,
                note=_REQUEST_ROLES.get(request.contact_role or ""),
                source="feedback_request",
                source_id=request.id,
            )
        )

    for feedback, rejection in session.execute(
        select(Feedback, Rejection)
        .outerjoin(Rejection, rejection_join(Feedback.rejection_id))
        .where(
            Feedback.user_id == user.id,
            Feedback.received_at >= low,
            Feedback.received_at < high,
        )
    ).tuples():
        day = local_day(feedback.received_at)
        company = _company(rejection.company if rejection else None)
        if told_by_activity("feedback_received", day, company):
            continue
        rows.append(
            ReportRow(
                day=day,
                kind="feedback_received",
                company=company,
                position=rejection.position if rejection else None,
                channel=feedback.source,
                source="feedback",
                source_id=feedback.id,
            )
        )

    steps_done: set[tuple[int, dt.date]] = set()
    for milestone, goal in session.execute(
        select(Milestone, Goal)
        .join(Goal, and_(Goal.id == Milestone.goal_id, Goal.user_id == user.id))
        .where(
            Milestone.user_id == user.id,
            Milestone.done_at.is_not(None),
            Milestone.done_at >= low,
            Milestone.done_at < high,
        )
    ).tuples():
        assert milestone.done_at is not None
        day = local_day(milestone.done_at)
        steps_done.add((goal.id, day))
        rows.append(
            ReportRow(
                day=day,
                kind="milestone",
                note=f"{goal.title} — étape franchie : {milestone.title}",
                source="milestone",
                source_id=milestone.id,
            )
        )
    for goal in session.scalars(
        select(Goal).where(
            Goal.user_id == user.id,
            Goal.status == "done",
            Goal.completed_at.is_not(None),
            Goal.completed_at >= low,
            Goal.completed_at < high,
        )
    ):
        assert goal.completed_at is not None
        day = local_day(goal.completed_at)
        if (goal.id, day) in steps_done:
            continue
        rows.append(
            ReportRow(
                day=day,
                kind="milestone",
                note=f"{goal.title} — objectif atteint",
                source="goal",
                source_id=goal.id,
            )
        )

    reminders = list(
        session.scalars(
            select(Reminder).where(
                Reminder.user_id == user.id,
                Reminder.kind == "follow_up",
                Reminder.response == "done",
                Reminder.sent_at.is_not(None),
                Reminder.sent_at >= low,
                Reminder.sent_at < high,
            )
        )
    )
    rejection_ids = {
        payload_id
        for reminder in reminders
        if isinstance(payload_id := (reminder.payload or {}).get("rejection_id"), int)
    }
    rejections = {
        rejection.id: rejection
        for rejection in session.scalars(
            select(Rejection).where(Rejection.user_id == user.id, Rejection.id.in_(rejection_ids))
        )
    }
    for reminder in reminders:
        assert reminder.sent_at is not None
        payload = reminder.payload or {}
        rejection_id = payload.get("rejection_id")
        linked = rejections.get(rejection_id) if isinstance(rejection_id, int) else None
        raw_company = linked.company if linked else payload.get("company")
        company = _company(raw_company if isinstance(raw_company, str) else None)
        day = local_day(reminder.sent_at)
        if told_by_activity("follow_up", day, company):
            continue
        rows.append(
            ReportRow(
                day=day,
                kind="follow_up",
                company=company,
                position=linked.position if linked else None,
                note="Relance après une demande de retour",
                source="reminder",
                source_id=reminder.id,
            )
        )

    rows.sort(
        key=lambda r: (
            r.day,
            _KIND_ORDER.get(r.kind, len(KINDS)),
            words(r.company or ""),
            r.source,
            r.source_id,
        )
    )
    return rows


def totals(rows: Iterable[ReportRow]) -> dict[str, int]:
    """How many démarches of each kind, in the order of :data:`KINDS`, kinds absent left out."""
    counts = dict.fromkeys(KINDS, 0)
    for row in rows:
        counts[row.kind if row.kind in counts else "other"] += 1
    return {kind: count for kind, count in counts.items() if count}


# --------------------------------------------------------------------------- adding


def add_activity(
    session: Session,
    user: User,
    *,
    kind: str,
    happened_on: dt.date,
    company: str | None = None,
    position: str | None = None,
    channel: str | None = None,
    note: str | None = None,
    application_id: int | None = None,
    today: dt.date | None = None,
) -> Activity:
    """Record one démarche of the person; the same one told twice (same kind, day, company
    and note) is returned, not added again. A day after ``today`` (the person's, by
    default) is refused: the journal holds what was done."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of démarche: {kind!r}")
    if today is None:
        today = dt.datetime.now(dt.UTC).astimezone(user_zone(user)).date()
    if happened_on > today:
        raise ValueError("a démarche cannot be in the future")

    def clean(value: str | None, size: int) -> str | None:
        text = " ".join((value or "").split())
        return text[:size] or None

    company, position = clean(company, 200), clean(position, 200)
    channel, note = clean(channel, 16), clean(note, 300)
    for existing in session.scalars(
        select(Activity).where(
            Activity.user_id == user.id,
            Activity.kind == kind,
            Activity.happened_on == happened_on,
        )
    ):
        if words(existing.company or "") == words(company or "") and words(
            existing.note or ""
        ) == words(note or ""):
            return existing
    activity = Activity(
        user_id=user.id,
        kind=kind,
        happened_on=happened_on,
        company=company,
        position=position,
        channel=channel,
        note=note,
        application_id=application_id,
    )
    session.add(activity)
    session.flush()
    return activity


def remove_activity(session: Session, user: User, activity_id: int) -> bool:
    """Remove one of the person's démarches (« non, annule »); False if not theirs."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.user_id != user.id:
        return False
    session.delete(activity)
    session.flush()
    return True


def report_name(user: User) -> str | None:
    """The name to print: the one of the signature (coach.drafts), else None (ask it)."""
    name = " ".join((user.signature_name or "").split())
    return name or None


def file_stem(start: dt.date, end: dt.date) -> str:
    """ "journal-demarches-2026-11-01-au-2026-11-30" (ASCII, for the file names)."""
    return f"journal-demarches-{start.isoformat()}-au-{end.isoformat()}"


# --------------------------------------------------------------------------- CSV

CSV_HEADER: Final = (
    "Date",
    "Démarche",
    "Entreprise ou organisme",
    "Poste",
    "Canal",
    "Précisions",
)


def _cell(value: str | None) -> str:
    """A spreadsheet cell: one line, and never a formula (« =… », « +… », « -… », « @… »
    would run in Excel or LibreOffice: a leading apostrophe keeps them text)."""
    text = " ".join((value or "").split())
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def render_csv(rows: Sequence[ReportRow]) -> bytes:
    """The rows as a CSV that Excel opens as is in France: UTF-8 with BOM, ``;``, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.day.strftime("%d/%m/%Y"),
                row.label,
                _cell(row.company),
                _cell(row.position),
                _cell(row.channel_label),
                _cell(row.note),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- PDF

_WIN_ANSI: Final = "cp1252"
_SPACES: Final = frozenset(
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\n\r"
)


# Letters with a stroke have no Unicode decomposition: their base letter, by hand.
_LATIN_WITHOUT_DECOMPOSITION: Final[dict[str, str]] = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "ŧ": "t",
    "Ŧ": "T",
}


def pdf_safe(text: str) -> str:
    """``text`` in the characters the standard PDF fonts can draw (WinAnsi, i.e. cp1252):
    French is kept as is; other Latin letters lose their accent (« ő » → « o », « ł » →
    « l »); other letters and digits (« 华为 ») become « ? »; symbols, emoji and invisible
    marks are dropped; unusual spaces become spaces."""
    out: list[str] = []
    for char in text:
        if char in _SPACES:
            out.append(" ")
            continue
        if unicodedata.category(char).startswith("C"):
            continue  # controls, zero-width joiners, surrogates
        try:
            char.encode(_WIN_ANSI)
        except UnicodeEncodeError:
            pass
        else:
            out.append(char)
            continue
        if char in _LATIN_WITHOUT_DECOMPOSITION:
            out.append(_LATIN_WITHOUT_DECOMPOSITION[char])
            continue
        base = "".join(
            part
            for part in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(part) and _encodable(part)
        )
        if base:
            out.append(base)
        elif unicodedata.category(char)[0] in "LN":
            out.append("?")
    return " ".join("".join(out).split())


def _encodable(char: str) -> bool:
    try:
        char.encode(_WIN_ANSI)
    except UnicodeEncodeError:
        return False
    return True


def _para_text(value: str | None) -> str:
    return escape(pdf_safe(value or ""))


_GENERATED_LINE: Final = (
    "Relevé établi le {on} à partir des démarches que la personne a elle-même notées dans "
    "Rebond, son assistant de recherche d'emploi. Ce document n'est pas une attestation "
    "d'un employeur ni d'un organisme."
)


def render_pdf(
    rows: Sequence[ReportRow],
    *,
    name: str,
    start: dt.date,
    end: dt.date,
    generated_on: dt.date,
) -> bytes:
    """The journal as an A4 PDF: title, name, period, totals per kind, the table by date
    (long text wrapped, header repeated on each page), page numbers. Deterministic: the
    same rows give the same bytes."""
    if not name.strip():
        raise ValueError("the report needs the person's name")
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    title = "Journal des démarches de recherche d'emploi"
    footer_name = pdf_safe(name)

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Writes « Page n sur N » once the number of pages is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.setFillColor(colors.HexColor("#555555"))
                width = A4[0]
                self.drawString(15 * mm, 10 * mm, f"Journal des démarches — {footer_name}")
                self.drawRightString(
                    width - 15 * mm, 10 * mm, f"Page {self._pageNumber} sur {count}"
                )
                super().showPage()
            super().save()

    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12.5)
    styles = {
        "title": ParagraphStyle(
            "title", parent=base, fontName="Helvetica-Bold", fontSize=15, leading=19
        ),
        "line": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#333333")
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName="Helvetica-Bold", fontSize=11, leading=14
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle(
            "head", parent=base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5
        ),
        "count": ParagraphStyle("count", parent=base, alignment=TA_RIGHT),
    }

    def para(text: str | None, style: str) -> Any:
        return Paragraph(_para_text(text), styles[style])

    def cell(text: str | None) -> Any:
        # An empty cell needs no Paragraph: most rows have two or three (a quarter of the
        # time of a long report goes into building paragraphs).
        return para(text, "cell") if text else ""

    story: list[Any] = [
        para(title, "title"),
        Spacer(1, 4 * mm),
        Paragraph(f"<b>Nom :</b> {_para_text(name)}", styles["line"]),
        Paragraph(f"<b>Période :</b> {_para_text(describe_period(start, end))}", styles["line"]),
        Spacer(1, 2 * mm),
        para(_GENERATED_LINE.format(on=generated_on.strftime("%d/%m/%Y")), "small"),
        Spacer(1, 5 * mm),
        para("Nombre de démarches par type", "heading"),
        Spacer(1, 2 * mm),
    ]
    counted = totals(rows)
    total_rows = [[para(KINDS[kind], "line"), para(str(n), "count")] for kind, n in counted.items()]
    total_rows.append(
        [
            Paragraph("<b>Total</b>", styles["line"]),
            Paragraph(f"<b>{sum(counted.values())}</b>", styles["count"]),
        ]
    )
    summary = Table(total_rows, colWidths=[75 * mm, 20 * mm], hAlign="LEFT")
    summary.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#BBBBBB")),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story += [summary, Spacer(1, 6 * mm), para("Détail par date", "heading"), Spacer(1, 2 * mm)]
    if not rows:
        story.append(para("Aucune démarche enregistrée sur cette période.", "line"))
    else:
        header = [para(text, "head") for text in CSV_HEADER]
        body = [
            [
                row.day.strftime("%d/%m/%Y"),  # fixed width: a plain string is enough
                cell(row.label),
                cell(row.company),
                cell(row.position),
                cell(row.channel_label),
                cell(row.note),
            ]
            for row in rows
        ]
        widths = [19 * mm, 32 * mm, 34 * mm, 32 * mm, 22 * mm, 41 * mm]
        table = Table([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 1), (0, -1), "Helvetica", 8.5, 10.5),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="",
        creator="Rebond",
        lang="fr-FR",
        invariant=1,
    )
    document.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
