"""Teams: forming one, seeing it, renaming it, handing over the lead, leaving, dissolving.

Invitations are in `invitations.py`. A team is seen by its members (and admins); to anyone
else it does not exist (404, never 403, so team ids cannot be probed). Changes are the lead's,
except leaving, which is every member's own.

This domain knows nothing of challenges: the rules that hold while a team is entered in one
(the challenge's team size, one entry per person, no dissolving) are added by
`app.challenges.team_entries`, which the pages and routes call for the changes they concern.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Role, User
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit.links import site_link
from app.notifications import service as notifications
from app.teams.models import Team, TeamMember, TeamRole

# Members and pending invitations together: a team is a working group, not a mailing list.
MAX_MEMBERS = 20


def member_ids(db: Session, *, team_id: int) -> set[int]:
    """The user ids of the team's current members (lead included)."""
    return set(db.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team_id)))


def teammates_of(db: Session, *, user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each of `user_ids` in a team, everyone else who shares a team with them (a judge's
    teammates may not enter the challenge they judge, nor an entrant's judge it)."""
    ids = set(user_ids)
    if not ids:
        return {}
    mine, theirs = aliased(TeamMember), aliased(TeamMember)
    found: dict[int, set[int]] = {}
    for person, mate in db.execute(
            select(mine.user_id, theirs.user_id).join(theirs, theirs.team_id == mine.team_id)
            .where(mine.user_id.in_(ids), theirs.user_id != mine.user_id)):
        found.setdefault(person, set()).add(mate)
    return found


def membership(team: Team, user_id: int) -> TeamMember | None:
    return next((m for m in team.members if m.user_id == user_id), None)


def lead_of(team: Team) -> TeamMember:
    return next(m for m in team.members if m.role == TeamRole.LEAD)


def is_lead(team: Team, user: User) -> bool:
    member = membership(team, user.id)
    return member is not None and member.role == TeamRole.LEAD


def team_url(team: Team) -> str:
    return site_link(f"/teams/{team.id}")


def create(db: Session, *, user: User, name: str) -> Team:
    """Form a team; its creator is its lead."""
    team = Team(name=_name(name), created_by_id=user.id)
    team.members.append(TeamMember(user_id=user.id, role=TeamRole.LEAD))
    db.add(team)
    db.flush()
    return team


def get(db: Session, *, team_id: int, viewer: User) -> Team:
    """A team its member (or an admin) may see; 404 for everyone else."""
    team = db.get(Team, team_id)
    if team is None or (membership(team, viewer.id) is None and not viewer.has_role(Role.ADMIN)):
        raise NotFound(N_("No such team."))
    return team


def teams_of(db: Session, *, user: User, limit: int = 50,
             offset: int = 0) -> tuple[list[Team], int]:
    """One page of the teams the user is a member of (oldest first) and how many in all."""
    mine = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    total = db.scalar(select(func.count()).select_from(mine.subquery())) or 0
    teams = db.scalars(select(Team).where(Team.id.in_(mine))
                       .order_by(Team.created_at, Team.id).limit(limit).offset(offset))
    return list(teams), total


def led_by(db: Session, *, user: User) -> list[Team]:
    """The teams the user leads (for choosing one to enter a challenge with)."""
    return list(db.scalars(
        select(Team).join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user.id, TeamMember.role == TeamRole.LEAD)
        .order_by(Team.name, Team.id)))


def people(db: Session, *, team: Team) -> dict[int, User]:
    """The members' accounts by id (names and countries for pages and answers)."""
    ids = [m.user_id for m in team.members]
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))}


# The refusal for each thing only the lead does, whole sentences so that the catalogs hold them.
_LEAD_ONLY = {
    "rename it": N_("Only the team's lead may rename it."),
    "remove members": N_("Only the team's lead may remove members."),
    "hand over the lead": N_("Only the team's lead may hand over the lead."),
    "dissolve it": N_("Only the team's lead may dissolve it."),
    "invite people": N_("Only the team's lead may invite people."),
    "revoke invitations": N_("Only the team's lead may revoke invitations."),
    "enter it in a challenge": N_("Only the team's lead may enter it in a challenge."),
}


def require_lead(team: Team, user: User, *, doing: str) -> None:
    if not is_lead(team, user):
        raise Forbidden(_LEAD_ONLY.get(doing)
                        or translatable("Only the team's lead may %(doing)s.", doing=doing),
                        code="not_team_lead")


def rename(db: Session, *, team: Team, user: User, name: str) -> Team:
    require_lead(team, user, doing="rename it")
    team.name = _name(name)
    db.flush()
    return team


