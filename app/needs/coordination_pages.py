"""The coordination page: overlapping mechanisms, uncovered cells, where nobody works, budgets."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import OptionalUser, csrf_protect
from app.errors import AppError
from app.i18n.translate import N_, gettext
from app.kit.money import format_money
from app.kit.routing import APIRouter
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep
from app.needs import coordination, display
from app.needs.heatmap import format_score

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
OVERLAP_ROWS = 50


def _threshold(value: str | None) -> tuple[Decimal, str | None]:
    try:
        number = Decimal((value or "0.5").strip())
    except InvalidOperation:
        return Decimal("0.5"), N_("not a number")
    if not number.is_finite() or not 0 < number <= 1:
        return Decimal("0.5"), N_("must be above 0 and at most 1")
    return number, None


def _money(amount_minor: int, currency: str) -> str:
    try:
        return format_money(amount_minor, currency, summary=True)
    except ValueError:  # a code that is not an ISO 4217 currency with a minor unit
        return gettext("%(amount)s %(currency)s (minor units)") % {"amount": amount_minor,
                                                                   "currency": currency}


@router.get("/coordination", response_class=HTMLResponse)
def coordination_page(request: Request, user: OptionalUser, db: SessionDep,
                      threshold: str | None = None,
                      currency: str | None = None, rates: str | None = None) -> Response:
    errors: dict[str, str] = {}
    cutoff, problem = _threshold(threshold)
    if problem:
        errors["threshold"] = problem
    form = {"threshold": threshold or "0.5", "currency": (currency or "").upper(),
            "rates": rates or ""}
    budget: Any = None
    try:
        budget = coordination.budgets(db, currency=currency, rates=rates)
    except AppError as exc:
        errors.update(exc.fields)
    overlaps = coordination.overlaps(db, threshold=cutoff, limit=OVERLAP_ROWS)
    return render(request, "needs/coordination.html", {
        **display.vocab(), "form": form, "errors": errors,
        "error_message": N_("Some fields are not valid.") if errors else None,
        "overlaps": [(o, format_score(o.coverage), format_score(o.functions)) for o in overlaps],
        "threshold": str(cutoff), "fmt": _money,
        "definition": coordination.OVERLAP_DEFINITION,
        "cells": coordination.cells(db), "budget": budget,
        "function_stages": display.method()["function_stages"],
        "max_rows": OVERLAP_ROWS})
