"""Static checks of the production-like Docker stack (SPEC §1, §2 and §9).

No Docker engine is needed: docker-compose.yml, the Dockerfile, .dockerignore and the files under
deploy/ are parsed and their security- and wiring-relevant properties are asserted.

Each property is a ``check_*`` function that returns a list of problems (empty = fine). The
``test_*`` functions run every check on the real files; ``test_check_detects_breakage`` applies
one deliberate breakage per property to an in-memory copy of the stack and requires the
matching check to report it, so that no assertion here can pass vacuously.

Compose's variable interpolation (``${VAR}``, ``${VAR:-default}``, ``${VAR:?message}``, ``$$``)
is reproduced by ``interpolate`` and applied with a set of dummy secrets, as ``docker compose
config`` would do.

Least exposure (issue 13): each service gets only the credentials it uses, no secret appears on
a command line, the database roles created by deploy/postgres-init/ are unprivileged and each
reaches only its database (tests/db/test_postgres_roles.py runs that script on a real
PostgreSQL). checkov (``make scan``) covers the Dockerfile but has no docker-compose framework:
these checks are the compose file's scanner.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

SERVICES = ("postgres", "redis", "migrate", "rasa", "action-server", "bot")
INTERNAL_ONLY = ("postgres", "redis", "migrate", "rasa", "action-server")
BUILT_FROM_OUR_DOCKERFILE = ("migrate", "action-server", "bot")
REQUIRED_SECRETS = (
    "RASA_AUTH_TOKEN",
    "POSTGRES_PASSWORD",
    "APP_DB_PASSWORD",
    "TELEGRAM_BOT_TOKEN",
    "RASA_TRACKER_PASSWORD",
    "TRACKER_ERASER_PASSWORD",
    "REDIS_PASSWORD",
    "ACTION_SERVER_SECRET",
)
# Secrets passed through only when set (no value in the compose file).
OPTIONAL_SECRETS = ("TELEGRAM_WEBHOOK_SECRET",)
RASA_IMAGE = "rasa/rasa:3.6.21-full"
RASA_ENTRYPOINT = ["python", "/app/deploy/rasa_server.py"]
ACTION_SECRET_HEADER = "X-Rebond-Action-Secret"
WEBHOOK_CONTAINER_PORT = 8443
SUPERUSER = "postgres"  # the image's default superuser, kept for the postgres service alone

# What `docker compose` would see on a configured machine (never real secrets).
DUMMY_ENV = {
    "RASA_AUTH_TOKEN": "dummy-rasa-token",
    "POSTGRES_PASSWORD": "dummy-postgres-password",
    "APP_DB_PASSWORD": "dummy-app-db-password",
    "TELEGRAM_BOT_TOKEN": "123456:dummy-telegram-token",
    "RASA_TRACKER_PASSWORD": "dummy-tracker-password",
    "TRACKER_ERASER_PASSWORD": "dummy-eraser-password",
    "REDIS_PASSWORD": "dummy-redis-password",
    "ACTION_SERVER_SECRET": "dummy-action-server-secret",
}

# Least exposure: the credentials each service uses, and no other.
SERVICE_SECRETS: dict[str, set[str]] = {
    # The superuser's password, and the roles' passwords for the first-start init script.
    "postgres": {
        "POSTGRES_PASSWORD",
        "APP_DB_PASSWORD",
        "RASA_TRACKER_PASSWORD",
        "TRACKER_ERASER_PASSWORD",
    },
    "redis": {"REDIS_PASSWORD"},
    "migrate": {"APP_DB_PASSWORD"},
    "action-server": {"APP_DB_PASSWORD", "ACTION_SERVER_SECRET"},
    "rasa": {"RASA_AUTH_TOKEN", "ACTION_SERVER_SECRET", "RASA_TRACKER_PASSWORD", "REDIS_PASSWORD"},
    # The tracker through the eraser role: export, erasure and pruning of Rasa's events.
    "bot": {
        "APP_DB_PASSWORD",
        "TRACKER_ERASER_PASSWORD",
        "RASA_AUTH_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
    },
}


# --------------------------------------------------------------------------------------------
# Compose interpolation


class MissingVariable(Exception):
    """A ``${VAR:?message}`` (or ``${VAR?message}``) whose variable is unset or empty."""


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


def _interpolate_text(text: str, env: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        if match.group("named"):
            return env.get(match.group("named"), "")
        braced = _BRACED.fullmatch(match.group("braced"))
        if braced is None:
            raise ValueError(f"invalid interpolation {match.group(0)!r}")
        name, op, arg = braced.group("name", "op", "arg")
        value = env.get(name)
        if op is None:
            return value or ""
        if op == ":-":
            return value if value else arg
        if op == "-":
            return value if value is not None else arg
        if op == ":+":
            return arg if value else ""
        if op == "+":
            return arg if value is not None else ""
        if (op == ":?" and not value) or (op == "?" and value is None):
            raise MissingVariable(f"{name}: {arg}")
        assert value is not None
        return value

    return _VARIABLE.sub(replace, text)


def interpolate(node: Any, env: dict[str, str]) -> Any:
    """Apply compose interpolation to every string value of a parsed compose document."""
    if isinstance(node, str):
        return _interpolate_text(node, env)
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    return node


def variable_references(text: str) -> Iterator[tuple[str, str | None]]:
    """(name, operator) of every ``${...}`` in a compose text, ``$$`` escapes excluded."""
    for match in _VARIABLE.finditer(text):
        if match.group("braced") is not None:
            braced = _BRACED.fullmatch(match.group("braced"))
            if braced is not None:
                yield braced.group("name"), braced.group("op")
        elif match.group("named"):
            yield match.group("named"), None


# --------------------------------------------------------------------------------------------
# The stack under test


@dataclasses.dataclass
class Stack:
    root: Path
    compose_text: str
    dockerfile_text: str
    dockerignore_text: str
    endpoints: dict[str, Any]
    credentials: dict[str, Any]
    init_scripts: dict[str, str]

    @property
    def compose(self) -> dict[str, Any]:
        """The compose document as `docker compose config` would see it with DUMMY_ENV.
        Shared between calls: checks only read it."""
        return _interpolated_compose(self.compose_text)


@functools.lru_cache(maxsize=128)
def _interpolated_compose(text: str) -> dict[str, Any]:
    document: dict[str, Any] = interpolate(yaml.safe_load(text), DUMMY_ENV)
    return document


def load_stack(root: Path = ROOT) -> Stack:
    init_dir = root / "deploy" / "postgres-init"
    return Stack(
        root=root,
        compose_text=(root / "docker-compose.yml").read_text(encoding="utf-8"),
        dockerfile_text=(root / "Dockerfile").read_text(encoding="utf-8"),
        dockerignore_text=(root / ".dockerignore").read_text(encoding="utf-8"),
        endpoints=yaml.safe_load((root / "deploy" / "endpoints.compose.yml").read_text("utf-8")),
        credentials=yaml.safe_load((root / "deploy" / "credentials.yml").read_text("utf-8")),
        init_scripts={
            path.name: path.read_text(encoding="utf-8")
            for path in sorted(init_dir.iterdir())
            if path.is_file()
        }
        if init_dir.is_dir()
        else {},
    )


# --------------------------------------------------------------------------------------------
# Helpers over the parsed compose document


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose.get("services") or {}


def tokens(command: Any) -> list[str]:
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def option_value(argv: list[str], option: str) -> str | None:
    if option in argv:
        index = argv.index(option)
        return argv[index + 1] if index + 1 < len(argv) else None
    for arg in argv:
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, None) for item in env)
        return {key: value for key, value in pairs}
    return {key: (None if value is None else str(value)) for key, value in env.items()}


def service_networks(service: dict[str, Any]) -> set[str]:
    networks = service.get("networks")
    if networks is None:
        return {"default"}  # compose attaches such a service to the project's default network
    return set(networks)


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def container_ports(port_spec: Any) -> int:
    """Container port of one `ports` entry (short or long syntax)."""
    if isinstance(port_spec, dict):
        return int(port_spec["target"])
    text = str(port_spec).split("/", 1)[0]
    return int(text.rsplit(":", 1)[-1])


def bind_mounts(service: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(host source, container target, read_only) of each bind mount of a service."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts.append(
                    (volume["source"], volume["target"], bool(volume.get("read_only", False)))
                )
            continue
        parts = str(volume).split(":")
        if len(parts) >= 2 and parts[0].startswith((".", "/", "~")):
            mode = parts[2] if len(parts) > 2 else "rw"
            mounts.append((parts[0], parts[1], "ro" in mode.split(",")))
    return mounts


def named_volumes(service: dict[str, Any]) -> list[tuple[str, str]]:
    result = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "volume":
                result.append((volume["source"], volume["target"]))
            continue
        parts = str(volume).split(":")
        if len(parts) >= 2 and not parts[0].startswith((".", "/", "~")):
            result.append((parts[0], parts[1]))
    return result


def host_path_for(service: dict[str, Any], container_path: str, root: Path) -> Path | None:
    """Host file behind a container path, through the service's bind mounts."""
    target = PurePosixPath(container_path)
    for source, mount_target, _ in bind_mounts(service):
        try:
            relative = target.relative_to(mount_target)
        except ValueError:
            continue
        return (root / source / relative).resolve()
    return None


