"""The language switch and what each language's pages look like."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import User
from tests.factories import csrf_from, login, make_user


def _switch(client: TestClient, lang: str, next_path: str = "/") -> None:
    page = client.get(next_path)
    form = {"lang": lang, "next": next_path}
    if 'name="csrf_token"' in page.text:  # a signed-in person's switch is CSRF-checked
        form["csrf_token"] = csrf_from(page.text)
    response = client.post("/language", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == next_path


def test_a_visitor_switches_to_chinese_and_back(client: TestClient) -> None:
    home = client.get("/")
    assert '<html lang="en">' in home.text and "Sign in" in home.text
    _switch(client, "zh-Hans", "/challenges")
    assert client.cookies.get("vc_lang") == "zh-Hans"
    page = client.get("/")
    assert '<html lang="zh-Hans">' in page.text
    assert "登录" in page.text and ">Sign in<" not in page.text
    assert 'aria-current="true" class="link current">中文 (简体)' in page.text
    _switch(client, "en")
    assert '<html lang="en">' in client.get("/").text


def test_the_browser_language_is_the_first_guess(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-Hans">' in page.text and "退出登录" not in page.text
    assert "首页" in page.text
    client.cookies.set("vc_lang", "en")  # a choice made here beats the browser's header
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "zh"}).text


def test_an_unknown_language_is_refused_and_an_outside_target_ignored(
        client: TestClient) -> None:
    refused = client.post("/language", data={"lang": "xx"})
    assert refused.status_code == 422 and "zh-Hans" in refused.text
    assert client.cookies.get("vc_lang") is None
    moved = client.post("/language", data={"lang": "zh-Hans", "next": "//evil.example/"},
                        follow_redirects=False)
    assert moved.headers["location"] == "/"


def test_a_visitor_switches_without_a_session_but_a_signed_in_switch_needs_the_token(
        client: TestClient, db: Session) -> None:
    page = client.get("/challenges")
    assert 'name="csrf_token"' not in page.text and "set-cookie" not in page.headers
    assert not client.cookies  # no session cookie, so the page could be kept and shared
    user = make_user(db)
    login(client, user.email or "")
    forged = client.post("/language", data={"lang": "zh-Hans"}, follow_redirects=False)
    assert forged.status_code == 403  # it would change the account: a cross-site form may not
    db.expire_all()
    assert db.get(User, user.id).locale is None  # type: ignore[union-attr]
    token = csrf_from(client.get("/account").text)
    sent = client.post("/language", data={"lang": "zh-Hans", "csrf_token": token},
                       follow_redirects=False)
    assert sent.status_code == 303


def test_a_bad_cookie_falls_back_to_the_browser_language(client: TestClient) -> None:
    client.cookies.set("vc_lang", "klingon")
    assert '<html lang="en">' in client.get("/").text


def test_the_choice_follows_the_account_to_another_browser(
        client: TestClient, app, db: Session) -> None:  # type: ignore[no-untyped-def]
    user = make_user(db)
    login(client, user.email or "")
    _switch(client, "zh-Hans", "/account")
    db.expire_all()
    assert db.get(User, user.id).locale == "zh-Hans"  # type: ignore[union-attr]

    with TestClient(app) as other_browser:
        assert '<html lang="en">' in other_browser.get("/login").text
        login(other_browser, user.email or "")
        assert other_browser.cookies.get("vc_lang") == "zh-Hans"
        assert '<html lang="zh-Hans">' in other_browser.get("/account").text


def test_a_choice_made_before_signing_in_is_kept_on_the_account(
        client: TestClient, db: Session) -> None:
    user = make_user(db)
    _switch(client, "zh-Hans", "/login")
    login(client, user.email or "")
    db.expire_all()
    assert db.get(User, user.id).locale == "zh-Hans"  # type: ignore[union-attr]


def test_error_pages_and_form_errors_speak_the_chosen_language(client: TestClient) -> None:
    _switch(client, "zh-Hans")
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "页面未找到" in missing.text and "未找到。" in missing.text


def test_the_switch_returns_to_the_page_with_its_filters_but_never_to_a_callback(
        client: TestClient) -> None:
    page = client.get("/inventory?q=solar&kind=fund")
    assert 'name="next" value="/inventory?q=solar&amp;kind=fund"' in page.text
    callback = client.get("/auth/oidc/callback?code=secret-code&state=x")
    assert "secret-code" not in callback.text


def test_the_api_sets_the_language_the_pages_of_the_account_use(
        client: TestClient, db: Session) -> None:
    from tests.factories import token_for

    user = make_user(db)
    headers = token_for(client, user.email or "")
    assert client.get("/api/v1/me", headers=headers).json()["locale"] is None
    refused = client.patch("/api/v1/me", json={"locale": "fr"}, headers=headers)
    assert refused.status_code == 422 and "locale" in refused.json()["error"]["fields"]
    changed = client.patch("/api/v1/me", json={"locale": "zh-Hans"}, headers=headers)
    assert changed.status_code == 200 and changed.json()["locale"] == "zh-Hans"
    client.cookies.clear()
    login(client, user.email or "")  # a browser without a choice gets the account's
    assert '<html lang="zh-Hans">' in client.get("/account").text
