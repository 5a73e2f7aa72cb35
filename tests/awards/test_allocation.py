"""Award allocation (pure): each award type on worked examples, and the properties every plan
keeps whatever the outcomes: exact integers, never above the purse, shares within one minor
unit of their exact value, holdbacks rounded down."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.awards.allocation import Outcome, Target, allocate, apportion
from app.challenges.enums import Direction
from app.challenges.schemas import PrizeRules

D = Decimal
TARGETS = {"water": Target("water", Direction.AT_LEAST, D("1000")),
           "cost": Target("cost", Direction.AT_MOST, D("0.20"))}


def rules(award: dict[str, Any], purse: int = 100_000, holdback: int | None = None) -> PrizeRules:
    body: dict[str, Any] = {"purse": {"amount_minor": purse, "currency": "USD"}, "award": award}
    if holdback:
        body["holdback"] = {"basis_points": holdback, "delay_days": 180}
    return PrizeRules.model_validate(body)


def entry(n: int, *, rank: int | None = None, verified: bool = True, water: str | None = None,
          cost: str | None = None, cost_met: bool | None = None) -> Outcome:
    measured = {k: D(v) for k, v in (("water", water), ("cost", cost)) if v is not None}
    met = {"water": verified}
    if cost is not None:
        met["cost"] = cost_met if cost_met is not None else D(cost) <= D("0.05")
    return Outcome(n, rank if rank is not None else n, verified, measured, met)


def paid(plan: Any) -> dict[int, int]:
    """Who is paid something (every outcome has an allocation, zero ones included)."""
    return {a.entry: a.amount_minor for a in plan.allocations if a.amount_minor}


def test_apportion_adds_up_exactly_and_gives_leftover_units_to_the_largest_remainders() -> None:
    assert apportion(100, [1, 1, 1]) == [34, 33, 33]
    assert apportion(10, [D("2.5"), D("7.5")]) == [3, 7]  # 2.5 / 7.5: the tie goes to the first
    assert apportion(7, [0, 0]) == [4, 3]  # nothing to weigh: equal shares
    assert apportion(0, [3, 4]) == [0, 0] and apportion(5, []) == []
    with pytest.raises(ValueError, match="negative"):
        apportion(-1, [1])


def test_ranked_places_go_to_verified_entries_in_judging_order() -> None:
    plan = allocate(rules({"type": "ranked", "places": [50_000, 30_000, 20_000]}),
                    [entry(1, verified=False), entry(2), Outcome(3, None, True, {}, {}), entry(4)],
                    TARGETS)
    assert paid(plan) == {2: 50_000, 4: 30_000, 3: 20_000}  # unranked comes last
    assert [a.entry for a in plan.allocations] == [1, 2, 4, 3]  # every entry, in rank order
    assert [a.reason for a in plan.allocations if a.amount_minor] == [
        "place 1 among the verified entries (judging rank 2)",
        "place 2 among the verified entries (judging rank 4)", "place 3"]
    fewer = allocate(rules({"type": "ranked", "places": [50_000, 30_000]}), [entry(1)], TARGETS)
    assert paid(fewer) == {1: 50_000} and fewer.unallocated_minor == 50_000


def test_threshold_pays_each_verified_entry_and_shares_an_overflowing_purse() -> None:
    base = {"type": "threshold", "amount_per_solution": 40_000}
    two = [entry(1), entry(2), entry(3, verified=False)]
    assert paid(allocate(rules({**base, "overflow": "pro_rata"}), two, TARGETS)) == {
        1: 40_000, 2: 40_000}
    three = [entry(1), entry(2), entry(3)]
    assert paid(allocate(rules({**base, "overflow": "pro_rata"}), three, TARGETS)) == {
        1: 33_334, 2: 33_333, 3: 33_333}
    assert paid(allocate(rules({**base, "overflow": "by_rank"}), three, TARGETS)) == {
        1: 40_000, 2: 40_000, 3: 20_000}


def test_milestones_are_shared_by_the_entries_that_reach_them() -> None:
    award = {"type": "milestone", "milestones": [
        {"name": "Water", "targets": ["water"], "amount": 60_000},
        {"name": "Water and cheap", "targets": ["water", "cost"], "amount": 40_000}]}
    outcomes = [entry(1, water="1200", cost="0.04"), entry(2, water="1500", cost="0.09"),
                entry(3, verified=False, water="800")]
    plan = allocate(rules(award), outcomes, TARGETS)
    assert paid(plan) == {1: 30_000 + 40_000, 2: 30_000}
    assert plan.allocations[0].reason == (
        "milestone “Water” (USD 600.00) shared equally by 2 entries; "
        "milestone “Water and cheap” (USD 400.00)")


def test_per_unit_pays_the_improvement_over_the_baseline_with_both_caps() -> None:
    award = {"type": "per_unit", "unit_target": "water", "rate_minor_per_unit": "12.5",
             "quality_gate_target": "cost", "cap_per_solver_minor": 30_000}
    outcomes = [entry(1, water="3000.9", cost="0.05"),  # 2000.9 units -> 25,011.25 -> 25,011
                entry(2, water="9000", cost="0.01"),  # 8000 units -> 100,000 -> capped 30,000
                entry(3, water="5000", cost="0.07", cost_met=False)]  # fails the gate
    assert paid(allocate(rules(award), outcomes, TARGETS)) == {1: 25_011, 2: 30_000}
    capped = allocate(rules({**award, "overall_cap_minor": 44_000}), outcomes, TARGETS)
    assert paid(capped) == {1: 20_005, 2: 23_995}  # 55,011 scaled to 44,000, exactly
    assert capped.total_minor == 44_000 and "overall cap" in capped.allocations[0].reason


def test_per_unit_on_an_at_most_target_pays_the_reduction() -> None:
    award = {"type": "per_unit", "unit_target": "cost", "rate_minor_per_unit": "1000"}
    outcomes = [entry(1, cost="0.05"), entry(2, cost="0.30")]  # 0.15 below the baseline; above
    assert paid(allocate(rules(award), outcomes, TARGETS)) == {1: 150}


def test_the_pool_is_shared_in_proportion_to_the_attested_quantity() -> None:
    award = {"type": "pool", "pool_minor": 90_000, "share_target": "water"}
    outcomes = [entry(1, water="1000"), entry(2, water="2000.5"), entry(3, verified=False,
                                                                       water="9000")]
    # 90,000 x 1000 / 3000.5 = 29,995.0008...; the leftover unit goes to the larger remainder
    assert paid(allocate(rules(award), outcomes, TARGETS)) == {1: 29_995, 2: 60_005}


def test_a_holdback_keeps_part_of_each_award_rounded_down() -> None:
    plan = allocate(rules({"type": "ranked", "places": [33_333]}, holdback=2_000),
                    [entry(1)], TARGETS)
    [award] = plan.allocations
    assert (award.amount_minor, award.held_back_minor, award.paid_now_minor) == (
        33_333, 6_666, 26_667)


AWARDS = st.one_of(
    st.builds(lambda p: {"type": "ranked", "places": p},
              st.lists(st.integers(1, 20_000), min_size=1, max_size=5)),
    st.builds(lambda a, o: {"type": "threshold", "amount_per_solution": a, "overflow": o},
              st.integers(1, 100_000), st.sampled_from(["pro_rata", "by_rank"])),
    st.builds(lambda a, b: {"type": "milestone", "milestones": [
        {"name": "A", "targets": ["water"], "amount": a},
        {"name": "B", "targets": ["water", "cost"], "amount": b}]},
        st.integers(1, 50_000), st.integers(1, 50_000)),
    st.builds(lambda r, c, o: {"type": "per_unit", "unit_target": "water",
                               "rate_minor_per_unit": str(r), "cap_per_solver_minor": c,
                               "overall_cap_minor": o},
              st.decimals(D("0.001"), D("500"), places=3), st.one_of(st.none(),
                                                                     st.integers(1, 50_000)),
              st.one_of(st.none(), st.integers(50_000, 100_000))),
    st.builds(lambda p: {"type": "pool", "pool_minor": p, "share_target": "water"},
              st.integers(1, 100_000)),
)
OUTCOMES = st.lists(st.builds(
    lambda n, v, w, c: entry(n, verified=v, water=w, cost=c),
    st.integers(1, 10_000), st.booleans(),
    st.one_of(st.none(), st.decimals(D("-100"), D("100000"), places=4).map(str)),
    st.one_of(st.none(), st.decimals(D("0"), D("1"), places=3).map(str))),
    max_size=12, unique_by=lambda o: o.entry)


@given(AWARDS, OUTCOMES, st.one_of(st.none(), st.integers(1, 10_000)))
def test_every_plan_is_exact_and_within_the_purse(award: dict[str, Any], outcomes: list[Outcome],
                                                   holdback: int | None) -> None:
    plan = allocate(rules(award, purse=100_000, holdback=holdback), outcomes, TARGETS)
    assert 0 <= plan.total_minor <= 100_000
    assert plan.total_minor + plan.unallocated_minor == 100_000
    assert [a.entry for a in plan.allocations] == [
        o.entry for o in sorted(outcomes, key=lambda o: (o.rank is None, o.rank or 0))]
    for a in plan.allocations:
        assert isinstance(a.amount_minor, int) and a.amount_minor >= 0
        assert a.held_back_minor == a.amount_minor * (holdback or 0) // 10_000
        assert a.reasons and all(r.strip() for r in a.reasons)  # every award says why
        assert "minor units" not in a.reason
    awarded = {a.entry for a in plan.allocations if a.amount_minor}
    if award["type"] != "milestone":
        assert awarded <= {o.entry for o in outcomes if o.verified}


@given(st.integers(0, 10**12), st.lists(st.decimals(D("0"), D("10000"), places=4),
                                        min_size=1, max_size=30))
def test_apportioned_shares_are_within_one_unit_of_exact(total: int,
                                                         weights: list[Decimal]) -> None:
    shares = apportion(total, weights)
    assert sum(shares) == total
    whole = sum(weights) or len(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total) * (Fraction(weight) if sum(weights) else 1) / Fraction(whole)
        assert exact - 1 < share < exact + 1
