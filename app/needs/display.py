"""What the needs, gaps and country pages show, assembled from the services (no HTTP here)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.translate import N_, NP_, gettext, in_language, local_name, pgettext
from app.needs import coverage, gaps, heatmap, service
from app.needs.coverage import Analysis, MechanismBrief
from app.needs.models import Need
from app.reference.models import Country, CountryGroup
from app.reference.vocab import FUNCTION_LABELS, SECTORS, STAGES, Function

CHALLENGE_LINK_MAX_NEEDS = 20  # a matrix cell's link carries its highest-scoring needs
# A gap's row names its first covering mechanisms (by name) and how many more there are; the
# need's own page names them all (in a country of many groups, a need has hundreds).
COVERING_SHOWN = 10
SECTOR_LABELS = {s.value: info.label for s, info in SECTORS.items()}
STAGE_LABELS = {s.value: info.label for s, info in STAGES.items()}
# The status filter's options ("Open" means other things elsewhere: an appeal that is open).
STATUS_CHOICES = [("open", NP_("need status", "Open")),
                  ("addressed", NP_("need status", "Addressed")),
                  ("all", NP_("need status", "All"))]
# Codes the pages print as they are (priority, status, mitigation / adaptation, a revision's
# action and note), so that `|tr` shows them in the reader's language.
CODE_LABELS = (N_("high"), N_("medium"), N_("low"), N_("open"), N_("addressed"), N_("all"),
               N_("mitigation"), N_("adaptation"), N_("both"),
               N_("create"), N_("update"), N_("delete"))


def translated(labels: dict[str, str]) -> dict[str, str]:
    """English labels by code -> the same in the request's language."""
    return {code: gettext(label) for code, label in labels.items()}


def code_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, the code in the request's language) for a select whose options are codes."""
    return [(code, gettext(code)) for code in codes]


def challenge_link(*, need_ids: Sequence[int], scope: str, sector: str, stage: str) -> str:
    """The sponsor's link to the challenge form, pre-filled for a gap."""
    query = urlencode({"need_ids": ",".join(str(i) for i in need_ids), "scope": scope,
                       "sector": sector, "stage": stage}, safe=",")
    return f"/challenges/new?{query}"


def vocab() -> dict[str, Any]:
    """Labels and choices every needs template uses, in the request's language."""
    sectors, stages = translated(SECTOR_LABELS), translated(STAGE_LABELS)
    return {"sector_labels": sectors, "stage_labels": stages,
            "sector_choices": list(sectors.items()),
            "stage_choices": list(stages.items()),
            "status_choices": [(code, pgettext("need status", label))
                               for code, label in STATUS_CHOICES]}


def method() -> dict[str, Any]:
    """The coverage rule, the function → stage mapping and the score's parameters, as shown."""
    stages = translated(STAGE_LABELS)
    return {
        "formula": gettext(gaps.FORMULA),
        "priority_weights": {gettext(p): w for p, w in gaps.PRIORITY_WEIGHTS.items()},
        "vulnerability_bonus": {k: heatmap.format_score(v)
                                for k, v in gaps.VULNERABILITY_BONUS.items()},
        "function_stages": [
            (gettext(FUNCTION_LABELS[f]), [label for s, label in stages.items()
                                           if s in gaps.FUNCTION_STAGES[f]],
             gettext(gaps.FUNCTION_STAGE_REASONS[f]))
            for f in Function],
    }


def country_names(db: Session, codes: Iterable[str]) -> dict[str, str]:
    """Countries' names by alpha-3 code, in the request's language."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    return {code: in_language(name_en, name_zh) for code, name_en, name_zh in db.execute(
        select(Country.alpha3, Country.name_en, Country.name_zh)
        .where(Country.alpha3.in_(wanted))).all()}


def group_choices(db: Session) -> list[tuple[str, str]]:
    groups = db.scalars(select(CountryGroup).order_by(CountryGroup.kind, CountryGroup.name_en))
    return [(g.code, f"{local_name(g)} ({g.code})") for g in groups]


@dataclass(frozen=True)
class GapRow:
    rank: int
    need: Need
    country_name: str
    technology: str | None
    score: str
    covering: list[MechanismBrief]  # the first COVERING_SHOWN by name
    more: int  # covering mechanisms not named
    challenge_url: str


def gap_rows(db: Session, analysis: Analysis, *, offset: int, limit: int) -> list[GapRow]:
    page = coverage.gap_page(db, analysis, offset=offset, limit=limit)
    names = coverage.briefs(db, [i for g in page for i in g.covering])
    countries = country_names(db, [g.need.country_code for g in page])
    techs = service.technology_names(db, {g.need.technology_id for g in page
                                          if g.need.technology_id})
    rows = []
    for k, g in enumerate(page):
        n = g.need
        rows.append(GapRow(
            rank=offset + k + 1, need=n, country_name=countries.get(n.country_code, ""),
            technology=n.technology_name or techs.get(n.technology_id or 0),
            score=heatmap.format_score(g.group.score),
            covering=heapq.nsmallest(COVERING_SHOWN, (names[i] for i in g.covering),
                                     key=lambda b: b.name),
            more=max(0, len(g.covering) - COVERING_SHOWN),
            challenge_url=challenge_link(need_ids=[n.id], scope=n.country_code,
                                              sector=n.sector.value, stage=n.stage.value)))
    return rows


def cell_links(db: Session, analysis: Analysis) -> dict[tuple[str, str], str]:
    """A sponsor's "start a challenge" link per matrix cell with needs: the cell's highest-scoring
    needs (at most CHALLENGE_LINK_MAX_NEEDS), scoped to the filtered group or country, or else to
    the countries of those needs."""
    by_cell: dict[tuple[str, str], list[gaps.ScoredCell]] = {}
    for c in analysis.cells:
        by_cell.setdefault((c.sector, c.stage), []).append(c)
    links = {}
    for (sector, stage), cells in by_cell.items():
        top = coverage.top_needs(db, cells, analysis.filters.status,
                                 CHALLENGE_LINK_MAX_NEEDS)
        scope = (analysis.filters.group or analysis.filters.country
                 or ",".join(sorted({country for _id, country in top})))
        links[(sector, stage)] = challenge_link(
            need_ids=[i for i, _c in top], scope=scope, sector=sector, stage=stage)
    return links


def matrix_view(db: Session, analysis: Analysis, *, title: str, link_base: str,
                with_challenge_links: bool) -> dict[str, Any]:
    """The heatmap SVG, the same numbers as table rows, and (for sponsors) challenge links."""
    cells = analysis.matrix()
    base = analysis.filters.query_string()
    sectors, stages = translated(SECTOR_LABELS), translated(STAGE_LABELS)

    def href(sector: str, stage: str) -> str:
        return f"{link_base}?{base}&sector={sector}&stage={stage}#ranked"

    svg = heatmap.render_heatmap(cells, sectors=list(sectors.items()),
                                 stages=list(stages.items()), title=title, href=href)
    rows = [(sectors[s], [(t, cells[(s, t)], heatmap.format_score(cells[(s, t)].score))
                          for t in STAGE_LABELS]) for s in SECTOR_LABELS]
    return {"svg": svg, "rows": [(label, s, cols) for (label, cols), s
                                 in zip(rows, SECTOR_LABELS, strict=True)],
            "links": cell_links(db, analysis) if with_challenge_links else {},
            "title": title}
