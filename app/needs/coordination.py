"""The coordination view: which mechanisms overlap, where needs go uncovered, where nobody works,
and where the recorded budgets go. SQL here; arithmetic in `gaps.py`, `overlaps.py` and
`budgets.py`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory import stamps
from app.inventory.models import Mechanism, MechanismStatus
from app.kit.money import is_currency, minor_exponent
from app.needs import budgets as budget_math
from app.needs import gaps, snapshot
from app.needs import overlaps as overlap_math
from app.needs.coverage import GapFilters, MechanismBrief, analyse, briefs
from app.needs.snapshot import Coverage
from app.reference.vocab import Sector, Stage

OVERLAP_DEFINITION = N_(
    "Coverage similarity is the Jaccard index |A ∩ B| / |A ∪ B| of two active mechanisms' "
    "coverage cells: country × sector × effective stage, with scope groups expanded to the "
    "countries in them today and only the stages for which one of the mechanism's functions "
    "counts. Function similarity is the Jaccard index of their function sets.")


def _said(exc: ValueError) -> str:
    """What a ValueError says, as raised (`str(exc)` would drop a page's translation of it)."""
    said = exc.args[0] if len(exc.args) == 1 else None
    return said if isinstance(said, str) else str(exc)


@dataclass(frozen=True)
class OverlapRow:
    a: MechanismBrief
    b: MechanismBrief
    coverage: Fraction
    functions: Fraction


def coverage_shapes(found: Coverage) -> list[overlap_math.CoverageShape]:
    """Each active mechanism's countries (scope expanded today) and (sector, stage) cells."""
    members = found.members
    known = members.get("WORLD", frozenset()).union(*members.values())
    # One set per distinct scope code, scope, stages and functions, and sectors and stages.
    codes: dict[str, frozenset[str]] = {}
    expanded: dict[frozenset[str], frozenset[str]] = {}
    effective: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}
    products: dict[tuple[frozenset[str], frozenset[str]], frozenset[tuple[str, str]]] = {}

    def countries_of(code: str) -> frozenset[str]:  # a group's members today, or the country
        countries = codes.get(code)
        if countries is None:
            countries = codes[code] = members.get(code) or frozenset({code} & known)
        return countries

    shapes = []
    for f in found.facets:
        countries = expanded.get(f.scope)
        if countries is None:
            countries = expanded[f.scope] = frozenset().union(*map(countries_of, f.scope))
        stages = effective.get((f.stages, f.functions))
        if stages is None:
            stages = effective[(f.stages, f.functions)] = gaps.effective_stages(f.stages,
                                                                                f.functions)
        cells = products.get((f.sectors, stages))
        if cells is None:
            cells = products[(f.sectors, stages)] = frozenset(
                (s, t) for s in f.sectors for t in stages)
        shapes.append(overlap_math.CoverageShape(f.id, countries, cells, f.functions))
    return shapes


# The pairs found for each threshold and length (the API's may differ from the page's), kept
# under the coverage's stamps; their names are read on each request (a rename leaves the pairs
# as they were). The shapes are not kept: thousands of sets the cycle collector would scan on
# every full pass, for a few milliseconds saved.
_OVERLAPS: stamps.Memo[list[overlap_math.Overlap]] = stamps.Memo(kept=8)


def overlaps(db: Session, *, threshold: Decimal, limit: int,
             function_threshold: Decimal = Decimal(0)) -> list[OverlapRow]:
    """The most overlapping pairs of active mechanisms at or above `threshold`."""
    fields: dict[str, str] = {}
    if not 0 < threshold <= 1:
        fields["threshold"] = N_("must be above 0 and at most 1")
    if not 0 <= function_threshold <= 1:
        fields["function_threshold"] = N_("must be between 0 and 1")
    if fields:
        raise ValidationFailed(fields=fields)
    state = snapshot.stamped(db)
    found = snapshot.current_coverage(db, state)

    def pairs() -> list[overlap_math.Overlap]:
        with snapshot.cycle_collection_paused():  # thousands of sets, garbage once paired
            return overlap_math.overlapping_pairs(
                coverage_shapes(found), threshold=Fraction(threshold), limit=limit,
                function_threshold=Fraction(function_threshold))

    base = state.coverage_key
    key = None if base is None else (*base, Fraction(threshold), Fraction(function_threshold),
                                     limit)
    paired = _OVERLAPS.get(key, pairs, keep=state.keep)
    names = briefs(db, [i for o in paired for i in (o.a, o.b)])
    return [OverlapRow(names[o.a], names[o.b], o.coverage, o.functions) for o in paired
            if o.a in names and o.b in names]  # one deleted since the stamps were read


