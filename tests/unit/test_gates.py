"""The quality gates as the Makefile runs them, on tiny fabricated inputs: below the bar they
exit non-zero with a message naming the figure and its bar, above it they exit 0.

The commands are read from the Makefile (``make eval``, ``make rasa-test``), so a gate whose
bar or arguments change there is tested as it now runs.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

# Hand-labelled texts written for this test (not taken from data/feedback), each one that
# coach.feedback.analyze reads as labelled here: a split of them scores 1.0 everywhere.
LABELLED: list[dict[str, Any]] = [
    {
        "text": "Nous avons retenu un candidat qui avait davantage d'expérience en gestion "
        "d'équipe.",
        "kind": "constructive",
        "themes": ["competition", "experience"],
        "signals": [],
    },
    {
        "text": "Vos compétences en Python et en SQL sont encore trop justes pour ce poste.",
        "kind": "constructive",
        "themes": ["technical_skills"],
        "signals": [],
    },
    {
        "text": "Nous ne donnerons pas une suite favorable à votre candidature.",
        "kind": "generic",
        "themes": [],
        "signals": ["vague"],
    },
    {
        "text": "Pendant l'entretien, vos réponses étaient peu structurées et sans exemples "
        "concrets.",
        "kind": "constructive",
        "themes": ["interview_performance"],
        "signals": [],
    },
    {
        "text": "Vous êtes nul, vous n'y arriverez jamais dans ce métier.",
        "kind": "generic",
        "themes": [],
        "signals": ["overly_negative", "personal_attack", "vague"],
    },
    {
        "text": "Vous aviez trop d'expérience pour ce poste junior, nous craignons que vous "
        "vous ennuyiez.",
        "kind": "constructive",
        "themes": ["overqualification"],
        "signals": [],
    },
]


def make_command(target: str, module: str) -> list[str]:
    """The arguments after ``python -m <module>`` in the recipe of ``target``."""
    recipe: list[str] = []
    inside = False
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{target}:"):
            inside = True
        elif inside and not line.startswith("\t"):
            break
        elif inside:
            recipe.append(line)
    [command] = [line for line in recipe if f"-m {module} " in line]
    return shlex.split(command.split(f"-m {module} ", 1)[1])


def run_gate(module: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --------------------------------------------------------------------------- make eval


def eval_command(split: Path) -> list[str]:
    args = make_command("eval", "devtools.eval_feedback")
    assert args[0] == "data/feedback/heldout.yml", "the gate reads the held-out split"
    return [str(split), *args[1:]]


def write_split(folder: Path, texts: list[dict[str, Any]]) -> Path:
    path = folder / "split.yml"
    path.write_text(yaml.safe_dump({"texts": texts}, allow_unicode=True), encoding="utf-8")
    return path


def test_make_eval_passes_a_split_above_its_bars(tmp_path: Path) -> None:
    done = run_gate("devtools.eval_feedback", eval_command(write_split(tmp_path, LABELLED)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "theme micro-F1   1.000" in done.stdout and "FAIL" not in done.stderr


def test_make_eval_fails_on_themes_below_the_bar(tmp_path: Path) -> None:
    # Every theme label is wrong, kinds and signals right: theme micro-F1 is 0.
    wrong = [{**entry, "themes": ["enthusiasm"] if entry["themes"] else []} for entry in LABELLED]
    done = run_gate("devtools.eval_feedback", eval_command(write_split(tmp_path, wrong)))
    assert done.returncode == 1
    assert "theme micro-F1 0.000 < required 0.85" in done.stderr
    assert "kind accuracy" not in done.stderr and "signal micro-F1" not in done.stderr


def test_make_eval_fails_on_kinds_below_the_bar(tmp_path: Path) -> None:
    wrong = [
        {**entry, "kind": "generic" if entry["kind"] == "constructive" else "constructive"}
        for entry in LABELLED
    ]
    done = run_gate("devtools.eval_feedback", eval_command(write_split(tmp_path, wrong)))
    assert done.returncode == 1
    assert "kind accuracy 0.000 < required 0.9" in done.stderr


SIGNAL_BAR = "0.82"  # no bar in SPEC §9: just below the 0.835 measured (devtools/eval_feedback)


def test_the_signal_gate_fails_below_its_bar(tmp_path: Path) -> None:
    # Themes and kinds right, every signal missed: only the signal gate fails.
    wrong = [{**entry, "signals": []} for entry in LABELLED]
    wrong[0]["signals"] = ["vague"]  # and one false alarm: precision 0 too
    split = write_split(tmp_path, wrong)
    done = run_gate("devtools.eval_feedback", [str(split), "--min-signal-f1", SIGNAL_BAR])
    assert done.returncode == 1
    assert f"signal micro-F1 0.000 < required {SIGNAL_BAR}" in done.stderr
    assert "theme micro-F1" not in done.stderr
    passing = write_split(tmp_path, LABELLED)
    done = run_gate("devtools.eval_feedback", [str(passing), "--min-signal-f1", SIGNAL_BAR])
    assert done.returncode == 0, done.stderr


def test_make_eval_gates_the_signals() -> None:
    args = make_command("eval", "devtools.eval_feedback")
    assert args[args.index("--min-signal-f1") + 1] == SIGNAL_BAR


# --------------------------------------------------------------------------- make rasa-test


def nlu_command(results: Path) -> list[str]:
    args = make_command("rasa-test", "devtools.check_nlu")
    assert args[0] == "var/results/nlu", "the gate reads the held-out NLU results"
    assert "--with-detector" in args
    return [str(results), *args[1:]]


def write_nlu_results(folder: Path, accuracy: float, crisis_recall: float = 1.0) -> Path:
    """A results folder like ``rasa test nlu --out`` writes, with two intents."""

    def entry(recall: float, support: int, confused: dict[str, int]) -> dict[str, Any]:
        return {
            "precision": 1.0,
            "recall": recall,
            "f1-score": 2 * recall / (1 + recall),
            "support": support,
            "confused_with": confused,
        }

    missed = round((1 - crisis_recall) * 4)
    report = {
        "crisis": entry(crisis_recall, 4, {"greet": missed} if missed else {}),
        "greet": entry(accuracy, 20, {"goodbye": 1} if accuracy < 1 else {}),
        "accuracy": accuracy,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    errors = [
        {
            "text": "bonjour à tous",  # no crisis words: the detector cannot cover the miss
            "intent": "crisis",
            "intent_prediction": {"name": "greet", "confidence": 0.8},
        }
    ] * missed
    (folder / "intent_errors.json").write_text(json.dumps(errors), encoding="utf-8")
    return folder


def test_make_rasa_test_passes_results_above_its_bar(tmp_path: Path) -> None:
    done = run_gate("devtools.check_nlu", nlu_command(write_nlu_results(tmp_path, 0.95)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accuracy" in done.stdout and "FAIL" not in done.stderr


def test_make_rasa_test_fails_on_accuracy_below_the_bar(tmp_path: Path) -> None:
    done = run_gate("devtools.check_nlu", nlu_command(write_nlu_results(tmp_path, 0.78)))
    assert done.returncode == 1
    assert "FAIL: accuracy 0.7800 < required 0.8000" in done.stderr


def test_make_rasa_test_fails_on_a_crisis_message_missed_by_both(tmp_path: Path) -> None:
    results = write_nlu_results(tmp_path, 0.99, crisis_recall=0.75)
    done = run_gate("devtools.check_nlu", nlu_command(results))
    assert done.returncode == 1
    assert "crisis recall 0.7500 < 1.0" in done.stderr


def test_make_rasa_test_on_missing_results_exits_2(tmp_path: Path) -> None:
    done = run_gate("devtools.check_nlu", nlu_command(tmp_path / "nothing"))
    assert done.returncode == 2
    assert "no such file or directory" in done.stderr
