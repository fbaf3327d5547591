"""bot.gateway: crisis first on every text path, private chats only, flood control, the
durable inbox and one ordered queue per chat — with real PTB updates and a real database,
Telegram and the relay played by fakes that record what they were asked."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy import update as sa_update
from telegram import Update

from bot.gateway import (
    ALREADY_PRESSED,
    CAPTION_ONLY,
    EDITED,
    NOT_TEXT,
    PRIVATE_ONLY,
    TOO_FAST,
    Gateway,
    InboxQueue,
    Limits,
)
from bot.relay import Speaker
from bot.rendering import PayloadStore, Reply
from coach import inbox
from coach.db import transaction
from coach.models import InboxUpdate
from coach.safety import CRISIS_REPLY

CAMILLE = 4242
SACHA = 77


class FakeBot:
    """Records Bot API calls made directly by the gateway (notices, leaving, buttons)."""

    defaults = None

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        async def call(*args: Any, **kwargs: Any) -> bool:
            self.calls.append((name, args, kwargs))
            return True

        return call

    def texts(self, chat_id: int) -> list[str]:
        return [a[1] for n, a, _ in self.calls if n == "send_message" and a[0] == chat_id]


class FakeRelay:
    """Answers "echo: <text>"; ``gate`` (when set) holds every turn until it opens."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, str]] = []
        self.crises: list[int] = []
        self.gate: asyncio.Event | None = None
        self.replayed: dict[int, list[Reply]] = {}
        self.plans: dict[int, list[Reply]] = {}

    async def _turn(self, speaker: Speaker, what: str) -> list[Reply]:
        self.seen.append((speaker.telegram_user_id, what))
        if self.gate is not None:
            await self.gate.wait()
        return [Reply(text=f"echo: {what}")]

    async def handle_text(self, speaker: Speaker, text: str, *, key: int | None = None) -> Any:
        return await self._turn(speaker, text)

    async def handle_command(
        self, speaker: Speaker, command: str, *, key: int | None = None
    ) -> Any:
        return await self._turn(speaker, command)

    async def handle_payload(
        self, speaker: Speaker, payload: str | None, *, key: int | None = None
    ) -> Any:
        return await self._turn(speaker, f"payload {payload}")

    @staticmethod
    def crisis_reply() -> list[Reply]:
        return [Reply(text=CRISIS_REPLY)]

    def after_crisis(self, speaker: Speaker) -> None:
        self.crises.append(speaker.telegram_user_id)

    async def follow_up(self, speaker: Speaker, shown: list[Reply]) -> list[Reply]:
        # The person's safety plan would follow a crisis answer (bot/safety_plan.py).
        if any(reply.text == CRISIS_REPLY for reply in shown):
            return self.plans.get(speaker.telegram_user_id, [])
        return []

    async def replay(self, speaker: Speaker, key: int) -> list[Reply] | None:
        return self.replayed.get(key)


class Sent:
    def __init__(self) -> None:
        self.by_chat: dict[int, list[str]] = {}

    async def __call__(self, chat_id: int, replies: list[Reply]) -> None:
        self.by_chat.setdefault(chat_id, []).extend(r.text or "" for r in replies)


_next_id = iter(range(1000, 10**9))


def user(uid: int) -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": "Camille"}


