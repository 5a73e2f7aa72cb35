"""Verification pages: a verifier's queue, a challenge's verification table (its manager and
verifiers), and an entry's targets with one attestation form each (verifiers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.deps import CurrentUser, csrf_protect, require_role
from app.accounts.models import Role, User
from app.challenges import clock, deadlines
from app.challenges.access import is_manager
from app.challenges.enums import STATE_LABELS
from app.challenges.forms import fields_from_pydantic
from app.challenges.models import Challenge
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, redirect, refused_form
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.verification import access, service
from app.verification.outcomes import OutcomeStatus
from app.verification.schemas import AttestationIn

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
ROLE_NAV = [("/verification", N_("Verification"), 55, Role.VERIFIER)]
VerifierUser = Annotated[User, Depends(require_role(Role.VERIFIER))]
TargetKeyPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
NOT_A_NUMBER = N_("a number such as 1250.5 (digits, with a dot before any decimals)")
STATUS_LABELS = {OutcomeStatus.VERIFIED: N_("Verified"), OutcomeStatus.NOT_MET: N_("Not met"),
                 OutcomeStatus.PENDING: N_("Pending")}


@router.get("/verification", response_class=HTMLResponse)
def queue(request: Request, user: VerifierUser, db: SessionDep) -> Response:
    return render(request, "verification/queue.html", {"items": service.queue(db, user=user)})


@router.get("/challenges/{challenge_id:int}/verification", response_class=HTMLResponse)
def overview(challenge_id: ObjectId, request: Request, user: CurrentUser,
             db: SessionDep) -> Response:
    seat = access.seat(db, challenge_id=challenge_id, user=user)
    return render(request, "verification/overview.html", {
        "c": seat.challenge, "seat": seat, "table": service.overview(
            seat=seat, shortlist=workflow.shortlist(db, seat.challenge), now=clock.now()),
        "state_label": STATE_LABELS[seat.challenge.state], "status_labels": STATUS_LABELS,
        "can_attest": _can_attest(seat, user)})


def _can_attest(seat: access.Seat, user: User) -> bool:
    return seat.verifier and seat.challenge.owner_id != user.id


def _entry_context(db: Session, seat: access.Seat, user: User,
                   submission_id: int) -> dict[str, Any]:
    found = service.entry(shortlist=workflow.shortlist(db, seat.challenge),
                          submission_id=submission_id)
    accepting = deadlines.verification_open(seat.challenge, clock.now()) \
        or workflow.attesting_reopened(db, challenge=seat.challenge, submission_id=submission_id)
    return {"c": seat.challenge, "entry": found, "status_labels": STATUS_LABELS,
            "accepting": accepting,
            "can_attest": _can_attest(seat, user), "form": {}, "errors": {}, "error_target": None}


@router.get("/challenges/{challenge_id:int}/verification/entries/{submission_id:int}",
            response_class=HTMLResponse)
def entry_page(challenge_id: ObjectId, submission_id: ObjectId, request: Request,
               user: CurrentUser, db: SessionDep) -> Response:
    seat = access.seat(db, challenge_id=challenge_id, user=user)
    return render(request, "verification/entry.html",
                  _entry_context(db, seat, user, submission_id))


@router.post("/challenges/{challenge_id:int}/verification/entries/{submission_id:int}/targets/"
             "{target_key}", response_class=HTMLResponse)
def attest(challenge_id: ObjectId, submission_id: ObjectId, target_key: TargetKeyPath,
           request: Request, form: FormData, user: CurrentUser,
           db: SessionDep) -> Response:
    seat = access.as_verifier(db, challenge_id=challenge_id, user=user)
    try:
        try:
            body = AttestationIn.model_validate({
                "measured_value": form.get("measured_value", "").strip(),
                "evidence": form.get("evidence", ""),
                "evidence_url": form.get("evidence_url", "").strip() or None})
        except ValidationError as exc:
            fields = fields_from_pydantic(exc)
            if fields.get("measured_value") == "Input should be a valid decimal":
                fields["measured_value"] = NOT_A_NUMBER
            raise ValidationFailed(N_("The attestation is not complete."), fields=fields) from exc
        workflow.attest(db, seat=seat, user=user, submission_id=submission_id,
                        target_key=target_key, body=body)
    except AppError as exc:
        return refused_form(request, db, exc, "verification/entry.html", lambda: {
            **_entry_context(db, seat, user, submission_id), "form": form,
            "error_target": target_key})
    metric = next(t.metric for t in seat.challenge.targets if t.key == target_key)
    flash(request, gettext("Your attestation of “%(metric)s” was recorded.") % {"metric": metric})
    return redirect(f"{service.verification_url(seat.challenge)}/entries/{submission_id}")


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Outcome verification" on the challenge's page, once it has started, for its manager and
    verifiers."""
    if challenge.state not in access.VERIFICATION_STATES:
        return []
    if is_manager(challenge, user) or access.is_verifier(user):
        return [(service.verification_url(challenge), N_("Outcome verification"))]
    return []


CHALLENGE_LINKS = _challenge_links