def db_name(url: str | None) -> str | None:
    return urlsplit(url).path.lstrip("/") if url else None


_PSQL_VARIABLE = re.compile(r'-v\s+(\w+)="([^"]*)"')
_PSQL_REFERENCE = re.compile(r""":(["'])(\w+)\1""")


def _init_environment(stack: Stack) -> dict[str, str]:
    """The environment the init scripts run in: the postgres service's, and the image's
    defaults (POSTGRES_USER is the superuser `postgres`, POSTGRES_DB defaults to it)."""
    env = {
        key: value
        for key, value in environment(services(stack.compose).get("postgres", {})).items()
        if value is not None
    }
    env.setdefault("POSTGRES_USER", SUPERUSER)
    env.setdefault("POSTGRES_DB", env["POSTGRES_USER"])
    return env


def init_roles(stack: Stack) -> dict[str, str]:
    """The psql variables (``-v name="${VAR:-default}"``) of the init scripts, resolved."""
    env = _init_environment(stack)
    values: dict[str, str] = {}
    for text in stack.init_scripts.values():
        for name, raw in _PSQL_VARIABLE.findall(text):
            try:
                values[name] = _interpolate_text(raw, env)
            except MissingVariable:
                values[name] = ""
    return values


def init_sql(stack: Stack) -> str:
    """The init scripts' statements on one line, comments dropped, psql variables replaced
    by their values (``:"v"`` as an identifier, ``:'v'`` as a literal)."""
    roles = init_roles(stack)
    lines = [
        line
        for text in stack.init_scripts.values()
        for line in text.splitlines()
        if not line.lstrip().startswith(("#", "--"))
    ]
    text = _PSQL_REFERENCE.sub(
        lambda m: (
            f"{m.group(1)}{roles[m.group(2)]}{m.group(1)}" if m.group(2) in roles else m.group(0)
        ),
        "\n".join(lines),
    )
    return " ".join(text.split())


def service_secrets(service: dict[str, Any]) -> set[str]:
    """The secrets a service receives: by value anywhere in its definition, or by name as an
    environment variable (those passed through when set)."""
    text = json.dumps(service)
    found = {name for name, value in DUMMY_ENV.items() if value in text}
    env = environment(service)
    found |= {name for name in (*REQUIRED_SECRETS, *OPTIONAL_SECRETS) if name in env}
    return found


# --------------------------------------------------------------------------------------------
# Dockerfile and .dockerignore helpers


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    if current:
        logical.append(current)
    result = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        result.append((instruction.upper(), args.strip()))
    return result


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM"]
    return instructions[starts[-1] :] if starts else []


def copy_sources(instructions: list[tuple[str, str]]) -> list[str]:
    sources = []
    for instruction, args in instructions:
        if instruction not in ("COPY", "ADD"):
            continue
        parts = [part for part in shlex.split(args) if not part.startswith("--")]
        if any(part.startswith("--from") for part in shlex.split(args)):
            continue
        sources.extend(parts[:-1])
    return sources


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out.append(pattern[i : end + 1])
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def dockerignore_excludes(text: str, path: str) -> bool:
    """Whether .dockerignore keeps `path` out of the build context (last matching rule wins;
    a rule matching a parent folder applies to everything below it)."""
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for raw in text.splitlines():
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        rule = rule.lstrip("!").strip().strip("/")
        regex = _dockerignore_regex(rule)
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


# --------------------------------------------------------------------------------------------
# Checks: each returns the problems found (an empty list means the property holds)

Problems = list[str]


def check_services_exist(stack: Stack) -> Problems:
    defined = services(stack.compose)
    return [f"service {name!r} is missing" for name in SERVICES if name not in defined]


