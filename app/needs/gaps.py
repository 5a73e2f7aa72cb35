"""The gap analysis in one pure module: the coverage rule, the function → stage mapping, the gap
score and its parameters, ranking and the sector × stage matrix.

No SQLAlchemy or FastAPI here: data in, data out. `coverage.py` and `coordination.py` load the
rows and call these functions; the pages print the same constants this module computes with.
The equally pure `overlaps.py` (Jaccard similarity between mechanisms, built on the same rule)
and `budgets.py` (exact budget spreading and conversion) serve the coordination view.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from math import lcm
from operator import mul
from typing import Any, NamedTuple

from app.i18n.translate import N_
from app.reference.vocab import Function, Sector, Stage

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
    Function.RD_COOPERATION: N_(
        "Joint research and pilot projects move a technology from the "
        "laboratory to a first demonstration; once it is on the market, others take over."),
    Function.TECHNOLOGY_ASSESSMENT: N_(
        "Assessment and foresight decide which technologies are "
        "worth developing and piloting; it does not itself build a market."),
    Function.IP_LICENSING: N_(
        "A licence lets a partner pilot and first sell a protected "
        "technology; spreading it further is counted under finance and assistance."),
    Function.FINANCE: N_(
        "Grants, loans and guarantees pay for pilots, first commercial projects and "
        "scale-up; research money is counted under R&D cooperation."),
    Function.MATCHMAKING: N_(
        "Bringing providers of a technology together with adopters and "
        "investors presupposes a technology that is ready to be offered."),
    Function.TECHNICAL_ASSISTANCE: N_(
        "Help with feasibility studies, standards and project "
        "preparation is what a technology needs to enter and spread through a market."),
    Function.CAPACITY_BUILDING: N_(
        "Training installers, operators, regulators and users matters "
        "when a technology enters and spreads through a market."),
    Function.POLICY_ADVICE: N_(
        "Standards, tariffs, procurement and incentives create and widen "
        "markets; research and pilots respond to funding rather than to policy advice."),
    Function.KNOWLEDGE_SHARING: N_(
        "Inventories, databases and information platforms help proven "
        "technologies spread; alone they neither fund research, run pilots nor build a market."),
}
_COUNTED = {f.value: frozenset(s.value for s in stages) for f, stages in FUNCTION_STAGES.items()}


class MechanismFacets(NamedTuple):
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
        counted |= _COUNTED.get(function, frozenset())
    return frozenset(s for s in stages if s in counted)


def covers(mechanism: MechanismFacets, *, country: str, country_groups: Iterable[str],
           sector: str, stage: str) -> bool:
    """The coverage rule for one mechanism and one need, stated plainly (top of the file)."""
    in_scope = country in mechanism.scope or bool(mechanism.scope & set(country_groups))
    return (mechanism.active and in_scope and sector in mechanism.sectors
            and stage in effective_stages(mechanism.stages, mechanism.functions))


class CellIndex:
    """Active mechanisms as bit masks (bit i is the i-th mechanism): per (sector, effective
    stage) those that work in it, per scope code those whose scope names it. The rule of
    `covers` for a (country, sector, stage) is then one AND of the cell's mask with the OR of
    the masks of the country and its groups, instead of a loop over every mechanism."""

    def __init__(self, mechanisms: Iterable[MechanismFacets],
                 groups_of: Mapping[str, frozenset[str]]) -> None:
        self.ids: list[int] = []
        cells: dict[tuple[str, str], int] = {}
        codes: dict[str, int] = {}
        products: dict[tuple[frozenset[str], ...], list[tuple[str, str]]] = {}
        for m in mechanisms:
            shape = (m.sectors, m.stages, m.functions)
            product = products.get(shape)
            if product is None:  # mechanisms often share sectors, stages and functions
                stages = effective_stages(m.stages, m.functions)
                product = products[shape] = [(s, t) for s in m.sectors for t in stages]
            if not (m.active and product and m.scope):
                continue
            bit = 1 << len(self.ids)
            self.ids.append(m.id)
            for cell in product:
                cells[cell] = cells.get(cell, 0) | bit
            for code in m.scope:
                codes[code] = codes.get(code, 0) | bit
        self._cells = cells
        self._codes = codes
        self._groups = {c: tuple(sorted(g)) for c, g in groups_of.items()}
        # Kept with the index (which outlives a request): a country's scope mask, and
        # (country, sector, stage) → mask, count.
        self._scopes: dict[str, int] = {}
        self._memo: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._weights: dict[str, tuple[int, int]] = {}

    def mask(self, country: str, sector: str, stage: str) -> int:
        """The covering mechanisms of a need in this country, sector and stage, as a bit mask."""
        return self.covered(country, sector, stage)[0]

    def covered(self, country: str, sector: str, stage: str) -> tuple[int, int]:
        """(mask, number of covering mechanisms)."""
        key = (country, sector, stage)
        found = self._memo.get(key)
        if found is None:
            scope = self._scopes.get(country)
            if scope is None:  # the mechanisms whose scope names the country or a group of it
                scope = self._codes.get(country, 0)
                for code in self._groups.get(country, ()):
                    scope |= self._codes.get(code, 0)
                self._scopes[country] = scope
            mask = self._cells.get((sector, stage), 0) & scope
            found = self._memo[key] = (mask, mask.bit_count())
        return found

    def vulnerability(self, country: str) -> tuple[int, int]:
        """The country's vulnerability weight today, as (numerator, denominator)."""
        found = self._weights.get(country)
        if found is None:
            weight = vulnerability_weight(self._groups.get(country, ()))
            found = self._weights[country] = (weight.numerator, weight.denominator)
        return found

    def ids_of(self, mask: int) -> frozenset[int]:
        out = []
        while mask:
            low = mask & -mask
            out.append(self.ids[low.bit_length() - 1])
            mask ^= low
        return frozenset(out)

    def covering(self, country: str, sector: str, stage: str) -> frozenset[int]:
        """Ids of the active mechanisms that cover a need in this country, sector and stage."""
        return self.ids_of(self.mask(country, sector, stage))

    def worked_cells(self) -> set[tuple[str, str]]:
        """(sector, stage) cells some active mechanism covers somewhere."""
        return {cell for cell, mask in self._cells.items() if mask}


