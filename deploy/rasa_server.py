"""Start Rasa's command line with its token taken from the environment and its logs scrubbed.

    RASA_AUTH_TOKEN=... python deploy/rasa_server.py run --enable-api --model models ...

`make run` (devtools/stack.py) runs it with .venv-rasa/bin/python; the rasa service of
docker-compose.yml runs it with the image's python. It runs in Rasa's environment (Python 3.10,
Rasa only): nothing of ours is imported and the module level uses the standard library only.

The token. `rasa run --auth-token TOKEN` leaves the token in /proc/<pid>/cmdline, which every
user of the machine reads (`ps`). Here it is read from RASA_AUTH_TOKEN and appended to
``sys.argv`` inside the process, whose command line never holds it; an ``--auth-token`` given
on the command line is refused, and so is ``--enable-api`` without a token (the HTTP API
would be open to anyone who reaches the port). Other secrets reach Rasa the same way, through
the environment: the endpoints files say ``${ACTION_SERVER_SECRET}``, ``${TRACKER_DB_PASSWORD}``
and Rasa expands them when it reads the file (rasa.shared.utils.io, ``!env_var`` resolver).

The logs. Rasa logs the text of a message whose handling failed (structlog event
``rest.message.received.failure`` with ``text=``), exception messages that quote an action
server's answer (``body='...'``) or a database statement's parameters, and Sanic logs request
URLs, which carry ``?token=``. Two scrubbers run in the Rasa process:
- a structlog processor, first in Rasa's chain: fields that may hold what a person wrote are
  replaced by ``[redacted]``, and an exception becomes a traceback without messages;
- a log-record factory for the standard ``logging`` records: the same traceback treatment,
  and ``body='...'``, ``token=...`` and URL passwords in the message are redacted.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from types import TracebackType
from typing import Any

TOKEN_ENV = "RASA_AUTH_TOKEN"
REDACTED = "[redacted]"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class ConfigurationError(Exception):
    """Rasa must not start this way (the message says why, without any secret)."""


def rasa_argv(argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The arguments Rasa's CLI gets: ``argv`` plus the token from the environment."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise ConfigurationError(
            f"--auth-token on the command line is visible to every user (ps): set {TOKEN_ENV}"
        )
    token = env.get(TOKEN_ENV, "").strip()
    if "--enable-api" in argv and not token:
        raise ConfigurationError(f"--enable-api without {TOKEN_ENV} would open Rasa's HTTP API")
    # The `=` form: a token that starts with "-" would otherwise be read as an option.
    return [*argv, f"--auth-token={token}"] if token else list(argv)


# --------------------------------------------------------------------------------------------
# Log scrubbing

_MESSAGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # rasa.utils.endpoints.ClientResponseError: "500, Internal Server Error, body='...'"
    (re.compile(r"body=(['\"]).*\1", re.S), f"body={REDACTED}"),
    # SQLAlchemy errors quote the statement's parameters, e.g. an event's JSON with its text
    # (the tracker store logs such errors when it falls back to memory).
    (
        re.compile(r"\[parameters: .*?(?:\](?=\n\(Background)|\Z)", re.S),
        f"[parameters: {REDACTED}]",
    ),
    # Rasa's HTTP API takes its token in the query string; Sanic logs request URLs.
    (re.compile(r"([?&](?:token|auth_token)=)[^&\s'\"]+"), rf"\g<1>{REDACTED}"),
    # Database URLs in error messages: scheme://user:password@host
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+@"), rf"\g<1>{REDACTED}@"),
)

# structlog fields that may carry what a person wrote (Rasa's own anonymizable keys and the
# like). The event name and its description are Rasa's constants, kept.
_KEEP_FIELDS = frozenset({"event", "event_info", "event_key", "level", "timestamp", "exception"})
_SENSITIVE_FIELD = re.compile(
    r"text|message|utter|slot|entit|tracker|state|event|response|payload|metadata|body|token"
    r"|password|secret|value|data|input|story|prediction|parse|success|json|argument",
    re.I,
)


def scrub_message(text: str) -> str:
    for pattern, replacement in _MESSAGE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def safe_traceback(exc_info: ExcInfo) -> str:
    """Frames and exception types of an exception (and its causes), never their messages."""
    chain: list[BaseException] = []
    current: BaseException | None = exc_info[1]
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for exc in reversed(chain):
        if parts:
            parts.append("\nThen:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)\n")
    return "".join(parts).rstrip("\n")


def _as_exc_info(value: Any) -> ExcInfo | None:
    if isinstance(value, BaseException):
        return (type(value), value, value.__traceback__)
    if isinstance(value, tuple) and len(value) == 3 and value[1] is not None:
        return value
    if value is True:
        current = sys.exc_info()
        if current[1] is not None:
            return current
    return None


def redact_event(_logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Any:
    """structlog processor: first in the chain, before anything renders the event."""
    exc_info = event_dict.get("exc_info")
    if exc_info is None and method_name == "exception":
        exc_info = True
    if exc_info is not None:
        info = _as_exc_info(exc_info)
        # False, not absent: structlog's set_exc_info would put True back.
        event_dict["exc_info"] = False
        if info is not None:
            event_dict["exception"] = safe_traceback(info)
    for key, value in list(event_dict.items()):
        if key == "exc_info" or value is None or isinstance(value, (bool, int, float)):
            continue
        if key in _KEEP_FIELDS:
            if isinstance(value, str):
                event_dict[key] = scrub_message(value)
        elif _SENSITIVE_FIELD.search(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = scrub_message(str(value))
    return event_dict


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = safe_traceback(record.exc_info)
        record.exc_info = None
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is logging's business, not ours
        return record
    cleaned = scrub_message(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    return record


def install_record_factory() -> None:
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)


def install_structlog_redaction(rasa_main: Any) -> None:
    """Put ``redact_event`` first in the processors Rasa's CLI configures."""
    import structlog

    configure = rasa_main.configure_structlog

    def configure_then_redact(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        processors = list(structlog.get_config()["processors"])
        structlog.configure(processors=[redact_event, *processors])

    rasa_main.configure_structlog = configure_then_redact


def install_compiled_action_validation() -> None:
    """Validate action server answers with a validator compiled once.

    Rasa checks every answer of the action server with ``jsonschema.validate(answer,
    schema)``, which first re-checks the schema itself against its metaschema: on a
    profile of 20 conversations at once this took about a third of Rasa's CPU. The schema
    is Rasa's constant, so it is checked once here; the answers are still validated against
    it, with the same error when one does not fit."""
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError:
            # Rasa's own path: the same exception, with its explanation appended.
            return bool(original(self, result))
        return True

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def install_event_class_cache() -> None:
    """Find an event's class by its type name once, not at every event.

    Rasa rebuilds each event it loads from the tracker store (``Event.from_parameters``),
    and each time looks its class up by walking every subclass of ``Event`` and asking
    ``inspect.isabstract`` of each: on a profile of a long conversation that walk was most
    of the time spent loading a tracker. The classes are fixed once Rasa is imported, so a
    found class is remembered by its type name; a name not found (or found nowhere yet)
    still goes through Rasa's own lookup, with its default and its error."""
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]


