"""An entry through the API: start, edit, upload, submit for a receipt, reopen, submit again;
the steps in order; team entrants; the sponsor's list; withdrawing a registration."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.notifications import service as notifications
from app.submissions import service, uploads
from app.submissions.models import Submission, SubmissionReceipt
from tests.factories import token_for
from tests.submissions.factories import (
    CLOSES,
    Arena,
    open_challenge,
    pdf,
    register,
    solver,
    team_registration,
)


@dataclass
class World:
    arena: Arena
    me: User
    h: dict[str, str]

    @property
    def cid(self) -> int:
        return self.arena.challenge.id


@pytest.fixture
def world(client: TestClient, db: Session, clock) -> World:
    arena = open_challenge(db, clock)
    me = solver(db, display_name="Asha")
    register(db, arena.challenge, me)
    return World(arena, me, token_for(client, me.email or ""))


def start(client: TestClient, w: World, **body: object) -> dict:
    payload = {"title": "Solar cold room", "summary": "Keeps **fruit** cool.", **body}
    response = client.post(f"/api/v1/challenges/{w.cid}/submission", json=payload, headers=w.h)
    assert response.status_code == 201, response.text
    return response.json()


def upload(client: TestClient, sid: int, h: dict[str, str], data: bytes | None = None,
           name: str = "plan.pdf", media_type: str = "application/pdf"):
    return client.post(f"/api/v1/submissions/{sid}/files", headers=h,
                       files={"file": (name, data if data is not None else pdf(), media_type)})


def test_the_whole_flow_gives_a_receipt_that_matches_its_hash(client: TestClient, db: Session,
                                                              world: World, clock) -> None:
    entry = start(client, world)
    assert entry["state"] == "draft" and entry["entrant"] == "Asha"
    sid = entry["id"]
    assert client.get(f"/api/v1/challenges/{world.cid}/submission",
                      headers=world.h).json()["id"] == sid
    edited = client.patch(f"/api/v1/submissions/{sid}", json={"title": "Solar cold rooms"},
                          headers=world.h)
    assert edited.json()["title"] == "Solar cold rooms"
    assert edited.json()["summary"] == "Keeps **fruit** cool."  # untouched: not given
    first, second = pdf(b"plan"), pdf(b"budget")
    assert upload(client, sid, world.h, first, "plan.pdf").status_code == 201
    assert upload(client, sid, world.h, second, "budget.pdf").status_code == 201

    submitted = client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["state"] == "submitted" and body["submitted_at"] == "2030-03-03T12:00:00Z"
    [receipt] = body["receipts"]
    served = client.get(receipt["url"], headers=world.h)
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    assert hashlib.sha256(served.content).hexdigest() == receipt["sha256"]
    assert served.headers["x-receipt-sha256"] == receipt["sha256"]
    document = json.loads(served.content)
    assert document == {
        "format": "valleycross.submission-receipt/1", "receipt_number": 1,
        "challenge": {"id": world.cid, "title": world.arena.challenge.title},
        "submission_id": sid, "registration_id": entry["registration_id"], "team": None,
        "title": "Solar cold rooms", "summary": "Keeps **fruit** cool.",
        "files": [{"name": "plan.pdf", "size_bytes": len(first),
                   "sha256": hashlib.sha256(first).hexdigest()},
                  {"name": "budget.pdf", "size_bytes": len(second),
                   "sha256": hashlib.sha256(second).hexdigest()}],
        "submitted_at": "2030-03-03T12:00:00Z"}
    # Canonical: sorted keys, no whitespace, UTF-8.
    assert served.content == json.dumps(document, sort_keys=True, separators=(",", ":"),
                                        ensure_ascii=False).encode()
    [message] = notifications.for_recipient(db, recipient_id=world.me.id,
                                            kind="submission.submitted")
    assert receipt["sha256"] in message.body and "receipt 1" in message.body


def test_reopen_and_resubmit_appends_receipt_2_and_keeps_receipt_1(
        client: TestClient, db: Session, world: World, clock) -> None:
    sid = start(client, world)["id"]
    upload(client, sid, world.h)
    client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)
    first = client.get(f"/api/v1/submissions/{sid}/receipts/1", headers=world.h).content
    clock.advance(hours=5)
    reopened = client.post(f"/api/v1/submissions/{sid}/reopen", headers=world.h)
    assert reopened.status_code == 200 and reopened.json()["state"] == "draft"
    assert reopened.json()["submitted_at"] is None
    again = client.post(f"/api/v1/submissions/{sid}/reopen", headers=world.h)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_submitted"
    client.patch(f"/api/v1/submissions/{sid}", json={"summary": "Now with ice."}, headers=world.h)
    file_id = client.get(f"/api/v1/submissions/{sid}", headers=world.h).json()["files"][0]["id"]
    assert client.delete(f"/api/v1/submissions/{sid}/files/{file_id}",
                         headers=world.h).status_code == 204
    upload(client, sid, world.h, pdf(b"v2"), "plan-v2.pdf")
    body = client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h).json()
    assert [r["number"] for r in body["receipts"]] == [1, 2]
    assert client.get(f"/api/v1/submissions/{sid}/receipts/1", headers=world.h).content == first
    second = json.loads(client.get(f"/api/v1/submissions/{sid}/receipts/2",
                                   headers=world.h).content)
    assert second["receipt_number"] == 2 and second["summary"] == "Now with ice."
    assert second["submitted_at"] == "2030-03-03T17:00:00Z"
    assert [f["name"] for f in second["files"]] == ["plan-v2.pdf"]
    assert client.get(f"/api/v1/submissions/{sid}/receipts/3", headers=world.h).status_code == 404
    stored = db.scalars(select(SubmissionReceipt).order_by(SubmissionReceipt.number)).all()
    assert [hashlib.sha256(r.canonical_json.encode()).hexdigest() == r.sha256
            for r in stored] == [True, True]


def test_steps_come_in_order(client: TestClient, db: Session, world: World, clock) -> None:
    sid = start(client, world)["id"]
    incomplete = client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)
    assert incomplete.status_code == 422
    assert incomplete.json()["error"]["fields"] == {"files": "upload at least one PDF file"}
    upload(client, sid, world.h)
    file_id = client.get(f"/api/v1/submissions/{sid}", headers=world.h).json()["files"][0]["id"]
    assert client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h).status_code == 200
    for response in (
            client.patch(f"/api/v1/submissions/{sid}", json={"title": "Late"}, headers=world.h),
            upload(client, sid, world.h),
            client.delete(f"/api/v1/submissions/{sid}/files/{file_id}", headers=world.h),
            client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)):
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "already_submitted"
    again = client.post(f"/api/v1/challenges/{world.cid}/submission",
                        json={"title": "Second"}, headers=world.h)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_started"
    db.expire_all()
    entry = db.get(Submission, sid)
    assert entry is not None and entry.title == "Solar cold room" and len(entry.files) == 1


def test_nothing_changes_once_submissions_close(client: TestClient, db: Session, world: World,
                                                clock) -> None:
    sid = start(client, world)["id"]
    upload(client, sid, world.h)
    clock.set(CLOSES)
    for response in (client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h),
                     client.patch(f"/api/v1/submissions/{sid}", json={"title": "x"},
                                  headers=world.h),
                     upload(client, sid, world.h)):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "submissions_closed"
    late = solver(db)
    register_late = client.post(f"/api/v1/challenges/{world.cid}/submission",
                                json={"title": "x"}, headers=token_for(client, late.email or ""))
    assert register_late.status_code == 404  # not registered: no entry to start
    # The entrant still reads their entry after the close.
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.h).status_code == 200


def test_a_reopened_entry_not_submitted_again_stays_a_draft_after_close(
        client: TestClient, world: World, clock) -> None:
    sid = start(client, world)["id"]
    upload(client, sid, world.h)
    client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)
    client.post(f"/api/v1/submissions/{sid}/reopen", headers=world.h)
    clock.set(CLOSES)
    assert client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h).status_code == 409
    owner = token_for(client, world.arena.owner.email or "")
    assert client.get(f"/api/v1/challenges/{world.cid}/submissions",
                      headers=owner).json()["total"] == 0


def test_input_is_strict_and_names_no_platform_field(client: TestClient, world: World) -> None:
    sid = start(client, world)["id"]
    for body in ({"state": "submitted"}, {"sha256": "0" * 64}, {"receipts": []},
                 {"title": "x", "registration_id": 99}):
        response = client.patch(f"/api/v1/submissions/{sid}", json=body, headers=world.h)
        assert response.status_code == 422, body
    too_long = client.patch(f"/api/v1/submissions/{sid}", json={"title": "x" * 201},
                            headers=world.h)
    assert too_long.status_code == 422 and "title" in too_long.json()["error"]["fields"]
    empty = client.post(f"/api/v1/challenges/{world.cid}/submission", json={"title": ""},
                        headers=world.h)
    assert empty.status_code == 422 and "title" in empty.json()["error"]["fields"]


def test_a_teams_members_share_one_entry(client: TestClient, db: Session, clock) -> None:
    arena = open_challenge(db, clock)
    lead, member, outsider = solver(db), solver(db), solver(db)
    team_registration(db, arena.challenge, lead, [member], name="Cold Chain Collective")
    lead_h, member_h = token_for(client, lead.email or ""), token_for(client, member.email or "")
    cid = arena.challenge.id
    made = client.post(f"/api/v1/challenges/{cid}/submission", json={"title": "By the lead"},
                       headers=lead_h).json()
    assert made["entrant"] == "Cold Chain Collective"
    sid = made["id"]
    mine = client.get(f"/api/v1/challenges/{cid}/submission", headers=member_h)
    assert mine.status_code == 200 and mine.json()["id"] == sid
    edited = client.patch(f"/api/v1/submissions/{sid}", json={"title": "By the member"},
                          headers=member_h)
    assert edited.status_code == 200 and edited.json()["title"] == "By the member"
    assert upload(client, sid, member_h).status_code == 201
    body = client.post(f"/api/v1/submissions/{sid}/submit", headers=member_h).json()
    receipt = json.loads(client.get(body["receipts"][0]["url"], headers=lead_h).content)
    assert receipt["team"] == "Cold Chain Collective"
    for who in (lead, member):
        assert len(notifications.for_recipient(db, recipient_id=who.id,
                                               kind="submission.submitted")) == 1
    outsider_h = token_for(client, outsider.email or "")
    assert client.get(f"/api/v1/submissions/{sid}", headers=outsider_h).status_code == 404
    assert client.post(f"/api/v1/challenges/{cid}/submission", json={"title": "x"},
                       headers=member_h).json()["error"]["code"] == "already_started"


def test_two_members_starting_the_entry_at_once_get_one_entry_and_a_409(
        client: TestClient, db: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = start(client, world)
    # The second request read "no entry yet" just before the first one's insert committed.
    real_my_entry = service.my_entry
    monkeypatch.setattr(service, "my_entry", lambda db, **kw: (real_my_entry(db, **kw)[0], None))
    second = client.post(f"/api/v1/challenges/{world.cid}/submission",
                         json={"title": "Second tab"}, headers=world.h)
    assert second.status_code == 409, second.text
    assert second.json()["error"]["code"] == "already_started"
    db.expire_all()
    assert [s.id for s in db.scalars(select(Submission))] == [first["id"]]


def test_the_sponsor_lists_submitted_entries_only(client: TestClient, db: Session, world: World,
                                                  clock) -> None:
    sid = start(client, world)["id"]
    upload(client, sid, world.h)
    other = solver(db, display_name="Binod")
    register(db, world.arena.challenge, other)
    other_h = token_for(client, other.email or "")
    client.post(f"/api/v1/challenges/{world.cid}/submission", json={"title": "Still a draft"},
                headers=other_h)
    owner = token_for(client, world.arena.owner.email or "")
    url = f"/api/v1/challenges/{world.cid}/submissions"
    assert client.get(url, headers=owner).json()["total"] == 0
    client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)
    listed = client.get(url, headers=owner).json()
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["entrant"] == "Asha" and item["file_count"] == 1
    assert item["latest_receipt"]["number"] == 1
    assert client.get(url, headers=world.h).status_code == 403  # visible challenge, not theirs
    assert client.get(url + "?limit=0", headers=owner).status_code == 422


def test_withdrawing_a_registration(client: TestClient, db: Session, world: World,
                                    settings) -> None:
    sid = start(client, world)["id"]
    upload(client, sid, world.h)
    stored = sorted(uploads.folder().iterdir())
    assert len(stored) == 2  # the original and its blind copy for the judges
    client.post(f"/api/v1/submissions/{sid}/submit", headers=world.h)
    url = f"/api/v1/challenges/{world.cid}/registrations/me"
    refused = client.delete(url, headers=world.h)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "entry_submitted"
    client.post(f"/api/v1/submissions/{sid}/reopen", headers=world.h)
    # Reopened, it still has a receipt, which is kept for good: the registration stays too.
    assert client.delete(url, headers=world.h).status_code == 409
    assert all(path.exists() for path in stored)
    db.expire_all()
    assert db.get(Submission, sid) is not None


def test_withdrawing_deletes_a_draft_and_its_files_after_commit(client: TestClient, db: Session,
                                                                 world: World) -> None:
    sid = start(client, world)["id"]
    upload(client, sid, world.h)
    stored = list(uploads.folder().iterdir())
    assert len(stored) == 2  # the original and its blind copy
    response = client.delete(f"/api/v1/challenges/{world.cid}/registrations/me", headers=world.h)
    assert response.status_code == 204
    assert not any(path.exists() for path in stored)
    db.expire_all()
    assert db.get(Submission, sid) is None
