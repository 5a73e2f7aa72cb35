"""Loaders for routes and pages: the challenge named in the path, as the viewer may have it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.accounts.deps import CurrentUser, OptionalUser
from app.challenges import service
from app.challenges.models import Challenge
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep


def visible_challenge(challenge_id: ObjectId, user: OptionalUser, db: SessionDep) -> Challenge:
    return service.get(db, challenge_id=challenge_id, viewer=user)


def managed_challenge(challenge_id: ObjectId, user: CurrentUser, db: SessionDep) -> Challenge:
    return service.get_managed(db, challenge_id=challenge_id, user=user)


# The challenge `{challenge_id}` if the viewer may see it (404 otherwise), its state brought up
# to date with the clock.
VisibleChallenge = Annotated[Challenge, Depends(visible_challenge)]
# The challenge `{challenge_id}` if the signed-in user manages it (404 hidden, 403 only seen).
ManagedChallenge = Annotated[Challenge, Depends(managed_challenge)]
