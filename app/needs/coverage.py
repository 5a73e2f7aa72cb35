"""The SQL side of the gap analysis: needs counted per (country, sector, stage) and priority,
the active mechanisms' facets and today's country-group memberships, handed to `gaps.py`.

Coverage is computed once per distinct (country, sector, stage) from an index of mechanism cells
(`gaps.CellIndex`), never by looping over need × mechanism pairs; the index is kept between
requests under a key made of the data it was built from; a page of gaps reads only its own needs.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import String, and_, case, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory.models import (
    Mechanism,
    MechanismFunction,
    MechanismScope,
    MechanismSector,
    MechanismStage,
    MechanismStatus,
)
from app.needs import gaps
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


def _membership_rows(db: Session) -> tuple[tuple[str, str], ...]:
    m = CountryGroupMembership
    return tuple(tuple(r) for r in db.execute(  # type: ignore[misc]
        select(m.country_code, m.group_code).where(reference_service.valid_on(None))
        .order_by(m.country_code, m.group_code)))


def _groups(rows: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for country, group in rows:
        out.setdefault(country, set()).add(group)
    return {country: frozenset(groups) for country, groups in out.items()}


def current_groups(db: Session) -> dict[str, frozenset[str]]:
    """Every country's groups today (WORLD, regions, LDC, LLDC, SIDS...)."""
    return _groups(_membership_rows(db))


def _inventory_text(db: Session) -> tuple[str | None, ...]:
    """The active mechanisms and every facet row as five strings ("12:energy_supply,12:water,
    ..."): one round trip, one scan per table and no Python object per row. Codes hold no
    commas or colons."""

    def joined(owner: Any, value: Any) -> Any:
        pair = type_coerce(cast(owner, String) + ":" + type_coerce(value, String), String)
        return select(func.aggregate_strings(pair, ",")).scalar_subquery()

    active = type_coerce(Mechanism.status, String) == MechanismStatus.ACTIVE.value
    stmt = select(
        select(func.aggregate_strings(cast(Mechanism.id, String), ",")).where(active)
        .scalar_subquery(),
        joined(MechanismScope.mechanism_id,
               func.coalesce(MechanismScope.group_code, MechanismScope.country_code)),
        joined(MechanismSector.mechanism_id, MechanismSector.sector),
        joined(MechanismStage.mechanism_id, MechanismStage.stage),
        joined(MechanismFunction.mechanism_id, MechanismFunction.function))
    return tuple(db.connection().execute(stmt).one())  # Core: no ORM overhead on big rows


def _facets(text: tuple[str | None, ...]) -> list[gaps.MechanismFacets]:
    active, *facet_texts = text
    ids = sorted(int(i) for i in active.split(",")) if active else []
    facets: list[dict[int, set[str]]] = [{i: set() for i in ids} for _ in facet_texts]
    for into, joined in zip(facets, facet_texts, strict=True):
        for pair in joined.split(",") if joined else ():
            owner, _, value = pair.partition(":")
            found = into.get(int(owner))
            if found is not None:
                found.add(value)
    scope, sectors, stages, functions = facets
    return [gaps.MechanismFacets(id=i, scope=frozenset(scope[i]), sectors=frozenset(sectors[i]),
                                 stages=frozenset(stages[i]), functions=frozenset(functions[i]))
            for i in ids]


def mechanism_facets(db: Session) -> list[gaps.MechanismFacets]:
    """Scope, sectors, stages and functions of the active mechanisms, as plain strings."""
    return _facets(_inventory_text(db))


@dataclass(frozen=True)
class Coverage:
    """Today's country groups and the index of active mechanisms' cells."""

    groups_of: dict[str, frozenset[str]]
    index: gaps.CellIndex


# Content-addressed: the key is the very data the index is built from (today's memberships and
# the active mechanisms' facets), so a cached index can never be stale; building it is skipped
# only when that data is identical. Two entries: e.g. the site and a scratch database.
_COVERAGE: OrderedDict[tuple[Any, ...], Coverage] = OrderedDict()
_COVERAGE_LOCK = threading.Lock()
_COVERAGE_KEPT = 2


def current_coverage(db: Session) -> Coverage:
    memberships = _membership_rows(db)
    facets = _inventory_text(db)
    key = (memberships, facets)
    with _COVERAGE_LOCK:
        found = _COVERAGE.get(key)
        if found is not None:
            _COVERAGE.move_to_end(key)
            return found
    groups_of = _groups(memberships)
    built = Coverage(groups_of, gaps.CellIndex(_facets(facets), groups_of))
    with _COVERAGE_LOCK:
        _COVERAGE[key] = built
        while len(_COVERAGE) > _COVERAGE_KEPT:
            _COVERAGE.popitem(last=False)
    return built


