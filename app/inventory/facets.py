"""The facets of the inventory's search (app/inventory/search.py): how each one filters and
counts. Counting by country group uses each record's groups, worked out once from its scope
codes (or deployed countries) and kept under the change stamps of the records and the groups
(app/inventory/stamps.py), so a request counts them from one list of ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, distinct, func, not_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.inventory import stamps
from app.inventory.records import stale_cutoff
from app.reference import service as reference
from app.reference.models import CountryGroup, CountryGroupMembership

MAIN_GROUP_KINDS = ("world", "region", "ldc", "lldc", "sids")


@dataclass
class Context:
    """What the facets need to know for one search: the country groups' members today, what
    results kept for this search are keyed by (the records' and the groups' change stamps and
    the day; None keeps nothing) and whether it may keep what it computes."""

    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    key: tuple[Hashable, ...] | None = None
    keep: bool = False  # whether what is computed may be kept (nothing written yet)

    def touching(self, group: str) -> set[str]:
        """Scope codes that touch `group`: itself, its countries, groups sharing a country."""
        own = self.members.get(group, frozenset())
        return {group} | own | {g for g, m in self.members.items() if m & own}


Where = list[ColumnElement[bool]]


class Facet:
    values: Callable[[Session], list[str]]

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        raise NotImplementedError

    def counts(self, db: Session, where: Where, ctx: Context,
               values: list[str]) -> dict[str, int]:
        """How many records matching `where` have each value (no condition: all records)."""
        raise NotImplementedError


class AssocFacet(Facet):
    def __init__(self, model_id: InstrumentedAttribute[int], fk: InstrumentedAttribute[int],
                 col: InstrumentedAttribute[Any], values: list[str]) -> None:
        self.model_id, self.fk, self.col, self._values = model_id, fk, col, values
        self.values = lambda db: self._values

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        return self.model_id.in_(select(self.fk).where(self.col.in_(selected)))

    def counts(self, db: Session, where: Where, ctx: Context,
               values: list[str]) -> dict[str, int]:
        # Every row's owner exists (a foreign key): with no condition, none is looked up.
        owned = [self.fk.in_(select(self.model_id).where(*where))] if where else []
        rows = db.execute(select(self.col, func.count(distinct(self.fk)))
                          .where(*owned).group_by(self.col))
        return {str(getattr(v, "value", v)): n for v, n in rows}


class ColumnFacet(Facet):
    """Values of one column; `null` names the value standing for NULL (e.g. status unknown)."""

    def __init__(self, model_id: InstrumentedAttribute[int], col: InstrumentedAttribute[Any],
                 values: list[str], null: str | None = None) -> None:
        self.model_id, self.col, self.null = model_id, col, null
        self._values = values + ([null] if null else [])
        self.values = lambda db: self._values

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        known = [v for v in selected if v != self.null]
        parts = [self.col.in_(known)] if known else []
        if self.null in selected:
            parts.append(self.col.is_(None))
        return or_(*parts)

    def counts(self, db: Session, where: Where, ctx: Context,
               values: list[str]) -> dict[str, int]:
        rows = db.execute(select(self.col, func.count()).select_from(self.model_id.class_)
                          .where(*where).group_by(self.col))
        return {str(self.null if v is None else getattr(v, "value", v)): n for v, n in rows}


class VerificationFacet(Facet):
    """`stale` (never verified, or longer ago than STALE_AFTER_DAYS) or `current`."""

    def __init__(self, model_id: InstrumentedAttribute[int],
                 col: InstrumentedAttribute[Any]) -> None:
        self.model_id, self.col = model_id, col
        self.values = lambda db: ["stale", "current"]

    def _stale(self) -> ColumnElement[bool]:
        return or_(self.col.is_(None), self.col < stale_cutoff())

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        parts = [self._stale() if v == "stale" else not_(self._stale()) for v in selected]
        return or_(*parts)

    def counts(self, db: Session, where: Where, ctx: Context,
               values: list[str]) -> dict[str, int]:
        state = case((self._stale(), "stale"), else_="current")
        rows = db.execute(select(state, func.count()).select_from(self.model_id.class_)
                          .where(*where).group_by(state))
        return {str(v): n for v, n in rows}


class GroupFacet(Facet):
    """Country groups, matched through scope codes (mechanisms) or deployed countries."""

    def __init__(self, model_id: InstrumentedAttribute[int], fk: InstrumentedAttribute[int],
                 codes: list[InstrumentedAttribute[Any]]) -> None:
        self.model_id, self.fk, self.codes = model_id, fk, codes
        self.values = main_groups
        # Records' groups, kept under their stamps (a few sets of values: a filter may add one)
        self._kept: stamps.Memo[dict[int, int]] = stamps.Memo(kept=4)

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        wanted: set[str] = set()
        for group in selected:
            wanted |= ctx.touching(group)
        return self.model_id.in_(select(self.fk).where(or_(*(c.in_(wanted)
                                                             for c in self.codes))))

    def _masks(self, db: Session, ctx: Context, values: list[str]) -> dict[int, int]:
        """Each record's groups among `values`, as a bit mask (bit i: values[i])."""
        touching = [ctx.touching(group) for group in values]
        held: dict[int, set[str]] = {}
        for row in db.connection().execute(select(self.fk, *self.codes)):
            held.setdefault(row[0], set()).update(c for c in row[1:] if c)
        by_codes: dict[frozenset[str], int] = {}  # records often share a scope
        masks = {}
        for owner, codes in held.items():
            frozen = frozenset(codes)
            mask = by_codes.get(frozen)
            if mask is None:
                mask = by_codes[frozen] = sum(1 << i for i, t in enumerate(touching)
                                              if frozen & t)
            masks[owner] = mask
        return masks

    def counts(self, db: Session, where: Where, ctx: Context,
               values: list[str]) -> dict[str, int]:
        key = None if ctx.key is None else (*ctx.key, tuple(values))
        masks = self._kept.get(key, lambda: self._masks(db, ctx, values), keep=ctx.keep)
        if where:
            ids = db.connection().execute(select(self.model_id).where(*where)).scalars()
            tally = Counter(masks.get(i, 0) for i in ids)
        else:
            tally = Counter(masks.values())
        out = dict.fromkeys(values, 0)
        for mask, n in tally.items():
            for i, group in enumerate(values):
                if mask >> i & 1:
                    out[group] += n
        return out