class _AlreadyTaken(Exception):
    """Raised inside a message's turn when its update id is in the conversation already."""

    def __init__(self, answers: list[Any]) -> None:
        super().__init__("update already taken")
        self.answers = answers


def earlier_answers(events: Any, key: Any) -> list[Any] | None:
    """The bot events that followed the user event carrying ``update_id`` = ``key`` (up to
    the next user event), or None when no user event carries it."""
    from rasa.shared.core.events import BotUttered, UserUttered

    found: list[Any] | None = None
    for event in events:
        if isinstance(event, UserUttered):
            if found is not None:
                break
            metadata = event.metadata if isinstance(event.metadata, dict) else {}
            if metadata.get("update_id") == key:
                found = []
        elif found is not None and isinstance(event, BotUttered):
            found.append(event)
    return found


def install_update_once() -> None:
    """Take each Telegram update once, whoever sends it again.

    The bot puts the update id of the message in its metadata. A message can reach Rasa a
    second time when the first delivery's answer was lost: a bot process died after Rasa
    took the turn and another one took the update over, or a balancer or a client retried
    after a connection was cut. Rasa would then run the turn again (a second answer to the
    same question, a form slot filled twice). Here, under the conversation's lock and with
    the tracker the turn loads anyway (no extra read), a message whose update id is already
    in the current session is answered with the answers given to it then, and nothing is
    saved. Messages without an update id (the local chat, tests) are not concerned."""
    import contextvars

    from rasa.core.processor import MessageProcessor

    key_of_turn: contextvars.ContextVar[Any] = contextvars.ContextVar("rebond_update_id")
    original_handle = MessageProcessor.handle_message
    original_log = MessageProcessor.log_message

    async def handle_message(self: Any, message: Any) -> Any:
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        key = metadata.get("update_id")
        if key is None:
            return await original_handle(self, message)
        token = key_of_turn.set(key)
        try:
            return await original_handle(self, message)
        except _AlreadyTaken as taken:
            for event in taken.answers:
                await message.output_channel.send_response(message.sender_id, event.message())
            return getattr(message.output_channel, "messages", None)
        finally:
            key_of_turn.reset(token)

    async def log_message(self: Any, message: Any, should_save_tracker: bool = True) -> Any:
        key = key_of_turn.get(None)
        if key is None:
            return await original_log(self, message, should_save_tracker)
        # Rasa's log_message, with the check between loading the tracker and logging.
        tracker = await self.fetch_tracker_and_update_session(
            message.sender_id, message.output_channel, message.metadata
        )
        earlier = earlier_answers(tracker.events, key)
        if earlier is not None:
            raise _AlreadyTaken(earlier)
        await self._handle_message_with_tracker(message, tracker)
        if should_save_tracker:
            await self.save_tracker(tracker)
        return tracker

    MessageProcessor.handle_message = handle_message  # type: ignore[method-assign]
    MessageProcessor.log_message = log_message  # type: ignore[method-assign]


