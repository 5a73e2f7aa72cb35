"""The team pages, driven through their forms as a browser would (session cookie + CSRF)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.notifications import service as notifications
from app.teams import service as teams
from app.teams.models import TeamRole
from tests.factories import csrf_from, login, make_user
from tests.teams.factories import invite, make_team


def post(client: TestClient, page: str, action: str, data: dict[str, str] | None = None):
    """Open `page`, take its CSRF token and post the form to `action` (no redirect followed)."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**(data or {}), "csrf_token": token},
                       follow_redirects=False)


def text(html: str) -> str:
    """The page's words without tags or repeated spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_teams_is_in_the_navigation_of_signed_in_people(client: TestClient,
                                                        db: Session) -> None:
    assert 'href="/teams"' not in client.get("/").text
    assert client.get("/teams", follow_redirects=False).headers["location"] == \
        "/login?next=/teams"
    make_user(db, email="asha@example.org")
    login(client, "asha@example.org")
    assert '<a href="/teams">Teams</a>' in client.get("/challenges").text


def test_form_a_team_invite_and_see_it_pending(client: TestClient, db: Session) -> None:
    make_user(db, email="asha@example.org", display_name="Asha")
    bo = make_user(db, email="bo@example.org", display_name="Bo")
    login(client, "asha@example.org")
    r = post(client, "/teams", "/teams", {"name": "   "})
    assert r.status_code == 422
    assert 'id="e-name"' in r.text and "String should have at least 1 character" in r.text
    r = post(client, "/teams", "/teams", {"name": "  Reef  "})
    assert r.status_code == 303
    page = r.headers["location"]
    shown = client.get(page).text
    assert "<h1>Reef</h1>" in shown and "You lead this team." in shown
    assert "Team “Reef” formed." in shown
    r = post(client, page, f"{page}/invitations", {"email": "nope"})
    assert r.status_code == 422 and 'id="e-email"' in r.text and 'value="nope"' in r.text
    r = post(client, page, f"{page}/invitations", {"email": "BO@example.org"})
    assert r.status_code == 303
    shown = text(client.get(page).text)
    assert "Invitation to bo@example.org recorded" in shown
    assert "Invitations waiting for an answer (1)" in shown and "bo@example.org" in shown
    r = post(client, page, f"{page}/invitations", {"email": "ghost@example.org"})
    assert r.status_code == 303  # the same answer without an account
    assert "Invitation to ghost@example.org recorded" in text(client.get(page).text)
    r = post(client, page, f"{page}/invitations", {"email": "bo@example.org"})
    assert r.status_code == 409
    assert "This address has an invitation to the team waiting" in r.text
    assert '<p class="error" id="e-email">already invited</p>' in r.text
    assert notifications.for_recipient(db, recipient_id=bo.id, kind="team.invited")


def test_the_invitee_accepts_on_the_teams_page(client: TestClient, db: Session) -> None:
    lead = make_user(db, display_name="Asha")
    make_user(db, email="bo@example.org", display_name="Bo")
    team = make_team(db, lead, name="Reef")
    invitation = invite(db, team, lead, "bo@example.org")
    declined = invite(db, make_team(db, lead, name="Coral"), lead, "bo@example.org")
    login(client, "bo@example.org")
    shown = text(client.get("/teams").text)
    assert "Invitations waiting for you (2)" in shown and "Reef from Asha" in shown
    r = post(client, "/teams", f"/teams/invitations/{declined.id}/decline")
    assert r.status_code == 303 and r.headers["location"] == "/teams"
    r = post(client, "/teams", f"/teams/invitations/{invitation.id}/accept")
    assert r.status_code == 303 and r.headers["location"] == f"/teams/{team.id}"
    shown = text(client.get(f"/teams/{team.id}").text)
    assert "You joined team “Reef”." in shown and "You are a member of this team." in shown
    assert "Leave the team" in shown and "Invite by email address" not in shown
    r = post(client, "/teams", f"/teams/invitations/{invitation.id}/accept")
    assert r.status_code == 409 and "This invitation was accepted already." in r.text
    listing = text(client.get("/teams").text)
    assert "No invitations are waiting for you." in listing and "Reef member 2 members" in listing


def test_forms_without_csrf_are_refused(client: TestClient, db: Session) -> None:
    lead = make_user(db, email="asha@example.org")
    team = make_team(db, lead, name="Reef")
    login(client, "asha@example.org")
    for action, data in (("/teams", {"name": "Sneaky"}),
                         (f"/teams/{team.id}/rename", {"name": "Sneaky"}),
                         (f"/teams/{team.id}/invitations", {"email": "x@example.org"}),
                         (f"/teams/{team.id}/dissolve", {})):
        r = client.post(action, data=data, follow_redirects=False)
        assert r.status_code == 403 and "did not come from this site" in r.text, action
    db.expire_all()
    assert [t.name for t in teams.teams_of(db, user=lead)[0]] == ["Reef"]


def test_other_peoples_teams_and_invitations_are_404_pages(client: TestClient,
                                                           db: Session) -> None:
    lead = make_user(db)
    team = make_team(db, lead, name="Reef")
    invitation = invite(db, team, lead, "bo@example.org")
    make_user(db, email="eve@example.org")
    login(client, "eve@example.org")
    assert client.get(f"/teams/{team.id}").status_code == 404
    for action in (f"/teams/{team.id}/rename", f"/teams/{team.id}/dissolve",
                   f"/teams/{team.id}/members/{lead.id}/remove",
                   f"/teams/invitations/{invitation.id}/accept",
                   f"/teams/invitations/{invitation.id}/decline"):
        r = post(client, "/teams", action, {"name": "Mine"})
        assert r.status_code == 404 and "Reef" not in r.text, action


def test_the_lead_renames_hands_over_and_leaves(client: TestClient, db: Session) -> None:
    lead = make_user(db, email="asha@example.org", display_name="Asha")
    bo = make_user(db, display_name="Bo")
    team = make_team(db, lead, name="Reef", members=[bo])
    login(client, "asha@example.org")
    page = f"/teams/{team.id}"
    assert "To leave the team, hand over the lead first." in client.get(page).text
    r = post(client, page, f"{page}/rename", {"name": ""})
    assert r.status_code == 422 and 'id="e-name"' in r.text
    assert post(client, page, f"{page}/rename", {"name": "Coral"}).status_code == 303
    r = post(client, page, f"{page}/members/{lead.id}/remove")
    assert r.status_code == 409 and "Hand the lead to another member" in r.text
    r = post(client, page, f"{page}/lead", {"member_id": "x"})
    assert r.status_code == 422 and '<p class="error" id="e-member_id">' in r.text
    offered = re.findall(r'<option value="([^"]*)">Bo</option>', client.get(page).text)
    assert offered == [str(bo.id)], "the page offers Bo by id (it once offered an empty value)"
    r = post(client, page, f"{page}/lead", {"member_id": offered[0]})
    assert r.status_code == 303
    db.expire_all()
    assert {m.user_id: m.role for m in teams.get(db, team_id=team.id, viewer=bo).members} == {
        lead.id: TeamRole.MEMBER, bo.id: TeamRole.LEAD}
    shown = text(client.get(page).text)
    assert "<h1>Coral</h1>" in client.get(page).text and "You are a member" in shown
    r = post(client, page, f"{page}/members/{lead.id}/remove")
    assert r.status_code == 303 and r.headers["location"] == "/teams"
    assert "You left team “Coral”." in text(client.get("/teams").text)
    assert client.get(page).status_code == 404


def test_a_lead_alone_dissolves_the_team(client: TestClient, db: Session) -> None:
    lead = make_user(db, email="asha@example.org")
    bo = make_user(db, display_name="Bo")
    team = make_team(db, lead, name="Reef", members=[bo])
    login(client, "asha@example.org")
    page = f"/teams/{team.id}"
    assert "Dissolve the team" not in client.get(page).text
    r = post(client, page, f"{page}/dissolve")
    assert r.status_code == 409 and "Only a team with no other members" in r.text
    r = post(client, page, f"{page}/members/{bo.id}/remove")
    assert r.status_code == 303
    assert "Dissolve the team" in client.get(page).text
    r = post(client, page, f"{page}/dissolve")
    assert r.status_code == 303 and r.headers["location"] == "/teams"
    assert "Team “Reef” was dissolved." in text(client.get("/teams").text)
    assert client.get(page).status_code == 404
