"""Who may come near a challenge's judging (OWASP ASVS 8.2.2, enforced here, not in templates).

Its manager (the owning sponsor or an admin) and the judges on its panel who still hold the judge
role. Everyone else, a judge on another panel included, is told there is nothing here (404), so
nobody learns whether a challenge has entries or a panel. Between the two who may come near,
each one's own actions are refused to the other with 403: the manager does not score, judges do
not run the panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser
from app.accounts.models import Role, User
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.models import Challenge
from app.errors import Forbidden, NotFound
from app.i18n.translate import N_
from app.judging.models import JudgeAssignment
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep


@dataclass(frozen=True)
class Seat:
    """How the viewer takes part in a challenge's judging."""

    challenge: Challenge
    manager: bool
    judge: bool


def is_assigned(db: Session, *, challenge: Challenge, user: User | None) -> bool:
    """On the panel and still an active account with the judge role."""
    if user is None or not user.is_active or not user.has_role(Role.JUDGE):
        return False
    return db.scalar(select(JudgeAssignment.id).where(
        JudgeAssignment.challenge_id == challenge.id,
        JudgeAssignment.judge_id == user.id)) is not None


def seat(db: Session, *, challenge_id: int, user: User) -> Seat:
    """The challenge (its state brought up to date) and the viewer's part in judging it."""
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=user)
    manager = is_manager(challenge, user)
    judge = is_assigned(db, challenge=challenge, user=user)
    if not manager and not judge:
        raise NotFound()
    return Seat(challenge, manager, judge)


# The two below are also the routes' loaders (`ChallengeToJudge`, `ChallengeWithPanel`): the
# challenge `{challenge_id}` of the path, for the signed-in user.

def as_judge(challenge_id: ObjectId, user: CurrentUser, db: SessionDep) -> Challenge:
    """For a judge on its panel (403 for its manager, 404 for anyone else)."""
    found = seat(db, challenge_id=challenge_id, user=user)
    if not found.judge:
        raise Forbidden(N_("Only the judges on the panel score entries."), code="not_a_judge")
    return found.challenge


def as_manager(challenge_id: ObjectId, user: CurrentUser, db: SessionDep) -> Challenge:
    """For its manager, who runs its panel (403 for a judge, 404 for anyone else)."""
    found = seat(db, challenge_id=challenge_id, user=user)
    if not found.manager:
        raise Forbidden(N_("Only the sponsor who owns this challenge (or an admin) runs its "
                           "panel."), code="not_owner")
    return found.challenge


ChallengeToJudge = Annotated[Challenge, Depends(as_judge)]
ChallengeWithPanel = Annotated[Challenge, Depends(as_manager)]