def check_rasa(stack: Stack) -> Problems:
    problems = []
    rasa = services(stack.compose).get("rasa", {})
    if rasa.get("image") != RASA_IMAGE:
        problems.append(f"rasa image is {rasa.get('image')!r}, expected {RASA_IMAGE!r}")
    if "build" in rasa:
        problems.append("rasa must run the official image, not a local build")
    argv = tokens(rasa.get("command"))
    if argv[:1] != ["run"]:
        problems.append(f"rasa command must start with 'run' (entrypoint is rasa): {argv[:1]}")
    if "--enable-api" not in argv:
        problems.append("rasa command lacks --enable-api")
    # The token reaches Rasa through its environment: deploy/rasa_server.py appends it to
    # sys.argv inside the process. On the command line, `ps` and `docker inspect` show it.
    if any(arg.startswith("--auth-token") for arg in argv):
        problems.append("rasa's token is on its command line")
    if tokens(rasa.get("entrypoint")) != RASA_ENTRYPOINT:
        problems.append(f"rasa must start through {RASA_ENTRYPOINT}: {rasa.get('entrypoint')!r}")
    if environment(rasa).get("RASA_AUTH_TOKEN") != DUMMY_ENV["RASA_AUTH_TOKEN"]:
        problems.append("rasa's RASA_AUTH_TOKEN must come from RASA_AUTH_TOKEN")
    expected_options = {
        "--model": "models",
        "--endpoints": "/app/deploy/endpoints.compose.yml",
        "--credentials": "/app/deploy/credentials.yml",
        "--port": "5005",
    }
    for option, expected in expected_options.items():
        if option_value(argv, option) != expected:
            problems.append(f"rasa {option} is {option_value(argv, option)!r}, not {expected!r}")
    mounts = {target: (source, ro) for source, target, ro in bind_mounts(rasa)}
    for source, target in (("./models", "/app/models"), ("./deploy", "/app/deploy")):
        if mounts.get(target) != (source, True):
            problems.append(f"rasa must mount {source} read-only at {target}: {mounts.get(target)}")
    if "ports" in rasa:
        problems.append("rasa publishes ports")
    return problems


def check_published_ports(stack: Stack) -> Problems:
    problems = []
    for name, service in services(stack.compose).items():
        if service.get("network_mode"):
            problems.append(f"{name} uses network_mode {service['network_mode']!r}")
        if name != "bot" and service.get("ports"):
            problems.append(f"{name} publishes ports {service['ports']}")
    bot_ports = services(stack.compose).get("bot", {}).get("ports") or []
    if len(bot_ports) != 1:
        problems.append(f"bot must publish exactly one port, publishes {bot_ports}")
    elif container_ports(bot_ports[0]) != WEBHOOK_CONTAINER_PORT:
        problems.append(f"bot publishes {bot_ports[0]!r}, not container port 8443")
    # The host side is configurable, the container side is fixed.
    raw_bot = yaml.safe_load(stack.compose_text).get("services", {}).get("bot", {})
    configured = interpolate(
        raw_bot.get("ports") or [], {**DUMMY_ENV, "TELEGRAM_WEBHOOK_PORT": "443"}
    )
    if configured and str(configured[0]).split("/")[0].rsplit(":", 2)[-2:] != ["443", "8443"]:
        problems.append(f"bot host port must follow TELEGRAM_WEBHOOK_PORT: {configured}")
    # The bot must listen where the port is published.
    bot_env = environment(services(stack.compose).get("bot", {}))
    if bot_env.get("TELEGRAM_WEBHOOK_PORT") != str(WEBHOOK_CONTAINER_PORT):
        problems.append("bot TELEGRAM_WEBHOOK_PORT (container side) must be 8443")
    return problems


def check_networks(stack: Stack) -> Problems:
    problems = []
    compose = stack.compose
    networks = compose.get("networks") or {}
    internal = networks.get("internal") or {}
    if internal.get("internal") is not True:
        problems.append("network 'internal' must have internal: true")
    if "public" not in networks or (networks.get("public") or {}).get("internal"):
        problems.append("network 'public' must exist and not be internal")
    internal_networks = {
        name for name, spec in networks.items() if (spec or {}).get("internal") is True
    }
    for name in INTERNAL_ONLY:
        attached = service_networks(services(compose).get(name, {}))
        if not attached or not attached <= internal_networks:
            problems.append(f"{name} must be on internal networks only, is on {sorted(attached)}")
    bot = service_networks(services(compose).get("bot", {}))
    if bot != {"internal", "public"}:
        problems.append(f"bot must be on 'internal' and 'public', is on {sorted(bot)}")
    for name, service in services(compose).items():
        if name != "bot" and "public" in service_networks(service):
            problems.append(f"{name} is on the public network")
    return problems


def check_migrate(stack: Stack) -> Problems:
    problems = []
    migrate = services(stack.compose).get("migrate", {})
    if tokens(migrate.get("command")) != ["python", "-m", "coach", "migrate"]:
        problems.append(f"migrate command is {migrate.get('command')!r}")
    if migrate.get("restart") != "no":
        problems.append(f"migrate restart must be the string 'no', is {migrate.get('restart')!r}")
    if depends_on(migrate).get("postgres") != "service_healthy":
        problems.append("migrate must wait for postgres to be healthy")
    for name in ("action-server", "bot"):
        condition = depends_on(services(stack.compose).get(name, {})).get("migrate")
        if condition != "service_completed_successfully":
            problems.append(f"{name} must wait for migrate to complete successfully: {condition}")
    return problems


def check_commands_and_dependencies(stack: Stack) -> Problems:
    problems = []
    svc = services(stack.compose)
    expected = {
        # Our entry (actions/server.py): rasa-sdk's app behind the shared secret. 0.0.0.0 is
        # the container's interfaces, on the internal network only.
        "action-server": ["python", "-m", "actions.server", "--host", "0.0.0.0", "--port", "5055"],
        "bot": ["python", "-m", "bot"],
    }
    for name, argv in expected.items():
        if tokens(svc.get(name, {}).get("command")) != argv:
            problems.append(f"{name} command is {svc.get(name, {}).get('command')!r}")
    if "action-server" not in depends_on(svc.get("rasa", {})):
        problems.append("rasa must depend on action-server")
    if "rasa" not in depends_on(svc.get("bot", {})):
        problems.append("bot must depend on rasa")
    if depends_on(svc.get("postgres", {})) or depends_on(svc.get("redis", {})):
        problems.append("postgres and redis depend on nothing")
    bot_env = environment(svc.get("bot", {}))
    if bot_env.get("RASA_URL") != "http://rasa:5005":
        problems.append(f"bot RASA_URL is {bot_env.get('RASA_URL')!r}")
    if bot_env.get("RASA_AUTH_TOKEN") != DUMMY_ENV["RASA_AUTH_TOKEN"]:
        problems.append("bot RASA_AUTH_TOKEN must come from RASA_AUTH_TOKEN")
    if bot_env.get("TELEGRAM_BOT_TOKEN") != DUMMY_ENV["TELEGRAM_BOT_TOKEN"]:
        problems.append("bot TELEGRAM_BOT_TOKEN must come from TELEGRAM_BOT_TOKEN")
    return problems


