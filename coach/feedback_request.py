"""Preparing a feedback request for a stored rejection: plan, contact, draft, sent, follow-up.

Glue between the pure rules (``coach.timing``, ``coach.contacts``, ``coach.drafts``) and the
stored rows; the actions call these functions inside one transaction. Nothing here logs
what users wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.contacts import ROLE_LABELS, ContactChoice, choose_contact
from coach.drafts import Draft, DraftContext, Profile
from coach.language import writing
from coach.language.dates import format_date_fr
from coach.models import FeedbackRequest, Rejection, Reminder, User
from coach.reminders import CANCELLED, CLAIMED, PENDING, schedule, user_zone
from coach.timing import TimingPlan, add_business_days, plan_feedback_request

__all__ = [
    "FOLLOW_UP_DELAY",
    "Window",
    "contact_name",
    "contact_rule",
    "current_draft",
    "draft_context",
    "last_sent_request",
    "mark_sent",
    "plan_for",
    "profile_of",
    "save_draft",
    "timing_message",
    "window",
]

FOLLOW_UP_DELAY: Final = 7  # business days after the request was sent
FOLLOW_UP_INTENT: Final = "EXTERNAL_follow_up"
SEND_DAY_INTENT: Final = "EXTERNAL_send_request"  # the recommended day: the draft comes along
REMINDER_HOUR: Final = 9


def contact_rule(rejection: Rejection) -> ContactChoice:
    """SPEC §5 applied to what the intake stored (unknown counts as nobody met)."""
    return choose_contact(
        interviewer_count=rejection.interviewer_count or 0,
        met_hiring_manager=bool(rejection.met_hiring_manager),
        has_network_contact=bool(rejection.network_contact),
    )


def plan_for(rejection: Rejection, *, subdiv: str | None) -> tuple[TimingPlan, ContactChoice]:
    """Compute the timing plan and the contact for a rejection, and store both on it."""
    if rejection.rejection_date is None:
        raise ValueError("a rejection without date cannot be planned")
    plan = plan_feedback_request(
        rejection.rejection_date,
        formal_rejection=bool(rejection.formal_rejection),
        decision_date=rejection.decision_date,
        culture=rejection.culture or "unknown",
        subdiv=subdiv,
    )
    choice = contact_rule(rejection)
    rejection.timing = plan.as_json()
    rejection.contact = choice.as_json()
    return plan, choice


Window = str  # "before" (not open yet), "open", "late" (after the recommended day), "closed"


def window(plan: TimingPlan, today: dt.date) -> Window:
    if today < plan.earliest:
        return "before"
    if today <= plan.recommended:
        return "open"
    if today <= plan.latest:
        return "late"
    return "closed"


def when_line(plan: TimingPlan, today: dt.date) -> str:
    """The window in one line, shown with a first draft asked for directly (the full
    reasons are /demande's)."""
    state = window(plan, today)
    if state == "before":
        earliest = format_date_fr(plan.earliest, today=today)
        return (
            f"📅 Bon moment pour l'envoyer : pas avant {earliest}, idéalement "
            f"{format_date_fr(plan.recommended, today=today)}. Gardez-le d'ici là (/demande "
            "vous dit pourquoi)."
        )
    if state == "open" and plan.recommended > today:
        return (
            "📅 Vous pouvez l'envoyer dès maintenant ; le jour idéal est "
            f"{format_date_fr(plan.recommended, today=today)}."
        )
    if state == "open":
        return "📅 C'est le bon moment pour l'envoyer."
    if state == "late":
        return (
            "📅 Envoyez-le sans tarder : après "
            f"{format_date_fr(plan.latest, today=today)}, la demande arriverait tard."
        )
    return (
        "📅 Ce refus date un peu : la demande reste possible, présentée comme un conseil pour "
        "la suite."
    )


def contact_name(rejection: Rejection, choice: ContactChoice) -> str | None:
    """The name to greet, when the person gave it for the role the rule chose."""
    if choice.primary == "interviewer" and rejection.interviewer_names:
        names = [n.strip() for n in rejection.interviewer_names.split(",") if n.strip()]
        return names[0] if len(names) == 1 else None
    if choice.primary == "hr" and rejection.hr_contact:
        return rejection.hr_contact
    return None


def profile_of(user: User) -> Profile:
    return Profile(
        name=user.signature_name, phone=user.phone, email=user.email, linkedin=user.linkedin
    )


def draft_context(
    rejection: Rejection, user: User, *, sent_on: dt.date | None = None
) -> DraftContext:
    choice = contact_rule(rejection)
    return DraftContext(
        company=writing.company(rejection.company) or "l'entreprise",
        position=rejection.position or "le poste",
        contact_name=contact_name(rejection, choice),
        culture=rejection.culture,
        stage=rejection.stage,
        needs_confirmation=not rejection.formal_rejection,
        sent_on=format_date_fr(sent_on, today=sent_on) if sent_on else None,
        profile=profile_of(user),
    )


def _at_nine(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(REMINDER_HOUR, 0), tzinfo=zone)


def timing_message(
    session: Session,
    user: User,
    rejection: Rejection,
    plan: TimingPlan,
    *,
    now: dt.datetime,
) -> str:
    """The window in French, and the reminder for the recommended day when it is ahead."""
    zone = user_zone(user)
    today = now.astimezone(zone).date()
    lines = [
        f"📅 Pour {writing.company(rejection.company)} (réponse reçue le "
        f"{format_date_fr(rejection.rejection_date or today, today=today)}) :",
        f"• au plus tôt : {format_date_fr(plan.earliest, today=today)}",
        f"• idéalement : {format_date_fr(plan.recommended, today=today)}",
        f"• au plus tard : {format_date_fr(plan.latest, today=today)}",
        "",
        "Pourquoi :",
        *(f"• {reason}" for reason in plan.reasons),
        "",
    ]
    state = window(plan, today)
    if state == "before" or (state == "open" and plan.recommended > today):
        reminder = schedule(
            session,
            user,
            "feedback_request",
            _at_nine(plan.recommended, zone),
            now=now,
            payload={
                "intent": SEND_DAY_INTENT,
                "entities": {"rejection_id": str(rejection.id)},
                "text": "envoyer votre demande de retour "
                + writing.a(writing.company(rejection.company)),
                "company": rejection.company,
                "rejection_id": rejection.id,
            },
        )
        if state == "open":
            lines.append("Vous pouvez déjà écrire ; le jour idéal reste le plus sûr.")
        if reminder is not None:
            when = format_date_fr(reminder.due_at.astimezone(zone).date(), today=today)
            lines.append(f"Je vous le rappelle {when} à {REMINDER_HOUR} h, avec le brouillon.")
    elif state == "open":
        lines.append("C'est le bon moment : vous pouvez écrire dès aujourd'hui.")
    elif state == "late":
        lines.append(
            "Le jour idéal est passé, mais la fenêtre est encore ouverte : écrivez sans tarder."
        )
    else:
        lines.append(
            "La période idéale est passée. Un message reste possible et rarement mal pris : "
            "présentez-le simplement comme une demande de conseil pour la suite."
        )
    return "\n".join(lines)


def contact_message(rejection: Rejection, choice: ContactChoice) -> str:
    name = contact_name(rejection, choice)
    who = ROLE_LABELS[choice.primary] + (f" ({writing.person(name)})" if name else "")
    lines = [f"👤 À qui écrire : {who}.", *(f"• {reason}" for reason in choice.reasons)]
    if choice.also_ask_network and rejection.network_contact:
        lines.append(
            f"Pensez à prévenir {writing.person(rejection.network_contact)} de votre démarche."
        )
    return "\n".join(lines)


def save_draft(
    session: Session,
    user: User,
    rejection: Rejection,
    draft: Draft,
    *,
    channel: str,
    contact_role: str | None,
    contact_name: str | None,
) -> FeedbackRequest:
    """Keep the latest draft for that rejection (one row per rejection until it is sent)."""
    row = session.scalar(
        select(FeedbackRequest).where(
            FeedbackRequest.user_id == user.id,
            FeedbackRequest.rejection_id == rejection.id,
            FeedbackRequest.status == "draft",
        )
    )
    if row is None:
        row = FeedbackRequest(user_id=user.id, rejection_id=rejection.id, status="draft")
        session.add(row)
    row.channel = channel
    row.variant = draft.variant
    row.contact_role = contact_role
    row.contact_name = contact_name
    row.draft = draft.text()
    session.flush()
    return row


def current_draft(session: Session, user: User, rejection: Rejection) -> FeedbackRequest | None:
    """The draft being worked on for that rejection (not sent yet), if any."""
    return session.scalar(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.user_id == user.id,
            FeedbackRequest.rejection_id == rejection.id,
            FeedbackRequest.status == "draft",
        )
        .order_by(FeedbackRequest.id.desc())
    )


