"""Entry point of the action server: rasa-sdk's app, reachable by Rasa only.

    ACTION_SERVER_SECRET=... python -m actions.server [--host 127.0.0.1] [--port 5055]

`python -m rasa_sdk` listens on every interface (SANIC_HOST defaults to 0.0.0.0), answers any
caller, sends the whole tracker back in the body of a 500 and logs exception messages that may
quote what a person typed. This entry keeps rasa-sdk's executor and routes, and changes that:

- it binds to 127.0.0.1 unless told otherwise (the Docker stack binds its internal network);
- every route but ``/health`` requires the shared secret of ``ACTION_SERVER_SECRET`` in the
  ``X-Rebond-Action-Secret`` header (Rasa sends it, see ``headers`` of ``action_endpoint`` in
  the endpoints files), compared in constant time; without a secret the server does not start;
- error responses carry no request body and no exception message; logged tracebacks keep the
  frames and exception types but not the messages (an SQL error quotes its parameters);
- no CORS (only Rasa calls it, never a browser), no access log;
- ``--workers N`` (or ``ACTION_WORKERS``) forks N processes that accept on one listening
  socket: our actions use the database synchronously, so one process serves one call at a
  time, and several Rasa workers need several of them. The parent forwards SIGTERM/SIGINT
  to them and exits when they have.

It lives in the ``actions`` package so that the Docker image ships it, and rasa-sdk imports
every module of that package: nothing but the standard library is imported at module level.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import logging
import os
import signal
import socket
import sys
import traceback
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic

SECRET_ENV = "ACTION_SERVER_SECRET"
SECRET_HEADER = "X-Rebond-Action-Secret"
MIN_SECRET_LENGTH = 32
OPEN_PATHS = frozenset({"/health"})
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055

log = logging.getLogger("rebond.action_server")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class ConfigurationError(Exception):
    """The server cannot start as configured (the message says why, without the secret)."""


def read_secret(env: Mapping[str, str]) -> str:
    secret = env.get(SECRET_ENV, "").strip()
    if not secret:
        raise ConfigurationError(
            f"{SECRET_ENV} is not set: the action server refuses calls without a shared secret"
            " (make run generates one per run; generate one with `openssl rand -hex 32`)"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(f"{SECRET_ENV} must be at least {MIN_SECRET_LENGTH} characters")
    return secret


def is_authorised(presented: str | None, secret: str) -> bool:
    """Whether a request's header carries the secret (constant time, whatever its length)."""
    return hmac.compare_digest((presented or "").encode(), secret.encode())


def safe_traceback(exc_info: ExcInfo) -> str:
    """A traceback with its frames and exception types but without exception messages.

    Messages are left out because they carry data: an SQLAlchemy error quotes the statement's
    parameters (a company name, a journal entry), a ValueError the text it could not parse.
    """
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


class SafeFormatter(logging.Formatter):
    """Formats exceptions with ``safe_traceback``."""

    def formatException(self, ei: Any) -> str:
        if not ei or ei[1] is None:
            return ""
        return safe_traceback(ei)


def configure_logging(level: str, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Sanic's own loggers do not propagate; route them through the same handler.
    for name in ("sanic.root", "sanic.error", "sanic.server"):
        library = logging.getLogger(name)
        library.handlers = [handler]
        library.propagate = False
        library.setLevel(logging.WARNING)
    logging.getLogger("sanic.access").disabled = True
    return handler


def build_app(executor: ActionExecutor, secret: str) -> Sanic[Any, Any]:
    """rasa-sdk's app (same routes, same executor) behind the shared secret."""
    from rasa_sdk.constants import DEFAULT_KEEP_ALIVE_TIMEOUT
    from rasa_sdk.endpoint import create_app
    from sanic import response
    from sanic.request import Request
    from sanic.response import BaseHTTPResponse, HTTPResponse

    app: Sanic[Any, Any] = create_app(executor, cors_origins=None)
    app.config.KEEP_ALIVE_TIMEOUT = DEFAULT_KEEP_ALIVE_TIMEOUT

    async def require_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get(SECRET_HEADER), secret):
            return None
        log.warning("refused a %s %s without the shared secret", request.method, request.path)
        return response.json({"error": "unauthorised"}, status=401)

    async def hide_error_details(request: Request, reply: BaseHTTPResponse) -> HTTPResponse | None:
        # rasa-sdk's handler answers a 500 with the exception message and the request body
        # (the whole tracker). Rasa does not read the body of a 500; it logs it.
        if getattr(reply, "status", 0) >= 500:
            return response.json({"error": "internal error"}, status=reply.status)
        return None

    # Before rasa-sdk's own middleware (CORS answers every OPTIONS request itself).
    app.register_middleware(require_secret, "request", priority=100)
    app.register_middleware(hide_error_details, "response", priority=100)
    return app


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Rebond's action server (rasa-sdk)")
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="interface to listen on (default 127.0.0.1; the Docker stack uses 0.0.0.0 on its"
        " internal network)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--actions", default="actions", help="package holding the actions")
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("ACTION_WORKERS", "1") or 1),
        help="processes sharing the port (default 1, or ACTION_WORKERS)",
    )
    return parser.parse_args(argv)


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket every worker accepts on, bound before forking."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def run_workers(serve: Any, count: int, sock: socket.socket) -> int:
    """Fork ``count`` processes running ``serve(sock)``; wait for them, forwarding signals.
    Returns 0 when every worker ended cleanly."""
    children: list[int] = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                serve(sock)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    sock.close()

    def forward(signum: int, _frame: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    for child in children:
        _, code = os.waitpid(child, 0)
        status = status or code
    return 0 if status == 0 else 1


def selective_domain_executor() -> ActionExecutor:
    """rasa-sdk's executor, for Rasa's selective domain.

    Rasa sends its domain only to the actions marked ``send_domain`` in domain.yml (the
    endpoints enable ``enable_selective_domain``). This rasa-sdk refuses a call without a
    domain unless it carries a digest of one it already holds — a mechanism of later Rasa
    versions that Rasa 3.6 does not have, so every other action would fail. The actions
    not marked do not read the domain: they get an empty one."""
    from rasa_sdk.executor import ActionExecutor

    class SelectiveDomainExecutor(ActionExecutor):
        def update_and_return_domain(
            self, payload: dict[str, Any], action_name: str
        ) -> dict[str, Any] | None:
            if payload.get("domain") is None and payload.get("domain_digest") is None:
                return {}
            return super().update_and_return_domain(payload, action_name)  # type: ignore[no-any-return]

    return SelectiveDomainExecutor()


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = parse_args(argv)
    try:
        secret = read_secret(os.environ if env is None else env)
    except ConfigurationError as error:
        print(f"action server: {error}", file=sys.stderr)
        return 2
    configure_logging(args.log_level)

    executor = selective_domain_executor()
    executor.register_package(args.actions)
    app = build_app(executor, secret)
    log.info(
        "action server listening on http://%s:%d (%d process(es))",
        args.host,
        args.port,
        max(1, args.workers),
    )
    if args.workers <= 1:
        app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
        return 0
    return run_workers(
        lambda sock: app.run(sock=sock, single_process=True, access_log=False, motd=False),
        args.workers,
        listening_socket(args.host, args.port),
    )


if __name__ == "__main__":
    sys.exit(main())
