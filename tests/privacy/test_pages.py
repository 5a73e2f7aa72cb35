"""/terms and /privacy: public, cacheable, linked from every page, and stating the figures the
server really runs with."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import get_settings
from tests.factories import login, make_user
from tests.permissions.matrix import ALLOW, D401, LOGIN, MATRIX

OWN_DATA = [("GET", "/api/v1/me/export"), ("DELETE", "/api/v1/me"), ("GET", "/account/export"),
            ("GET", "/account/delete"), ("POST", "/account/delete")]


@pytest.mark.parametrize("path", ["/terms", "/privacy"])
def test_the_pages_are_public_and_kept_for_visitors(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert "set-cookie" not in first.headers
    etag = first.headers.get("etag")
    assert etag, "an anonymous page is kept by the page cache (it has an ETag)"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_every_page_links_to_them_from_its_footer(client: TestClient) -> None:
    home = client.get("/").text
    footer = home[home.index('<footer'):]
    assert 'href="/terms"' in footer and 'href="/privacy"' in footer


def test_the_privacy_page_states_the_real_figures(client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    text = client.get("/privacy").text
    days = settings.session_max_age_seconds // (24 * 3600)
    assert f"at most {days} days" in text
    assert "“vc_session”" in text and "“vc_lang”" in text
    assert "no trackers" in text
    assert "GET /api/v1/me/export" in text and "DELETE /api/v1/me" in text
    assert "this server sends no email" in text  # SMTP is not configured in tests
    monkeypatch.setattr(settings, "session_max_age_seconds", 3 * 24 * 3600)
    monkeypatch.setattr(settings, "smtp_host", "mail.example")
    changed = client.get("/privacy?again").text
    assert "at most 3 days" in changed and "sent to your email address" in changed


def test_the_pages_are_in_chinese_for_a_chinese_browser(client: TestClient) -> None:
    page = client.get("/privacy", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and '<html lang="zh-Hans">' in page.text


def test_the_account_page_offers_the_download_and_the_deletion(
        client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    page = client.get("/account").text
    assert 'id="h-your-data"' in page
    assert 'href="/account/export"' in page and 'href="/account/delete"' in page


def test_the_permission_matrix_lets_everyone_at_their_own_data_and_nobody_anonymous() -> None:
    for key in OWN_DATA:
        expect = MATRIX[key].expect
        assert expect["anonymous"] in (D401, LOGIN), key
        assert all(outcome == ALLOW for role, outcome in expect.items()
                   if role != "anonymous"), key
    for path in ("/terms", "/privacy"):
        assert set(MATRIX[("GET", path)].expect.values()) == {ALLOW}
