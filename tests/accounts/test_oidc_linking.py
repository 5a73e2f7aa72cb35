"""Pre-account takeover is refused; providers are linked and unlinked from the account page.

Every flow is the real one: the app, Authlib and the local provider (tests/oidc_provider.py).
"""

from __future__ import annotations

import html
import json
import re
from base64 import b64decode, b64encode
from typing import Any

import httpx
import itsdangerous
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import ExternalIdentity, UserSession
from tests.accounts.conftest import OidcSite
from tests.accounts.oidc_helpers import (
    at_provider,
    events,
    identities,
    query_of,
    sign_in_via_provider,
    users,
)
from tests.factories import PASSWORD, csrf_from, login, make_user
from tests.oidc_provider import Provider, ProviderConfig, ProviderUser

ISSUER = "https://id.example.test"
COOKIE = "vc_session"


def _link_start(client: TestClient) -> httpx.Response:
    """Press "Link Example ID" on the account page."""
    page = client.get("/account")
    assert "Link Example ID" in page.text
    return client.post("/account/identities/link", data={"csrf_token": csrf_from(page.text)},
                       follow_redirects=False)


def provider_url(started: httpx.Response) -> str:
    """Where the "Continue to Example ID" page sends the browser (meta refresh and link)."""
    assert started.status_code == 200, started.text
    link = re.search(r'<a class="button" href="([^"]+)">Continue to Example ID</a>', started.text)
    assert link, started.text
    url = html.unescape(link.group(1))
    assert f'<meta http-equiv="refresh" content="0; url={link.group(1)}">' in started.text
    return url


def link_via_provider(client: TestClient, provider: Provider) -> httpx.Response:
    """The whole link round trip from the account page; the callback's answer (not followed)."""
    return client.get(at_provider(provider, provider_url(_link_start(client))),
                      follow_redirects=False)


def _unlink(client: TestClient, identity_id: int) -> httpx.Response:
    page = client.get("/account")
    return client.post(f"/account/identities/{identity_id}/unlink",
                       data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)


def _session(client: TestClient) -> dict[str, Any]:
    """The browser's (signed) session cookie, decoded the way Starlette's middleware does."""
    raw = client.cookies.get(COOKIE) or ""
    data = itsdangerous.TimestampSigner(_secret(client)).unsign(raw.encode())
    session: dict[str, Any] = json.loads(b64decode(data))
    return session


def _set_session(client: TestClient, session: dict[str, Any]) -> None:
    signed = itsdangerous.TimestampSigner(_secret(client)).sign(
        b64encode(json.dumps(session).encode()))
    client.cookies.set(COOKIE, signed.decode())


def _secret(client: TestClient) -> str:
    return str(client.app.state.settings.secret_key)  # type: ignore[attr-defined]


# --- the takeover ----------------------------------------------------------------------------


def test_pre_registered_email_does_not_hand_the_provider_login_to_the_attacker(
        oidc_site: OidcSite, db: Session, caplog: pytest.LogCaptureFixture) -> None:
    """Mallory signs up with Victoria's address; Victoria's provider login must not land there."""
    provider = Provider(ProviderConfig(user=ProviderUser(
        sub="victoria-1", email="victoria@example.org", email_verified=True, name="Victoria")))
    attacker = oidc_site(provider)
    signup = attacker.get("/signup")
    made = attacker.post("/signup", data={
        "email": "victoria@example.org", "password": "mallory keeps this passphrase",
        "display_name": "Victoria", "csrf_token": csrf_from(signup.text)},
        follow_redirects=False)
    assert made.status_code == 200 and "Check your inbox" in made.text
    [planted] = users(db)
    assert not planted.email_verified

    victim = TestClient(attacker.app)
    with caplog.at_level("WARNING", logger="valleycross.security"):
        response = sign_in_via_provider(victim, provider, next="/account")
    assert response.status_code == 409
    assert "An account with this email already exists" in response.text
    assert "If you did not create that account" in response.text
    assert victim.get("/account", follow_redirects=False).status_code == 303  # not signed in
    assert identities(db) == []  # nothing linked to the planted account (nor made)
    assert [u.id for u in users(db)] == [planted.id]
    failure = events(db, "login.failed")[-1]
    assert failure.details["reason"] == "email_in_use"
    assert failure.subject_user_id == planted.id
    assert any("first login refused" in r.getMessage() for r in caplog.records)

    # The attacker, signed in to their account, has no provider in it.
    login(attacker, "victoria@example.org", "mallory keeps this passphrase")
    account = attacker.get("/account").text
    assert "No provider is linked to this account." in account


# --- linking from the account page -----------------------------------------------------------


