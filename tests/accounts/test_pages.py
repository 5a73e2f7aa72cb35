from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Role
from tests.factories import PASSWORD, csrf_from, login, make_user


def test_sign_up_form_creates_account_and_asks_to_check_the_inbox(client: TestClient,
                                                                   db: Session) -> None:
    page = client.get("/signup")
    response = client.post("/signup", data={
        "email": "amina@example.org", "password": PASSWORD, "display_name": "Amina",
        "country_code": "SEN", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    user = accounts_service.get_by_email(db, email="amina@example.org")
    assert user is not None and user.display_name == "Amina" and not user.email_verified


def test_sign_up_errors_are_shown_next_to_the_field(client: TestClient) -> None:
    page = client.get("/signup")
    response = client.post("/signup", data={
        "email": "amina@example.org", "password": "short", "display_name": "Amina",
        "csrf_token": csrf_from(page.text)})
    assert response.status_code == 422
    assert 'id="e-password"' in response.text and "at least 12 characters" in response.text
    assert 'value="amina@example.org"' in response.text


def test_form_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/signup")
    response = client.post("/signup", data={"email": "a@example.org", "password": PASSWORD,
                                            "display_name": "A"})
    assert response.status_code == 403
    assert "did not come from this site" in response.text


def test_login_rotates_the_session_and_logout_ends_it(client: TestClient, db: Session) -> None:
    user = make_user(db)
    client.get("/login")
    before = client.cookies.get("vc_session")
    login(client, user.email or "")
    after = client.cookies.get("vc_session")
    assert after and after != before
    account = client.get("/account")
    assert account.status_code == 200 and user.display_name in account.text
    client.post("/logout", data={"csrf_token": csrf_from(account.text)})
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_old_session_cookie_is_useless_after_logout(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    stolen = client.cookies.get("vc_session")
    account = client.get("/account")
    client.post("/logout", data={"csrf_token": csrf_from(account.text)})
    client.cookies.set("vc_session", stolen)
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_session_cookie_flags(client: TestClient, db: Session) -> None:
    user = make_user(db)
    page = client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_wrong_password_shows_message(client: TestClient, db: Session) -> None:
    user = make_user(db)
    page = client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": "nope nope nope",
                                           "csrf_token": csrf_from(page.text)})
    assert response.status_code == 401
    assert "The email or password is not right." in response.text


def test_login_redirects_only_to_local_paths(client: TestClient, db: Session) -> None:
    user = make_user(db)
    page = client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "next": "//evil.example/", "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_protected_page_redirects_anonymous_to_login(client: TestClient) -> None:
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"


def test_admin_page_is_403_for_solver(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    response = client.get("/admin/users")
    assert response.status_code == 403 and "Not allowed" in response.text


def test_admin_grants_role_through_the_page(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    solver = make_user(db, display_name="Grace Solver")
    login(client, admin.email or "")
    page = client.get("/admin/users")
    assert "Grace Solver" in page.text
    response = client.post(f"/admin/users/{solver.id}/roles",
                           data={"role": "judge", "action": "grant",
                                 "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200 and "now has the judge role" in response.text
    db.expire_all()
    from app.accounts import service as accounts_service

    assert Role.JUDGE in accounts_service.get(db, user_id=solver.id).role_names


def test_token_created_on_account_page_is_shown_once(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    page = client.get("/account")
    response = client.post("/account/tokens", data={"name": "laptop",
                                                     "csrf_token": csrf_from(page.text)})
    assert "vcx_" in response.text
    assert "vcx_" not in client.get("/account").text.replace("<code>vcx_", "")
