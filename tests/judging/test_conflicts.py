"""No judge scores their own entry or a team mate's: a judge on a challenge's panel cannot
register for it (alone or in a team), nor can anyone who shares a team with one of its judges;
nobody who entered, or shares a team with someone who did, is put on its panel; and nobody
joins a team that would seat a judge beside an entrant of a challenge they judge. A panel
change and a registration at the same moment take turns (each holds the challenge)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role, User
from app.challenges.enums import SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import RegistrationIn
from app.config import Settings
from app.db import session_factory
from app.errors import Conflict, ValidationFailed
from app.judging import panel
from app.judging.models import JudgeAssignment
from app.teams import invitations
from app.teams import service as teams
from app.teams.models import TeamMember
from tests.challenges.factories import Clock
from tests.concurrency import Second
from tests.factories import csrf_from, login, make_user, token_for
from tests.judging.factories import open_challenge
from tests.submissions.factories import register
from tests.teams.factories import make_team

SOLO = {"solver_kind": "individual", "declares_not_sponsor_employee": True}


def judge_from_nepal(db: Session, name: str = "Jo Judge") -> User:
    """A judge who would be eligible to enter the factories' challenges."""
    return make_user(db, roles=[Role.JUDGE, Role.SOLVER], country_code="NPL", display_name=name)


def _registrations(db: Session, challenge: Challenge) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(ChallengeRegistration).where(
        ChallengeRegistration.challenge_id == challenge.id)) or 0


