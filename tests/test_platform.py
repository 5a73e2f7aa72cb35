from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

from app.config import get_settings
from tests.factories import make_user


def test_health_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_health_503_when_database_unreachable(client: TestClient, app: object) -> None:
    from app.db import session_factory

    app.state.session_maker = session_factory(  # type: ignore[attr-defined]
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_timestamps_come_back_aware_utc(db: Session) -> None:
    user = make_user(db)
    db.expire_all()
    db.refresh(user)
    assert user.created_at.utcoffset() is not None and user.created_at.utcoffset().total_seconds() == 0


def test_unhandled_error_hides_the_trace(client: TestClient, app: object) -> None:
    @app.get("/api/v1/boom")  # type: ignore[attr-defined]
    def boom() -> None:
        raise RuntimeError("secret internals")

    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text


def test_security_headers_on_pages(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_sqlite_runs_in_wal_with_foreign_keys(settings: object) -> None:
    url = get_settings().database_url
    if not url.startswith("sqlite"):
        return
    from app.db import get_engine

    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert "users" in inspect(create_engine(url)).get_table_names()


def test_every_api_route_finishes_its_unit_of_work_in_its_own_thread(app: object) -> None:
    """A route built by plain fastapi.APIRouter would hold its DB connection across threads."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from app.kit.routing import UnitOfWorkRoute

    # app.routes holds the included routers, not their routes: walk into them.
    routes = [c.original_route for c in iter_route_contexts(app.routes)]  # type: ignore[attr-defined]
    api_routes = [r for r in routes if isinstance(r, APIRoute)]
    assert len(api_routes) > 30
    plain = [r.path for r in api_routes
             if not isinstance(r, UnitOfWorkRoute) and r.path != "/healthz"]
    assert plain == []


def test_error_answer_rolls_back_and_success_commits(client: TestClient, db: Session) -> None:
    from tests.factories import PASSWORD

    ok = client.post("/api/v1/auth/signup", json={"email": "kept@example.org",
                                                  "password": PASSWORD, "display_name": "K"})
    assert ok.status_code == 202
    # Counted by the rate limiter (a row written), then refused: the row is rolled back.
    bad = client.post("/api/v1/auth/signup", json={"email": "gone@example.org",
                                                   "password": PASSWORD, "display_name": "G",
                                                   "country_code": "ZZZ"})
    assert bad.status_code == 422
    from sqlalchemy import func, select

    from app.accounts import service as accounts_service
    from app.kit.models import RateLimitHit

    assert accounts_service.get_by_email(db, email="kept@example.org") is not None
    assert db.scalar(select(func.count()).select_from(RateLimitHit)) == 1


def test_405_lists_every_method_of_the_resource(client: TestClient) -> None:
    # Found by fuzzing: Starlette named only the first matching route's methods in Allow.
    response = client.options("/api/v1/me")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PATCH"  # DELETE: the account itself
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert client.put("/api/v1/users/1/roles/judge/x").status_code == 404
    assert client.post("/api/v1/users/1/roles/judge").headers["allow"] == "DELETE, PUT"
