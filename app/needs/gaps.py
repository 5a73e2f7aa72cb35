"""The gap analysis in one pure module: the coverage rule, the function → stage mapping, the gap
score and its parameters, the sector × stage matrix and the Jaccard overlaps.

No SQLAlchemy or FastAPI here: data in, data out. `coverage.py` and `coordination.py` load the
rows and call these functions; the pages print the same constants this module computes with.
Exact budget spreading and currency conversion live in the equally pure `budgets.py`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import TypeVar
from urllib.parse import urlencode

from app.reference.vocab import Function, Sector, Stage

_K = TypeVar("_K")

# --- The coverage rule ---------------------------------------------------------------------
#
# A mechanism covers a need when
#   1. the mechanism is active;
#   2. its geographic scope includes the need's country, directly (a country code) or through a
#      group the country belongs to today (WORLD, an M49 region, LDC, LLDC, SIDS ...);
#   3. its sectors include the need's sector;
#   4. its stages include the need's stage; and
#   5. at least one of its functions counts for that stage (FUNCTION_STAGES below).
# Conditions 4 and 5 together give the mechanism's *effective stages*.

FUNCTION_STAGES: dict[Function, frozenset[Stage]] = {
    Function.RD_COOPERATION: frozenset({Stage.RESEARCH, Stage.DEMONSTRATION}),
    Function.TECHNOLOGY_ASSESSMENT: frozenset({Stage.RESEARCH, Stage.DEMONSTRATION}),
    Function.IP_LICENSING: frozenset({Stage.DEMONSTRATION, Stage.MARKET_FORMATION}),
    Function.FINANCE: frozenset({Stage.DEMONSTRATION, Stage.MARKET_FORMATION, Stage.DIFFUSION}),
    Function.MATCHMAKING: frozenset({Stage.MARKET_FORMATION, Stage.DIFFUSION}),
    Function.TECHNICAL_ASSISTANCE: frozenset({Stage.MARKET_FORMATION, Stage.DIFFUSION}),
    Function.CAPACITY_BUILDING: frozenset({Stage.MARKET_FORMATION, Stage.DIFFUSION}),
    Function.POLICY_ADVICE: frozenset({Stage.MARKET_FORMATION, Stage.DIFFUSION}),
    Function.KNOWLEDGE_SHARING: frozenset({Stage.DIFFUSION}),
}

FUNCTION_STAGE_REASONS: dict[Function, str] = {
    Function.RD_COOPERATION: "Joint research and pilot projects move a technology from the "
    "laboratory to a first demonstration; once it is on the market, others take over.",
    Function.TECHNOLOGY_ASSESSMENT: "Assessment and foresight decide which technologies are "
    "worth developing and piloting; it does not itself build a market.",
    Function.IP_LICENSING: "A licence lets a partner pilot and first sell a protected "
    "technology; spreading it further is counted under finance and assistance.",
    Function.FINANCE: "Grants, loans and guarantees pay for pilots, first commercial projects and "
    "scale-up; research money is counted under R&D cooperation.",
    Function.MATCHMAKING: "Bringing providers of a technology together with adopters and "
    "investors presupposes a technology that is ready to be offered.",
    Function.TECHNICAL_ASSISTANCE: "Help with feasibility studies, standards and project "
    "preparation is what a technology needs to enter and spread through a market.",
    Function.CAPACITY_BUILDING: "Training installers, operators, regulators and users matters "
    "when a technology enters and spreads through a market.",
    Function.POLICY_ADVICE: "Standards, tariffs, procurement and incentives create and widen "
    "markets; research and pilots respond to funding rather than to policy advice.",
    Function.KNOWLEDGE_SHARING: "Inventories, databases and information platforms help proven "
    "technologies spread; alone they neither fund research, run pilots nor build a market.",
}


@dataclass(frozen=True)
class MechanismFacets:
    """What the coverage rule needs to know about a mechanism (codes as plain strings)."""

    id: int
    scope: frozenset[str]
    sectors: frozenset[str]
    stages: frozenset[str]
    functions: frozenset[str]
    active: bool = True


def effective_stages(stages: Iterable[str], functions: Iterable[str]) -> frozenset[str]:
    """The declared stages for which at least one of the functions counts."""
    counted: set[str] = set()
    for function in functions:
        counted |= FUNCTION_STAGES.get(Function(function), frozenset())
    return frozenset(s for s in stages if s in counted)


def covers(mechanism: MechanismFacets, *, country: str, country_groups: Iterable[str],
           sector: str, stage: str) -> bool:
    """The coverage rule for one mechanism and one need, stated plainly (top of the file)."""
    in_scope = country in mechanism.scope or bool(mechanism.scope & set(country_groups))
    return (mechanism.active and in_scope and sector in mechanism.sectors
            and stage in effective_stages(mechanism.stages, mechanism.functions))


class CellIndex:
    """Active mechanisms by (scope code, sector, effective stage): the same rule as `covers`,
    answered for many needs with a few set unions instead of a loop over every mechanism."""

    def __init__(self, mechanisms: Iterable[MechanismFacets],
                 groups_of: Mapping[str, frozenset[str]]) -> None:
        cells: dict[tuple[str, str, str], set[int]] = {}
        for m in mechanisms:
            if not m.active:
                continue
            stages = effective_stages(m.stages, m.functions)
            for code in m.scope:
                for sector in m.sectors:
                    for stage in stages:
                        cells.setdefault((code, sector, stage), set()).add(m.id)
        self._cells = cells
        self._groups_of = groups_of
        self._memo: dict[tuple[str, str, str], frozenset[int]] = {}

    def covering(self, country: str, sector: str, stage: str) -> frozenset[int]:
        """Ids of the active mechanisms that cover a need in this country, sector and stage."""
        key = (country, sector, stage)
        found = self._memo.get(key)
        if found is None:
            ids: set[int] = set()
            for code in (country, *self._groups_of.get(country, ())):
                ids.update(self._cells.get((code, sector, stage), ()))
            found = self._memo[key] = frozenset(ids)
        return found

    def worked_cells(self) -> set[tuple[str, str]]:
        """(sector, stage) cells some active mechanism covers somewhere."""
        return {(sector, stage) for _code, sector, stage in self._cells}


# --- The gap score -------------------------------------------------------------------------

FORMULA = ("gap score = priority weight × vulnerability weight ÷ (1 + number of covering "
           "mechanisms)")
PRIORITY_WEIGHTS: dict[str, int] = {"high": 3, "medium": 2, "low": 1}
# Added to 1 for each group the country belongs to today; a country in several adds them up
# (Nepal, an LDC and LLDC, weighs 1 + 1/2 + 1/4 = 7/4). Parameters of the platform, not data.
VULNERABILITY_BONUS: dict[str, Fraction] = {
    "LDC": Fraction(1, 2), "SIDS": Fraction(1, 2), "LLDC": Fraction(1, 4)}
SCORE_PLACES = Decimal("0.0001")
CHALLENGE_LINK_MAX_NEEDS = 20  # a matrix cell's link carries its highest-scoring needs

PRIORITY_ORDER = {p: i for i, p in enumerate(PRIORITY_WEIGHTS)}
SECTOR_ORDER = {s.value: i for i, s in enumerate(Sector)}
STAGE_ORDER = {s.value: i for i, s in enumerate(Stage)}


def vulnerability_weight(groups: Iterable[str]) -> Fraction:
    return 1 + sum((VULNERABILITY_BONUS[g] for g in set(groups) if g in VULNERABILITY_BONUS),
                   Fraction(0))


def gap_score(priority: str, groups: Iterable[str], covering: int) -> Fraction:
    """The formula in FORMULA, exactly (a Fraction); `covering` counts covering mechanisms."""
    if covering < 0:
        raise ValueError("covering must not be negative")
    return PRIORITY_WEIGHTS[priority] * vulnerability_weight(groups) / (1 + covering)


def as_decimal(value: Fraction, places: Decimal = SCORE_PLACES) -> Decimal:
    """A score for display: rounded half-even to four places."""
    with localcontext() as ctx:
        ctx.prec = 50
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            places, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class NeedGroup:
    """Needs that share country, sector, stage and priority, hence covering set and score."""

    country: str
    sector: str
    stage: str
    priority: str
    count: int


@dataclass(frozen=True)
class ScoredGroup:
    group: NeedGroup
    covering: frozenset[int]
    score: Fraction

    def sort_key(self) -> tuple[Fraction, int, str, int, int]:
        """Highest score first; ties by priority, country code, sector and stage order."""
        g = self.group
        return (-self.score, PRIORITY_ORDER[g.priority], g.country, SECTOR_ORDER[g.sector],
                STAGE_ORDER[g.stage])


def score_groups(groups: Iterable[NeedGroup], index: CellIndex,
                 groups_of: Mapping[str, frozenset[str]]) -> list[ScoredGroup]:
    """Each group with its covering mechanisms and score, ranked (ties: see `sort_key`)."""
    scored = []
    for g in groups:
        covering = index.covering(g.country, g.sector, g.stage)
        scored.append(ScoredGroup(g, covering,
                                  gap_score(g.priority, groups_of.get(g.country, ()),
                                            len(covering))))
    scored.sort(key=ScoredGroup.sort_key)
    return scored


def page_slices(ranked: Sequence[ScoredGroup], offset: int,
                limit: int) -> list[tuple[ScoredGroup, int, int]]:
    """Which groups a page of `limit` needs from `offset` falls on: (group, skip, take); within
    a group needs are ordered by id."""
    out: list[tuple[ScoredGroup, int, int]] = []
    position = taken = 0
    for sg in ranked:
        if taken >= limit:
            break
        end = position + sg.group.count
        if end > offset:
            skip = max(0, offset - position)
            take = min(sg.group.count - skip, limit - taken)
            out.append((sg, skip, take))
            taken += take
        position = end
    return out


@dataclass
class MatrixCell:
    sector: str
    stage: str
    needs: int = 0
    uncovered: int = 0
    score: Fraction = field(default_factory=Fraction)


def matrix(scored: Iterable[ScoredGroup]) -> dict[tuple[str, str], MatrixCell]:
    """Sector × stage totals: needs, needs no mechanism covers, and summed gap score (every
    cell present, in vocabulary order)."""
    cells = {(s.value, t.value): MatrixCell(s.value, t.value) for s in Sector for t in Stage}
    for sg in scored:
        g = sg.group
        cell = cells[(g.sector, g.stage)]
        cell.needs += g.count
        if not sg.covering:
            cell.uncovered += g.count
        cell.score += sg.score * g.count
    return cells


def challenge_link(*, need_ids: Sequence[int], scope: str, sector: str, stage: str) -> str:
    """The sponsor's link to the challenge form, pre-filled for a gap."""
    query = urlencode({"need_ids": ",".join(str(i) for i in need_ids), "scope": scope,
                       "sector": sector, "stage": stage}, safe=",")
    return f"/challenges/new?{query}"


