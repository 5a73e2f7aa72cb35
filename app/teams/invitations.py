"""Invitations to a team: the lead invites an email address, its account holder answers.

The lead's answer is the same whether or not an account has the address (nobody learns who has
an account here); an account that has it gets an inbox message, and later sign-ups with that
address find the invitation on /teams.

Only an account whose address is proven (by the link emailed to it) receives, sees and
answers invitations to it: whoever registered an address first without owning it sees nothing,
and the account sees its invitations once it confirms the address. An invitation only lets
someone join a team whose lead chose the address; it grants nothing else, and the lead sees who
joined (and may remove them).
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts import email_links
from app.accounts import service as accounts
from app.accounts.models import User
from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.i18n.translate import N_, translatable
from app.kit import rate_limit
from app.kit.links import site_link
from app.notifications import service as notifications
from app.teams.models import InvitationState, Team, TeamInvitation, TeamMember, TeamRole
from app.teams.service import MAX_MEMBERS, membership, require_lead, team_url

# Whole sentences per state, so that the catalogs hold them.
_ANSWERED_ALREADY = {
    InvitationState.ACCEPTED: N_("This invitation was accepted already."),
    InvitationState.DECLINED: N_("This invitation was declined already."),
    InvitationState.REVOKED: N_("This invitation was revoked already."),
}


def answered_already(state: InvitationState) -> str:
    return _ANSWERED_ALREADY.get(state) or translatable(
        "This invitation was %(state)s already.", state=state.value)


def pending_of_team(db: Session, *, team_id: int) -> list[TeamInvitation]:
    return list(db.scalars(select(TeamInvitation).where(
        TeamInvitation.team_id == team_id, TeamInvitation.state == InvitationState.PENDING)
        .order_by(TeamInvitation.created_at, TeamInvitation.id)))


def invite(db: Session, *, team: Team, user: User, email: str) -> TeamInvitation:
    """The lead invites an address (lower-cased); its account, if any, is told."""
    require_lead(team, user, doing="invite people")
    address = accounts.normalize_email(email)
    member_accounts = db.scalars(select(User.email_normalized).join(
        TeamMember, TeamMember.user_id == User.id).where(TeamMember.team_id == team.id))
    # Tells the lead that one of their own members has this address, which they could ask them.
    if address in set(member_accounts):
        raise Conflict(N_("Someone with this address is a member of the team already."),
                       code="already_member", fields={"email": N_("already a member")})
    pending = pending_of_team(db, team_id=team.id)
    if any(i.email == address for i in pending):
        raise Conflict(N_("This address has an invitation to the team waiting for an answer."),
                       code="already_invited", fields={"email": N_("already invited")})
    if len(team.members) + len(pending) >= MAX_MEMBERS:
        raise Conflict(translatable("A team has at most %(count)s members, counting the "
                                    "invitations waiting for an answer: revoke one or remove a "
                                    "member first.", count=MAX_MEMBERS),
                       code="team_full", fields={"email": N_("the team is full")})
    rate_limit.check_and_record(
        db, action="team.invitation", key=f"user:{user.id}",
        limit=get_settings().rate_limits.team_invitations_per_user_per_day,
        window=rate_limit.DAY, what=N_("team invitations"))
    invitation = TeamInvitation(team_id=team.id, email=address, invited_by_id=user.id)
    try:
        # A savepoint: the same address invited at the same moment by a second request meets
        # the partial unique index, and only this insert is undone.
        with db.begin_nested():
            db.add(invitation)
    except IntegrityError as exc:
        raise Conflict(N_("This address has an invitation to the team waiting for an answer."),
                       code="already_invited", fields={"email": N_("already invited")}) from exc
    invitee = accounts.get_by_email(db, email=address)
    if invitee is not None and invitee.is_active and invitee.email_verified:
        teams_page = site_link("/teams")
        notifications.queue(
            db, recipient_id=invitee.id,
            subject=translatable("%(name)s invited you to team “%(team)s”",
                                 name=user.display_name, team=team.name),
            body=translatable("%(name)s invited you to join the team “%(team)s” on "
                              "Valleycross, to enter challenges together. Accept or decline on "
                              "your teams page:\n\n%(link)s", name=user.display_name,
                              team=team.name, link=teams_page),
            kind="team.invited")
    return invitation


def revoke(db: Session, *, team: Team, user: User, invitation_id: int) -> TeamInvitation:
    """The lead withdraws an invitation that has not been answered."""
    require_lead(team, user, doing="revoke invitations")
    invitation = db.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.team_id != team.id:
        raise NotFound(N_("No such invitation to this team."))
    if invitation.state != InvitationState.PENDING:
        raise Conflict(answered_already(invitation.state), code="not_pending")
    _decide(db, invitation, InvitationState.REVOKED, user)
    return invitation


def _mine(user: User) -> str | None:
    # An address counts as the user's only once proven (see the module's docstring).
    return user.email_normalized if user.is_active and user.email_verified else None


def for_invitee(db: Session, *, user: User, limit: int = 50,
                offset: int = 0) -> tuple[list[tuple[TeamInvitation, Team]], int]:
    """One page of the pending invitations to the user's address (oldest first), with their
    teams, and how many there are in all."""
    address = _mine(user)
    if not address:
        return [], 0
    waiting = (TeamInvitation.email == address, TeamInvitation.state == InvitationState.PENDING)
    total = db.scalar(select(func.count()).select_from(TeamInvitation).where(*waiting)) or 0
    rows = db.execute(select(TeamInvitation, Team).join(Team, Team.id == TeamInvitation.team_id)
                      .where(*waiting).order_by(TeamInvitation.created_at, TeamInvitation.id)
                      .limit(limit).offset(offset))
    return [(i, t) for i, t in rows], total


def invitation_for_invitee(db: Session, *, invitation_id: int, user: User) -> TeamInvitation:
    """The user's own invitation, waiting for their answer.

    Anyone else's is not found (404, whoever asks, admins too: ASVS 8.2.2); one that was
    answered or revoked is a 409 for its invitee.
    """
    email_links.require_verified(user)  # 403 with the way to confirm, whatever the id
    invitation = db.get(TeamInvitation, invitation_id)
    address = _mine(user)
    if invitation is None or not address or invitation.email != address:
        raise NotFound(N_("No such invitation."))
    if invitation.state != InvitationState.PENDING:
        raise Conflict(answered_already(invitation.state), code="not_pending")
    return invitation


def accept(db: Session, *, invitation: TeamInvitation, user: User) -> Team:
    """The invitee joins the team as a member; its lead is told.

    Call it through `app.challenges.team_entries.accept`, which first checks the challenges the
    team is entered in.
    """
    team = db.get(Team, invitation.team_id)
    assert team is not None  # an invitation is deleted with its team
    if membership(team, user.id) is not None:
        raise Conflict(N_("You are a member of this team already."), code="already_member")
    if len(team.members) >= MAX_MEMBERS:
        raise Conflict(translatable("The team has %(count)s members, the most a team may have.",
                                    count=MAX_MEMBERS),
                       code="team_full")
    _decide(db, invitation, InvitationState.ACCEPTED, user)
    team.members.append(TeamMember(user_id=user.id, role=TeamRole.MEMBER))
    db.flush()
    lead = next(m for m in team.members if m.role == TeamRole.LEAD)
    notifications.queue(
        db, recipient_id=lead.user_id,
        subject=translatable("%(name)s joined team “%(team)s”", name=user.display_name,
                             team=team.name),
        body=translatable("%(name)s accepted your invitation and is now a member of "
                          "“%(team)s”.\n\n%(link)s", name=user.display_name, team=team.name,
                          link=team_url(team)),
        kind="team.invitation_accepted")
    return team


def decline(db: Session, *, invitation: TeamInvitation, user: User) -> TeamInvitation:
    _decide(db, invitation, InvitationState.DECLINED, user)
    return invitation


def _decide(db: Session, invitation: TeamInvitation, state: InvitationState,
            user: User) -> None:
    """Answer the invitation only if it is still pending (a compare-and-set): of an accept and
    a revoke at once, or two accepts from two tabs, one happens and the other is told."""
    now = utcnow()
    result = db.execute(update(TeamInvitation).where(
        TeamInvitation.id == invitation.id, TeamInvitation.state == InvitationState.PENDING)
        .values(state=state, decided_at=now, decided_by_id=user.id)
        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        # Answered meanwhile, or gone with its team (dissolved at the same moment).
        current = db.scalar(select(TeamInvitation.state).where(
            TeamInvitation.id == invitation.id))
        if current is None:
            raise NotFound()
        raise Conflict(answered_already(current), code="not_pending")
    for name, value in (("state", state), ("decided_at", now), ("decided_by_id", user.id)):
        set_committed_value(invitation, name, value)