def message(uid: int, text: str | None = None, chat_type: str = "private", **extra: Any) -> dict:
    chat = {"id": uid if chat_type == "private" else -100, "type": chat_type}
    body: dict[str, Any] = {
        "message_id": next(_next_id),
        "date": 0,
        "chat": chat,
        "from": user(uid),
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    body.update(extra)
    return body


def update(bot: FakeBot, **fields: Any) -> Update:
    result = Update.de_json({"update_id": next(_next_id), **fields}, bot)  # type: ignore[arg-type]
    assert result is not None
    return result


@pytest.fixture
def world(session_factory):  # type: ignore[no-untyped-def]
    bot, relay, sent = FakeBot(), FakeRelay(), Sent()
    locks: dict[int, asyncio.Lock] = {}

    def build(
        limits: Limits | None = None, sessions: Any = session_factory, instance: str | None = None
    ) -> Gateway:
        return Gateway(
            bot=bot,
            relay=relay,  # type: ignore[arg-type]
            send=sent,
            sessions=sessions,
            payloads=PayloadStore(),
            lock_for=lambda chat: locks.setdefault(chat, asyncio.Lock()),
            limits=limits,
            instance=instance,
        )

    return bot, relay, sent, build


async def settle(gateway: Gateway) -> None:
    await gateway.drain(timeout=5)
    await asyncio.sleep(0)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(lambda b: {"message": message(CAMILLE, "je veux mourir")}, id="message"),
        pytest.param(
            lambda b: {"edited_message": {**message(CAMILLE, "je veux mourir"), "edit_date": 1}},
            id="edited",
        ),
        pytest.param(
            lambda b: {
                "message": message(
                    CAMILLE,
                    photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
                    caption="je vais me tuer ce soir",
                )
            },
            id="photo caption",
        ),
        pytest.param(
            lambda b: {
                "message": message(
                    CAMILLE,
                    document={"file_id": "f", "file_unique_id": "u"},
                    caption="plus envie de vivre",
                )
            },
            id="document caption",
        ),
        pytest.param(
            lambda b: {"message": message(CAMILLE, "/aide je veux en finir")}, id="command"
        ),
        pytest.param(
            lambda b: {
                "message": message(
                    CAMILLE,
                    "je pense au suicide",
                    forward_origin={"type": "hidden_user", "date": 0, "sender_user_name": "X"},
                )
            },
            id="forward",
        ),
    ],
)
async def test_every_text_path_gets_the_crisis_answer_before_any_io(world, fields) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    # No database at all and a relay that would hang: the crisis answer must not care.
    relay.gate = asyncio.Event()
    gateway = build(sessions=None)
    await asyncio.wait_for(gateway.accept(update(bot, **fields(bot))), timeout=1)
    await asyncio.sleep(0.05)
    assert sent.by_chat[CAMILLE] == [CRISIS_REPLY]
    assert relay.seen == [], "a crisis never waits for a dialogue turn"
    assert relay.crises == [CAMILLE], "the safety pause is recorded after the answer"


async def test_the_persons_safety_plan_follows_the_crisis_answer_never_before(world) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    relay.plans[CAMILLE] = [Reply(text="Votre plan : appeler Léa")]
    gateway = build(sessions=None)
    await gateway.accept(update(bot, message=message(CAMILLE, "je veux mourir")))
    await settle(gateway)
    assert sent.by_chat[CAMILLE] == [CRISIS_REPLY, "Votre plan : appeler Léa"]


async def test_a_crisis_answer_from_the_dialogue_is_followed_by_the_plan_too(world) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    relay.plans[CAMILLE] = [Reply(text="Votre plan : appeler Léa")]
    relay.plans[SACHA] = [Reply(text="Le plan de Sacha")]

    async def classifier_crisis(speaker: Speaker, text: str, *, key: int | None = None) -> Any:
        if speaker.telegram_user_id != CAMILLE:
            return [Reply(text=f"echo: {text}")]
        return [Reply(text=CRISIS_REPLY)]  # what the action answers for the crisis intent

    relay.handle_text = classifier_crisis  # type: ignore[method-assign]
    gateway = build()
    await gateway.accept(update(bot, message=message(CAMILLE, "tout est noir ce soir")))
    await settle(gateway)
    assert sent.by_chat[CAMILLE] == [CRISIS_REPLY, "Votre plan : appeler Léa"]
    await gateway.accept(update(bot, message=message(SACHA, "bonjour")))
    await settle(gateway)
    assert sent.by_chat[SACHA] == ["echo: bonjour"], "no plan after an ordinary answer"


async def test_a_crisis_does_not_wait_behind_the_persons_own_unfinished_turn(world) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    relay.gate = asyncio.Event()
    gateway = build()
    await gateway.accept(update(bot, message=message(CAMILLE, "bonjour")))
    await asyncio.sleep(0.05)
    assert relay.seen == [(CAMILLE, "bonjour")]  # stuck in Rasa
    await gateway.accept(update(bot, message=message(CAMILLE, "en fait je veux mourir")))
    await asyncio.sleep(0.05)
    assert sent.by_chat[CAMILLE] == [CRISIS_REPLY]
    relay.gate.set()
    await settle(gateway)
    assert sent.by_chat[CAMILLE] == [CRISIS_REPLY, "echo: bonjour"]


