"""The SQL side of the gap analysis: needs counted per (country, sector, stage) and priority,
scored against the coverage of the active mechanisms (`snapshot.py`) by `gaps.py`.

Coverage is computed once per distinct (country, sector, stage) from an index of mechanism cells
(`gaps.CellIndex`), never by looping over need × mechanism pairs. The index and the scored cells
of each set of filters are kept between requests under the change stamps of the data they come
from (app/inventory/stamps.py); a page of gaps reads only its own needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory import stamps
from app.inventory.models import Mechanism, MechanismScope, MechanismStatus
from app.needs import gaps, snapshot
from app.needs.models import Need
from app.reference import service as reference_service
from app.reference.models import CountryGroup, CountryGroupMembership

StatusFilter = Literal["open", "addressed", "all"]


@dataclass(frozen=True)
class GapFilters:
    country: str | None = None
    group: str | None = None
    sector: str | None = None
    stage: str | None = None
    status: StatusFilter = "open"
    uncovered_only: bool = False

    def query_string(self) -> str:
        """The filters as a query string (for page links), without empty values."""
        pairs = {"country": self.country, "group": self.group, "sector": self.sector,
                 "stage": self.stage, "status": self.status,
                 "uncovered": "1" if self.uncovered_only else None}
        return urlencode({k: v for k, v in pairs.items() if v})


def check_filters(db: Session, filters: GapFilters) -> GapFilters:
    """Upper-case the country, and refuse codes that do not exist (422 naming the field)."""
    country = None
    if filters.country:
        country = reference_service.check_countries(db, codes=[filters.country],
                                                    field="country")[0]
    if filters.group and db.get(CountryGroup, filters.group) is None:
        raise ValidationFailed(translatable("Unknown country group %(code)s.",
                                            code=repr(filters.group)),
                               fields={"group": N_("unknown country group code")})
    return GapFilters(country=country, group=filters.group or None, sector=filters.sector,
                      stage=filters.stage, status=filters.status,
                      uncovered_only=filters.uncovered_only)


def need_conditions(filters: GapFilters,
                    day: dt.date | None = None) -> list[ColumnElement[bool]]:
    """The needs matching `filters`, a group's members as of `day` (today when None)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.status != "all":
        conditions.append(type_coerce(Need.status, String) == filters.status)
    if filters.country:
        conditions.append(Need.country_code == filters.country)
    if filters.group:
        m = CountryGroupMembership
        conditions.append(Need.country_code.in_(
            select(m.country_code).where(m.group_code == filters.group,
                                         reference_service.valid_on(day))))
    if filters.sector:
        conditions.append(type_coerce(Need.sector, String) == filters.sector)
    if filters.stage:
        conditions.append(type_coerce(Need.stage, String) == filters.stage)
    return conditions


def need_cells(db: Session, filters: GapFilters,
               day: dt.date | None = None) -> list[gaps.NeedCell]:
    """Matching needs counted per (country, sector, stage) and priority: one aggregated query
    (answered from the ix_needs_status_key index)."""
    priority = type_coerce(Need.priority, String)
    keys = (Need.country_code, type_coerce(Need.sector, String), type_coerce(Need.stage, String))
    counts = [func.sum(case((priority == p, 1), else_=0)) for p in gaps.PRIORITY_WEIGHTS]
    stmt = select(*keys, *counts).where(*need_conditions(filters, day)).group_by(*keys)
    # Core rows, as plain tuples: kept between requests, they hold only strings and integers,
    # which the cycle collector stops tracking (a Row object it would scan on every pass).
    return [tuple(row) for row in db.connection().execute(stmt)]


