from __future__ import annotations

from bot.rendering import (
    CALLBACK_DATA_LIMIT,
    Button,
    PayloadStore,
    Reply,
    console_lines,
    keyboard_rows,
    parse_rasa_messages,
    split_text,
)


def test_text_buttons_image_and_directive_are_parsed() -> None:
    raw = [
        {
            "recipient_id": "1",
            "text": "Bonjour !",
            "buttons": [
                {"title": "J'accepte", "payload": "/consent_accept"},
                {"title": "Non merci", "payload": "/consent_decline"},
            ],
        },
        {"recipient_id": "1", "image": "https://example.org/chart.png"},
        {"recipient_id": "1", "custom": {"rebond": "export"}},
    ]
    text, image, directive = parse_rasa_messages(raw)
    assert text.text == "Bonjour !"
    assert text.buttons == (
        Button("J'accepte", "/consent_accept"),
        Button("Non merci", "/consent_decline"),
    )
    assert image.image == "https://example.org/chart.png" and image.text is None
    assert directive.directive == "export"


def test_junk_and_empty_messages_are_dropped() -> None:
    raw = [
        {"text": "   "},
        "not a dict",
        {"buttons": [{"title": "sans payload"}]},
        {"custom": {"x": 1}},
    ]
    assert parse_rasa_messages(raw) == []  # type: ignore[arg-type]


def test_button_without_title_shows_its_payload() -> None:
    [reply] = parse_rasa_messages([{"text": "?", "buttons": [{"payload": "/help"}]}])
    assert reply.buttons == (Button("/help", "/help"),)


def test_code_block_custom_message() -> None:
    [reply] = parse_rasa_messages([{"custom": {"code": True, "text": "Objet : Demande"}}])
    assert reply.code and reply.text == "Objet : Demande"


def test_long_text_is_split_on_boundaries_without_loss() -> None:
    text = "\n\n".join(f"Paragraphe {i} " + "mot " * 150 for i in range(20))
    chunks = split_text(text, limit=1000)
    assert all(len(chunk) <= 1000 for chunk in chunks)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_unbroken_text_is_cut_hard() -> None:
    chunks = split_text("x" * 2500, limit=1000)
    assert [len(c) for c in chunks] == [1000, 1000, 500]


def test_keyboard_rows_pair_short_titles_and_isolate_long_ones() -> None:
    buttons = (
        Button("Oui", "/a"),
        Button("Non", "/b"),
        Button("Une option au titre très long", "/c"),
        Button("Aide", "/d"),
    )
    assert [[b.payload for b in row] for row in keyboard_rows(buttons)] == [
        ["/a", "/b"],
        ["/c"],
        ["/d"],
    ]


def test_payload_store_round_trip_and_limit() -> None:
    store = PayloadStore(capacity=2)
    short = store.encode("/consent_accept")
    assert short == "p:/consent_accept" and store.decode(short) == "/consent_accept"
    long_payload = '/report_rejection{"company": "' + "Entreprise " * 10 + '"}'
    data = store.encode(long_payload)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert store.decode(data) == long_payload
    store.encode("/x" + "y" * 80)
    store.encode("/z" + "y" * 80)  # evicts the oldest long payload
    assert store.decode(data) is None
    assert store.decode("garbage") is None


def test_console_numbers_the_choices() -> None:
    lines, buttons = console_lines(
        Reply(text="Choisissez :", buttons=(Button("Oui", "/a"), Button("Non", "/b")))
    )
    assert lines == ["Choisissez :", "  1. Oui", "  2. Non"]
    assert [b.payload for b in buttons] == ["/a", "/b"]


def test_a_drawn_picture_shows_its_caption_in_the_terminal() -> None:
    lines, _ = console_lines(Reply(photo=b"\x89PNG", photo_caption="Votre humeur au fil du temps"))
    assert lines == ["[image : Votre humeur au fil du temps]"]
    assert console_lines(Reply(text="Bonjour"))[0] == ["Bonjour"]
