"""gaps.py without a database: the rule, the mapping, the score, ranking, matrix and overlaps."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.needs import display, gaps, overlaps
from app.needs.gaps import MechanismFacets
from app.needs.overlaps import CoverageShape
from app.reference.vocab import Function, Sector, Stage

NPL = frozenset({"WORLD", "M49-142", "M49-034", "LDC", "LLDC"})
GROUPS = {"NPL": NPL, "FJI": frozenset({"WORLD", "M49-009", "SIDS"}),
          "KEN": frozenset({"WORLD", "M49-002"}), "DEU": frozenset({"WORLD", "M49-150"})}


def facets(i: int = 1, *, scope: set[str], sectors: set[str], stages: set[str],
           functions: set[str], active: bool = True) -> MechanismFacets:
    return MechanismFacets(i, frozenset(scope), frozenset(sectors), frozenset(stages),
                           frozenset(functions), active)


def test_every_function_counts_for_some_stage_and_every_stage_has_functions() -> None:
    assert set(gaps.FUNCTION_STAGES) == set(Function) == set(gaps.FUNCTION_STAGE_REASONS)
    counted = set().union(*gaps.FUNCTION_STAGES.values())
    assert counted == set(Stage)
    assert gaps.FUNCTION_STAGES[Function.RD_COOPERATION] == {Stage.RESEARCH, Stage.DEMONSTRATION}
    assert gaps.FUNCTION_STAGES[Function.KNOWLEDGE_SHARING] == {Stage.DIFFUSION}
    assert Stage.RESEARCH not in gaps.FUNCTION_STAGES[Function.FINANCE]


def test_effective_stages_keep_declared_stages_a_function_counts_for() -> None:
    assert gaps.effective_stages({"research", "demonstration", "diffusion"},
                                 {"knowledge_sharing"}) == {"diffusion"}
    assert gaps.effective_stages({"research"}, {"finance", "policy_advice"}) == frozenset()
    assert gaps.effective_stages({"research", "market_formation"},
                                 {"rd_cooperation", "matchmaking"}) == {"research",
                                                                        "market_formation"}


def test_the_coverage_rule() -> None:
    ldc_fund = facets(scope={"LDC"}, sectors={"energy_supply"}, stages={"demonstration"},
                      functions={"finance"})
    need = {"sector": "energy_supply", "stage": "demonstration"}
    assert gaps.covers(ldc_fund, country="NPL", country_groups=NPL, **need)
    assert not gaps.covers(ldc_fund, country="KEN", country_groups=GROUPS["KEN"], **need)
    africa = ldc_fund._replace(scope=frozenset({"M49-002"}))
    assert not gaps.covers(africa, country="NPL", country_groups=NPL, **need)
    assert gaps.covers(ldc_fund._replace(scope=frozenset({"NPL"})), country="NPL",
                       country_groups=NPL, **need)
    assert not gaps.covers(ldc_fund._replace(active=False), country="NPL", country_groups=NPL,
                           **need)
    # Right sector and stage, but knowledge sharing does not count for demonstration.
    assert not gaps.covers(ldc_fund._replace(functions=frozenset({"knowledge_sharing"})),
                           country="NPL", country_groups=NPL, **need)
    assert not gaps.covers(ldc_fund, country="NPL", country_groups=NPL, sector="water",
                           stage="demonstration")


def test_gap_score_formula_and_parameters() -> None:
    assert gaps.vulnerability_weight(NPL) == Fraction(7, 4)       # 1 + 1/2 (LDC) + 1/4 (LLDC)
    assert gaps.vulnerability_weight({"SIDS", "LDC"}) == 2          # 1 + 1/2 + 1/2
    assert gaps.vulnerability_weight({"WORLD"}) == 1
    assert gaps.gap_score("high", NPL, 0) == Fraction(21, 4)       # 3 × 7/4 / 1
    assert gaps.gap_score("low", {"WORLD"}, 3) == Fraction(1, 4)   # 1 × 1 / 4
    assert gaps.gap_score("medium", {"SIDS"}, 1) == Fraction(3, 2)  # 2 × 3/2 / 2
    with pytest.raises(ValueError, match="negative"):
        gaps.gap_score("high", NPL, -1)
    assert gaps.as_decimal(Fraction(7, 6)) == Decimal("1.1667")
    assert gaps.as_decimal(Fraction(1, 20000)) == Decimal("0.0000")   # half-even: 0.00005 → 0
    assert gaps.as_decimal(Fraction(3, 20000)) == Decimal("0.0002")   # 0.00015 → 0.0002


def test_challenge_link_has_exactly_the_agreed_parameters() -> None:
    assert display.challenge_link(need_ids=[1, 2], scope="NPL", sector="energy_supply",
                                  stage="demonstration") == (
        "/challenges/new?need_ids=1,2&scope=NPL&sector=energy_supply&stage=demonstration")


codes = st.sampled_from(["WORLD", "LDC", "SIDS", "M49-002", "NPL", "FJI", "KEN", "DEU"])
mechanisms = st.builds(
    MechanismFacets, id=st.integers(1, 10**6),
    scope=st.frozensets(codes, max_size=3),
    sectors=st.frozensets(st.sampled_from(["energy_supply", "water", "transport"]), max_size=2),
    stages=st.frozensets(st.sampled_from([s.value for s in Stage]), max_size=3),
    functions=st.frozensets(st.sampled_from([f.value for f in Function]), max_size=3),
    active=st.booleans())
cells = st.lists(st.tuples(st.sampled_from(sorted(GROUPS)),
                           st.sampled_from(["energy_supply", "water", "transport"]),
                           st.sampled_from([s.value for s in Stage]),
                           st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)),
                 max_size=25, unique_by=lambda c: c[:3])


def _unique(ms: list[MechanismFacets]) -> list[MechanismFacets]:
    return [m._replace(id=i) for i, m in enumerate(ms, start=1)]


@settings(max_examples=150, deadline=None)
@given(st.lists(mechanisms, max_size=12), cells)
def test_index_ranking_and_matrix_agree_with_the_plain_rule(ms: list[MechanismFacets],
                                                           need_cells: list[tuple]) -> None:
    ms = _unique(ms)
    index = gaps.CellIndex(ms, GROUPS)
    scored = gaps.score_cells(need_cells, index)
    expanded = []  # one entry per need, scored with the plain rule and formula
    for c in scored:
        plain = {m.id for m in ms if gaps.covers(m, country=c.country,
                                                   country_groups=GROUPS[c.country],
                                                   sector=c.sector, stage=c.stage)}
        assert index.ids_of(c.mask) == plain and c.covering == len(plain)
        for priority, n in zip(gaps.PRIORITY_WEIGHTS, c.counts, strict=True):
            score = gaps.gap_score(priority, GROUPS[c.country], len(plain))
            expanded += [(c, priority, score)] * n
    ranked = gaps.rank(scored)
    as_needs = [(g.cell, g.priority, g.score) for g in ranked for _ in range(g.needs)]
    assert [s for _c, _p, s in as_needs] == sorted((s for _c, _p, s in expanded), reverse=True)
    assert sorted(as_needs, key=repr) == sorted(expanded, key=repr)
    for first in (1, 3, 7):
        assert gaps.rank(scored, first) == ranked[:first]
    total = gaps.matrix(scored)
    for (sector, stage), cell in total.items():
        mine = [(c, s) for c, _p, s in expanded if (c.sector, c.stage) == (sector, stage)]
        assert cell.needs == len(mine)
        assert cell.uncovered == sum(1 for c, _s in mine if not c.covering)
        assert cell.score == sum((s for _c, s in mine), Fraction(0))


def test_ties_are_ordered_by_priority_country_sector_stage() -> None:
    index = gaps.CellIndex([], GROUPS)
    # DEU high (3 × 1) ties with KEN high (3 × 1); NPL medium: 2 × 7/4 = 3.5 is higher.
    scored = gaps.score_cells([("KEN", "water", "research", 1, 0, 0),
                               ("DEU", "water", "research", 1, 0, 0),
                               ("DEU", "energy_supply", "diffusion", 1, 0, 0),
                               ("NPL", "water", "research", 0, 1, 0)], index)
    ranked = [(g.cell.country, g.cell.sector, g.priority) for g in gaps.rank(scored)]
    assert ranked == [("NPL", "water", "medium"), ("DEU", "energy_supply", "high"),
                      ("DEU", "water", "high"), ("KEN", "water", "high")]


def test_page_slices_cut_groups_at_the_page_edges() -> None:
    scored = gaps.score_cells([("NPL", "water", "research", 3, 0, 0),
                               ("KEN", "water", "research", 2, 0, 4)],
                              gaps.CellIndex([], GROUPS))
    ranked = gaps.rank(scored)  # NPL high ×3, KEN high ×2, KEN low ×4
    got = [(g.cell.country, g.priority, skip, take)
           for g, skip, take in gaps.page_slices(ranked, 2, 4)]
    assert got == [("NPL", "high", 2, 1), ("KEN", "high", 0, 2), ("KEN", "low", 0, 1)]
    assert gaps.page_slices(ranked, 9, 5) == []


def test_jaccard() -> None:
    assert overlaps.jaccard({1, 2, 3}, {2, 3, 4}) == Fraction(1, 2)
    assert overlaps.jaccard(set(), set()) == 0


shapes = st.builds(
    CoverageShape, id=st.integers(1, 10**6),
    countries=st.frozensets(st.sampled_from(["NPL", "FJI", "KEN", "DEU", "BRA"]), max_size=5),
    cells=st.frozensets(st.tuples(st.sampled_from(["energy_supply", "water"]),
                                  st.sampled_from(["research", "diffusion"])), max_size=4),
    functions=st.frozensets(st.sampled_from(["finance", "matchmaking", "policy_advice"])))


@settings(max_examples=150, deadline=None)
@given(st.lists(shapes, max_size=8),
       st.sampled_from([Fraction(1, 10), Fraction(1, 3), Fraction(1, 2), Fraction(1)]))
def test_overlaps_equal_jaccard_of_the_explicit_cells(found: list[CoverageShape],
                                                       threshold: Fraction) -> None:
    found = [s.__class__(i, s.countries, s.cells, s.functions)
             for i, s in enumerate(found, start=1)]

    def explicit(s: CoverageShape) -> set[tuple[str, str, str]]:
        return {(c, sector, stage) for c in s.countries for sector, stage in s.cells}

    expected = []
    for a, b in itertools.combinations(found, 2):
        similarity = overlaps.jaccard(explicit(a), explicit(b))
        assert overlaps.coverage_jaccard(a, b) == similarity
        if similarity >= threshold:
            expected.append((similarity, overlaps.jaccard(a.functions, b.functions),
                             min(a.id, b.id), max(a.id, b.id)))
    expected.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    got = overlaps.overlapping_pairs(found, threshold=threshold, limit=100)
    assert [(o.coverage, o.functions, o.a, o.b) for o in got] == expected
    assert len(overlaps.overlapping_pairs(found, threshold=threshold, limit=2)) == min(2, len(got))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.frozensets(st.integers(0, 12), max_size=9), max_size=25),
       st.sampled_from([Fraction(1, 10), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3),
                        Fraction(9, 10), Fraction(1)]))
def test_similar_sets_are_exactly_those_at_or_above_the_threshold(
        sets: list[frozenset[int]], threshold: Fraction) -> None:
    distinct = list(dict.fromkeys(sets))
    near = overlaps.SimilarSets(distinct).near(threshold)
    for i, a in enumerate(distinct):
        expected = {j: len(a & b) for j, b in enumerate(distinct)
                    if a and b and overlaps.jaccard(a, b) >= threshold}
        assert near[i] == expected


many_shapes = st.builds(
    CoverageShape, id=st.integers(1, 10**6),
    countries=st.frozensets(st.sampled_from([f"C{i}" for i in range(12)]), max_size=8),
    cells=st.frozensets(st.tuples(st.sampled_from(["energy_supply", "water", "ict"]),
                                  st.sampled_from(["research", "diffusion"])), max_size=6),
    functions=st.frozensets(st.sampled_from(["finance", "matchmaking", "policy_advice"])))


@settings(max_examples=150, deadline=None)
@given(st.lists(many_shapes, max_size=30),
       st.sampled_from([Fraction(1, 5), Fraction(1, 2), Fraction(4, 5), Fraction(1)]),
       st.sampled_from([Fraction(0), Fraction(1, 2)]), st.integers(1, 40))
def test_the_first_pairs_are_those_of_every_pair_ranked(found: list[CoverageShape],
                                                        threshold: Fraction,
                                                        function_threshold: Fraction,
                                                        limit: int) -> None:
    """Many shapes share their countries or cells (the search groups them), and a short list
    is looked for at a higher threshold first: the answer is the head of the full ranking."""
    found = [s._replace(id=i) for i, s in enumerate(found, start=1)]
    expected = []
    for a, b in itertools.combinations(found, 2):
        similarity = overlaps.coverage_jaccard(a, b)
        functions = overlaps.jaccard(a.functions, b.functions)
        if similarity >= threshold and functions >= function_threshold:
            expected.append((similarity, functions, min(a.id, b.id), max(a.id, b.id)))
    expected.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    got = overlaps.overlapping_pairs(found, threshold=threshold, limit=limit,
                                     function_threshold=function_threshold)
    assert [(o.coverage, o.functions, o.a, o.b) for o in got] == expected[:limit]


def test_overlap_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0"):
        overlaps.overlapping_pairs([], threshold=Fraction(0), limit=5)


def test_sector_and_stage_vocabularies_are_what_the_matrix_spans() -> None:
    assert len(gaps.matrix([])) == len(Sector) * len(Stage) == 52
