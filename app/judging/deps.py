"""Loaders for judging's routes and pages: the challenge in the path, as judge or manager."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.accounts.deps import CurrentUser
from app.challenges.models import Challenge
from app.judging import access
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep


def judged_challenge(challenge_id: ObjectId, user: CurrentUser, db: SessionDep) -> Challenge:
    return access.as_judge(db, challenge_id=challenge_id, user=user)


def panel_challenge(challenge_id: ObjectId, user: CurrentUser, db: SessionDep) -> Challenge:
    return access.as_manager(db, challenge_id=challenge_id, user=user)


# The challenge `{challenge_id}` for a judge on its panel (see `access.as_judge`).
ChallengeToJudge = Annotated[Challenge, Depends(judged_challenge)]
# The challenge `{challenge_id}` for its manager, who runs its panel (`access.as_manager`).
ChallengeWithPanel = Annotated[Challenge, Depends(panel_challenge)]
