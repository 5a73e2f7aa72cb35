"""Regressions found by API fuzzing: out-of-range numbers must be a 422, never a driver error."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.factories import login, make_user, token_for

HUGE = "21009209722125624016896"  # the offset schemathesis sent; SQLite raised OverflowError


def test_huge_offset_and_limit_on_user_list_are_422(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    headers = token_for(client, admin.email or "")
    response = client.get(f"/api/v1/users?limit=-5582&offset={HUGE}", headers=headers)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"limit", "offset"}
    page = client.get("/api/v1/users?limit=200&offset=0", headers=headers)
    assert page.status_code == 200 and page.json()["limit"] == 200
    assert client.get("/api/v1/users?limit=201", headers=headers).status_code == 422


def test_huge_offset_on_audit_log_is_422(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    headers = token_for(client, admin.email or "")
    response = client.get(f"/api/v1/audit?offset={HUGE}", headers=headers)
    assert response.status_code == 422 and "offset" in response.json()["error"]["fields"]


def test_huge_ids_in_paths_are_422(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    headers = token_for(client, admin.email or "")
    for method, path in (("GET", f"/api/v1/users/{HUGE}"),
                         ("PUT", f"/api/v1/users/{HUGE}/roles/judge"),
                         ("DELETE", f"/api/v1/auth/tokens/{HUGE}")):
        response = client.request(method, path, headers=headers)
        assert response.status_code == 422, (method, path, response.text)
        assert response.json()["error"]["code"] == "validation_error"
    assert client.get("/api/v1/users/2147483647", headers=headers).status_code == 404


def test_huge_offset_on_admin_page_is_a_422_page(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    login(client, admin.email or "")
    response = client.get(f"/admin/users?offset={HUGE}")
    assert response.status_code == 422 and "Some fields are not valid." in response.text
    assert "Traceback" not in response.text


def test_sign_up_schema_states_the_password_length(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SignUp"]
    assert schema["properties"]["password"]["minLength"] == 12
    response = client.post("/api/v1/auth/signup", json={
        "email": "a@example.org", "password": "0", "display_name": "A"})
    assert response.status_code == 422 and "password" in response.json()["error"]["fields"]