def main_groups(db: Session) -> list[str]:
    """The groups offered as filters: the world, the M49 regions, LDC, LLDC, SIDS."""
    rows = db.execute(select(CountryGroup.code, CountryGroup.kind)
                      .where(CountryGroup.kind.in_(MAIN_GROUP_KINDS)))
    order = {kind: i for i, kind in enumerate(MAIN_GROUP_KINDS)}
    return [code for code, kind in sorted(rows, key=lambda r: (order[r[1]], r[0]))]


# Today's members of each group, kept under the groups' stamp and the day.
_MEMBERS: stamps.Memo[dict[str, frozenset[str]]] = stamps.Memo(kept=2)


def context(db: Session, stamp: str) -> Context:
    """The groups' members today, for a search of the records under change stamp `stamp`; the
    stamps are read once, so that everything kept for the search is computed from one state."""
    day = stamps.today()
    found = stamps.read(db, stamp, stamps.COUNTRY_GROUPS)

    def members() -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for group, country in db.connection().execute(
                select(CountryGroupMembership.group_code, CountryGroupMembership.country_code)
                .where(reference.valid_on(day))):
            out.setdefault(group, set()).add(country)
        return {group: frozenset(countries) for group, countries in out.items()}

    if found is None:
        return Context(members=members())
    keep = stamps.may_keep(db)
    return Context(members=_MEMBERS.get((found[1], day), members, keep=keep), key=(*found, day),
                   keep=keep)
