"""Awards that explain themselves (pure): every shortlisted entry gets an allocation, and its
reasons say in words, with money and units written out, why it gets what it gets; the
reasons translate; the rounding rules are stated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.awards import explain
from app.awards.allocation import Allocation, Outcome, Target, allocate
from app.challenges.enums import Direction
from app.challenges.prize_text import format_rate, rounding_rules
from app.challenges.schemas import PrizeRules
from app.i18n.translate import Translatable, translate_message, use_locale

D = Decimal
CO2 = Target("co2", Direction.AT_LEAST, D("20"), "CO₂ avoided", "t", D("100"))
MAIZE = Target("maize", Direction.AT_LEAST, None, "maize treated", "%", D("70"), required=False)
TARGETS = {"co2": CO2, "maize": MAIZE}


def rules(award: dict[str, Any], purse: int = 100_000_000, **extra: Any) -> PrizeRules:
    return PrizeRules.model_validate({"purse": {"amount_minor": purse, "currency": "USD"},
                                      "award": award, **extra})


def entry(n: int, rank: int | None, co2: str | None = None, maize: str | None = None,
          status: str = "") -> Outcome:
    measured = {k: D(v) for k, v in (("co2", co2), ("maize", maize)) if v is not None}
    met = {k: v >= TARGETS[k].threshold for k, v in measured.items()}  # type: ignore[operator]
    return Outcome(n, rank, bool(met.get("co2")), measured, met, status)


def reasons(plan: Any) -> dict[int, str]:
    return {a.entry: a.reason for a in plan.allocations}


def test_the_allocation_shape() -> None:
    a = Allocation(entry=7, amount_minor=1_000, held_back_minor=100,
                   reasons=("place 1", "a second reason"))
    assert (a.reason, a.paid_now_minor) == ("place 1; a second reason", 900)


def test_every_outcome_gets_an_allocation_with_its_reasons() -> None:
    plan = allocate(rules({"type": "ranked", "places": [5_000_000]}),
                    [entry(1, 1, "150"), entry(2, 2, "99.9"), entry(3, 3)], TARGETS)
    assert [(a.entry, a.amount_minor) for a in plan.allocations] == [
        (1, 5_000_000), (2, 0), (3, 0)]
    assert all(isinstance(r, Translatable) for a in plan.allocations for r in a.reasons)


def test_a_zero_award_names_the_missed_target_with_its_value_and_threshold() -> None:
    plan = allocate(rules({"type": "threshold", "amount_per_solution": 1_000,
                           "overflow": "pro_rata"}),
                    [entry(1, 1, "99.9"), entry(2, 2), entry(3, 3, maize="90")], TARGETS)
    got = reasons(plan)
    assert got[1] == "CO₂ avoided 99.9 t, needed ≥ 100 t"
    assert got[2] == ("its outcomes were not all attested before verification closed "
                      "(not attested: CO₂ avoided)")
    assert got[3] == got[2]


def test_an_at_most_target_missed_reads_with_its_sign() -> None:
    cost = Target("cost", Direction.AT_MOST, None, "cost per kWh", "USD", D("0.25"))
    outcome = Outcome(1, 1, False, {"cost": D("0.3000")}, {"cost": False}, "not_met")
    plan = allocate(rules({"type": "ranked", "places": [1_000]}), [outcome], {"cost": cost})
    assert plan.allocations[0].reason == "cost per kWh 0.3 USD, needed ≤ 0.25 USD"


def test_the_quality_gate_is_named_with_its_value() -> None:
    award = {"type": "per_unit", "unit_target": "co2", "rate_minor_per_unit": "1250",
             "quality_gate_target": "maize", "cap_per_solver_minor": 60_000_000}
    plan = allocate(rules(award), [entry(1, 1, "120", "65"), entry(2, 2, "130")], TARGETS)
    got = reasons(plan)
    assert got[1] == "quality gate not met: maize treated 65 %, needed ≥ 70 %"
    assert got[2] == "quality gate not attested: maize treated, needed ≥ 70 %"


def test_per_unit_reasons_write_the_rate_and_the_caps_as_money() -> None:
    award = {"type": "per_unit", "unit_target": "co2", "rate_minor_per_unit": "1250",
             "quality_gate_target": "maize", "cap_per_solver_minor": 60_000_000,
             "overall_cap_minor": 80_000_000}
    plan = allocate(rules(award), [entry(1, 1, "60020", "80"), entry(2, 2, "40020", "75")],
                    TARGETS)
    got = reasons(plan)
    assert got[1] == (
        "CO₂ avoided improved by 60000 t over the baseline (20 t), paid at USD 12.50 per t, "
        "rounded down; limited by the cap USD 600,000.00 per solver; scaled down in "
        "proportion: the earnings together (USD 1,100,000.00) exceed the overall cap "
        "USD 800,000.00")
    assert all("minor unit" not in reason for reason in got.values())
    # a baseline above the threshold: verified, yet no better than before
    above = {**TARGETS, "co2": Target("co2", Direction.AT_LEAST, D("180"), "CO₂ avoided", "t",
                                      D("100"))}
    plan = allocate(rules(award), [entry(3, 3, "150", "90")], above)
    assert reasons(plan)[3] == "no improvement over the baseline: CO₂ avoided 150 t, baseline 180 t"
    assert format_rate(D("12.5"), "USD") == "USD 0.125" and format_rate(D("5"), "JPY") == "JPY 5"


def test_a_per_unit_amount_that_rounds_to_nothing_says_so() -> None:
    award = {"type": "per_unit", "unit_target": "co2", "rate_minor_per_unit": "0.5"}
    plan = allocate(rules(award), [entry(1, 1, "101")], TARGETS)
    assert plan.allocations[0].amount_minor == 40  # 81 t x 0.5
    plan = allocate(rules(award), [Outcome(1, 1, True, {"co2": D("21.5")}, {"co2": True})],
                    TARGETS)
    assert plan.allocations[0].reason == (
        "CO₂ avoided improved by 1.5 t, which at USD 0.005 per t rounds down to nothing")


def test_ranked_entries_beyond_the_places_are_told_so() -> None:
    plan = allocate(rules({"type": "ranked", "places": [3_000, 2_000, 1_000]}),
                    [entry(n, n, "150") for n in range(1, 5)], TARGETS)
    assert reasons(plan)[4] == "ranked 4, and the prize rules pay 3 places"
    one = allocate(rules({"type": "ranked", "places": [3_000]}),
                   [entry(1, 1, "99"), entry(2, 2, "150"), entry(3, 3, "150")], TARGETS)
    assert reasons(one)[3] == ("place 2 among the verified entries (judging rank 3), and the "
                               "prize rules pay only 1 place")


def test_milestone_entries_are_told_which_targets_a_milestone_needs() -> None:
    award = {"type": "milestone", "milestones": [
        {"name": "Half way", "targets": ["co2"], "amount": 30_000},
        {"name": "Quality", "targets": ["co2", "maize"], "amount": 60_000}]}
    plan = allocate(rules(award), [entry(1, 1, "150", "80"), entry(2, 2, "99.9", "80"),
                                   entry(3, 3, "120")], TARGETS)
    got = reasons(plan)
    assert got[1] == ("milestone “Half way” (USD 300.00) shared equally by 2 entries; "
                      "milestone “Quality” (USD 600.00)")
    assert got[2] == ("milestone “Half way” needs CO₂ avoided ≥ 100 t; attested 99.9 t; "
                      "milestone “Quality” needs CO₂ avoided ≥ 100 t; attested 99.9 t")
    assert got[3] == "milestone “Half way” (USD 300.00) shared equally by 2 entries"


def test_pool_reasons_name_the_quantities_and_a_share_rounding_to_zero() -> None:
    award = {"type": "pool", "pool_minor": 3, "share_target": "co2"}
    plan = allocate(rules(award), [entry(1, 1, "1000"), entry(2, 2, "1000"),
                                   entry(3, 3, "100"), entry(4, 4, "100")], TARGETS)
    assert [a.amount_minor for a in plan.allocations] == [2, 1, 0, 0]
    got = reasons(plan)
    assert got[1] == "share of the pool (USD 0.03) in proportion to CO₂ avoided: 1000 t of 2200 t"
    assert got[4].endswith("its share rounds down to zero, and the units left over went to "
                           "the shares with larger remainders")
    negative = Outcome(5, 5, True, {"co2": D("-3")}, {"co2": True})
    plan = allocate(rules({"type": "pool", "pool_minor": 90, "share_target": "co2"}),
                    [entry(1, 1, "100"), negative], TARGETS)
    assert reasons(plan)[5] == "CO₂ avoided -3 t gives no share of the pool"


def test_nothing_in_any_reason_is_in_minor_units() -> None:
    plan = allocate(rules({"type": "threshold", "amount_per_solution": 40_000_000,
                           "overflow": "by_rank"}),
                    [entry(n, n, "150") for n in range(1, 5)], TARGETS)
    got = reasons(plan)
    assert got[1] == "USD 400,000.00 per solution, paid in full by rank while the purse lasted"
    assert got[3] == ("what was left of the purse (USD 200,000.00) after better-ranked entries "
                      "were paid in full")
    assert got[4] == "the purse was spent on better-ranked entries"


def test_reasons_translate_into_chinese() -> None:
    plan = allocate(rules({"type": "ranked", "places": [3_000, 2_000]}),
                    [entry(1, 1, "150"), entry(2, 1, "150"), entry(3, 3, "99.9"),
                     entry(4, 4, "150")], TARGETS)
    with use_locale("zh-Hans"):
        chinese = [translate_message(r) for a in plan.allocations for r in a.reasons]
    english = [r for a in plan.allocations for r in a.reasons]
    assert all(c != e for c, e in zip(chinese, english, strict=True))
    assert "USD 50.00" in chinese[0] and "99.9 t" in chinese[2]


@pytest.mark.parametrize("award", [
    {"type": "ranked", "places": [1_000]},
    {"type": "threshold", "amount_per_solution": 1_000, "overflow": "pro_rata"},
    {"type": "threshold", "amount_per_solution": 1_000, "overflow": "by_rank"},
    {"type": "milestone", "milestones": [{"name": "A", "targets": ["co2"], "amount": 1_000}]},
    {"type": "per_unit", "unit_target": "co2", "rate_minor_per_unit": "12.5"},
    {"type": "pool", "pool_minor": 1_000, "share_target": "co2"}])
def test_rounding_is_stated_for_every_rule_and_translates(award: dict[str, Any]) -> None:
    said = rounding_rules(rules(award, holdback={"basis_points": 1250, "delay_days": 90}))
    text = " ".join(said)
    assert "USD 0.01" in text and "rounded down" in text
    assert "The part held back (12.5%) is rounded down to the minor unit" in text
    if award["type"] in ("ranked", "threshold", "milestone"):
        assert "go one each to the entries listed first: by rank, then the entry submitted " \
               "earlier" in text
    else:
        assert "largest remainders" in text
    with use_locale("zh-Hans"):
        assert all(translate_message(s) != s for s in said)
    assert explain.rounding_rules is rounding_rules


def test_the_tie_rule_is_stated() -> None:
    ranked = {"type": "ranked", "places": [1_000]}
    assert "share equally the places they occupy" in " ".join(rounding_rules(rules(ranked)))
    by_criterion = rules(ranked, ties={"rule": "criterion", "criterion": "Impact"})
    assert "mean score on “Impact”" in " ".join(rounding_rules(by_criterion))
