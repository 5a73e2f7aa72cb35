"""Function-level access control, proven route by route and role by role (OWASP ASVS V8).

One scenario (users, sessions, tokens, owned objects) is built per module run; read-only cells
share its database, and every write route runs on its own copy of it (each cell on its own copy
when the row says `isolate`), so no cell sees another cell's changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import get_settings
from app.db import dispose_engines, session_factory
from tests.oidc_provider import Provider, ProviderConfig, ProviderUser
from tests.permissions.checker import (
    UNSAFE,
    CellResult,
    app_routes,
    compare,
    describe,
    run_cell,
)
from tests.permissions.matrix import ALLOW, D403, LOGIN, MATRIX, Row
from tests.permissions.scenario import ROLES, Scenario, build


@dataclass
class Env:
    app: FastAPI
    client: TestClient
    scenario: Scenario
    url: str
    databases: object


@pytest.fixture(scope="module")
def env(databases: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    url = databases.fresh()  # type: ignore[attr-defined]
    var_dir: Path = tmp_path_factory.mktemp("matrix-var")
    with pytest.MonkeyPatch.context() as mp:
        provider = Provider(ProviderConfig(user=ProviderUser(sub="matrix-1")))
        for name, value in {"DATABASE_URL": url, "VAR_DIR": str(var_dir),
                            "SECRET_KEY": "matrix-secret-key-not-for-production-0123456789",
                            "ENVIRONMENT": "test", "BASE_URL": "http://testserver",
                            # OpenID Connect on, so its routes answer as they do in production
                            "OIDC_ISSUER": provider.config.issuer,
                            "OIDC_CLIENT_ID": provider.config.client_id,
                            "OIDC_CLIENT_SECRET": provider.config.client_secret}.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        from app.main import create_app

        app = create_app(get_settings(), oidc_transport=httpx.ASGITransport(app=provider.app))
        client = TestClient(app, raise_server_exceptions=False)
        with session_factory(url)() as db:
            scenario = build(db, client)
        yield Env(app, client, scenario, url, databases)
        get_settings.cache_clear()
    dispose_engines()
    databases.drop(url)  # type: ignore[attr-defined]


def test_every_route_is_in_the_matrix_and_every_entry_is_a_route(env: Env) -> None:
    coverage = compare(app_routes(env.app), MATRIX)
    assert coverage.ok, (
        "Add these routes to tests/permissions/matrix.py with an outcome per role:\n"
        + "\n".join(f"  {m} {p}" for m, p in coverage.missing)
        + "\nThese entries name no route any more:\n"
        + "\n".join(f"  {m} {p}" for m, p in coverage.stale))


def test_removing_any_entry_from_the_table_is_caught(env: Env) -> None:
    routes = app_routes(env.app)
    for key in MATRIX:
        trimmed = {k: v for k, v in MATRIX.items() if k != key}
        coverage = compare(routes, trimmed)
        assert not coverage.ok and coverage.missing == [key], key
    extra = {**MATRIX, ("GET", "/api/v1/gone"): MATRIX[("GET", "/healthz")]}
    assert compare(routes, extra).stale == [("GET", "/api/v1/gone")]


def test_the_walk_sees_every_page_and_api_route(env: Env) -> None:
    routes = app_routes(env.app)
    assert ("POST", "/admin/users/{user_id}/roles") in routes  # pages: not in the OpenAPI
    assert ("DELETE", "/api/v1/auth/tokens/{token_id}") in routes
    assert not any(path.startswith("/static") for _, path in routes)
    assert len(routes) == len(MATRIX)


def test_a_wrong_expectation_makes_a_cell_fail(env: Env) -> None:
    admin_only = MATRIX[("GET", "/api/v1/users")]
    flipped = replace(admin_only, expect={**admin_only.expect, "admin": D403, "solver": ALLOW})
    results = {role: run_cell(env.client, env.scenario, "GET", "/api/v1/users", flipped, role)
               for role in ("admin", "solver", "curator")}
    assert not results["admin"].ok and not results["solver"].ok and results["curator"].ok
    page = MATRIX[("GET", "/account")]
    wrong = replace(page, expect={**page.expect, "anonymous": ALLOW})
    result = run_cell(env.client, env.scenario, "GET", "/account", wrong, "anonymous")
    assert result.got == LOGIN and not result.ok


def _ordered(entry: Row) -> list[str]:
    """Denied cells first: they must change nothing, so the allowed ones start clean."""
    return sorted(ROLES, key=lambda role: entry.expect[role] == ALLOW)


def _on_copy(env: Env) -> str:
    dispose_engines()  # PostgreSQL copies a database only while nobody is connected to it
    copy: str = env.databases.clone(env.url)  # type: ignore[attr-defined]
    env.app.state.session_maker = session_factory(copy)
    return copy


def _back_to_scenario(env: Env, copy: str) -> None:
    env.app.state.session_maker = session_factory(env.url)
    dispose_engines()
    env.databases.drop(copy)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("method", "path"), list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_cell(env: Env, method: str, path: str) -> None:
    entry = MATRIX[(method, path)]
    results = []
    if method not in UNSAFE:
        results = [run_cell(env.client, env.scenario, method, path, entry, role)
                   for role in _ordered(entry)]
    elif not entry.isolate:
        copy = _on_copy(env)
        try:
            results = [run_cell(env.client, env.scenario, method, path, entry, role)
                       for role in _ordered(entry)]
        finally:
            _back_to_scenario(env, copy)
    else:
        for role in _ordered(entry):
            copy = _on_copy(env)
            try:
                results.append(run_cell(env.client, env.scenario, method, path, entry, role))
            finally:
                _back_to_scenario(env, copy)
    failures = [r for r in results if not r.ok]
    assert not failures, describe(method, path, failures)



def test_a_refusal_without_a_security_log_record_fails_its_cell() -> None:
    logged = CellResult("solver", D403, D403, 403, "", logged=True)
    silent = CellResult("solver", D403, D403, 403, "", logged=False)
    assert logged.ok and not silent.ok
    assert CellResult("solver", ALLOW, ALLOW, 200, "", logged=False).ok
