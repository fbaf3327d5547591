"""SPEC §4 (timing) and §5 (contact): hand-computed calendar cases and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.contacts import choose_contact
from coach.timing import add_business_days, is_business_day, plan_feedback_request

D = dt.date


@pytest.mark.parametrize(
    ("rejection", "culture", "decision", "subdiv", "earliest", "recommended", "latest"),
    [
        # Tue 24 Nov 2026, no holiday around: 3 / 4 / 5 business days by culture.
        (D(2026, 11, 24), "casual", None, None, D(2026, 11, 27), D(2026, 11, 27), D(2026, 12, 8)),
        (D(2026, 11, 24), "unknown", None, None, D(2026, 11, 27), D(2026, 11, 30), D(2026, 12, 8)),
        (D(2026, 11, 24), "formal", None, None, D(2026, 11, 27), D(2026, 12, 1), D(2026, 12, 8)),
        # A rejection read on a Saturday counts from the Monday.
        (D(2026, 11, 28), "casual", None, None, D(2026, 12, 2), D(2026, 12, 2), D(2026, 12, 11)),
        # Christmas and New Year's Day (both Fridays in 2026) are skipped.
        (D(2026, 12, 22), "formal", None, None, D(2026, 12, 28), D(2026, 12, 30), D(2027, 1, 7)),
        # 26 December 2025 (a Friday) is a holiday in Alsace-Moselle only.
        (D(2025, 12, 23), "casual", None, None, D(2025, 12, 29), D(2025, 12, 29), D(2026, 1, 8)),
        (D(2025, 12, 23), "casual", None, "57", D(2025, 12, 30), D(2025, 12, 30), D(2026, 1, 9)),
        # Good Friday (3 April 2026) in Alsace-Moselle, Easter Monday everywhere.
        (D(2026, 4, 1), "casual", None, None, D(2026, 4, 7), D(2026, 4, 7), D(2026, 4, 16)),
        (D(2026, 4, 1), "casual", None, "Alsace", D(2026, 4, 8), D(2026, 4, 8), D(2026, 4, 17)),
        # May: 1 and 8 May are Fridays; Ascension Thursday 14 May (the "pont" Friday counts),
        # Whit Monday 25 May.
        (D(2026, 4, 29), "unknown", None, None, D(2026, 5, 5), D(2026, 5, 6), D(2026, 5, 18)),
        (D(2026, 5, 12), "casual", None, None, D(2026, 5, 18), D(2026, 5, 18), D(2026, 5, 28)),
        # An announced decision date pushes the dates after it ...
        (
            D(2026, 11, 24),
            "casual",
            D(2026, 11, 30),
            None,
            D(2026, 12, 1),
            D(2026, 12, 1),
            D(2026, 12, 8),
        ),
        # ... and the latest day stays 5 business days after the recommended one.
        (
            D(2026, 11, 24),
            "formal",
            D(2026, 12, 4),
            None,
            D(2026, 12, 7),
            D(2026, 12, 7),
            D(2026, 12, 14),
        ),
        # A decision date already behind the dates changes nothing.
        (
            D(2026, 11, 24),
            "formal",
            D(2026, 11, 20),
            None,
            D(2026, 11, 27),
            D(2026, 12, 1),
            D(2026, 12, 8),
        ),
    ],
)
def test_plan_matches_hand_computed_calendars(
    rejection: dt.date,
    culture: str,
    decision: dt.date | None,
    subdiv: str | None,
    earliest: dt.date,
    recommended: dt.date,
    latest: dt.date,
) -> None:
    plan = plan_feedback_request(
        rejection, formal_rejection=True, decision_date=decision, culture=culture, subdiv=subdiv
    )
    assert (plan.earliest, plan.recommended, plan.latest) == (earliest, recommended, latest)
    assert plan.needs_confirmation is False


def test_reasons_explain_each_step_in_french() -> None:
    plan = plan_feedback_request(
        D(2026, 12, 22), formal_rejection=False, decision_date=None, culture="formal"
    )
    text = " ".join(plan.reasons)
    assert plan.needs_confirmation is True
    assert "3 jours ouvrés" in text and "5 jours ouvrés" in text and "formelle" in text
    assert "Noël" in text and "Jour de l'an" in text
    assert "refus officiel" in text
    moved = plan_feedback_request(
        D(2026, 11, 24), formal_rejection=True, decision_date=D(2026, 11, 30), culture="casual"
    )
    assert any("lundi 30 novembre" in reason for reason in moved.reasons)


def test_an_unexpected_culture_is_treated_as_unknown() -> None:
    odd = plan_feedback_request(
        D(2026, 11, 24), formal_rejection=True, decision_date=None, culture="bizarre"
    )
    assert odd.recommended == D(2026, 11, 30)


def test_business_day_arithmetic() -> None:
    assert not is_business_day(D(2026, 12, 25))
    assert not is_business_day(D(2026, 11, 28))
    assert is_business_day(D(2026, 5, 15)), "a pont is a working day"
    assert not is_business_day(D(2026, 4, 3), "57") and is_business_day(D(2026, 4, 3))
    assert add_business_days(D(2026, 11, 27), 1) == D(2026, 11, 30)
    with pytest.raises(ValueError):
        add_business_days(D(2026, 11, 27), 0)


@settings(max_examples=300, deadline=None)
@given(
    rejection=st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
    culture=st.sampled_from(["formal", "casual", "unknown"]),
    decision_offset=st.one_of(st.none(), st.integers(min_value=-20, max_value=40)),
    subdiv=st.sampled_from([None, "57", "6AE"]),
    formal=st.booleans(),
)
def test_plan_properties(
    rejection: dt.date,
    culture: str,
    decision_offset: int | None,
    subdiv: str | None,
    formal: bool,
) -> None:
    decision = None if decision_offset is None else rejection + dt.timedelta(decision_offset)
    plan = plan_feedback_request(
        rejection, formal_rejection=formal, decision_date=decision, culture=culture, subdiv=subdiv
    )
    for day in (plan.earliest, plan.recommended, plan.latest):
        assert is_business_day(day, subdiv)
        assert day > rejection
    assert plan.recommended >= plan.earliest
    assert plan.latest >= add_business_days(plan.recommended, 5, subdiv)
    assert plan.latest >= add_business_days(rejection, 10, subdiv)
    if decision is not None:
        assert plan.earliest > decision and plan.recommended > decision
    assert plan.needs_confirmation is (not formal)
    assert plan.reasons


@pytest.mark.parametrize(
    ("count", "manager", "network", "primary"),
    [
        (1, False, False, "interviewer"),
        (1, True, True, "interviewer"),  # one interviewer wins over the manager
        (2, True, False, "hiring_manager"),
        (0, True, False, "hiring_manager"),
        (3, False, True, "hr"),
        (0, False, False, "hr"),
    ],
)
def test_contact_rule_every_branch(count: int, manager: bool, network: bool, primary: str) -> None:
    choice = choose_contact(
        interviewer_count=count, met_hiring_manager=manager, has_network_contact=network
    )
    assert choice.primary == primary
    assert choice.also_ask_network is network
    assert len(choice.reasons) == (2 if network else 1)
    assert choice.as_json()["primary"] == primary


def test_the_window_in_one_line_for_a_draft_asked_directly() -> None:
    from coach.feedback_request import when_line

    monday = dt.date(2026, 11, 23)
    plan = plan_feedback_request(
        monday, formal_rejection=True, decision_date=None, culture="formal"
    )
    before = when_line(plan, monday)
    assert before.startswith("📅 Bon moment") and "pas avant" in before and "/demande" in before
    assert "dès maintenant" in when_line(plan, plan.earliest) or plan.earliest == plan.recommended
    assert when_line(plan, plan.recommended) == "📅 C'est le bon moment pour l'envoyer."
    late = plan.recommended + dt.timedelta(days=1)
    if late <= plan.latest:
        assert "sans tarder" in when_line(plan, late)
    assert "date un peu" in when_line(plan, plan.latest + dt.timedelta(days=1))
