"""Who is paid what: the frozen prize rules applied to the verified outcomes (pure, exact).

Every amount is a whole number of minor units, computed with integers only (`arithmetic`). A
share is rounded down; the minor units rounding leaves go one each to the largest remainders,
equal remainders to the entry listed first, so a split adds up to exactly what is shared,
never to more. Nothing here reads a database: the awards service gathers the outcomes and
stores the plan; `app.awards.inputs` recomputes it from a published file.

The outcomes come in public order: judging's rank, and within a rank the entry submitted first
(`allocate` keeps that order, only moving entries to their rank). Entries with the same rank are
tied; the order decides nothing but who gets the leftover minor units of an equal split.

What each award type pays (a "verified" entry has every required target attested and met):
- ranked: the places, in order, to the verified entries by rank; entries tied at a rank share
  equally the sum of the places they occupy (two tied for 2nd share places 2 and 3; when the
  places run out within the tie, they share the places that remain);
- threshold: the amount to each verified entry; when they outnumber the purse, the purse is
  shared equally (`pro_rata`) or paid in full amounts by rank until spent (`by_rank`: the entry,
  or the entries tied, where the purse runs out share what is left equally);
- milestone: each milestone's amount is shared equally by the entries whose attested outcomes
  meet every one of its targets (milestones pay partial success, so overall status is not needed);
- per_unit: verified entries that also meet the quality-gate target earn the rate for every unit
  of improvement on the unit target over its baseline (above it for an at-least target, below it
  for an at-most one), rounded down, up to the cap per solver; above the overall cap (the purse by
  default) the earnings are scaled down in proportion;
- pool: the pool is shared by the verified entries in proportion to their attested value of the
  share target (negative values count as zero; all zero: equal shares).
A holdback keeps `basis_points` of each award back (rounded down) for a later persistence check.
Every shortlisted entry gets an Allocation, zero ones included, with the reasons in words
(`explain`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from app.awards import explain
from app.awards.arithmetic import EXACT, floor_product, gain, no_cycle_collection
from app.awards.arithmetic import apportion as apportion  # re-exported: part of the public API
from app.awards.arithmetic import split_equally as split_equally
from app.challenges.enums import Direction
from app.challenges.prize_text import format_rate
from app.challenges.schemas import (
    MilestoneAward,
    OverflowPolicy,
    PerUnitAward,
    PoolAward,
    PrizeRules,
    RankedAward,
    ThresholdAward,
)
from app.kit.money import format_money
from app.verification.outcomes import OutcomeStatus


@dataclass(frozen=True, slots=True)
class Outcome:
    """One shortlisted entry: its judging rank and what verification attested."""

    entry: int
    rank: int | None  # 1 = best in judging; equal ranks are a tie
    verified: bool
    measured: Mapping[str, Decimal]  # target key -> attested value
    met: Mapping[str, bool]  # target key -> the attested value meets the target
    status: str = ""  # an OutcomeStatus value; "" = worked out from `verified` and `met`


@dataclass(frozen=True, slots=True)
class Target:
    """An outcome target as the prize rules and the reasons need it."""

    key: str
    direction: Direction
    baseline: Decimal | None = None
    metric: str = ""  # what is measured, e.g. "CO₂ avoided" (the key when empty)
    unit: str = ""
    threshold: Decimal | None = None
    required: bool = True


@dataclass(frozen=True, slots=True)
class Allocation:
    entry: int
    amount_minor: int
    held_back_minor: int
    reasons: tuple[str, ...]  # translatable sentences (`app.i18n.translate.translatable`)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    @property
    def paid_now_minor(self) -> int:
        return self.amount_minor - self.held_back_minor


@dataclass(frozen=True)
class AwardPlan:
    currency: str
    purse_minor: int
    allocations: tuple[Allocation, ...]  # every outcome, zero awards included, in public order

    @property
    def total_minor(self) -> int:
        return sum(a.amount_minor for a in self.allocations)

    @property
    def unallocated_minor(self) -> int:
        return self.purse_minor - self.total_minor


def improvement(target: Target, measured: Decimal) -> Decimal:
    """Units of improvement over the baseline (zero when worse), exactly."""
    return gain(target.direction == Direction.AT_LEAST, target.baseline or Decimal(0), measured)


def _rank_key(outcome: Outcome) -> tuple[bool, int]:
    return outcome.rank is None, outcome.rank or 0


def _tie_groups(ordered: Sequence[Outcome]) -> Iterator[list[Outcome]]:
    """Consecutive entries of equal rank (an unranked entry stands alone: it has no score to
    be equal to)."""
    group: list[Outcome] = []
    for outcome in ordered:
        if group and (outcome.rank is None or outcome.rank != group[0].rank):
            yield group
            group = []
        group.append(outcome)
    if group:
        yield group


class _Book:
    """What each entry earns, and why."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.amounts: dict[int, int] = {}
        self.reasons: dict[int, list[str]] = {}
        self._money: dict[int, str] = {}

    def money(self, amount: int) -> str:
        # The same few amounts (a place, a cap, a share) are named in thousands of reasons.
        text = self._money.get(amount)
        if text is None:
            text = self._money[amount] = format_money(amount, self.currency)
        return text

    def note(self, outcome: Outcome, *reasons: str) -> None:
        self.reasons.setdefault(outcome.entry, []).extend(reasons)

    def pay(self, outcome: Outcome, amount: int, *reasons: str, zero: str | None = None) -> None:
        """Record `amount` with its reasons; `zero` is added when a share came to nothing."""
        self.amounts[outcome.entry] = self.amounts.get(outcome.entry, 0) + amount
        self.note(outcome, *reasons)
        if amount == 0 and zero is not None:
            self.note(outcome, zero)

    def share_equally(self, group: Sequence[Outcome], total: int, reason: str) -> None:
        for outcome, share in zip(group, split_equally(total, len(group)), strict=True):
            self.pay(outcome, share, reason, zero=explain.equal_share_rounds_to_zero())


