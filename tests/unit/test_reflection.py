"""Weekly reflection: the buttons that opt in, the form's answers, the journal rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.reflection import (
    INTRO,
    SKIPPED,
    WEEK_MOOD_CHART,
    ActionAskReflectionProgress,
    ActionSaveReflection,
    ActionWeeklyReview,
    reflection_answer,
)
from bot import preferences
from coach.db import transaction
from coach.journal import add_entry, recent_entries
from coach.models import JournalEntry, Reminder
from coach.users import find_user, give_consent

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # a Wednesday


def consent(factory: Any, uid: int = 4242) -> None:
    with transaction(factory) as session:
        give_consent(session, uid, first_name="Camille", timezone="Europe/Paris", now=NOW)


def test_opt_in_walks_day_then_hour(session_factory: Any) -> None:
    consent(session_factory)
    setup = preferences.handle(session_factory, 4242, "refl:setup", now=NOW)
    assert [b.payload for b in setup.buttons][:2] == ["refl:day:0", "refl:day:1"]
    hours = preferences.handle(session_factory, 4242, "refl:day:4", now=NOW)
    assert hours.text == "Le vendredi, à quelle heure ?"
    assert [b.payload for b in hours.buttons] == [f"refl:set:4:{h}" for h in (9, 12, 18, 20)]
    done = preferences.handle(session_factory, 4242, "refl:set:4:18", now=NOW)
    assert done.text is not None and "chaque vendredi à 18 h" in done.text
    assert "vendredi 27 novembre à 18 h 00" in done.text
    with session_factory() as session:
        [reminder] = session.scalars(select(Reminder)).all()
        assert reminder.kind == "weekly_reflection"
        assert reminder.payload["intent"] == "EXTERNAL_weekly_reflection"
    off = preferences.handle(session_factory, 4242, "refl:off", now=NOW)
    assert off.text is not None and off.text.startswith("Entendu")
    with session_factory() as session:
        assert session.scalars(select(Reminder.status)).all() == ["cancelled"]


@pytest.mark.parametrize("payload", ["refl:set:9:18", "refl:set:4:3", "refl:day:x", "refl:zzz"])
def test_forged_or_stale_buttons_change_nothing(session_factory: Any, payload: str) -> None:
    consent(session_factory)
    reply = preferences.handle(session_factory, 4242, payload, now=NOW)
    assert reply.text is not None and "/rappels" in reply.text
    with session_factory() as session:
        assert session.scalars(select(Reminder)).all() == []


def test_opt_in_needs_consent(session_factory: Any) -> None:
    reply = preferences.handle(session_factory, 99, "refl:set:4:18", now=NOW)
    assert reply.text == preferences.NOT_FOUND


def test_reflection_answer() -> None:
    assert (
        reflection_answer("  j'ai envoyé   deux candidatures ") == "j'ai envoyé deux candidatures"
    )
    assert reflection_answer("passer") == SKIPPED
    assert reflection_answer("   ") is None
    assert len(reflection_answer("x" * 9000) or "") == 4000


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker(
        "4242",
        slots,
        {"intent": {"name": "x"}, "text": "", "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


async def test_ask_and_save(action_db: str) -> None:
    from actions.common import sessions

    consent(sessions())
    dispatcher = CollectingDispatcher()
    await ActionAskReflectionProgress().run(dispatcher, tracker({}), {})
    assert dispatcher.messages[0]["text"].startswith("Qu'est-ce qui a avancé")
    dispatcher = CollectingDispatcher()
    events = await ActionSaveReflection().run(
        dispatcher,
        tracker({"reflection_progress": "deux candidatures", "reflection_next": SKIPPED}),
        {},
    )
    assert {e["name"] for e in events} == {
        "reflection_progress",
        "reflection_next",
        "reflection_question",
    }
    assert all(e["value"] is None for e in events)
    assert dispatcher.messages[0]["text"].startswith("Merci, c'est noté")
    with sessions()() as session:
        [entry] = session.scalars(select(JournalEntry)).all()
        assert (entry.kind, entry.text) == ("reflection", "deux candidatures")
        assert entry.prompt is not None and entry.prompt.startswith("Qu'est-ce qui")


async def test_the_week_reviewed_then_its_own_question_saved_with_the_answer(
    action_db: str,
) -> None:
    """The check-in opens with the review; its question is asked first and is the prompt
    the journal keeps with the answer."""
    from actions.common import sessions
    from coach.models import Mood

    consent(sessions())
    with transaction(sessions()) as session:
        user = find_user(session, 4242)
        assert user is not None
        session.add(Mood(user_id=user.id, mood="ca_va", created_at=dt.datetime.now(dt.UTC)))
    dispatcher = CollectingDispatcher()
    events = await ActionWeeklyReview().run(dispatcher, tracker({}), {})
    [event] = events
    question = event["value"]
    assert event["name"] == "reflection_question" and question.endswith("?")
    texts = [m.get("text") for m in dispatcher.messages]
    assert texts[0].startswith("Votre bilan de la semaine")
    assert "Aucune démarche notée cette semaine." in texts[0]
    assert WEEK_MOOD_CHART in [m.get("custom") for m in dispatcher.messages]
    dispatcher = CollectingDispatcher()
    await ActionAskReflectionProgress().run(
        dispatcher, tracker({"reflection_question": question}), {}
    )
    assert dispatcher.messages[0]["text"] == question
    await ActionSaveReflection().run(
        CollectingDispatcher(),
        tracker({"reflection_question": question, "reflection_progress": "me reposer"}),
        {},
    )
    with sessions()() as session:
        [entry] = session.scalars(select(JournalEntry)).all()
        assert (entry.prompt, entry.text) == (question, "me reposer")


async def test_without_consent_the_review_falls_back_to_the_two_questions(
    action_db: str,
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionWeeklyReview().run(dispatcher, tracker({}), {})
    assert [m["text"] for m in dispatcher.messages] == [INTRO]
    assert events == [
        {"event": "slot", "timestamp": None, "name": "reflection_question", "value": None}
    ]


def test_journal_entries_keep_order_and_skip_blanks(session_factory: Any) -> None:
    consent(session_factory)
    with transaction(session_factory) as session:
        user = find_user(session, 4242)
        assert user is not None
        assert add_entry(session, user, "journal", "   ") is None
        add_entry(session, user, "journal", "premier")
        add_entry(session, user, "successes", "second")
        assert [e.text for e in recent_entries(session, user)] == ["second", "premier"]
        with pytest.raises(ValueError):
            add_entry(session, user, "mood", "x")


def test_quiet_hours_buttons(session_factory: Any) -> None:
    consent(session_factory)
    menu = preferences.handle_quiet(session_factory, 4242, "quiet:setup")
    assert [b.payload for b in menu.buttons] == [
        "quiet:default",
        "quiet:late",
        "quiet:early",
        "quiet:none",
    ]
    late = preferences.handle_quiet(session_factory, 4242, "quiet:late")
    assert late.text == "C'est noté : heures calmes de 22 h – 8 h."
    with session_factory() as session:
        user = find_user(session, 4242)
        assert user is not None
        assert (user.quiet_start, user.quiet_end) == (dt.time(22, 0), dt.time(8, 0))
    none = preferences.handle_quiet(session_factory, 4242, "quiet:none")
    assert none.text is not None and "plus d'heures calmes" in none.text
    assert "/rappels" in (preferences.handle_quiet(session_factory, 4242, "quiet:zzz").text or "")
    assert preferences.handle_quiet(session_factory, 99, "quiet:late").text == preferences.NOT_FOUND