# --- The gap score -------------------------------------------------------------------------

FORMULA = N_("gap score = priority weight × vulnerability weight ÷ (1 + number of covering "
              "mechanisms)")
PRIORITY_WEIGHTS: dict[str, int] = {"high": 3, "medium": 2, "low": 1}
# Added to 1 for each group the country belongs to today; a country in several adds them up
# (Nepal, an LDC and LLDC, weighs 1 + 1/2 + 1/4 = 7/4). Parameters of the platform, not data.
VULNERABILITY_BONUS: dict[str, Fraction] = {
    "LDC": Fraction(1, 2), "SIDS": Fraction(1, 2), "LLDC": Fraction(1, 4)}
SCORE_PLACES = Decimal("0.0001")

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


NeedCell = Sequence[Any]
"""(country, sector, stage, then how many needs of each priority in PRIORITY_WEIGHTS order): the
needs of a cell share covering mechanisms; their scores differ only by priority weight."""


class ScoredCell(NamedTuple):
    """A need cell with its covering mechanisms (a CellIndex mask, and how many); a need of
    priority weight w in it scores w × num / den (`gap_score` in integers: num/den is the
    country's vulnerability weight divided by 1 + covering)."""

    country: str
    sector: str
    stage: str
    counts: Sequence[int]
    mask: int
    covering: int
    num: int
    den: int

    def score(self, priority: str) -> Fraction:
        """`gap_score` for this cell's needs of one priority."""
        return Fraction(PRIORITY_WEIGHTS[priority] * self.num, self.den)


def score_cells(cells: Iterable[NeedCell], index: CellIndex) -> list[ScoredCell]:
    """Each need cell with its covering mechanisms and vulnerability weight, in no order."""
    covered, vulnerability = index.covered, index.vulnerability
    out = []
    for cell in cells:
        country, sector, stage = cell[0], cell[1], cell[2]
        mask, count = covered(country, sector, stage)
        num, den = vulnerability(country)
        out.append(ScoredCell(country, sector, stage, cell[3:], mask, count, num,
                              den * (1 + count)))
    return out


