"""The STAR builder: the parts asked in order, each weakness flagged, a good answer accepted."""

from __future__ import annotations

import pytest

from coach.models import StarAnswer
from coach.star import (
    FLAG_CODES,
    PART_PROMPTS,
    PARTS,
    SUGGESTED_QUESTIONS,
    StarDraft,
    check_star,
    draft_of,
    flags_message,
    format_star,
    stars_message,
)

GOOD = StarDraft(
    question="Racontez une réussite professionnelle qui compte pour vous.",
    situation=(
        "Dans mon dernier poste de comptable, la clôture mensuelle prenait dix jours et "
        "retardait tout le service."
    ),
    task="Je devais raccourcir ce délai sans renfort dans l'équipe.",
    action=(
        "J'ai analysé chaque étape de la clôture, j'ai automatisé les rapprochements bancaires "
        "dans Excel et j'ai proposé un nouveau calendrier à mes collègues."
    ),
    result="La clôture est passée de dix à six jours en trois mois, et la méthode a été reprise.",
)


def codes(draft: StarDraft) -> set[tuple[str, str]]:
    return {(flag.part, flag.code) for flag in check_star(draft)}


def test_a_good_answer_is_accepted() -> None:
    assert check_star(GOOD) == []
    assert flags_message([]).startswith("Votre réponse tient debout")


def test_the_builder_asks_question_then_each_part_in_order() -> None:
    draft = StarDraft()
    asked = []
    while (part := draft.next_part()) is not None:
        asked.append(part)
        draft = draft.with_part(part, getattr(GOOD, part))
    assert asked == ["question", *PARTS]
    assert draft.complete and draft == GOOD
    assert set(PART_PROMPTS) == {"question", *PARTS}
    with pytest.raises(ValueError):
        draft.with_part("conclusion", "x")


def test_parts_are_kept_on_one_line_and_bounded() -> None:
    draft = StarDraft().with_part("situation", "  Un  projet\n\nimportant  " + "x" * 3000)
    assert draft.situation.startswith("Un projet important x")
    assert len(draft.situation) == 2000


@pytest.mark.parametrize("part", PARTS)
def test_a_missing_part_is_flagged(part: str) -> None:
    draft = GOOD.with_part(part, "   ")
    assert codes(draft) == {(part, "missing")}


def test_a_missing_question_is_flagged() -> None:
    assert codes(GOOD.with_part("question", "")) == {("question", "missing")}


@pytest.mark.parametrize(
    ("part", "short"),
    [
        ("situation", "Un projet en retard."),
        ("task", "Le livrer."),
        ("action", "J'ai organisé une réunion."),
        ("result", "Livré à 100 %."),
    ],
)
def test_a_part_too_short_is_flagged(part: str, short: str) -> None:
    assert codes(GOOD.with_part(part, short)) == {(part, "too_short")}


@pytest.mark.parametrize(
    "result",
    [
        "Le client était très content et l'équipe a gagné en sérénité.",
        "Tout le monde a apprécié la nouvelle organisation du service.",
    ],
)
def test_a_result_without_anything_measurable_is_flagged(result: str) -> None:
    assert codes(GOOD.with_part("result", result)) == {("result", "no_measurable_result")}


@pytest.mark.parametrize(
    "result",
    [
        "Le délai de traitement a baissé de 30 % en deux mois, sans heures supplémentaires.",
        "Les réclamations ont été divisées par deux sur le trimestre suivant.",
        "Avant, chaque dossier prenait une semaine ; après, il était bouclé en deux jours.",
        "Le taux de réponse est passé de 5 à 12 pour cent grâce aux relances.",
    ],
)
def test_numbers_percentages_and_before_after_are_measurable(result: str) -> None:
    assert check_star(GOOD.with_part("result", result)) == []


@pytest.mark.parametrize(
    "action",
    [
        "Nous avons analysé les étapes, puis nous avons automatisé les rapprochements bancaires.",
        "On a analysé chaque étape, on a automatisé les rapprochements et on a tout refait.",
        "Nous avons analysé les étapes et j'ai ensuite proposé un calendrier à nous tous.",
    ],
)
def test_we_instead_of_i_in_the_action_is_flagged(action: str) -> None:
    assert codes(GOOD.with_part("action", action)) == {("action", "we_instead_of_i")}


def test_i_with_an_occasional_we_is_fine() -> None:
    action = (
        "J'ai analysé les étapes, j'ai proposé un calendrier, puis nous avons testé la "
        "méthode et j'ai formé mes collègues."
    )
    assert check_star(GOOD.with_part("action", action)) == []


@pytest.mark.parametrize(
    "action",
    [
        "J'ai participé au projet de clôture et j'ai aidé l'équipe comptable tout le mois.",
        "Je me suis occupé de la clôture et j'ai contribué à l'amélioration du processus.",
    ],
)
def test_vague_verbs_without_a_concrete_one_are_flagged(action: str) -> None:
    assert codes(GOOD.with_part("action", action)) == {("action", "vague_verbs")}


def test_every_flag_has_a_french_message_naming_its_part() -> None:
    weak = StarDraft(
        question="Une réussite ?",
        situation="Un projet.",
        action="Nous avons participé et on a aidé un peu partout.",
        result="Content.",
    )
    flags = check_star(weak)
    assert {flag.code for flag in flags} == set(FLAG_CODES)
    for flag in flags:
        assert flag.message.split(" :")[0] in {"Situation", "Tâche", "Action", "Résultat"}
    text = flags_message(flags)
    assert text.startswith("Quelques points à renforcer :")
    assert text.count("\n• ") == len(flags)


def test_format_lays_out_the_four_parts() -> None:
    text = format_star(GOOD)
    lines = text.splitlines()
    assert lines[0] == f"❓ {GOOD.question}"
    assert [line.split(" :")[0] for line in lines[1:]] == [
        "Situation",
        "Tâche",
        "Action",
        "Résultat",
    ]
    assert "…" in format_star(StarDraft(question="Q", situation="S"))


def test_a_stored_answer_reads_like_a_draft() -> None:
    row = StarAnswer(**{part: getattr(GOOD, part) for part in ("question", *PARTS)})
    assert draft_of(row) == GOOD and check_star(row) == []


def test_questions_to_pick_from_and_the_list_message() -> None:
    assert len(SUGGESTED_QUESTIONS) >= 5 and all(q.endswith(".") for q in SUGGESTED_QUESTIONS)
    assert "Aucune réponse" in stars_message([])
    rows = [StarAnswer(question=q) for q in SUGGESTED_QUESTIONS[:2]]
    assert stars_message(rows).splitlines()[1:] == [
        f"1. {rows[0].question}",
        f"2. {rows[1].question}",
    ]
