"""No debug output, generic errors (ASVS V16.5, also as production builds the app) and no default
credentials (ASVS V13.3/13.4: none after install, the demo password only after load-demo)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from app.accounts.deps import OptionalUser
from app.accounts.models import Role, User
from app.config import PROJECT_ROOT, Settings, get_settings
from app.kit.routing import APIRouter
from app.kit.unit_of_work import get_db
from tests.factories import login, make_user
from tests.live import server_env

GENERIC = {"error": {"code": "internal_error", "message": "Something went wrong on our side.",
                     "fields": {}}}


def test_debug_is_off_and_there_is_no_interactive_documentation(app: FastAPI,
                                                                client: TestClient) -> None:
    assert app.debug is False
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404


def test_a_forced_500_is_generic_on_the_api_and_on_pages(app: FastAPI,
                                                         client: TestClient) -> None:
    @app.get("/api/v1/explode")
    def explode_api() -> None:
        raise KeyError("users.password_hash SELECT * FROM secret_table")

    @app.get("/explode")
    def explode_page() -> None:
        raise ZeroDivisionError("internal detail /work/app/service.py line 42")

    api = client.get("/api/v1/explode")
    assert api.status_code == 500 and api.json() == GENERIC
    page = client.get("/explode")
    assert page.status_code == 500 and "Something went wrong on our side." in page.text
    for leak in ("Traceback", "secret_table", "password_hash", "service.py", "ZeroDivision",
                 "KeyError"):
        assert leak not in api.text and leak not in page.text


def test_a_500_page_renders_for_a_signed_in_user_too(app: FastAPI, client: TestClient,
                                                     db: Session) -> None:
    """Regression: the error page read the user's roles after the request's session was
    closed, so a signed-in user's 500 became a bare "Internal Server Error" from the server."""
    router = APIRouter()

    @router.get("/explode-signed-in")
    def explode(user: OptionalUser, session: Session = Depends(get_db)) -> None:
        session.execute(text("SELECT 1"))
        raise RuntimeError("boom")

    app.include_router(router)
    user = make_user(db, roles=[Role.ADMIN])
    login(client, user.email or "")
    page = client.get("/explode-signed-in")
    assert page.status_code == 500 and "Something went wrong on our side." in page.text
    assert "<!doctype html>" in page.text.lower() and "boom" not in page.text


def test_unknown_paths_and_methods_answer_without_internals(client: TestClient) -> None:
    missing = client.get("/api/v1/no/such/thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Not found." in page.text


def test_production_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: object) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY must be set in production"):
        Settings(environment="production", var_dir=tmp_path)


def test_a_fresh_install_has_no_accounts(databases: object, tmp_path: object) -> None:
    """`migrate` + `load-reference` (what an installation runs) create no user at all."""
    url = databases.empty()  # type: ignore[attr-defined]
    env = server_env(url, tmp_path / "var", "http://127.0.0.1:8000")  # type: ignore[operator]
    try:
        for command in (["migrate"], ["load-reference"]):
            subprocess.run([sys.executable, "-m", "app", *command], cwd=PROJECT_ROOT, env=env,
                           check=True, capture_output=True, timeout=300)
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(User.__table__)) == 0
            assert conn.scalar(text("SELECT count(*) FROM countries")) > 200
        engine.dispose()
    finally:
        databases.drop(url)  # type: ignore[attr-defined]


def test_demo_accounts_get_a_generated_password_not_a_default(tmp_path: object) -> None:
    from app.demo import _demo_password

    first = tmp_path / "a"  # type: ignore[operator]
    second = tmp_path / "b"  # type: ignore[operator]
    passwords = set()
    for var_dir in (first, second):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("VAR_DIR", str(var_dir))
            from app.config import get_settings

            get_settings.cache_clear()
            passwords.add(_demo_password(None))
            get_settings.cache_clear()
    assert len(passwords) == 2 and all(len(p) >= 20 for p in passwords)


