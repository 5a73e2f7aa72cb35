"""Arrange challenges: needs and mechanisms as plain rows, challenges through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role, User
from app.challenges import authoring
from app.challenges.models import Challenge
from app.challenges.schemas import ChallengeCreate
from app.inventory.models import Mechanism, MechanismKind
from app.needs.models import Need, Priority
from app.reference.vocab import MitigationAdaptation, Sector, Stage
from tests.factories import make_user

_seq = itertools.count(1)
T0 = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the challenge services read; tests move it instead of sleeping."""

    def __init__(self, now: dt.datetime) -> None:
        self.current = now

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current

    def set(self, at: dt.datetime) -> None:
        self.current = at


def install_clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime = T0) -> Clock:
    clock = Clock(at)
    monkeypatch.setattr("app.challenges.clock.now", clock.now)
    return clock


def make_need(db: Session, *, country: str = "NPL", sector: Sector = Sector.ENERGY_SUPPLY,
              stage: Stage = Stage.DEMONSTRATION, technology: str = "Mini-grids") -> Need:
    need = Need(country_code=country, sector=sector, stage=stage, technology_name=technology,
                mitigation_adaptation=MitigationAdaptation.MITIGATION, priority=Priority.HIGH)
    db.add(need)
    db.commit()
    return need


def make_mechanism(db: Session, *, name: str | None = None) -> Mechanism:
    mechanism = Mechanism(name=name or f"Mechanism {next(_seq)}", kind=MechanismKind.FUND,
                          hosts=[], sources=[])
    db.add(mechanism)
    db.commit()
    return mechanism


def iso(at: dt.datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def body(*, start: dt.datetime = T0, **overrides: Any) -> dict[str, Any]:
    """A complete challenge as the API takes it; opens a day after `start`, closes 30 days later."""
    data: dict[str, Any] = {
        "title": f"Off-grid cold storage {next(_seq)}",
        "summary": "Keep harvests cool without the grid.",
        "description": "Farmers lose **a third** of their harvest.",
        "sponsor_organisation": "Green Fund",
        "contact": "prizes@greenfund.example",
        "sdg_targets": ["7.1", "2.3"],
        "sectors": ["energy_supply"],
        "stage": "demonstration",
        "timeline": {"opens_at": iso(start + dt.timedelta(days=1)),
                     "submissions_close_at": iso(start + dt.timedelta(days=31)),
                     "judging_ends_at": iso(start + dt.timedelta(days=45)),
                     "verification_closes_at": iso(start + dt.timedelta(days=90)),
                     "appeals_window_days": 14},
        "eligibility": {"scope": ["LDC", "SIDS"], "solver_kinds": ["individual", "team"],
                        "team_min": 2, "team_max": 6, "exclude_sponsor_employees": True},
        "targets": [
            {"key": "cooling", "metric": "Stored produce kept below 8 °C", "unit": "tonne-days",
             "direction": "at_least", "threshold": "500", "baseline": "0",
             "verification_method": "Logged temperatures, audited.", "required": True},
            {"key": "cost", "metric": "Cost per tonne-day", "unit": "USD",
             "direction": "at_most", "threshold": "0.25", "required": False},
        ],
        "rubric": {"criteria": [{"name": "Impact", "weight": "3"},
                                {"name": "Affordability", "weight": "1", "min_score": "2"}],
                   "min_overall_score": "5"},
        "ip_terms": {"kind": "open_licence", "licence": "CC-BY-4.0"},
        "prize_rules": {"purse": {"amount_minor": 10_000_000, "currency": "USD"},
                        "award": {"type": "ranked", "places": [5_000_000, 3_000_000, 2_000_000]},
                        "holdback": {"basis_points": 2000, "delay_days": 180}},
    }
    data.update(overrides)
    return data


def sponsor(db: Session, **kwargs: Any) -> User:
    return make_user(db, roles=[Role.SPONSOR], **kwargs)


def admin(db: Session) -> User:
    return make_user(db, roles=[Role.ADMIN])


def draft(db: Session, owner: User, **overrides: Any) -> Challenge:
    challenge = authoring.create(db, user=owner, body=ChallengeCreate.model_validate(
        body(**overrides)))
    db.commit()
    return challenge


def published(db: Session, owner: User, approver: User, **overrides: Any) -> Challenge:
    """A draft submitted by its owner and approved by an admin."""
    challenge = draft(db, owner, **overrides)
    workflow.submit_for_review(db, challenge=challenge, user=owner)
    workflow.approve(db, challenge=challenge, user=approver)
    db.commit()
    return challenge
