"""Full-text search with facets, sorting and pagination, on SQLite and PostgreSQL alike.

Text: the words of the query (letters and digits; quotes, operators and punctuation are dropped)
must all occur in the name, acronym or description (a technology: name, summary, description),
after English stemming. SQLite matches them in an FTS5 table kept in sync by triggers (Porter
stemmer) and ranks by bm25; PostgreSQL matches a `to_tsvector('english', ...)` expression
(GIN-indexed) with `plainto_tsquery` and ranks by `ts_rank`; on both, records whose name (or
acronym) holds every word come first. Tables, triggers and indexes come from migration 0004.

Facets: values of one facet are OR-ed, facets are AND-ed. The counts of a facet are computed
over the records matching the text and every *other* facet's filter, ignoring its own filter
("disjunctive" faceting), so a reader can see how many records ticking one more box would add.

Country groups: a mechanism matches group G when its geographic scope touches G, that is, the
scope names G itself, a country that belongs to G today, or another group sharing at least one
country with G (a mechanism for the whole WORLD serves LDCs; one for Africa serves some LDCs).
A technology matches G when it is deployed in a country of G.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    column,
    distinct,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory.labels import facet_labels
from app.inventory.models import (
    Availability,
    Mechanism,
    MechanismFunction,
    MechanismKind,
    MechanismScope,
    MechanismSector,
    MechanismStage,
    MechanismStatus,
    Technology,
    TechnologyCountry,
    TechnologySector,
)
from app.inventory.records import stale_cutoff
from app.reference import service as reference
from app.reference.models import CountryGroup, CountryGroupMembership
from app.reference.vocab import Function, Sector, Stage

SORTS = ("relevance", "name", "verified")
MAIN_GROUP_KINDS = ("world", "region", "ldc", "lldc", "sids")

# The same expressions as the GIN indexes of migration 0004 (PostgreSQL uses the index only
# when the query repeats the indexed expression).
PG_VECTORS = {
    "mechanisms": "(setweight(to_tsvector('english'::regconfig, coalesce(name, '') || ' ' || "
                  "coalesce(acronym, '')), 'A') || setweight(to_tsvector('english'::regconfig, "
                  "coalesce(description, '')), 'C'))",
    "technologies": "(setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
                    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') || "
                    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), "
                    "'C'))",
}
# bm25 column weights on SQLite, in the FTS tables' column order.
FTS_WEIGHTS = {"mechanisms": "10.0, 10.0, 1.0", "technologies": "10.0, 4.0, 1.0"}


def query_terms(q: str | None) -> list[str]:
    """The words of a search text; everything that could be query syntax is dropped."""
    return re.findall(r"[^\W_]+", q or "")[:20]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH string that only ever means "all these words": each term is a quoted
    string (terms hold letters and digits only, so no quote can end it early)."""
    return " ".join(f'"{t}"' for t in terms)


@dataclass
class Context:
    """What the facets need to know for one search: the country groups' members today."""

    members: dict[str, set[str]] = field(default_factory=dict)

    def touching(self, group: str) -> set[str]:
        """Scope codes that touch `group`: itself, its countries, groups sharing a country."""
        own = self.members.get(group, set())
        return {group} | own | {g for g, m in self.members.items() if m & own}


class Facet:
    values: Callable[[Session], list[str]]

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        raise NotImplementedError

    def counts(self, db: Session, ids: Select[Any], ctx: Context,
               values: list[str]) -> dict[str, int]:
        raise NotImplementedError


class AssocFacet(Facet):
    def __init__(self, model_id: InstrumentedAttribute[int], fk: InstrumentedAttribute[int],
                 col: InstrumentedAttribute[Any], values: list[str]) -> None:
        self.model_id, self.fk, self.col, self._values = model_id, fk, col, values
        self.values = lambda db: self._values

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        return self.model_id.in_(select(self.fk).where(self.col.in_(selected)))

    def counts(self, db: Session, ids: Select[Any], ctx: Context,
               values: list[str]) -> dict[str, int]:
        rows = db.execute(select(self.col, func.count(distinct(self.fk)))
                          .where(self.fk.in_(ids)).group_by(self.col))
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

    def counts(self, db: Session, ids: Select[Any], ctx: Context,
               values: list[str]) -> dict[str, int]:
        rows = db.execute(select(self.col, func.count()).where(self.model_id.in_(ids))
                          .group_by(self.col))
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

    def counts(self, db: Session, ids: Select[Any], ctx: Context,
               values: list[str]) -> dict[str, int]:
        state = case((self._stale(), "stale"), else_="current")
        rows = db.execute(select(state, func.count()).where(self.model_id.in_(ids))
                          .group_by(state))
        return {str(v): n for v, n in rows}


