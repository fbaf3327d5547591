"""TED is skipped only where it cannot change Rasa's choice (deploy/rasa_server.py,
``install_settled_prediction``): with Rasa's own Python and the trained model, every
prediction point of the test stories, the same points with the person's intent swapped for
another one (off the stories: TED decides there), and the same points after a rejected action
get the same action and the same winning policy with the skip as without it; a TED given a
priority above the rule policy's is never skipped. The model must
be trained, hence this file's place among the end-to-end tests."""

from __future__ import annotations

import subprocess

import pytest

from devtools.stack import MODEL, RASA_PYTHON, ROOT

PROBE = r"""
import asyncio, gc, glob, sys
sys.path.insert(0, "deploy")
import rasa_server
rasa_server.install_settled_prediction()
real_state = rasa_server._tracker_state
from rasa.core.agent import load_agent
from rasa.core.policies.ted_policy import TEDPolicy
import rasa.core.test as rasa_test
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ted_runs = [0]
featurize = TEDPolicy._featurize_tracker
def counted(self, *args, **kwargs):
    ted_runs[0] += 1
    return featurize(self, *args, **kwargs)
TEDPolicy._featurize_tracker = counted

async def main():
    agent = await load_agent(model_path=sys.argv[1])
    intents = sorted(agent.domain.intents)
    points = []
    for path in sorted(glob.glob("tests/rasa/test_*stories.yml")):
        generator = rasa_test._create_data_generator(path, agent, use_conversation_test_files=True)
        for story in generator.generate_story_trackers():
            events = list(story.events)
            for i, event in enumerate(events):
                if not isinstance(event, ActionExecuted) or i == 0:
                    continue
                points.append(events[:i])
                last = events[i - 1]
                if isinstance(last, UserUttered) and last.intent_name:
                    other = intents[(intents.index(last.intent_name) + 7 * i) % len(intents)]
                    swapped = UserUttered("x", {"name": other, "confidence": 1.0})
                    points.append(events[:i - 1] + [swapped])
                points.append(events[:i] + [ActionExecutionRejected(event.action_name)])

    def predict(skip, only=None):
        rasa_server._tracker_state = real_state if skip else (lambda tracker: object())
        ted_runs[0] = 0
        out = []
        for events in points[:only]:
            tracker = DialogueStateTracker.from_events("probe", events, slots=agent.domain.slots)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            scores = prediction.probabilities
            best = max(range(len(scores)), key=scores.__getitem__)
            out.append((best, prediction.policy_name))
        return out, ted_runs[0]

    plain, ted_plain = predict(False)
    skipping, ted_skipping = predict(True)
    differ = [(plain[i], skipping[i]) for i in range(len(points)) if plain[i] != skipping[i]]
    print(f"points {len(points)}, TED run {ted_plain} without the skip, {ted_skipping} with it")
    assert not differ, differ[:5]
    assert ted_plain == len(points), ted_plain
    # Both branches are exercised: TED skipped somewhere and still run elsewhere.
    assert 0.1 * len(points) < ted_skipping < 0.9 * len(points), ted_skipping
    # A TED given a priority above the rule policy's is never skipped: it could win a tie.
    ted = [o for o in gc.get_objects() if isinstance(o, TEDPolicy)]
    assert len(ted) == 1, len(ted)
    ted[0].priority = 7
    _, ted_outranking = predict(True, only=300)
    print(f"TED run {ted_outranking} of 300 when it outranks the rules")
    assert ted_outranking == 300, ted_outranking
    print("ok")

asyncio.run(main())
"""


@pytest.mark.timeout(300)
@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's environment is not installed")
def test_skipping_ted_never_changes_the_prediction() -> None:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make model` must run before the e2e tests")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", PROBE, str(MODEL)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=False,
    )
    summary = [line for line in done.stdout.splitlines() if line.startswith("points")]
    print(*summary)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), (
        done.stdout[-2000:] + done.stderr[-2000:]
    )