def test_link_from_the_account_page_then_sign_in_with_the_provider(
        site: TestClient, provider: Provider, db: Session) -> None:
    local = make_user(db, email="alice@example.org", display_name="Alice (local)")
    login(site, "alice@example.org")
    page = site.get("/account").text
    assert ">Sign-in providers</h2>" in page and "No provider is linked" in page

    started = _link_start(site)
    assert started.headers["cache-control"] == "no-store"
    authorize_url = provider_url(started)
    assert authorize_url.startswith(f"{ISSUER}/authorize?")
    intent = _session(site)["oidc_link"]
    assert intent == {"user_id": local.id, "state": query_of(authorize_url)["state"]}
    response = site.get(at_provider(provider, authorize_url), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/account"
    account = site.get("/account").text
    assert "Your Example ID login is now linked to this account." in account
    assert "Example ID<br><small>https://id.example.test</small>" in account
    assert "as alice@example.org" in account and "not yet" in account
    assert "oidc_link" not in _session(site)

    [identity] = identities(db)
    assert (identity.user_id, identity.subject, identity.last_login_at) == (
        local.id, "alice-7f3a", None)
    [linked] = events(db, "oidc.linked")
    assert (linked.actor_id, linked.subject_user_id) == (local.id, local.id)
    assert linked.details == {"issuer": ISSUER, "subject": "alice-7f3a", "new_account": False,
                              "via": "account_page"}

    site.post("/logout", data={"csrf_token": csrf_from(account)})
    assert sign_in_via_provider(site, provider).headers["location"] == "/"
    assert "Alice (local)" in site.get("/account").text
    assert [u.id for u in users(db)] == [local.id]
    assert identities(db)[0].last_login_at is not None


def test_linking_the_same_identity_again_changes_nothing(
        site: TestClient, provider: Provider, db: Session) -> None:
    make_user(db, email="alice@example.org")
    login(site, "alice@example.org")
    link_via_provider(site, provider)
    again = link_via_provider(site, provider)
    assert again.status_code == 303
    assert "was already linked to your account" in site.get("/account").text
    assert len(identities(db)) == 1 and len(events(db, "oidc.linked")) == 1


def test_an_identity_of_another_account_is_not_linked(
        site: TestClient, provider: Provider, db: Session) -> None:
    sign_in_via_provider(site, provider)  # Alice's provider login made her account
    [owner] = users(db)
    bob = make_user(db, email="bob@example.org")
    bobs_browser = TestClient(site.app)
    login(bobs_browser, "bob@example.org")

    response = link_via_provider(bobs_browser, provider)
    assert response.status_code == 409
    assert "Nothing was linked" in response.text
    assert "already linked to another account here" in response.text
    assert bobs_browser.get("/account").status_code == 200  # Bob is still signed in as Bob
    [identity] = identities(db)
    assert identity.user_id == owner.id
    [failure] = events(db, "oidc.link_failed")
    assert (failure.actor_id, failure.subject_user_id) == (bob.id, owner.id)
    assert failure.details["reason"] == "identity_linked_elsewhere"


def test_link_refused_when_the_signed_in_user_changed(
        site: TestClient, provider: Provider, db: Session) -> None:
    alice = make_user(db, email="alice@example.org")
    bob = make_user(db, email="bob@example.org")
    login(site, "alice@example.org")
    callback = at_provider(provider, provider_url(_link_start(site)))
    # The cookie now names Bob's server session, the link intent still Alice (a forged swap).
    bobs_browser = TestClient(site.app)
    login(bobs_browser, "bob@example.org")
    _set_session(site, {**_session(site), "sid": _session(bobs_browser)["sid"]})

    response = site.get(callback, follow_redirects=False)
    assert response.status_code == 403
    assert "You are no longer signed in as the account that asked to link" in response.text
    assert identities(db) == []
    failure = events(db, "oidc.link_failed")[-1]
    assert failure.actor_id == alice.id and failure.details["reason"] == "link_user_changed"
    assert f"finished by {bob.id}" in failure.details["detail"]


def test_link_refused_when_the_session_ended_meanwhile(
        site: TestClient, provider: Provider, db: Session) -> None:
    make_user(db, email="alice@example.org")
    login(site, "alice@example.org")
    authorize_url = provider_url(_link_start(site))
    db.execute(update(UserSession).values(revoked_at=UserSession.created_at))
    db.commit()
    response = site.get(at_provider(provider, authorize_url), follow_redirects=False)
    assert response.status_code == 403 and "nothing was linked" in response.text
    assert identities(db) == []


def test_signing_in_as_someone_else_mid_flow_ends_the_link(
        site: TestClient, provider: Provider, db: Session) -> None:
    make_user(db, email="alice@example.org")
    make_user(db, email="bob@example.org")
    login(site, "alice@example.org")
    authorize_url = provider_url(_link_start(site))
    login(site, "bob@example.org")  # a fresh session: the flow and its intent are gone
    response = site.get(at_provider(provider, authorize_url))
    assert response.status_code == 400 and "Nothing was linked" not in response.text
    assert identities(db) == []


def test_a_plain_sign_in_started_later_links_nothing(
        site: TestClient, provider: Provider, db: Session) -> None:
    """The link intent is bound to its own flow's state; another flow only signs in."""
    make_user(db, email="bob@example.org")
    login(site, "bob@example.org")
    _link_start(site)
    provider.config.user = ProviderUser(sub="carol-1", email="carol@example.org")
    response = sign_in_via_provider(site, provider)
    assert response.status_code == 303
    [identity] = identities(db)
    carol = next(u for u in users(db) if u.email == "carol@example.org")
    assert identity.user_id == carol.id


def test_linking_needs_the_csrf_token_and_a_signed_in_user(
        site: TestClient, provider: Provider, db: Session) -> None:
    make_user(db, email="alice@example.org")
    login(site, "alice@example.org")
    for data in ({}, {"csrf_token": "forged"}):
        refused = site.post("/account/identities/link", data=data, follow_redirects=False)
        assert refused.status_code == 403 and "did not come from this site" in refused.text
    assert provider.authorization_requests == [] and "oidc_link" not in _session(site)

    visitor = TestClient(site.app)
    token = csrf_from(visitor.get("/login").text)
    response = visitor.post("/account/identities/link", data={"csrf_token": token},
                            follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


# --- unlinking -------------------------------------------------------------------------------


def test_unlink_with_a_password_left(site: TestClient, provider: Provider,
                                     db: Session) -> None:
    local = make_user(db, email="alice@example.org")
    login(site, "alice@example.org")
    link_via_provider(site, provider)
    [identity] = identities(db)

    response = _unlink(site, identity.id)
    assert response.status_code == 303 and response.headers["location"] == "/account"
    assert "The sign-in provider was unlinked" in site.get("/account").text
    assert identities(db) == []
    [unlinked] = events(db, "oidc.unlinked")
    assert (unlinked.actor_id, unlinked.details) == (
        local.id, {"issuer": ISSUER, "subject": "alice-7f3a"})
    # Unlinked means unknown again: the provider login with that email is refused, not joined.
    response = sign_in_via_provider(TestClient(site.app), provider)
    assert response.status_code == 409 and identities(db) == []


def test_the_last_way_to_sign_in_cannot_be_unlinked(
        site: TestClient, provider: Provider, db: Session) -> None:
    sign_in_via_provider(site, provider)  # an account without a password
    [first] = identities(db)
    refused = _unlink(site, first.id)
    assert refused.status_code == 409
    assert "This is the only way you can sign in to this account" in refused.text
    assert ">Sign-in providers</h2>" in refused.text  # the account page, with the message
    assert [i.id for i in identities(db)] == [first.id]

    provider.config.user = ProviderUser(sub="alice-second", email="alice@other.example")
    assert link_via_provider(site, provider).status_code == 303
    assert _unlink(site, first.id).status_code == 303  # another one is left
    [second] = identities(db)
    assert second.subject == "alice-second"
    assert _unlink(site, second.id).status_code == 409
    assert len(events(db, "oidc.unlinked")) == 1


def test_another_users_identity_is_not_found_and_csrf_is_needed(
        oidc_site: OidcSite, provider: Provider, db: Session) -> None:
    site = oidc_site(provider)
    sign_in_via_provider(site, provider)
    [theirs] = identities(db)
    make_user(db, email="bob@example.org")
    bob = TestClient(site.app)
    login(bob, "bob@example.org", PASSWORD)
    assert _unlink(bob, theirs.id).status_code == 404
    assert _unlink(bob, theirs.id + 1000).status_code == 404
    assert bob.post(f"/account/identities/{theirs.id}/unlink", data={},
                    follow_redirects=False).status_code == 403
    assert site.post(f"/account/identities/{theirs.id}/unlink", data={},
                     follow_redirects=False).status_code == 403
    assert [i.id for i in identities(db)] == [theirs.id]
    assert db.get(ExternalIdentity, theirs.id) is not None


def test_a_link_racing_another_for_the_same_login_is_refused_not_a_500(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests saw the login unlinked; the second insert meets the unique key."""
    from app.accounts import identities
    from app.accounts.oidc import SignInFailed

    first, second = make_user(db), make_user(db)
    db.add(ExternalIdentity(user_id=first.id, issuer="https://id.example", subject="race"))
    db.commit()
    monkeypatch.setattr(identities, "find", lambda *a, **k: None)  # the race, made certain
    with pytest.raises(SignInFailed) as refused:
        identities.link(db, user=second, issuer="https://id.example", subject="race",
                        claims={}, provider="Example ID")
    assert refused.value.status_code == 409
    db.commit()  # the session is still usable: only the insert was undone
    owners = db.scalars(select(ExternalIdentity.user_id).where(
        ExternalIdentity.subject == "race")).all()
    assert owners == [first.id]