def check_built_from_our_dockerfile(stack: Stack) -> Problems:
    problems = []
    for name in BUILT_FROM_OUR_DOCKERFILE:
        build = services(stack.compose).get(name, {}).get("build")
        if build is None:
            problems.append(f"{name} is not built from our Dockerfile")
            continue
        if isinstance(build, str):
            build = {"context": build}
        context = (stack.root / build.get("context", ".")).resolve()
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        if context != stack.root.resolve() or dockerfile != (stack.root / "Dockerfile").resolve():
            problems.append(f"{name} builds {dockerfile}, not the repository's Dockerfile")
        if not dockerfile.is_file():
            problems.append(f"{name}: {dockerfile} does not exist")
    return problems


def check_required_secrets(stack: Stack) -> Problems:
    problems = []
    references = list(variable_references(stack.compose_text))
    for secret in REQUIRED_SECRETS:
        operators = [op for name, op in references if name == secret]
        if not operators:
            problems.append(f"{secret} is never used")
        elif any(op != ":?" for op in operators):
            problems.append(f"every use of {secret} must be ${{{secret}:?message}}: {operators}")
        env = {key: value for key, value in DUMMY_ENV.items() if key != secret}
        for empty in ({}, {secret: ""}):
            try:
                interpolate(yaml.safe_load(stack.compose_text), {**env, **empty})
            except MissingVariable:
                pass
            else:
                problems.append(f"the stack starts without {secret} (value {empty or 'unset'})")
    return problems


def check_tracker_database(stack: Stack) -> Problems:
    problems = []
    svc = services(stack.compose)
    app_urls = {
        name: environment(svc.get(name, {})).get("DATABASE_URL")
        for name in BUILT_FROM_OUR_DOCKERFILE
    }
    for name, url in app_urls.items():
        if not url or urlsplit(url).scheme != "postgresql+psycopg":
            problems.append(f"{name} DATABASE_URL must use postgresql+psycopg://, is {url!r}")
        elif urlsplit(url).hostname != "postgres":
            problems.append(f"{name} DATABASE_URL must point at the postgres service")
    if len(set(app_urls.values())) != 1:
        problems.append(f"migrate, action-server and bot must share one DATABASE_URL: {app_urls}")
    app_db = db_name(app_urls.get("bot"))
    roles = init_roles(stack)
    postgres_db = roles.get("maintenance_db")
    if app_db != roles.get("app_db"):
        problems.append(f"DATABASE_URL names {app_db!r}, the init script creates {roles}")
    app_user = urlsplit(app_urls.get("bot") or "").username
    if app_user != roles.get("app_user") or app_user == SUPERUSER:
        problems.append(f"DATABASE_URL logs in as {app_user!r}, not the application role")

    tracker = stack.endpoints.get("tracker_store") or {}
    tracker_db = tracker.get("db")
    if (tracker.get("type"), tracker.get("dialect"), tracker.get("url")) != (
        "SQL",
        "postgresql",
        "postgres",
    ):
        problems.append(f"tracker_store must be SQL/postgresql on 'postgres': {tracker}")
    if not tracker_db or tracker_db in (app_db, postgres_db):
        problems.append(f"tracker db {tracker_db!r} must differ from the app db {app_db!r}")
    rasa_env = environment(svc.get("rasa", {}))
    for key in ("username", "password"):
        value = str(tracker.get(key, ""))
        match = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", value)
        if not match:
            problems.append(f"tracker_store {key} must be a ${{VAR}} reference, is {value!r}")
        elif not rasa_env.get(match.group(1)):
            problems.append(f"rasa service does not set {match.group(1)} for the tracker {key}")
    if tracker.get("username") != "${RASA_TRACKER_USER}" or rasa_env.get(
        "RASA_TRACKER_USER"
    ) != roles.get("tracker_user"):
        problems.append("Rasa must log in to its tracker store as the tracker role")
    # The bot reads and deletes Rasa's events (export, erasure, retention) as the eraser.
    url = environment(svc.get("bot", {})).get("TRACKER_DATABASE_URL")
    if db_name(url) != tracker_db or urlsplit(url or "").hostname != "postgres":
        problems.append(f"bot TRACKER_DATABASE_URL {url!r} is not the tracker db")
    elif urlsplit(url or "").username != roles.get("eraser_user"):
        problems.append(f"bot TRACKER_DATABASE_URL {url!r} does not use the eraser role")
    if tracker_db != roles.get("tracker_db"):
        problems.append(f"no script in deploy/postgres-init/ creates database {tracker_db!r}")
    if postgres_db in (app_db, tracker_db):
        problems.append("the superuser's maintenance database must be neither of ours")
    action = stack.endpoints.get("action_endpoint") or {}
    if action.get("url") != "http://action-server:5055/webhook":
        problems.append(f"action_endpoint url is {action.get('url')!r}")
    if (action.get("headers") or {}) != {ACTION_SECRET_HEADER: "${ACTION_SERVER_SECRET}"}:
        problems.append(f"action_endpoint must send the shared secret header: {action}")
    if rasa_env.get("ACTION_SERVER_SECRET") != DUMMY_ENV["ACTION_SERVER_SECRET"]:
        problems.append("the rasa service does not set ACTION_SERVER_SECRET for the endpoints")
    lock = stack.endpoints.get("lock_store") or {}
    if lock.get("password") != "${REDIS_PASSWORD}" or not rasa_env.get("REDIS_PASSWORD"):
        problems.append("Rasa's lock store must authenticate with ${REDIS_PASSWORD}")
    if set(stack.credentials or {}) != {"rest"}:
        problems.append(f"credentials.yml must enable the rest channel only: {stack.credentials}")
    return problems


def check_data_services(stack: Stack) -> Problems:
    problems = []
    compose = stack.compose
    postgres = services(compose).get("postgres", {})
    if postgres.get("image") != "postgres:16":
        problems.append(f"postgres image is {postgres.get('image')!r}")
    if "pg_isready" not in " ".join(tokens((postgres.get("healthcheck") or {}).get("test"))):
        problems.append("postgres healthcheck must use pg_isready")
    declared = set(compose.get("volumes") or {})
    data = [
        source for source, target in named_volumes(postgres) if target == "/var/lib/postgresql/data"
    ]
    if not data or data[0] not in declared:
        problems.append("postgres data must live in a declared named volume")
    init = [s for s, t, _ in bind_mounts(postgres) if t == "/docker-entrypoint-initdb.d"]
    if init != ["./deploy/postgres-init"]:
        problems.append(f"postgres must mount ./deploy/postgres-init as init dir: {init}")
    redis = services(compose).get("redis", {})
    if redis.get("image") != "redis:7":
        problems.append(f"redis image is {redis.get('image')!r}")
    return problems