class GroupFacet(Facet):
    """Country groups, matched through scope codes (mechanisms) or deployed countries."""

    def __init__(self, model_id: InstrumentedAttribute[int], fk: InstrumentedAttribute[int],
                 codes: list[InstrumentedAttribute[Any]]) -> None:
        self.model_id, self.fk, self.codes = model_id, fk, codes
        self.values = main_groups

    def condition(self, selected: list[str], ctx: Context) -> ColumnElement[bool]:
        wanted: set[str] = set()
        for group in selected:
            wanted |= ctx.touching(group)
        return self.model_id.in_(select(self.fk).where(or_(*(c.in_(wanted)
                                                             for c in self.codes))))

    def counts(self, db: Session, ids: Select[Any], ctx: Context,
               values: list[str]) -> dict[str, int]:
        held: dict[int, set[str]] = {}
        for row in db.execute(select(self.fk, *self.codes).where(self.fk.in_(ids))):
            held.setdefault(row[0], set()).update(c for c in row[1:] if c)
        out: dict[str, int] = {}
        for group in values:
            touching = ctx.touching(group)
            out[group] = sum(1 for codes in held.values() if codes & touching)
        return out


def main_groups(db: Session) -> list[str]:
    """The groups offered as filters: the world, the M49 regions, LDC, LLDC, SIDS."""
    rows = db.execute(select(CountryGroup.code, CountryGroup.kind)
                      .where(CountryGroup.kind.in_(MAIN_GROUP_KINDS)))
    order = {kind: i for i, kind in enumerate(MAIN_GROUP_KINDS)}
    return [code for code, kind in sorted(rows, key=lambda r: (order[r[1]], r[0]))]


@dataclass(frozen=True)
class Spec:
    model: type[Mechanism] | type[Technology]
    table: str
    fts_columns: tuple[str, ...]
    facets: dict[str, Facet]


def _values(enum_cls: type[StrEnum]) -> list[str]:
    return [m.value for m in enum_cls]


SPECS: dict[str, Spec] = {
    "mechanism": Spec(Mechanism, "mechanisms", ("name", "acronym", "description"), {
        "function": AssocFacet(Mechanism.id, MechanismFunction.mechanism_id,
                               MechanismFunction.function, _values(Function)),
        "sector": AssocFacet(Mechanism.id, MechanismSector.mechanism_id, MechanismSector.sector,
                             _values(Sector)),
        "stage": AssocFacet(Mechanism.id, MechanismStage.mechanism_id, MechanismStage.stage,
                            _values(Stage)),
        "group": GroupFacet(Mechanism.id, MechanismScope.mechanism_id,
                            [MechanismScope.group_code, MechanismScope.country_code]),
        "kind": ColumnFacet(Mechanism.id, Mechanism.kind, _values(MechanismKind)),
        "status": ColumnFacet(Mechanism.id, Mechanism.status, _values(MechanismStatus),
                              null="unknown"),
        "verification": VerificationFacet(Mechanism.id, Mechanism.last_verified_at),
    }),
    "technology": Spec(Technology, "technologies", ("name", "summary", "description"), {
        "sector": AssocFacet(Technology.id, TechnologySector.technology_id,
                             TechnologySector.sector, _values(Sector)),
        "stage": ColumnFacet(Technology.id, Technology.stage, _values(Stage)),
        "group": GroupFacet(Technology.id, TechnologyCountry.technology_id,
                            [TechnologyCountry.country_code]),
        "availability": ColumnFacet(Technology.id, Technology.availability,
                                    _values(Availability)),
        "verification": VerificationFacet(Technology.id, Technology.last_verified_at),
    }),
}


@dataclass
class SearchResult:
    items: list[Any]
    total: int
    limit: int
    offset: int
    sort: str
    facets: dict[str, list[dict[str, Any]]]


