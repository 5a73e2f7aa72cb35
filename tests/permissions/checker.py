"""Walks the application's routes, compares them with the matrix and runs its cells."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.permissions.matrix import Outcome, Row
from tests.permissions.scenario import COOKIE, Scenario

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NOT_IN_MATRIX = {"HEAD"}  # answered by the GET handler of the same route
EXCLUDED_PREFIXES = ("/static",)  # a StaticFiles mount: the public stylesheet


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every route the application serves."""
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        path = context.path
        if path is None or path.startswith(EXCLUDED_PREFIXES):
            continue
        for method in context.methods or ():
            if method not in NOT_IN_MATRIX:
                found.add((method, path))
    return found


@dataclass(frozen=True)
class Coverage:
    missing: list[tuple[str, str]]  # served but not in the table
    stale: list[tuple[str, str]]  # in the table but not served

    @property
    def ok(self) -> bool:
        return not self.missing and not self.stale


def compare(routes: Iterable[tuple[str, str]], table: Mapping[tuple[str, str], Row]) -> Coverage:
    served = set(routes)
    return Coverage(missing=sorted(served - set(table)), stale=sorted(set(table) - served))


def is_page(path: str) -> bool:
    return not path.startswith("/api/") and path not in ("/openapi.json", "/healthz")


def classify(response: httpx.Response) -> Outcome | None:
    """The outcome a response stands for (None for a server error or a routing mistake)."""
    status = response.status_code
    if status >= 500 or status == 405:
        return None
    if status == 303 and response.headers.get("location", "").startswith("/login"):
        return Outcome.LOGIN
    return {401: Outcome.D401, 403: Outcome.D403, 404: Outcome.H404}.get(status, Outcome.ALLOW)


def _fill(value: Any, values: dict[str, str]) -> Any:
    """Replace `{name}` (and a route's `{name:int}`) with the scenario's values; a body value
    that is only `{name:int}` becomes a JSON number (strict input models refuse "5")."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+):int\}", value)
        if whole:
            return int(values[whole.group(1)])
        return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], value)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class CellResult:
    role: str
    expected: Outcome
    got: Outcome | None
    status: int
    detail: str
    logged: bool = False  # the request left a record on the security log

    @property
    def ok(self) -> bool:
        # Every refusal is logged (ASVS V16.3), also when a page shows it inline.
        refused = self.got in (Outcome.D401, Outcome.D403, Outcome.LOGIN)
        return self.got == self.expected and (self.logged or not refused)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def security_records() -> Iterator[list[logging.LogRecord]]:
    logger = logging.getLogger("valleycross.security")
    handler, level = _Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def run_cell(client: TestClient, scenario: Scenario, method: str, path: str, entry: Row,
             role: str) -> CellResult:
    """One real request as `role`: bearer token for the API, session + CSRF token for pages."""
    values = scenario.values(role)
    url = _fill(path, {**values, **_fill(entry.params, values)})
    if entry.query:
        url += "?" + _fill(entry.query, values)
    person = scenario.people[role]
    headers: dict[str, str] = {}
    kwargs: dict[str, Any] = {}
    body = _fill(entry.body, values) if entry.body is not None else {}
    if entry.files:
        kwargs["files"] = entry.files
    if is_page(path):
        if person.cookie:
            headers["cookie"] = f"{COOKIE}={person.cookie}"
        if method in UNSAFE:
            kwargs["data"] = {**body, "csrf_token": person.csrf}
    else:
        if person.bearer:
            headers["authorization"] = f"Bearer {person.bearer}"
        if method in UNSAFE and not entry.files:
            kwargs["json"] = body
    client.cookies.clear()
    with security_records() as records:
        response = client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
    client.cookies.clear()
    detail = f"{response.status_code} {response.headers.get('location', '')} {response.text[:200]}"
    if not records and response.status_code in (401, 403):
        detail = "refused without a record on the security log: " + detail
    return CellResult(role, entry.expect[role], classify(response), response.status_code,
                      detail.strip(), logged=bool(records))


def describe(method: str, path: str, failures: list[CellResult]) -> str:
    lines = [f"{method} {path}:"]
    for f in failures:
        got = f.got.name if f.got else "server error / routing mistake"
        lines.append(f"  {f.role}: expected {f.expected.name}, got {got} ({f.detail})")
    return "\n".join(lines)
