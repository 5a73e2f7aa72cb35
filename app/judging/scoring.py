"""Blind-judging arithmetic (pure: no database, no web): weighted totals, per-judge z-scores,
entry results, thresholds and the ranking.

Exact throughout. Scores and weights come in as Decimals; every rational step (totals, means,
deviations, variances) is a `Fraction`, so nothing is rounded on the way. The one irrational
step, a square root, is taken with `Decimal.sqrt` at 60 significant digits and kept to 30
decimal places. Reported figures are quantised to 4 places with ROUND_HALF_EVEN.

The root is taken of z² = d² / variance, a fraction that does not change when a judge adds a
constant to all their totals or multiplies them by a positive factor: such a judge changes no
z-score, not even in the 30th place, and sums of z-scores are exact, so the order in which
judges are taken changes nothing either.

Ties: two entries with the same normalised score (as reported) are tied and share a competition
rank (1, 2, 2, 4), unless the prize rules name a tie-breaking criterion, whose mean (as reported)
ranks the higher one ahead. Nothing else breaks a tie: not the raw mean (which normalising means
to correct), and never the entry code (a hash).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

PLACES = 4
_UNIT = 10**PLACES
_Z_QUANTUM = Decimal(1).scaleb(-30)
_SQRT_PRECISION = 60


@dataclass(frozen=True)
class Criterion:
    """A rubric criterion; `key` is how scorecards name it."""

    key: str
    weight: Decimal
    min_score: Decimal | None = None


@dataclass(frozen=True)
class Scorecard:
    """One judge's submitted scores for one entry: criterion key -> score."""

    judge: Hashable
    entry: str
    scores: Mapping[str, Decimal]


@dataclass(frozen=True)
class EntryResult:
    entry: str
    judges: int  # submitted scorecards counted
    raw_mean: Decimal | None  # mean of the weighted totals
    normalised: Decimal | None  # mean of the judges' z-scores
    criterion_means: Mapping[str, Decimal]
    below_minimum: tuple[str, ...]  # criteria whose mean is below their minimum score
    below_overall: bool  # raw mean below the challenge's minimum overall score
    rank: int | None  # 1 = best; None when nobody scored the entry

    @property
    def scored(self) -> bool:
        return self.judges > 0

    @property
    def eligible(self) -> bool:
        return self.scored and not self.below_minimum and not self.below_overall


def quantise(value: Fraction | Decimal | int) -> Decimal:
    """The exact value rounded to 4 places, half to even (as Decimal.quantize would)."""
    scaled = Fraction(value) * _UNIT
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)  # floor division
    twice = 2 * remainder
    if twice > scaled.denominator or (twice == scaled.denominator and quotient % 2):
        quotient += 1
    return Decimal(quotient).scaleb(-PLACES)


def _check_criteria(criteria: Sequence[Criterion]) -> None:
    if not criteria:
        raise ValueError("a rubric needs at least one criterion")
    if len({c.key for c in criteria}) != len(criteria):
        raise ValueError("criterion keys must be unique")
    if any(not c.weight.is_finite() or c.weight <= 0 for c in criteria):
        raise ValueError("criterion weights must be positive")


def exact_total(criteria: Sequence[Criterion], scores: Mapping[str, Decimal]) -> Fraction:
    """Σ wᵢsᵢ / Σ wᵢ over every criterion, as an exact fraction."""
    missing = [c.key for c in criteria if c.key not in scores]
    if missing or len(scores) != len(criteria):
        raise ValueError(f"a scorecard scores every criterion once (missing: {missing})")
    weighted = sum((Fraction(c.weight) * Fraction(scores[c.key]) for c in criteria), Fraction(0))
    return weighted / sum((Fraction(c.weight) for c in criteria), Fraction(0))


def weighted_total(criteria: Sequence[Criterion], scores: Mapping[str, Decimal]) -> Decimal:
    """One scorecard's weighted total, quantised to 4 places."""
    _check_criteria(criteria)
    return quantise(exact_total(criteria, scores))


def _root(square: Fraction) -> Fraction:
    """√square to 30 decimal places (Decimal.sqrt is correctly rounded at 60 digits)."""
    with localcontext() as ctx:
        ctx.prec = _SQRT_PRECISION
        root = (Decimal(square.numerator) / Decimal(square.denominator)).sqrt()
        return Fraction(root.quantize(_Z_QUANTUM, rounding=ROUND_HALF_EVEN))


