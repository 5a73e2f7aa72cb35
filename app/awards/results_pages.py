"""The public results page of a final challenge, with its 360Giving download."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.deps import OptionalUser, csrf_protect
from app.accounts.models import User
from app.awards import results
from app.awards.results_routes import challenge_360giving
from app.challenges.models import Challenge
from app.i18n.translate import N_, local_name
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/challenges/{challenge_id:int}/results", response_class=HTMLResponse)
def results_page(challenge_id: ObjectId, request: Request, user: OptionalUser,
                 db: SessionDep) -> Response:
    challenge = results.final_challenge(db, challenge_id=challenge_id, viewer=user)
    table = workflow.published_results(db, challenge=challenge, country_name=local_name)
    return render(request, "awards/results.html", {"c": challenge, "table": table})


# The page's download link is the API's document, under the page's address.
router.add_api_route("/challenges/{challenge_id:int}/results/360giving.json",
                     challenge_360giving, methods=["GET"])


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Results" on a final challenge's page, for everyone."""
    if challenge.state in results.FINAL_STATES:
        return [(results.results_url(challenge), N_("Results"))]
    return []


CHALLENGE_LINKS = _challenge_links
