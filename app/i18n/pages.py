"""The language switch: a form on every page, usable without JavaScript."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.accounts.deps import OptionalUser, csrf_protect
from app.errors import ValidationFailed
from app.i18n.locales import SUPPORTED_LOCALES, supported
from app.i18n.middleware import CHOSEN_LOCALE_KEY
from app.kit.forms import FormData, redirect, safe_next
from app.kit.routing import APIRouter

router = APIRouter(include_in_schema=False)


@router.post("/language")
async def choose_language(request: Request, form: FormData, user: OptionalUser) -> Response:
    """Remember the chosen language in this browser and, for a signed-in person, on the
    account (so it follows them to another browser), then go back to the page they were on.

    Only a signed-in person's choice needs the form's CSRF token: a visitor's only sets this
    browser's language cookie, and asking for a token would give every page a session cookie
    (no page could then be cached)."""
    if user is not None:
        await csrf_protect(request)
    tag = supported(form.get("lang"))
    if tag is None:
        raise ValidationFailed(fields={"lang": f"choose one of {', '.join(SUPPORTED_LOCALES)}"})
    setattr(request.state, CHOSEN_LOCALE_KEY, tag)
    if user is not None:
        user.locale = tag  # the user object belongs to this request's session: saved with it
    return redirect(safe_next(form.get("next")))