# --- Coordination: Jaccard overlaps --------------------------------------------------------
#
# A mechanism's coverage cells are country × sector × effective stage, where its scope codes are
# expanded to the countries in them today (so a WORLD mechanism and an LDC one overlap on the
# LDCs). Because the cells form a product countries × (sector, stage), the intersection of two
# mechanisms has |countries ∩| × |(sector, stage) ∩| cells, which keeps the count exact and cheap.


def jaccard(a: Iterable[object], b: Iterable[object]) -> Fraction:
    """|A ∩ B| / |A ∪ B|; 0 when both are empty (nothing shared, nothing to coordinate)."""
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    return Fraction(len(sa & sb), union) if union else Fraction(0)


@dataclass(frozen=True)
class CoverageShape:
    id: int
    countries: frozenset[str]
    cells: frozenset[tuple[str, str]]  # (sector, effective stage)
    functions: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.countries) * len(self.cells)


def coverage_jaccard(a: CoverageShape, b: CoverageShape) -> Fraction:
    shared = len(a.countries & b.countries) * len(a.cells & b.cells)
    union = a.size + b.size - shared
    return Fraction(shared, union) if union else Fraction(0)


@dataclass(frozen=True)
class Overlap:
    a: int
    b: int
    coverage: Fraction
    functions: Fraction