async def test_other_text_paths_reach_the_relay_as_text(world) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    gateway = build()
    photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    await gateway.accept(update(bot, message=message(CAMILLE, photo=photo, caption="mon CV")))
    await gateway.accept(update(bot, message=message(CAMILLE, sticker=None, photo=photo)))
    await gateway.accept(
        update(bot, edited_message={**message(CAMILLE, "correction"), "edit_date": 1})
    )
    await gateway.accept(update(bot, message=message(CAMILLE, "/refus")))
    await settle(gateway)
    assert relay.seen == [(CAMILLE, "mon CV"), (CAMILLE, "/refus")]
    assert sent.by_chat[CAMILLE] == [CAPTION_ONLY, "echo: mon CV", NOT_TEXT, EDITED, "echo: /refus"]


@pytest.mark.parametrize("chat_type", ["group", "supergroup", "channel"])
async def test_outside_a_private_chat_one_notice_then_the_bot_leaves(world, chat_type) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    gateway = build()
    await gateway.accept(update(bot, message=message(CAMILLE, "/journal", chat_type=chat_type)))
    await gateway.accept(
        update(bot, message=message(CAMILLE, "je veux mourir", chat_type=chat_type))
    )
    await settle(gateway)
    assert relay.seen == [] and relay.crises == [], "nothing personal is served in a group"
    assert bot.texts(-100) == [PRIVATE_ONLY]
    assert [n for n, *_ in bot.calls].count("leave_chat") == 1
    assert sent.by_chat == {}


async def test_being_added_to_a_group_makes_the_bot_leave(world) -> None:  # type: ignore[no-untyped-def]
    bot, _relay, _sent, build = world
    gateway = build()
    member = {
        "chat": {"id": -100, "type": "group", "title": "Promo"},
        "from": user(CAMILLE),
        "date": 0,
        "old_chat_member": {"status": "left", "user": {"id": 1, "is_bot": True, "first_name": "R"}},
        "new_chat_member": {
            "status": "member",
            "user": {"id": 1, "is_bot": True, "first_name": "R"},
        },
    }
    await gateway.accept(update(bot, my_chat_member=member))
    await settle(gateway)
    assert [n for n, *_ in bot.calls] == ["send_message", "leave_chat"]


async def test_someone_who_waits_for_each_answer_is_never_limited(world) -> None:  # type: ignore[no-untyped-def]
    bot, _relay, sent, build = world
    gateway = build(Limits(burst=2, refill_seconds=600, queue=10))
    for index in range(30):
        await gateway.accept(update(bot, message=message(CAMILLE, f"réponse {index}")))
        await settle(gateway)
    assert len(sent.by_chat[CAMILLE]) == 30
    assert TOO_FAST not in bot.texts(CAMILLE)


async def test_a_flood_is_cut_with_one_notice_and_does_not_delay_anyone_else(world) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    relay.gate = asyncio.Event()
    gateway = build(Limits(burst=5, refill_seconds=60, queue=10))
    for index in range(300):
        await gateway.accept(update(bot, message=message(CAMILLE, f"spam {index}")))
    await asyncio.sleep(0.05)
    assert relay.seen == [(CAMILLE, "spam 0")], "one turn of the flooder at a time"
    # Someone else is served while the flooder's first turn is still stuck.
    relay.gate.set()
    relay.gate = None
    await gateway.accept(update(bot, message=message(SACHA, "bonjour")))
    await settle(gateway)
    assert sent.by_chat[SACHA] == ["echo: bonjour"]
    # The first found the chat idle; five more came out of the bucket; the rest was cut.
    assert [t for _u, t in relay.seen if _u == CAMILLE] == [f"spam {i}" for i in range(6)]
    assert bot.texts(CAMILLE) == [TOO_FAST], "one notice for the whole flood"
    with gateway._sessions() as session:  # type: ignore[misc]
        assert session.scalar(select(func.count()).select_from(InboxUpdate)) == 0


async def test_an_update_is_stored_before_it_is_acknowledged_and_deleted_once_answered(
    world,
) -> None:  # type: ignore[no-untyped-def]
    bot, relay, _sent, build = world
    relay.gate = asyncio.Event()
    gateway = build()
    first = update(bot, message=message(CAMILLE, "bonjour"))
    await gateway.accept(first)
    [stored] = inbox.pending(gateway._sessions)  # type: ignore[arg-type]
    assert stored.update_id == first.update_id and stored.payload["message"]["text"] == "bonjour"
    # Telegram sends it again (its acknowledgement was lost): it is not processed twice.
    await gateway.accept(Update.de_json(first.to_dict(), bot))  # type: ignore[arg-type]
    relay.gate.set()
    await settle(gateway)
    assert relay.seen == [(CAMILLE, "bonjour")]
    assert inbox.pending(gateway._sessions) == []  # type: ignore[arg-type]