class NeedGroup(NamedTuple):
    """The needs of one cell with one priority: a run of needs with the same score."""

    cell: ScoredCell
    priority: str
    needs: int
    score: Fraction


def rank(cells: Sequence[ScoredCell], first: int | None = None) -> list[NeedGroup]:
    """Need groups by score, highest first; ties by priority, country code, sector and stage.

    Scores are compared exactly: each is an integer over the common denominator of all scores,
    packed with the tie-breakers into one integer key, so the work per group is a few integer
    operations (no objects) and only the groups kept are built. `first` keeps the first n."""
    if not cells:
        return []
    weights = tuple(PRIORITY_WEIGHTS.values())
    dens = {c.den for c in cells}
    common = lcm(*dens)
    scale = {den: common // den for den in dens}
    top = max(weights) * max(c.num for c in cells) * common + 1
    countries = {code: i for i, code in enumerate(sorted({c.country for c in cells}))}

    def keys(positions: Iterable[int], best_only: bool) -> list[int]:
        out = []
        for i in positions:
            c = cells[i]
            base = c.num * scale[c.den]
            tie = (countries[c.country] << 6) | (SECTOR_ORDER[c.sector] << 2) | STAGE_ORDER[c.stage]
            for p, needs in enumerate(c.counts):
                if needs:
                    order = (((top - weights[p] * base) << 2) | p) << 30 | tie  # compared
                    out.append(order << 34 | i << 2 | p)  # then where the group is
                    if best_only:
                        break
        return out

    positions: Iterable[int] = range(len(cells))
    if first is not None and first < len(cells):
        # A cell's best group is its first priority with needs; the first n groups overall lie
        # within the n cells whose best groups come first.
        positions = [(key >> 2) & 0xFFFFFFFF for key in
                     heapq.nsmallest(first, keys(positions, best_only=True))]
    found = keys(positions, best_only=False)
    chosen = (heapq.nsmallest(first, found) if first is not None and first < len(found)
              else sorted(found))
    names = list(PRIORITY_WEIGHTS)
    out = []
    for key in chosen:
        p, i = key & 3, (key >> 2) & 0xFFFFFFFF
        cell = cells[i]
        out.append(NeedGroup(cell, names[p], cell.counts[p], cell.score(names[p])))
    return out


def page_slices(ranked: Sequence[NeedGroup], offset: int,
                limit: int) -> list[tuple[NeedGroup, int, int]]:
    """Which groups a page of `limit` needs from `offset` falls on: (group, skip, take); within
    a group needs are ordered by id."""
    out: list[tuple[NeedGroup, int, int]] = []
    position = taken = 0
    for group in ranked:
        if taken >= limit:
            break
        end = position + group.needs
        if end > offset:
            skip = max(0, offset - position)
            take = min(group.needs - skip, limit - taken)
            out.append((group, skip, take))
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


def matrix(cells: Iterable[ScoredCell]) -> dict[tuple[str, str], MatrixCell]:
    """Sector × stage totals: needs, needs no mechanism covers, and summed gap score (every
    cell present, in vocabulary order). Sums are exact: Σ weight × count over priorities, times
    the cell's numerator, is added up per denominator, then over a common denominator."""
    out = {(s.value, t.value): MatrixCell(s.value, t.value) for s in Sector for t in Stage}
    sums: dict[tuple[str, str], dict[int, int]] = {key: {} for key in out}
    weights = tuple(PRIORITY_WEIGHTS.values())
    for c in cells:
        needs = sum(c.counts)
        total = out[(c.sector, c.stage)]
        total.needs += needs
        if not c.covering:
            total.uncovered += needs
        weighted = sum(map(mul, weights, c.counts))
        by_den = sums[(c.sector, c.stage)]
        by_den[c.den] = by_den.get(c.den, 0) + weighted * c.num
    for key, by_den in sums.items():
        if by_den:
            common = lcm(*by_den)
            out[key].score = Fraction(sum(n * (common // d) for d, n in by_den.items()),
                                      common)
    return out
