"""devtools.check_nlu: the NLU quality gate read from Rasa's intent_report.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devtools import check_nlu

ROOT = Path(__file__).resolve().parents[2]


def entry(
    precision: float, recall: float, support: int, confused: dict[str, int] | None = None
) -> dict[str, Any]:
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {
        "precision": precision,
        "recall": recall,
        "f1-score": f1,
        "support": support,
        "confused_with": confused or {},
    }


def make_report(intents: dict[str, dict[str, Any]], accuracy: float) -> dict[str, Any]:
    """A report shaped like Rasa 3.6's (sklearn's dict report completed with micro avg)."""
    support = sum(e["support"] for e in intents.values())
    macro = sum(e["f1-score"] for e in intents.values()) / len(intents)
    weighted = sum(e["f1-score"] * e["support"] for e in intents.values()) / support
    report: dict[str, Any] = dict(intents)
    report["accuracy"] = accuracy
    report["macro avg"] = {"precision": 0.9, "recall": 0.9, "f1-score": macro, "support": support}
    report["weighted avg"] = {
        "precision": 0.9,
        "recall": 0.9,
        "f1-score": weighted,
        "support": support,
    }
    report["micro avg"] = {
        "precision": accuracy,
        "recall": accuracy,
        "f1-score": accuracy,
        "support": support,
    }
    return report


def good_report() -> dict[str, Any]:
    return make_report(
        {
            "greet": entry(1.0, 1.0, 8),
            "goodbye": entry(1.0, 1.0, 8),
            "crisis": entry(1.0, 1.0, 12),
            "ask_star": entry(0.875, 0.875, 8, {"ask_interview_tips": 1}),
            "ask_interview_tips": entry(0.875, 0.875, 8, {"ask_star": 1}),
            "thank": entry(1.0, 1.0, 8),
            "deny": entry(1.0, 0.875, 8, {"cancel": 1}),
            "cancel": entry(0.889, 1.0, 8),
        },
        accuracy=0.9706,
    )


def write(directory: Path, report: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "intent_report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_passing_report_prints_the_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, good_report())

    assert check_nlu.main([str(tmp_path), "--min-accuracy", "0.92"]) == 0

    out = capsys.readouterr().out
    assert "accuracy       0.9706" in out
    assert "macro F1" in out and "weighted F1" in out
    assert "crisis recall  1.0000" in out
    assert "weakest 5 intents" in out
    assert "confused with: ask_interview_tips ×1" in out
    assert "OK: NLU quality bar met" in out


def test_weakest_are_the_five_lowest_f1(tmp_path: Path):
    write(tmp_path, good_report())
    _, summary = check_nlu.load_summary(tmp_path)

    weakest = [s.name for s in summary.weakest(5)]

    assert weakest[:2] == ["ask_interview_tips", "ask_star"]  # tie broken by name
    assert set(weakest[2:4]) == {"cancel", "deny"}
    assert len(weakest) == 5
    assert weakest[4] == "crisis"  # perfect F1: the largest support comes first


def test_accuracy_below_the_bar_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, good_report())

    assert check_nlu.main([str(tmp_path), "--min-accuracy", "0.98"]) == 1

    assert "accuracy 0.9706 < required 0.9800" in capsys.readouterr().err


def test_a_missed_crisis_message_fails_even_with_high_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    report = good_report()
    report["crisis"] = entry(1.0, 11 / 12, 12, {"express_negative_emotion": 1})
    write(tmp_path, report)

    assert check_nlu.main([str(tmp_path)]) == 1

    captured = capsys.readouterr()
    assert "crisis recall  0.9167" in captured.out
    assert "crisis recall 0.9167 < 1.0" in captured.err
    assert "express_negative_emotion ×1" in captured.err


def test_no_crisis_in_the_report_is_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    report = good_report()
    del report["crisis"]
    write(tmp_path, report)

    assert check_nlu.main([str(tmp_path), "--min-accuracy", "0.9"]) == 0
    assert "crisis recall  n/a" in capsys.readouterr().out


def test_both_failures_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    report = make_report(
        {"crisis": entry(1.0, 0.5, 2, {"greet": 1}), "greet": entry(0.5, 1.0, 1)}, accuracy=0.667
    )
    write(tmp_path, report)

    assert check_nlu.main([str(tmp_path), "--min-accuracy", "0.92"]) == 1

    err = capsys.readouterr().err
    assert "accuracy 0.6670 < required" in err
    assert "crisis recall 0.5000" in err


def test_accepts_the_report_file_itself(tmp_path: Path):
    path = write(tmp_path / "out", good_report())

    assert check_nlu.main([str(path), "--min-accuracy", "0.92"]) == 0


def test_cross_validation_output_nested_one_level_down(tmp_path: Path):
    # Rasa 3.6 writes the aggregated cross-validation report straight into --out; a report
    # found once below the given directory (e.g. the parent of --out) is accepted too.
    write(tmp_path / "cv", good_report())

    report_path, summary = check_nlu.load_summary(tmp_path)

    assert report_path == tmp_path / "cv" / "intent_report.json"
    assert summary.crisis_recall == 1.0


def test_several_nested_reports_are_ambiguous(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path / "run_1" / "0%_exclusion" / "a_report", good_report())
    write(tmp_path / "run_1" / "0%_exclusion" / "b_report", good_report())

    assert check_nlu.main([str(tmp_path)]) == 2
    assert "several intent reports" in capsys.readouterr().err


def test_missing_report_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert check_nlu.main([str(tmp_path)]) == 2
    assert "no intent_report.json" in capsys.readouterr().err
    assert check_nlu.main([str(tmp_path / "nowhere")]) == 2


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"greet": {"recall": 1.0}}', "{}"])
def test_malformed_reports_exit_2(tmp_path: Path, content: str):
    (tmp_path / "intent_report.json").write_text(content, encoding="utf-8")

    assert check_nlu.main([str(tmp_path)]) == 2


def test_missing_averages_are_computed_from_the_intents():
    report = {"greet": entry(1.0, 1.0, 3), "crisis": entry(0.5, 1.0, 1), "deny": entry(1.0, 0.5, 2)}

    summary = check_nlu.summarise(report)

    assert summary.accuracy == pytest.approx((3 + 1 + 1) / 6)
    f1s = [1.0, 2 / 3, 2 / 3]
    assert summary.macro_f1 == pytest.approx(sum(f1s) / 3)
    assert summary.weighted_f1 == pytest.approx((3 * 1.0 + 1 * 2 / 3 + 2 * 2 / 3) / 6)
    assert check_nlu.failures(summary, 0.8) == []


def test_invalid_min_accuracy_is_a_usage_error(tmp_path: Path):
    write(tmp_path, good_report())

    with pytest.raises(SystemExit) as exc:
        check_nlu.main([str(tmp_path), "--min-accuracy", "92"])
    assert exc.value.code == 2


def test_runs_as_a_module(tmp_path: Path):
    write(tmp_path, good_report())

    ok = subprocess.run(
        [sys.executable, "-m", "devtools.check_nlu", str(tmp_path), "--min-accuracy", "0.92"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    too_strict = subprocess.run(
        [sys.executable, "-m", "devtools.check_nlu", str(tmp_path), "--min-accuracy", "0.99"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert ok.returncode == 0, ok.stderr
    assert "crisis recall" in ok.stdout
    assert too_strict.returncode == 1


def _crisis_report(tmp_path: Path, missed_text: str) -> Path:
    report = {
        "crisis": {
            "precision": 1.0,
            "recall": 0.5,
            "f1-score": 0.67,
            "support": 2,
            "confused_with": {"express_negative_emotion": 1},
        },
        "greet": {
            "precision": 0.9,
            "recall": 1.0,
            "f1-score": 0.95,
            "support": 2,
            "confused_with": {},
        },
        "accuracy": 0.95,
        "macro avg": {"precision": 0.95, "recall": 0.75, "f1-score": 0.8, "support": 4},
        "weighted avg": {"precision": 0.95, "recall": 0.75, "f1-score": 0.8, "support": 4},
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report))
    errors = [
        {
            "text": missed_text,
            "intent": "crisis",
            "intent_prediction": {"name": "express_negative_emotion", "confidence": 0.9},
        }
    ]
    (tmp_path / "intent_errors.json").write_text(json.dumps(errors))
    return tmp_path


def test_detector_covers_a_classifier_miss(tmp_path: Path) -> None:
    results = _crisis_report(tmp_path, "j'ai envie de me faire mal physiquement")
    assert check_nlu.main([str(results), "--with-detector"]) == 0
    assert check_nlu.main([str(results)]) == 1


def test_a_miss_of_both_fails(tmp_path: Path) -> None:
    results = _crisis_report(tmp_path, "je suis un peu triste aujourd'hui")
    assert check_nlu.main([str(results), "--with-detector"]) == 1
