"""Scale technology needs: spread over real countries (most in LDCs, SIDS and LLDCs, as the
technology needs assessments are), every sector and stage, a third naming an inventory
technology of their sector, so the gap matrix and the country pages have something to say."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from app.needs.models import Need
from app.reference.vocab import SECTORS, MitigationAdaptation, Sector, Stage
from app.scale.bulk import Row, Writer, moment, rng, weighted
from app.scale.inventory import THEMES
from app.scale.world import World

DATASET = "scale"
STAGE_WEIGHTS = [(Stage.RESEARCH, 0.15), (Stage.DEMONSTRATION, 0.35),
                 (Stage.MARKET_FORMATION, 0.25), (Stage.DIFFUSION, 0.25)]
PRIORITY_WEIGHTS = [("high", 0.3), ("medium", 0.45), ("low", 0.25)]


def make_needs(w: Writer, world: World, *, count: int, seed: int, anchor: dt.datetime,
               technologies: list[tuple[int, str, Sector]]) -> list[tuple[int, Sector]]:
    """Inserts the needs; returns (id, sector) of each."""
    rnd = rng(seed, "needs")
    developing = sorted(set(world.members("LDC", anchor.date()))
                        | set(world.members("SIDS", anchor.date()))
                        | set(world.members("LLDC", anchor.date())))
    by_sector: dict[Sector, list[tuple[int, str]]] = defaultdict(list)
    for technology_id, name, first_sector in technologies:
        by_sector[first_sector].append((technology_id, name))
    sectors = list(Sector)
    rows: list[Row] = []
    made: list[tuple[int, Sector]] = []
    for need_id in w.ids(Need, count):
        country = rnd.choice(developing if rnd.random() < 0.7 else world.countries)
        sector = rnd.choice(sectors)
        tags = SECTORS[sector].tags
        year = rnd.randint(2012, 2025)
        tech_id: int | None = None
        tech_name = rnd.choice(THEMES[sector])
        if by_sector[sector] and rnd.random() < 0.3:
            tech_id, tech_name = rnd.choice(by_sector[sector])
        created = moment(rnd, anchor - dt.timedelta(days=600), anchor - dt.timedelta(days=1))
        rows.append({
            "id": need_id, "country_code": country, "sector": sector.value,
            "stage": weighted(rnd, STAGE_WEIGHTS).value, "technology_id": tech_id,
            "technology_name": tech_name,
            "mitigation_adaptation": (MitigationAdaptation.BOTH if len(tags) > 1
                                      else tags[0]).value,
            "priority": weighted(rnd, PRIORITY_WEIGHTS),
            "source_title": f"Technology needs assessment, {country} ({year})",
            "source_url": f"https://tna.scale.example/{country}/{year}",
            "status": "open" if rnd.random() < 0.85 else "addressed", "notes": None,
            "dataset": DATASET, "created_at": created, "updated_at": created})
        made.append((need_id, sector))
    w.insert(Need, rows)
    return made
