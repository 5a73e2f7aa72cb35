"""Who is paid what: the frozen prize rules applied to the verified outcomes (pure, exact).

Every amount is a whole number of minor units. A share is computed as an exact fraction and
rounded down; the minor units that rounding leaves go one each to the largest remainders (ties
to the better judging rank), so a split adds up to exactly what is shared, never to more.
Nothing here reads a database: the awards service gathers the outcomes and stores the plan.

What each award type pays (a "verified" entry has every required target attested and met):
- ranked: the places, in order, to the verified entries in judging's order;
- threshold: the amount to each verified entry; when they outnumber the purse, the purse is
  shared equally (`pro_rata`) or paid in full amounts in judging's order until spent (`by_rank`,
  the last one paid gets what is left);
- milestone: each milestone's amount is shared equally by the entries whose attested outcomes
  meet every one of its targets (milestones pay partial success, so overall status is not needed);
- per_unit: verified entries that also meet the quality-gate target earn the rate for every unit
  of improvement on the unit target over its baseline (above it for an at-least target, below it
  for an at-most one), rounded down, up to the cap per solver; above the overall cap (the purse by
  default) the earnings are scaled down in proportion;
- pool: the pool is shared by the verified entries in proportion to their attested value of the
  share target (negative values count as zero; all zero: equal shares).
A holdback keeps `basis_points` of each award back (rounded down) for a later persistence check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.challenges.enums import Direction
from app.challenges.schemas import (
    MilestoneAward,
    PerUnitAward,
    PoolAward,
    PrizeRules,
    RankedAward,
    ThresholdAward,
)
from app.i18n.translate import N_
from app.kit.money import format_money


@dataclass(frozen=True)
class Outcome:
    """One shortlisted entry: its judging rank and what verification attested."""

    entry: int
    rank: int | None  # 1 = best in judging
    verified: bool
    measured: Mapping[str, Decimal]  # target key -> attested value
    met: Mapping[str, bool]  # target key -> the attested value meets the target


@dataclass(frozen=True)
class Target:
    key: str
    direction: Direction
    baseline: Decimal | None = None


@dataclass(frozen=True)
class Allocation:
    entry: int
    amount_minor: int
    held_back_minor: int
    reason: str

    @property
    def paid_now_minor(self) -> int:
        return self.amount_minor - self.held_back_minor


@dataclass(frozen=True)
class AwardPlan:
    currency: str
    purse_minor: int
    allocations: tuple[Allocation, ...]  # judging's order; entries awarded nothing are left out

    @property
    def total_minor(self) -> int:
        return sum(a.amount_minor for a in self.allocations)

    @property
    def unallocated_minor(self) -> int:
        return self.purse_minor - self.total_minor


def apportion(total: int, weights: Sequence[Fraction | Decimal | int]) -> list[int]:
    """`total` minor units split in proportion to `weights` (largest remainder; ties go to the
    earlier weight). All weights zero (or none positive): equal shares."""
    if total < 0:
        raise ValueError("cannot share a negative amount")
    if not weights:
        return []
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


def improvement(target: Target, measured: Decimal) -> Fraction:
    """Units of improvement over the baseline (zero when worse)."""
    baseline = Fraction(target.baseline or 0)
    value = Fraction(measured)
    gained = value - baseline if target.direction == Direction.AT_LEAST else baseline - value
    return max(gained, Fraction(0))


def allocate(rules: PrizeRules, outcomes: Sequence[Outcome],
             targets: Mapping[str, Target]) -> AwardPlan:
    ordered = sorted(outcomes, key=lambda o: (o.rank is None, o.rank or 0, o.entry))
    verified = [o for o in ordered if o.verified]
    purse, currency = rules.purse.amount_minor, rules.purse.currency
    earned: dict[int, list[tuple[int, str]]] = {}

    def pay(outcome: Outcome, amount: int, reason: str) -> None:
        if amount > 0:
            earned.setdefault(outcome.entry, []).append((amount, reason))

    award = rules.award
    if isinstance(award, RankedAward):
        for place, (outcome, amount) in enumerate(zip(verified, award.places, strict=False), 1):
            pay(outcome, amount, f"place {place}")
    elif isinstance(award, ThresholdAward):
        full = award.amount_per_solution
        if full * len(verified) <= purse:
            for outcome in verified:
                pay(outcome, full, N_("every required target met"))
        elif award.overflow.value == "pro_rata":
            for outcome, share in zip(verified, apportion(purse, [1] * len(verified)),
                                      strict=True):
                pay(outcome, share, f"{len(verified)} solutions share the purse "
                                    f"({format_money(purse, currency)}) equally")
        else:
            remaining = purse
            for outcome in verified:
                amount = min(full, remaining)
                pay(outcome, amount, N_("paid by rank until the purse is spent"))
                remaining -= amount
    elif isinstance(award, MilestoneAward):
        for milestone in award.milestones:
            reached = [o for o in ordered if all(o.met.get(k) for k in milestone.targets)]
            for outcome, share in zip(reached, apportion(milestone.amount, [1] * len(reached)),
                                      strict=True):
                pay(outcome, share, f"milestone “{milestone.name}”"
                                    + (f" shared by {len(reached)}" if len(reached) > 1 else ""))
    elif isinstance(award, PerUnitAward):
        for outcome, amount, reason in _per_unit(award, verified, targets, purse):
            pay(outcome, amount, reason)
    elif isinstance(award, PoolAward):
        quantities = [Fraction(o.measured.get(award.share_target, Decimal(0)))
                      for o in verified]
        for outcome, share in zip(verified, apportion(award.pool_minor, quantities),
                                  strict=True):
            pay(outcome, share, f"share of the pool by {award.share_target}")
    basis_points = rules.holdback.basis_points if rules.holdback else 0
    allocations = tuple(
        Allocation(o.entry, total, total * basis_points // 10_000,
                   "; ".join(reason for _, reason in earned[o.entry]))
        for o in ordered if o.entry in earned
        for total in [sum(amount for amount, _ in earned[o.entry])])
    plan = AwardPlan(currency, purse, allocations)
    if plan.total_minor > purse:  # the rules checked on approval make this impossible
        raise AssertionError(f"awards {plan.total_minor} exceed the purse {purse}")
    return plan


def _per_unit(award: PerUnitAward, verified: Sequence[Outcome], targets: Mapping[str, Target],
              purse: int) -> list[tuple[Outcome, int, str]]:
    gate = award.quality_gate_target
    unit_target = targets[award.unit_target]
    rate = Fraction(award.rate_minor_per_unit)
    earners: list[tuple[Outcome, int]] = []
    for outcome in verified:
        value = outcome.measured.get(award.unit_target)
        if value is None or (gate is not None and not outcome.met.get(gate)):
            continue
        amount = math.floor(improvement(unit_target, value) * rate)
        if award.cap_per_solver_minor is not None:
            amount = min(amount, award.cap_per_solver_minor)
        earners.append((outcome, amount))
    reason = f"{award.rate_minor_per_unit} minor units per unit of {award.unit_target} gained"
    cap = award.overall_cap_minor or purse
    amounts = [amount for _, amount in earners]
    if sum(amounts) > cap:
        amounts = apportion(cap, amounts)
        reason += f", scaled down to the overall cap of {cap} minor units"
    return [(outcome, amount, reason)
            for (outcome, _), amount in zip(earners, amounts, strict=True)]
