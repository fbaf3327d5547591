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