def _text_match(db: Session, spec: Spec, terms: list[str]
                ) -> tuple[ColumnElement[bool], list[Any]]:
    """(condition, relevance ordering) for the search words on this database. Relevance: records
    whose name (or acronym) holds every word first, then by bm25 / ts_rank."""
    title_columns = spec.fts_columns[:2] if spec.table == "mechanisms" else spec.fts_columns[:1]
    if db.get_bind().dialect.name == "postgresql":
        vector: ColumnElement[Any] = literal_column(PG_VECTORS[spec.table])
        tsquery = func.plainto_tsquery(literal_column("'english'::regconfig"), " ".join(terms))
        title: ColumnElement[Any] = literal_column("to_tsvector('english'::regconfig, "
                               + " || ' ' || ".join(f"coalesce({spec.table}.{c}, '')"
                                                    for c in title_columns) + ")")
        in_title = case((title.op("@@")(tsquery), 0), else_=1)
        return vector.op("@@")(tsquery), [in_title, func.ts_rank(vector, tsquery).desc()]
    fts_name = f"{spec.table}_fts"
    fts = table(fts_name, column("rowid"))
    match = literal_column(fts_name).op("MATCH")
    ranked = (select(fts.c.rowid.label("id"),
                     literal_column(f"bm25({fts_name}, {FTS_WEIGHTS[spec.table]})").label("rank"))
              .where(match(fts5_query(terms))).subquery())
    rank = select(ranked.c.rank).where(ranked.c.id == spec.model.id).scalar_subquery()
    titled = select(fts.c.rowid).where(
        match("{" + " ".join(title_columns) + "} : (" + fts5_query(terms) + ")"))
    in_title = case((spec.model.id.in_(titled), 0), else_=1)
    return spec.model.id.in_(select(ranked.c.id)), [in_title, rank.asc()]


def _check_filters(db: Session, spec: Spec, filters: dict[str, list[str]]) -> None:
    for name, selected in filters.items():
        if name not in spec.facets:
            raise ValidationFailed(fields={name: N_("no such filter")})
        allowed = set(spec.facets[name].values(db))
        if name == "group":
            allowed |= {g.code for g in reference.list_groups(db)}
        unknown = [v for v in selected if v not in allowed]
        if unknown:
            raise ValidationFailed(
                translatable("Unknown %(name)s: %(values)s.", name=name,
                             values=", ".join(unknown)),
                fields={name: translatable("unknown value(s): %(values)s",
                                           values=", ".join(unknown))})


def _context(db: Session) -> Context:
    members: dict[str, set[str]] = {}
    for group, country in db.execute(select(CountryGroupMembership.group_code,
                                            CountryGroupMembership.country_code)
                                     .where(reference.valid_on(None))):
        members.setdefault(group, set()).add(country)
    return Context(members=members)


def search(db: Session, *, entity: str, q: str | None = None,
           filters: dict[str, list[str]] | None = None, sort: str | None = None,
           limit: int = 20, offset: int = 0) -> SearchResult:
    """One page of mechanisms or technologies matching `q` and `filters`, with facet counts."""
    spec = SPECS[entity]
    filters = {k: list(dict.fromkeys(v)) for k, v in (filters or {}).items() if v}
    _check_filters(db, spec, filters)
    if sort is not None and sort not in SORTS:
        raise ValidationFailed(fields={"sort": translatable("one of %(choices)s",
                                                           choices=", ".join(SORTS))})
    terms = query_terms(q)
    ctx = _context(db)
    text_cond: ColumnElement[bool] | None = None
    rank: list[Any] = []
    if terms:
        text_cond, rank = _text_match(db, spec, terms)
    elif q and q.strip():
        text_cond = false()  # only punctuation: nothing can match it

    def conditions(skip: str | None = None) -> list[ColumnElement[bool]]:
        conds = [text_cond] if text_cond is not None else []
        conds += [spec.facets[name].condition(values, ctx)
                  for name, values in filters.items() if name != skip]
        return conds

    model = spec.model
    where = conditions()
    total = db.scalar(select(func.count()).select_from(model).where(*where)) or 0
    sort = sort or ("relevance" if terms else "name")
    by_name = [func.lower(model.name), model.id]
    if sort == "relevance" and rank:
        order = [*rank, *by_name]
    elif sort == "verified":
        order = [model.last_verified_at.desc().nulls_last(), *by_name]
    else:
        order = by_name
    items = list(db.scalars(select(model).where(*where).order_by(*order)
                            .limit(limit).offset(offset)))

    labels = facet_labels(db)
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, facet in spec.facets.items():
        values = facet.values(db)
        values += [v for v in filters.get(name, []) if v not in values]
        ids = select(model.id).where(*conditions(skip=name))
        counts = facet.counts(db, ids, ctx, values)
        facets[name] = [{"value": v, "label": labels.get(name, {}).get(v, v),
                         "count": counts.get(v, 0), "selected": v in filters.get(name, [])}
                        for v in values]
    return SearchResult(items=items, total=total, limit=limit, offset=offset, sort=sort,
                        facets=facets)
