"""The challenges API as a sponsor, an admin, a solver and a visitor use it."""

from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.challenges.models import Challenge, ChallengeTransition
from app.challenges.rules import canonical_json
from tests.challenges.factories import body, make_mechanism, make_need
from tests.factories import make_user, token_for
from tests.files import png


@pytest.fixture
def people(db: Session, client: TestClient) -> dict[str, dict[str, str]]:
    out = {}
    for name, roles in (("sponsor", [Role.SPONSOR]), ("other", [Role.SPONSOR]),
                        ("admin", [Role.ADMIN]), ("solver", [Role.SOLVER])):
        user = make_user(db, roles=roles, email=f"{name}@example.org",
                         country_code="NPL" if name == "solver" else None)
        out[name] = token_for(client, user.email or "")
    return out


def count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def create(client: TestClient, headers: dict[str, str], **overrides: object) -> dict:
    response = client.post("/api/v1/challenges", json=body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_sponsor_drafts_admin_requests_changes_then_approves(client, people, clock, db) -> None:
    need = make_need(db)
    mech = make_mechanism(db)
    created = create(client, people["sponsor"], need_ids=[need.id],
                     mechanisms=[{"mechanism_id": mech.id, "role": "partner"}])
    cid = created["id"]
    assert created["state"] == "draft" and created["need_ids"] == [need.id]
    assert created["purse"] == {"amount_minor": 10_000_000, "currency": "USD"}
    assert created["targets"][1]["threshold"] == "0.25"
    assert [c["normalised_weight"] for c in created["rubric"]["criteria"]] == ["0.75", "0.25"]

    r = client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    assert r.status_code == 200 and r.json()["state"] == "in_review"
    admins = client.get("/api/v1/me/messages", headers=people["admin"]).json()["items"]
    assert [m["subject"] for m in admins] == [f"Waiting for review: {created['title']}"]
    assert client.get("/api/v1/me/messages", headers=people["other"]).json()["total"] == 0
    r = client.post(f"/api/v1/challenges/{cid}/request-changes", headers=people["admin"],
                    json={"reason": "Say how temperatures are logged."})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "draft"
    assert r.json()["review_note"] == "Say how temperatures are logged."
    r = client.patch(f"/api/v1/challenges/{cid}", headers=people["sponsor"],
                     json={"description": "Loggers every 15 minutes."})
    assert r.status_code == 200 and r.json()["description"] == "Loggers every 15 minutes."
    client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    r = client.post(f"/api/v1/challenges/{cid}/approve", headers=people["admin"])
    assert r.status_code == 200, r.text
    approved = r.json()
    assert approved["state"] == "published"
    assert len(approved["contract_sha256"]) == 64
    assert approved["next_deadline"]["countdown"] == "opens in 1 day"

    transitions = client.get(f"/api/v1/challenges/{cid}/transitions").json()
    assert [(t["action"], t["to_state"]) for t in transitions] == [
        ("create", "draft"), ("submit", "in_review"), ("request-changes", "draft"),
        ("submit", "in_review"), ("approve", "published")]
    assert transitions[2]["reason"] == "Say how temperatures are logged."


def test_a_draft_saved_again_with_the_same_rows_keeps_them(client, people, clock, db) -> None:
    """Regression: the unit of work inserted the new targets before deleting the old ones, so
    saving a draft with unchanged target keys broke their unique constraint (a 500 in the
    browser journey, on the edit form after a reviewer asked for changes)."""
    need, mech = make_need(db), make_mechanism(db)
    sent = body(need_ids=[need.id], mechanisms=[{"mechanism_id": mech.id, "role": "partner"}])
    cid = create(client, people["sponsor"], **sent)["id"]
    again = {k: sent[k] for k in ("need_ids", "mechanisms", "sdg_targets", "sectors",
                                  "eligibility", "targets", "rubric")}
    for _ in range(2):
        r = client.patch(f"/api/v1/challenges/{cid}", headers=people["sponsor"], json=again)
        assert r.status_code == 200, r.text
    saved = r.json()
    assert [t["key"] for t in saved["targets"]] == ["cooling", "cost"]
    assert [c["name"] for c in saved["rubric"]["criteria"]] == ["Impact", "Affordability"]
    assert saved["need_ids"] == [need.id] and sorted(saved["sdg_targets"]) == ["2.3", "7.1"]


def test_opens_and_closes_by_the_clock(client, people, clock, db) -> None:
    cid = create(client, people["sponsor"])["id"]
    client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    client.post(f"/api/v1/challenges/{cid}/approve", headers=people["admin"])
    assert client.get(f"/api/v1/challenges/{cid}").json()["state"] == "published"
    clock.advance(days=1, hours=1)
    seen = client.get(f"/api/v1/challenges/{cid}").json()
    assert seen["state"] == "open"
    assert seen["next_deadline"] == {"label": "closes", "at": "2030-04-01T12:00:00Z",
                                     "countdown": "closes in 29 days 23 hours"}
    listed = client.get("/api/v1/challenges", params={"state": "open"}).json()
    assert [c["id"] for c in listed["items"]] == [cid]
    clock.advance(days=30)
    assert client.get(f"/api/v1/challenges/{cid}").json()["state"] == "closed"
    assert client.get("/api/v1/challenges", params={"state": "open"}).json()["total"] == 0
    transitions = client.get(f"/api/v1/challenges/{cid}/transitions").json()
    assert [(t["action"], t["to_state"], t["actor_id"], t["at"]) for t in transitions[-2:]] == [
        ("open", "open", None, "2030-03-02T12:00:00Z"),
        ("close", "closed", None, "2030-04-01T12:00:00Z")]


def test_rules_cannot_change_once_published_or_open(client, people, clock, db) -> None:
    cid = create(client, people["sponsor"])["id"]
    client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    client.post(f"/api/v1/challenges/{cid}/approve", headers=people["admin"])
    clock.advance(days=2)
    before = client.get(f"/api/v1/challenges/{cid}").json()
    assert before["state"] == "open"
    r = client.patch(f"/api/v1/challenges/{cid}", headers=people["sponsor"], json={
        "prize_rules": {"purse": {"amount_minor": 1, "currency": "USD"},
                        "award": {"type": "ranked", "places": [1]}}})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "rules_locked"
    assert "prize_rules" in r.json()["error"]["fields"]
    after = client.get(f"/api/v1/challenges/{cid}").json()
    assert after["prize_rules"] == before["prize_rules"]
    assert after["contract_sha256"] == before["contract_sha256"]


def test_contract_is_downloadable_and_recomputable(client, people, clock, db) -> None:
    cid = create(client, people["sponsor"])["id"]
    client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    sha = client.post(f"/api/v1/challenges/{cid}/approve",
                      headers=people["admin"]).json()["contract_sha256"]
    download = client.get(f"/api/v1/challenges/{cid}/contract")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == sha
    assert download.headers["x-contract-sha256"] == sha
    document = json.loads(download.content)
    assert canonical_json(document) == download.content  # canonical: re-serialising is identity
    assert document["prize_rules"]["award"]["places"] == [5_000_000, 3_000_000, 2_000_000]
    assert document["targets"][1]["threshold"] == "0.25"
    assert document["eligibility"]["judged_on"] == "2030-03-02"
    page = client.get(f"/challenges/{cid}/contract.json")
    assert page.content == download.content


def test_roles_and_ownership(client, people, clock, db) -> None:
    assert client.post("/api/v1/challenges", json=body()).status_code == 401
    r = client.post("/api/v1/challenges", json=body(), headers=people["solver"])
    assert r.status_code == 403
    cid = create(client, people["sponsor"])["id"]
    assert client.get(f"/api/v1/challenges/{cid}").status_code == 404
    assert client.get(f"/api/v1/challenges/{cid}", headers=people["other"]).status_code == 404
    r = client.patch(f"/api/v1/challenges/{cid}", headers=people["other"], json={"title": "Mine"})
    assert r.status_code == 404
    assert client.get(f"/api/v1/challenges/{cid}", headers=people["admin"]).status_code == 200
    client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    r = client.post(f"/api/v1/challenges/{cid}/approve", headers=people["sponsor"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "missing_role"
    r = client.post(f"/api/v1/challenges/{cid}/approve", headers=people["solver"])
    assert r.status_code == 404  # a solver cannot even see the draft
    assert client.get(f"/api/v1/challenges/{cid}").status_code == 404
    client.post(f"/api/v1/challenges/{cid}/approve", headers=people["admin"])
    r = client.post(f"/api/v1/challenges/{cid}/cancel", headers=people["solver"],
                    json={"reason": "no"})
    assert r.status_code == 403
    assert client.get(f"/api/v1/challenges/{cid}").status_code == 200


@pytest.mark.parametrize(("overrides", "field"), [
    ({"timeline": {"opens_at": "2030-03-05T00:00:00Z", "submissions_close_at": "2030-03-04T00:00:00Z"}},
     "timeline.submissions_close_at"),
    ({"timeline": {"opens_at": "2030-03-05T00:00:00"}}, "timeline.opens_at"),
    ({"sdg_targets": ["7.1", "7.99"]}, "sdg_targets"),
    ({"eligibility": {"scope": ["LDC", "XYZ"], "solver_kinds": ["team"]}}, "eligibility.scope"),
    ({"prize_rules": {"purse": {"amount_minor": 100, "currency": "USD"},
                      "award": {"type": "ranked", "places": [60, 50]}}}, "prize_rules.award.places"),
    ({"prize_rules": {"purse": {"amount_minor": 100, "currency": "USD"},
                      "award": {"type": "pool", "pool_minor": 101, "share_target": "cooling"}}},
     "prize_rules.award.pool_minor"),
    ({"prize_rules": {"purse": {"amount_minor": 1.5, "currency": "USD"},
                      "award": {"type": "ranked", "places": [1]}}}, "prize_rules.purse.amount_minor"),
    ({"prize_rules": {"purse": {"amount_minor": False, "currency": "USD"},
                      "award": {"type": "ranked", "places": [1]}}}, "prize_rules.purse.amount_minor"),
    ({"prize_rules": {"purse": {"amount_minor": 100, "currency": "XXY"},
                      "award": {"type": "ranked", "places": [1]}}}, "prize_rules.purse.currency"),
    ({"targets": [{"metric": "m", "unit": "u", "direction": "at_least", "threshold": "-1"}]},
     "targets.0.threshold"),
    ({"targets": [{"metric": "m", "unit": "u", "direction": "at_least", "threshold": 0.5}]},
     "targets.0.threshold"),
    ({"ip_terms": {"kind": "open_licence", "licence": "Not-A-Licence"}}, "ip_terms.licence"),
    ({"need_ids": [987654]}, "need_ids"),
    ({"unknown_field": 1}, "unknown_field"),
])
def test_bad_input_names_the_field_and_changes_nothing(client, people, clock, db, overrides,
                                                       field) -> None:
    r = client.post("/api/v1/challenges", json=body(**overrides), headers=people["sponsor"])
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert any(key == field or key.startswith(field + ".") or field.startswith(key + ".")
               or key.replace(".ranked", "").replace(".pool", "") == field
               for key in error["fields"]), error
    assert count(db, Challenge) == 0


def test_publishing_with_a_past_close_date_is_refused(client, people, clock, db) -> None:
    cid = create(client, people["sponsor"])["id"]
    client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    clock.advance(days=40)
    r = client.post(f"/api/v1/challenges/{cid}/approve", headers=people["admin"])
    assert r.status_code == 422
    assert "timeline.submissions_close_at" in r.json()["error"]["fields"]
    assert client.get(f"/api/v1/challenges/{cid}", headers=people["admin"]).json()["state"] == "in_review"


def test_an_incomplete_draft_cannot_be_submitted(client, people, clock, db) -> None:
    r = client.post("/api/v1/challenges", json={"title": "Just an idea"}, headers=people["sponsor"])
    assert r.status_code == 201
    cid = r.json()["id"]
    r = client.post(f"/api/v1/challenges/{cid}/submit", headers=people["sponsor"])
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert {"timeline.submissions_close_at", "targets", "prize_rules", "eligibility.scope"} <= set(fields)
    assert count(db, ChallengeTransition) == 1


def test_invalid_transitions_conflict(client, people, clock, db) -> None:
    cid = create(client, people["sponsor"])["id"]
    r = client.post(f"/api/v1/challenges/{cid}/start-judging", headers=people["sponsor"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    r = client.post(f"/api/v1/challenges/{cid}/cancel", headers=people["sponsor"], json={})
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/challenges/{cid}/cancel", headers=people["sponsor"],
                    json={"reason": "Funding withdrawn"})
    assert r.json()["state"] == "cancelled" and r.json()["cancel_reason"] == "Funding withdrawn"


PNG = png()


def test_cover_images_are_checked_by_their_bytes(client, people, clock, db) -> None:
    cid = create(client, people["sponsor"])["id"]
    url = f"/api/v1/challenges/{cid}/cover"
    r = client.put(url, files={"cover": ("x.png", b"GIF89a....", "image/png")},
                   headers=people["sponsor"])
    assert r.status_code == 422 and "cover" in r.json()["error"]["fields"]
    big = PNG + b"\x00" * (2 * 1024 * 1024)
    r = client.put(url, files={"cover": ("x.png", big, "image/png")}, headers=people["sponsor"])
    assert r.status_code == 422 and "2 MB" in r.json()["error"]["fields"]["cover"]
    r = client.put(url, files={"cover": ("x.jpg", PNG, "image/jpeg")}, headers=people["sponsor"])
    assert r.status_code == 200 and r.json()["cover_url"] == f"/challenges/{cid}/cover"
    r = client.get(f"/challenges/{cid}/cover", headers=people["sponsor"])
    assert r.content == PNG and r.headers["content-type"] == "image/png"
    assert client.get(f"/challenges/{cid}/cover").status_code == 404  # a draft stays hidden
    r = client.put(url, files={"cover": ("x.png", PNG, "image/png")}, headers=people["other"])
    assert r.status_code == 404


def test_my_challenges_and_the_review_queue(client, people, clock, db) -> None:
    from tests.factories import login

    mine = create(client, people["sponsor"], title="Mine, drafted")
    create(client, people["other"], title="Someone else's")
    listed = client.get("/api/v1/challenges", params={"mine": "true"},
                        headers=people["sponsor"]).json()
    assert [c["title"] for c in listed["items"]] == ["Mine, drafted"]
    client.post(f"/api/v1/challenges/{mine['id']}/submit", headers=people["sponsor"])
    login(client, "sponsor@example.org")
    page = client.get("/challenges/mine")
    assert "Mine, drafted" in page.text and "Someone else" not in page.text
    assert client.get("/admin/challenges/review").status_code == 403
