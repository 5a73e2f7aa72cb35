"""The awards page of a challenge: all awards for its manager, an entrant's own for them."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.models import User
from app.awards import service
from app.challenges import pages as challenge_pages
from app.challenges.access import is_manager
from app.challenges.enums import STATE_LABELS
from app.challenges.models import Challenge
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import render
from app.kit.unit_of_work import get_db
from app.submissions import access as submissions_access

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/challenges/{challenge_id:int}/awards", response_class=HTMLResponse)
def awards_page(challenge_id: ObjectId, request: Request, user: CurrentUser,
                db: Session = Depends(get_db)) -> Response:
    table = service.view(db, challenge_id=challenge_id, user=user)
    return render(request, "awards/awards.html", {
        "table": table, "state_label": STATE_LABELS[table.state],
        "manager": table.purse_minor is not None})


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Awards" on the challenge's page once proposed, for its manager and its entrants."""
    if user is None or challenge.state not in service.AWARD_STATES:
        return []
    if is_manager(challenge, user) or submissions_access.registration_for(
            db, challenge=challenge, user=user) is not None:
        return [(service.awards_url(challenge), "Awards")]
    return []


if _challenge_links not in challenge_pages.DETAIL_LINKS:
    challenge_pages.DETAIL_LINKS.append(_challenge_links)