async def test_updates_left_by_a_crash_are_answered_after_a_restart(world, session_factory) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    crashed = build()
    relay.gate = asyncio.Event()
    for text in ("un", "deux", "trois"):
        await crashed.accept(update(bot, message=message(CAMILLE, text)))
    await asyncio.sleep(0.05)  # "un" is half way through Rasa when the process dies
    for chat in list(crashed._chats.values()):
        assert chat.worker is not None
        chat.worker.cancel()
    relay.seen.clear()
    relay.gate = None
    [half_done, *_] = inbox.pending(session_factory)
    relay.replayed[half_done.update_id] = [Reply(text="answer given before the crash")]
    restarted = build()
    assert await restarted.resume() == 3
    await settle(restarted)
    # "un" reached Rasa before the crash: its answer is sent again, not processed twice.
    assert relay.seen == [(CAMILLE, "deux"), (CAMILLE, "trois")]
    assert sent.by_chat[CAMILLE] == ["answer given before the crash", "echo: deux", "echo: trois"]
    assert inbox.pending(session_factory) == []


async def test_another_process_takes_over_only_once_the_lease_has_run_out(
    world, session_factory
) -> None:  # type: ignore[no-untyped-def]
    bot, relay, sent, build = world
    first, second = build(instance="bot-a"), build(instance="bot-b")
    relay.gate = asyncio.Event()
    for text in ("un", "deux"):
        await first.accept(update(bot, message=message(CAMILLE, text)))
    await asyncio.sleep(0.05)
    assert await second.resume() == 0, "the first process is alive: its rows are its own"
    # The first process dies; its lease runs out.
    for chat in list(first._chats.values()):
        assert chat.worker is not None
        chat.worker.cancel()
    relay.seen.clear()
    relay.gate = None
    with transaction(session_factory) as session:
        session.execute(
            sa_update(InboxUpdate).values(lease_until=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        )
    assert await second.resume() == 2
    await settle(second)
    assert sent.by_chat[CAMILLE] == ["echo: un", "echo: deux"]
    assert inbox.pending(session_factory) == []
    assert await build(instance="bot-c").resume() == 0


async def test_two_fast_presses_of_one_button_count_once(world) -> None:  # type: ignore[no-untyped-def]
    bot, relay, _sent, build = world
    gateway = build()
    shown = message(CAMILLE, "Choisissez :")
    shown["from"] = {"id": 1, "is_bot": True, "first_name": "Rebond"}
    press = {
        "id": "q",
        "from": user(CAMILLE),
        "chat_instance": "c",
        "data": "p:/affirm",
        "message": shown,
    }
    await gateway.accept(update(bot, callback_query=press))
    await gateway.accept(update(bot, callback_query={**press, "id": "q2"}))
    await settle(gateway)
    assert relay.seen == [(CAMILLE, "payload /affirm")]
    answers = [(a, k) for n, a, k in bot.calls if n == "answer_callback_query"]
    assert len(answers) == 2, "every press is acknowledged"
    assert ALREADY_PRESSED in [*answers[1][0], *answers[1][1].values()]


async def test_with_the_database_down_messages_are_still_answered(world) -> None:  # type: ignore[no-untyped-def]
    from coach.db import make_engine, make_session_factory

    bot, _relay, sent, build = world
    broken = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    gateway = build(sessions=broken)
    await gateway.accept(update(bot, message=message(CAMILLE, "bonjour")))
    await settle(gateway)
    assert sent.by_chat[CAMILLE] == ["echo: bonjour"]


async def test_the_update_queue_hands_updates_to_the_gateway_and_keeps_control_objects(
    world,
) -> None:  # type: ignore[no-untyped-def]
    bot, _relay, sent, build = world
    queue = InboxQueue()
    queue.gateway = build()
    queue.ready.set()
    await queue.put(update(bot, message=message(CAMILLE, "bonjour")))
    stop = object()
    await queue.put(stop)
    await settle(queue.gateway)
    assert sent.by_chat[CAMILLE] == ["echo: bonjour"]
    assert queue.qsize() == 1 and queue.get_nowait() is stop
