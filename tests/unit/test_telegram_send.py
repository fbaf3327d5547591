"""bot.telegram_app.send_replies: text, drawn pictures and files reach the chat, in order."""

from __future__ import annotations

from typing import Any

from telegram import InputFile
from telegram.error import NetworkError

from bot.rendering import PayloadStore, Reply
from bot.telegram_app import send_replies


class FakeBot:
    """Records the Bot API calls; ``failing`` names the methods that raise."""

    def __init__(self, failing: frozenset[str] = frozenset()) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.failing = failing

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))
            if name in self.failing:
                raise NetworkError("down")

        return call


async def test_a_chart_is_uploaded_with_its_caption() -> None:
    bot = FakeBot()
    png = b"\x89PNG\r\n\x1a\n-chart"
    await send_replies(
        bot,
        42,
        [
            Reply(text="Voici votre bilan."),
            Reply(photo=png, photo_caption="Les thèmes de vos retours", photo_name="themes.png"),
        ],
        PayloadStore(),
    )
    assert [name for name, _, _ in bot.calls] == ["send_message", "send_photo"]
    _, (chat_id, upload), kwargs = bot.calls[1]
    assert chat_id == 42 and kwargs["caption"] == "Les thèmes de vos retours"
    assert isinstance(upload, InputFile)
    assert upload.input_file_content == png and upload.filename == "themes.png"


async def test_a_failed_upload_never_loses_the_rest() -> None:
    bot = FakeBot(failing=frozenset({"send_photo"}))
    await send_replies(
        bot,
        42,
        [Reply(photo=b"\x89PNG", photo_caption="Votre humeur"), Reply(text="Et ensuite ?")],
        PayloadStore(),
    )
    assert [name for name, _, _ in bot.calls] == ["send_photo", "send_message"]
    assert bot.calls[1][1] == (42, "Et ensuite ?")
