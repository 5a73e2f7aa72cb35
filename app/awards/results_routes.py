"""JSON API of published results: a final challenge's awards, and 360Giving exports of them."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from app import workflow
from app.accounts.deps import OptionalUser
from app.awards import results
from app.errors import NotFound
from app.i18n.translate import N_
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["results"])
GIVING360: dict[int | str, dict[str, Any]] = {200: {
    "content": {"application/json": {"schema": {"type": "object"}}},
    "description": "A 360Giving Data Standard package (JSON)"}}


def giving360_response(text: str | None, filename: str) -> Response:
    if text is None:
        raise NotFound(N_("No final awards to publish yet."))
    return Response(text, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/challenges/{challenge_id}/results", response_model=results.ResultsRead,
            responses=error_responses(409))
def get_results(challenge_id: ObjectId, user: OptionalUser,
                db: SessionDep) -> object:
    """A final challenge's awards (409 before the awards are final). Public."""
    challenge = results.final_challenge(db, challenge_id=challenge_id, viewer=user)
    return workflow.published_results(db, challenge=challenge)


@router.get("/challenges/{challenge_id}/results/360giving.json", response_class=Response,
            responses={**GIVING360, **error_responses(409)})
def challenge_360giving(challenge_id: ObjectId, user: OptionalUser,
                        db: SessionDep) -> Response:
    """The challenge's awards as 360Giving grants (404 when it awarded nothing)."""
    challenge = results.final_challenge(db, challenge_id=challenge_id, viewer=user)
    return giving360_response(
        results.export(db, [challenge], title=f"Awards of “{challenge.title}”"),
        f"valleycross-challenge-{challenge.id}-360giving.json")


@router.get("/results/360giving.json", response_class=Response,
            responses={**GIVING360, **error_responses(404)})
def all_360giving(db: SessionDep) -> Response:
    """Every final award on the platform as 360Giving grants (404 while there are none)."""
    return giving360_response(
        results.export(db, results.final_challenges(db), title="Valleycross awards"),
        "valleycross-360giving.json")
