"""The gaps page: filters, the sector × stage heatmap and the ranked list of gaps."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import OptionalUser, csrf_protect
from app.accounts.models import Role
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.routing import APIRouter
from app.kit.schemas import Offset
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep
from app.needs import coverage, display, service
from app.needs.coverage import GapFilters, StatusFilter

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
NAV = [("/gaps", N_("Gaps"), 30), ("/coordination", N_("Coordination"), 40)]
PAGE_SIZE = 50


def _status(value: str | None) -> StatusFilter:
    return "addressed" if value == "addressed" else "all" if value == "all" else "open"


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, user: OptionalUser, db: SessionDep, country: str | None = None,
              group: str | None = None, sector: str | None = None, stage: str | None = None,
              status: str | None = None, uncovered: str | None = None,
offset: Offset = 0) -> Response:
    form = {"country": (country or "").strip().upper(), "group": group or "",
            "sector": sector or "", "stage": stage or "", "status": _status(status),
            "uncovered": uncovered or ""}
    context = {**display.vocab(), **display.method(), "form": form, "errors": {},
               "groups": display.group_choices(db), "has_demo": service.has_demo_data(db)}
    try:
        if form["sector"] and form["sector"] not in display.SECTOR_LABELS:
            raise ValidationFailed(fields={"sector": N_("unknown sector")})
        if form["stage"] and form["stage"] not in display.STAGE_LABELS:
            raise ValidationFailed(fields={"stage": N_("unknown stage")})
        # One analysis for country, group and status; the list narrows it to sector and stage.
        whole = coverage.analyse(db, GapFilters(country=form["country"] or None,
                                                group=group or None, status=_status(status)))
    except AppError as exc:
        return render(request, "needs/gaps.html",
                      {**context, "errors": exc.fields, "error_message": exc.message},
                      status_code=exc.status_code)
    listed = whole.narrowed(sector=form["sector"] or None, stage=form["stage"] or None,
                            uncovered_only=bool(uncovered))
    offset = max(0, offset)
    is_sponsor = bool(user and user.has_role(Role.SPONSOR))
    scope_label = group or form["country"] or gettext("all countries")
    return render(request, "needs/gaps.html", {
        **context,
        "rows": display.gap_rows(db, listed, offset=offset, limit=PAGE_SIZE),
        "total": listed.total, "offset": offset, "limit": PAGE_SIZE,
        "query": listed.filters.query_string(),
        "matrix": display.matrix_view(
            db, whole, title=gettext("Technology gaps by sector and stage (%(scope)s, "
                                     "%(status)s needs)") % {"scope": scope_label,
                                                             "status": gettext(form["status"])},
            link_base="/gaps", with_challenge_links=is_sponsor),
        "is_sponsor": is_sponsor,
    })