def overlapping_pairs(shapes: Sequence[CoverageShape], *, threshold: Fraction, limit: int,
                      function_threshold: Fraction = Fraction(0)) -> list[Overlap]:
    """Pairs whose coverage similarity is at least `threshold` (> 0), most similar first.

    Pairs are pruned by size: J(A, B) ≤ min(|A|, |B|) / max(|A|, |B|), so once the larger set is
    more than 1/threshold times the smaller one no later pair can qualify."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be above 0 and at most 1")
    bit = {c: 1 << i for i, c in enumerate(sorted({c for s in shapes for c in s.countries}))}
    cell_bit = {c: 1 << i for i, c in enumerate(sorted({c for s in shapes for c in s.cells}))}
    rows = sorted(((s.size, s.id, _mask(s.countries, bit), _mask(s.cells, cell_bit),
                    s.functions) for s in shapes if s.size), key=lambda r: (r[0], r[1]))
    p, q = threshold.numerator, threshold.denominator
    found: list[tuple[Fraction, Fraction, int, int]] = []
    for i, (size_a, id_a, ca, sa, fa) in enumerate(rows):
        for size_b, id_b, cb, sb, fb in rows[i + 1:]:
            if size_b * p > size_a * q:
                break
            shared = (ca & cb).bit_count() * (sa & sb).bit_count()
            if not shared:
                continue
            cov = Fraction(shared, size_a + size_b - shared)
            if cov < threshold:
                continue
            fun = jaccard(fa, fb)
            if fun >= function_threshold:
                found.append((cov, fun, min(id_a, id_b), max(id_a, id_b)))
    best = heapq.nsmallest(limit, found, key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return [Overlap(a, b, cov, fun) for cov, fun, a, b in best]


def _mask(items: Iterable[_K], bits: Mapping[_K, int]) -> int:
    mask = 0
    for item in items:
        mask |= bits[item]
    return mask
