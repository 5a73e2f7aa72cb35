"""Two verifiers attesting one entry's target at the same moment, on SQLite as on PostgreSQL:
the second waits for the first (the challenge held in verification by a compare-and-set, and
the entry's row lock), then corrects what the first recorded; one row, two revisions, and the
entrants are told of the decided outcome once. An attestation on a read of the challenge made
before an admin cancelled it is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import User
from app.challenges.models import Challenge
from app.config import Settings
from app.db import session_factory
from app.errors import Conflict
from app.history import service as history
from app.notifications import service as notifications
from app.verification import access, service
from app.verification.models import OutcomeAttestation
from app.verification.schemas import AttestationIn
from tests.challenges.factories import Clock
from tests.concurrency import Second, meanwhile
from tests.verification.factories import verification_challenge, verifier


def test_two_verifiers_at_once_take_turns(db: Session, settings: Settings, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    other = verifier(db, "Second Verifier")
    entry = v.judged.entries[0].id

    def attest(session: Session, verifier_id: int, value: str) -> str:
        person = session.get(User, verifier_id)
        assert person is not None
        seat = access.as_verifier(session, challenge_id=v.challenge.id, user=person)
        return workflow.attest(session, seat=seat, user=person, submission_id=entry,
                               target_key="cooling", body=AttestationIn(
                                   measured_value=Decimal(value), evidence="Loggers.")).status

    with session_factory(settings.database_url)() as first:
        assert attest(first, v.verifier.id, "640") == "verified"
        second = Second(settings.database_url, lambda s: attest(s, other.id, "655"))
        assert second.is_waiting()
        first.commit()
    assert second.finish() == "verified"
    [row] = db.scalars(select(OutcomeAttestation)).all()
    assert (row.measured_value, row.verifier_id) == (Decimal("655"), other.id)
    assert [(r.number, r.action) for r in history.list_revisions(
        db, entity_type=service.ENTITY, entity_id=row.id)] == [(2, "correct"), (1, "attest")]
    news = notifications.for_recipient(db, recipient_id=v.judged.entrants[0].id,
                                       kind="verification.outcome")
    assert len(news) == 1


def test_an_attestation_after_the_challenge_left_verification_meanwhile_is_refused(
        db: Session, settings: Settings, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    entry = v.judged.entries[0].id
    seat = access.as_verifier(db, challenge_id=v.challenge.id, user=v.verifier)  # in verification
    meanwhile(settings.database_url, lambda s: workflow.cancel(
        s, challenge=s.get(Challenge, v.challenge.id),  # type: ignore[arg-type]
        user=s.get(User, v.judged.admin.id),  # type: ignore[arg-type]
        reason="The site was flooded."))
    with pytest.raises(Conflict) as refused:
        workflow.attest(db, seat=seat, user=v.verifier, submission_id=entry,
                        target_key="cooling", body=AttestationIn(
                            measured_value=Decimal("640"), evidence="Loggers."))
    assert refused.value.code == "concurrent_change"
    db.rollback()
    assert db.scalars(select(OutcomeAttestation)).all() == []
