"""Country profile: its groups, its needs and their coverage, the mechanisms active there."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from app.accounts.deps import OptionalUser, csrf_protect
from app.accounts.models import Role
from app.challenges import search as challenge_search
from app.challenges.models import Challenge
from app.kit.routing import APIRouter
from app.kit.schemas import Offset
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep
from app.needs import coverage, display, service
from app.needs.coverage import GapFilters
from app.reference import service as reference_service
from app.reference.models import CountryGroup

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
PAGE_SIZE = 100
MECHANISMS_PAGE_SIZE = 50  # a country in many groups (the Maldives) has a thousand and more


@router.get("/countries/{alpha3}", response_class=HTMLResponse)
def country_profile(alpha3: str, request: Request, user: OptionalUser, db: SessionDep,
                    offset: Offset = 0, mechanisms_offset: Offset = 0) -> Response:
    country = reference_service.get_country(db, code=alpha3)
    codes = reference_service.groups_of(db, country=country.alpha3)
    groups = list(db.scalars(select(CountryGroup).where(CountryGroup.code.in_(sorted(codes)))
                             .order_by(CountryGroup.kind, CountryGroup.name_en)))
    analysis = coverage.analyse(db, GapFilters(country=country.alpha3, status="all"))
    is_sponsor = bool(user and user.has_role(Role.SPONSOR))
    offset, mechanisms_offset = max(0, offset), max(0, mechanisms_offset)
    mechanisms, mechanisms_total = coverage.active_mechanisms_in(
        db, country=country.alpha3, limit=MECHANISMS_PAGE_SIZE, offset=mechanisms_offset)
    open_to: list[Challenge] = []
    for state in ("open", "published"):
        found, _ = challenge_search.list_challenges(
            db, viewer=user, filters=challenge_search.Filters(
                state=state, eligible_from=country.alpha3), limit=50)
        open_to += found
    return render(request, "needs/country.html", {
        **display.vocab(), "country": country, "groups": groups,
        "rows": display.gap_rows(db, analysis, offset=offset, limit=PAGE_SIZE),
        "total": analysis.total, "offset": offset, "limit": PAGE_SIZE,
        "uncovered": analysis.uncovered,
        "mechanisms": mechanisms, "mechanisms_total": mechanisms_total,
        "mechanisms_offset": mechanisms_offset, "mechanisms_limit": MECHANISMS_PAGE_SIZE,
        "challenges": open_to,
        "is_sponsor": is_sponsor, "has_demo": service.has_demo_data(db)})