def need_conditions(filters: GapFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status != "all":
        conditions.append(type_coerce(Need.status, String) == filters.status)
    if filters.country:
        conditions.append(Need.country_code == filters.country)
    if filters.group:
        m = CountryGroupMembership
        conditions.append(Need.country_code.in_(
            select(m.country_code).where(m.group_code == filters.group,
                                         reference_service.valid_on(None))))
    if filters.sector:
        conditions.append(type_coerce(Need.sector, String) == filters.sector)
    if filters.stage:
        conditions.append(type_coerce(Need.stage, String) == filters.stage)
    return conditions


def need_cells(db: Session, filters: GapFilters) -> Sequence[gaps.NeedCell]:
    """Matching needs counted per (country, sector, stage) and priority: one aggregated query
    (answered from the ix_needs_status_key index)."""
    priority = type_coerce(Need.priority, String)
    keys = (Need.country_code, type_coerce(Need.sector, String), type_coerce(Need.stage, String))
    counts = [func.sum(case((priority == p, 1), else_=0)) for p in gaps.PRIORITY_WEIGHTS]
    stmt = select(*keys, *counts).where(*need_conditions(filters)).group_by(*keys)
    return list(db.connection().execute(stmt))  # Core rows: no ORM overhead per row


@dataclass
class Analysis:
    """Need groups with their covering mechanisms and scores, for one set of filters."""

    filters: GapFilters
    groups_of: dict[str, frozenset[str]]
    index: gaps.CellIndex
    cells: list[gaps.ScoredCell]

    @property
    def total(self) -> int:
        return sum(sum(c.counts) for c in self.cells)

    @property
    def uncovered(self) -> int:
        return sum(sum(c.counts) for c in self.cells if not c.covering)

    def ranked(self, first: int | None = None) -> list[gaps.NeedGroup]:
        return gaps.rank(self.cells, first)

    def matrix(self) -> dict[tuple[str, str], gaps.MatrixCell]:
        return gaps.matrix(self.cells)

    def narrowed(self, *, sector: str | None = None, stage: str | None = None,
                 uncovered_only: bool = False) -> Analysis:
        """The same analysis restricted to a sector, a stage and/or uncovered needs (so a page
        can show the whole matrix and a narrower list from one computation)."""
        cells = [c for c in self.cells
                 if (sector is None or c.sector == sector) and (stage is None or c.stage == stage)
                 and (not uncovered_only or not c.covering)]
        filters = GapFilters(country=self.filters.country, group=self.filters.group,
                             sector=sector, stage=stage, status=self.filters.status,
                             uncovered_only=uncovered_only)
        return Analysis(filters, self.groups_of, self.index, cells)


_PAUSE_LOCK = threading.Lock()
_pauses = 0
_collector_was_enabled = True


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while tens of thousands of short-lived tuples are
    made: they hold no cycles (reference counting frees them), yet their number alone triggers
    full collections that scan the whole process heap, which cost more than the analysis itself.
    Concurrent pauses nest; the collector is restarted when the last one ends."""
    global _pauses, _collector_was_enabled
    with _PAUSE_LOCK:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


def analyse(db: Session, filters: GapFilters) -> Analysis:
    """Score every matching need group against the mechanisms active today."""
    filters = check_filters(db, filters)
    with _cycle_collection_paused():
        found = current_coverage(db)
        cells = gaps.score_cells(need_cells(db, filters), found.index)
    if filters.uncovered_only:
        cells = [c for c in cells if not c.covering]
    return Analysis(filters, found.groups_of, found.index, cells)


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
    return [Gap(need, g, analysis.index.ids_of(g.cell.mask))
            for g, need in needs_on_page(db, slices, analysis.filters.status)]


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


def active_mechanisms_in(db: Session, *, country: str) -> list[MechanismBrief]:
    """Active mechanisms whose scope includes the country, directly or through a group today."""
    codes = [country, *sorted(current_groups(db).get(country, frozenset()))]
    scoped = select(MechanismScope.mechanism_id).where(
        (MechanismScope.country_code == country) | MechanismScope.group_code.in_(codes))
    rows = db.execute(select(Mechanism.id, Mechanism.name, Mechanism.acronym)
                      .where(type_coerce(Mechanism.status, String)
                             == MechanismStatus.ACTIVE.value, Mechanism.id.in_(scoped))
                      .order_by(Mechanism.name))
    return [MechanismBrief(i, name, acronym) for i, name, acronym in rows]
