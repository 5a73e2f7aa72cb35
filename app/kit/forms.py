"""Helpers for HTML form handling: safe redirects and re-rendering a form with its errors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.errors import AppError, record_refusal
from app.kit.nul import refuse_nul_in
from app.kit.templating import render


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths may be redirected to after a form (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def form_with_errors(request: Request, template: str, exc: AppError,
                     context: dict[str, Any]) -> HTMLResponse:
    """Show the form again with the submitted values and a message next to each bad field."""
    record_refusal(request, exc)
    return render(request, template,
                  {**context, "errors": exc.fields, "error_message": exc.message},
                  status_code=exc.status_code, headers=exc.headers)


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (repeated fields keep their last value)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    refuse_nul_in(values.items())
    return values


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The submitted form with every value of repeated fields (checkbox groups, multi-selects)."""
    form = await request.form()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    refuse_nul_in(out.items())
    return out


# Parsed in an async dependency so that the endpoint itself can stay a plain `def` (run in the
# thread pool): database work must never block the event loop.
FormData = Annotated[dict[str, str], Depends(form_data)]
FormLists = Annotated[dict[str, list[str]], Depends(form_lists)]