class Derived:
    """What pages compute from one list of scored cells (totals, the matrix, the first groups
    ranked), kept with the list: a kept list is shared by the requests that read it (never
    changed), so each is computed once. Two requests may compute one at once; both get it."""

    RANKINGS_KEPT = 8  # pages of a list ask for different lengths

    def __init__(self, cells: list[gaps.ScoredCell]) -> None:
        self.cells = cells
        self._total: tuple[int, int] | None = None
        self._matrix: dict[tuple[str, str], gaps.MatrixCell] | None = None
        self._ranked: dict[int | None, list[gaps.NeedGroup]] = {}

    def totals(self) -> tuple[int, int]:
        """(needs, needs no mechanism covers)."""
        if self._total is None:
            self._total = (sum(sum(c.counts) for c in self.cells),
                           sum(sum(c.counts) for c in self.cells if not c.covering))
        return self._total

    def matrix(self) -> dict[tuple[str, str], gaps.MatrixCell]:
        if self._matrix is None:
            self._matrix = gaps.matrix(self.cells)
        return self._matrix

    def ranked(self, first: int | None) -> list[gaps.NeedGroup]:
        found = self._ranked.get(first)
        if found is None:
            found = gaps.rank(self.cells, first)
            if len(self._ranked) >= self.RANKINGS_KEPT:
                self._ranked.clear()
            self._ranked[first] = found
        return found


@dataclass
class Analysis:
    """Need groups with their covering mechanisms and scores, for one set of filters. The
    cells, matrix and rankings may be shared with other requests: read them, never change
    them."""

    filters: GapFilters
    groups_of: dict[str, frozenset[str]]
    index: gaps.CellIndex
    derived: Derived

    @property
    def cells(self) -> list[gaps.ScoredCell]:
        return self.derived.cells

    @property
    def total(self) -> int:
        return self.derived.totals()[0]

    @property
    def uncovered(self) -> int:
        return self.derived.totals()[1]

    def ranked(self, first: int | None = None) -> list[gaps.NeedGroup]:
        return self.derived.ranked(first)

    def matrix(self) -> dict[tuple[str, str], gaps.MatrixCell]:
        return self.derived.matrix()

    def narrowed(self, *, sector: str | None = None, stage: str | None = None,
                 uncovered_only: bool = False) -> Analysis:
        """The same analysis restricted to a sector, a stage and/or uncovered needs (so a page
        can show the whole matrix and a narrower list from one computation)."""
        filters = GapFilters(country=self.filters.country, group=self.filters.group,
                             sector=sector, stage=stage, status=self.filters.status,
                             uncovered_only=uncovered_only)
        if sector is None and stage is None and not uncovered_only:
            return Analysis(filters, self.groups_of, self.index, self.derived)
        cells = [c for c in self.cells
                 if (sector is None or c.sector == sector) and (stage is None or c.stage == stage)
                 and (not uncovered_only or not c.covering)]
        return Analysis(filters, self.groups_of, self.index, Derived(cells))


# Per filters: the needs counted per cell (kept under the needs' and the groups' stamps and the
# day: a group filter reads today's members), and those cells scored against the coverage
# (under the mechanisms' stamp too). A change to a need, a mechanism or a membership draws a new
# stamp, so it is seen at once; a change to a mechanism alone does not count the needs again.
_COUNTED: stamps.Memo[list[gaps.NeedCell]] = stamps.Memo(kept=8)
_SCORED: stamps.Memo[Derived] = stamps.Memo(kept=8)


def analyse(db: Session, filters: GapFilters) -> Analysis:
    """Score every matching need group against the mechanisms active today."""
    filters = check_filters(db, filters)
    state = snapshot.stamped(db)
    found = snapshot.current_coverage(db, state)
    whole = replace(filters, uncovered_only=False)

    def score() -> Derived:
        counted = _COUNTED.get(state.needs_key(whole),
                               lambda: need_cells(db, whole, day=state.day), keep=state.keep)
        with snapshot.cycle_collection_paused():
            return Derived(gaps.score_cells(counted, found.index))

    derived = _SCORED.get(state.with_needs(whole), score, keep=state.keep)
    if filters.uncovered_only:
        derived = Derived([c for c in derived.cells if not c.covering])
    return Analysis(filters, found.groups_of, found.index, derived)


@dataclass(frozen=True)
class Gap:
    need: Need
    group: gaps.NeedGroup
    covering: frozenset[int]


def _group_key() -> tuple[Any, ...]:
    return (Need.country_code, type_coerce(Need.sector, String), type_coerce(Need.stage, String),
            type_coerce(Need.priority, String))


