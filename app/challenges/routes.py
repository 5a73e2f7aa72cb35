"""JSON API for challenges: find, read, author, move through the lifecycle, contract, cover."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, UploadFile
from fastapi.responses import FileResponse, Response

from app.accounts.deps import CurrentUser, OptionalUser, require_role
from app.accounts.models import Role, User
from app.challenges import authoring, clock, covers, lifecycle, present, search
from app.challenges.deps import ManagedChallenge, VisibleChallenge
from app.challenges.schemas import (
    ChallengeCreate,
    ChallengeRead,
    ChallengeSummary,
    ChallengeUpdate,
    TransitionRead,
)
from app.errors import NotFound
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES, larger_body
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import Page
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["challenges"])
Author = Annotated[User, Depends(require_role(Role.SPONSOR, Role.ADMIN))]


@router.get("/challenges", response_model=Page[ChallengeSummary])
def list_challenges(
    user: OptionalUser,
    db: SessionDep, state: str | None = Query(None, description="effective state, e.g. open"),
    sector: str | None = None, stage: str | None = None,
    sdg_target: str | None = Query(None, max_length=6),
    eligible_from: str | None = Query(None, max_length=3,
                                      description="ISO alpha-3: challenges this country may enter"),
    mechanism: int | None = None,
    min_purse: int | None = Query(None, ge=0, description="minor units; needs currency"),
    currency: str | None = Query(None, min_length=3, max_length=3),
    q: str | None = Query(None, max_length=200),
    mine: bool = False,
    sort: str = Query("closing_soonest", description=", ".join(search.SORTS)),
    limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0),
) -> object:
    """Challenges the caller may see (drafts only their own), filtered, sorted, paginated."""
    filters = search.Filters(state=state, sector=sector, stage=stage, sdg_target=sdg_target,
                             eligible_from=eligible_from, mechanism=mechanism,
                             min_purse=min_purse, currency=currency, q=q, mine=mine, sort=sort)
    items, total = search.list_challenges(db, viewer=user, filters=filters, limit=limit,
                                          offset=offset)
    now = clock.now()
    return {"items": [present.summary(c, now) for c in items], "total": total, "limit": limit,
            "offset": offset}


@router.post("/challenges", response_model=ChallengeRead, status_code=201)
def create_challenge(body: ChallengeCreate, user: Author, db: SessionDep) -> object:
    """Start a draft (sponsors and admins)."""
    challenge = authoring.create(db, user=user, body=body)
    return present.detail(challenge, clock.now())


@router.get("/challenges/{challenge_id}", response_model=ChallengeRead)
def get_challenge(user: OptionalUser, challenge: VisibleChallenge,
                  db: SessionDep) -> object:
    return present.detail(challenge, clock.now())


@router.patch("/challenges/{challenge_id}", response_model=ChallengeRead,
              responses=error_responses(403, 409))
def update_challenge(body: ChallengeUpdate, user: CurrentUser, challenge: ManagedChallenge,
                     db: SessionDep) -> object:
    """Edit a draft; the rules of a challenge in review or published are locked (409)."""
    authoring.update(db, challenge=challenge, user=user, body=body)
    return present.detail(challenge, clock.now())


@router.get("/challenges/{challenge_id}/transitions", response_model=list[TransitionRead])
def list_transitions(user: OptionalUser, challenge: VisibleChallenge,
                     db: SessionDep) -> object:
    return lifecycle.transitions(db, challenge=challenge)


@router.get("/challenges/{challenge_id}/contract")
def contract(user: OptionalUser, challenge: VisibleChallenge, db: SessionDep) -> Response:
    """The frozen outcome contract, byte for byte as hashed (SHA-256 in `X-Contract-SHA256`)."""
    if not challenge.contract_json:
        raise NotFound("This challenge has no contract yet; it is frozen on publication.")
    return Response(challenge.contract_json.encode("utf-8"), media_type="application/json",
                    headers={"X-Contract-SHA256": challenge.contract_sha256 or ""})


@router.put("/challenges/{challenge_id}/cover", response_model=ChallengeRead,
            responses=error_responses(403, 409, 429))
@larger_body(covers.MAX_BYTES + MULTIPART_OVERHEAD_BYTES)
def upload_cover(cover: UploadFile, user: CurrentUser, challenge: ManagedChallenge,
                 db: SessionDep) -> object:
    """A PNG or JPEG cover image of at most 2 MB and 24 megapixels (multipart field `cover`),
    drafts only; it must decode as an image and is kept without its EXIF and other metadata."""
    covers.set_cover(db, challenge=challenge, data=cover.file.read(covers.MAX_BYTES + 1),
                     user=user)
    return present.detail(challenge, clock.now())


@router.delete("/challenges/{challenge_id}/cover", status_code=204,
               responses=error_responses(403, 409))
def delete_cover(user: CurrentUser, challenge: ManagedChallenge,
                 db: SessionDep) -> None:
    covers.remove_cover(db, challenge=challenge)


@router.get("/challenges/{challenge_id}/cover", response_class=FileResponse, responses={
    200: {"description": "The cover image", "content": {"image/png": {}, "image/jpeg": {}}}})
def cover_image(user: OptionalUser, challenge: VisibleChallenge,
                db: SessionDep) -> Response:
    """The cover image (documented: its address is advertised next to PUT and DELETE)."""
    path, media_type = covers.cover_file(challenge)
    return FileResponse(path, media_type=media_type)
