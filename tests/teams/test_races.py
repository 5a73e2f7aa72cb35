"""A team changed by two requests at once: answering an invitation, handing over the lead,
removing a member and dissolving the team are each a compare-and-set on what the request read
(the invitation pending, the lead's and the member's roles, the lead alone in the team), so a
request that read the team before another one changed it is refused instead of undoing that
change. The other request commits between this one's read and its write."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import team_entries
from app.config import Settings
from app.errors import Conflict
from app.teams import invitations
from app.teams import service as teams
from app.teams.models import InvitationState, Team, TeamInvitation, TeamMember, TeamRole
from tests.concurrency import meanwhile
from tests.factories import make_user
from tests.teams.factories import invite, make_team


def _team(session: Session, team: Team) -> Team:
    found = session.get(Team, team.id)
    assert found is not None
    return found


def _person(session: Session, user: User) -> User:
    found = session.get(User, user.id)
    assert found is not None
    return found


def _roles(db: Session, team: Team) -> dict[int, TeamRole]:
    db.expire_all()
    return dict(db.execute(select(TeamMember.user_id, TeamMember.role)
                           .where(TeamMember.team_id == team.id)).all())


def test_accepting_an_invitation_revoked_meanwhile_is_refused(db: Session,
                                                              settings: Settings) -> None:
    lead, invitee = make_user(db), make_user(db)
    team = make_team(db, lead, name="Reef")
    invitation = invite(db, team, lead, invitee.email or "")
    assert invitation.state == InvitationState.PENDING  # what the invitee's request read
    meanwhile(settings.database_url, lambda s: invitations.revoke(
        s, team=_team(s, team), user=_person(s, lead), invitation_id=invitation.id))
    with pytest.raises(Conflict) as refused:
        team_entries.accept(db, invitation_id=invitation.id, user=invitee)
    assert (refused.value.code, refused.value.message) == (
        "not_pending", "This invitation was revoked already.")
    db.rollback()
    assert invitee.id not in _roles(db, team)
    assert db.get(TeamInvitation, invitation.id).state == InvitationState.REVOKED  # type: ignore[union-attr]


def test_two_hand_overs_on_one_read_leave_one_lead(db: Session, settings: Settings) -> None:
    lead, first, second = make_user(db), make_user(db), make_user(db)
    team = make_team(db, lead, name="Reef", members=[first, second])
    # The lead hands over to `second` in one tab while the other tab, which read the team
    # before, hands over to `first`.
    meanwhile(settings.database_url, lambda s: teams.hand_over(
        s, team=_team(s, team), user=_person(s, lead), new_lead_id=second.id))
    with pytest.raises(Conflict) as refused:
        teams.hand_over(db, team=team, user=lead, new_lead_id=first.id)
    assert refused.value.code == "concurrent_change"
    db.rollback()
    assert _roles(db, team) == {lead.id: TeamRole.MEMBER, first.id: TeamRole.MEMBER,
                                second.id: TeamRole.LEAD}


def test_removing_a_member_who_was_made_lead_meanwhile_is_refused(db: Session,
                                                                  settings: Settings) -> None:
    lead, other = make_user(db), make_user(db)
    team = make_team(db, lead, name="Reef", members=[other])
    meanwhile(settings.database_url, lambda s: teams.hand_over(
        s, team=_team(s, team), user=_person(s, lead), new_lead_id=other.id))
    with pytest.raises(Conflict) as refused:  # read when `lead` led and `other` was a member
        teams.remove_member(db, team=team, user=lead, member_id=other.id)
    assert refused.value.code == "concurrent_change"
    db.rollback()
    assert _roles(db, team) == {lead.id: TeamRole.MEMBER, other.id: TeamRole.LEAD}


def test_dissolving_a_team_someone_joined_meanwhile_is_refused(db: Session,
                                                               settings: Settings) -> None:
    lead, invitee = make_user(db), make_user(db)
    team = make_team(db, lead, name="Reef")
    invitation = invite(db, team, lead, invitee.email or "")
    assert len(team.members) == 1  # what the lead's request read
    meanwhile(settings.database_url, lambda s: team_entries.accept(
        s, invitation_id=invitation.id, user=_person(s, invitee)))
    with pytest.raises(Conflict) as refused:
        teams.dissolve(db, team=team, user=lead)
    assert refused.value.code == "concurrent_change"
    db.rollback()
    assert _roles(db, team) == {lead.id: TeamRole.LEAD, invitee.id: TeamRole.MEMBER}
    assert db.scalar(select(func.count()).select_from(Team)) == 1


def test_answering_an_invitation_deleted_meanwhile_is_a_404(db: Session,
                                                            settings: Settings) -> None:
    """The API fuzzer met a 500 here: the invitation was gone (with its team) by the time the
    compare-and-set looked at why it matched no row."""
    from sqlalchemy import delete

    from app.errors import NotFound

    lead, invitee = make_user(db), make_user(db)
    team = make_team(db, lead, name="Atoll")
    invitation = invite(db, team, lead, invitee.email or "")
    db.commit()
    meanwhile(settings.database_url, lambda s: s.execute(
        delete(TeamInvitation).where(TeamInvitation.id == invitation.id)))
    with pytest.raises(NotFound):
        invitations.decline(db, invitation=invitation, user=invitee)
