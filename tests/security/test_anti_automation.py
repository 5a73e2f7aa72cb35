"""Anti-automation beyond sign-in (OWASP ASVS 2.4.1): what a bot could flood is rate limited.

The limits are lowered to 2 here (a person never meets the real ones; see app/config.py
RateLimits), so the third action of a kind is the refused one. The limiter's clock is frozen and
moved instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import ApiToken, User
from app.challenges.models import Challenge, ChallengeQuestion
from app.config import RateLimits, Settings
from app.inventory.models import Suggestion
from app.kit import rate_limit
from tests.challenges.factories import Clock, admin, draft, published, sponsor
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for
from tests.files import png
from tests.inventory.factories import make_mechanism

T0 = dt.datetime(2030, 6, 1, 9, 0, tzinfo=dt.UTC)
PNG = png()
HOUR_WAIT = "Try again in 60 minutes."
DAY = 24 * 3600


@pytest.fixture(autouse=True)
def limits(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Every limit lowered to 2, and the limiter's clock frozen at T0."""
    for name in RateLimits.model_fields:
        monkeypatch.setattr(settings.rate_limits, name, 2)
    frozen = Clock(T0)
    monkeypatch.setattr(rate_limit, "clock", frozen.now)
    return frozen


def count(db: Session, model: type[object]) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def assert_rate_limited(response: object, message: str, retry_after: int = 3600) -> None:
    """The API's refusal: 429, Retry-After in seconds and the usual error body."""
    assert response.status_code == 429, response.text  # type: ignore[attr-defined]
    assert int(response.headers["retry-after"]) == retry_after  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error == {"code": "rate_limited", "message": message, "fields": {}}


def signup(client: TestClient, n: int) -> object:
    return client.post("/api/v1/auth/signup", json={
        "email": f"bot{n}@example.org", "password": PASSWORD, "display_name": f"Bot {n}"})


def test_sign_ups_from_one_address_are_limited_and_allowed_again_later(
        app: FastAPI, client: TestClient, db: Session, limits: Clock) -> None:
    assert [signup(client, n).status_code for n in (1, 2)] == [202, 202]  # type: ignore[attr-defined]
    users = count(db, User)
    assert_rate_limited(signup(client, 3), "Too many sign-ups from this address: the limit is "
                                           f"2 an hour. {HOUR_WAIT}")
    assert count(db, User) == users, "the refused sign-up made no account"
    with TestClient(app, client=("198.51.100.7", 50000)) as elsewhere:
        assert signup(elsewhere, 4).status_code == 202  # type: ignore[attr-defined]
    limits.advance(hours=1)
    assert signup(client, 5).status_code == 202  # type: ignore[attr-defined]


def test_the_sign_up_page_shows_the_limit_above_the_form(client: TestClient,
                                                         db: Session) -> None:
    signup(client, 1), signup(client, 2)
    token = csrf_from(client.get("/signup").text)
    page = client.post("/signup", data={"email": "person@example.org", "password": PASSWORD,
                                        "display_name": "Person", "csrf_token": token})
    assert page.status_code == 429 and page.headers["retry-after"] == "3600"
    assert '<div class="error-summary" role="alert">' in page.text
    assert f"Too many sign-ups from this address: the limit is 2 an hour. {HOUR_WAIT}" in page.text
    assert 'value="person@example.org"' in page.text and PASSWORD not in page.text
    assert db.scalar(select(User).where(User.email_normalized == "person@example.org")) is None


def test_questions_per_user_are_limited_on_the_api_and_the_page(client: TestClient,
                                                                db: Session) -> None:
    owner = sponsor(db)
    challenge = published(db, owner, admin(db))
    asker, other = make_user(db), make_user(db)
    url = f"/api/v1/challenges/{challenge.id}/questions"
    headers = token_for(client, asker.email or "")
    for n in (1, 2):
        assert client.post(url, json={"body": f"Question {n}?"}, headers=headers).status_code == 201
    assert_rate_limited(client.post(url, json={"body": "A third?"}, headers=headers),
                        "Too many questions: the limit is 2 a day. Try again in 24 hours.", DAY)
    assert client.post(url, json={"body": "Mine?"},
                       headers=token_for(client, other.email or "")).status_code == 201
    login(client, asker.email or "")
    token = csrf_from(client.get(f"/challenges/{challenge.id}").text)
    page = client.post(f"/challenges/{challenge.id}/questions",
                       data={"body": "Can teams <b>enter</b>?", "csrf_token": token})
    assert page.status_code == 429 and page.headers["retry-after"] == str(DAY)
    form = page.text[page.text.index("Questions and answers"):]
    assert form.index("Too many questions: the limit is 2 a day.") < form.index(
        'name="body"'), "the message stands above the question form"
    assert "Can teams &lt;b&gt;enter&lt;/b&gt;?</textarea>" in form, "the question is kept"
    assert count(db, ChallengeQuestion) == 3