def test_a_judge_on_the_panel_cannot_register_by_api_or_form(client: TestClient, db: Session,
                                                             clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    person = judge_from_nepal(db)
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    db.commit()
    answer = client.post(f"/api/v1/challenges/{challenge.id}/registrations", json=SOLO,
                         headers=token_for(client, person.email or ""))
    assert answer.status_code == 409
    assert answer.json() == {"error": {
        "code": "judge_on_panel",
        "message": "You are on this challenge's judging panel, so you cannot enter it.",
        "fields": {}}}
    login(client, person.email or "")
    page = client.get(f"/challenges/{challenge.id}")
    form = client.post(f"/challenges/{challenge.id}/register",
                       data={"solver_kind": "individual", "declares_not_sponsor_employee": "on",
                             "csrf_token": csrf_from(page.text)})
    assert form.status_code == 409
    assert "You are on this challenge&#39;s judging panel, so you cannot enter it." in form.text
    assert _registrations(db, challenge) == 0


def test_a_team_with_a_judge_in_it_cannot_register(client: TestClient, db: Session,
                                                   clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    lead, person = make_user(db, country_code="NPL"), judge_from_nepal(db)
    team = make_team(db, lead, name="Cold Chain", members=[person])
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    db.commit()
    answer = client.post(f"/api/v1/challenges/{challenge.id}/registrations",
                         headers=token_for(client, lead.email or ""),
                         json={**SOLO, "solver_kind": "team", "team_id": team.id})
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "judge_on_panel"
    assert error["message"] == ("A member of this team is on the challenge's judging panel, so "
                                "the team cannot enter it.")
    assert error["fields"] == {"team_id": "a member judges this challenge"}
    assert _registrations(db, challenge) == 0


def test_someone_who_shares_a_team_with_a_judge_cannot_register(client: TestClient,
                                                                db: Session,
                                                                clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    person, mate = judge_from_nepal(db), make_user(db, country_code="NPL")
    make_team(db, person, name="Reading group", members=[mate])  # not entered anywhere
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    db.commit()
    answer = client.post(f"/api/v1/challenges/{challenge.id}/registrations", json=SOLO,
                         headers=token_for(client, mate.email or ""))
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "teammate_on_panel")
    assert "shares a team with you" in answer.json()["error"]["message"]
    # Someone else, in no team with a judge, registers as before.
    stranger = make_user(db, country_code="NPL")
    assert client.post(f"/api/v1/challenges/{challenge.id}/registrations", json=SOLO,
                       headers=token_for(client, stranger.email or "")).status_code == 201


def test_an_entrant_or_an_entrants_team_mate_is_not_put_on_the_panel(db: Session,
                                                                     clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    entered = judge_from_nepal(db, "Entered Judge")
    register(db, challenge, entered)
    solver, mate = make_user(db, country_code="NPL"), judge_from_nepal(db, "Mate Judge")
    make_team(db, solver, name="Neighbours", members=[mate])  # the team itself is not entered
    register(db, challenge, solver)
    free = judge_from_nepal(db, "Free Judge")
    assert [u.id for u in panel.available_judges(db, challenge=challenge)] == [free.id]
    with pytest.raises(ValidationFailed) as refused:
        panel.assign(db, challenge=challenge, user=owner, judge_id=entered.id)
    assert refused.value.fields == {"judge_id": "entered this challenge (alone or in a team)"}
    db.rollback()
    with pytest.raises(ValidationFailed) as refused:
        panel.assign(db, challenge=challenge, user=owner, judge_id=mate.id)
    assert refused.value.message == ("Someone who shares a team with an entrant cannot judge the "
                                     "challenge.")
    assert refused.value.fields == {"judge_id": "in a team with someone who entered this "
                                                "challenge"}
    db.rollback()
    panel.assign(db, challenge=challenge, user=owner, judge_id=free.id)
    db.commit()
    assert panel.judge_ids(db, challenge=challenge) == {free.id}


def _accept(client: TestClient, user: User, invitation_id: int) -> object:
    return client.post(f"/api/v1/invitations/{invitation_id}/accept",
                       headers=token_for(client, user.email or ""))


def test_a_judge_cannot_join_a_team_entered_in_a_challenge_they_judge(
        client: TestClient, db: Session, clock: Clock) -> None:
    challenge, owner, approver = open_challenge(db, clock)
    lead, other = make_user(db, country_code="NPL"), make_user(db, country_code="NPL")
    team = make_team(db, lead, name="Cold Chain", members=[other])
    workflow.register(db, challenge=challenge, user=lead, body=RegistrationIn(
        solver_kind=SolverKind.TEAM, team_id=team.id, declares_not_sponsor_employee=True))
    person = judge_from_nepal(db)
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    invitation = invitations.invite(db, team=team, user=lead, email=person.email or "")
    db.commit()
    answer = _accept(client, person, invitation.id)
    assert answer.status_code == 409  # type: ignore[attr-defined]
    body = answer.json()["error"]  # type: ignore[attr-defined]
    assert body["code"] == "judge_on_panel"
    assert body["message"] == (f"You cannot join now: you judge “{challenge.title}”, and members "
                               "of team “Cold Chain” have entered it.")
    assert person.id not in teams.member_ids(db, team_id=team.id)
    # Once the challenge is over (here: cancelled), the judge may join.
    workflow.cancel(db, challenge=challenge, user=approver, reason="Funding withdrawn.")
    db.commit()
    assert _accept(client, person, invitation.id).status_code == 200  # type: ignore[attr-defined]
    db.expire_all()
    assert person.id in teams.member_ids(db, team_id=team.id)


def test_an_entrant_cannot_join_a_team_with_a_judge_of_their_challenge(
        client: TestClient, db: Session, clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    person = judge_from_nepal(db)
    team = make_team(db, person, name="Judges' book club")
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    entrant = make_user(db, country_code="NPL")
    register(db, challenge, entrant)
    invitation = invitations.invite(db, team=team, user=person, email=entrant.email or "")
    db.commit()
    answer = _accept(client, entrant, invitation.id)
    assert answer.status_code == 409  # type: ignore[attr-defined]
    assert answer.json()["error"]["code"] == "teammate_on_panel"  # type: ignore[attr-defined]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(TeamMember).where(
        TeamMember.team_id == team.id)) == 1


def test_a_judge_added_while_they_register_is_refused_one_way_or_the_other(
        db: Session, clock: Clock, settings: Settings) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    person = judge_from_nepal(db)

    def registering(session: Session) -> object:
        mine = session.get(Challenge, challenge.id)
        who = session.get(User, person.id)
        assert mine is not None and who is not None
        return workflow.register(session, challenge=mine, user=who,
                                 body=RegistrationIn.model_validate(SOLO))

    with session_factory(settings.database_url)() as first:
        mine, manager = first.get(Challenge, challenge.id), first.get(User, owner.id)
        assert mine is not None and manager is not None
        panel.assign(first, challenge=mine, user=manager, judge_id=person.id)
        second = Second(settings.database_url, registering)
        assert second.is_waiting()  # the assignment holds the challenge until it commits
        first.commit()
    outcome = second.finish()
    assert isinstance(outcome, Conflict) and outcome.code == "judge_on_panel"
    assert _registrations(db, challenge) == 0
    assert db.scalar(select(func.count()).select_from(JudgeAssignment)) == 1
