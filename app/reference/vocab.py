"""Controlled vocabularies shared by every domain: sectors, technology-cycle stages, functions.

Sectors follow the sectors of the UNFCCC technology needs assessments (TNA) and the Climate
Technology Centre and Network (CTCN); each carries whether it serves mitigation, adaptation or
both. Stages follow the technology cycle the UN dialogues named, with their Technology Readiness
Level (TRL) ranges.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.i18n.translate import N_


class Sector(enum.StrEnum):
    ENERGY_SUPPLY = "energy_supply"
    ENERGY_EFFICIENCY = "energy_efficiency"
    TRANSPORT = "transport"
    BUILDINGS = "buildings"
    INDUSTRY = "industry"
    AGRICULTURE_FORESTRY = "agriculture_forestry"
    WATER = "water"
    WASTE_POLLUTION = "waste_pollution"
    COASTAL_ZONES = "coastal_zones"
    HEALTH = "health"
    BIODIVERSITY_ECOSYSTEMS = "biodiversity_ecosystems"
    DISASTER_RISK_REDUCTION = "disaster_risk_reduction"
    ICT = "ict"


class Stage(enum.StrEnum):
    RESEARCH = "research"
    DEMONSTRATION = "demonstration"
    MARKET_FORMATION = "market_formation"
    DIFFUSION = "diffusion"


class Function(enum.StrEnum):
    """What a technology facilitation mechanism does."""

    KNOWLEDGE_SHARING = "knowledge_sharing"
    CAPACITY_BUILDING = "capacity_building"
    TECHNICAL_ASSISTANCE = "technical_assistance"
    FINANCE = "finance"
    MATCHMAKING = "matchmaking"
    RD_COOPERATION = "rd_cooperation"
    POLICY_ADVICE = "policy_advice"
    TECHNOLOGY_ASSESSMENT = "technology_assessment"
    IP_LICENSING = "ip_licensing"


class MitigationAdaptation(enum.StrEnum):
    MITIGATION = "mitigation"
    ADAPTATION = "adaptation"
    BOTH = "both"


@dataclass(frozen=True)
class SectorInfo:
    code: Sector
    label: str
    tags: tuple[MitigationAdaptation, ...]


@dataclass(frozen=True)
class StageInfo:
    code: Stage
    label: str
    trl_min: int
    trl_max: int
    description: str


_M, _A = MitigationAdaptation.MITIGATION, MitigationAdaptation.ADAPTATION

SECTORS: dict[Sector, SectorInfo] = {s.code: s for s in (
    SectorInfo(Sector.ENERGY_SUPPLY, N_("Energy supply"), (_M,)),
    SectorInfo(Sector.ENERGY_EFFICIENCY, N_("Energy efficiency"), (_M,)),
    SectorInfo(Sector.TRANSPORT, N_("Transport"), (_M,)),
    SectorInfo(Sector.BUILDINGS, N_("Buildings"), (_M, _A)),
    SectorInfo(Sector.INDUSTRY, N_("Industry"), (_M,)),
    SectorInfo(Sector.AGRICULTURE_FORESTRY, N_("Agriculture and forestry"), (_M, _A)),
    SectorInfo(Sector.WATER, N_("Water"), (_A,)),
    SectorInfo(Sector.WASTE_POLLUTION, N_("Waste and pollution"), (_M,)),
    SectorInfo(Sector.COASTAL_ZONES, N_("Coastal zones"), (_A,)),
    SectorInfo(Sector.HEALTH, N_("Health"), (_A,)),
    SectorInfo(Sector.BIODIVERSITY_ECOSYSTEMS, N_("Biodiversity and ecosystems"), (_A, _M)),
    SectorInfo(Sector.DISASTER_RISK_REDUCTION, N_("Disaster risk reduction and early warning"),
               (_A,)),
    SectorInfo(Sector.ICT, N_("ICT for sustainable development"), (_M, _A)),
)}

STAGES: dict[Stage, StageInfo] = {s.code: s for s in (
    StageInfo(Stage.RESEARCH, N_("Research"), 1, 4,
              N_("From basic principles to a technology validated in the laboratory.")),
    StageInfo(Stage.DEMONSTRATION, N_("Demonstration"), 5, 7,
              N_("Validated and demonstrated in a relevant or operational environment; pilots.")),
    StageInfo(Stage.MARKET_FORMATION, N_("Market formation"), 8, 8,
              N_("A complete, qualified system reaching its first markets and users.")),
    StageInfo(Stage.DIFFUSION, N_("Diffusion"), 9, 9,
              N_("Proven in operation and spreading through the market at scale.")),
)}

FUNCTION_LABELS: dict[Function, str] = {
    Function.KNOWLEDGE_SHARING: N_("Knowledge sharing and inventories"),
    Function.CAPACITY_BUILDING: N_("Capacity building"),
    Function.TECHNICAL_ASSISTANCE: N_("Technical assistance"),
    Function.FINANCE: N_("Finance"),
    Function.MATCHMAKING: N_("Matchmaking"),
    Function.RD_COOPERATION: N_("R&D cooperation"),
    Function.POLICY_ADVICE: N_("Policy advice"),
    Function.TECHNOLOGY_ASSESSMENT: N_("Technology assessment and foresight"),
    Function.IP_LICENSING: N_("IP and licensing"),
}


def stage_for_trl(trl: int) -> Stage:
    """The cycle stage whose TRL range contains `trl` (1-9)."""
    for info in STAGES.values():
        if info.trl_min <= trl <= info.trl_max:
            return info.code
    raise ValueError(f"TRL must be between 1 and 9, not {trl}")