@dataclass(frozen=True)
class Sent:
    request: FeedbackRequest
    follow_up: Reminder | None


def mark_sent(
    session: Session,
    user: User,
    rejection: Rejection,
    *,
    now: dt.datetime,
    subdiv: str | None,
) -> Sent:
    """ "C'est envoyé": the request is sent; a follow-up is due 7 business days later."""
    row = session.scalar(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.user_id == user.id,
            FeedbackRequest.rejection_id == rejection.id,
            FeedbackRequest.status == "draft",
        )
        .order_by(FeedbackRequest.id.desc())
    )
    if row is None:
        row = FeedbackRequest(
            user_id=user.id,
            rejection_id=rejection.id,
            channel="email",
            variant="general",
            draft="(message écrit par vous-même)",
        )
        session.add(row)
    row.status = "sent"
    row.sent_at = now
    # The "send the request" reminder of this rejection is done.
    _cancel_for(session, user, "feedback_request", rejection.id, reason="done")
    zone = user_zone(user)
    today = now.astimezone(zone).date()
    follow_up = schedule(
        session,
        user,
        "follow_up",
        _at_nine(add_business_days(today, FOLLOW_UP_DELAY, subdiv), zone),
        now=now,
        payload={
            "intent": FOLLOW_UP_INTENT,
            "entities": {"rejection_id": str(rejection.id)},
            "text": f"relancer {writing.company(rejection.company)} si vous n'avez pas eu de "
            "réponse",
            "company": rejection.company,
            "rejection_id": rejection.id,
        },
        subdiv=subdiv,
    )
    session.flush()
    return Sent(row, follow_up)


