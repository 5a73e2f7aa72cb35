"""Cancelling once outcomes are being verified is an admin's decision: the sponsor is refused
(403, and no cancel button on their page) in verification and with awards proposed, while an
admin cancels with a reason its entrants are told; the move is an audit event."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.notifications import service as notifications
from tests.awards.factories import awards_proposed
from tests.challenges.factories import Clock
from tests.factories import csrf_from, login, token_for
from tests.verification.factories import Verifying, verification_challenge

CANCEL_BUTTON = 'actions/cancel"'


def _arranged(db: Session, clock: Clock, state: str) -> Verifying:
    return verification_challenge(db, clock) if state == "verification" else \
        awards_proposed(db, clock)


@pytest.mark.parametrize("state", ["verification", "awards_proposed"])
def test_the_sponsor_cannot_cancel_from_verification_on(client: TestClient, db: Session,
                                                        clock: Clock, state: str) -> None:
    v = _arranged(db, clock, state)
    cid = v.challenge.id
    answer = client.post(f"/api/v1/challenges/{cid}/cancel",
                         headers=token_for(client, v.judged.owner.email or ""),
                         json={"reason": "We ran out of money."})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "missing_role"
    assert "only by an admin" in answer.json()["error"]["message"]
    # The sponsor's page offers no cancel button now, and the form refused says why.
    login(client, v.judged.owner.email or "")
    page = client.get(f"/challenges/{cid}")
    assert page.status_code == 200 and CANCEL_BUTTON not in page.text
    refused = client.post(f"/challenges/{cid}/actions/cancel",
                          data={"reason": "We ran out of money.",
                                "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    assert "cancelled only by an admin" in refused.text
    db.expire_all()
    assert db.get(Challenge, cid).state == ChallengeState(state)  # type: ignore[union-attr]


def test_an_admin_cancels_in_verification_with_a_reason_entrants_are_told(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    cid = v.challenge.id
    admin = token_for(client, v.judged.admin.email or "")
    no_reason = client.post(f"/api/v1/challenges/{cid}/cancel", headers=admin, json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    login(client, v.judged.admin.email or "")
    assert CANCEL_BUTTON in client.get(f"/challenges/{cid}").text  # the admin sees the button
    done = client.post(f"/api/v1/challenges/{cid}/cancel", headers=admin,
                       json={"reason": "The verifier's loggers were tampered with."})
    assert done.status_code == 200 and done.json()["state"] == "cancelled"
    db.expire_all()
    for entrant in v.judged.entrants:
        [told] = notifications.for_recipient(db, recipient_id=entrant.id,
                                             kind="challenge.cancelled")
        assert "The verifier's loggers were tampered with." in told.body
    [event] = db.scalars(select(AuditEvent).where(
        AuditEvent.event == "challenge.transition",
        AuditEvent.details["challenge_id"].as_integer() == cid,
        AuditEvent.details["action"].as_string() == "cancel")).all()
    assert event.actor_id == v.judged.admin.id
    assert (event.details["from_state"], event.details["to_state"], event.details["reason"]) == (
        "awards_proposed", "cancelled", "The verifier's loggers were tampered with.")


def test_the_sponsor_still_sees_and_uses_cancel_while_judging(client: TestClient, db: Session,
                                                             clock: Clock) -> None:
    from tests.judging.factories import judging_challenge

    judged = judging_challenge(db, clock, entries=1, judges=1)
    login(client, judged.owner.email or "")
    page = client.get(f"/challenges/{judged.challenge.id}")
    assert CANCEL_BUTTON in page.text
    done = client.post(f"/challenges/{judged.challenge.id}/actions/cancel",
                       data={"reason": "No judge could be found.",
                             "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    db.expire_all()
    assert db.scalar(select(Challenge.state).where(Challenge.id == judged.challenge.id)) == \
        ChallengeState.CANCELLED
