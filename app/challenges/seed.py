"""Demonstration challenges (dates relative to today), drafted and approved through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role, User, UserRole
from app.challenges import authoring, clock
from app.challenges.models import Challenge
from app.challenges.schemas import ChallengeCreate
from app.inventory.models import Mechanism
from app.needs.models import Need

SEED_ORDER = 60


def _user_with(db: Session, role: Role) -> User | None:
    """The first user with `role`, preferring one who is not also an admin."""
    users = list(db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                            .where(UserRole.role == role).order_by(User.id)))
    plain = [u for u in users if not u.has_role(Role.ADMIN)]
    return plain[0] if plain else (users[0] if users else None)


def _iso(at: dt.datetime) -> str:
    return at.isoformat()


def _timeline(now: dt.datetime, opens_in: int, close_in: int) -> dict[str, Any]:
    day = dt.timedelta(days=1)
    base = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return {"opens_at": _iso(base + opens_in * day),
            "submissions_close_at": _iso(base + close_in * day),
            "judging_ends_at": _iso(base + (close_in + 30) * day),
            "verification_closes_at": _iso(base + (close_in + 120) * day),
            "appeals_window_days": 14}


Plan = list[tuple[str, dict[str, Any]]]


def _demo(now: dt.datetime, need_ids: list[int], mechanism_ids: list[int]) -> Plan:
    mechs = [{"mechanism_id": m, "role": r} for m, r in zip(
        mechanism_ids, ("sponsor", "partner", "scale_up_support"), strict=False)]
    return [
        ("publish", {
            "title": "Solar cold rooms for smallholder harvests",
            "summary": "Keep fruit and vegetables below 8 °C without a grid connection.",
            "description": "Up to **40%** of perishable harvests are lost before market in many "
                           "least developed countries.\n\nWe pay for verified tonne-days of "
                           "produce kept cool, not for promises.",
            "sponsor_organisation": "Demo Green Fund", "contact": "prizes@greenfund.example",
            "need_ids": need_ids[:2], "mechanisms": mechs,
            "sdg_targets": ["2.3", "7.1", "12.3"], "sectors": ["energy_supply",
                                                             "agriculture_forestry"],
            "stage": "demonstration", "timeline": _timeline(now, -10, 45),
            "eligibility": {"scope": ["LDC", "SIDS"], "solver_kinds": ["individual", "team",
                                                                        "organisation"],
                            "team_min": 2, "team_max": 8, "exclude_sponsor_employees": True},
            "targets": [
                {"key": "cooling", "metric": "Produce kept below 8 °C", "unit": "tonne-days",
                 "direction": "at_least", "threshold": "500", "baseline": "0",
                 "verification_method": "Calibrated temperature loggers, audited by a verifier.",
                 "required": True},
                {"key": "cost", "metric": "Cost per tonne-day", "unit": "USD",
                 "direction": "at_most", "threshold": "0.40", "required": True,
                 "verification_method": "Invoices and meter readings."}],
            "rubric": {"criteria": [{"name": "Verified impact", "weight": "3"},
                                    {"name": "Affordability", "weight": "2"},
                                    {"name": "Local manufacture", "weight": "1"}]},
            "ip_terms": {"kind": "non_exclusive_licence"},
            "prize_rules": {"purse": {"amount_minor": 50_000_000, "currency": "USD"},
                            "award": {"type": "ranked",
                                      "places": [25_000_000, 15_000_000, 10_000_000]},
                            "holdback": {"basis_points": 2000, "delay_days": 180}}}),
        ("publish", {
            "title": "Coastal early-warning sirens that stay on",
            "summary": "Paid per island community with verified 99% siren uptime.",
            "description": "Small island developing states only.",
            "sponsor_organisation": "Demo Ocean Trust", "contact": "ocean@trust.example",
            "sdg_targets": ["13.1", "11.5"], "sectors": ["disaster_risk_reduction",
                                                          "coastal_zones"],
            "stage": "diffusion", "timeline": _timeline(now, 5, 60),
            "eligibility": {"scope": ["SIDS"], "solver_kinds": ["organisation"]},
            "targets": [{"key": "uptime", "metric": "Siren uptime", "unit": "%",
                         "direction": "at_least", "threshold": "99",
                         "verification_method": "Remote monitoring logs."}],
            "ip_terms": {"kind": "open_licence", "licence": "CC-BY-4.0"},
            "prize_rules": {"purse": {"amount_minor": 12_000_000, "currency": "EUR"},
                            "award": {"type": "threshold", "amount_per_solution": 3_000_000,
                                      "overflow": "pro_rata"}}}),
        ("submit", {
            "title": "Clean cooking: verified fuel savings",
            "summary": "Per verified kilogram of firewood saved, up to a cap.",
            "description": "Waiting for review.", "sponsor_organisation": "Demo Green Fund",
            "contact": "prizes@greenfund.example", "sectors": ["energy_efficiency", "health"],
            "stage": "market_formation", "timeline": _timeline(now, 15, 120),
            "eligibility": {"scope": ["M49-002"], "solver_kinds": ["organisation"]},
            "targets": [{"key": "saved", "metric": "Firewood saved", "unit": "kg",
                         "direction": "at_least", "threshold": "1000", "baseline": "0"},
                        {"key": "pm25", "metric": "Indoor PM2.5", "unit": "µg/m³",
                         "direction": "at_most", "threshold": "35", "required": False}],
            "ip_terms": {"kind": "no_transfer"},
            "prize_rules": {"purse": {"amount_minor": 20_000_000, "currency": "USD"},
                            "award": {"type": "per_unit", "unit_target": "saved",
                                      "rate_minor_per_unit": "2.5",
                                      "quality_gate_target": "pm25",
                                      "cap_per_solver_minor": 5_000_000}}}),
        ("draft", {"title": "Draft: water desalination pilots",
                   "summary": "Still being written.", "sectors": ["water"]}),
    ]


def load_demo(db: Session) -> list[str]:
    owner = _user_with(db, Role.SPONSOR)
    admin = _user_with(db, Role.ADMIN)
    if owner is None or admin is None:
        return ["Challenges: no sponsor or admin account; demo challenges skipped."]
    now = clock.now()
    need_ids = list(db.scalars(select(Need.id).order_by(Need.id).limit(2)))
    mechanism_ids = list(db.scalars(select(Mechanism.id).order_by(Mechanism.id).limit(3)))
    made = 0
    for how, data in _demo(now, need_ids, mechanism_ids):
        if db.scalar(select(Challenge.id).where(Challenge.title == data["title"])):
            continue
        challenge = authoring.create(db, user=owner, body=ChallengeCreate.model_validate(data))
        if how in ("submit", "publish"):
            workflow.submit_for_review(db, challenge=challenge, user=owner)
        if how == "publish":
            workflow.approve(db, challenge=challenge, user=admin)
        made += 1
    db.flush()
    return [f"Challenges: {made} demo challenge(s) added."]