def check_referenced_files_exist(stack: Stack) -> Problems:
    problems = []
    svc = services(stack.compose)
    for name, service in svc.items():
        for source, _, _ in bind_mounts(service):
            if not (stack.root / source).exists():
                problems.append(f"{name} mounts {source}, which does not exist")
    rasa = svc.get("rasa", {})
    argv = tokens(rasa.get("command"))
    for option in ("--endpoints", "--credentials"):
        container_path = option_value(argv, option)
        host = host_path_for(rasa, container_path or "", stack.root) if container_path else None
        if host is None or not host.is_file():
            problems.append(f"rasa {option} {container_path!r} is not a file mounted from the repo")
    entry = tokens(rasa.get("entrypoint"))[1:2]
    host = host_path_for(rasa, entry[0], stack.root) if entry else None
    if host is None or not host.is_file():
        problems.append(f"rasa's entrypoint script {entry} is not a file mounted from the repo")
    if not stack.init_scripts:
        problems.append("deploy/postgres-init/ holds no init script")
    return problems


def check_dockerfile(stack: Stack) -> Problems:
    problems = []
    instructions = dockerfile_instructions(stack.dockerfile_text)
    bases = [
        next(part for part in args.split() if not part.startswith("--"))
        for instruction, args in instructions
        if instruction == "FROM"
    ]
    if not bases or not re.fullmatch(
        r"python:3\.12(\.\d+)?(-slim\S*)?(@sha256:[0-9a-f]+)?", bases[-1]
    ):
        problems.append(f"the final stage must be based on python:3.12(-slim), is {bases[-1:]} ")
    users = [args for instruction, args in final_stage(instructions) if instruction == "USER"]
    if not users:
        problems.append("the Dockerfile never switches away from root (no USER)")
    elif users[-1].split(":")[0].strip() in ("root", "0"):
        problems.append(f"the image runs as root (USER {users[-1]})")
    runs = " ".join(args for instruction, args in instructions if instruction == "RUN")
    if "pip install --no-cache-dir -r requirements/app.txt" not in runs:
        problems.append("the Dockerfile must pip install --no-cache-dir -r requirements/app.txt")
    sources = {source.rstrip("/") for source in copy_sources(instructions)}
    for needed in ("coach", "actions", "bot", "alembic.ini"):
        if needed not in sources:
            problems.append(f"the Dockerfile does not COPY {needed}")
    if not ({"requirements", "requirements/app.txt"} & sources):
        problems.append("the Dockerfile does not COPY requirements/app.txt")
    return problems


def check_dockerignore(stack: Stack) -> Problems:
    problems = []
    text = stack.dockerignore_text
    for source in copy_sources(dockerfile_instructions(stack.dockerfile_text)):
        # A folder (written with a trailing slash) must keep its contents too.
        paths = [source.rstrip("/")] + ([f"{source}module.py"] if source.endswith("/") else [])
        for path in paths:
            if dockerignore_excludes(text, path):
                problems.append(f".dockerignore drops {path}, which the Dockerfile copies")
    for private in (
        ".env",
        ".git/HEAD",
        ".venv/bin/python",
        ".venv-rasa/bin/python",
        "models/model.tar.gz",
        "var/coach.db",
        "coach/__pycache__/x.pyc",
    ):
        if not dockerignore_excludes(text, private):
            problems.append(f".dockerignore lets {private} into the build context")
    return problems


def check_credentials_per_service(stack: Stack) -> Problems:
    problems = []
    for name, service in services(stack.compose).items():
        got = service_secrets(service)
        expected = SERVICE_SECRETS.get(name, set())
        if got - expected:
            problems.append(f"{name} gets credentials it does not use: {sorted(got - expected)}")
        if expected - got:
            problems.append(f"{name} lacks credentials it uses: {sorted(expected - got)}")
    return problems


def check_no_secret_on_command_lines(stack: Stack) -> Problems:
    """Command lines show in `ps` on the host and in `docker inspect`: secrets go through the
    environment (compose's ``$$VAR`` reaches the shell as ``$VAR``, not as the value)."""
    problems = []
    for name, service in services(stack.compose).items():
        for key in ("command", "entrypoint"):
            shown = json.dumps(service.get(key))
            problems += [f"{name} {key} holds {s}" for s, v in DUMMY_ENV.items() if v in shown]
        shown = json.dumps((service.get("healthcheck") or {}).get("test"))
        problems += [f"{name} healthcheck holds {s}" for s, v in DUMMY_ENV.items() if v in shown]
    return problems


_ROLE_LIMITS = (
    "LOGIN",
    "NOSUPERUSER",
    "NOCREATEDB",
    "NOCREATEROLE",
    "NOREPLICATION",
    "NOBYPASSRLS",
)


def check_database_roles(stack: Stack) -> Problems:
    """Roles and grants of deploy/postgres-init/ (run for real by tests/db/test_postgres_roles)."""
    problems = []
    roles = init_roles(stack)
    sql = init_sql(stack)
    for kind in ("app", "tracker", "eraser"):
        role = roles.get(f"{kind}_user")
        created = re.search(rf'CREATE ROLE "{re.escape(str(role))}" ([A-Z ]+) PASSWORD', sql)
        if not role or role == SUPERUSER or created is None:
            problems.append(f"the init scripts do not create the {kind} role ({role!r})")
        elif not set(_ROLE_LIMITS) <= set(created.group(1).split()):
            problems.append(f"role {role} must be created {' '.join(_ROLE_LIMITS)}")
    if re.search(r"(?<!NO)SUPERUSER|(?<!NO)CREATEROLE|(?<!NO)CREATEDB|ALTER ROLE", sql):
        problems.append("the init scripts grant a privilege beyond the minimum")
    app_db, tracker_db = roles.get("app_db"), roles.get("tracker_db")
    owners = ((app_db, roles.get("app_user")), (tracker_db, roles.get("tracker_user")))
    for database, owner in owners:
        if f'CREATE DATABASE "{database}" OWNER "{owner}";' not in sql:
            problems.append(f"database {database!r} must be created owned by {owner!r}")
    for database in (app_db, tracker_db, roles.get("maintenance_db"), "template1"):
        if not re.search(
            rf'REVOKE ALL ON DATABASE "?{re.escape(str(database))}"? FROM PUBLIC;', sql
        ):
            problems.append(f"PUBLIC keeps CONNECT on database {database!r}")
    eraser, tracker_user = roles.get("eraser_user"), roles.get("tracker_user")
    grants = sorted(
        statement.strip()
        for statement in sql.split(";")
        if re.search(r"\bGRANT\b", statement) and not statement.strip().startswith("REVOKE")
    )
    expected = sorted(
        [
            f'GRANT CONNECT ON DATABASE "{tracker_db}" TO "{eraser}"',
            f'GRANT USAGE ON SCHEMA public TO "{eraser}"',
            f'ALTER DEFAULT PRIVILEGES FOR ROLE "{tracker_user}" IN SCHEMA public'
            f' GRANT SELECT, DELETE ON TABLES TO "{eraser}"',
        ]
    )
    if grants != expected:
        problems.append(f"the grants must be exactly {expected}, are {grants}")
    return problems


