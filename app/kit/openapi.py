"""The OpenAPI document tells the truth about errors.

Every API error is `{"error": {"code", "message", "fields"}}` (app.errors), so the document
declares that body for the statuses an operation can answer, instead of FastAPI's default
`HTTPValidationError` for 422 only:
- 400 (unreadable body) and 422 when the operation takes a body or parameters;
- 404 when it has path parameters (the object may not exist or be hidden);
- whatever its dependencies declare with `document_errors` (401 for authentication, 403 for a
  role, ...), found by walking the dependency tree;
- whatever the route adds itself with `responses=error_responses(409, 429)`.
API clients and the fuzzing in tests/fuzz rely on this list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field

ERROR_DESCRIPTIONS = {
    400: "The request body could not be read",
    401: "Not signed in, or the access token is not valid",
    403: "Signed in but not allowed (missing role, or missing CSRF header on a cookie call)",
    404: "No such object, or hidden from this user",
    409: "Conflicts with the current state",
    411: "An upload without a Content-Length header",
    413: "The upload is larger than the limit",
    422: "Some fields are not valid",
    429: "Too many attempts, or this action was done too often (anti-automation); try again "
         "after the seconds in Retry-After",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 1}}}
_MARK = "__openapi_errors__"
F = TypeVar("F", bound=Callable[..., Any])


class ErrorDetail(BaseModel):
    code: str = Field(examples=["validation_error"])
    message: str
    fields: dict[str, str] = Field(description="field name -> what is wrong with it")


class ErrorBody(BaseModel):
    """The body of every API error answer."""

    error: ErrorDetail


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that can answer these error statuses itself."""
    return {code: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS.get(code, "Error")}
            for code in codes}


def document_errors(*codes: int, methods: Collection[str] | None = None) -> Callable[[F], F]:
    """Mark a dependency as able to answer `codes` (only for `methods`, when given)."""

    def mark(fn: F) -> F:
        declared = [*getattr(fn, _MARK, []), (tuple(codes), frozenset(methods or ()))]
        setattr(fn, _MARK, declared)
        return fn

    return mark


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def _declared_codes(dependant: Dependant, method: str) -> set[int]:
    codes: set[int] = set()
    for call in _calls(dependant):
        for declared, methods in getattr(call, _MARK, []):
            if not methods or method in methods:
                codes.update(declared)
    return codes


def _with_dependencies(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dep in dependant.dependencies:
        yield from _with_dependencies(dep)


def _operation_codes(dependant: Dependant, method: str, has_body: bool) -> set[int]:
    codes = _declared_codes(dependant, method)
    # Parameters declared by a dependency (a loader's `challenge_id`) count as the route's own.
    every = list(_with_dependencies(dependant))
    has_path = any(d.path_params for d in every)
    if has_path:
        codes.add(404)
    if has_body:
        codes.add(400)
    if has_body or has_path or any(d.query_params for d in every):
        codes.add(422)
    return codes


def _document(app: FastAPI, schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    body.pop("$defs", None)
    components["ErrorDetail"] = ErrorDetail.model_json_schema()
    components["ErrorBody"] = body
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if not getattr(context, "include_in_schema", False) or dependant is None:
            continue
        for method in context.methods or ():
            operation = schema["paths"].get(context.path_format, {}).get(method.lower())
            if operation is None:
                continue
            has_body = getattr(context, "body_field", None) is not None
            responses = operation.setdefault("responses", {})
            for code in _operation_codes(dependant, method, has_body):
                responses.setdefault(str(code), {})["description"] = ERROR_DESCRIPTIONS.get(
                    code, "Error")
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400:
                    response["content"] = error_content
                if code == "429":
                    response["headers"] = RETRY_AFTER


def install_openapi(app: FastAPI) -> None:
    """Wrap `app.openapi` so the document lists the error answers of each operation."""
    original = app.openapi
    documented: list[dict[str, Any]] = []

    def build() -> dict[str, Any]:
        schema = original()
        if not documented or documented[0] is not schema:  # rebuilt when routes change
            _document(app, schema)
            documented[:] = [schema]
        return schema

    app.openapi = build  # type: ignore[method-assign]