def remove_member(db: Session, *, team: Team, user: User, member_id: int) -> None:
    """The lead removes a member, or a member leaves (`member_id` is their own id).

    The lead leaves only once nobody else is left to lead (hand over first); a lead alone
    dissolves the team instead.
    """
    leaving = member_id == user.id
    if not leaving:
        require_lead(team, user, doing="remove members")
    member = membership(team, member_id)
    if member is None:
        raise NotFound(N_("No such member of this team."))
    if member.role == TeamRole.LEAD:
        if len(team.members) > 1:
            raise Conflict(N_("Hand the lead to another member before you leave the team."),
                           code="lead_cannot_leave")
        raise Conflict(N_("You are the team's only member: dissolve the team instead."),
                       code="last_member")
    # A compare-and-set on the member's role (and, when the lead removes them, on the lead's):
    # a member made lead meanwhile is not removed, nor is anyone by a lead who handed over.
    still = [TeamMember.team_id == team.id, TeamMember.user_id == member_id,
             TeamMember.role == TeamRole.MEMBER]
    if not leaving:
        still.append(exists().where(TeamMember.team_id == team.id,
                                    TeamMember.user_id == user.id,
                                    TeamMember.role == TeamRole.LEAD))
    removed = db.execute(delete(TeamMember).where(*still)
                         .execution_options(synchronize_session=False))
    if getattr(removed, "rowcount", 0) != 1:
        raise changed_meanwhile()
    set_committed_value(team, "members", [m for m in team.members if m is not member])
    db.expunge(member)
    if not leaving:
        notifications.queue(
            db, recipient_id=member_id,
            subject=translatable("You were removed from team “%(team)s”", team=team.name),
            body=translatable("%(name)s, the team's lead, removed you from “%(team)s”.",
                              name=user.display_name, team=team.name),
            kind="team.member_removed")


def hand_over(db: Session, *, team: Team, user: User, new_lead_id: int) -> Team:
    """The lead makes another member the lead and stays on as a member (through
    `app.challenges.team_entries.hand_over`, the team's open entries follow the new lead)."""
    require_lead(team, user, doing="hand over the lead")
    new_lead = membership(team, new_lead_id)
    if new_lead is None:
        raise ValidationFailed(N_("Choose a member of this team."),
                               fields={"user_id": N_("not a member of this team")})
    if new_lead.user_id == user.id:
        raise ValidationFailed(N_("You are the lead already."),
                               fields={"user_id": N_("choose another member")})
    # Compare-and-set on both roles: of two hand-overs at once (two tabs), one happens, and the
    # team never has two leads or none.
    for member, was, becomes in ((lead_of(team), TeamRole.LEAD, TeamRole.MEMBER),
                                 (new_lead, TeamRole.MEMBER, TeamRole.LEAD)):
        result = db.execute(update(TeamMember).where(
            TeamMember.team_id == team.id, TeamMember.user_id == member.user_id,
            TeamMember.role == was).values(role=becomes)
            .execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0) != 1:
            raise changed_meanwhile()
        set_committed_value(member, "role", becomes)
    notifications.queue(
        db, recipient_id=new_lead_id,
        subject=translatable("You now lead team “%(team)s”", team=team.name),
        body=translatable("%(name)s handed the lead of “%(team)s” to you: you invite and "
                          "remove members and enter challenges for the team.\n\n%(link)s",
                          name=user.display_name, team=team.name, link=team_url(team)),
        kind="team.lead_handed_over")
    return team


def dissolve(db: Session, *, team: Team, user: User) -> None:
    """The lead, once alone in the team, deletes it (with its invitations)."""
    require_lead(team, user, doing="dissolve it")
    if len(team.members) > 1:
        raise Conflict(N_("Only a team with no other members can be dissolved: remove them or "
                          "hand over the lead and leave."), code="team_not_empty")
    # Deleted only while the lead is still its one member (nobody accepted meanwhile); its
    # members and invitations go with it (ON DELETE CASCADE).
    alone = select(func.count()).select_from(TeamMember).where(
        TeamMember.team_id == team.id).scalar_subquery() == 1
    led = exists().where(TeamMember.team_id == team.id, TeamMember.user_id == user.id,
                         TeamMember.role == TeamRole.LEAD)
    result = db.execute(delete(Team).where(Team.id == team.id, alone, led)
                        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise changed_meanwhile()
    db.expunge(team)


def changed_meanwhile() -> Conflict:
    """The refusal when the team changed between reading it and changing it."""
    return Conflict(N_("The team changed meanwhile; reload and try again."),
                    code="concurrent_change")


def _name(name: str) -> str:
    """Trimmed, 1-120 characters (the schemas check too; this guards other callers)."""
    text = " ".join(name.split())
    if not 1 <= len(text) <= 120:
        raise ValidationFailed(N_("The team needs a name."),
                               fields={"name": N_("1 to 120 characters")})
    return text