def test_suggestions_per_user_are_limited_on_the_api_and_the_page(client: TestClient,
                                                                  db: Session) -> None:
    mechanism = make_mechanism(db, name="Technology Bank")
    author = make_user(db)
    headers = token_for(client, author.email or "")
    body = {"entity_type": "mechanism", "entity_id": mechanism.id,
            "payload": {"acronym": "TB"}}
    for _ in (1, 2):
        assert client.post("/api/v1/suggestions", json=body, headers=headers).status_code == 201
    assert_rate_limited(client.post("/api/v1/suggestions", json=body, headers=headers),
                        "Too many suggestions: the limit is 2 a day. Try again in 24 hours.", DAY)
    login(client, author.email or "")
    page_url = f"/inventory/mechanisms/{mechanism.id}/suggest"
    page = client.post(page_url, data={
        "name": mechanism.name, "kind": "network", "scope": "WORLD", "status": "active",
        "acronym": "TB", "comment": "From its website.",
        "csrf_token": csrf_from(client.get(page_url).text)})
    assert page.status_code == 429
    assert '<div class="error-summary" role="alert">' in page.text
    assert "Too many suggestions: the limit is 2 a day." in page.text
    assert "From its website." in page.text, "the form keeps what was typed"
    assert count(db, Suggestion) == 2


def test_cover_uploads_per_user_are_limited_and_a_refused_file_is_not_kept(
        client: TestClient, db: Session, settings: Settings) -> None:
    owner = sponsor(db)
    challenge = draft(db, owner)
    headers = token_for(client, owner.email or "")
    url = f"/api/v1/challenges/{challenge.id}/cover"
    for _ in (1, 2):
        response = client.put(url, files={"cover": ("c.png", PNG, "image/png")},
                              headers=headers)
        assert response.status_code == 200, response.text
    folder = Path(str(settings.upload_dir)) / "challenge-covers"
    files = set(folder.iterdir())
    db.expire_all()
    cover = db.get(Challenge, challenge.id).cover_image  # type: ignore[union-attr]
    assert_rate_limited(client.put(url, files={"cover": ("c.png", PNG, "image/png")},
                                   headers=headers),
                        f"Too many cover uploads: the limit is 2 an hour. {HOUR_WAIT}")
    login(client, owner.email or "")
    token = csrf_from(client.get(f"/challenges/{challenge.id}/edit").text)
    page = client.post(f"/challenges/{challenge.id}/cover", data={"csrf_token": token},
                       files={"cover": ("c.png", PNG, "image/png")})
    assert page.status_code == 429
    assert f"Too many cover uploads: the limit is 2 an hour. {HOUR_WAIT}" in page.text
    assert 'id="f-cover"' in page.text, "shown on the edit page, with the upload form"
    assert set(folder.iterdir()) == files
    db.expire_all()
    assert db.get(Challenge, challenge.id).cover_image == cover  # type: ignore[union-attr]


def test_token_creation_per_user_is_limited_on_the_api_and_the_page(client: TestClient,
                                                                    db: Session) -> None:
    user = make_user(db)
    body = {"name": "ci", "email": user.email, "password": PASSWORD}
    for _ in (1, 2):
        assert client.post("/api/v1/auth/tokens", json=body).status_code == 201
    assert_rate_limited(client.post("/api/v1/auth/tokens", json=body),
                        f"Too many new access tokens: the limit is 2 an hour. {HOUR_WAIT}")
    login(client, user.email or "")
    page = client.post("/account/tokens", data={
        "name": "laptop", "csrf_token": csrf_from(client.get("/account").text)})
    assert page.status_code == 429
    tokens = page.text[page.text.index("API access tokens"):]
    assert tokens.index("Too many new access tokens: the limit is 2 an hour.") < tokens.index(
        'action="/account/tokens"'), "the message stands above the token form"
    assert 'value="laptop"' in tokens and "copy it now" not in tokens
    assert count(db, ApiToken) == 2


def test_a_rate_limited_request_is_a_security_event(client: TestClient,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    signup(client, 1), signup(client, 2)
    with caplog.at_level(logging.INFO, logger="valleycross.security"):
        signup(client, 3)
        token = csrf_from(client.get("/signup").text)
        client.post("/signup", data={"email": "p@example.org", "password": PASSWORD,
                                     "display_name": "P", "csrf_token": token})
    records = [r for r in caplog.records if r.name == "valleycross.security"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    assert "429 rate_limited on POST /api/v1/auth/signup: user=None ip=testclient" in (
        records[0].getMessage())
    assert "429 rate_limited on POST /signup" in records[1].getMessage()


def test_sign_in_throttling_is_logged_too(client: TestClient, db: Session,
                                          caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(db)
    wrong = {"name": "x", "email": user.email, "password": "not the password at all"}
    for _ in range(5):
        client.post("/api/v1/auth/tokens", json=wrong)
    with caplog.at_level(logging.INFO, logger="valleycross.security"):
        assert client.post("/api/v1/auth/tokens", json=wrong).status_code == 429
    assert any("429 too_many_requests on POST /api/v1/auth/tokens" in r.getMessage()
               for r in caplog.records if r.name == "valleycross.security")
