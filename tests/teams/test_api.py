"""The teams API with bearer tokens: answers, errors, hidden objects, the rate limit."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.config import Settings
from app.kit import rate_limit
from app.notifications import service as notifications
from app.teams import invitations
from tests.challenges.factories import Clock
from tests.factories import make_user, token_for
from tests.teams.factories import invite, make_team


@pytest.fixture
def people(db: Session, client: TestClient) -> dict[str, dict[str, str]]:
    """Bearer headers for a lead, a member, an invitee, a stranger and an admin."""
    for name in ("lead", "member", "invitee", "stranger"):
        make_user(db, email=f"{name}@example.org", display_name=name.title(),
                  country_code="NPL")
    make_user(db, email="admin@example.org", roles=[Role.ADMIN])
    return {name: token_for(client, f"{name}@example.org")
            for name in ("lead", "member", "invitee", "stranger", "admin")}


def form_team(client: TestClient, people: dict, name: str = "Reef") -> dict:
    r = client.post("/api/v1/teams", json={"name": name}, headers=people["lead"])
    assert r.status_code == 201, r.text
    return r.json()


def add(client: TestClient, people: dict, team_id: int, who: str) -> int:
    """Invite `who` and let them accept; returns the invitation id."""
    r = client.post(f"/api/v1/teams/{team_id}/invitations", json={"email": f"{who}@example.org"},
                    headers=people["lead"])
    assert r.status_code == 201, r.text
    accepted = client.post(f"/api/v1/invitations/{r.json()['id']}/accept", headers=people[who])
    assert accepted.status_code == 200, accepted.text
    return int(r.json()["id"])


def test_form_list_and_see_a_team(client: TestClient, people: dict) -> None:
    team = form_team(client, people, "  Reef  ")
    assert team["name"] == "Reef" and team["my_role"] == "lead" and team["member_count"] == 1
    assert [m["display_name"] for m in team["members"]] == ["Lead"]
    assert team["pending_invitations"] == [] and team["entries"] == []
    form_team(client, people, "Coral")
    page = client.get("/api/v1/teams?limit=1&offset=1", headers=people["lead"]).json()
    assert page["total"] == 2 and [t["name"] for t in page["items"]] == ["Coral"]
    assert client.get("/api/v1/teams", headers=people["stranger"]).json()["total"] == 0
    assert client.get(f"/api/v1/teams/{team['id']}", headers=people["admin"]).status_code == 200
    assert client.get("/api/v1/teams").status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    ({"name": ""}, "name"), ({"name": "x" * 121}, "name"), ({"name": 5}, "name"),
    ({"name": "Reef", "lead_id": 1}, "lead_id"), ({}, "name")])
def test_team_input_is_strict(client: TestClient, people: dict, body: dict, field: str) -> None:
    r = client.post("/api/v1/teams", json=body, headers=people["lead"])
    assert r.status_code == 422 and field in r.json()["error"]["fields"]


def test_an_invitation_reads_the_same_whether_or_not_an_account_exists(
        client: TestClient, people: dict, db: Session) -> None:
    team = form_team(client, people)
    url = f"/api/v1/teams/{team['id']}/invitations"
    known = client.post(url, json={"email": "INVITEE@example.org"}, headers=people["lead"])
    unknown = client.post(url, json={"email": "ghost@example.org"}, headers=people["lead"])
    assert known.status_code == unknown.status_code == 201
    strip = lambda r: {k: v for k, v in r.json().items()  # noqa: E731
                       if k not in ("id", "email", "created_at")}
    assert strip(known) == strip(unknown) == {"team_id": team["id"], "state": "pending"}
    assert set(known.headers) == set(unknown.headers)
    assert known.json()["email"] == "invitee@example.org"
    listed = client.get(f"/api/v1/teams/{team['id']}", headers=people["lead"]).json()
    assert [i["email"] for i in listed["pending_invitations"]] == [
        "invitee@example.org", "ghost@example.org"]
    mine = client.get("/api/v1/me/invitations", headers=people["invitee"]).json()
    assert mine["total"] == 1 and mine["items"][0]["team_name"] == "Reef"
    assert mine["items"][0]["invited_by"] == "Lead"
    assert client.get("/api/v1/me/invitations", headers=people["stranger"]).json()["total"] == 0
    r = client.post(url, json={"email": "Invitee@Example.org"}, headers=people["lead"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_invited"
    r = client.post(url, json={"email": "lead@example.org"}, headers=people["lead"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_member"
    r = client.post(url, json={"email": "not-an-address"}, headers=people["lead"])
    assert r.status_code == 422 and "email" in r.json()["error"]["fields"]


def test_the_index_answers_409_when_two_requests_invite_at_once(
        client: TestClient, people: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    team = form_team(client, people)
    url = f"/api/v1/teams/{team['id']}/invitations"
    assert client.post(url, json={"email": "twice@example.org"},
                       headers=people["lead"]).status_code == 201
    # The second request's check ran before the first one committed: only the index stops it.
    monkeypatch.setattr(invitations, "pending_of_team", lambda db, team_id: [])
    r = client.post(url, json={"email": "twice@example.org"}, headers=people["lead"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_invited"


def test_answering_invitations(client: TestClient, people: dict, db: Session) -> None:
    team = form_team(client, people)
    add(client, people, team["id"], "member")
    seen = client.get(f"/api/v1/teams/{team['id']}", headers=people["member"]).json()
    assert seen["my_role"] == "member" and seen["member_count"] == 2
    db.expire_all()
    [told] = notifications.for_recipient(db, recipient_id=seen["members"][0]["user_id"],
                                         kind="team.invitation_accepted")
    assert told.subject == "Member joined team “Reef”"
    r = client.post(f"/api/v1/teams/{team['id']}/invitations",
                    json={"email": "invitee@example.org"}, headers=people["lead"])
    invitation_id = r.json()["id"]
    assert client.post(f"/api/v1/invitations/{invitation_id}/decline",
                       headers=people["invitee"]).status_code == 204
    r = client.post(f"/api/v1/invitations/{invitation_id}/accept", headers=people["invitee"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_pending"
    r = client.post(f"/api/v1/teams/{team['id']}/invitations",
                    json={"email": "invitee@example.org"}, headers=people["lead"])
    again = r.json()["id"]
    assert client.delete(f"/api/v1/teams/{team['id']}/invitations/{again}",
                         headers=people["lead"]).status_code == 204
    r = client.delete(f"/api/v1/teams/{team['id']}/invitations/{again}",
                      headers=people["lead"])
    assert r.status_code == 409


def test_another_users_team_and_invitation_are_not_found(client: TestClient,
                                                         people: dict) -> None:
    """ASVS 8.2.2: ids of other people's teams and invitations lead nowhere (404, not 403)."""
    team = form_team(client, people)
    tid = team["id"]
    r = client.post(f"/api/v1/teams/{tid}/invitations", json={"email": "invitee@example.org"},
                    headers=people["lead"])
    iid = r.json()["id"]
    lead_id = team["members"][0]["user_id"]
    stranger = people["stranger"]
    for method, path, body in (
            ("GET", f"/api/v1/teams/{tid}", None),
            ("PATCH", f"/api/v1/teams/{tid}", {"name": "Mine"}),
            ("DELETE", f"/api/v1/teams/{tid}", None),
            ("POST", f"/api/v1/teams/{tid}/invitations", {"email": "x@example.org"}),
            ("DELETE", f"/api/v1/teams/{tid}/invitations/{iid}", None),
            ("DELETE", f"/api/v1/teams/{tid}/members/{lead_id}", None),
            ("POST", f"/api/v1/teams/{tid}/lead", {"user_id": lead_id}),
            ("POST", f"/api/v1/invitations/{iid}/accept", None),
            ("POST", f"/api/v1/invitations/{iid}/decline", None)):
        r = client.request(method, path, json=body, headers=stranger)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["code"] == "not_found"
    for who in ("lead", "admin"):  # only the invitee answers, even an admin gets a 404
        r = client.post(f"/api/v1/invitations/{iid}/accept", headers=people[who])
        assert r.status_code == 404
    r = client.patch(f"/api/v1/teams/{tid}", json={"name": "Mine"}, headers=people["admin"])
    assert r.status_code == 403  # an admin sees the team, but it is not theirs to change
    assert client.get(f"/api/v1/teams/{tid}", headers=people["lead"]).json()["name"] == "Reef"


