"""The second reading of training texts points at real entries and is compared label by label."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from coach.feedback import SIGNALS, THEMES
from coach.feedback_model import ROOT, TRAIN_FILES
from devtools.agreement import DEFAULT, agreement


@cache
def _texts(name: str) -> list[dict[str, object]]:
    texts: list[dict[str, object]] = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))[
        "texts"
    ]
    return texts


def _entry(name: str, index: int) -> dict[str, object]:
    return _texts(name)[index]


def test_every_second_reading_points_at_a_training_text_with_known_labels() -> None:
    readings = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))["readings"]
    assert len(readings) == 150
    assert len({(r["file"], r["index"]) for r in readings}) == 150
    for reading in readings:
        assert reading["file"] in TRAIN_FILES
        _entry(reading["file"], reading["index"])  # raises when the index is out of range
        assert reading["kind"] in ("constructive", "generic")
        assert set(reading["themes"]) <= set(THEMES)
        assert set(reading["signals"]) <= set(SIGNALS)


def test_agreement_counts_what_each_reading_adds_and_misses(tmp_path: Path) -> None:
    name = TRAIN_FILES[0]
    same = _entry(name, 0)
    other = _entry(name, 1)
    gold_themes = set(other.get("themes") or [])  # type: ignore[call-overload]
    extra = next(theme for theme in THEMES if theme not in gold_themes)
    readings = [
        {"file": name, "index": 0, "kind": same["kind"], "themes": same.get("themes") or [],
         "signals": same.get("signals") or []},
        {"file": name, "index": 1, "kind": "generic" if other["kind"] == "constructive"
         else "constructive", "themes": [extra], "signals": []},
    ]  # fmt: skip
    path = tmp_path / "reading.yml"
    path.write_text(yaml.safe_dump({"readings": readings}), encoding="utf-8")
    counts, kinds, texts = agreement(path)
    assert (kinds, texts) == (1, 2)
    assert counts[extra, "fp"] == 1
    for theme in gold_themes:
        assert counts[theme, "fn"] >= 1
    for theme in same.get("themes") or []:  # type: ignore[attr-defined]
        assert counts[theme, "tp"] >= 1
