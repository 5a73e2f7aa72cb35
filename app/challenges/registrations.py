"""Solvers register for open challenges they are eligible for; sponsors export the list."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import clock
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState, SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.rules import Applicant, EligibilityRules, eligibility_problems
from app.challenges.schemas import RegistrationIn
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.reference import service as reference


def eligibility_rules(challenge: Challenge) -> EligibilityRules:
    return EligibilityRules(scope=frozenset(challenge.scope_codes),
                            solver_kinds=frozenset(SolverKind(k) for k in challenge.solver_kinds),
                            team_min=challenge.team_min, team_max=challenge.team_max,
                            exclude_sponsor_employees=challenge.exclude_sponsor_employees)


def problems_for(db: Session, *, challenge: Challenge, user: User,
                 body: RegistrationIn) -> dict[str, str]:
    """Why this user may not register as described (empty when they may)."""
    on = challenge.opens_on or clock.now().date()
    groups = (frozenset(reference.groups_of(db, country=user.country_code, on=on))
              if user.country_code else frozenset())
    return eligibility_problems(eligibility_rules(challenge), Applicant(
        country=user.country_code, country_groups=groups, solver_kind=body.solver_kind,
        team_size=body.team_size,
        declares_not_sponsor_employee=body.declares_not_sponsor_employee))


def find(db: Session, *, challenge: Challenge, user: User | None) -> ChallengeRegistration | None:
    if user is None:
        return None
    return db.scalar(select(ChallengeRegistration).where(
        ChallengeRegistration.challenge_id == challenge.id,
        ChallengeRegistration.user_id == user.id))


def register(db: Session, *, challenge: Challenge, user: User,
             body: RegistrationIn) -> ChallengeRegistration:
    """Register the signed-in solver, if the challenge is open and they are eligible."""
    if challenge.state != ChallengeState.OPEN:
        raise Conflict("Registration is possible while the challenge is open.", code="not_open",
                       fields={"state": challenge.state.value})
    if user.id == challenge.owner_id:
        raise Forbidden("The sponsor cannot enter their own challenge.", code="own_challenge")
    if find(db, challenge=challenge, user=user) is not None:
        raise Conflict("You are already registered.", code="already_registered")
    problems = problems_for(db, challenge=challenge, user=user, body=body)
    if problems:
        raise ValidationFailed("You are not eligible for this challenge.", code="not_eligible",
                               fields=problems)
    assert user.country_code is not None
    registration = ChallengeRegistration(
        challenge_id=challenge.id, user_id=user.id, solver_kind=body.solver_kind,
        team_size=body.team_size if body.solver_kind == SolverKind.TEAM else None,
        team_name=(body.team_name or None) if body.solver_kind != SolverKind.INDIVIDUAL else None,
        country_code=user.country_code, created_at=clock.now())
    db.add(registration)
    db.flush()
    return registration


# Domains above this one keep rows on a registration (an entry and its files) and may refuse
# its withdrawal or tidy up first. Imports point down, so they add themselves here (an entry's
# service does so when imported) instead of this module asking them.
BEFORE_WITHDRAWAL: list[Callable[[Session, ChallengeRegistration], None]] = []


def unregister(db: Session, *, challenge: Challenge, user: User) -> None:
    """Withdraw one's registration while the challenge is open."""
    registration = find(db, challenge=challenge, user=user)
    if registration is None:
        raise NotFound("You are not registered for this challenge.")
    if challenge.state != ChallengeState.OPEN:
        raise Conflict("Registrations can be withdrawn while the challenge is open.",
                       code="not_open")
    for check in BEFORE_WITHDRAWAL:
        check(db, registration)
    db.delete(registration)
    db.flush()


def list_for_manager(db: Session, *, challenge: Challenge,
                     user: User) -> list[tuple[ChallengeRegistration, User]]:
    if not is_manager(challenge, user):
        raise Forbidden("Only the sponsor who owns this challenge sees its registrations.",
                        code="not_owner")
    rows = db.execute(select(ChallengeRegistration, User)
                      .join(User, User.id == ChallengeRegistration.user_id)
                      .where(ChallengeRegistration.challenge_id == challenge.id)
                      .order_by(ChallengeRegistration.created_at, ChallengeRegistration.id))
    return [(r, u) for r, u in rows]


def _cell(value: object) -> str:
    """Text for a spreadsheet cell; formulas are neutralised (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = ["registration_id", "registered_at", "name", "email", "organisation", "country",
              "solver_kind", "team_name", "team_size"]


def registrations_csv(db: Session, *, challenge: Challenge, user: User) -> str:
    """The challenge's registrations as CSV (RFC 4180), for its sponsor."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for reg, person in list_for_manager(db, challenge=challenge, user=user):
        writer.writerow([_cell(v) for v in (
            reg.id, reg.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), person.display_name,
            person.email, person.organisation, reg.country_code, reg.solver_kind.value,
            reg.team_name, reg.team_size)])
    return out.getvalue()
