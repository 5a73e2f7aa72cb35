"""Questions, announcements (queued to participants), registration and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.notifications import service as notifications
from tests.challenges.factories import admin, published, sponsor
from tests.factories import make_user, token_for
from tests.teams.factories import join, make_team


@pytest.fixture
def world(db: Session, client: TestClient, clock):
    owner = sponsor(db, email="owner@example.org")
    challenge = published(db, owner, admin(db))
    clock.advance(days=2)  # open now
    nepal = make_user(db, email="nepal@example.org", country_code="NPL",
                      display_name="Asha", organisation="=HYPERLINK(1)")
    fiji = make_user(db, email="fiji@example.org", country_code="FJI")
    france = make_user(db, email="france@example.org", country_code="FRA")
    return {"challenge": challenge, "owner": owner, "nepal": nepal, "fiji": fiji,
            "france": france,
            "h": {name: token_for(client, f"{name}@example.org")
                  for name in ("owner", "nepal", "fiji", "france")}}


def register(client, world, who, **body):
    payload = {"solver_kind": "individual", "declares_not_sponsor_employee": True, **body}
    return client.post(f"/api/v1/challenges/{world['challenge'].id}/registrations",
                       json=payload, headers=world["h"][who])


def test_eligible_solvers_register_others_are_told_why(client, world, db) -> None:
    assert register(client, world, "nepal").status_code == 201
    assert register(client, world, "nepal").json()["error"]["code"] == "already_registered"
    r = register(client, world, "france")
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_eligible"
    assert "FRA is not in the eligible scope" in r.json()["error"]["fields"]["country_code"]
    reef = make_team(db, world["fiji"], name="Reef")
    r = register(client, world, "fiji", solver_kind="team", team_id=reef.id)
    assert r.json()["error"]["fields"] == {"team_size": "teams need at least 2 members"}
    r = register(client, world, "fiji", declares_not_sponsor_employee=False)
    assert "declares_not_sponsor_employee" in r.json()["error"]["fields"]
    join(db, reef, world["fiji"], make_user(db, country_code="TUV"))
    assert register(client, world, "fiji", solver_kind="team",
                    team_id=reef.id).status_code == 201
    r = register(client, world, "owner")
    assert r.status_code == 403


def test_registration_only_while_open(client, world, clock) -> None:
    clock.advance(days=40)
    r = register(client, world, "nepal")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_open"


def test_announcements_are_queued_for_registered_participants(client, world, db) -> None:
    register(client, world, "nepal")
    reef = make_team(db, world["fiji"], name="Reef")
    tuvalu = make_user(db, country_code="TUV")
    join(db, reef, world["fiji"], tuvalu)
    assert register(client, world, "fiji", solver_kind="team",
                    team_id=reef.id).status_code == 201
    cid = world["challenge"].id
    r = client.post(f"/api/v1/challenges/{cid}/announcements", headers=world["h"]["nepal"],
                    json={"title": "Hi", "body": "x"})
    assert r.status_code == 403
    r = client.post(f"/api/v1/challenges/{cid}/announcements", headers=world["h"]["owner"],
                    json={"title": "Logger models", "body": "Any **calibrated** logger will do."})
    assert r.status_code == 201
    listed = client.get(f"/api/v1/challenges/{cid}/announcements").json()
    assert [a["title"] for a in listed] == ["Logger models"]
    db.expire_all()
    # Every member of an entered team hears it, not only the lead who registered the team.
    for user in (world["nepal"], world["fiji"], tuvalu):
        messages = notifications.for_recipient(db, recipient_id=user.id,
                                               kind="challenge.announcement")
        assert len(messages) == 1
        assert messages[0].subject.endswith(": Logger models")
        assert "calibrated" in messages[0].body and messages[0].sent_at is None
    assert notifications.for_recipient(db, recipient_id=world["france"].id) == []


def test_questions_are_answered_publicly_without_the_asker(client, world, db) -> None:
    cid = world["challenge"].id
    assert client.post(f"/api/v1/challenges/{cid}/questions",
                       json={"body": "Do ice packs count?"}).status_code == 401
    r = client.post(f"/api/v1/challenges/{cid}/questions", json={"body": "Do ice packs count?"},
                    headers=world["h"]["nepal"])
    assert r.status_code == 201
    qid = r.json()["id"]
    assert client.get(f"/api/v1/challenges/{cid}/questions").json() == []  # not answered yet
    (told,) = notifications.for_recipient(db, recipient_id=world["owner"].id,
                                          kind="challenge.question_asked")
    assert "Do ice packs count?" in told.body and "Asha" not in told.body
    mine = client.get(f"/api/v1/challenges/{cid}/questions", headers=world["h"]["nepal"]).json()
    assert mine[0]["mine"] is True
    r = client.post(f"/api/v1/challenges/{cid}/questions/{qid}/answer",
                    json={"answer": "No."}, headers=world["h"]["fiji"])
    assert r.status_code == 403
    r = client.post(f"/api/v1/challenges/{cid}/questions/{qid}/answer",
                    json={"answer": "No, only active cooling."}, headers=world["h"]["owner"])
    assert r.status_code == 200
    public = client.get(f"/api/v1/challenges/{cid}/questions").json()
    assert public == [{"id": qid, "body": "Do ice packs count?",
                       "created_at": public[0]["created_at"],
                       "answer": "No, only active cooling.",
                       "answered_at": public[0]["answered_at"], "mine": False,
                       "hidden": False, "answer_hidden": False}]
    page = client.get(f"/challenges/{cid}").text
    assert "Do ice packs count?" in page and "only active cooling" in page
    assert "Asha" not in page and "nepal@example.org" not in page


def test_sponsor_exports_registrations_as_csv(client, world, db) -> None:
    register(client, world, "nepal")
    reef = make_team(db, world["fiji"], name="Reef",
                     members=[make_user(db, country_code="TUV"), make_user(db, country_code="FJI")])
    register(client, world, "fiji", solver_kind="team", team_id=reef.id)
    cid = world["challenge"].id
    assert client.get(f"/api/v1/challenges/{cid}/registrations.csv",
                      headers=world["h"]["nepal"]).status_code == 403
    r = client.get(f"/api/v1/challenges/{cid}/registrations.csv", headers=world["h"]["owner"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(row["email"], row["country"], row["solver_kind"], row["team_name"], row["team_size"])
            for row in rows] == [("nepal@example.org", "NPL", "individual", "", ""),
                                 ("fiji@example.org", "FJI", "team", "Reef", "3")]
    assert rows[0]["organisation"] == "'=HYPERLINK(1)"  # no formula reaches a spreadsheet


def test_cancelling_tells_participants_why(client, world, db) -> None:
    register(client, world, "nepal")
    reef = make_team(db, world["fiji"], name="Reef")
    tuvalu = make_user(db, country_code="TUV")
    join(db, reef, world["fiji"], tuvalu)
    register(client, world, "fiji", solver_kind="team", team_id=reef.id)
    cid = world["challenge"].id
    r = client.post(f"/api/v1/challenges/{cid}/cancel", headers=world["h"]["owner"],
                    json={"reason": "The funder withdrew."})
    assert r.json()["state"] == "cancelled"
    assert "The funder withdrew." in client.get(f"/challenges/{cid}").text
    db.expire_all()
    [message] = notifications.for_recipient(db, recipient_id=world["nepal"].id,
                                            kind="challenge.cancelled")
    assert "The funder withdrew." in message.body
    for user in (world["fiji"], tuvalu):
        assert len(notifications.for_recipient(db, recipient_id=user.id,
                                               kind="challenge.cancelled")) == 1


def test_later_lifecycle_steps_follow_the_clock(client, world, clock, db) -> None:
    cid = world["challenge"].id
    h = world["h"]["owner"]
    boss = make_user(db, roles=[Role.ADMIN], email="boss@example.org")
    hb = token_for(client, boss.email or "")
    assert client.post(f"/api/v1/challenges/{cid}/start-judging", headers=h).status_code == 409
    clock.advance(days=30)
    assert client.post(f"/api/v1/challenges/{cid}/start-judging", headers=h).json()["state"] == "judging"
    assert client.post(f"/api/v1/challenges/{cid}/start-verification", headers=h).status_code == 200
    r = client.post(f"/api/v1/challenges/{cid}/propose-awards", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "too_early"
    clock.advance(days=60)
    assert client.post(f"/api/v1/challenges/{cid}/propose-awards", headers=h).status_code == 200
    assert client.post(f"/api/v1/challenges/{cid}/finalise", headers=h).status_code == 403
    assert client.post(f"/api/v1/challenges/{cid}/finalise", headers=hb).json()["error"]["code"] == "too_early"
    clock.advance(days=15)
    assert client.post(f"/api/v1/challenges/{cid}/finalise", headers=hb).json()["state"] == "final"
    r = client.post(f"/api/v1/challenges/{cid}/cancel", headers=hb, json={"reason": "late"})
    assert r.status_code == 409
    assert client.post(f"/api/v1/challenges/{cid}/archive", headers=hb).json()["state"] == "archived"