def needs_on_page(db: Session, slices: Sequence[tuple[gaps.NeedGroup, int, int]],
                  status: StatusFilter) -> list[tuple[gaps.NeedGroup, Need]]:
    """The needs of a page, in page order: whole groups in one query, a group cut by the page's
    start or end on its own (ordered by id, offset and limit)."""
    status_ok = [type_coerce(Need.status, String) == status] if status != "all" else []
    whole = [g for g, skip, take in slices if skip == 0 and take == g.needs]
    found: dict[tuple[str, str, str, str], list[Need]] = {}
    if whole:
        # OR of one equality per group: each term is a search of ix_needs_status_key (a row-value
        # IN list is answered by scanning the table on SQLite).
        either = or_(*(and_(*(c == v for c, v in zip(_group_key(), (
            g.cell.country, g.cell.sector, g.cell.stage, g.priority), strict=True)))
            for g in whole))
        for need in sorted(db.scalars(select(Need).where(either, *status_ok)),
                           key=lambda n: n.id):
            found.setdefault((need.country_code, need.sector.value, need.stage.value,
                              need.priority.value), []).append(need)
    out: list[tuple[gaps.NeedGroup, Need]] = []
    for g, skip, take in slices:
        key = (g.cell.country, g.cell.sector, g.cell.stage, g.priority)
        if skip == 0 and take == g.needs:
            needs = found.get(key, [])
        else:
            needs = list(db.scalars(
                select(Need).where(*(c == v for c, v in zip(_group_key(), key, strict=True)),
                                   *status_ok).order_by(Need.id).offset(skip).limit(take)))
        out.extend((g, need) for need in needs)
    return out


def gap_page(db: Session, analysis: Analysis, *, offset: int, limit: int) -> list[Gap]:
    """One page of ranked gaps: only the needs on the page are read."""
    ranked = analysis.ranked(offset + limit)  # each group holds at least one need
    slices = gaps.page_slices(ranked, offset, limit)
    covering: dict[int, frozenset[int]] = {}  # needs of one cell share their mechanisms
    out = []
    for g, need in needs_on_page(db, slices, analysis.filters.status):
        ids = covering.get(g.cell.mask)
        if ids is None:
            ids = covering[g.cell.mask] = analysis.index.ids_of(g.cell.mask)
        out.append(Gap(need, g, ids))
    return out


def top_needs(db: Session, cells: Sequence[gaps.ScoredCell], status: StatusFilter,
              limit: int) -> list[tuple[int, str]]:
    """(id, country) of the `limit` highest-ranked needs in `cells` (for a challenge link)."""
    slices = gaps.page_slices(gaps.rank(cells, limit), 0, limit)
    return [(n.id, n.country_code) for _g, n in needs_on_page(db, slices, status)]


@dataclass(frozen=True)
class MechanismBrief:
    id: int
    name: str
    acronym: str | None


def briefs(db: Session, ids: Iterable[int]) -> dict[int, MechanismBrief]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.execute(select(Mechanism.id, Mechanism.name, Mechanism.acronym)
                      .where(Mechanism.id.in_(wanted)))
    return {i: MechanismBrief(i, name, acronym) for i, name, acronym in rows}


def _covering_in(db: Session, country: str) -> list[ColumnElement[bool]]:
    codes = [country, *sorted(snapshot.current_coverage(db).groups_of.get(country, frozenset()))]
    scoped = select(MechanismScope.mechanism_id).where(
        (MechanismScope.country_code == country) | MechanismScope.group_code.in_(codes))
    return [type_coerce(Mechanism.status, String) == MechanismStatus.ACTIVE.value,
            Mechanism.id.in_(scoped)]


def active_mechanisms_in(db: Session, *, country: str, limit: int,
                         offset: int = 0) -> tuple[list[MechanismBrief], int]:
    """A page of the active mechanisms whose scope includes the country, directly or through a
    group today, by name; and how many there are."""
    where = _covering_in(db, country)
    total = db.scalar(select(func.count()).select_from(Mechanism).where(*where)) or 0
    rows = db.execute(select(Mechanism.id, Mechanism.name, Mechanism.acronym).where(*where)
                      .order_by(Mechanism.name, Mechanism.id).limit(limit).offset(offset))
    return [MechanismBrief(i, name, acronym) for i, name, acronym in rows], total