def test_the_lead_manages_members_leave_and_dissolve(client: TestClient,
                                                      people: dict) -> None:
    team = form_team(client, people)
    tid = team["id"]
    add(client, people, tid, "member")
    add(client, people, tid, "invitee")
    ids = {m["display_name"]: m["user_id"] for m in
           client.get(f"/api/v1/teams/{tid}", headers=people["lead"]).json()["members"]}
    r = client.patch(f"/api/v1/teams/{tid}", json={"name": "Coral"}, headers=people["member"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_team_lead"
    r = client.patch(f"/api/v1/teams/{tid}", json={"name": "Coral"}, headers=people["lead"])
    assert r.json()["name"] == "Coral"
    r = client.delete(f"/api/v1/teams/{tid}/members/{ids['Invitee']}", headers=people["member"])
    assert r.status_code == 403
    assert client.delete(f"/api/v1/teams/{tid}/members/{ids['Invitee']}",
                         headers=people["lead"]).status_code == 204
    r = client.delete(f"/api/v1/teams/{tid}/members/{ids['Lead']}", headers=people["lead"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "lead_cannot_leave"
    r = client.delete(f"/api/v1/teams/{tid}", headers=people["lead"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "team_not_empty"
    r = client.post(f"/api/v1/teams/{tid}/lead", json={"user_id": ids["Invitee"]},
                    headers=people["lead"])
    assert r.status_code == 422 and "user_id" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/teams/{tid}/lead", json={"user_id": ids["Member"]},
                    headers=people["lead"])
    assert {m["display_name"]: m["role"] for m in r.json()["members"]} == {
        "Member": "lead", "Lead": "member"}
    assert r.json()["my_role"] == "member"
    assert client.delete(f"/api/v1/teams/{tid}/members/{ids['Lead']}",
                         headers=people["lead"]).status_code == 204  # leaves
    assert client.get(f"/api/v1/teams/{tid}", headers=people["lead"]).status_code == 404
    assert client.delete(f"/api/v1/teams/{tid}", headers=people["member"]).status_code == 204
    assert client.get(f"/api/v1/teams/{tid}", headers=people["member"]).status_code == 404


def test_invitations_are_rate_limited_per_lead(client: TestClient, people: dict,
                                               settings: Settings,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings.rate_limits, "team_invitations_per_user_per_day", 2)
    frozen = Clock(dt.datetime(2030, 6, 1, 9, 0, tzinfo=dt.UTC))
    monkeypatch.setattr(rate_limit, "clock", frozen.now)
    team = form_team(client, people)
    url = f"/api/v1/teams/{team['id']}/invitations"
    for n in range(2):
        assert client.post(url, json={"email": f"p{n}@example.org"},
                           headers=people["lead"]).status_code == 201
    r = client.post(url, json={"email": "p2@example.org"}, headers=people["lead"])
    assert r.status_code == 429 and r.headers["retry-after"] == str(24 * 3600)
    assert r.json()["error"] == {
        "code": "rate_limited", "fields": {},
        "message": "Too many team invitations: the limit is 2 a day. Try again in 24 hours."}
    # Another lead is not held back by this one.
    other = client.post("/api/v1/teams", json={"name": "Other"}, headers=people["member"])
    assert client.post(f"/api/v1/teams/{other.json()['id']}/invitations",
                       json={"email": "p2@example.org"},
                       headers=people["member"]).status_code == 201
    frozen.advance(days=1)
    assert client.post(url, json={"email": "p2@example.org"},
                       headers=people["lead"]).status_code == 201


def test_registering_a_team_through_the_api(client: TestClient, db: Session, clock) -> None:
    from tests.challenges.factories import admin, published, sponsor

    challenge = published(db, sponsor(db), admin(db))
    clock.advance(days=2)
    lead = make_user(db, country_code="NPL", email="asha@example.org")
    member = make_user(db, country_code="FJI", email="bo@example.org")
    team = make_team(db, lead, name="Reef", members=[member])
    invite(db, team, lead, "later@example.org")
    url = f"/api/v1/challenges/{challenge.id}/registrations"
    body = {"solver_kind": "team", "team_id": team.id, "declares_not_sponsor_employee": True}
    r = client.post(url, json=body, headers=token_for(client, "bo@example.org"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_team_lead"
    r = client.post(url, json=body, headers=token_for(client, "asha@example.org"))
    assert r.status_code == 201, r.text
    assert (r.json()["team_name"], r.json()["team_size"]) == ("Reef", 2)
    seen = client.get(f"/api/v1/teams/{team.id}",
                      headers=token_for(client, "bo@example.org")).json()
    assert [e["title"] for e in seen["entries"]] == [challenge.title]
