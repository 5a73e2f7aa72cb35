"""Scale mechanisms and technologies: their facets, links, deployments and first revisions.

Each record's content is built in the shape of its revision snapshot and checked by the
inventory's own input model before it becomes rows, so nothing is stored that a curator's form
would refuse. Shapes follow bench/gaps_bench.py: scopes from single countries to regions,
LDC/SIDS/LLDC and the world, 1-4 sectors, 1-3 adjacent stages, 1-4 functions, one in ten closed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from app.history.diff import changed_fields
from app.history.models import Revision
from app.inventory.models import (
    Availability,
    LinkType,
    Mechanism,
    MechanismFunction,
    MechanismKind,
    MechanismLink,
    MechanismScope,
    MechanismSector,
    MechanismStage,
    Technology,
    TechnologyCountry,
    TechnologyMechanism,
    TechnologySector,
)
from app.inventory.records import MECHANISM, TECHNOLOGY
from app.inventory.schemas import MechanismFields, TechnologyFields
from app.reference.vocab import SECTORS, STAGES, Function, MitigationAdaptation, Sector, Stage
from app.scale.bulk import Row, Writer, moment, pick, rng, weighted
from app.scale.world import World

NOTE = "scale data"
# A few words per sector, so that search and the pages read like an inventory.
THEMES: dict[Sector, list[str]] = {
    Sector.ENERGY_SUPPLY: ["solar mini-grids", "small hydropower", "wind pumping", "geothermal"],
    Sector.ENERGY_EFFICIENCY: ["efficient cookstoves", "LED lighting", "efficient motors"],
    Sector.TRANSPORT: ["electric minibuses", "cargo bicycles", "bus rapid transit"],
    Sector.BUILDINGS: ["passive cooling", "earth-block housing", "solar water heaters"],
    Sector.INDUSTRY: ["kiln retrofits", "waste-heat recovery", "clean brick making"],
    Sector.AGRICULTURE_FORESTRY: ["solar irrigation", "agroforestry", "cold storage"],
    Sector.WATER: ["rainwater harvesting", "solar desalination", "drip irrigation"],
    Sector.WASTE_POLLUTION: ["biogas digesters", "composting", "plastic recycling"],
    Sector.COASTAL_ZONES: ["mangrove restoration", "living shorelines", "storm-surge barriers"],
    Sector.HEALTH: ["vaccine cold chains", "clean indoor air", "heat-health alerts"],
    Sector.BIODIVERSITY_ECOSYSTEMS: ["reef monitoring", "seed banks", "wildlife corridors"],
    Sector.DISASTER_RISK_REDUCTION: ["early-warning sirens", "flood forecasting",
                                     "cyclone shelters"],
    Sector.ICT: ["satellite monitoring", "mobile weather advisories", "open climate data"],
}
PLACES = ["Sahel", "Pacific", "Andean", "Mekong", "Great Lakes", "Caribbean", "Himalayan",
          "Horn of Africa", "Indian Ocean", "Central Asian", "Southern African", "Amazon"]
KIND_WORDS = {MechanismKind.UN_BODY: "Office", MechanismKind.FUND: "Fund",
              MechanismKind.NETWORK: "Network", MechanismKind.PLATFORM: "Platform",
              MechanismKind.PROGRAMME: "Programme", MechanismKind.PARTNERSHIP: "Partnership",
              MechanismKind.INITIATIVE: "Initiative"}
HOSTS = ["UNEP", "UNIDO", "UNDP", "FAO", "WIPO", "World Bank", "IRENA", "GGGI", "ADB", "AfDB"]
CURRENCIES = ["USD", "USD", "USD", "EUR", "EUR", "GBP", "JPY", "CHF"]
LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "MIT", "Apache-2.0", "CERN-OHL-S-2.0"]


def _iso(at: dt.datetime | None) -> str | None:
    return at.astimezone(dt.UTC).isoformat() if at else None


# id, snapshot, created, verified (or None), the curator who verified it
History = list[tuple[int, dict[str, Any], dt.datetime, dt.datetime | None, int]]


def _revisions(w: Writer, entity_type: str, records: History) -> None:
    """Revision 1 ("create", by no one, as the seed's are) and, for a record a curator has
    checked since, revision 2 ("verify")."""
    rows: list[Row] = []
    ids = iter(w.ids(Revision, sum(2 if r[3] else 1 for r in records)))
    for entity_id, snapshot, created, verified, curator in records:
        first = {**snapshot, "last_verified_at": None}
        rows.append({"id": next(ids), "entity_type": entity_type, "entity_id": entity_id,
                     "number": 1, "action": "create", "snapshot": first,
                     "changed_fields": changed_fields(None, first), "actor_id": None,
                     "note": NOTE, "created_at": created})
        if verified:
            rows.append({"id": next(ids), "entity_type": entity_type, "entity_id": entity_id,
                         "number": 2, "action": "verify", "snapshot": snapshot,
                         "changed_fields": changed_fields(first, snapshot), "actor_id": curator,
                         "note": None, "created_at": verified})
    w.insert(Revision, rows)


def _scope(rnd: random.Random, world: World) -> list[str]:
    kind = rnd.random()
    if kind < 0.10:
        return ["WORLD"]
    if kind < 0.25:
        return [rnd.choice(["LDC", "SIDS", "LLDC"])]
    if kind < 0.45:
        return pick(rnd, world.of_kind("region"), 1, 2)
    if kind < 0.60:
        return pick(rnd, world.of_kind("subregion", "intermediate_region"), 1, 3)
    return pick(rnd, world.countries, 1, 6)


def make_mechanisms(w: Writer, world: World, *, count: int, seed: int, anchor: dt.datetime,
                    curators: list[int]) -> list[int]:
    rnd = rng(seed, "mechanisms")
    ids = list(w.ids(Mechanism, count))
    stages, sectors, kinds = list(Stage), list(Sector), list(MechanismKind)
    links: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    link_rows: list[Row] = []
    seen: set[tuple[int, int, str]] = set()
    for _ in range(count * 3 // 2 if count > 1 else 0):
        source, target = rnd.sample(ids, 2)
        link_type = rnd.choice(list(LinkType)).value
        if (source, target, link_type) in seen:
            continue
        seen.add((source, target, link_type))
        link_rows.append({"source_id": source, "target_id": target, "link_type": link_type,
                          "note": None})
        links[source].append({"type": link_type, "target_id": target, "note": None})
    mechs: list[Row] = []
    parts: dict[type[Any], list[Row]] = {MechanismFunction: [], MechanismSector: [],
                                          MechanismStage: [], MechanismScope: []}
    history: History = []
    for n, mech_id in enumerate(ids, start=1):
        kind = rnd.choice(kinds)
        chosen = pick(rnd, sectors, 1, 4)
        first = rnd.randrange(len(stages))
        place = rnd.choice(PLACES)
        theme = rnd.choice(THEMES[chosen[0]])
        budget = None
        if rnd.random() < 0.6:
            budget = {"amount_minor": rnd.randrange(10**6, 10**11),
                      "currency": rnd.choice(CURRENCIES), "year": rnd.randint(2019, 2025),
                      "note": None}
        content: dict[str, Any] = {
            "name": f"Scale mechanism {n:05d}: {place} {theme} {KIND_WORDS[kind].lower()}",
            "acronym": f"SM{n:05d}", "kind": kind.value,
            "hosts": sorted(pick(rnd, HOSTS, 0, 2)),
            "description": (f"A {KIND_WORDS[kind].lower()} for {theme} across the {place} "
                            f"region: {', '.join(s.value.replace('_', ' ') for s in chosen)}."
                            "\n\nSynthetic record of the scale data set."),
            "functions": sorted(f.value for f in pick(rnd, list(Function), 1, 4)),
            "sectors": sorted(s.value for s in chosen),
            "stages": sorted(s.value for s in stages[first:first + rnd.randint(1, 3)]),
            "scope": sorted(_scope(rnd, world)),
            "website": f"https://mechanism-{n:05d}.scale.example",
            "founded_year": rnd.randint(1972, 2024),
            "status": weighted(rnd, [("active", 0.85), ("closed", 0.1), (None, 0.05)]),
            "budget": budget, "sources": [f"https://sources.scale.example/mechanisms/{n}"]}
        MechanismFields.model_validate(content)
        created = moment(rnd, anchor - dt.timedelta(days=900), anchor - dt.timedelta(days=30))
        verified = (moment(rnd, created, anchor - dt.timedelta(hours=1))
                    if rnd.random() < 0.5 else None)
        mechs.append({
            "id": mech_id, "name": content["name"], "acronym": content["acronym"],
            "kind": content["kind"], "hosts": content["hosts"],
            "description": content["description"], "website": content["website"],
            "founded_year": content["founded_year"], "status": content["status"],
            "budget_amount_minor": budget and budget["amount_minor"],
            "budget_currency": budget and budget["currency"],
            "budget_year": budget and budget["year"], "budget_note": None,
            "sources": content["sources"], "last_verified_at": verified,
            "created_at": created, "updated_at": verified or created})
        parts[MechanismFunction] += [{"mechanism_id": mech_id, "function": f}
                                     for f in content["functions"]]
        parts[MechanismSector] += [{"mechanism_id": mech_id, "sector": s}
                                   for s in content["sectors"]]
        parts[MechanismStage] += [{"mechanism_id": mech_id, "stage": s}
                                  for s in content["stages"]]
        parts[MechanismScope] += [
            {"mechanism_id": mech_id, "group_code": code if code in world.groups else None,
             "country_code": None if code in world.groups else code}
            for code in content["scope"]]
        snapshot = {"id": mech_id, **content, "last_verified_at": _iso(verified),
                    "links": sorted(links[mech_id], key=lambda d: (d["type"], d["target_id"]))}
        history.append((mech_id, snapshot, created, verified, rnd.choice(curators)))
    w.insert(Mechanism, mechs)
    for model, rows in parts.items():
        w.insert(model, rows)
    for row, link_id in zip(link_rows, w.ids(MechanismLink, len(link_rows)), strict=True):
        row["id"] = link_id
        row["created_at"] = anchor - dt.timedelta(days=20)
    w.insert(MechanismLink, link_rows)
    _revisions(w, MECHANISM, history)
    return ids


def make_technologies(w: Writer, world: World, *, count: int, seed: int, anchor: dt.datetime,
                      mechanisms: list[int], curators: list[int]) -> list[tuple[int, str, Sector]]:
    rnd = rng(seed, "technologies")
    ids = list(w.ids(Technology, count))
    made: list[tuple[int, str, Sector]] = []
    techs: list[Row] = []
    parts: dict[type[Any], list[Row]] = {TechnologySector: [], TechnologyCountry: [],
                                          TechnologyMechanism: []}
    history: History = []
    for n, tech_id in enumerate(ids, start=1):
        chosen = pick(rnd, list(Sector), 1, 3)
        stage = rnd.choice(list(Stage))
        info = STAGES[stage]
        availability = rnd.choice(list(Availability))
        theme = rnd.choice(THEMES[chosen[0]])
        tags = SECTORS[chosen[0]].tags
        content: dict[str, Any] = {
            "name": f"Scale technology {n:05d}: {theme} ({rnd.choice(PLACES)} design)",
            "summary": f"{theme.capitalize()} for {chosen[0].value.replace('_', ' ')}.",
            "description": f"{theme.capitalize()}, at the {stage.value.replace('_', ' ')} "
                           "stage.\n\nSynthetic record of the scale data set.",
            "sectors": sorted(s.value for s in chosen), "stage": stage.value,
            "trl": rnd.randint(info.trl_min, info.trl_max) if rnd.random() < 0.8 else None,
            "mitigation_adaptation": (MitigationAdaptation.BOTH.value if len(tags) > 1
                                      else tags[0].value),
            "availability": availability.value,
            "licence_id": (rnd.choice(LICENCES) if availability == Availability.OPEN_LICENCE
                           else "CC0-1.0" if availability == Availability.PUBLIC_DOMAIN
                           else None),
            "provider": f"{rnd.choice(PLACES)} Technology Cooperative {n % 97:02d}",
            "countries_deployed": sorted(pick(rnd, world.countries, 0, 8)),
            "related_mechanism_ids": sorted(pick(rnd, mechanisms, 0, 3)),
            "links": [f"https://technologies.scale.example/{n}"]}
        TechnologyFields.model_validate(content)
        created = moment(rnd, anchor - dt.timedelta(days=900), anchor - dt.timedelta(days=30))
        verified = (moment(rnd, created, anchor - dt.timedelta(hours=1))
                    if rnd.random() < 0.4 else None)
        techs.append({
            "id": tech_id, **{k: content[k] for k in (
                "name", "summary", "description", "stage", "trl", "mitigation_adaptation",
                "availability", "licence_id", "provider", "links")},
            "last_verified_at": verified, "created_at": created,
            "updated_at": verified or created})
        parts[TechnologySector] += [{"technology_id": tech_id, "sector": s}
                                    for s in content["sectors"]]
        parts[TechnologyCountry] += [{"technology_id": tech_id, "country_code": c}
                                     for c in content["countries_deployed"]]
        parts[TechnologyMechanism] += [{"technology_id": tech_id, "mechanism_id": m}
                                       for m in content["related_mechanism_ids"]]
        history.append((tech_id, {"id": tech_id, **content, "last_verified_at": _iso(verified)},
                        created, verified, rnd.choice(curators)))
        made.append((tech_id, content["name"], chosen[0]))
    w.insert(Technology, techs)
    for model, rows in parts.items():
        w.insert(model, rows)
    _revisions(w, TECHNOLOGY, history)
    return made