def check_redis(stack: Stack) -> Problems:
    problems = []
    redis = services(stack.compose).get("redis", {})
    command = " ".join(tokens(redis.get("command")))
    if "requirepass" not in command or "$REDIS_PASSWORD" not in command:
        problems.append("redis must require the password of REDIS_PASSWORD")
    if "umask 077" not in command or "exec redis-server" not in command:
        problems.append("redis must write its password to a private file and exec the server")
    if str(redis.get("user", "0")).split(":")[0] in ("0", "root"):
        problems.append("redis must run as the image's unprivileged user")
    health = " ".join(tokens((redis.get("healthcheck") or {}).get("test")))
    if "REDISCLI_AUTH" not in health:
        problems.append("redis healthcheck must authenticate through REDISCLI_AUTH")
    return problems


ALL_CHECKS: tuple[Callable[[Stack], Problems], ...] = (
    check_services_exist,
    check_rasa,
    check_published_ports,
    check_networks,
    check_migrate,
    check_commands_and_dependencies,
    check_built_from_our_dockerfile,
    check_required_secrets,
    check_tracker_database,
    check_data_services,
    check_referenced_files_exist,
    check_dockerfile,
    check_dockerignore,
    check_credentials_per_service,
    check_no_secret_on_command_lines,
    check_database_roles,
    check_redis,
)


# --------------------------------------------------------------------------------------------
# The real files


@pytest.fixture(scope="module")
def stack() -> Stack:
    return load_stack()


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda check: check.__name__)
def test_stack_property(stack: Stack, check: Callable[[Stack], Problems]) -> None:
    problems = check(stack)
    assert not problems, "\n".join(["", *problems])


def test_interpolation_matches_compose_semantics() -> None:
    env = {"SET": "v", "EMPTY": ""}
    assert _interpolate_text("${SET:-d} ${EMPTY:-d} ${UNSET:-d} ${EMPTY-d} $$SET $SET", env) == (
        "v d d  $SET v"
    )
    assert _interpolate_text("${SET:?m}", env) == "v"
    for text in ("${EMPTY:?m}", "${UNSET:?m}", "${UNSET?m}"):
        with pytest.raises(MissingVariable):
            _interpolate_text(text, env)
    assert list(variable_references("$${A} ${B:?x} ${C:-y} $D")) == [
        ("B", ":?"),
        ("C", ":-"),
        ("D", None),
    ]


def test_dockerignore_matcher() -> None:
    rules = "*\n!coach/\n**/__pycache__\n"
    assert dockerignore_excludes(rules, ".env")
    assert not dockerignore_excludes(rules, "coach/timing.py")
    assert dockerignore_excludes(rules, "coach/__pycache__/timing.cpython-312.pyc")
    assert dockerignore_excludes(rules, "bot/main.py")


# --------------------------------------------------------------------------------------------
# Every check must be able to fail: break one property at a time, in memory


def _edit_compose(edit: Callable[[dict[str, Any]], None]) -> Callable[[Stack], None]:
    """Apply `edit` to the raw (not interpolated) compose document and store it back."""

    def mutate(target: Stack) -> None:
        document = yaml.safe_load(target.compose_text)
        edit(document)
        target.compose_text = yaml.safe_dump(document, sort_keys=False)

    return mutate


def _svc(document: dict[str, Any], name: str) -> dict[str, Any]:
    service: dict[str, Any] = document["services"][name]
    return service


def _replace_text(attribute: str, old: str, new: str) -> Callable[[Stack], None]:
    def mutate(target: Stack) -> None:
        text = getattr(target, attribute)
        assert old in text, f"mutation anchor {old!r} not found in {attribute}"
        setattr(target, attribute, text.replace(old, new))

    return mutate


def _replace_in_init(old: str, new: str) -> Callable[[Stack], None]:
    def mutate(target: Stack) -> None:
        text = "\n".join(target.init_scripts.values())
        assert old in text, f"mutation anchor {old!r} not found in the init scripts"
        target.init_scripts = {
            name: script.replace(old, new) for name, script in target.init_scripts.items()
        }

    return mutate


