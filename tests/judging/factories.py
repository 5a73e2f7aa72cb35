"""Arrange judging: a challenge in judging with submitted entries and a panel.

The challenges, registrations, lifecycle and panel go through their services. Submitted entries
are made as rows here (Submission, SubmissionFile with a real PDF on disk, SubmissionReceipt)
because app/submissions/service.py is not on main yet: once it is, `submitted_entry` becomes
`tests.submissions.factories.submitted` and nothing else here changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.challenges import lifecycle, registrations
from app.challenges.enums import ChallengeState, SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import RegistrationIn
from app.config import get_settings
from app.judging import codes, panel
from app.submissions.models import Submission, SubmissionFile, SubmissionReceipt, SubmissionState
from tests.challenges.factories import T0, Clock, admin, published, sponsor
from tests.factories import make_user

_seq = itertools.count(1)
DURING = T0 + dt.timedelta(days=2)  # the challenge factories' challenges open at T0 + 1 day ...
AFTER_CLOSE = T0 + dt.timedelta(days=32)  # ... and close at T0 + 31 days


def pdf(text: str = "An entry") -> bytes:
    body = f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n".encode()
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def entrant(db: Session, n: int | None = None) -> User:
    """A solver from Nepal (eligible) whose name, email and organisation must never reach a
    judge."""
    n = n or next(_seq)
    return make_user(db, email=f"amina.okafor{n}@entrants.example",
                     display_name=f"Amina Okafor {n}", organisation="Okafor Cooling Cooperative",
                     country_code="NPL")


def judge(db: Session, *, name: str | None = None) -> User:
    n = next(_seq)
    return make_user(db, roles=[Role.JUDGE], email=f"judge{n}@judges.example",
                     display_name=name or f"Judge {n}")


def register(db: Session, challenge: Challenge, user: User, *,
             team_name: str | None = None) -> ChallengeRegistration:
    body = RegistrationIn(solver_kind=SolverKind.TEAM, team_size=3, team_name=team_name,
                          declares_not_sponsor_employee=True) if team_name else RegistrationIn(
        solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True)
    registration = registrations.register(db, challenge=challenge, user=user, body=body)
    db.commit()
    return registration


def submitted_entry(db: Session, challenge: Challenge, user: User, *, title: str | None = None,
                    summary: str = "Solar-powered **cold rooms** for market towns.",
                    file_name: str | None = None, team_name: str | None = None,
                    files: int = 1) -> Submission:
    """A registration and its submitted entry with `files` PDFs (the challenge must be open)."""
    registration = register(db, challenge, user, team_name=team_name)
    now = challenge.opens_at + dt.timedelta(hours=1) if challenge.opens_at else T0
    submission = Submission(challenge_id=challenge.id, registration_id=registration.id,
                            title=title or f"Cold room {next(_seq)}", summary=summary,
                            state=SubmissionState.SUBMITTED, created_by_id=user.id,
                            submitted_at=now)
    upload_dir = get_settings().upload_dir
    assert upload_dir is not None
    folder = Path(upload_dir) / "submission-files"
    folder.mkdir(parents=True, exist_ok=True)
    listed: list[dict[str, Any]] = []
    for i in range(1, files + 1):
        data = pdf(f"{title} part {i}")
        stored = f"{secrets.token_hex(16)}.pdf"
        (folder / stored).write_bytes(data)
        name = file_name or f"{user.display_name} - proposal {i}.pdf"
        digest = hashlib.sha256(data).hexdigest()
        submission.files.append(SubmissionFile(
            original_name=name, stored_name=stored, media_type="application/pdf",
            size_bytes=len(data), sha256=digest, uploaded_by_id=user.id))
        listed.append({"name": name, "size_bytes": len(data), "sha256": digest})
    document = json.dumps({"title": submission.title, "files": listed}, sort_keys=True,
                          separators=(",", ":"))
    submission.receipts.append(SubmissionReceipt(
        number=1, canonical_json=document, sha256=hashlib.sha256(document.encode()).hexdigest(),
        submitted_at=now, submitted_by_id=user.id))
    db.add(submission)
    db.commit()
    return submission


@dataclass
class Judged:
    """A challenge in judging, its owner and an admin, its entries and entrants, its panel."""

    challenge: Challenge
    owner: User
    admin: User
    entries: list[Submission]
    entrants: list[User]
    judges: list[User]

    def code(self, submission: Submission) -> str:
        return code_of(self.challenge, submission)


def code_of(challenge: Challenge, submission: Submission) -> str:
    return codes.codes_for(get_settings().secret_key, challenge.id, [submission.id])[
        submission.id]


def open_challenge(db: Session, clock: Clock, **overrides: Any) -> tuple[Challenge, User, User]:
    owner, approver = sponsor(db, display_name="Sam Sponsor"), admin(db)
    challenge = published(db, owner, approver, **overrides)
    clock.set(DURING)
    lifecycle.sync(db, challenge=challenge)
    assert challenge.state == ChallengeState.OPEN
    db.commit()
    return challenge, owner, approver


def start_judging(db: Session, clock: Clock, challenge: Challenge, owner: User) -> None:
    clock.set(AFTER_CLOSE)
    lifecycle.perform(db, challenge=challenge, action="start-judging", user=owner)
    db.commit()


def judging_challenge(db: Session, clock: Clock, *, entries: int = 3, judges: int = 2,
                      **overrides: Any) -> Judged:
    """Published, `entries` entrants submitted (the first as a team), closed, judging started,
    and `judges` judges on the panel."""
    challenge, owner, approver = open_challenge(db, clock, **overrides)
    people = [entrant(db) for _ in range(entries)]
    made = [submitted_entry(db, challenge, person,
                            team_name="Okafor Cold Chain Collective" if i == 0 else None)
            for i, person in enumerate(people)]
    start_judging(db, clock, challenge, owner)
    panel_judges = [judge(db) for _ in range(judges)]
    for person in panel_judges:
        panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    db.commit()
    return Judged(challenge, owner, approver, made, people, panel_judges)
