"""The rules of teams and invitations, through the services."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.challenges import team_entries
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.notifications import service as notifications
from app.teams import invitations
from app.teams import service as teams
from app.teams.models import InvitationState, Team, TeamInvitation, TeamRole
from tests.factories import make_user
from tests.teams.factories import invite, make_team


def roles(team: Team) -> dict[int, TeamRole]:
    return {m.user_id: m.role for m in team.members}


def test_anyone_forms_teams_and_leads_them(db: Session) -> None:
    asha = make_user(db)
    first = teams.create(db, user=asha, name="  Kathmandu   Cold  ")
    second = teams.create(db, user=asha, name="Reef")
    assert first.name == "Kathmandu Cold"
    assert roles(first) == {asha.id: TeamRole.LEAD} == roles(second)
    assert [t.name for t in teams.teams_of(db, user=asha)[0]] == ["Kathmandu Cold", "Reef"]
    assert teams.member_ids(db, team_id=first.id) == {asha.id}
    with pytest.raises(ValidationFailed) as refused:
        teams.create(db, user=asha, name="   ")
    assert refused.value.fields == {"name": "1 to 120 characters"}
    with pytest.raises(ValidationFailed):
        teams.create(db, user=asha, name="x" * 121)


def test_a_team_is_hidden_from_non_members_but_not_from_admins(db: Session) -> None:
    lead, stranger, admin = make_user(db), make_user(db), make_user(db, roles=[Role.ADMIN])
    team = make_team(db, lead)
    assert teams.get(db, team_id=team.id, viewer=lead) is team
    assert teams.get(db, team_id=team.id, viewer=admin) is team
    with pytest.raises(NotFound):
        teams.get(db, team_id=team.id, viewer=stranger)
    with pytest.raises(NotFound):
        teams.get(db, team_id=team.id + 1000, viewer=admin)
    with pytest.raises(Forbidden):  # seeing is not leading
        teams.rename(db, team=team, user=admin, name="Mine now")


def test_invitation_answers_the_same_whether_or_not_an_account_exists(db: Session) -> None:
    lead = make_user(db, display_name="Asha")
    invitee = make_user(db, email="bo@example.org")
    team = make_team(db, lead, name="Reef")
    known = invitations.invite(db, team=team, user=lead, email="  Bo@Example.ORG ")
    unknown = invitations.invite(db, team=team, user=lead, email="nobody@example.org")
    assert known.email == "bo@example.org" and unknown.email == "nobody@example.org"
    assert known.state == unknown.state == InvitationState.PENDING
    [message] = notifications.for_recipient(db, recipient_id=invitee.id, kind="team.invited")
    assert message.subject == "Asha invited you to team “Reef”"
    assert message.body.endswith("/teams")
    assert [i.email for i in invitations.pending_of_team(db, team_id=team.id)] == [
        "bo@example.org", "nobody@example.org"]
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(db, team=team, user=lead, email="not an address")
    assert set(refused.value.fields) == {"email"}


def test_members_and_waiting_addresses_are_not_invited_twice(db: Session) -> None:
    lead, member = make_user(db), make_user(db, email="member@example.org")
    team = make_team(db, lead, members=[member])
    with pytest.raises(Conflict) as refused:
        invitations.invite(db, team=team, user=lead, email="MEMBER@example.org")
    assert refused.value.code == "already_member"
    with pytest.raises(Conflict) as refused:
        invitations.invite(db, team=team, user=lead, email=lead.email or "")
    assert refused.value.code == "already_member"
    invite(db, team, lead, "new@example.org")
    with pytest.raises(Conflict) as refused:
        invitations.invite(db, team=team, user=lead, email="New@example.org")
    assert refused.value.code == "already_invited"
    with pytest.raises(Forbidden):
        invitations.invite(db, team=team, user=member, email="other@example.org")


def test_the_partial_unique_index_keeps_one_pending_invitation_per_address(db: Session) -> None:
    lead = make_user(db)
    team = make_team(db, lead)
    db.add(TeamInvitation(team_id=team.id, email="twice@example.org", invited_by_id=lead.id))
    db.commit()
    # Answered invitations do not count: the same address may be invited again later.
    db.add(TeamInvitation(team_id=team.id, email="twice@example.org",
                          state=InvitationState.DECLINED))
    db.commit()
    db.add(TeamInvitation(team_id=team.id, email="twice@example.org", invited_by_id=lead.id))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    other = make_team(db, lead)  # another team may invite the same address
    db.add(TeamInvitation(team_id=other.id, email="twice@example.org"))
    db.commit()


def test_a_team_has_at_most_twenty_members_counting_pending_invitations(db: Session) -> None:
    lead = make_user(db)
    team = make_team(db, lead, members=[make_user(db) for _ in range(9)])
    for n in range(10):
        invite(db, team, lead, f"p{n}@example.org")
    with pytest.raises(Conflict) as refused:
        invitations.invite(db, team=team, user=lead, email="twenty-first@example.org")
    assert refused.value.code == "team_full"
    waiting = invitations.pending_of_team(db, team_id=team.id)[0]
    invitations.revoke(db, team=team, user=lead, invitation_id=waiting.id)
    invite(db, team, lead, "twenty-first@example.org")


def test_only_the_invitee_answers_and_only_once(db: Session) -> None:
    lead, invitee = make_user(db, display_name="Asha"), make_user(db, display_name="Bo")
    other, admin = make_user(db), make_user(db, roles=[Role.ADMIN])
    team = make_team(db, lead, name="Reef")
    invitation = invite(db, team, lead, (invitee.email or "").upper())
    for stranger in (other, admin, lead):
        with pytest.raises(NotFound):
            invitations.invitation_for_invitee(db, invitation_id=invitation.id, user=stranger)
    assert [i.id for i, _ in invitations.for_invitee(db, user=invitee)[0]] == [invitation.id]
    assert invitations.for_invitee(db, user=other) == ([], 0)
    team_entries.accept(db, invitation_id=invitation.id, user=invitee)
    assert roles(team)[invitee.id] == TeamRole.MEMBER
    assert invitation.state == InvitationState.ACCEPTED and invitation.decided_by_id == invitee.id
    [told] = notifications.for_recipient(db, recipient_id=lead.id,
                                         kind="team.invitation_accepted")
    assert told.subject == "Bo joined team “Reef”"
    with pytest.raises(Conflict) as refused:
        team_entries.accept(db, invitation_id=invitation.id, user=invitee)
    assert refused.value.code == "not_pending"
    assert invitations.for_invitee(db, user=invitee) == ([], 0)


def test_declined_and_revoked_invitations_are_closed(db: Session) -> None:
    lead, invitee = make_user(db), make_user(db)
    team = make_team(db, lead)
    declined = invite(db, team, lead, invitee.email or "")
    invitations.decline(db, invitation=invitations.invitation_for_invitee(
        db, invitation_id=declined.id, user=invitee), user=invitee)
    assert declined.state == InvitationState.DECLINED
    assert teams.member_ids(db, team_id=team.id) == {lead.id}
    again = invite(db, team, lead, invitee.email or "")  # may be invited again
    invitations.revoke(db, team=team, user=lead, invitation_id=again.id)
    assert again.state == InvitationState.REVOKED
    with pytest.raises(Conflict):
        invitations.revoke(db, team=team, user=lead, invitation_id=again.id)
    with pytest.raises(NotFound):
        team_entries.accept(db, invitation_id=again.id + 1000, user=invitee)
    with pytest.raises(Conflict):
        team_entries.accept(db, invitation_id=again.id, user=invitee)
    other_lead = make_user(db)
    other_team = make_team(db, other_lead)
    with pytest.raises(NotFound):  # the id of another team's invitation
        invitations.revoke(db, team=other_team, user=other_lead, invitation_id=declined.id)


def test_members_leave_the_lead_removes_and_hands_over(db: Session) -> None:
    lead, bo, cy = make_user(db), make_user(db), make_user(db)
    team = make_team(db, lead, members=[bo, cy])
    with pytest.raises(Forbidden):
        teams.remove_member(db, team=team, user=bo, member_id=cy.id)
    teams.remove_member(db, team=team, user=bo, member_id=bo.id)  # leaves
    assert set(roles(team)) == {lead.id, cy.id}
    with pytest.raises(Conflict) as refused:
        teams.remove_member(db, team=team, user=lead, member_id=lead.id)
    assert refused.value.code == "lead_cannot_leave"
    with pytest.raises(ValidationFailed):
        teams.hand_over(db, team=team, user=lead, new_lead_id=bo.id)  # not a member now
    teams.hand_over(db, team=team, user=lead, new_lead_id=cy.id)
    assert roles(team) == {lead.id: TeamRole.MEMBER, cy.id: TeamRole.LEAD}
    assert notifications.for_recipient(db, recipient_id=cy.id, kind="team.lead_handed_over")
    teams.remove_member(db, team=team, user=lead, member_id=lead.id)  # no longer the lead
    with pytest.raises(NotFound):
        teams.get(db, team_id=team.id, viewer=lead)
    with pytest.raises(Conflict) as refused:
        teams.remove_member(db, team=team, user=cy, member_id=cy.id)
    assert refused.value.code == "last_member"


def test_removed_members_are_told(db: Session) -> None:
    lead, bo = make_user(db, display_name="Asha"), make_user(db)
    team = make_team(db, lead, name="Reef", members=[bo])
    teams.remove_member(db, team=team, user=lead, member_id=bo.id)
    [told] = notifications.for_recipient(db, recipient_id=bo.id, kind="team.member_removed")
    assert told.subject == "You were removed from team “Reef”"
    with pytest.raises(NotFound):
        teams.remove_member(db, team=team, user=lead, member_id=bo.id)


def test_a_lead_alone_dissolves_the_team(db: Session) -> None:
    lead, bo = make_user(db), make_user(db)
    team = make_team(db, lead, members=[bo])
    invite(db, team, lead, "waiting@example.org")
    with pytest.raises(Forbidden):
        team_entries.dissolve(db, team=team, user=bo)
    with pytest.raises(Conflict) as refused:
        team_entries.dissolve(db, team=team, user=lead)
    assert refused.value.code == "team_not_empty"
    teams.remove_member(db, team=team, user=lead, member_id=bo.id)
    team_entries.dissolve(db, team=team, user=lead)
    db.commit()
    assert db.get(Team, team.id) is None
    assert db.scalars(select(TeamInvitation)).all() == []

