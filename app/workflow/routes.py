"""JSON API of a challenge's steps: `POST /api/v1/challenges/{id}/{action}`, one route per
step, each answered with the challenge as it now is."""

from __future__ import annotations

from collections.abc import Callable

from app.accounts.deps import CurrentUser
from app.challenges import clock, present
from app.challenges.deps import VisibleChallenge
from app.challenges.schemas import ChallengeRead, OptionalReasonIn
from app.challenges.states import STEPS, Action, Actor, Step
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.unit_of_work import SessionDep
from app.workflow import steps

router = APIRouter(prefix="/api/v1", tags=["challenges"])


def _endpoint(action: Action) -> Callable[..., object]:
    def endpoint(user: CurrentUser, challenge: VisibleChallenge, db: SessionDep,
                 body: OptionalReasonIn | None = None) -> object:
        steps.perform(db, challenge=challenge, action=action, user=user,
                      reason=body.reason if body else None)
        return present.detail(challenge, clock.now())

    return endpoint


def _summary(step: Step) -> str:
    who = "admin" if step.who == Actor.ADMIN else "owner or admin"
    if step.admin_from:
        who += f"; admin only from {', '.join(sorted(step.admin_from))}"
    return f"{step.label} ({who}{'; reason required' if step.needs_reason else ''})"


for _action, _step in STEPS.items():
    router.add_api_route(
        f"/challenges/{{challenge_id}}/{_action.value}", _endpoint(_action), methods=["POST"],
        response_model=ChallengeRead, name=f"challenge_{_action.value.replace('-', '_')}",
        responses=error_responses(403, 409), summary=_summary(_step))
