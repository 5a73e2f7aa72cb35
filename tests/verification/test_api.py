"""Outcome verification through the JSON API: the shortlist, attesting, the status rules, who may
do what, the deadlines, and the entrants' news."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.history import service as history
from app.notifications import service as notifications
from app.teams import service as teams
from app.teams.models import Team
from app.verification.models import OutcomeAttestation
from app.verification.service import ENTITY
from tests.challenges.factories import T0, Clock
from tests.factories import token_for
from tests.judging.factories import judging_challenge
from tests.verification.factories import Verifying, verification_challenge, verifier

EVIDENCE = {"evidence": "Logger data for 1 Feb - 30 Apr, read on site by the verifier."}


def url(v: Verifying, suffix: str = "") -> str:
    return f"/api/v1/challenges/{v.challenge.id}/verification{suffix}"


def attest_url(v: Verifying, entry: int, key: str) -> str:
    return url(v, f"/entries/{v.judged.entries[entry].id}/targets/{key}")


def test_starting_verification_tells_the_verifiers(db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    [message] = notifications.for_recipient(db, recipient_id=v.verifier.id,
                                            kind="verification.started")
    assert v.challenge.title in message.subject
    assert "2 entries passed it" in message.body
    assert f"/challenges/{v.challenge.id}/verification" in message.body


def test_the_shortlist_is_judgings_eligible_entries_in_rank_order(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    answer = client.get(url(v), headers=token_for(client, v.verifier.email or ""))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepting"] is True and body["state"] == "verification"
    assert [(e["submission_id"], e["judging_rank"], e["status"]) for e in body["entries"]] == [
        (v.judged.entries[0].id, 1, "pending"), (v.judged.entries[1].id, 2, "pending")]
    assert body["entries"][0]["entrant"] == "Okafor Cold Chain Collective"
    assert [t["key"] for t in body["entries"][0]["targets"]] == ["cooling", "cost"]
    queue = client.get("/api/v1/verification/challenges",
                       headers=token_for(client, v.verifier.email or "")).json()
    assert [(q["challenge_id"], q["entries"], q["pending"]) for q in queue] == [
        (v.challenge.id, 2, 2)]


def test_attesting_the_required_target_verifies_the_entry_and_tells_its_team(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    headers = token_for(client, v.verifier.email or "")
    answer = client.put(attest_url(v, 0, "cooling"), headers=headers,
                        json={"measured_value": "500", **EVIDENCE,
                              "evidence_url": "https://data.example.org/loggers/17"})
    assert answer.status_code == 200, answer.text
    entry = answer.json()
    assert entry["status"] == "verified"
    cooling = entry["targets"][0]
    assert (cooling["measured_value"], cooling["met"], cooling["verifier"]) == (
        "500", True, "Vera Verifier")
    # The optional target missed is shown but does not change the status (nor tell anyone).
    missed = client.put(attest_url(v, 0, "cost"), headers=headers,
                        json={"measured_value": "0.2500001", **EVIDENCE}).json()
    assert missed["status"] == "verified" and missed["targets"][1]["met"] is False
    for person in (v.judged.entrants[0], *_team_mates(db, v)):
        news = notifications.for_recipient(db, recipient_id=person.id,
                                           kind="verification.outcome")
        assert [m.subject for m in news] == [
            f"Outcomes verified: {v.judged.entries[0].title}"]


def _team_mates(db: Session, v: Verifying) -> list[User]:
    team = db.scalars(select(Team).where(Team.name == "Okafor Cold Chain Collective")).one()
    ids = teams.member_ids(db, team_id=team.id) - {v.judged.entrants[0].id}
    assert len(ids) == 1
    return [accounts_service.get(db, user_id=i) for i in ids]


def test_a_required_target_missed_by_the_smallest_amount_is_not_met(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    answer = client.put(attest_url(v, 1, "cooling"),
                        headers=token_for(client, v.verifier.email or ""),
                        json={"measured_value": "499.9999999999", **EVIDENCE})
    assert answer.json()["status"] == "not_met"
    [news] = notifications.for_recipient(db, recipient_id=v.judged.entrants[1].id,
                                         kind="verification.outcome")
    assert news.subject.startswith("Outcomes not met")


def test_a_correction_replaces_the_value_and_the_history_keeps_both(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    other = verifier(db, "Second Verifier")
    client.put(attest_url(v, 0, "cooling"), headers=token_for(client, v.verifier.email or ""),
               json={"measured_value": "450", **EVIDENCE})
    corrected = client.put(attest_url(v, 0, "cooling"), headers=token_for(client, other.email or ""),
                           json={"measured_value": "612.5", "evidence": "Re-read the loggers."})
    assert corrected.json()["status"] == "verified"
    [row] = db.query(OutcomeAttestation).all()
    assert (str(row.measured_value), row.met, row.verifier_id) == ("612.5", True, other.id)
    revisions = history.list_revisions(db, entity_type=ENTITY, entity_id=row.id)
    assert [(r.number, r.action, r.snapshot["measured_value"], r.actor_id)
            for r in revisions] == [(2, "correct", "612.5", other.id),
                                    (1, "attest", "450", v.verifier.id)]


def test_bad_attestations_are_refused_naming_the_field(client: TestClient, db: Session,
                                                       clock: Clock) -> None:
    v = verification_challenge(db, clock)
    headers = token_for(client, v.verifier.email or "")
    for body, field in [({"measured_value": 512.5, **EVIDENCE}, "measured_value"),
                        ({"measured_value": "lots", **EVIDENCE}, "measured_value"),
                        ({"measured_value": "512", "evidence": " "}, "evidence"),
                        ({"measured_value": "512", **EVIDENCE, "evidence_url": "ftp://x.org/a"},
                         "evidence_url"),
                        ({"measured_value": "512", **EVIDENCE, "met": True}, "met")]:
        answer = client.put(attest_url(v, 0, "cooling"), headers=headers, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.json()["error"]["fields"], answer.json()
    assert db.query(OutcomeAttestation).count() == 0


def test_who_may_attest(client: TestClient, db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    entrant = v.judged.entrants[1]
    accounts_service.grant_role(db, user=entrant, role=Role.VERIFIER, granted_by=v.judged.admin)
    accounts_service.grant_role(db, user=v.judged.owner, role=Role.VERIFIER,
                                granted_by=v.judged.admin)
    db.commit()
    body = {"measured_value": "900", **EVIDENCE}
    own = client.put(attest_url(v, 1, "cooling"), headers=token_for(client, entrant.email or ""),
                     json=body)
    assert (own.status_code, own.json()["error"]["code"]) == (403, "conflict_of_interest")
    # ... though the same verifier may attest another entry.
    assert client.put(attest_url(v, 0, "cooling"), json=body, headers=token_for(
        client, entrant.email or "")).status_code == 200
    owner = client.put(attest_url(v, 0, "cooling"), json=body,
                       headers=token_for(client, v.judged.owner.email or ""))
    assert (owner.status_code, owner.json()["error"]["code"]) == (403, "owner_cannot_verify")
    admin = client.put(attest_url(v, 0, "cooling"), json=body,
                       headers=token_for(client, v.judged.admin.email or ""))
    assert (admin.status_code, admin.json()["error"]["code"]) == (403, "not_a_verifier")
    assert client.get(url(v), headers=token_for(client, v.judged.admin.email or "")
                      ).status_code == 200
    headers = token_for(client, v.verifier.email or "")
    not_shortlisted = url(v, f"/entries/{v.judged.entries[2].id}/targets/cooling")
    assert client.put(not_shortlisted, headers=headers, json=body).status_code == 404
    assert client.put(attest_url(v, 0, "nope"), headers=headers, json=body).status_code == 404
    solver = token_for(client, v.judged.entrants[0].email or "")
    assert client.get(url(v), headers=solver).status_code == 404
    assert client.put(attest_url(v, 0, "cooling"), headers=solver, json=body).status_code == 404


def test_attestations_close_with_verification(client: TestClient, db: Session,
                                              clock: Clock) -> None:
    v = verification_challenge(db, clock)
    headers = token_for(client, v.verifier.email or "")
    body = {"measured_value": "900", **EVIDENCE}
    clock.set(T0 + dt.timedelta(days=90))  # verification_closes_at
    late = client.put(attest_url(v, 0, "cooling"), headers=headers, json=body)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "verification_closed")
    assert client.get(url(v), headers=headers).json()["accepting"] is False
    workflow.propose_awards(db, challenge=v.challenge, user=v.judged.owner)
    db.commit()
    after = client.put(attest_url(v, 0, "cooling"), headers=headers, json=body)
    assert (after.status_code, after.json()["error"]["code"]) == (409, "verification_closed")


def test_before_verification_there_is_nothing_to_attest(client: TestClient, db: Session,
                                                        clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    person = verifier(db)
    answer = client.get(f"/api/v1/challenges/{judged.challenge.id}/verification",
                        headers=token_for(client, person.email or ""))
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        409, "verification_not_started")