def allocate(rules: PrizeRules, outcomes: Sequence[Outcome],
             targets: Mapping[str, Target]) -> AwardPlan:
    """The awards the rules give `outcomes` (in public order: rank, then earlier submission)."""
    with no_cycle_collection():
        return _allocate(rules, outcomes, targets)


def _allocate(rules: PrizeRules, outcomes: Sequence[Outcome],
              targets: Mapping[str, Target]) -> AwardPlan:
    ordered = sorted(outcomes, key=_rank_key)  # stable: the public order within a rank stays
    if len({o.entry for o in ordered}) != len(ordered):
        raise ValueError("an entry is listed twice")
    purse, currency = rules.purse.amount_minor, rules.purse.currency
    book = _Book(currency)
    award = rules.award
    if not isinstance(award, MilestoneAward):  # milestones pay partial success
        for outcome in ordered:
            if not outcome.verified:
                book.note(outcome, *_not_verified(outcome, targets))
    verified = [o for o in ordered if o.verified]
    if isinstance(award, RankedAward):
        _ranked(award, verified, book)
    elif isinstance(award, ThresholdAward):
        _threshold(award, verified, book, purse)
    elif isinstance(award, MilestoneAward):
        _milestones(award, ordered, book, targets)
    elif isinstance(award, PerUnitAward):
        _per_unit(award, verified, book, targets, purse)
    elif isinstance(award, PoolAward):
        _pool(award, verified, book, targets)
    holdback = rules.holdback
    allocations = []
    for outcome in ordered:
        total = book.amounts.get(outcome.entry, 0)
        reasons = book.reasons.get(outcome.entry) or [explain.nothing_left()]
        # The held-back part has its own figure; the reasons say why the amount is what it is.
        held = total * holdback.basis_points // 10_000 if holdback else 0
        allocations.append(Allocation(outcome.entry, total, held, tuple(reasons)))
    plan = AwardPlan(currency, purse, tuple(allocations))
    if plan.total_minor > purse:  # the rules checked on approval make this impossible
        raise AssertionError(f"awards {plan.total_minor} exceed the purse {purse}")
    return plan


def _target(targets: Mapping[str, Target], key: str) -> Target:
    # A key the rules name but the targets do not (refused on approval) still gets a reason.
    return targets.get(key) or Target(key, Direction.AT_LEAST)


def status_of(outcome: Outcome, targets: Mapping[str, Target]) -> str:
    """The outcome's status as given, else as its `verified` flag and `met` values say."""
    if outcome.status:
        return outcome.status
    if outcome.verified:
        return OutcomeStatus.VERIFIED
    deciding = [t for t in targets.values() if t.required] or list(targets.values())
    if any(outcome.met.get(t.key) is False for t in deciding):
        return OutcomeStatus.NOT_MET
    return OutcomeStatus.PENDING


def _not_verified(outcome: Outcome, targets: Mapping[str, Target]) -> list[str]:
    """What an entry that did not pass verification missed."""
    deciding = [t for t in targets.values() if t.required] or list(targets.values())
    if status_of(outcome, targets) == OutcomeStatus.NOT_MET:
        missed = [explain.missed(t, outcome.measured.get(t.key)) for t in deciding
                  if t.key in outcome.measured and outcome.met.get(t.key) is False]
        return missed or [explain.not_met_fallback()]
    return [explain.not_attested([explain.metric(t) for t in deciding
                                  if t.key not in outcome.measured])]


def _ranked(award: RankedAward, verified: Sequence[Outcome], book: _Book) -> None:
    places = award.places
    taken = 0
    for group in _tie_groups(verified):
        first, taken = taken + 1, taken + len(group)
        paying = places[first - 1:taken]
        if not paying:
            beyond = explain.beyond_places(first, group[0].rank, len(places))  # one per tie
            for outcome in group:
                book.note(outcome, beyond)
        elif len(group) == 1:
            book.pay(group[0], paying[0], explain.place(first, group[0].rank))
        else:
            total = sum(paying)
            book.share_equally(group, total, explain.tied_places(
                first, first + len(paying) - 1, book.money(total), len(group), group[0].rank))