def _cancel_for(session: Session, user: User, kind: str, rejection_id: int, *, reason: str) -> int:
    """Cancel the pending reminders of ``kind`` that concern one rejection."""
    count = 0
    for reminder in session.scalars(
        select(Reminder).where(
            Reminder.user_id == user.id,
            Reminder.kind == kind,
            Reminder.status.in_((PENDING, CLAIMED)),
        )
    ):
        if (reminder.payload or {}).get("rejection_id") == rejection_id:
            reminder.status = CANCELLED
            reminder.last_error = reason
            reminder.claimed_by = None
            count += 1
    session.flush()
    return count


def last_sent_request(session: Session, user: User) -> FeedbackRequest | None:
    return session.scalar(
        select(FeedbackRequest)
        .where(FeedbackRequest.user_id == user.id, FeedbackRequest.status == "sent")
        .order_by(FeedbackRequest.sent_at.desc(), FeedbackRequest.id.desc())
    )


def mark_answered(session: Session, user: User, rejection: Rejection) -> int:
    """ "Ils ont répondu": the requests for that rejection are answered (also a draft never
    sent: the company answered on its own), and neither the follow-up nor the "time to send
    your request" reminder will come."""
    rows = list(
        session.scalars(
            select(FeedbackRequest).where(
                FeedbackRequest.user_id == user.id,
                FeedbackRequest.rejection_id == rejection.id,
                FeedbackRequest.status.in_(("draft", "sent")),
            )
        )
    )
    for row in rows:
        row.status = "answered"
    for kind in ("follow_up", "feedback_request"):
        _cancel_for(session, user, kind, rejection.id, reason="answered")
    session.flush()
    return len(rows)
