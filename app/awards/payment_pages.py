"""Pages for the money after the awards: the sponsor records a payment from the awards page;
verifiers see the holdbacks that are due and check them."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.models import Role, User
from app.awards import payments
from app.awards.pages import context as awards_context
from app.awards.pages import entry_id
from app.awards.payment_routes import to_do_items
from app.awards.schemas import HoldbackCheckIn, PaymentIn
from app.challenges import clock
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.models import Challenge
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, parse_form, redirect, refused_form
from app.kit.money import minor_units
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.verification import access as verification_access

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
ROLE_NAV = [("/payouts", N_("Payouts"), 56, (Role.SPONSOR, Role.VERIFIER, Role.ADMIN))]


@router.get("/payouts", response_class=HTMLResponse)
def payouts_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """The caller's to-do list of money: payments to record, holdbacks to check."""
    return render(request, "awards/payouts.html", {"items": to_do_items(db, user)})


@router.post("/challenges/{challenge_id:int}/payments", response_class=HTMLResponse)
def record_payment(challenge_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
                   db: SessionDep) -> Response:
    challenge = challenges_service.get_managed(db, challenge_id=challenge_id, user=user)
    target = form.get("submission_id", "")
    currency = form.get("currency", "")
    try:
        try:
            amount: object = minor_units(form.get("amount", ""), currency)
        except (ValueError, KeyError):
            raise ValidationFailed(N_("The payment is not complete."), fields={
                "amount_minor": N_("enter an amount such as 1000.00")}) from None
        body = parse_form(PaymentIn, {
            "submission_id": entry_id(target), "amount_minor": amount, "currency": currency,
            "paid_on": form.get("paid_on", ""), "method": form.get("method", ""),
            "reference": form.get("reference", "")}, N_("The payment is not complete."))
        workflow.record_payment(db, challenge=challenge, user=user, body=body)
    except AppError as exc:
        return refused_form(request, db, exc, "awards/awards.html", lambda: {
            **awards_context(db, challenge_id, user), "form": form,
            "error_target": f"p{target}"})
    flash(request, gettext("The payment was recorded; the entrants are told."))
    return redirect(f"/challenges/{challenge_id}/awards#entry-{target}")


def _holdbacks(db: Session, challenge: Challenge) -> dict[str, Any]:
    today = clock.now().date()
    found = payments.money(db, challenge=challenge)
    titles = {e.submission_id: e for e in workflow.shortlist(db, challenge).values()}
    rows = [(titles[entry], m) for entry, m in found.items()
            if m.award.held_back_minor and entry in titles]
    return {"challenge": challenge, "rows": rows, "today": today,
            "targets": payments.persistence_targets(challenge),
            "form": {}, "errors": {}, "error_target": None}


@router.get("/challenges/{challenge_id:int}/holdbacks", response_class=HTMLResponse)
def holdbacks_page(challenge_id: ObjectId, request: Request, user: CurrentUser,
                   db: SessionDep) -> Response:
    """Every holdback of a final challenge with its due date, the check form when due."""
    seat = verification_access.seat(db, challenge_id=challenge_id, user=user)
    return render(request, "awards/holdbacks.html",
                  {**_holdbacks(db, seat.challenge), "verifier": seat.verifier})


@router.post("/challenges/{challenge_id:int}/holdbacks", response_class=HTMLResponse)
def check_holdback(challenge_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
                   db: SessionDep) -> Response:
    seat = verification_access.as_verifier(db, challenge_id=challenge_id, user=user)
    target = form.get("submission_id", "")
    try:
        measured = {key.removeprefix("measured."): value.strip()
                    for key, value in form.items() if key.startswith("measured.") and value}
        body = parse_form(HoldbackCheckIn, {"submission_id": entry_id(target),
                                            "measured": measured,
                                            "evidence": form.get("evidence", "")},
                          N_("The check is not complete."))
        check = workflow.check_holdback(db, challenge=seat.challenge, user=user, body=body)
    except AppError as exc:
        return refused_form(request, db, exc, "awards/holdbacks.html", lambda: {
            **_holdbacks(db, seat.challenge), "verifier": True, "form": form,
            "error_target": target})
    flash(request, gettext("The holdback was released.") if check.outcome.value == "released"
          else gettext("The holdback was forfeited."))
    return redirect(f"/challenges/{challenge_id}/holdbacks")


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Holdbacks" on a final challenge's page for verifiers and its manager."""
    if user is None or challenge.state not in payments.PAYABLE_STATES:
        return []
    rules = challenge.prize_rules or {}
    if not rules.get("holdback"):
        return []
    if verification_access.is_verifier(user) or is_manager(challenge, user):
        return [(f"/challenges/{challenge.id}/holdbacks", N_("Holdbacks"))]
    return []


CHALLENGE_LINKS = _challenge_links

