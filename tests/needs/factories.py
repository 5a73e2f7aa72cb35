"""Arrange mechanisms and needs for the needs tests.

Mechanisms are inserted directly through the inventory models (the inventory service is another
engineer's work in progress); needs go through the needs service like any curator's would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.inventory.models import (
    Mechanism,
    MechanismFunction,
    MechanismKind,
    MechanismScope,
    MechanismSector,
    MechanismStage,
    MechanismStatus,
)
from app.needs import service
from app.needs.models import Need, NeedStatus, Priority
from app.needs.schemas import NeedCreate
from app.reference.models import CountryGroup
from app.reference.vocab import Function, MitigationAdaptation, Sector, Stage

_seq = itertools.count(1)


def make_mechanism(db: Session, *, name: str | None = None, acronym: str | None = None,
                   scope: Iterable[str] = ("WORLD",), sectors: Iterable[str] = ("energy_supply",),
                   stages: Iterable[str] = ("demonstration",),
                   functions: Iterable[str] = ("finance",),
                   status: MechanismStatus = MechanismStatus.ACTIVE,
                   budget: tuple[int, str] | None = None) -> Mechanism:
    """A mechanism with its association rows; scope codes are group codes (LDC, M49-002...)
    or, when no such group exists, ISO alpha-3 country codes."""
    n = next(_seq)
    mechanism = Mechanism(
        name=name or f"Mechanism {n}", acronym=acronym, kind=MechanismKind.PROGRAMME,
        status=status, hosts=[], sources=[],
        budget_amount_minor=budget[0] if budget else None,
        budget_currency=budget[1] if budget else None, budget_year=2025 if budget else None)
    mechanism.functions = [MechanismFunction(function=Function(f)) for f in functions]
    mechanism.sectors = [MechanismSector(sector=Sector(s)) for s in sectors]
    mechanism.stages = [MechanismStage(stage=Stage(s)) for s in stages]
    mechanism.scope = [MechanismScope(group_code=c) if db.get(CountryGroup, c) is not None
                       else MechanismScope(country_code=c) for c in scope]
    db.add(mechanism)
    db.flush()
    return mechanism


def make_need(db: Session, *, country: str = "NPL", sector: str = "energy_supply",
              stage: str = "demonstration", priority: str = "high",
              technology: str | None = None, status: str = "open",
              mitigation_adaptation: str = "mitigation", dataset: str | None = None,
              source_title: str | None = None, notes: str | None = None) -> Need:
    return service.create(db, data=NeedCreate(
        country_code=country, sector=Sector(sector), stage=Stage(stage),
        technology_name=technology or f"Technology {next(_seq)}",
        mitigation_adaptation=MitigationAdaptation(mitigation_adaptation),
        priority=Priority(priority), status=NeedStatus(status), source_title=source_title,
        notes=notes), actor=None, dataset=dataset)
