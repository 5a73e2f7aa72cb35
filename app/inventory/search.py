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
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    column,
    false,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory import stamps
from app.inventory.facets import (
    AssocFacet,
    ColumnFacet,
    Facet,
    GroupFacet,
    VerificationFacet,
)
from app.inventory.facets import context as facet_context
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
from app.reference import service as reference
from app.reference.vocab import Function, Sector, Stage

SORTS = ("relevance", "name", "verified")

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


@dataclass(frozen=True)
class Spec:
    model: type[Mechanism] | type[Technology]
    table: str
    stamp: str  # a change stamp that moves with the records' scopes (or countries)
    fts_columns: tuple[str, ...]
    facets: dict[str, Facet]


def _values(enum_cls: type[StrEnum]) -> list[str]:
    return [m.value for m in enum_cls]


SPECS: dict[str, Spec] = {
    "mechanism": Spec(Mechanism, "mechanisms", stamps.MECHANISM_COVERAGE,
                      ("name", "acronym", "description"), {
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
    "technology": Spec(Technology, "technologies", stamps.TECHNOLOGIES,
                       ("name", "summary", "description"), {
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
    ctx = facet_context(db, spec.stamp)
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
        counts = facet.counts(db, conditions(skip=name), ctx, values)
        facets[name] = [{"value": v, "label": labels.get(name, {}).get(v, v),
                         "count": counts.get(v, 0), "selected": v in filters.get(name, [])}
                        for v in values]
    return SearchResult(items=items, total=total, limit=limit, offset=offset, sort=sort,
                        facets=facets)
