"""Ties in the allocation (pure): entries with the same rank share what the places (or the
purse) they occupy pay; leftover minor units go to the entries listed first (the public order:
rank, then the entry submitted first); rules that do not pay by rank ignore it. And the integer
arithmetic gives exactly what exact fractions give."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.awards.allocation import Outcome, Target, allocate, apportion, improvement, split_equally
from app.challenges.enums import Direction
from app.challenges.schemas import PrizeRules

D = Decimal
TARGETS = {"water": Target("water", Direction.AT_LEAST, D("1000"), "water delivered", "m³",
                           D("1000"))}


def rules(award: dict[str, Any], purse: int = 100_000) -> PrizeRules:
    return PrizeRules.model_validate({"purse": {"amount_minor": purse, "currency": "USD"},
                                      "award": award})


def ok(n: int, rank: int | None, water: str = "1500") -> Outcome:
    return Outcome(n, rank, True, {"water": D(water)}, {"water": True})


def missed(n: int, rank: int | None) -> Outcome:
    return Outcome(n, rank, False, {"water": D("900")}, {"water": False})


def amounts(plan: Any) -> list[tuple[int, int]]:
    return [(a.entry, a.amount_minor) for a in plan.allocations]


def test_two_tied_for_second_share_places_two_and_three() -> None:
    plan = allocate(rules({"type": "ranked", "places": [50_000, 30_000, 20_001]}, 100_001),
                    [ok(1, 1), ok(2, 2), ok(3, 2), ok(4, 4)], TARGETS)
    # 30,000 + 20,001 = 50,001 between two: 25,001 to the one listed first, 25,000
    assert amounts(plan) == [(1, 50_000), (2, 25_001), (3, 25_000), (4, 0)]
    assert plan.allocations[1].reason == (
        "places 2–3 (USD 500.01 together) shared equally by 2 entries tied at rank 2")
    assert plan.allocations[3].reason == "ranked 4, and the prize rules pay 3 places"


def test_when_the_places_run_out_within_a_tie_the_tied_share_what_remains() -> None:
    plan = allocate(rules({"type": "ranked", "places": [50_000, 30_000, 20_000]}),
                    [ok(1, 1), ok(2, 2), ok(3, 3), ok(4, 3), ok(5, 3)], TARGETS)
    assert amounts(plan) == [(1, 50_000), (2, 30_000), (3, 6_667), (4, 6_667), (5, 6_666)]
    assert plan.allocations[2].reason == (
        "place 3 (USD 200.00) shared equally by 3 entries tied at rank 3")
    assert plan.total_minor == 100_000


def test_a_tie_for_first_shares_all_the_places_it_covers() -> None:
    plan = allocate(rules({"type": "ranked", "places": [60_000, 40_000]}),
                    [ok(7, 1), ok(3, 1), ok(5, 1)], TARGETS)
    # listed order is kept within the rank (it is the public one), whatever the entry ids
    assert amounts(plan) == [(7, 33_334), (3, 33_333), (5, 33_333)]


def test_entries_that_did_not_pass_verification_occupy_no_place() -> None:
    plan = allocate(rules({"type": "ranked", "places": [50_000, 30_000, 20_000]}),
                    [missed(1, 1), ok(2, 2), missed(3, 2), ok(4, 2), ok(5, 5)], TARGETS)
    # 2 and 4 are the verified entries tied at rank 2: they occupy places 1 and 2
    assert amounts(plan) == [(1, 0), (2, 40_000), (3, 0), (4, 40_000), (5, 20_000)]
    assert plan.allocations[1].reason == (
        "places 1–2 (USD 800.00 together) shared equally by 2 entries tied at rank 2")
    assert plan.allocations[4].reason == (
        "place 3 among the verified entries (judging rank 5)")
    assert plan.allocations[2].reason == "water delivered 900 m³, needed ≥ 1000 m³"


def test_outcomes_are_put_in_rank_order_keeping_the_given_order_within_a_rank() -> None:
    plan = allocate(rules({"type": "ranked", "places": [3]}),
                    [ok(9, 2), ok(8, 1), ok(7, 1), ok(6, None), ok(5, 2)], TARGETS)
    assert [a.entry for a in plan.allocations] == [8, 7, 9, 5, 6]
    assert amounts(plan)[:2] == [(8, 2), (7, 1)]  # the leftover unit: the first listed


def test_by_rank_a_tie_at_the_edge_of_the_purse_shares_what_is_left() -> None:
    award = {"type": "threshold", "amount_per_solution": 40_000, "overflow": "by_rank"}
    plan = allocate(rules(award), [ok(1, 1), ok(2, 2), ok(3, 2), ok(4, 2), ok(5, 5)], TARGETS)
    # 60,000 left after the first, among three tied: 20,000 each, none beyond
    assert amounts(plan) == [(1, 40_000), (2, 20_000), (3, 20_000), (4, 20_000), (5, 0)]
    assert plan.allocations[2].reason == (
        "3 entries tied at rank 2 share equally what was left of the purse (USD 600.00)")
    assert plan.allocations[4].reason == "the purse was spent on better-ranked entries"
    funded = allocate(rules(award, purse=100_001), [ok(1, 1), ok(2, 1), ok(3, 3)], TARGETS)
    assert amounts(funded) == [(1, 40_000), (2, 40_000), (3, 20_001)]
    assert funded.allocations[2].reason == (
        "what was left of the purse (USD 200.01) after better-ranked entries were paid in full")


def test_an_equal_share_below_one_minor_unit_says_so() -> None:
    award = {"type": "threshold", "amount_per_solution": 2, "overflow": "by_rank"}
    plan = allocate(rules(award, purse=5), [ok(1, 1), ok(2, 1), ok(3, 3), ok(4, 3)], TARGETS)
    assert amounts(plan) == [(1, 2), (2, 2), (3, 1), (4, 0)]
    assert plan.allocations[3].reasons[-1] == (
        "its equal share is less than one minor unit, and the units left over went to the "
        "entries listed before it")


def test_pro_rata_leftovers_go_to_the_first_listed() -> None:
    award = {"type": "threshold", "amount_per_solution": 50_000, "overflow": "pro_rata"}
    plan = allocate(rules(award), [ok(1, 3), ok(2, 1), ok(3, 2)], TARGETS)
    assert amounts(plan) == [(2, 33_334), (3, 33_333), (1, 33_333)]


@given(st.permutations([1, 1, 2, 2, 2, 5]))
def test_milestones_per_unit_and_pools_do_not_depend_on_rank(ranks: list[int]) -> None:
    """Only who gets a leftover unit could follow the order; these splits leave none."""
    waters = ["1200", "2000", "1500", "1000", "3000", "1750"]
    outcomes = [ok(n, r, w) for n, (r, w) in enumerate(zip(ranks, waters, strict=True), 1)]
    expected = {
        "milestone": dict.fromkeys(range(1, 7), 10_000),
        "per_unit": {1: 2_000, 2: 10_000, 3: 5_000, 4: 0, 5: 20_000, 6: 7_500},
        # 104,500 in proportion to 10,450 m³ in all: 10 per m³
        "pool": {1: 12_000, 2: 20_000, 3: 15_000, 4: 10_000, 5: 30_000, 6: 17_500}}
    for award in ({"type": "milestone", "milestones": [
                      {"name": "Water", "targets": ["water"], "amount": 60_000}]},
                  {"type": "per_unit", "unit_target": "water", "rate_minor_per_unit": "10"},
                  {"type": "pool", "pool_minor": 104_500, "share_target": "water"}):
        plan = allocate(rules(award, purse=200_000), outcomes, TARGETS)
        assert {a.entry: a.amount_minor for a in plan.allocations} == expected[award["type"]]


# ---- integer arithmetic: exactly what exact fractions give -------------------------------------

def apportion_by_fractions(total: int, weights: list[Decimal]) -> list[int]:
    """The former implementation, with Fractions (the reference)."""
    exact_weights = [max(Fraction(w), Fraction(0)) for w in weights]
    whole = sum(exact_weights)
    if whole == 0:
        exact_weights, whole = [Fraction(1)] * len(weights), Fraction(len(weights))
    exact = [Fraction(total) * w / whole for w in exact_weights]
    shares = [math.floor(x) for x in exact]
    left = total - sum(shares)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return shares


WEIGHTS = st.lists(st.one_of(
    st.decimals(D("-50"), D("100000"), places=4),
    st.decimals(D("0"), D("1E+12"), places=0),
    st.sampled_from([D("0"), D("0.1"), D("0.125"), D("1E-10"), D("2.50")])),
    min_size=1, max_size=25)


@given(st.integers(0, 10**15), WEIGHTS)
def test_apportion_with_integers_equals_apportion_with_fractions(
        total: int, weights: list[Decimal]) -> None:
    assert apportion(total, weights) == apportion_by_fractions(total, weights)


def test_apportion_takes_integers_fractions_and_decimals_alike() -> None:
    assert apportion(10, [Fraction(1, 3), D("0.5"), 0]) == [4, 6, 0]
    assert split_equally(10, 4) == [3, 3, 2, 2] and split_equally(0, 2) == [0, 0]


@given(st.decimals(D("-1000"), D("1000000"), places=6), st.decimals(D("-1000"), D("1000"),
                                                                  places=4),
       st.decimals(D("0.0001"), D("100000"), places=4), st.sampled_from(list(Direction)))
def test_per_unit_amounts_equal_the_exact_floor(measured: Decimal, baseline: Decimal,
                                                 rate: Decimal, direction: Direction) -> None:
    target = Target("water", direction, baseline)
    exact = (Fraction(measured) - Fraction(baseline)) * (1 if direction == Direction.AT_LEAST
                                                        else -1)
    assert improvement(target, measured) == max(exact, Fraction(0))
    award = {"type": "per_unit", "unit_target": "water", "rate_minor_per_unit": str(rate)}
    [allocation] = allocate(rules(award, purse=10**15), [ok(1, 1, str(measured))],
                            {"water": target}).allocations
    assert allocation.amount_minor == math.floor(max(exact, Fraction(0)) * Fraction(rate))
