"""The authoring form: one page in sections, saving drafts, repeated rows without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect, require_role
from app.accounts.models import Role, User
from app.challenges import authoring, clock, covers, display_names, present, service
from app.challenges.deps import ManagedChallenge
from app.challenges.enums import Direction, IpTerms, MechanismRole
from app.challenges.forms import (
    compact,
    fields_from_pydantic,
    form_from_read,
    payload_from_form,
    row_counts,
)
from app.challenges.models import Challenge
from app.challenges.pages import vocab_context
from app.challenges.schemas import AWARD_TYPES, ChallengeCreate, ChallengeUpdate, OverflowPolicy
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES, larger_body
from app.kit.forms import form_lists, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
TEMPLATE = "challenges/form.html"


def _context(db: Session, form: dict[str, Any], *, challenge: Challenge | None,
             extra: int = 0) -> dict[str, Any]:
    need_ids = [int(p) for p in str(form.get("need_ids", "")).replace(",", " ").split()
                if p.isdigit()]
    return {**vocab_context(), "form": form, "errors": {}, "challenge": challenge,
            "rows": row_counts(form, extra=extra), "extra_rows": extra,
            "needs": display_names.needs(db, need_ids),
            "mechanism_options": display_names.mechanism_options(db),
            "mechanism_roles": [r.value for r in MechanismRole],
            "directions": [d.value for d in Direction], "ip_kinds": [k.value for k in IpTerms],
            "award_types": AWARD_TYPES, "overflows": [o.value for o in OverflowPolicy],
            "action": f"/challenges/{challenge.id}/edit" if challenge else "/challenges/new"}


def _parse(form: dict[str, list[str]], model: type[ChallengeCreate] | type[ChallengeUpdate]
           ) -> ChallengeCreate | ChallengeUpdate:
    payload, errors = payload_from_form(form)
    try:
        body = model.model_validate(payload)
    except ValidationError as exc:
        errors = {**fields_from_pydantic(exc), **errors}
        body = None
    if errors or body is None:
        raise ValidationFailed(N_("Some fields are not valid; nothing was saved."), fields=errors)
    return body


@router.get("/challenges/new", response_class=HTMLResponse)
def new_form(request: Request, db: SessionDep, user: User = Depends(require_role(Role.SPONSOR,
             Role.ADMIN))) -> Response:
    """Pre-filled from a gap: `?need_ids=1,2&scope=NPL&sector=energy_supply&stage=demonstration`."""
    q = request.query_params
    form: dict[str, Any] = {
        "need_ids": q.get("need_ids", ""), "eligibility.scope": q.get("scope", ""),
        "sectors": [s for s in q.getlist("sector") if s], "stage": q.get("stage", ""),
        "eligibility.solver_kinds": [], "timeline.appeals_window_days": "14",
        "sponsor_organisation": user.organisation or ""}
    return render(request, TEMPLATE, _context(db, form, challenge=None))


Submitted = tuple[dict[str, list[str]], dict[str, Any], int, bool]


async def _submitted(request: Request) -> Submitted:
    """The authoring form as (raw lists, compacted values, extra blank rows, add-rows asked)."""
    raw = await form_lists(request)
    pairs = [(k, v) for k, values in raw.items() for v in values]
    extra = int(raw.get("extra_rows", ["0"])[-1] or 0) if raw.get("extra_rows", ["0"])[-1] \
        .isdigit() else 0
    more = raw.get("action", [""])[-1] == "add_rows"
    return raw, compact(pairs), min(extra + (3 if more else 0), 30), more


@router.post("/challenges/new", response_class=HTMLResponse)
def create(request: Request, submitted: Annotated[Submitted, Depends(_submitted)],
           db: SessionDep, user: User = Depends(require_role(Role.SPONSOR,
                                                Role.ADMIN))) -> Response:
    raw, values, extra, more = submitted
    if more:
        return render(request, TEMPLATE, _context(db, values, challenge=None, extra=extra))
    try:
        body = _parse(raw, ChallengeCreate)
        assert isinstance(body, ChallengeCreate)
        challenge = authoring.create(db, user=user, body=body)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, exc,
                                _context(db, values, challenge=None, extra=extra))
    flash(request, gettext("Draft saved. Submit it for review when it is complete."))
    return redirect(f"/challenges/{challenge.id}")


@router.get("/challenges/{challenge_id:int}/edit", response_class=HTMLResponse)
def edit_form(request: Request, user: CurrentUser, challenge: ManagedChallenge,
              db: SessionDep) -> Response:
    form = form_from_read(present.detail(challenge, clock.now()))
    return render(request, TEMPLATE, _context(db, form, challenge=challenge))


@router.post("/challenges/{challenge_id:int}/edit", response_class=HTMLResponse)
def edit(request: Request, user: CurrentUser, challenge: ManagedChallenge,
         submitted: Annotated[Submitted, Depends(_submitted)],
         db: SessionDep) -> Response:
    raw, values, extra, more = submitted
    if more:
        return render(request, TEMPLATE, _context(db, values, challenge=challenge, extra=extra))
    try:
        body = _parse(raw, ChallengeCreate)
        update = ChallengeUpdate.model_validate(body.model_dump())
        authoring.update(db, challenge=challenge, user=user, body=update)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, exc,
                                _context(db, values, challenge=challenge, extra=extra))
    flash(request, gettext("Draft saved."))
    return redirect(f"/challenges/{challenge.id}")


async def _cover_upload(request: Request) -> tuple[bool, bytes | None]:
    """(remove asked, the uploaded bytes read up to one byte past the limit, or None)."""
    form = await request.form()
    upload = form.get("cover")
    data = None if upload is None or isinstance(upload, str) else \
        await upload.read(covers.MAX_BYTES + 1)
    return form.get("remove") == "yes", data


@router.post("/challenges/{challenge_id:int}/cover", response_class=HTMLResponse)
@larger_body(covers.MAX_BYTES + MULTIPART_OVERHEAD_BYTES)
def upload_cover(challenge_id: ObjectId, request: Request, user: CurrentUser,
                 cover_form: Annotated[tuple[bool, bytes | None], Depends(_cover_upload)],
                 db: SessionDep) -> Response:
    remove, data = cover_form
    challenge = service.get_managed(db, challenge_id=challenge_id, user=user)
    if remove:
        covers.remove_cover(db, challenge=challenge)
        flash(request, gettext("Cover image removed."))
        return redirect(f"/challenges/{challenge.id}/edit")
    try:
        if data is None:
            raise ValidationFailed(N_("Choose an image to upload."),
                                   fields={"cover": N_("choose a PNG or JPEG file")})
        covers.set_cover(db, challenge=challenge, data=data, user=user)
    except AppError as exc:
        # The edit page again, with the message above the cover field (a refused upload, a
        # file that is not an image, the hourly limit of uploads).
        form = form_from_read(present.detail(challenge, clock.now()))
        return form_with_errors(request, TEMPLATE, exc, _context(db, form, challenge=challenge))
    flash(request, gettext("Cover image saved."))
    return redirect(f"/challenges/{challenge.id}/edit")
