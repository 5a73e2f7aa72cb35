"""Helpers for HTML form handling: safe redirects and re-rendering a form with its errors."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.errors import AppError, ValidationFailed, record_refusal, validation_message
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


def refused_form(request: Request, db: Session, exc: AppError, template: str,
                 context: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """The form again after its action was refused: the request's writes rolled back, then the
    page's context rebuilt from what is stored. A 404 stays a 404 (the page itself is gone)."""
    if exc.status_code == 404:
        raise exc
    db.rollback()
    return form_with_errors(request, template, exc, context())


ModelT = TypeVar("ModelT", bound=BaseModel)


def fields_from_pydantic(exc: ValidationError, prefix: str = "",
                         union_tags: Mapping[str, Collection[str]] | None = None
                         ) -> dict[str, str]:
    """Dotted field paths for pydantic errors, each with its message. `union_tags` names the
    tagged unions (field -> its tags): the tag pydantic puts after such a field is left out of
    the path, as the form has no field for it."""
    tags = union_tags or {}
    fields: dict[str, str] = {}
    for err in exc.errors():
        parts: list[str] = []
        tag_left_at = -1  # only the part right after the union is its tag (a member's field
        # may have a tag's name: {"rule": "criterion", "criterion": ...})
        for part in err["loc"]:
            text = str(part)
            if parts and tag_left_at != len(parts) and text in tags.get(parts[-1], ()):
                tag_left_at = len(parts)
            else:
                parts.append(text)
        fields.setdefault(prefix + (".".join(parts) or "body"), validation_message(err))
    return fields


def parse_form(model: type[ModelT], values: Mapping[str, Any],
               message: str | None = None) -> ModelT:
    """The form's values as `model`; refused (422) with a message next to each bad field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(message, fields=fields_from_pydantic(exc)) from exc


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