def test_the_demo_password_opens_nothing_until_load_demo(client: TestClient,
                                                         settings: Settings) -> None:
    """The demo accounts exist only after `load-demo`, with the password it generated."""
    from app.demo import DEMO_USERS, _demo_password, load_demo_data

    password = _demo_password(None)  # what load-demo will use (kept under VAR_DIR)
    emails = ["admin@valleycross.example", *(f"{u[0]}@valleycross.example" for u in DEMO_USERS)]

    def sign_in(email: str, secret: str = password) -> int:
        response = client.post("/api/v1/auth/tokens", json={
            "name": "demo", "email": email, "password": secret})
        return int(response.status_code)

    assert [sign_in(e) for e in emails] == [401] * len(emails)
    lines = list(load_demo_data(admin_email=emails[0], admin_password=None))
    assert any(f"admin:    {emails[0]}  password: {password}" in line for line in lines)
    assert [sign_in(e) for e in emails] == [201] * len(emails)
    assert sign_in(emails[0], "admin") == 401 and sign_in(emails[1], "password") == 401


@pytest.fixture
def production(database_url: str, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FastAPI, TestClient]]:
    """The application as `ENVIRONMENT=production` builds it, behind https."""
    from app.main import create_app

    for name, value in {"ENVIRONMENT": "production", "DATABASE_URL": database_url,
                        "VAR_DIR": str(tmp_path / "var"), "BASE_URL": "https://vc.example",
                        "SECRET_KEY": "production-test-secret-0123456789abcdef"}.items():
        monkeypatch.setenv(name, value)
    for name in ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB",
                 "PASSWORD_HASH_PARALLELISM"):  # production hashes at the real cost
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    app = create_app(get_settings())
    assert app.state.settings.environment == "production"
    with TestClient(app, base_url="https://vc.example", raise_server_exceptions=False) as client:
        yield app, client
    get_settings.cache_clear()


def test_production_errors_are_generic_and_echo_nothing(
        production: tuple[FastAPI, TestClient]) -> None:
    app, client = production
    assert app.debug is False and client.get("/docs").status_code == 404

    @app.get("/api/v1/explode")
    def explode() -> None:
        raise RuntimeError("postgresql://admin:hunter2@db/valleycross")

    @app.get("/explode")
    def explode_page() -> None:
        raise ZeroDivisionError("hunter2 in /work/app/service.py")

    api = client.get("/api/v1/explode")
    assert api.status_code == 500 and api.json() == GENERIC
    page = client.get("/explode")
    assert page.status_code == 500 and "Something went wrong on our side." in page.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Not found." in missing.text
    secret = "hunter2-x"  # too short: refused by the schema
    refused = client.post("/api/v1/auth/signup", json={
        "email": "a@example.org", "password": secret, "display_name": "A", "extra": secret})
    assert refused.status_code == 422 and set(refused.json()["error"]["fields"]) == {
        "password", "extra"}
    broken = client.post("/api/v1/auth/tokens", content=f'{{"password": "{secret}',
                         headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "validation_error"
    for response in (api, page, missing, refused, broken):
        for leak in (secret, "hunter2", "Traceback", "RuntimeError", ".py"):
            assert leak not in response.text, (response.request.url, leak)


def test_the_serve_command_does_not_name_its_server(databases: object,
                                                    tmp_path: object) -> None:
    """`valleycross serve` answers without a `server: uvicorn` header (ASVS 13.4.6)."""
    import time

    import httpx

    from tests.live import free_port

    url = databases.fresh()  # type: ignore[attr-defined]
    port = free_port()
    env = server_env(url, tmp_path / "var", f"http://127.0.0.1:{port}")  # type: ignore[operator]
    process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port)],
                               cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert "server" not in response.headers
    finally:
        process.terminate()
        process.wait(timeout=30)
        databases.drop(url)  # type: ignore[attr-defined]
