"""Pure checks of prize rules, the canonical contract, eligibility, the clock's states."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.challenges.deadlines import Timeline, effective_state, timeline_problems
from app.challenges.enums import ChallengeState as S
from app.challenges.enums import IpTerms, SolverKind
from app.challenges.rules import (
    Applicant,
    EligibilityRules,
    canonical_json,
    committed_amount,
    eligibility_problems,
    ip_terms_problem,
    normalised_weights,
    prize_rule_problems,
    sha256_hex,
)
from app.challenges.schemas import PrizeRules
from app.challenges.states import countdown

T = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def rules(award: dict, purse: int = 1000) -> PrizeRules:
    return PrizeRules.model_validate({"purse": {"amount_minor": purse, "currency": "USD"},
                                      "award": award})


@pytest.mark.parametrize(("award", "field"), [
    ({"type": "ranked", "places": [600, 500]}, "prize_rules.award.places"),
    ({"type": "threshold", "amount_per_solution": 1001, "overflow": "pro_rata"},
     "prize_rules.award.amount_per_solution"),
    ({"type": "milestone", "milestones": [{"name": "a", "targets": ["t1"], "amount": 700},
                                          {"name": "b", "targets": ["t1"], "amount": 301}]},
     "prize_rules.award.milestones"),
    ({"type": "per_unit", "unit_target": "t1", "rate_minor_per_unit": "2",
      "overall_cap_minor": 1001}, "prize_rules.award.overall_cap_minor"),
    ({"type": "per_unit", "unit_target": "t1", "rate_minor_per_unit": "2",
      "overall_cap_minor": 500, "cap_per_solver_minor": 501},
     "prize_rules.award.cap_per_solver_minor"),
    ({"type": "pool", "pool_minor": 1001, "share_target": "t1"}, "prize_rules.award.pool_minor"),
])
def test_amounts_never_exceed_the_purse(award: dict, field: str) -> None:
    problems = prize_rule_problems(rules(award), target_keys=["t1", "t2"])
    assert field in problems
    assert "USD" in problems[field]


@pytest.mark.parametrize("award", [
    {"type": "ranked", "places": [600, 400]},
    {"type": "threshold", "amount_per_solution": 1000, "overflow": "by_rank"},
    {"type": "milestone", "milestones": [{"name": "a", "targets": ["t1"], "amount": 700},
                                         {"name": "b", "targets": ["t1", "t2"], "amount": 300}]},
    {"type": "per_unit", "unit_target": "t1", "rate_minor_per_unit": "0.5",
     "quality_gate_target": "t2", "cap_per_solver_minor": 200},
    {"type": "pool", "pool_minor": 1000, "share_target": "t2"},
])
def test_amounts_up_to_the_purse_are_fine(award: dict) -> None:
    r = rules(award)
    assert prize_rule_problems(r, target_keys=["t1", "t2"]) == {}
    assert committed_amount(r) <= 1000


def test_target_references_must_exist() -> None:
    r = rules({"type": "per_unit", "unit_target": "t9", "rate_minor_per_unit": "1",
               "quality_gate_target": "t9"})
    problems = prize_rule_problems(r, target_keys=["t1"])
    assert "prize_rules.award.unit_target" in problems
    assert "prize_rules.award.quality_gate_target" in problems


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=10),
       st.integers(min_value=1, max_value=10**10))
def test_ranked_places_flagged_exactly_when_their_sum_exceeds_the_purse(places, purse) -> None:
    problems = prize_rule_problems(rules({"type": "ranked", "places": places}, purse),
                                   target_keys=[])
    assert ("prize_rules.award.places" in problems) == (sum(places) > purse)


def test_floats_and_bools_are_not_money_or_decimals() -> None:
    from pydantic import ValidationError
    for bad in (1.5, False, "100"):
        with pytest.raises(ValidationError):
            rules({"type": "ranked", "places": [1]}, purse=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        rules({"type": "per_unit", "unit_target": "t1", "rate_minor_per_unit": 0.1})


def test_canonical_json_sorts_keys_has_no_whitespace_and_decimals_as_strings() -> None:
    doc = {"b": Decimal("12.50"), "a": [Decimal("1E+2"), Decimal("-0.0")], "t": T,
           "s": S.OPEN, "é": "ü"}
    assert canonical_json(doc) == (
        '{"a":["100","0"],"b":"12.5","s":"open","t":"2030-01-01T00:00:00Z","é":"ü"}'
        .encode())
    with pytest.raises(TypeError):
        canonical_json({"x": 0.1})


@given(st.dictionaries(st.text(max_size=5), st.decimals(allow_nan=False, allow_infinity=False,
                                                        places=4), max_size=6))
def test_canonical_form_is_stable_and_recomputable(doc) -> None:
    data = canonical_json(doc)
    assert canonical_json(json.loads(data)) == data
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_hash_changes_when_the_rules_differ() -> None:
    a = rules({"type": "ranked", "places": [600, 400]}).model_dump()
    b = rules({"type": "ranked", "places": [600, 399]}).model_dump()
    assert sha256_hex(canonical_json(a)) != sha256_hex(canonical_json(b))
    assert sha256_hex(canonical_json(a)) == sha256_hex(canonical_json(
        rules({"type": "ranked", "places": [600, 400]}).model_dump()))


ELIGIBILITY = EligibilityRules(scope=frozenset({"LDC", "SIDS"}),
                               solver_kinds=frozenset({SolverKind.TEAM, SolverKind.INDIVIDUAL}),
                               team_min=2, team_max=5, exclude_sponsor_employees=True)


def test_eligibility_by_groups_kind_team_and_employment() -> None:
    nepal = frozenset({"WORLD", "LDC", "LLDC"})
    ok = Applicant("NPL", nepal, SolverKind.TEAM, 3, declares_not_sponsor_employee=True)
    assert eligibility_problems(ELIGIBILITY, ok) == {}
    france = Applicant("FRA", frozenset({"WORLD"}), SolverKind.INDIVIDUAL,
                       declares_not_sponsor_employee=True)
    assert set(eligibility_problems(ELIGIBILITY, france)) == {"country_code"}
    big = Applicant("NPL", nepal, SolverKind.TEAM, 9, declares_not_sponsor_employee=True)
    assert set(eligibility_problems(ELIGIBILITY, big)) == {"team_size"}
    org = Applicant("NPL", nepal, SolverKind.ORGANISATION)
    assert set(eligibility_problems(ELIGIBILITY, org)) == {"solver_kind",
                                                           "declares_not_sponsor_employee"}
    assert "country_code" in eligibility_problems(
        ELIGIBILITY, Applicant(None, frozenset(), SolverKind.INDIVIDUAL, None, True))
    named = EligibilityRules(scope=frozenset({"FRA"}), solver_kinds=frozenset())
    assert eligibility_problems(named, france) == {}


def test_weights_are_normalised_exactly() -> None:
    assert normalised_weights([Decimal(3), Decimal(1)]) == [Decimal("0.75"), Decimal("0.25")]


def test_ip_terms_need_a_licence_only_when_open() -> None:
    assert ip_terms_problem(IpTerms.OPEN_LICENCE, None, None)
    assert ip_terms_problem(IpTerms.OPEN_LICENCE, "CC-BY-4.0", "CC-BY-4.0") is None
    assert ip_terms_problem(IpTerms.NO_TRANSFER, "MIT", "MIT")


def test_the_clock_opens_and_closes_published_challenges() -> None:
    opens, close = T, T + dt.timedelta(days=10)
    state = lambda now: effective_state(S.PUBLISHED, opens_at=opens,  # noqa: E731
                                        submissions_close_at=close, now=now)
    assert state(T - dt.timedelta(seconds=1)) == S.PUBLISHED
    assert state(T) == S.OPEN
    assert state(close) == S.CLOSED
    assert effective_state(S.DRAFT, opens_at=opens, submissions_close_at=close,
                           now=close) == S.DRAFT


def test_deadlines_in_order_and_countdown_text() -> None:
    t = Timeline(T, T - dt.timedelta(days=1), None, T - dt.timedelta(days=2), 14)
    assert set(timeline_problems(t)) == {"timeline.submissions_close_at",
                                         "timeline.verification_closes_at"}
    assert timeline_problems(Timeline(T, T + dt.timedelta(days=1), None, None, 0)) == {}
    assert countdown(T, T + dt.timedelta(days=3, hours=4, minutes=5)) == "3 days 4 hours"
    assert countdown(T, T + dt.timedelta(hours=1, minutes=1)) == "1 hour 1 minute"
    assert countdown(T, T + dt.timedelta(seconds=30)) == "less than a minute"
