"""The feedback-request actions against a real SQLite database (fixed rejection data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import requests as req
from coach.db import transaction
from coach.feedback_request import mark_answered
from coach.models import FeedbackRequest, Rejection, Reminder, User
from coach.rejections import get_rejection
from coach.users import find_user, give_consent

UID = 4343
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # Wednesday 25 November, 11:00 Paris


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(req, "_now", lambda: NOW)


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "x",
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    return Tracker(
        str(UID),
        dict(slots or {}),
        {"intent": {"name": intent}, "text": text, "entities": entities or [], "metadata": {}},
        [],
        False,
        None,
        {},
        "action_listen",
    )


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or (m.get("custom") or {}).get("text") or "" for m in dispatcher.messages]


def setup_rejection(**overrides: Any) -> int:
    from actions.common import sessions

    with transaction(sessions()) as session:
        user = give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)
        values: dict[str, Any] = {
            "company": "Capgemini",
            "position": "data analyst",
            "rejection_date": dt.date(2026, 11, 24),
            "stage": "entretiens_suivants",
            "formal_rejection": True,
            "interviewer_count": 1,
            "interviewer_names": "Julie Martin",
            "culture": "formal",
            **overrides,
        }
        rejection = Rejection(user_id=user.id, **values)
        session.add(rejection)
        session.flush()
        return rejection.id


def rows(model: Any) -> list[Any]:
    from actions.common import sessions

    with sessions()() as session:
        return list(session.scalars(select(model).order_by(model.id)))


async def test_plan_gives_the_window_the_contact_and_a_reminder(action_db: str) -> None:
    rejection_id = setup_rejection(network_contact="Sam Leroy")
    dispatcher = CollectingDispatcher()
    events = await req.ActionPlanRequest().run(dispatcher, tracker(intent="ask_timing"), {})
    timing, contact, _channel = texts(dispatcher)
    assert "au plus tôt : vendredi 27 novembre" in timing
    assert "idéalement : mardi 1er décembre" in timing
    assert "au plus tard : mardi 8 décembre" in timing
    assert "Je vous le rappelle mardi 1er décembre à 9 h" in timing
    assert "Julie Martin" in contact and "Sam Leroy" in contact
    assert [b["payload"] for b in dispatcher.messages[2]["buttons"]] == [
        f'/request_draft{{"channel":"{channel}","rejection_id":"{rejection_id}"}}'
        for channel in ("email", "phone", "meeting", "linkedin")
    ]
    assert slot_events(events) == {"current_rejection_id": rejection_id}
    [reminder] = rows(Reminder)
    assert reminder.kind == "feedback_request"
    assert reminder.due_at == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # 9:00 Paris
    # On the day, the reminder opens the conversation and the draft follows.
    assert reminder.payload["intent"] == "EXTERNAL_send_request"
    assert reminder.payload["entities"] == {"rejection_id": str(rejection_id)}
    day = CollectingDispatcher()
    opened = await req.ActionSendDay().run(
        day,
        tracker(
            intent="EXTERNAL_send_request",
            entities=[{"entity": "rejection_id", "value": str(rejection_id)}],
        ),
        {},
    )
    assert "jour conseillé" in texts(day)[0] and "Capgemini" in texts(day)[0]
    assert slot_events(opened) == {"current_rejection_id": rejection_id}
    [rejection] = rows(Rejection)
    assert rejection.timing["recommended"] == "2026-12-01"
    assert rejection.contact["primary"] == "interviewer"
    assert rejection.contact["also_ask_network"] is True


async def test_an_answer_before_the_request_cancels_the_send_day_reminder(
    action_db: str,
) -> None:
    # The company wrote first: no "time to send your request" on the day, draft answered.
    rejection_id = setup_rejection()
    await req.ActionPlanRequest().run(CollectingDispatcher(), tracker(intent="ask_timing"), {})
    from actions.common import sessions

    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        rejection = get_rejection(session, user, rejection_id)
        assert rejection is not None
        session.add(
            FeedbackRequest(
                user_id=user.id,
                rejection_id=rejection_id,
                channel="email",
                variant="general",
                draft="…",
            )
        )
        session.flush()
        assert mark_answered(session, user, rejection) == 1
    [reminder] = rows(Reminder)
    assert (reminder.kind, reminder.status) == ("feedback_request", "cancelled")
    assert [r.status for r in rows(FeedbackRequest)] == ["answered"]


async def test_an_open_window_says_so_without_a_reminder(action_db: str) -> None:
    setup_rejection(rejection_date=dt.date(2026, 11, 16), culture="casual")
    dispatcher = CollectingDispatcher()
    await req.ActionPlanRequest().run(dispatcher, tracker(intent="ask_contact"), {})
    contact, timing, _ = texts(dispatcher)
    assert contact.startswith("👤")
    assert "écrivez sans tarder" in timing or "dès aujourd'hui" in timing
    assert rows(Reminder) == []


async def test_several_rejections_ask_which_one(action_db: str) -> None:
    first = setup_rejection()
    from actions.common import sessions

    with transaction(sessions()) as session:
        user = session.scalar(select(User))
        assert user is not None
        session.add(
            Rejection(
                user_id=user.id,
                company="Orange",
                position="chef de projet",
                rejection_date=dt.date(2026, 11, 20),
            )
        )
    dispatcher = CollectingDispatcher()
    assert await req.ActionPlanRequest().run(dispatcher, tracker(intent="ask_timing"), {}) == []
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert f'/ask_timing{{"rejection_id":"{first}"}}' in payloads
    chosen = CollectingDispatcher()
    entity = [{"entity": "rejection_id", "value": str(first)}]
    await req.ActionPlanRequest().run(chosen, tracker(intent="ask_timing", entities=entity), {})
    assert "Capgemini" in texts(chosen)[0]


async def test_no_rejection_yet(action_db: str) -> None:
    from actions.common import sessions

    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)
    dispatcher = CollectingDispatcher()
    await req.ActionPlanRequest().run(dispatcher, tracker(intent="ask_timing"), {})
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/report_rejection"


async def test_having_no_linkedin_or_mail_is_an_answer() -> None:
    form = req.ValidateProfileForm()
    for slot, value in [
        ("sig_linkedin", "jai pas de linkedin"),
        ("sig_email", "j'en ai pas"),
        ("sig_phone", "non j'en ai aucun"),
    ]:
        asked = CollectingDispatcher()
        out = await getattr(form, f"validate_{slot}")(value, asked, tracker(), {})
        assert out[slot] == "none" and asked.messages == [], (slot, value)


async def test_a_signature_question_asked_again_keeps_its_skip_button() -> None:
    asked = CollectingDispatcher()
    await req.ValidateProfileForm().validate_sig_linkedin("mon profil", asked, tracker(), {})
    assert asked.messages[0]["buttons"] == [{"title": "Passer", "payload": "passer"}]


async def test_the_signature_is_asked_once_then_remembered(action_db: str) -> None:
    setup_rejection()
    first = CollectingDispatcher()
    events = await req.ActionLoadProfile().run(first, tracker(intent="request_draft"), {})
    assert slot_events(events)["sig_name"] is None and "une seule fois" in texts(first)[0]
    form = req.ValidateProfileForm()
    answers: dict[str, Any] = {}
    for slot, value in [
        ("sig_name", "camille durand"),
        ("sig_phone", "06.12.34.56.78"),
        ("sig_email", "passer"),
        ("sig_linkedin", "linkedin.com/in/camille-durand"),
    ]:
        out = await getattr(form, f"validate_{slot}")(value, CollectingDispatcher(), tracker(), {})
        answers.update(out)
    assert answers["sig_name"] == "Camille Durand" and answers["sig_email"] == "none"
    dispatcher = CollectingDispatcher()
    events = await req.ActionWriteDraft().run(
        dispatcher,
        tracker({**answers, "draft_variant": "general", "current_rejection_id": None}),
        {},
    )
    block = next(m["custom"]["text"] for m in dispatcher.messages if m.get("custom"))
    assert texts(dispatcher)[0].startswith("📅"), "a first draft says when to send it"
    assert "Objet : Votre retour sur ma candidature au poste de data analyst" in block
    # A formal company and no civility given: no « Bonjour Julie Martin » mail-merge greeting.
    assert "Madame, Monsieur," in block and "Bonjour Julie Martin" not in block
    assert "06 12 34 56 78" in block
    assert "https://linkedin.com/in/camille-durand" in block and "[" not in block
    assert slot_events(events)["draft_options"]["variant"] == "general"
    [user] = rows(User)
    assert (user.signature_name, user.phone, user.email) == (
        "Camille Durand",
        "06 12 34 56 78",
        None,
    )
    again = CollectingDispatcher()
    events = await req.ActionLoadProfile().run(again, tracker(intent="ask_phone_script"), {})
    slots = slot_events(events)
    assert slots["sig_name"] == "Camille Durand" and slots["sig_email"] == "none"
    assert slots["draft_variant"] == "phone" and texts(again) == []
    [request] = rows(FeedbackRequest)
    assert request.status == "draft" and request.channel == "email"


async def test_invalid_signature_fields_are_asked_again(action_db: str) -> None:
    form = req.ValidateProfileForm()
    dispatcher = CollectingDispatcher()
    out = await form.validate_sig_email("camille@", dispatcher, tracker(), {})
    assert out == {"sig_email": None, "ask_quietly": True}
    assert "exemple.fr" in texts(dispatcher)[0]
    assert (await form.validate_sig_phone("on en reparle demain", dispatcher, tracker(), {}))[
        "flow_stop"
    ] == "pause"


async def test_refining_and_sending(action_db: str) -> None:
    rejection_id = setup_rejection()
    base = {
        "sig_name": "Camille Durand",
        "sig_phone": "none",
        "sig_email": "none",
        "sig_linkedin": "none",
        "profile_dirty": True,
        "current_rejection_id": rejection_id,
    }
    first = CollectingDispatcher()
    events = await req.ActionWriteDraft().run(
        first, tracker({**base, "draft_variant": "general"}), {}
    )
    options = slot_events(events)["draft_options"]
    longer = next(m["custom"]["text"] for m in first.messages if m.get("custom"))
    refined = CollectingDispatcher()
    events = await req.ActionRefineDraft().run(
        refined,
        tracker({**base, "draft_options": options}, text="plus court et plus formel"),
        {},
    )
    shorter = next(m["custom"]["text"] for m in refined.messages if m.get("custom"))
    assert len(shorter) < len(longer) and "salutations distinguées" in shorter
    assert slot_events(events)["draft_options"]["short"] is True
    [draft] = rows(FeedbackRequest)
    assert draft.draft == shorter, "the latest version is the one kept"
    puzzled = CollectingDispatcher()
    assert await req.ActionRefineDraft().run(puzzled, tracker(base, text="euh"), {}) == []
    assert "Que voulez-vous changer" in texts(puzzled)[0]

    sent = CollectingDispatcher()
    await req.ActionRequestSent().run(sent, tracker(base, intent="request_sent"), {})
    assert "relance vendredi 4 décembre" in texts(sent)[0]
    [request] = rows(FeedbackRequest)
    assert request.status == "sent" and request.sent_at is not None
    follow_up = [r for r in rows(Reminder) if r.kind == "follow_up"]
    assert len(follow_up) == 1
    assert follow_up[0].payload["intent"] == "EXTERNAL_follow_up"
    assert follow_up[0].payload["entities"] == {"rejection_id": str(rejection_id)}

    nudge = CollectingDispatcher()
    await req.ActionFollowUp().run(
        nudge,
        tracker(
            intent="EXTERNAL_follow_up",
            entities=[{"entity": "rejection_id", "value": str(rejection_id)}],
        ),
        {},
    )
    block = next(m["custom"]["text"] for m in nudge.messages if m.get("custom"))
    assert block.startswith("Objet : Re :") and "mercredi 25 novembre" in block

    from actions.common import sessions

    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        rejection = get_rejection(session, user, rejection_id)
        assert rejection is not None
        assert mark_answered(session, user, rejection) == 1
    [request] = rows(FeedbackRequest)
    assert request.status == "answered"
    assert [r.status for r in rows(Reminder) if r.kind == "follow_up"] == ["cancelled"]


async def test_nothing_is_prepared_without_consent(action_db: str) -> None:
    dispatcher = CollectingDispatcher()
    await req.ActionPlanRequest().run(dispatcher, tracker(intent="ask_timing"), {})
    assert "/start" in texts(dispatcher)[0]
    assert rows(Reminder) == []


# --------------------------------------------------------------------------- channels and changes

SIGNED = {
    "sig_name": "Camille Durand",
    "sig_phone": "none",
    "sig_email": "none",
    "sig_linkedin": "none",
}


def code_blocks(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["custom"]["text"] for m in dispatcher.messages if m.get("custom")]


def all_buttons(dispatcher: CollectingDispatcher) -> list[dict[str, str]]:
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


@pytest.mark.parametrize(
    ("intent", "text", "variant"),
    [
        # The classifier heard « proposer » and « rencontre »: the words decide.
        ("ask_meeting", "Pourriez-vous me proposer un mail ?", "general"),
        ("ask_meeting", "je préférerais un simple mail, pas une rencontre", "general"),
        ("ask_meeting", "je prefererais un simple mail pas une rencontre", "general"),
        ("ask_meeting", "pas de rencontre", "general"),
        ("ask_meeting", "un mial stp", "general"),
        ("request_draft", "en fait plutôt par téléphone", "phone"),
        ("request_draft", "un coup de fil plutôt", "phone"),
        ("ask_phone_script", "plutôt un mail qu'un appel", "general"),
        ("request_draft", "un mail pour proposer un café", "meeting"),
        ("request_draft", "redige moi un message linkedin", "linkedin"),
        ("ask_phone_script", "tel ou mail ?", "phone"),  # only compared: the intent decides
        ("ask_meeting", "c'est une bonne idée de demander à les rencontrer ?", "meeting"),
    ],
)
async def test_the_channel_named_in_the_words_is_the_one_prepared(
    action_db: str, intent: str, text: str, variant: str
) -> None:
    setup_rejection()
    events = await req.ActionLoadProfile().run(
        CollectingDispatcher(), tracker(intent=intent, text=text), {}
    )
    assert slot_events(events)["draft_variant"] == variant


async def test_a_channel_button_under_a_draft_switches_and_keeps_the_changes(
    action_db: str,
) -> None:
    rejection_id = setup_rejection()
    base = {**SIGNED, "current_rejection_id": rejection_id}
    first = CollectingDispatcher()
    events = await req.ActionWriteDraft().run(
        first, tracker({**base, "draft_variant": "general"}), {}
    )
    payloads = [b["payload"] for b in all_buttons(first)]
    phone = f'/request_draft{{"channel":"phone","rejection_id":"{rejection_id}"}}'
    assert phone in payloads
    assert f'/request_draft{{"channel":"linkedin","rejection_id":"{rejection_id}"}}' in payloads
    assert not any('"channel":"email"' in p for p in payloads), "no button for the same channel"
    # Every payload travels as is in Telegram's 64 bytes: nothing to forget after a restart.
    from bot.rendering import PayloadStore

    store = PayloadStore()
    assert all(store.encode(p).startswith("p:") for p in payloads)
    formal = CollectingDispatcher()
    events = await req.ActionRefineDraft().run(
        formal,
        tracker(
            {**base, "draft_options": slot_events(events)["draft_options"]},
            text=f'/refine_draft{{"refine":"formel","rejection_id":"{rejection_id}"}}',
            entities=[
                {"entity": "refine", "value": "formel"},
                {"entity": "rejection_id", "value": str(rejection_id)},
            ],
        ),
        {},
    )
    options = slot_events(events)["draft_options"]
    assert options["formal"] is True
    assert "salutations distinguées" in code_blocks(formal)[0]
    # The phone button: the script comes, still formal.
    loaded = await req.ActionLoadProfile().run(
        CollectingDispatcher(),
        tracker(
            {**base, "draft_options": options},
            intent="request_draft",
            text=phone,
            entities=[
                {"entity": "channel", "value": "phone"},
                {"entity": "rejection_id", "value": str(rejection_id)},
            ],
        ),
        {},
    )
    slots = slot_events(loaded)
    assert slots["draft_variant"] == "phone" and slots["draft_options"]["formal"] is True
    script = CollectingDispatcher()
    await req.ActionWriteDraft().run(script, tracker({**base, **slots}), {})
    [block] = code_blocks(script)
    assert "Je me permets de vous appeler" in block and "Objet" not in block
    assert any("Avant d'appeler" in t for t in texts(script))
    [request] = rows(FeedbackRequest)
    assert (request.channel, request.variant, request.draft) == ("phone", "phone", block)
    under = [b["payload"] for b in all_buttons(script)]
    assert not any('"channel":"phone"' in p for p in under)
    assert f'/request_draft{{"channel":"email","rejection_id":"{rejection_id}"}}' in under


async def test_an_old_button_of_another_application_still_means_that_application(
    action_db: str,
) -> None:
    first = setup_rejection()
    from actions.common import sessions

    with transaction(sessions()) as session:
        user = session.scalar(select(User))
        assert user is not None
        other = Rejection(
            user_id=user.id,
            company="Orange",
            position="chef de projet",
            rejection_date=dt.date(2026, 11, 20),
        )
        session.add(other)
        session.flush()
        other_id = other.id
    # The conversation is now about Orange, with a formal phone script…
    slots = {
        **SIGNED,
        "current_rejection_id": other_id,
        "draft_variant": "phone",
        "draft_options": {"variant": "phone", "formal": True},
    }
    # …and the person presses « Plutôt LinkedIn » under the old Capgemini draft.
    loaded = await req.ActionLoadProfile().run(
        CollectingDispatcher(),
        tracker(
            slots,
            intent="request_draft",
            text=f'/request_draft{{"channel":"linkedin","rejection_id":"{first}"}}',
            entities=[
                {"entity": "channel", "value": "linkedin"},
                {"entity": "rejection_id", "value": str(first)},
            ],
        ),
        {},
    )
    new = slot_events(loaded)
    assert new["current_rejection_id"] == str(first)
    assert new["draft_variant"] == "linkedin" and new["draft_options"] is None
    shown = CollectingDispatcher()
    await req.ActionWriteDraft().run(shown, tracker({**slots, **new}), {})
    [block] = code_blocks(shown)
    assert "Capgemini" in block and "Orange" not in block and "Objet" not in block


@pytest.mark.parametrize(
    ("text", "variant", "shown"),
    [
        ("en fait plutôt par téléphone", "phone", "Voici un script d'appel"),
        ("finalement un coup de fil", "phone", "Voici un script d'appel"),
        ("non plutot un message linkedin", "linkedin", "Voici un message LinkedIn"),
        ("plutôt une rencontre en visio", "meeting", "Voici un mail pour proposer une rencontre"),
    ],
)
async def test_a_change_of_channel_in_words_after_a_draft(
    action_db: str, text: str, variant: str, shown: str
) -> None:
    rejection_id = setup_rejection()
    base = {**SIGNED, "current_rejection_id": rejection_id}
    dispatcher = CollectingDispatcher()
    events = await req.ActionRefineDraft().run(
        dispatcher,
        tracker({**base, "draft_options": {"variant": "general"}}, text=text),
        {},
    )
    assert slot_events(events)["draft_variant"] == variant
    assert any(t.startswith(shown) for t in texts(dispatcher))
    assert not any("nouvelle version" in t for t in texts(dispatcher))
    [request] = rows(FeedbackRequest)
    assert request.variant == variant


async def test_shorter_on_a_meeting_draft_changes_it_then_says_it_cannot(action_db: str) -> None:
    # The issue: « Plus court » on the meeting draft answered « Voici la nouvelle version »
    # over the identical text.
    rejection_id = setup_rejection()
    base = {**SIGNED, "current_rejection_id": rejection_id}
    first = CollectingDispatcher()
    events = await req.ActionWriteDraft().run(
        first, tracker({**base, "draft_variant": "meeting"}), {}
    )
    [meeting] = code_blocks(first)
    shorter = CollectingDispatcher()
    events = await req.ActionRefineDraft().run(
        shorter,
        tracker({**base, "draft_options": slot_events(events)["draft_options"]}, text="Plus court"),
        {},
    )
    [short] = code_blocks(shorter)
    assert short != meeting and len(short.split()) < len(meeting.split())
    assert "quinze minutes" in short
    assert any(
        t.startswith("Voici une version plus courte du mail de demande de rencontre (")
        for t in texts(shorter)
    )
    again = CollectingDispatcher()
    kept = await req.ActionRefineDraft().run(
        again,
        tracker({**base, "draft_options": slot_events(events)["draft_options"]}, text="+ court"),
        {},
    )
    assert code_blocks(again) == [], "the same text is not sent again as if it were new"
    [answer] = texts(again)
    assert answer.startswith("Je n'ai rien changé au mail de demande de rencontre")
    assert (
        "déjà dans sa version la plus courte" in answer and "Voici ce que je peux faire" in answer
    )
    offered = [b["payload"] for b in again.messages[0]["buttons"]]
    assert f'/refine_draft{{"refine":"court","rejection_id":"{rejection_id}"}}' not in offered
    assert f'/refine_draft{{"refine":"formel","rejection_id":"{rejection_id}"}}' in offered
    assert slot_events(kept)["draft_options"]["short"] is True
    [request] = rows(FeedbackRequest)
    assert request.draft == short


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("en anglais stp", "qu'en français"),
        ("tu peux le traduire en anglais ?", "qu'en français"),
        ("ajoute que je reste intéressée", "le dit déjà : « Capgemini m'intéresse toujours »"),
        ("plus long", "déjà sa version complète"),
        ("plus général", "déjà général"),
    ],
)
async def test_a_change_that_cannot_be_made_says_why(
    action_db: str, text: str, reason: str
) -> None:
    rejection_id = setup_rejection()
    base = {**SIGNED, "current_rejection_id": rejection_id}
    dispatcher = CollectingDispatcher()
    await req.ActionRefineDraft().run(
        dispatcher, tracker({**base, "draft_options": {"variant": "general"}}, text=text), {}
    )
    assert code_blocks(dispatcher) == []
    [answer] = texts(dispatcher)
    assert answer.startswith("Je n'ai rien changé au mail") and reason in answer
    assert "nouvelle version" not in answer


async def test_a_sentence_to_add_is_added(action_db: str) -> None:
    rejection_id = setup_rejection()
    base = {**SIGNED, "current_rejection_id": rejection_id}
    dispatcher = CollectingDispatcher()
    events = await req.ActionRefineDraft().run(
        dispatcher,
        tracker(
            {**base, "draft_options": {"variant": "phone"}},
            text="ajoute que je suis disponible dès janvier",
        ),
        {},
    )
    [block] = code_blocks(dispatcher)
    assert "Je suis disponible dès janvier." in block
    assert slot_events(events)["draft_options"]["additions"] == ["Je suis disponible dès janvier."]
    assert any(t.endswith("avec votre ajout :") for t in texts(dispatcher))


async def test_the_same_channel_asked_again_is_shown_as_it_is(action_db: str) -> None:
    rejection_id = setup_rejection()
    base = {**SIGNED, "current_rejection_id": rejection_id}
    dispatcher = CollectingDispatcher()
    await req.ActionRefineDraft().run(
        dispatcher,
        tracker(
            {**base, "draft_options": {"variant": "general"}},
            text="je préférerais un simple mail, pas une rencontre",
        ),
        {},
    )
    assert "C'est déjà un mail : le voici, inchangé." in texts(dispatcher)
    [block] = code_blocks(dispatcher)
    assert block.startswith("Objet : Votre retour")


async def test_an_old_change_button_applies_to_its_own_application(action_db: str) -> None:
    first = setup_rejection()
    base = {**SIGNED, "current_rejection_id": first}
    await req.ActionWriteDraft().run(
        CollectingDispatcher(), tracker({**base, "draft_variant": "meeting"}), {}
    )
    from actions.common import sessions

    with transaction(sessions()) as session:
        user = session.scalar(select(User))
        assert user is not None
        other = Rejection(
            user_id=user.id,
            company="Orange",
            position="chef de projet",
            rejection_date=dt.date(2026, 11, 20),
        )
        session.add(other)
        session.flush()
        other_id = other.id
    # Now discussing Orange with a formal phone script; « Plus court » pressed under the old
    # Capgemini meeting request shortens that request, not the Orange script.
    pressed = CollectingDispatcher()
    events = await req.ActionRefineDraft().run(
        pressed,
        tracker(
            {**SIGNED, "current_rejection_id": other_id, "draft_options": {"variant": "phone"}},
            text=f'/refine_draft{{"refine":"court","rejection_id":"{first}"}}',
            entities=[
                {"entity": "refine", "value": "court"},
                {"entity": "rejection_id", "value": str(first)},
            ],
        ),
        {},
    )
    [block] = code_blocks(pressed)
    assert "Capgemini" in block and "quinze minutes" in block and "Orange" not in block
    slots = slot_events(events)
    assert slots["current_rejection_id"] == first
    assert slots["draft_options"]["variant"] == "meeting" and slots["draft_options"]["short"]
