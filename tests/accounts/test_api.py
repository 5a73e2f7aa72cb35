from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import email_links
from app.accounts.models import Role, User
from tests.factories import PASSWORD, login, make_user, token_for


def test_sign_up_then_token_then_me(client: TestClient) -> None:
    created = client.post("/api/v1/auth/signup", json={
        "email": "Nima@Example.org", "password": PASSWORD, "display_name": "Nima",
        "country_code": "NPL"})
    assert created.status_code == 202, created.text
    assert created.json() == {"message": email_links.SIGNUP_SENT}
    headers = token_for(client, "nima@example.org")
    me = client.get("/api/v1/me", headers=headers)
    assert me.json()["email"] == "Nima@example.org" and me.json()["country_code"] == "NPL"
    assert me.json()["roles"] == ["solver"] and me.json()["email_verified"] is False


def test_weak_password_is_a_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/signup", json={
        "email": "a@example.org", "password": "password1234", "display_name": "A"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["password"].startswith("This password is too common")


def test_unknown_field_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/auth/signup", json={
        "email": "a@example.org", "password": PASSWORD, "display_name": "A", "roles": ["admin"]})
    assert response.status_code == 422
    assert "roles" in response.json()["error"]["fields"]


def test_a_taken_address_gets_the_same_answer_and_makes_no_account(client: TestClient,
                                                                   db: Session) -> None:
    make_user(db, email="taken@example.org")
    response = client.post("/api/v1/auth/signup", json={
        "email": "TAKEN@example.org", "password": PASSWORD, "display_name": "B"})
    assert response.status_code == 202
    assert response.json() == {"message": email_links.SIGNUP_SENT}
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_anonymous_gets_401_json(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated",
                                         "message": "Sign in to continue.", "fields": {}}}


def test_bad_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer vcx_nonsense"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_token_lifecycle(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    listed = client.get("/api/v1/auth/tokens", headers=headers).json()
    assert len(listed) == 1 and "token" not in listed[0]
    assert client.delete(f"/api/v1/auth/tokens/{listed[0]['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_wrong_password_for_token_is_401_and_throttled_after_five(client: TestClient,
                                                                  db: Session) -> None:
    user = make_user(db)
    body = {"name": "x", "email": user.email, "password": "not the password"}
    codes = [client.post("/api/v1/auth/tokens", json=body).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    blocked = client.post("/api/v1/auth/tokens", json={**body, "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_role_management_needs_admin(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    solver = make_user(db)
    solver_headers = token_for(client, solver.email or "")
    forbidden = client.put(f"/api/v1/users/{solver.id}/roles/sponsor", headers=solver_headers)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "missing_role"
    admin_headers = token_for(client, admin.email or "")
    granted = client.put(f"/api/v1/users/{solver.id}/roles/sponsor", headers=admin_headers)
    assert granted.status_code == 200 and granted.json()["roles"] == ["solver", "sponsor"]
    revoked = client.delete(f"/api/v1/users/{solver.id}/roles/sponsor", headers=admin_headers)
    assert revoked.json()["roles"] == ["solver"]
    events = [e["event"] for e in client.get("/api/v1/audit", headers=admin_headers).json()]
    assert "role.granted" in events and "role.revoked" in events


def test_cookie_session_on_api_needs_csrf_header_to_write(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    assert client.get("/api/v1/me").status_code == 200
    refused = client.patch("/api/v1/me", json={"display_name": "Changed"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"


def test_token_from_active_session(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    page = client.get("/account")
    from tests.factories import csrf_from

    response = client.post("/api/v1/auth/tokens", json={"name": "from session"},
                           headers={"X-CSRF-Token": csrf_from(page.text)})
    assert response.status_code == 201 and response.json()["token"].startswith("vcx_")


def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