def _set_item(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _delete_item(path: tuple[str, ...]) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


def _rasa_command_without(option: str, with_value: bool) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        command = _svc(document, "rasa")["command"]
        index = command.index(option)
        del command[index : index + (2 if with_value else 1)]

    return edit


def _append_to_command(service: str, *args: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        _svc(document, service)["command"] = [*_svc(document, service)["command"], *args]

    return edit


def _set_endpoint(section: str, key: str, value: Any) -> Callable[[Stack], None]:
    def mutate(target: Stack) -> None:
        target.endpoints = copy.deepcopy(target.endpoints)
        target.endpoints[section][key] = value

    return mutate


S = ("services",)

BREAKAGES: dict[str, tuple[Callable[[Stack], None], Callable[[Stack], Problems]]] = {
    "service-missing": (_edit_compose(_delete_item((*S, "redis"))), check_services_exist),
    "rasa-other-image": (
        _edit_compose(_set_item((*S, "rasa", "image"), "rasa/rasa:3.6.20-full")),
        check_rasa,
    ),
    "rasa-built-locally": (
        _edit_compose(_set_item((*S, "rasa", "build"), ".")),
        check_rasa,
    ),
    "rasa-no-enable-api": (_edit_compose(_rasa_command_without("--enable-api", False)), check_rasa),
    "rasa-no-auth-token": (
        _edit_compose(_delete_item((*S, "rasa", "environment", "RASA_AUTH_TOKEN"))),
        check_rasa,
    ),
    "rasa-literal-token": (
        _edit_compose(_set_item((*S, "rasa", "environment", "RASA_AUTH_TOKEN"), "hard-coded")),
        check_rasa,
    ),
    "rasa-token-on-command-line": (
        _edit_compose(_append_to_command("rasa", "--auth-token", "${RASA_AUTH_TOKEN:?x}")),
        check_rasa,
    ),
    "rasa-plain-entrypoint": (_edit_compose(_delete_item((*S, "rasa", "entrypoint"))), check_rasa),
    "rasa-endpoints-elsewhere": (
        _replace_text("compose_text", "/app/deploy/endpoints.compose.yml", "/app/endpoints.yml"),
        check_rasa,
    ),
    "rasa-models-writable": (
        _replace_text("compose_text", "./models:/app/models:ro", "./models:/app/models"),
        check_rasa,
    ),
    "rasa-publishes": (_edit_compose(_set_item((*S, "rasa", "ports"), ["5005:5005"])), check_rasa),
    "rasa-publishes-ports-check": (
        _edit_compose(_set_item((*S, "rasa", "ports"), ["127.0.0.1:5005:5005"])),
        check_published_ports,
    ),
    "action-server-publishes": (
        _edit_compose(_set_item((*S, "action-server", "ports"), ["5055:5055"])),
        check_published_ports,
    ),
    "postgres-publishes": (
        _edit_compose(_set_item((*S, "postgres", "ports"), ["5432:5432"])),
        check_published_ports,
    ),
    "redis-publishes": (
        _edit_compose(_set_item((*S, "redis", "ports"), [{"target": 6379, "published": 6379}])),
        check_published_ports,
    ),
    "redis-host-network": (
        _edit_compose(_set_item((*S, "redis", "network_mode"), "host")),
        check_published_ports,
    ),
    "bot-two-ports": (
        _edit_compose(_set_item((*S, "bot", "ports"), ["8443:8443", "8080:8080"])),
        check_published_ports,
    ),
    "bot-wrong-container-port": (
        _edit_compose(_set_item((*S, "bot", "ports"), ["8443:443"])),
        check_published_ports,
    ),
    "bot-fixed-host-port": (
        _edit_compose(_set_item((*S, "bot", "ports"), ["8443:8443"])),
        check_published_ports,
    ),
    "bot-listens-elsewhere": (
        _edit_compose(_set_item((*S, "bot", "environment", "TELEGRAM_WEBHOOK_PORT"), "9000")),
        check_published_ports,
    ),
    "internal-not-internal": (
        _edit_compose(_set_item(("networks", "internal", "internal"), False)),
        check_networks,
    ),
    "rasa-on-public": (
        _edit_compose(_set_item((*S, "rasa", "networks"), ["internal", "public"])),
        check_networks,
    ),
    "redis-on-default-network": (
        _edit_compose(_delete_item((*S, "redis", "networks"))),
        check_networks,
    ),
    "bot-not-public": (
        _edit_compose(_set_item((*S, "bot", "networks"), ["internal"])),
        check_networks,
    ),
    "migrate-other-command": (
        _edit_compose(_set_item((*S, "migrate", "command"), "alembic upgrade head")),
        check_migrate,
    ),
    "migrate-restarts": (
        _edit_compose(_set_item((*S, "migrate", "restart"), "on-failure")),
        check_migrate,
    ),
    "migrate-restart-unquoted-no": (
        _replace_text("compose_text", 'restart: "no"', "restart: no"),
        check_migrate,
    ),
    "migrate-before-postgres-ready": (
        _edit_compose(_set_item((*S, "migrate", "depends_on"), ["postgres"])),
        check_migrate,
    ),
    "bot-does-not-wait-for-migrate": (
        _edit_compose(
            _set_item((*S, "bot", "depends_on", "migrate"), {"condition": "service_started"})
        ),
        check_migrate,
    ),
    "action-server-does-not-wait-for-migrate": (
        _edit_compose(_delete_item((*S, "action-server", "depends_on", "migrate"))),
        check_migrate,
    ),
    "action-server-other-command": (
        _edit_compose(_set_item((*S, "action-server", "command"), "rasa run actions")),
        check_commands_and_dependencies,
    ),
    "rasa-does-not-wait-for-actions": (
        _edit_compose(_delete_item((*S, "rasa", "depends_on", "action-server"))),
        check_commands_and_dependencies,
    ),
    "bot-does-not-wait-for-rasa": (
        _edit_compose(_delete_item((*S, "bot", "depends_on", "rasa"))),
        check_commands_and_dependencies,
    ),
    "bot-rasa-url-public": (
        _edit_compose(_set_item((*S, "bot", "environment", "RASA_URL"), "http://localhost:5005")),
        check_commands_and_dependencies,
    ),
    "bot-prebuilt-image": (
        _edit_compose(_delete_item((*S, "bot", "build"))),
        check_built_from_our_dockerfile,
    ),
    "action-server-other-dockerfile": (
        _edit_compose(
            _set_item(
                (*S, "action-server", "build"), {"context": ".", "dockerfile": "Dockerfile.x"}
            )
        ),
        check_built_from_our_dockerfile,
    ),
    "secret-with-default": (
        _replace_text(
            "compose_text",
            "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required (see docker-compose.yml)}",
            "${POSTGRES_PASSWORD:-changeme}",
        ),
        check_required_secrets,
    ),
    "secret-plain": (
        _replace_text(
            "compose_text",
            "${TELEGRAM_BOT_TOKEN:?TELEGRAM_BOT_TOKEN is required (see docker-compose.yml)}",
            "${TELEGRAM_BOT_TOKEN}",
        ),
        check_required_secrets,
    ),
    "tracker-db-is-app-db": (
        _set_endpoint("tracker_store", "db", "rebond"),
        check_tracker_database,
    ),
    "tracker-store-sqlite": (
        _set_endpoint("tracker_store", "dialect", "sqlite"),
        check_tracker_database,
    ),
    "tracker-password-literal": (
        _set_endpoint("tracker_store", "password", "hunter2"),
        check_tracker_database,
    ),
    "bot-tracker-url-is-app-db": (
        _replace_text("compose_text", "@postgres:5432/rasa_tracker", "@postgres:5432/rebond"),
        check_tracker_database,
    ),
    "app-db-psycopg2": (
        _replace_text(
            "compose_text", "postgresql+psycopg://${APP_DB_USER", "postgresql://${APP_DB_USER"
        ),
        check_tracker_database,
    ),
    "tracker-db-never-created": (
        lambda s: setattr(s, "init_scripts", {"01.sql": "SELECT 1;"}),
        check_tracker_database,
    ),
    "action-endpoint-wrong": (
        _set_endpoint("action_endpoint", "url", "http://localhost:5055/webhook"),
        check_tracker_database,
    ),
    "credentials-extra-channel": (
        lambda s: setattr(s, "credentials", {"rest": None, "telegram": {"access_token": "x"}}),
        check_tracker_database,
    ),
    "postgres-other-version": (
        _edit_compose(_set_item((*S, "postgres", "image"), "postgres:latest")),
        check_data_services,
    ),
    "postgres-no-healthcheck": (
        _edit_compose(_delete_item((*S, "postgres", "healthcheck"))),
        check_data_services,
    ),
    "postgres-anonymous-data": (
        _replace_text(
            "compose_text", "postgres-data:/var/lib/postgresql/data", "/var/lib/postgresql/data"
        ),
        check_data_services,
    ),
    "redis-other-version": (
        _edit_compose(_set_item((*S, "redis", "image"), "redis:6")),
        check_data_services,
    ),
    "mount-missing-dir": (
        _replace_text("compose_text", "./deploy/postgres-init:", "./deploy/no-such-dir:"),
        check_referenced_files_exist,
    ),
    "rasa-credentials-missing": (
        _replace_text("compose_text", "/app/deploy/credentials.yml", "/app/deploy/nope.yml"),
        check_referenced_files_exist,
    ),
    "no-init-script": (lambda s: setattr(s, "init_scripts", {}), check_referenced_files_exist),
    "dockerfile-python-311": (
        _replace_text("dockerfile_text", "FROM python:3.12-slim", "FROM python:3.11-slim"),
        check_dockerfile,
    ),
    "dockerfile-runs-as-root": (
        _replace_text("dockerfile_text", "USER 10001:10001", "USER root"),
        check_dockerfile,
    ),
    "dockerfile-no-user": (
        _replace_text("dockerfile_text", "USER 10001:10001", ""),
        check_dockerfile,
    ),
    "dockerfile-pip-cache": (
        _replace_text("dockerfile_text", "pip install --no-cache-dir", "pip install"),
        check_dockerfile,
    ),
    "dockerfile-forgets-bot": (
        _replace_text("dockerfile_text", "COPY bot/ bot/", ""),
        check_dockerfile,
    ),
    "dockerignore-drops-code": (
        _replace_text("dockerignore_text", "!coach/", "#"),
        check_dockerignore,
    ),
    # Least exposure
    "bot-gets-redis": (
        _edit_compose(
            _set_item(
                (*S, "bot", "environment", "REDIS_URL"),
                "redis://:${REDIS_PASSWORD:?x}@redis:6379/0",
            )
        ),
        check_credentials_per_service,
    ),
    "action-server-gets-the-tracker": (
        _edit_compose(
            _set_item(
                (*S, "action-server", "environment", "TRACKER_DATABASE_URL"),
                "postgresql+psycopg://rasa:${RASA_TRACKER_PASSWORD:?x}@postgres:5432/rasa_tracker",
            )
        ),
        check_credentials_per_service,
    ),
    "migrate-gets-the-rasa-token": (
        _edit_compose(
            _set_item((*S, "migrate", "environment", "RASA_AUTH_TOKEN"), "${RASA_AUTH_TOKEN:?x}")
        ),
        check_credentials_per_service,
    ),
    "bot-gets-the-webhook-secret-only-if-set": (
        _edit_compose(_delete_item((*S, "bot", "environment", "TELEGRAM_WEBHOOK_SECRET"))),
        check_credentials_per_service,
    ),
    "app-as-superuser": (
        _replace_text(
            "compose_text",
            "${APP_DB_USER:-rebond}:${APP_DB_PASSWORD:?APP_DB_PASSWORD is required"
            " (see docker-compose.yml)}",
            "postgres:${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required (see docker-compose.yml)}",
        ),
        check_credentials_per_service,
    ),
    "action-server-secret-on-command-line": (
        _edit_compose(_append_to_command("action-server", "--secret", "${ACTION_SERVER_SECRET}")),
        check_no_secret_on_command_lines,
    ),
    "redis-password-in-healthcheck": (
        _edit_compose(
            _set_item(
                (*S, "redis", "healthcheck", "test"),
                ["CMD", "redis-cli", "-a", "${REDIS_PASSWORD:?x}", "ping"],
            )
        ),
        check_no_secret_on_command_lines,
    ),
    "app-role-superuser": (
        _replace_in_init(
            'CREATE ROLE :"app_user" LOGIN NOSUPERUSER',
            'CREATE ROLE :"app_user" LOGIN SUPERUSER',
        ),
        check_database_roles,
    ),
    "app-role-may-create-databases": (
        _replace_in_init("NOCREATEDB NOCREATEROLE", "CREATEDB NOCREATEROLE"),
        check_database_roles,
    ),
    "tracker-db-open-to-public": (
        _replace_in_init('REVOKE ALL ON DATABASE :"tracker_db" FROM PUBLIC;', ""),
        check_database_roles,
    ),
    "eraser-may-insert": (
        _replace_in_init("GRANT SELECT, DELETE", "GRANT SELECT, INSERT, DELETE"),
        check_database_roles,
    ),
    "eraser-on-the-app-db": (
        _replace_in_init(
            'GRANT CONNECT ON DATABASE :"tracker_db"',
            'GRANT CONNECT ON DATABASE :"app_db"',
        ),
        check_database_roles,
    ),
    "app-db-owned-by-superuser": (
        _replace_in_init(
            'CREATE DATABASE :"app_db" OWNER :"app_user";', 'CREATE DATABASE :"app_db";'
        ),
        check_database_roles,
    ),
    "bot-tracker-as-owner": (
        _replace_text(
            "compose_text",
            "${TRACKER_ERASER_USER:-rebond_eraser}:${TRACKER_ERASER_PASSWORD",
            "${RASA_TRACKER_USER:-rasa}:${TRACKER_ERASER_PASSWORD",
        ),
        check_tracker_database,
    ),
    "action-endpoint-no-secret": (
        _set_endpoint("action_endpoint", "headers", {}),
        check_tracker_database,
    ),
    "lock-store-no-password": (
        _set_endpoint("lock_store", "password", None),
        check_tracker_database,
    ),
    "redis-no-password": (
        _edit_compose(_set_item((*S, "redis", "command"), ["redis-server", "--appendonly", "yes"])),
        check_redis,
    ),
    "redis-as-root": (_edit_compose(_delete_item((*S, "redis", "user"))), check_redis),
    "dockerignore-lets-env-in": (
        lambda s: setattr(s, "dockerignore_text", "**/__pycache__\n"),
        check_dockerignore,
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_check_detects_breakage(stack: Stack, breakage: str) -> None:
    mutate, check = BREAKAGES[breakage]
    broken = copy.deepcopy(stack)
    mutate(broken)
    assert check(stack) == [], "the unbroken stack must pass this check"
    assert check(broken), f"{check.__name__} did not notice the breakage {breakage!r}"


def test_every_check_has_a_breakage() -> None:
    covered = {check for _, check in BREAKAGES.values()}
    assert [check.__name__ for check in ALL_CHECKS if check not in covered] == []
