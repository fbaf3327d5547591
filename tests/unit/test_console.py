"""The terminal chat renders buttons as numbered choices and maps numbers back to payloads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from bot.console import ConsoleChat
from bot.relay import Speaker
from bot.rendering import Button, Reply


class RecordingRelay:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def handle_text(self, speaker: Speaker, text: str) -> list[Reply]:
        self.calls.append(("text", text))
        return []

    async def handle_command(self, speaker: Speaker, command: str) -> list[Reply]:
        self.calls.append(("command", command))
        return []

    async def handle_payload(self, speaker: Speaker, payload: str) -> list[Reply]:
        self.calls.append(("payload", payload))
        return []


def chat(tmp_path: Path) -> tuple[ConsoleChat, RecordingRelay, io.StringIO]:
    relay = RecordingRelay()
    out = io.StringIO()
    relay_any: Any = relay
    console = ConsoleChat(
        relay_any, Speaker(1), out=out, export_dir=tmp_path, chart_dir=tmp_path / "charts"
    )
    return console, relay, out


async def test_numbers_press_the_last_buttons_shown(tmp_path: Path) -> None:
    console, relay, out = chat(tmp_path)
    console.show(
        [
            Reply(
                text="Acceptez-vous ?\nVraiment ?",
                buttons=(Button("J'accepte", "/consent_accept"), Button("Non", "/no")),
            )
        ]
    )
    assert out.getvalue().splitlines() == [
        "rebond › Acceptez-vous ?",
        "         Vraiment ?",
        "  1. J'accepte",
        "  2. Non",
    ]
    await console.answer("1")
    await console.answer("3")  # no third choice: sent as text
    await console.answer("/aide")
    assert relay.calls == [("payload", "/consent_accept"), ("text", "3"), ("command", "/aide")]


async def test_every_keyboard_of_a_turn_is_numbered_on(tmp_path: Path) -> None:
    """A draft comes with its refinements and, below, its other channels: both can be pressed."""
    console, relay, out = chat(tmp_path)
    console.show(
        [
            Reply(text="Voici le mail.", buttons=(Button("Plus court", "/shorter"),)),
            Reply(text="Ou sous une autre forme :", buttons=(Button("Un appel", "/phone"),)),
        ]
    )
    assert "  1. Plus court" in out.getvalue() and "  2. Un appel" in out.getvalue()
    await console.answer("1")
    await console.answer("2")
    assert relay.calls == [("payload", "/shorter"), ("payload", "/phone")]
    console.show([Reply(text="Une question sans boutons")])
    await console.answer("1")  # the next turn starts afresh
    assert relay.calls[-1] == ("text", "1")


async def test_documents_are_saved_to_a_file(tmp_path: Path) -> None:
    console, _, out = chat(tmp_path)
    console.show([Reply(document=b'{"user": null}', document_name="export.json")])
    assert (tmp_path / "export.json").read_bytes() == b'{"user": null}'
    assert "export.json" in out.getvalue()


async def test_charts_are_saved_to_a_file_with_their_caption(tmp_path: Path) -> None:
    console, _, out = chat(tmp_path)
    console.show(
        [
            Reply(text="Voici votre bilan."),
            Reply(photo=b"\x89PNG-a", photo_caption="Les thèmes", photo_name="rebond-themes.png"),
            Reply(photo=b"\x89PNG-b", photo_caption="Votre humeur", photo_name="rebond-mood.png"),
        ]
    )
    assert (tmp_path / "charts" / "rebond-themes.png").read_bytes() == b"\x89PNG-a"
    assert (tmp_path / "charts" / "rebond-mood.png").read_bytes() == b"\x89PNG-b"
    lines = out.getvalue().splitlines()
    assert lines[0] == "rebond › Voici votre bilan."
    assert "Les thèmes" in lines[1] and str(tmp_path / "charts" / "rebond-themes.png") in lines[1]
    assert "Votre humeur" in lines[2] and "rebond-mood.png" in lines[2]


# --------------------------------------------------------------------------- erasure


def test_each_person_has_their_own_folders(tmp_path: Path) -> None:
    from bot.console import person_dirs

    assert person_dirs(7, tmp_path) == (tmp_path / "exports" / "7", tmp_path / "charts" / "7")


def test_forgetting_local_files_spares_other_people(tmp_path: Path) -> None:
    from bot.console import forget_local_files, person_dirs

    for uid in (7, 8):
        exports, charts = person_dirs(uid, tmp_path)
        exports.mkdir(parents=True)
        charts.mkdir(parents=True)
        (exports / "rebond-mes-donnees.json").write_text("{}")
        (charts / "rebond-mood.png").write_bytes(b"png")
    # Written before the per-person folders existed (the local chat has one person).
    (tmp_path / "exports" / "rebond-mes-donnees.json").write_text("{}")
    (tmp_path / "charts" / "rebond-themes.png").write_bytes(b"png")

    assert forget_local_files(7, tmp_path) == 4
    assert not person_dirs(7, tmp_path)[0].exists() and not person_dirs(7, tmp_path)[1].exists()
    assert sorted(p.name for p in (tmp_path / "exports").rglob("*") if p.is_file()) == [
        "rebond-mes-donnees.json"
    ]
    assert (tmp_path / "exports" / "8" / "rebond-mes-donnees.json").exists()
    assert (tmp_path / "charts" / "8" / "rebond-mood.png").exists()
    assert forget_local_files(7, tmp_path) == 0  # again: nothing left, no error


async def test_files_go_once_the_account_is_erased(tmp_path: Path, session_factory: Any) -> None:
    from coach.db import transaction
    from coach.privacy import delete_user
    from coach.users import give_consent

    with transaction(session_factory) as session:
        give_consent(session, 1, first_name=None, timezone="Europe/Paris")
    relay: Any = RecordingRelay()
    exports, charts = tmp_path / "exports" / "1", tmp_path / "charts" / "1"
    console = ConsoleChat(
        relay,
        Speaker(1),
        out=io.StringIO(),
        export_dir=exports,
        chart_dir=charts,
        sessions=session_factory,
    )
    console.show(
        [
            Reply(document=b"{}", document_name="rebond-mes-donnees.json"),
            Reply(photo=b"png", photo_caption="Votre SWOT", photo_name="rebond-swot.png"),
        ]
    )
    assert console.forget_files_if_erased() == 0  # the account is there: files stay
    assert (exports / "rebond-mes-donnees.json").exists()

    with transaction(session_factory) as session:
        delete_user(session, 1)
    assert console.forget_files_if_erased() == 2
    assert not (exports / "rebond-mes-donnees.json").exists()
    assert not (charts / "rebond-swot.png").exists()
    assert console.forget_files_if_erased() == 0


async def test_files_stay_when_the_account_cannot_be_checked(tmp_path: Path) -> None:
    from coach.db import make_engine, make_session_factory

    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    relay: Any = RecordingRelay()
    console = ConsoleChat(
        relay,
        Speaker(1),
        out=io.StringIO(),
        export_dir=tmp_path,
        chart_dir=tmp_path / "c",
        sessions=make_session_factory(engine),
    )
    console.show([Reply(document=b"{}", document_name="rebond-mes-donnees.json")])
    assert console.forget_files_if_erased() == 0
    assert (tmp_path / "rebond-mes-donnees.json").exists()
    engine.dispose()