# Allocations minus deallocations between two young collections (Python's default: 700).
GC_YOUNG_THRESHOLD = 10_000

SESSION_ROUTE = "/conversations/<conversation_id:path>/session"


def install_session_route() -> None:
    """``GET /conversations/<id>/session``: the tracker of the current session only.

    Rasa's ``GET …/tracker`` loads every event of every session of the conversation, so
    reading where a conversation stands (the relay before it starts a new session, before it
    sends a reminder, after a crash) cost more the longer the person had talked to the bot.
    This route answers the same JSON from the current session, as a message's turn loads
    it (the session is renewed first if it expired, as the tracker route does), behind the
    same token check."""
    import rasa.server
    from rasa.core.channels import CollectingOutputChannel
    from rasa.shared.core.trackers import EventVerbosity
    from sanic import response

    original = rasa.server.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        token = kwargs.get("auth_token", args[2] if len(args) > 2 else None)

        @app.get(SESSION_ROUTE, name="rebond_session_tracker")
        @rasa.server.requires_auth(app, token)
        @rasa.server.ensure_loaded_agent(app)
        async def session_tracker(request: Any, conversation_id: str) -> Any:
            verbosity = rasa.server.event_verbosity_parameter(request, EventVerbosity.AFTER_RESTART)
            processor = app.ctx.agent.processor
            tracker = await processor.fetch_tracker_and_update_session(
                conversation_id, output_channel=CollectingOutputChannel()
            )
            await processor.save_tracker(tracker)
            return response.json(tracker.current_state(verbosity))

        return app

    rasa.server.create_app = create_app


SETTLED_MARK = "_rebond_settled"


def _tracker_state(tracker: Any) -> tuple[int, int]:
    """Identifies a tracker's state between two events: the prediction loop appends to the
    same tracker object between its predictions."""
    events = tracker.events
    return len(events), id(events[-1]) if events else 0


