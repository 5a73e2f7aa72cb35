"""Who takes part in a challenge: everyone who hears its announcements and lifecycle news.

A registration made alone counts its registrant; a team's registration counts every current
member of the team (not only the lead who registered it), so a team member is told of an
announcement or a cancellation as a solo entrant is.
"""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from app.challenges.models import ChallengeRegistration
from app.teams.models import TeamMember


def participant_ids(db: Session, *, challenge_id: int) -> list[int]:
    """The user ids of the challenge's entrants, each once, in ascending order."""
    registrants = select(ChallengeRegistration.user_id.label("user_id")).where(
        ChallengeRegistration.challenge_id == challenge_id)
    team_members = (select(TeamMember.user_id.label("user_id"))
                    .join(ChallengeRegistration,
                          ChallengeRegistration.team_id == TeamMember.team_id)
                    .where(ChallengeRegistration.challenge_id == challenge_id))
    ids = union(registrants, team_members).subquery()
    return list(db.scalars(select(ids.c.user_id).order_by(ids.c.user_id)))
