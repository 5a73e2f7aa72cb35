"""Pure budget arithmetic (budgets.py) and the heatmap SVG (heatmap.py), without a database."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.kit.money import is_currency, minor_exponent
from app.needs import budgets, gaps, heatmap
from app.needs.budgets import Budget


@given(st.integers(0, 10**15), st.lists(st.integers(0, 50), min_size=1, max_size=20)
       .filter(lambda w: sum(w) > 0))
def test_split_exact_always_sums_to_the_whole(total: int, weights: list[int]) -> None:
    parts = budgets.split_exact(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        # Each part is its exact quota rounded down or up (largest remainder).
        assert total * weight // whole <= part <= -(-total * weight // whole)


def test_largest_remainder_gives_spare_units_to_the_largest_remainders_first() -> None:
    assert budgets.split_exact(10, [1, 1, 1]) == [4, 3, 3]          # 3.33 each; tie → first
    assert budgets.split_exact(100, [1, 2, 3]) == [17, 33, 50]      # 16.67, 33.33, 50 → 17 (.67)
    assert budgets.split_exact(7, [5, 0, 2]) == [5, 0, 2]
    with pytest.raises(ValueError, match="positive weight"):
        budgets.split_exact(5, [0, 0])


def test_a_budget_is_spread_evenly_over_its_sector_stage_cells() -> None:
    spread = budgets.spread_budget(1001, {"water", "energy_supply"},
                                   {"demonstration", "research"})
    # 1001 = 4 × 250 + 1; the spare unit goes to the first cell in vocabulary order.
    assert spread == {("energy_supply", "research"): 251,
                      ("energy_supply", "demonstration"): 250,
                      ("water", "research"): 250, ("water", "demonstration"): 250}


@given(st.integers(0, 10**15), st.frozensets(st.sampled_from(list(gaps.SECTOR_ORDER)),
                                              min_size=1),
       st.frozensets(st.sampled_from(list(gaps.STAGE_ORDER)), min_size=1))
def test_spreading_is_the_exact_split_with_equal_weights(total: int, sectors: frozenset[str],
                                                         stages: frozenset[str]) -> None:
    spread = budgets.spread_budget(total, sectors, stages)
    cells = [(s, t) for s in sorted(sectors, key=gaps.SECTOR_ORDER.__getitem__)
             for t in sorted(stages, key=gaps.STAGE_ORDER.__getitem__)]
    assert list(spread) == cells
    assert list(spread.values()) == budgets.split_exact(total, [1] * len(cells))


def test_rates_are_parsed_as_exact_decimals() -> None:
    assert budgets.parse_rates("EUR:1.08, gbp:1.2700", is_currency=is_currency) == {
        "EUR": Decimal("1.08"), "GBP": Decimal("1.2700")}
    assert budgets.parse_rates("", is_currency=is_currency) == {}
    for bad, reason in [("EUR=1.08", "CODE:RATE"), ("XYZ:1", "CODE:RATE"),
                        ("EUR:abc", "not a decimal"), ("EUR:0", "positive"),
                        ("EUR:-1", "positive"), ("EUR:NaN", "positive"),
                        ("EUR:1,EUR:2", "twice")]:
        with pytest.raises(ValueError, match=reason):
            budgets.parse_rates(bad, is_currency=is_currency)


def test_conversion_is_exact_then_rounded_half_even_to_a_minor_unit() -> None:
    # 10.01 EUR × 1.08 = 10.8108 USD → 1081 cents.
    assert budgets.convert_minor(1001, Decimal("1.08"), from_exponent=2, to_exponent=2) == 1081
    # 500 JPY × 0.0067 = 3.35 USD → 335 cents (JPY has no minor unit).
    assert budgets.convert_minor(500, Decimal("0.0067"), from_exponent=0, to_exponent=2) == 335
    # 1.00 USD × 0.3075 = 0.3075 KWD → 307.5 fils → 308 (half to even).
    assert budgets.convert_minor(100, Decimal("0.3075"), from_exponent=2, to_exponent=3) == 308
    # 0.25 × 0.1 = 0.025 → 2.5 cents → 2 (half to even).
    assert budgets.convert_minor(25, Decimal("0.1"), from_exponent=2, to_exponent=2) == 2


def test_distribution_converts_only_where_a_rate_is_supplied() -> None:
    items = [Budget(1, 1_000_000, "USD", frozenset({"energy_supply"}),
                    frozenset({"demonstration", "diffusion"})),
             Budget(2, 1001, "EUR", frozenset({"energy_supply", "water"}),
                    frozenset({"research", "demonstration"})),
             Budget(3, 500, "JPY", frozenset({"water"}), frozenset({"diffusion"})),
             Budget(4, 900, "USD", frozenset(), frozenset({"research"}))]
    report = budgets.distribute_budgets(items, target="USD", rates={"EUR": Decimal("1.08")},
                                        exponent=minor_exponent)
    assert [b.mechanism_id for b in report.unconverted] == [3]     # no JPY rate
    assert [b.mechanism_id for b in report.unallocated] == [4]     # no sector
    (usd,) = report.distributions
    assert usd.total_minor == 1_000_000 + 1081 == sum(usd.cells.values())
    assert usd.by_sector()["energy_supply"] == 1_000_000 + 271 + 270   # 1081 = 271+270+270+270
    assert usd.by_sector()["water"] == 540
    assert usd.by_stage() == {"research": 541, "demonstration": 500_540,
                              "market_formation": 0, "diffusion": 500_000}
    per_currency = budgets.distribute_budgets(items, target=None, rates={},
                                              exponent=minor_exponent)
    assert {d.currency: d.total_minor for d in per_currency.distributions} == {
        "EUR": 1001, "JPY": 500, "USD": 1_000_000}
    assert per_currency.unconverted == []


def _cells() -> dict[tuple[str, str], gaps.MatrixCell]:
    cells = gaps.matrix([])
    cells[("energy_supply", "demonstration")].needs = 3
    cells[("energy_supply", "demonstration")].uncovered = 1
    cells[("energy_supply", "demonstration")].score = Fraction(21, 8)
    cells[("water", "diffusion")].needs = 1
    cells[("water", "diffusion")].score = Fraction(1)
    return cells


def test_heatmap_svg_has_a_title_a_legend_and_the_numbers() -> None:
    svg = str(heatmap.render_heatmap(
        _cells(), sectors=[("energy_supply", "Energy supply"), ("water", "Water & <sanitation>")],
        stages=[("demonstration", "Demonstration"), ("diffusion", "Diffusion")],
        title="Gaps <by> sector", href=lambda s, t: f"/gaps?sector={s}&stage={t}"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="heatmap-title heatmap-desc"' in svg
    assert '<title id="heatmap-title">Gaps &lt;by&gt; sector</title>' in svg
    assert "Water &amp; &lt;sanitation&gt;" in svg and "<sanitation>" not in svg
    assert "Summed gap score" in svg and "no needs" in svg            # the legend
    # 21/8 = 2.625 shows as 2.62 (half to even), rounded once from the exact fraction.
    assert re.search(r">2\.62</text>", svg) and "3 needs · 1 uncovered" in svg and "1 need · 0 uncovered" in svg and "1 needs" not in svg
    assert "<title>Energy supply, Demonstration: 3 needs, 1 uncovered, gap score 2.62</title>" \
        in svg
    assert 'href="/gaps?sector=energy_supply&amp;stage=demonstration"' in svg
    assert 'href="/gaps?sector=water&amp;stage=demonstration"' not in svg  # no needs, no link
    # Four bands up to the largest cell: 0–0.66, 0.66–1.31, 1.31–1.97, 1.97–2.62.
    assert "1.97–2.62" in svg and heatmap.colour(_cells()[("energy_supply", "demonstration")],
                                                 Fraction(21, 8)) == heatmap.PALETTE[-1]


def test_scores_are_rounded_once() -> None:
    assert heatmap.format_score(Fraction(261499, 100000)) == "2.61"   # not 2.6150 → 2.62
    assert heatmap.format_score(Decimal("1.005")) == "1.00"


def test_an_empty_heatmap_still_renders() -> None:
    svg = str(heatmap.render_heatmap(gaps.matrix([]), sectors=[("water", "Water")],
                                     stages=[("research", "Research")], title="Nothing"))
    assert "<title" in svg and "no needs" in svg and "—" in svg
