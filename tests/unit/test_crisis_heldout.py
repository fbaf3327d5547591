"""The crisis detector's held-out sets stay held out, and its gate can fail (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import eval_crisis
from devtools.eval_crisis import (
    CRISIS_SET,
    NEGATIVE_SET,
    development_lines,
    fold,
    load_lines,
    near_duplicates,
)


@pytest.fixture(scope="module")
def heldout() -> dict[str, list[str]]:
    return {
        **load_lines(CRISIS_SET, "crisis"),
        **load_lines(NEGATIVE_SET, "negatives", "feedback"),
    }


def test_sets_are_large_enough_and_without_repeats(heldout: dict[str, list[str]]) -> None:
    assert len(heldout["crisis"]) >= 120
    assert len(heldout["negatives"]) + len(heldout["feedback"]) >= 200
    assert len(heldout["feedback"]) >= 30
    every = [fold(line) for lines in heldout.values() for line in lines]
    assert len(set(every)) == len(every)


def test_no_line_is_both_crisis_and_negative(heldout: dict[str, list[str]]) -> None:
    crisis = {fold(line) for line in heldout["crisis"]}
    assert crisis.isdisjoint(fold(line) for line in heldout["negatives"] + heldout["feedback"])


def test_heldout_lines_are_not_development_lines(heldout: dict[str, list[str]]) -> None:
    """No held-out line identical or >= 0.9 similar (folded) to a line of data/nlu,
    tests/rasa, data/feedback or the detector's unit tests."""
    development = development_lines()
    assert len(development) > 5000  # the sources were found
    lines = [line for group in heldout.values() for line in group]
    assert near_duplicates(lines, development) == []


def test_the_similarity_check_finds_near_copies() -> None:
    assert fold("J’ai ENVIE d'en finir…") == "j ai envie d en finir"
    found = near_duplicates(["je veux disparaître, vraiment"], ["Je veux disparaitre vraiment!"])
    assert [(h, round(r, 2)) for h, _, r in found] == [("je veux disparaître, vraiment", 1.0)]
    assert near_duplicates(["je veux mourrir"], ["je veux mourir"])  # one letter apart
    assert near_duplicates(["jai"], ["j'ai"])  # identical once the spaces are removed
    assert not near_duplicates(["je cherche un poste à Lyon"], ["je veux mourir"])


def test_development_lines_include_the_detector_tests() -> None:
    folded = {fold(line) for line in development_lines()}
    assert fold("tout le monde serait mieux sans moi") in folded  # tests/unit/test_safety.py
    assert fold("la recruteuse avait l'air pressée d'en finir dès le début") in folded


def _write_sets(tmp_path: Path, crisis: list[str], negatives: list[str]) -> list[str]:
    crisis_path = tmp_path / "crisis.yml"
    negative_path = tmp_path / "negatives.yml"
    crisis_path.write_text("crisis:\n" + "".join(f'  - "{c}"\n' for c in crisis), "utf-8")
    negative_path.write_text(
        "negatives:\n" + "".join(f'  - "{n}"\n' for n in negatives) + "feedback: []\n", "utf-8"
    )
    (tmp_path / "feedback").mkdir()
    return [
        "--crisis",
        str(crisis_path),
        "--negatives",
        str(negative_path),
        "--feedback-dir",
        str(tmp_path / "feedback"),
        "--rounds",
        "1",
    ]


def test_gate_passes_within_its_bars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _write_sets(tmp_path, ["je veux mourir", "bonjour"], ["je cherche un CDI", "merci"])
    assert eval_crisis.main([*args, "--min-recall", "0.5", "--max-false-alarm-rate", "0"]) == 0
    out = capsys.readouterr().out
    assert "0.500" in out and "(1 caught, 1 missed)" in out


def test_gate_fails_below_the_recall_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _write_sets(tmp_path, ["je veux mourir", "bonjour"], ["je cherche un CDI"])
    assert eval_crisis.main([*args, "--min-recall", "0.9"]) == 1
    assert "FAIL: crisis detector: recall 0.500 < required 0.9" in capsys.readouterr().err


def test_gate_fails_above_the_false_alarm_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _write_sets(tmp_path, ["je veux mourir"], ["je veux mourir", "merci", "ok", "oui"])
    assert eval_crisis.main([*args, "--max-false-alarm-rate", "0.1"]) == 1
    assert "false-alarm rate 0.250 > allowed 0.1" in capsys.readouterr().err


def test_gate_fails_on_an_alarm_in_the_feedback_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _write_sets(tmp_path, ["je veux mourir"], ["merci"])
    (tmp_path / "feedback" / "x.yml").write_text(
        'texts:\n  - text: "je veux mourir"\n  - text: "Profil trop junior."\n', "utf-8"
    )
    assert eval_crisis.main([*args, "--max-feedback-alarms", "0"]) == 1
    assert "1 alarms on data/feedback > allowed 0" in capsys.readouterr().err


def test_an_unreadable_set_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _write_sets(tmp_path, ["je veux mourir"], ["merci"])
    (tmp_path / "crisis.yml").write_text("crisis: [1, 2]\n", "utf-8")
    assert eval_crisis.main(args) == 2
    assert "ERROR" in capsys.readouterr().err
    assert eval_crisis.main([*args[:1], str(tmp_path / "missing.yml"), *args[2:]]) == 2