def install_settled_prediction() -> None:
    """TED is not run for a prediction that a rule or a memorised story already settled.

    Rasa runs every policy for every prediction, then keeps the most confident one, ties
    going to the higher priority (rules 6, memorisation 3, TED 1). When the rule policy or
    the memoization policy predicts an action with confidence 1.0, TED's answer cannot win:
    its confidence is at most 1.0 and its priority is lower (the mark keeps the certain
    policy's priority: TED is skipped only when it is below it). It was still computed (a
    TensorFlow call and the featurisation of the last turns: about a quarter of Rasa's time
    in fresh conversations). The rule and memoization policies now mark the tracker's state
    when they are certain, and TED returns an empty prediction for a marked state.

    TED still runs when it could win: when it would run before them (the mark is then
    absent), after an action the server rejected (Rasa sets the rejected action's
    confidence to 0 in every prediction, the rule's included), and for a TED trained on
    user text (its end-to-end predictions outrank the others)."""
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
    from rasa.shared.nlu.constants import TEXT

    def marking(original: Callable[..., Any]) -> Callable[..., Any]:
        def predict_action_probabilities(
            self: Any, tracker: Any, domain: Any, **kwargs: Any
        ) -> Any:
            prediction = original(self, tracker, domain, **kwargs)
            if prediction.max_confidence >= 1.0 and not prediction.is_end_to_end_prediction:
                state = _tracker_state(tracker)
                mark = getattr(tracker, SETTLED_MARK, None)
                if mark is None or mark[0] != state or mark[1] < self.priority:
                    setattr(tracker, SETTLED_MARK, (state, self.priority))
            return prediction

        return predict_action_probabilities

    def after_rejection(tracker: Any) -> bool:
        for event in reversed(tracker.events):
            if isinstance(event, ActionExecutionRejected):
                return True
            if isinstance(event, ActionExecuted):
                return False
        return False

    original_ted = TEDPolicy.predict_action_probabilities

    def settled_for(policy: Any, tracker: Any) -> bool:
        """A certain prediction from a policy that outranks ``policy`` on this state."""
        mark = getattr(tracker, SETTLED_MARK, None)
        return mark is not None and mark[0] == _tracker_state(tracker) and mark[1] > policy.priority

    def ted_predict(self: Any, tracker: Any, domain: Any, **kwargs: Any) -> Any:
        if (
            self.model is not None
            and TEXT not in self.fake_features
            and settled_for(self, tracker)
            and not after_rejection(tracker)
        ):
            return self._prediction(self._default_predictions(domain))
        return original_ted(self, tracker, domain, **kwargs)

    MemoizationPolicy.predict_action_probabilities = marking(
        MemoizationPolicy.predict_action_probabilities
    )
    RulePolicy.predict_action_probabilities = marking(RulePolicy.predict_action_probabilities)
    TEDPolicy.predict_action_probabilities = ted_predict