@dataclass(frozen=True)
class CellCount:
    sector: str
    stage: str
    needs: int
    uncovered: int


@dataclass(frozen=True)
class Cells:
    uncovered: list[CellCount]
    nobody_works: list[CellCount]


def cells(db: Session, *, group: str | None = None) -> Cells:
    """Sector × stage cells with open needs no mechanism covers (most uncovered first), and cells
    where no active mechanism works anywhere (with the open needs there, if any)."""
    analysis = analyse(db, GapFilters(group=group))
    matrix = analysis.matrix()
    worked = analysis.index.worked_cells()
    uncovered = sorted((CellCount(c.sector, c.stage, c.needs, c.uncovered)
                        for c in matrix.values() if c.uncovered),
                       key=lambda c: (-c.uncovered, gaps.SECTOR_ORDER[c.sector],
                                      gaps.STAGE_ORDER[c.stage]))
    nobody = [CellCount(s.value, t.value, matrix[(s.value, t.value)].needs,
                        matrix[(s.value, t.value)].uncovered)
              for s in Sector for t in Stage if (s.value, t.value) not in worked]
    return Cells(uncovered, nobody)


@dataclass(frozen=True)
class BudgetItem:
    mechanism: MechanismBrief
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class BudgetView:
    currency: str | None
    rates: dict[str, Decimal]
    distributions: list[budget_math.Distribution]
    unconverted: list[BudgetItem]
    unallocated: list[BudgetItem]


# Per currency and rates, under the coverage's and the mechanisms' stamps.
_BUDGETS: stamps.Memo[BudgetView] = stamps.Memo(kept=8)


def budgets(db: Session, *, currency: str | None, rates: str | None) -> BudgetView:
    """Recorded budgets of active mechanisms spread over their declared sector × stage cells,
    in `currency` where a rate is supplied, otherwise per currency."""
    target = currency.strip().upper() if currency and currency.strip() else None
    if target is not None and not is_currency(target):
        raise ValidationFailed(fields={"currency": translatable(
            "%(code)s is not an ISO 4217 currency", code=repr(target))})
    try:
        parsed = budget_math.parse_rates(rates, is_currency=is_currency)
    except ValueError as exc:
        reason = _said(exc)
        raise ValidationFailed(translatable("The rates are not valid: %(reason)s.", reason=reason),
                               fields={"rates": reason}) from exc
    if parsed and target is None:
        raise ValidationFailed(
            fields={"currency": N_("choose the currency the rates convert into")})
    if target in parsed:
        raise ValidationFailed(fields={"rates": translatable(
            "no rate is needed for %(code)s itself", code=target)})
    state = snapshot.stamped(db)
    found = snapshot.current_coverage(db, state)

    def view() -> BudgetView:
        facets = {f.id: f for f in found.facets}
        rows = db.connection().execute(
            select(Mechanism.id, Mechanism.budget_amount_minor, Mechanism.budget_currency)
            .where(type_coerce(Mechanism.status, String) == MechanismStatus.ACTIVE.value,
                   Mechanism.budget_amount_minor.is_not(None),
                   Mechanism.budget_currency.is_not(None)))
        with snapshot.cycle_collection_paused():  # thousands of budgets, garbage once spread
            items = [budget_math.Budget(i, amount, code, facets[i].sectors, facets[i].stages)
                     for i, amount, code in rows if i in facets and amount is not None and code]
            report = budget_math.distribute_budgets(items, target=target, rates=parsed,
                                                    exponent=minor_exponent)
        names = briefs(db, [b.mechanism_id for b in report.unconverted + report.unallocated])

        def listed(found: list[budget_math.Budget]) -> list[BudgetItem]:
            return [BudgetItem(names[b.mechanism_id], b.amount_minor, b.currency)
                    for b in found]

        return BudgetView(target, parsed, report.distributions, listed(report.unconverted),
                          listed(report.unallocated))

    as_given = tuple((code, str(rate)) for code, rate in parsed.items())  # 1.08 ≠ 1.080 shown
    # The cells come from the coverage, the budgets and names from any mechanism column.
    return _BUDGETS.get(state.with_mechanisms(target, as_given), view, keep=state.keep)

