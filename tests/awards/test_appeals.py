"""Appeals: an entrant appeals once while the window is open; the entry's outcomes may be
re-attested meanwhile; an admin upholds (awards recomputed, those affected told) or dismisses;
no finalising while an appeal is open or before the window closes."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.awards.models import Award
from app.notifications import service as notifications
from tests.awards.factories import VERIFICATION_CLOSED, awards_proposed
from tests.challenges.factories import Clock
from tests.factories import make_user, token_for
from tests.verification.factories import Verifying

REASON = {"reason": "Logger 6 was left out: its card shows 60 more tonne-days."}


def appeal(client: TestClient, v: Verifying, entrant: int = 1) -> dict[str, object]:
    answer = client.post(f"/api/v1/challenges/{v.challenge.id}/appeals",
                         headers=token_for(client, v.judged.entrants[entrant].email or ""),
                         json={"submission_id": v.judged.entries[entrant].id, **REASON})
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def decide(client: TestClient, v: Verifying, appeal_id: object, outcome: str) -> dict[str, object]:
    answer = client.post(f"/api/v1/appeals/{appeal_id}/decision",
                         headers=token_for(client, v.judged.admin.email or ""),
                         json={"outcome": outcome, "decision": "Checked the logger cards."})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_an_upheld_appeal_recomputes_the_awards_from_corrected_outcomes(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    filed = appeal(client, v)
    assert filed["status"] == "open" and filed["entry_title"] == v.judged.entries[1].title
    [told] = notifications.for_recipient(db, recipient_id=v.judged.owner.id, kind="awards.appeal")
    assert "Logger 6 was left out" in told.body
    # While the appeal is open the verifier may correct the entry's outcome (and only its).
    verifier = token_for(client, v.verifier.email or "")
    base = f"/api/v1/challenges/{v.challenge.id}/verification/entries"
    body = {"measured_value": "540", "evidence": "Logger 6's card added."}
    assert client.put(f"{base}/{v.judged.entries[1].id}/targets/cooling", headers=verifier,
                      json=body).json()["status"] == "verified"
    other = client.put(f"{base}/{v.judged.entries[0].id}/targets/cooling", headers=verifier,
                       json=body)
    assert (other.status_code, other.json()["error"]["code"]) == (409, "verification_closed")
    decided = decide(client, v, filed["id"], "upheld")
    assert decided["status"] == "upheld" and decided["decision"] == "Checked the logger cards."
    amounts = {a.submission_id: a.amount_minor for a in db.query(Award).all()}
    assert amounts == {v.judged.entries[0].id: 5_000_000, v.judged.entries[1].id: 3_000_000}
    [news] = notifications.for_recipient(db, recipient_id=v.judged.entrants[1].id,
                                         kind="awards.appeal_decided")
    assert "was upheld: Checked the logger cards." in news.body
    assert "now proposed USD 30,000.00 (before: USD 0.00)" in news.body
    # Decided once; the entry's outcomes are closed again.
    again = client.post(f"/api/v1/appeals/{filed['id']}/decision",
                        headers=token_for(client, v.judged.admin.email or ""),
                        json={"outcome": "dismissed", "decision": "x"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_decided")
    assert client.put(f"{base}/{v.judged.entries[1].id}/targets/cooling", headers=verifier,
                      json=body).status_code == 409


def test_a_dismissed_appeal_changes_nothing(client: TestClient, db: Session,
                                           clock: Clock) -> None:
    v = awards_proposed(db, clock)
    decide(client, v, appeal(client, v)["id"], "dismissed")
    # No new computation: the awards in force are the first ones, zero award included.
    assert [(a.submission_id, a.amount_minor, a.computation) for a in
            db.query(Award).order_by(Award.id).all()] == [
        (v.judged.entries[0].id, 5_000_000, 1), (v.judged.entries[1].id, 0, 1)]


def test_one_appeal_per_entry_by_its_entrants_while_the_window_is_open(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    url = f"/api/v1/challenges/{v.challenge.id}/appeals"
    stranger = client.post(url, headers=token_for(client, make_user(db).email or ""),
                           json={"submission_id": v.judged.entries[1].id, **REASON})
    assert stranger.status_code == 404
    someone_elses = client.post(url, headers=token_for(client, v.judged.entrants[0].email or ""),
                                json={"submission_id": v.judged.entries[1].id, **REASON})
    assert someone_elses.status_code == 404
    blank = client.post(url, headers=token_for(client, v.judged.entrants[1].email or ""),
                        json={"submission_id": v.judged.entries[1].id, "reason": "  "})
    assert blank.status_code == 422 and "reason" in blank.json()["error"]["fields"]
    not_shortlisted = client.post(url, headers=token_for(client, v.judged.entrants[2].email or ""),
                                  json={"submission_id": v.judged.entries[2].id, **REASON})
    assert (not_shortlisted.status_code, not_shortlisted.json()["error"]["code"]) == (
        409, "not_shortlisted")
    appeal(client, v)
    twice = client.post(url, headers=token_for(client, v.judged.entrants[1].email or ""),
                        json={"submission_id": v.judged.entries[1].id, **REASON})
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "appeal_exists")
    clock.set(VERIFICATION_CLOSED + dt.timedelta(days=14))  # the 14-day window is over
    late = client.post(url, headers=token_for(client, v.judged.entrants[0].email or ""),
                       json={"submission_id": v.judged.entries[0].id, **REASON})
    assert (late.status_code, late.json()["error"]["code"]) == (409, "appeals_closed")
    mine = client.get(url, headers=token_for(client, v.judged.entrants[0].email or "")).json()
    assert mine == []  # entrant 0 filed none and sees no one else's
    assert len(client.get(url, headers=token_for(client, v.judged.owner.email or "")).json()) == 1


def test_no_finalising_while_an_appeal_is_open(client: TestClient, db: Session,
                                              clock: Clock) -> None:
    v = awards_proposed(db, clock)
    filed = appeal(client, v)
    admin = token_for(client, v.judged.admin.email or "")
    finalise = f"/api/v1/challenges/{v.challenge.id}/finalise"
    assert client.post(finalise, headers=admin, json={}).json()["error"]["code"] == "too_early"
    clock.set(VERIFICATION_CLOSED + dt.timedelta(days=14))
    assert client.post(finalise, headers=admin, json={}).json()["error"]["code"] == "appeals_open"
    decide(client, v, filed["id"], "dismissed")
    assert client.post(finalise, headers=admin, json={}).status_code == 200
    db.expire_all()
    assert v.challenge.state.value == "final"
    assert client.get(f"/api/v1/challenges/{v.challenge.id}/awards",
                      headers=admin).json()["state"] == "final"
