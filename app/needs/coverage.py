"""The SQL side of the gap analysis: needs grouped by (country, sector, stage, priority), the
active mechanisms' facets and today's country-group memberships, handed to `gaps.py`.

Coverage is computed once per distinct (country, sector, stage) from an index of mechanism cells,
never by looping over need × mechanism pairs; a page of gaps then reads only its own needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.errors import ValidationFailed
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
        raise ValidationFailed(f"Unknown country group {filters.group!r}.",
                               fields={"group": "unknown country group code"})
    return GapFilters(country=country, group=filters.group or None, sector=filters.sector,
                      stage=filters.stage, status=filters.status,
                      uncovered_only=filters.uncovered_only)


def current_groups(db: Session) -> dict[str, frozenset[str]]:
    """Every country's groups today (WORLD, regions, LDC, LLDC, SIDS...)."""
    m = CountryGroupMembership
    out: dict[str, set[str]] = {}
    for country, group in db.execute(select(m.country_code, m.group_code)
                                     .where(reference_service.valid_on(None))):
        out.setdefault(country, set()).add(group)
    return {country: frozenset(groups) for country, groups in out.items()}


def mechanism_facets(db: Session, *, active_only: bool = True) -> list[gaps.MechanismFacets]:
    """Scope, sectors, stages and functions of the mechanisms, as plain strings."""
    status = type_coerce(Mechanism.status, String)
    ids = dict(db.execute(select(Mechanism.id, status)).all())
    if active_only:
        ids = {i: s for i, s in ids.items() if s == MechanismStatus.ACTIVE.value}
    facets: dict[str, dict[int, set[str]]] = {k: {} for k in
                                              ("scope", "sector", "stage", "function")}
    queries = {
        "scope": select(MechanismScope.mechanism_id,
                        func.coalesce(MechanismScope.group_code, MechanismScope.country_code)),
        "sector": select(MechanismSector.mechanism_id, type_coerce(MechanismSector.sector,
                                                                   String)),
        "stage": select(MechanismStage.mechanism_id, type_coerce(MechanismStage.stage, String)),
        "function": select(MechanismFunction.mechanism_id,
                           type_coerce(MechanismFunction.function, String)),
    }
    for kind, stmt in queries.items():
        into = facets[kind]
        for mechanism_id, value in db.execute(stmt):
            if mechanism_id in ids:
                into.setdefault(mechanism_id, set()).add(value)
    empty: frozenset[str] = frozenset()
    return [gaps.MechanismFacets(
        id=i, scope=frozenset(facets["scope"].get(i, empty)),
        sectors=frozenset(facets["sector"].get(i, empty)),
        stages=frozenset(facets["stage"].get(i, empty)),
        functions=frozenset(facets["function"].get(i, empty)),
        active=s == MechanismStatus.ACTIVE.value) for i, s in sorted(ids.items())]


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


def need_groups(db: Session, filters: GapFilters) -> list[gaps.NeedGroup]:
    """Matching needs counted per (country, sector, stage, priority): one aggregated query."""
    keys = (Need.country_code, type_coerce(Need.sector, String),
            type_coerce(Need.stage, String), type_coerce(Need.priority, String))
    stmt = select(*keys, func.count()).where(*need_conditions(filters)).group_by(*keys)
    return [gaps.NeedGroup(c, s, t, p, n) for c, s, t, p, n in db.execute(stmt)]


@dataclass
class Analysis:
    """Ranked need groups with their covering mechanisms and scores, for one set of filters."""

    filters: GapFilters
    groups_of: dict[str, frozenset[str]]
    index: gaps.CellIndex
    ranked: list[gaps.ScoredGroup]

    @property
    def total(self) -> int:
        return sum(sg.group.count for sg in self.ranked)

    def matrix(self) -> dict[tuple[str, str], gaps.MatrixCell]:
        return gaps.matrix(self.ranked)

    def narrowed(self, *, sector: str | None = None, stage: str | None = None,
                 uncovered_only: bool = False) -> Analysis:
        """The same analysis restricted to a sector, a stage and/or uncovered needs (so a page
        can show the whole matrix and a narrower list from one computation)."""
        ranked = [sg for sg in self.ranked
                  if (sector is None or sg.group.sector == sector)
                  and (stage is None or sg.group.stage == stage)
                  and (not uncovered_only or not sg.covering)]
        filters = GapFilters(country=self.filters.country, group=self.filters.group,
                             sector=sector, stage=stage, status=self.filters.status,
                             uncovered_only=uncovered_only)
        return Analysis(filters, self.groups_of, self.index, ranked)


def analyse(db: Session, filters: GapFilters) -> Analysis:
    """Score every matching need group against the mechanisms active today."""
    filters = check_filters(db, filters)
    groups_of = current_groups(db)
    index = gaps.CellIndex(mechanism_facets(db), groups_of)
    ranked = gaps.score_groups(need_groups(db, filters), index, groups_of)
    if filters.uncovered_only:
        ranked = [sg for sg in ranked if not sg.covering]
    return Analysis(filters, groups_of, index, ranked)


@dataclass(frozen=True)
class Gap:
    need: Need
    score: gaps.ScoredGroup


def needs_of(db: Session, sg: gaps.ScoredGroup, status: StatusFilter, *, skip: int,
             take: int) -> list[Need]:
    g = sg.group
    stmt = (select(Need).where(Need.country_code == g.country,
                               type_coerce(Need.sector, String) == g.sector,
                               type_coerce(Need.stage, String) == g.stage,
                               type_coerce(Need.priority, String) == g.priority)
            .order_by(Need.id).offset(skip).limit(take))
    if status != "all":
        stmt = stmt.where(type_coerce(Need.status, String) == status)
    return list(db.scalars(stmt))


def gap_page(db: Session, analysis: Analysis, *, offset: int, limit: int) -> list[Gap]:
    """One page of ranked gaps: only the needs on the page are read."""
    out: list[Gap] = []
    for sg, skip, take in gaps.page_slices(analysis.ranked, offset, limit):
        out.extend(Gap(need, sg) for need in needs_of(db, sg, analysis.filters.status,
                                                      skip=skip, take=take))
    return out


def top_needs(db: Session, ranked: Iterable[gaps.ScoredGroup], status: StatusFilter,
              limit: int) -> list[tuple[int, str]]:
    """(id, country) of the `limit` highest-ranked needs among `ranked` (for a challenge link)."""
    found: list[tuple[int, str]] = []
    for sg, skip, take in gaps.page_slices(list(ranked), 0, limit):
        found.extend((n.id, n.country_code)
                     for n in needs_of(db, sg, status, skip=skip, take=take))
    return found


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