def z_scores(totals: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """One judge's totals as z-scores (population standard deviation).

    A judge with a single entry, or the same total for every entry, says nothing about how the
    entries compare: every z is 0.
    """
    n = len(totals)
    zero = {entry: Fraction(0) for entry in totals}
    if n < 2:
        return zero
    mean = sum(totals.values(), Fraction(0)) / n
    deviations = {entry: total - mean for entry, total in totals.items()}
    variance = sum((d * d for d in deviations.values()), Fraction(0)) / n
    if variance == 0:
        return zero
    return {entry: _signed_root(d, variance) for entry, d in deviations.items()}


def _signed_root(deviation: Fraction, variance: Fraction) -> Fraction:
    if deviation == 0:
        return Fraction(0)
    root = _root(deviation * deviation / variance)
    return root if deviation > 0 else -root


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def results(criteria: Sequence[Criterion], scorecards: Iterable[Scorecard], *,
            entries: Iterable[str], min_overall_score: Decimal | None = None,
            tie_criterion: str | None = None) -> list[EntryResult]:
    """Every entry's figures, best first.

    Ranked by normalised score, compared as reported (4 places) so that the table explains
    every place; equal scores share a competition rank, unless `tie_criterion` (a criterion key)
    is given: then the higher mean on it ranks ahead, and entries equal on that too still share
    the rank. Within a shared rank the entries are listed by code only so that the result does
    not depend on the order of the input; the code decides nothing (the caller lists them in its
    own public order). Entries nobody scored come last, unranked. Thresholds are checked on the
    reported raw means: a criterion's mean below its `min_score`, or the overall raw mean below
    `min_overall_score`, flags the entry.
    """
    _check_criteria(criteria)
    if tie_criterion is not None and tie_criterion not in {c.key for c in criteria}:
        raise ValueError(f"the tie-breaking criterion {tie_criterion!r} is not in the rubric")
    codes = sorted(set(entries))
    cards = list(scorecards)
    if len({(card.judge, card.entry) for card in cards}) != len(cards):
        raise ValueError("one scorecard per judge and entry")
    unknown = {card.entry for card in cards} - set(codes)
    if unknown:
        raise ValueError(f"scorecards for entries that are not listed: {sorted(unknown)}")

    totals_by_judge: dict[Hashable, dict[str, Fraction]] = defaultdict(dict)
    for card in cards:
        totals_by_judge[card.judge][card.entry] = exact_total(criteria, card.scores)
    totals: dict[str, list[Fraction]] = defaultdict(list)
    zs: dict[str, list[Fraction]] = defaultdict(list)
    for judged in totals_by_judge.values():
        for entry, z in z_scores(judged).items():
            zs[entry].append(z)
            totals[entry].append(judged[entry])
    criterion_scores: dict[str, dict[str, list[Fraction]]] = defaultdict(
        lambda: defaultdict(list))
    for card in cards:
        for c in criteria:
            criterion_scores[card.entry][c.key].append(Fraction(card.scores[c.key]))

    unranked: list[EntryResult] = []
    for code in codes:
        if code not in totals:
            unranked.append(EntryResult(code, 0, None, None, {}, (), False, None))
            continue
        raw = quantise(_mean(totals[code]))
        means = {c.key: quantise(_mean(criterion_scores[code][c.key])) for c in criteria}
        unranked.append(EntryResult(
            entry=code, judges=len(totals[code]), raw_mean=raw,
            normalised=quantise(_mean(zs[code])), criterion_means=means,
            below_minimum=tuple(c.key for c in criteria
                                if c.min_score is not None and means[c.key] < c.min_score),
            below_overall=min_overall_score is not None and raw < min_overall_score,
            rank=None))

    def standing(r: EntryResult) -> tuple[Decimal, ...]:
        """What places an entry: equal standings are a tie (lower sorts first)."""
        key = [-(r.normalised or Decimal(0))]
        if tie_criterion is not None:
            key.append(-r.criterion_means[tie_criterion])
        return tuple(key)

    scored = sorted((r for r in unranked if r.scored), key=lambda r: (standing(r), r.entry))
    ranked: list[EntryResult] = []
    for position, r in enumerate(scored, start=1):
        tied = bool(ranked) and standing(scored[position - 2]) == standing(r)
        rank = ranked[-1].rank if tied else position
        ranked.append(EntryResult(r.entry, r.judges, r.raw_mean, r.normalised,
                                  r.criterion_means, r.below_minimum, r.below_overall, rank))
    return ranked + [r for r in unranked if not r.scored]
