"""Two verifiers attesting one entry's target at the same moment (PostgreSQL): the second waits
for the first (the entry's row lock), then corrects what the first recorded; one row, two
revisions, and the entrants are told of the decided outcome once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import User
from app.config import Settings
from app.db import session_factory
from app.history import service as history
from app.notifications import service as notifications
from app.verification import access, service
from app.verification.models import OutcomeAttestation
from app.verification.schemas import AttestationIn
from tests.challenges.factories import Clock
from tests.concurrency import Second
from tests.verification.factories import verification_challenge, verifier


def test_two_verifiers_at_once_take_turns(db: Session, settings: Settings, clock: Clock) -> None:
    if settings.is_sqlite:
        pytest.skip("parallel write transactions are PostgreSQL's; SQLite lets one writer at a "
                    "time")
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
