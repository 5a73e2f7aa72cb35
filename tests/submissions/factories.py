"""Arrange entries through the services: an open challenge, registered entrants (people and
teams), entries with PDF files, submitted entries."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import lifecycle, registrations
from app.challenges.enums import ChallengeState, SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import RegistrationIn
from app.submissions import access, service, uploads
from app.submissions.access import Entry
from app.submissions.models import SubmissionFile, SubmissionReceipt
from app.submissions.schemas import SubmissionCreate
from tests.challenges.factories import T0, Clock, admin, published, sponsor
from tests.factories import make_user
from tests.files import minimal_pdf
from tests.teams.factories import make_team

_seq = itertools.count(1)
OPENS = T0 + dt.timedelta(days=1)  # the factories' challenges open a day after T0 ...
CLOSES = T0 + dt.timedelta(days=31)  # ... and take entries for thirty days
DURING = T0 + dt.timedelta(days=2)


def pdf(body: bytes = b"", *, size: int | None = None) -> bytes:
    """A real one-page PDF showing `body`; padded to exactly `size` bytes if given."""
    return minimal_pdf(body, size=size)


@dataclass
class Arena:
    """An open challenge, its owner and an admin."""

    challenge: Challenge
    owner: User
    admin: User


def open_challenge(db: Session, clock: Clock) -> Arena:
    """A challenge published by its owner, approved, and opened by the clock (now DURING)."""
    owner, approver = sponsor(db), admin(db)
    challenge = published(db, owner, approver)
    clock.set(DURING)
    lifecycle.sync(db, challenge=challenge)
    assert challenge.state == ChallengeState.OPEN
    db.commit()
    return Arena(challenge, owner, approver)


def solver(db: Session, **kwargs: object) -> User:
    """A solver from Nepal (a least developed country: eligible for the factories' challenges)."""
    return make_user(db, country_code="NPL", **kwargs)  # type: ignore[arg-type]


def register(db: Session, challenge: Challenge, user: User) -> ChallengeRegistration:
    registration = registrations.register(db, challenge=challenge, user=user, body=RegistrationIn(
        solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
    db.commit()
    return registration


def team_registration(db: Session, challenge: Challenge, lead: User,
                      members: list[User], name: str = "Kathmandu Cold Chain"
                      ) -> ChallengeRegistration:
    """A team formed through the teams service (each member invited and accepted), registered
    by its lead."""
    team = make_team(db, lead, name=name, members=members)
    registration = registrations.register(db, challenge=challenge, user=lead, body=RegistrationIn(
        solver_kind=SolverKind.TEAM, team_id=team.id, declares_not_sponsor_employee=True))
    db.commit()
    return registration


def start(db: Session, challenge: Challenge, user: User, *, title: str | None = None,
          summary: str = "We keep **produce** cool with solar power.") -> Entry:
    entry = service.create(db, challenge=challenge, user=user, body=SubmissionCreate(
        title=title or f"Solar cold room {next(_seq)}", summary=summary))
    db.commit()
    return entry


def reload(db: Session, entry: Entry, user: User) -> Entry:
    return access.load_for_entrant(db, submission_id=entry.submission.id, user=user)


def add_pdf(db: Session, entry: Entry, user: User, *, data: bytes | None = None,
            name: str = "plan.pdf") -> SubmissionFile:
    record = uploads.add_file(db, entry=entry, user=user, filename=name,
                              stream=io.BytesIO(data if data is not None else pdf()))
    db.commit()
    return record


def submitted(db: Session, challenge: Challenge, user: User) -> tuple[Entry, SubmissionReceipt]:
    """An entry with one PDF, submitted by `user`."""
    entry = start(db, challenge, user)
    add_pdf(db, entry, user)
    receipt = service.submit(db, entry=entry, user=user)
    db.commit()
    return entry, receipt
