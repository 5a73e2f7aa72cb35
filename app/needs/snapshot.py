"""The inventory as the gap analysis sees it: the active mechanisms' facets, today's country
groups and the index of mechanism cells (`gaps.CellIndex`), built once and kept in memory under
the change stamps of the mechanisms' coverage and the country groups, and the day
(app/inventory/stamps.py).

A write elsewhere (a challenge, an entry, a need, a mechanism's name or budget) leaves them as
they are; a change to what a mechanism covers or to a membership draws a new stamp, and the next
request builds them anew.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.inventory import stamps
from app.inventory.models import (
    Mechanism,
    MechanismFunction,
    MechanismScope,
    MechanismSector,
    MechanismStage,
    MechanismStatus,
)
from app.needs import gaps
from app.reference import service as reference_service
from app.reference.models import CountryGroupMembership

_PAUSE_LOCK = threading.Lock()
_pauses = 0
_collector_was_enabled = True


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
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


@dataclass(frozen=True)
class Stamped:
    """The stamps one request's results are computed under, read once (so that results built
    from each other share one state), the day memberships are read for, and whether what is
    computed may be kept (the request has written nothing)."""

    day: dt.date
    coverage: str | None  # stamps.MECHANISM_COVERAGE
    mechanisms: str | None  # stamps.MECHANISMS: names and budgets too
    country_groups: str | None
    needs: str | None
    keep: bool = False

    @property
    def coverage_key(self) -> tuple[Any, ...] | None:
        """A key for results computed from the coverage (`Coverage`)."""
        if self.coverage is None or self.country_groups is None:
            return None
        return (self.coverage, self.country_groups, self.day)

    def needs_key(self, *extra: Any) -> tuple[Any, ...] | None:
        """A key for results computed from the needs and today's country groups."""
        if self.needs is None or self.country_groups is None:
            return None
        return (self.needs, self.country_groups, self.day, *extra)

    def with_needs(self, *extra: Any) -> tuple[Any, ...] | None:
        """A key for results computed from the coverage and the needs."""
        base = self.coverage_key
        if base is None or self.needs is None:
            return None
        return (*base, self.needs, *extra)

    def with_mechanisms(self, *extra: Any) -> tuple[Any, ...] | None:
        """A key for results computed from the coverage and any mechanism column."""
        base = self.coverage_key
        if base is None or self.mechanisms is None:
            return None
        return (*base, self.mechanisms, *extra)


def stamped(db: Session) -> Stamped:
    day = stamps.today()
    found = stamps.read(db, stamps.MECHANISM_COVERAGE, stamps.MECHANISMS,
                        stamps.COUNTRY_GROUPS, stamps.NEEDS)
    if found is None:
        return Stamped(day, None, None, None, None)
    coverage, mechanisms, country_groups, needs = found
    return Stamped(day, coverage, mechanisms, country_groups, needs, keep=stamps.may_keep(db))


def membership_rows(db: Session, day: dt.date) -> list[tuple[str, str]]:
    """(country, group) of every membership holding on `day`."""
    m = CountryGroupMembership
    return [(c, g) for c, g in db.connection().execute(
        select(m.country_code, m.group_code).where(reference_service.valid_on(day))
        .order_by(m.country_code, m.group_code))]


def _facet_columns() -> list[tuple[Any, Any]]:
    """(owner, value) of each facet: scope codes, sectors, stages, functions."""
    return [(MechanismScope.mechanism_id,
             func.coalesce(MechanismScope.group_code, MechanismScope.country_code)),
            (MechanismSector.mechanism_id, MechanismSector.sector),
            (MechanismStage.mechanism_id, MechanismStage.stage),
            (MechanismFunction.mechanism_id, MechanismFunction.function)]


def _aggregated(value: Any) -> Any:
    return func.aggregate_strings(type_coerce(value, String), ",")  # codes hold no commas


def _facets_statement(dialect: str) -> Any:
    """One row per active mechanism: its id and each facet's values as "a,b,c". SQLite is
    fastest with a correlated subquery per facet (a search of the primary-key index each);
    PostgreSQL with each facet table aggregated once and joined (twice as fast as subplans)."""
    active = type_coerce(Mechanism.status, String) == MechanismStatus.ACTIVE.value
    if dialect == "sqlite":
        return select(Mechanism.id, *(
            select(_aggregated(value)).where(owner == Mechanism.id).scalar_subquery()
            for owner, value in _facet_columns())).where(active).order_by(Mechanism.id)
    grouped = [select(owner.label("owner"), _aggregated(value).label("joined"))
               .group_by(owner).subquery() for owner, value in _facet_columns()]
    stmt = select(Mechanism.id, *(g.c.joined for g in grouped)).select_from(Mechanism)
    for g in grouped:
        stmt = stmt.outerjoin(g, g.c.owner == Mechanism.id)
    return stmt.where(active).order_by(Mechanism.id)


def load_facets(db: Session) -> list[gaps.MechanismFacets]:
    """Scope, sectors, stages and functions of the active mechanisms, by id (equal sets are
    one object)."""
    stmt = _facets_statement(db.get_bind().dialect.name)
    shared: dict[str | None, frozenset[str]] = {None: frozenset()}

    def one(text: str | None) -> frozenset[str]:
        found = shared.get(text)
        if found is None:
            found = shared[text] = frozenset(text.split(","))  # type: ignore[union-attr]
        return found

    return [gaps.MechanismFacets(id=i, scope=one(scope), sectors=one(sectors),
                                 stages=one(stages), functions=one(functions))
            for i, scope, sectors, stages, functions in db.connection().execute(stmt)]


@dataclass(frozen=True)
class Coverage:
    """Today's country groups, the active mechanisms' facets and the index of their cells."""

    day: dt.date
    groups_of: dict[str, frozenset[str]]  # country -> its groups today
    members: dict[str, frozenset[str]]  # group -> its countries today
    facets: list[gaps.MechanismFacets]
    index: gaps.CellIndex


def build(db: Session, day: dt.date) -> Coverage:
    with cycle_collection_paused():
        groups: dict[str, set[str]] = {}
        members: dict[str, set[str]] = {}
        for country, group in membership_rows(db, day):
            groups.setdefault(country, set()).add(group)
            members.setdefault(group, set()).add(country)
        groups_of = {c: frozenset(g) for c, g in groups.items()}
        facets = load_facets(db)
        return Coverage(day, groups_of, {g: frozenset(c) for g, c in members.items()}, facets,
                        gaps.CellIndex(facets, groups_of))


# Two kept: e.g. across a day's turn, or a site and a scratch database in one process.
_COVERAGE: stamps.Memo[Coverage] = stamps.Memo(kept=2)


def current_coverage(db: Session, state: Stamped | None = None) -> Coverage:
    """The coverage for the stamps read now (or for `state`, read earlier in this request)."""
    state = state or stamped(db)
    return _COVERAGE.get(state.coverage_key, lambda: build(db, state.day), keep=state.keep)
