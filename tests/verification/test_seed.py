"""The demonstration challenge in verification: loaded by `load-demo` after the one in judging,
through the services with a timeline in the past; the Demo Verifier finds one shortlisted entry
verified and one waiting, and can attest it; loading again adds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import User
from app.challenges import lifecycle
from app.challenges import service as challenges_service
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.config import Settings
from app.db import utcnow
from app.demo import demo_loaders, load_demo_data
from app.judging import seed as judging_seed
from app.verification import access, seed
from app.verification.models import OutcomeAttestation
from app.verification.outcomes import OutcomeStatus
from app.verification.schemas import AttestationIn

DOMAIN = "demo.example"


def person(db: Session, local: str) -> User:
    found = db.scalar(select(User).where(User.email == f"{local}@{DOMAIN}"))
    assert found is not None, local
    return found


def test_the_loader_runs_after_the_challenge_in_judging() -> None:
    loaders = demo_loaders()
    assert loaders.index(seed.load_demo) > loaders.index(judging_seed.load_demo)


def test_without_the_demo_accounts_it_is_skipped(db: Session) -> None:
    [line] = seed.load_demo(db)
    assert "skipped" in line and "verifier" in line
    assert db.scalar(select(func.count()).select_from(Challenge)) == 0


def test_the_demo_verifier_finds_one_entry_verified_and_one_waiting(
        settings: Settings, db: Session) -> None:
    lines = list(load_demo_data(admin_email=f"admin@{DOMAIN}", admin_password="demo pass 1234"))
    assert any(line.startswith(f"Verification: “{seed.TITLE}” in verification") for line in lines)
    challenge_id = db.scalar(select(Challenge.id).where(Challenge.title == seed.TITLE))
    assert challenge_id is not None
    verifier = person(db, "verifier")
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=verifier)
    assert challenge.state == ChallengeState.VERIFICATION
    steps = lifecycle.transitions(db, challenge=challenge)
    assert [s.action for s in steps][-2:] == ["start-judging", "start-verification"]
    assert all(s.at < utcnow() for s in steps)
    assert challenge.verification_closes_at is not None
    assert challenge.verification_closes_at > utcnow()
    seat = access.as_verifier(db, challenge_id=challenge_id, user=verifier)
    entries = list(workflow.shortlist(db, challenge).values())
    assert [(e.title, e.status) for e in entries] == [
        (seed.ENTRIES[0].title, OutcomeStatus.VERIFIED),
        (seed.ENTRIES[1].title, OutcomeStatus.PENDING)]
    [attested] = db.scalars(select(OutcomeAttestation).where(
        OutcomeAttestation.challenge_id == challenge_id)).all()
    assert attested.attested_at < utcnow() and attested.verifier_id == verifier.id
    done = workflow.attest(db, seat=seat, user=verifier, submission_id=entries[1].submission_id,
                           target_key="firewood", body=AttestationIn(
                               measured_value=Decimal("11.9"), evidence="Records of two terms."))
    assert done.status == OutcomeStatus.NOT_MET
    db.commit()
    again = list(load_demo_data(admin_email=f"admin@{DOMAIN}", admin_password="demo pass 1234"))
    assert "Verification: the demo challenge in verification exists already." in again
    assert db.scalar(select(func.count()).select_from(OutcomeAttestation).where(
        OutcomeAttestation.challenge_id == challenge_id)) == 2
