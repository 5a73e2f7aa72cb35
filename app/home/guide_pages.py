"""The public guide: /about (the mission, and what each part of the site is for),
/how-it-works (the steps for sponsors, solvers, judges and verifiers, in order) and /faq.

The prose is in the templates; the few figures it states come from the settings this server
runs with and the rules' own defaults, so the pages cannot drift from what the code does. They
are the same for everyone and set no cookie, so the page cache keeps them for visitors.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import OptionalUser
from app.accounts.email_links import LIFETIME
from app.accounts.models import LinkPurpose
from app.accounts.reauth import FRESH_SIGN_IN
from app.challenges.schemas import TimelineIn
from app.config import get_settings
from app.kit.routing import APIRouter
from app.kit.templating import render
from app.moderation.service import REPORTS_PER_DAY

router = APIRouter(include_in_schema=False)
HOUR = 3600


def _facts() -> dict[str, int]:
    """The figures the pages state, read from the running settings and the rules' defaults."""
    settings = get_settings()
    return {
        "max_file_mib": settings.submission_max_file_bytes // (1024 * 1024),
        "max_files": settings.submission_max_files,
        "appeals_days": TimelineIn.model_fields["appeals_window_days"].default,
        "reports_per_day": REPORTS_PER_DAY,
        "email_link_hours": int(LIFETIME[LinkPurpose.VERIFY_EMAIL].total_seconds() // HOUR),
        "fresh_minutes": int(FRESH_SIGN_IN.total_seconds() // 60),
    }


@router.get("/about", response_class=HTMLResponse)
def about(request: Request, user: OptionalUser) -> Response:
    return render(request, "home/about.html", {})


@router.get("/how-it-works", response_class=HTMLResponse)
def how_it_works(request: Request, user: OptionalUser) -> Response:
    return render(request, "home/how_it_works.html", {"facts": _facts()})


@router.get("/faq", response_class=HTMLResponse)
def faq(request: Request, user: OptionalUser) -> Response:
    return render(request, "home/faq.html", {"facts": _facts()})