def _threshold(award: ThresholdAward, verified: Sequence[Outcome], book: _Book,
               purse: int) -> None:
    full = award.amount_per_solution
    if full * len(verified) <= purse:
        for outcome in verified:
            book.pay(outcome, full, explain.every_target_met(book.money(full)))
    elif award.overflow == OverflowPolicy.PRO_RATA:
        book.share_equally(verified, purse,
                           explain.purse_shared(len(verified), book.money(purse)))
    else:
        remaining = purse
        for group in _tie_groups(verified):
            if remaining >= full * len(group):
                for outcome in group:
                    book.pay(outcome, full, explain.paid_by_rank(book.money(full)))
                remaining -= full * len(group)
            elif remaining == 0:
                for outcome in group:
                    book.note(outcome, explain.purse_spent())
            else:
                book.share_equally(group, remaining, explain.rest_of_purse(
                    book.money(remaining), len(group), group[0].rank))
                remaining = 0


def _milestones(award: MilestoneAward, ordered: Sequence[Outcome], book: _Book,
                targets: Mapping[str, Target]) -> None:
    for milestone in award.milestones:
        reached = [o for o in ordered if all(o.met.get(k) for k in milestone.targets)]
        if reached:
            book.share_equally(reached, milestone.amount, explain.milestone(
                milestone.name, book.money(milestone.amount), len(reached)))
    # An entry that reached no milestone is told what each one needs that it did not meet.
    for outcome in ordered:
        if outcome.entry not in book.amounts:
            book.note(outcome, *(
                explain.milestone_missed(milestone.name, _target(targets, key),
                                         outcome.measured.get(key))
                for milestone in award.milestones
                for key in milestone.targets if not outcome.met.get(key)))


def _per_unit(award: PerUnitAward, verified: Sequence[Outcome], book: _Book,
              targets: Mapping[str, Target], purse: int) -> None:
    gate = award.quality_gate_target
    unit_target = _target(targets, award.unit_target)
    rate = award.rate_minor_per_unit
    rate_text = format_rate(rate, book.currency)
    cap = award.cap_per_solver_minor
    capped = explain.solver_cap(book.money(cap)) if cap is not None else ""
    earners: list[tuple[Outcome, int, list[str]]] = []
    for outcome in verified:
        if gate is not None and not outcome.met.get(gate):
            book.note(outcome, explain.gate_missed(_target(targets, gate),
                                                   outcome.measured.get(gate)))
            continue
        value = outcome.measured.get(award.unit_target)
        if value is None:
            book.note(outcome, explain.unit_not_attested(unit_target))
            continue
        gained = improvement(unit_target, value)
        if gained == 0:
            book.note(outcome, explain.no_improvement(unit_target, value))
            continue
        amount = floor_product(gained, rate)
        if amount == 0:
            book.note(outcome, explain.per_unit_rounds_to_zero(unit_target, gained, rate_text))
            continue
        why = [explain.per_unit(unit_target, gained, rate_text)]
        if cap is not None and amount > cap:
            amount = cap
            why.append(capped)
        earners.append((outcome, amount, why))
    overall = award.overall_cap_minor or purse
    amounts = [amount for _, amount, _ in earners]
    earned = sum(amounts)
    if earned > overall:
        amounts = apportion(overall, amounts)
        scaled = explain.overall_cap(book.money(earned), book.money(overall))
        for (_, _, why) in earners:
            why.append(scaled)
    for (outcome, _, why), amount in zip(earners, amounts, strict=True):
        book.pay(outcome, amount, *why, zero=explain.share_rounds_to_zero())


def _pool(award: PoolAward, verified: Sequence[Outcome], book: _Book,
          targets: Mapping[str, Target]) -> None:
    target = _target(targets, award.share_target)
    pool = book.money(award.pool_minor)
    values = [o.measured.get(award.share_target) for o in verified]
    quantities = [v if v is not None and v > 0 else Decimal(0) for v in values]
    shares = apportion(award.pool_minor, quantities)
    with localcontext(EXACT):
        whole = sum(quantities, Decimal(0))
    whole_text = explain.quantity(target, whole)
    for outcome, value, quantity, share in zip(verified, values, quantities, shares,
                                               strict=True):
        if whole == 0:
            book.pay(outcome, share, explain.pool_equal(pool, target, len(verified)),
                     zero=explain.equal_share_rounds_to_zero())
        elif quantity == 0:
            book.note(outcome, explain.pool_nothing(target, value))
        else:
            book.pay(outcome, share, explain.pool_share(pool, target, quantity, whole_text),
                     zero=explain.share_rounds_to_zero())


if __name__ == "__main__":
    # `python -m app.awards.allocation FILE`: the issue asks for the pure module's own command;
    # reading the published file is the inputs module's work (which imports this one).
    from app.awards import inputs

    sys.exit(inputs.main(sys.argv[1:]))
