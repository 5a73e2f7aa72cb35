"""Where teams meet challenge entries: the rules that hold while a team is entered.

A team enters a challenge through one registration, made by its lead (`registrations.py`).
While it is entered in an open challenge, a newcomer must keep it within the challenge's
`team_max`, be from its eligible scope and not be entered otherwise (their own registration or
another team's, or the challenge's sponsor); a team entered anywhere is not dissolved; and the
registration's team name, size and registrant (the lead) follow the team while the challenge is
open (frozen once it closes).

The teams domain knows nothing of challenges, so the pages and routes of teams call these
functions (not `app.teams` directly) for the changes they concern.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.accounts.models import User
from app.challenges import clock, lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.rules import EligibilityRules, country_problem
from app.errors import Conflict
from app.i18n.translate import translatable
from app.reference import service as reference
from app.teams import invitations as team_invitations
from app.teams import service as teams
from app.teams.models import Team, TeamMember
from app.teams.schemas import EntryRead


def entries_of_team(db: Session, *,
                    team_id: int) -> list[tuple[ChallengeRegistration, Challenge]]:
    """The team's registrations with their challenges, newest first."""
    rows = db.execute(select(ChallengeRegistration, Challenge)
                      .join(Challenge, Challenge.id == ChallengeRegistration.challenge_id)
                      .where(ChallengeRegistration.team_id == team_id)
                      .order_by(ChallengeRegistration.created_at.desc()))
    return [(r, c) for r, c in rows]


def entered_user_ids(db: Session, *, challenge_id: int, user_ids: Iterable[int],
                     except_team_id: int | None = None) -> set[int]:
    """Those of `user_ids` already in an entry of the challenge: registered themselves, or a
    member of a registered team (other than `except_team_id`)."""
    ids = set(user_ids)
    if not ids:
        return set()
    other_entry: ColumnElement[bool] = ChallengeRegistration.team_id.is_(None)
    teams_clause: ColumnElement[bool] = TeamMember.team_id.is_not(None)
    if except_team_id is not None:
        other_entry = or_(other_entry, ChallengeRegistration.team_id != except_team_id)
        teams_clause = TeamMember.team_id != except_team_id
    own = db.scalars(select(ChallengeRegistration.user_id).where(
        ChallengeRegistration.challenge_id == challenge_id,
        ChallengeRegistration.user_id.in_(ids), other_entry))
    via_team = db.scalars(
        select(TeamMember.user_id)
        .join(ChallengeRegistration, ChallengeRegistration.team_id == TeamMember.team_id)
        .where(ChallengeRegistration.challenge_id == challenge_id,
               TeamMember.user_id.in_(ids), teams_clause))
    return set(own) | set(via_team)


def open_entries(db: Session, *, team_id: int) -> list[tuple[ChallengeRegistration, Challenge]]:
    """The team's registrations in challenges open now (states brought up to the clock)."""
    return [(r, c) for r, c in entries_of_team(db, team_id=team_id)
            if lifecycle.sync(db, challenge=c) == ChallengeState.OPEN]


def entry_reads(db: Session, *, team_id: int) -> list[EntryRead]:
    """The team's entries as its members see them on the team page and in the API."""
    return [EntryRead(challenge_id=c.id, title=c.title, registered_at=r.created_at,
                      url=f"/challenges/{c.id}") for r, c in entries_of_team(db, team_id=team_id)]


def _eligibility(challenge: Challenge) -> EligibilityRules:
    return EligibilityRules(scope=frozenset(challenge.scope_codes), solver_kinds=frozenset())


def check_can_join(db: Session, *, team: Team, user: User) -> None:
    """409 when `user` joining would break an entry of the team in an open challenge."""
    size = len(team.members)
    for _registration, challenge in open_entries(db, team_id=team.id):
        where = {"team": team.name, "challenge": challenge.title}
        if challenge.owner_id == user.id:
            raise Conflict(translatable(
                "You cannot join now: team “%(team)s” is entered in “%(challenge)s”, and you are "
                "its sponsor.", **where), code="own_challenge")
        if challenge.team_max is not None and size + 1 > challenge.team_max:
            raise Conflict(translatable(
                "You cannot join now: team “%(team)s” is entered in “%(challenge)s”, which "
                "allows at most %(team_max)s members, and it has %(size)s.",
                **where, team_max=challenge.team_max, size=size), code="team_max_reached")
        if entered_user_ids(db, challenge_id=challenge.id, user_ids=[user.id],
                            except_team_id=team.id):
            raise Conflict(translatable(
                "You cannot join now: team “%(team)s” is entered in “%(challenge)s”, and you are "
                "entered in it yourself or with another team. Withdraw that entry first.",
                **where), code="already_entered")
        on = challenge.opens_on or clock.now().date()
        groups = (frozenset(reference.groups_of(db, country=user.country_code, on=on))
                  if user.country_code else frozenset())
        why = country_problem(_eligibility(challenge), country=user.country_code,
                              country_groups=groups)
        if why:
            raise Conflict(translatable(
                "You cannot join now: team “%(team)s” is entered in “%(challenge)s”, which you "
                "may not enter: %(why)s.", **where, why=why), code="not_eligible")


def check_can_dissolve(db: Session, *, team: Team) -> None:
    entries = entries_of_team(db, team_id=team.id)
    if entries:
        titles = ", ".join(f"“{c.title}”" for _, c in entries)
        raise Conflict(translatable("The team is registered for %(titles)s, so it is kept with "
                                    "its entries.", titles=titles), code="team_registered")


def follow_team(db: Session, *, team: Team) -> None:
    """Keep the team's entries in open challenges up to date: its name, its size, and its lead
    as the registrant (who withdraws it and hears the sponsor's announcements)."""
    size = len(team.members)
    lead = db.get(User, teams.lead_of(team).user_id)
    assert lead is not None
    for registration, _challenge in open_entries(db, team_id=team.id):
        registration.team_name = team.name
        registration.team_size = size
        registration.user_id = lead.id
        # A member was eligible when they joined; one who cleared their country since keeps
        # the entry's country as it was.
        registration.country_code = lead.country_code or registration.country_code
    db.flush()


# ---- the changes to a team that concern its entries (called by the teams pages and routes) ----

def accept(db: Session, *, invitation_id: int, user: User) -> Team:
    """The invitee accepts, if joining breaks none of the team's open entries."""
    invitation = team_invitations.invitation_for_invitee(db, invitation_id=invitation_id,
                                                         user=user)
    team = db.get(Team, invitation.team_id)
    assert team is not None
    check_can_join(db, team=team, user=user)
    team = team_invitations.accept(db, invitation=invitation, user=user)
    follow_team(db, team=team)
    return team


def rename(db: Session, *, team: Team, user: User, name: str) -> Team:
    teams.rename(db, team=team, user=user, name=name)
    follow_team(db, team=team)
    return team


def hand_over(db: Session, *, team: Team, user: User, new_lead_id: int) -> Team:
    teams.hand_over(db, team=team, user=user, new_lead_id=new_lead_id)
    follow_team(db, team=team)
    return team


def remove_member(db: Session, *, team: Team, user: User, member_id: int) -> None:
    teams.remove_member(db, team=team, user=user, member_id=member_id)
    follow_team(db, team=team)


def dissolve(db: Session, *, team: Team, user: User) -> None:
    """The lead dissolves a team of one that is entered in no challenge."""
    teams.require_lead(team, user, doing="dissolve it")
    check_can_dissolve(db, team=team)
    teams.dissolve(db, team=team, user=user)
