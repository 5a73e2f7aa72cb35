"""scoring.py on its own: hand-computed cases, then properties (Hypothesis)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.judging import scoring
from app.judging.scoring import Criterion, Scorecard

D = Decimal
RUBRIC = [Criterion("impact", D(3)), Criterion("afford", D(1), min_score=D(2))]


def card(judge: str, entry: str, impact: str, afford: str) -> Scorecard:
    return Scorecard(judge, entry, {"impact": D(impact), "afford": D(afford)})


def by_entry(results: list[scoring.EntryResult]) -> dict[str, scoring.EntryResult]:
    return {r.entry: r for r in results}


# ---- hand-computed cases ------------------------------------------------------------------------

def test_weighted_total_is_the_weighted_mean_of_the_scores() -> None:
    # (3 × 7.5 + 1 × 6.5) / 4 = 29 / 4
    assert scoring.weighted_total(RUBRIC, {"impact": D("7.5"), "afford": D("6.5")}) == D("7.25")
    equal = [Criterion("a", D(1)), Criterion("b", D(1)), Criterion("c", D(1))]
    # 4 / 3 = 1.33333… -> 1.3333
    assert str(scoring.weighted_total(equal, {"a": D(1), "b": D(1), "c": D(2)})) == "1.3333"
    # weights need not sum to anything: 0.5 and 1.5 are the same rubric as 1 and 3
    halves = [Criterion("impact", D("1.5")), Criterion("afford", D("0.5"))]
    assert scoring.weighted_total(halves, {"impact": D(8), "afford": D(4)}) == D(7)


def test_two_judges_three_entries_by_hand() -> None:
    """Weights impact 3, affordability 1 (minimum 2); minimum overall score 5.

    Judge 1 totals: E1 (3·8+4)/4 = 7, E2 (3·6+2)/4 = 5, E3 (3·4+0)/4 = 3.
      mean 5, deviations 2, 0, -2, variance 8/3: z = ±2/√(8/3) = ±√1.5 = ±1.2247448714, and 0.
    Judge 2 totals: E1 5, E2 (27+7)/4 = 8.5, E3 (21+3)/4 = 6.
      mean 6.5, deviations -1.5, 2, -0.5, variance 6.5/3:
      z = -√(6.75/6.5) = -1.0190493307, √(12/6.5) = 1.3587324410, -√(0.75/6.5) = -0.3396831102.
    Normalised: E1 (1.2247448714 - 1.0190493307)/2 = 0.1028477704 -> 0.1028
                E2 (0 + 1.3587324410)/2 = 0.6793662205 -> 0.6794
                E3 (-1.2247448714 - 0.3396831102)/2 = -0.7822139908 -> -0.7822
    Raw means: E1 6, E2 6.75, E3 4.5 (below 5). Affordability means: E3 (0+3)/2 = 1.5 (below 2).
    """
    cards = [card("j1", "E1", "8", "4"), card("j1", "E2", "6", "2"), card("j1", "E3", "4", "0"),
             card("j2", "E1", "5", "5"), card("j2", "E2", "9", "7"), card("j2", "E3", "7", "3")]
    results = scoring.results(RUBRIC, cards, entries=["E1", "E2", "E3", "E4"],
                              min_overall_score=D(5))
    assert [(r.entry, r.rank) for r in results] == [("E2", 1), ("E1", 2), ("E3", 3),
                                                   ("E4", None)]
    got = by_entry(results)
    assert (got["E1"].normalised, got["E2"].normalised, got["E3"].normalised) == (
        D("0.1028"), D("0.6794"), D("-0.7822"))
    assert (got["E1"].raw_mean, got["E2"].raw_mean, got["E3"].raw_mean) == (
        D("6.0000"), D("6.7500"), D("4.5000"))
    assert str(got["E1"].raw_mean) == "6.0000" and str(got["E2"].normalised) == "0.6794"
    assert got["E3"].criterion_means == {"impact": D("5.5"), "afford": D("1.5")}
    assert got["E3"].below_minimum == ("afford",) and got["E3"].below_overall
    assert not got["E3"].eligible and got["E1"].eligible and got["E2"].eligible
    assert got["E1"].judges == 2
    assert not got["E4"].scored and not got["E4"].eligible and got["E4"].raw_mean is None


def test_normalising_corrects_a_harsh_judge() -> None:
    """A lenient judge scores E1 9 and E2 7; a harsh one scores E3 4 and E4 2.

    Raw means rank E1, E2, E3, E4. Each judge's best entry has z = +1 and worst z = -1, so the
    normalised scores tie at +1 (E1, E3) and -1 (E2, E4): the raw mean, which normalising
    corrects, breaks no tie, so E1 and E3 share rank 1 and E2 and E4 rank 3.
    """
    one = [Criterion("overall", D(1))]
    cards = [Scorecard("lenient", "E1", {"overall": D(9)}),
             Scorecard("lenient", "E2", {"overall": D(7)}),
             Scorecard("harsh", "E3", {"overall": D(4)}),
             Scorecard("harsh", "E4", {"overall": D(2)})]
    results = scoring.results(one, cards, entries=["E1", "E2", "E3", "E4"])
    assert [(r.entry, r.rank, r.normalised, r.raw_mean) for r in results] == [
        ("E1", 1, D(1), D(9)), ("E3", 1, D(1), D(4)), ("E2", 3, D(-1), D(7)),
        ("E4", 3, D(-1), D(2))]


def test_a_judge_with_one_entry_or_no_spread_contributes_zero() -> None:
    one = [Criterion("overall", D(1))]
    cards = [Scorecard("solo", "E1", {"overall": D(10)}),
             Scorecard("flat", "E1", {"overall": D(6)}), Scorecard("flat", "E2", {"overall": D(6)})]
    got = by_entry(scoring.results(one, cards, entries=["E1", "E2"]))
    assert got["E1"].normalised == got["E2"].normalised == D(0)
    # equal normalised scores are a tie, although the raw means differ (E1 8, E2 6)
    assert (got["E1"].rank, got["E2"].rank) == (1, 1)
    assert scoring.z_scores({"E1": Fraction(3)}) == {"E1": 0}


def test_an_entry_code_never_breaks_a_tie() -> None:
    one = [Criterion("overall", D(1))]
    cards = [Scorecard("j", "E-B", {"overall": D(5)}), Scorecard("j", "E-A", {"overall": D(5)})]
    assert [r.rank for r in scoring.results(one, cards, entries=["E-B", "E-A"])] == [1, 1]


def test_ranks_are_competition_ranks() -> None:
    one = [Criterion("overall", D(1))]
    scores = {"E1": 9, "E2": 7, "E3": 7, "E4": 5, "E5": 5, "E6": 5, "E7": 1}
    cards = [Scorecard("j", e, {"overall": D(s)}) for e, s in scores.items()]
    got = by_entry(scoring.results(one, cards, entries=list(scores)))
    assert {e: r.rank for e, r in got.items()} == {
        "E1": 1, "E2": 2, "E3": 2, "E4": 4, "E5": 4, "E6": 4, "E7": 7}


def test_a_named_criterion_breaks_ties_and_equal_means_still_share() -> None:
    """Two judges; each entry's normalised score is 0 (one judge puts it top, the other bottom,
    or both see no spread), so all tie on it; the mean on `impact` then decides."""
    rubric = [Criterion("impact", D(1)), Criterion("cost", D(1))]
    cards = [Scorecard("j1", "A", {"impact": D(8), "cost": D(2)}),
             Scorecard("j1", "B", {"impact": D(2), "cost": D(8)}),
             Scorecard("j1", "C", {"impact": D(6), "cost": D(4)}),
             Scorecard("j1", "D", {"impact": D(4), "cost": D(6)})]
    # one judge: totals are all 5, so every z is 0 and every normalised score is 0
    assert [r.rank for r in scoring.results(rubric, cards, entries="ABCD")] == [1, 1, 1, 1]
    by_impact = by_entry(scoring.results(rubric, cards, entries="ABCD", tie_criterion="impact"))
    assert {e: r.rank for e, r in by_impact.items()} == {"A": 1, "C": 2, "D": 3, "B": 4}
    twins = [*cards, Scorecard("j1", "E", {"impact": D(6), "cost": D(4)})]
    got = by_entry(scoring.results(rubric, twins, entries="ABCDE", tie_criterion="impact"))
    assert (got["C"].rank, got["E"].rank, got["D"].rank) == (2, 2, 4)
    with pytest.raises(ValueError, match="not in the rubric"):
        scoring.results(rubric, cards, entries="ABCD", tie_criterion="beauty")


def test_thresholds_are_checked_on_the_reported_figures() -> None:
    one = [Criterion("overall", D(1), min_score=D("5"))]
    cards = [Scorecard(j, "E1", {"overall": D(s)}) for j, s in (("a", "5"), ("b", "5"), ("c", "4.9"))]
    [result] = scoring.results(one, cards, entries=["E1"], min_overall_score=D("4.9667"))
    assert result.raw_mean == D("4.9667")  # 14.9 / 3 = 4.96666…
    assert result.below_minimum == ("overall",) and not result.below_overall


def test_z_scores_by_hand() -> None:
    z = scoring.z_scores({"a": Fraction(7), "b": Fraction(5), "c": Fraction(3)})
    assert z["b"] == 0 and z["a"] == -z["c"]
    assert scoring.quantise(z["a"]) == D("1.2247")  # √1.5 = 1.22474487…
    assert str(Decimal(z["a"].numerator) / Decimal(z["a"].denominator))[:20] == "1.224744871391589049"


def test_quantise_rounds_half_to_even_exactly() -> None:
    assert str(scoring.quantise(Fraction(1, 20000))) == "0.0000"  # 0.00005 -> 0.0000
    assert str(scoring.quantise(Fraction(3, 20000))) == "0.0002"  # 0.00015 -> 0.0002
    assert str(scoring.quantise(Fraction(-3, 20000))) == "-0.0002"
    assert str(scoring.quantise(Fraction(2, 3))) == "0.6667"
    assert str(scoring.quantise(D("2.71828"))) == "2.7183"
    assert str(scoring.quantise(7)) == "7.0000"


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="every criterion"):
        scoring.weighted_total(RUBRIC, {"impact": D(1)})
    with pytest.raises(ValueError, match="every criterion"):
        scoring.weighted_total(RUBRIC, {"impact": D(1), "afford": D(1), "other": D(1)})
    with pytest.raises(ValueError, match="positive"):
        scoring.weighted_total([Criterion("a", D(0))], {"a": D(1)})
    with pytest.raises(ValueError, match="at least one"):
        scoring.results([], [], entries=[])
    with pytest.raises(ValueError, match="one scorecard per judge"):
        scoring.results(RUBRIC, [card("j", "E1", "1", "1"), card("j", "E1", "2", "2")],
                        entries=["E1"])
    with pytest.raises(ValueError, match="not listed"):
        scoring.results(RUBRIC, [card("j", "E9", "1", "1")], entries=["E1"])


# ---- properties ---------------------------------------------------------------------------------

SCORE = st.integers(0, 100).map(lambda tenths: Decimal(tenths).scaleb(-1))  # 0.0 … 10.0
WEIGHT = st.integers(1, 50).map(lambda tenths: Decimal(tenths).scaleb(-1))


@st.composite
def panels(draw: st.DrawFn) -> tuple[list[Criterion], list[Scorecard], list[str]]:
    """A rubric, 1–5 judges each scoring some of 1–6 entries."""
    criteria = [Criterion(f"c{i}", draw(WEIGHT)) for i in range(draw(st.integers(1, 3)))]
    entries = [f"E-{i:02d}" for i in range(draw(st.integers(1, 6)))]
    cards = []
    for j in range(draw(st.integers(1, 5))):
        for entry in draw(st.lists(st.sampled_from(entries), unique=True, min_size=1)):
            cards.append(Scorecard(f"judge-{j}", entry, {c.key: draw(SCORE) for c in criteria}))
    return criteria, cards, entries


def _normalised(criteria: list[Criterion], cards: list[Scorecard], entries: list[str]
                ) -> dict[str, Decimal | None]:
    return {r.entry: r.normalised for r in scoring.results(criteria, cards, entries=entries)}


def _ranks(criteria: list[Criterion], cards: list[Scorecard], entries: list[str]) -> list[str]:
    return [r.entry for r in scoring.results(criteria, cards, entries=entries)]


def _transform(cards: list[Scorecard], judge: object, how: object) -> list[Scorecard]:
    return [Scorecard(c.judge, c.entry, {k: how(v) for k, v in c.scores.items()})  # type: ignore[operator]
            if c.judge == judge else c for c in cards]


@given(panels(), st.integers(-100, 100).map(lambda t: Decimal(t).scaleb(-1)), st.data())
def test_a_judge_adding_a_constant_changes_no_normalised_score(
        panel: tuple[list[Criterion], list[Scorecard], list[str]], shift: Decimal,
        data: st.DataObject) -> None:
    criteria, cards, entries = panel
    judge = data.draw(st.sampled_from(sorted({str(c.judge) for c in cards})))
    moved = _transform(cards, judge, lambda s: s + shift)
    before = _normalised(criteria, cards, entries)
    assert _normalised(criteria, moved, entries) == before
    if len(set(before.values())) == len(before):  # no tie left to the (unnormalised) raw mean
        assert _ranks(criteria, moved, entries) == _ranks(criteria, cards, entries)


@given(panels(), st.integers(1, 200).map(lambda t: Decimal(t).scaleb(-1)), st.data())
def test_a_judge_scaling_by_a_positive_factor_changes_no_normalised_score(
        panel: tuple[list[Criterion], list[Scorecard], list[str]], factor: Decimal,
        data: st.DataObject) -> None:
    criteria, cards, entries = panel
    judge = data.draw(st.sampled_from(sorted({str(c.judge) for c in cards})))
    stretched = _transform(cards, judge, lambda s: s * factor)
    before = _normalised(criteria, cards, entries)
    assert _normalised(criteria, stretched, entries) == before
    if len(set(before.values())) == len(before):
        assert _ranks(criteria, stretched, entries) == _ranks(criteria, cards, entries)


@given(panels(), st.randoms(use_true_random=False))
def test_permuting_judges_and_scorecards_changes_nothing(
        panel: tuple[list[Criterion], list[Scorecard], list[str]], rnd: random.Random) -> None:
    criteria, cards, entries = panel
    judges = sorted({str(c.judge) for c in cards})
    renamed = dict(zip(judges, rnd.sample(judges, len(judges)), strict=True))
    shuffled = [Scorecard(renamed[str(c.judge)], c.entry, c.scores) for c in cards]
    rnd.shuffle(shuffled)
    assert scoring.results(criteria, shuffled, entries=list(reversed(entries))) == \
        scoring.results(criteria, cards, entries=entries)


@given(panels())
def test_figures_are_four_place_decimals_and_ranks_follow_the_rule(
        panel: tuple[list[Criterion], list[Scorecard], list[str]]) -> None:
    criteria, cards, entries = panel
    results = scoring.results(criteria, cards, entries=entries)
    assert sorted(r.entry for r in results) == sorted(entries)
    scored = [r for r in results if r.scored]
    keys = [-(r.normalised or 0) for r in scored]
    assert keys == sorted(keys)
    for position, r in enumerate(scored, start=1):  # competition ranks: 1, 2, 2, 4
        assert r.rank == 1 + sum(1 for other in scored if other.normalised > r.normalised)
        assert r.rank <= position
    for r in scored:
        assert r.raw_mean is not None and r.normalised is not None
        assert r.raw_mean.as_tuple().exponent == r.normalised.as_tuple().exponent == -4
        assert D(0) <= r.raw_mean <= D(10)


@given(st.lists(st.integers(-10**6, 10**6).map(Fraction), min_size=2, max_size=12))
def test_z_scores_sum_to_zero_and_their_squares_to_n(totals: list[Fraction]) -> None:
    z = scoring.z_scores({f"E{i}": t for i, t in enumerate(totals)})
    tolerance = Fraction(len(totals), 10**29)
    if len(set(totals)) == 1:
        assert set(z.values()) == {0}
    else:
        assert abs(sum(z.values())) <= tolerance
        assert abs(sum(v * v for v in z.values()) - len(totals)) <= tolerance * 100


@given(st.decimals(min_value=-10**6, max_value=10**6, places=8, allow_nan=False))
def test_quantise_agrees_with_decimal_quantize(value: Decimal) -> None:
    assert scoring.quantise(value) == value.quantize(D("0.0001"), rounding=ROUND_HALF_EVEN)


@given(st.lists(SCORE, min_size=2, max_size=2), st.lists(WEIGHT, min_size=2, max_size=2))
def test_a_weighted_total_lies_between_the_lowest_and_highest_score(
        scores: list[Decimal], weights: list[Decimal]) -> None:
    criteria = [Criterion("a", weights[0]), Criterion("b", weights[1])]
    total = scoring.exact_total(criteria, {"a": scores[0], "b": scores[1]})
    assert min(scores) <= total <= max(scores)