def install_live_waiters() -> None:
    """A request waiting for a conversation's lock keeps its own ticket alive.

    Rasa's lock store gives every request a ticket that expires ``TICKET_LOCK_LIFETIME``
    seconds after it was issued, so that the ticket of a process that died stops blocking the
    conversation. A waiter's ticket expired the same way: behind a dead holder issued a
    moment earlier, the waiter's own ticket often expired before its turn (both expire about
    together, and a waiter looks once a second), the next request's ticket was served, and
    the waiter ended in ``LockError`` — a message lost when a Rasa server dies under load.
    Each time it looks, a waiter now moves its own expiry to a full lifetime ahead; the
    tickets of the dead still expire."""
    import asyncio
    import time

    from rasa.core import lock_store

    def refresh(store: Any, conversation_id: str, ticket: int) -> None:
        lock = store.get_lock(conversation_id)
        if lock is None:
            return
        for held in lock.tickets:
            if held.number == ticket:
                held.expires = time.time() + lock_store.LOCK_LIFETIME
        lock.remove_expired_tickets()
        store.save_lock(lock)

    async def _acquire_lock(
        self: Any, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> Any:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            refresh(self, conversation_id, ticket)
        raise lock_store.LockError(
            f"Could not acquire lock for conversation_id '{conversation_id}'."
        )

    lock_store.LockStore._acquire_lock = _acquire_lock


class _KeptSession:
    """``async with`` over a shared aiohttp session that does not close it on exit."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


_SHARED_SESSIONS: list[Any] = []


def install_kept_connections() -> None:
    """The action server's connections are kept alive between calls.

    Rasa's ``EndpointConfig.request`` opened a new aiohttp session, hence a new TCP
    connection, for every action call (several per turn), and closed it after the answer.
    Each endpoint now keeps one session per event loop; aiohttp's pool reuses its idle
    connections (its 15 s keep-alive is shorter than the action server's 120 s, so the
    server never closes a connection the client is about to reuse), and a connection to a
    process that died is dropped from the pool when its socket closes."""
    import asyncio

    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.session

    def session(self: Any) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return original(self)
        kept = getattr(self, "_rebond_session", None)
        if kept is None or kept.closed or getattr(kept, "_loop", None) is not loop:
            kept = original(self)
            self._rebond_session = kept
            _SHARED_SESSIONS.append(kept)
        return _KeptSession(kept)

    EndpointConfig.session = session


async def close_kept_connections(*_: Any) -> None:
    while _SHARED_SESSIONS:
        session = _SHARED_SESSIONS.pop()
        if not session.closed:
            await session.close()


WARM_UP_TEXTS = ("bonjour", "j'ai reçu un refus hier et je ne sais pas quoi faire maintenant")


async def warm_up(agent: Any) -> None:
    """One parse and one policy prediction per text, on an in-memory tracker (nothing is
    stored): the first people after a start or a scale-up no longer pay for TensorFlow's
    first calls (about 150 ms for the first parse of a process)."""
    from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    for text in WARM_UP_TEXTS:
        parse = await agent.parse_message(text)
        said = UserUttered(text, parse["intent"], parse_data=parse)
        events = [ActionExecuted("action_listen"), said]
        # The second prediction follows a rejected action: TED runs there even when a rule
        # settled the first one, so its TensorFlow graph is built now, not for a person.
        for extra in ([], [ActionExecutionRejected("action_listen")]):
            tracker = DialogueStateTracker.from_events(
                "rebond-warm-up", events + extra, slots=agent.domain.slots
            )
            agent.processor.predict_next_with_tracker(tracker)


def install_start_up() -> None:
    """Once the model is loaded, in every worker: a warm-up, then the loaded objects leave
    the garbage collector's sight.

    A loaded Rasa holds millions of long-lived objects (TensorFlow graphs, featurizers, the
    domain); every full collection walked all of them again, and a turn allocates enough to
    trigger collections often (py-spy's native view put a seventh of Rasa's samples in the
    collector during fresh conversations). ``gc.freeze()`` moves what exists after start-up
    to a permanent generation (objects made by a turn are collected as before), and a larger
    first threshold makes young collections less frequent."""
    import gc

    import rasa.server

    original = rasa.server.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)

        async def after_start(*_: Any) -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is not None and agent.is_ready():
                try:
                    await warm_up(agent)
                except Exception:  # a warm-up never stops a server that can answer
                    logging.getLogger(__name__).warning("warm-up failed", exc_info=True)
            gc.collect()
            gc.freeze()

        # Rasa loads the model in a ``before_server_start`` listener registered after this
        # app is made: this one runs after it.
        app.register_listener(after_start, "after_server_start")
        app.register_listener(close_kept_connections, "before_server_stop")
        return app

    rasa.server.create_app = create_app
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        full = rasa_argv(args, os.environ)
    except ConfigurationError as error:
        print(f"rasa: {error}", file=sys.stderr)
        return 2
    # Rasa's children (if any) need not inherit it: it now lives in sys.argv only.
    os.environ.pop(TOKEN_ENV, None)
    # Sanic's access log would print request URLs, query token included.
    os.environ.setdefault("SANIC_ACCESS_LOG", "False")
    install_record_factory()
    # This folder is not a place to import Rasa's modules from.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    sys.argv = ["rasa", *full]

    import rasa.__main__ as rasa_main

    install_structlog_redaction(rasa_main)
    install_compiled_action_validation()
    install_event_class_cache()
    install_session_route()
    install_update_once()
    install_live_waiters()
    install_kept_connections()
    install_settled_prediction()
    install_start_up()
    rasa_main.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
