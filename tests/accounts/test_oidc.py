"""OpenID Connect sign-in, end to end: the app, Authlib and a real (local) provider, no network."""

import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import ExternalIdentity, Role, User, UserSession
from app.notifications import service as notifications
from tests.accounts.conftest import OidcSite
from tests.accounts.oidc_helpers import (
    at_provider,
    count,
    events,
    identities,
    live_sessions,
    query_of,
    sign_in_via_provider,
    start,
    users,
)
from tests.factories import csrf_from, emailed_token, make_user
from tests.oidc_provider import Provider, ProviderConfig, ProviderUser, s256

ISSUER = "https://id.example.test"


def test_no_login_button_when_not_configured(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200 and "Sign in with" not in page.text
    assert "/auth/oidc/login" not in client.get("/signup").text
    missing = client.get("/auth/oidc/login", follow_redirects=False)
    assert missing.status_code == 404 and "not set up on this site" in missing.text


def test_login_button_when_configured(site: TestClient) -> None:
    page = site.get("/login?next=/account")
    assert "Sign in with Example ID" in page.text
    assert 'href="/auth/oidc/login?next=/account"' in page.text


def test_first_login_creates_account_identity_and_session(
        site: TestClient, provider: Provider, db: Session) -> None:
    site.get("/login")
    cookie_before = site.cookies.get("vc_session")
    authorize_url = start(site, next="/account")

    sent = query_of(authorize_url)
    assert authorize_url.startswith(f"{ISSUER}/authorize?")
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    assert sent["nonce"] and sent["state"] and sent["scope"] == "openid email profile"
    assert sent["redirect_uri"] == "http://testserver/auth/oidc/callback"

    response = site.get(at_provider(provider, authorize_url), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/account"
    assert site.cookies.get("vc_session") != cookie_before  # session rotated
    # The code was redeemed with the verifier matching the challenge sent above.
    token_form = provider.token_requests[-1]["form"]
    assert s256(token_form["code_verifier"]) == sent["code_challenge"]
    assert "client_secret" not in token_form  # client_secret_basic: in the header
    assert provider.token_requests[-1]["authorization"].startswith("Basic ")

    account = site.get("/account")
    assert "Welcome, Alice Moreau. Your solver account is ready." in account.text
    assert 'value="alice@example.org"' in account.text

    [user] = users(db)
    assert (user.email, user.display_name, user.password_hash) == (
        "alice@example.org", "Alice Moreau", None)
    assert user.role_names == {Role.SOLVER}
    [identity] = identities(db)
    assert (identity.issuer, identity.subject, identity.user_id) == (ISSUER, "alice-7f3a", user.id)
    assert identity.email_claim == "alice@example.org" and identity.last_login_at is not None
    assert live_sessions(db, user.id) == 1

    [created] = events(db, "user.created")
    [linked] = events(db, "oidc.linked")
    [succeeded] = events(db, "login.succeeded")
    assert created.subject_user_id == linked.subject_user_id == succeeded.subject_user_id == user.id
    assert linked.details == {"issuer": ISSUER, "subject": "alice-7f3a", "new_account": True,
                              "via": "first_login"}
    assert succeeded.details == {"method": "oidc", "issuer": ISSUER}


def test_second_login_with_same_sub_signs_into_same_user(
        site: TestClient, provider: Provider, db: Session) -> None:
    sign_in_via_provider(site, provider)
    site.post("/logout", data={"csrf_token": csrf_from(site.get("/account").text)})
    assert site.get("/account", follow_redirects=False).status_code == 303

    # Same person at the provider, who has since changed name and email there.
    provider.config.user = ProviderUser(sub="alice-7f3a", email="alice@new.example",
                                        email_verified=True, name="Alice M.")
    response = sign_in_via_provider(site, provider)
    assert response.status_code == 303
    account = site.get("/account")
    assert "Alice Moreau" in account.text and "Welcome" not in account.text

    [user] = users(db)
    assert user.email == "alice@example.org"  # the local profile is the person's own
    [identity] = identities(db)
    assert identity.email_claim == "alice@new.example"
    assert len(events(db, "user.created")) == 1 and len(events(db, "oidc.linked")) == 1
    assert len(events(db, "login.succeeded")) == 2
    assert count(db, UserSession) == 2 and live_sessions(db, user.id) == 1


def test_orcid_like_provider_without_email_asks_for_one(oidc_site: OidcSite, db: Session) -> None:
    provider = Provider(ProviderConfig(
        issuer="https://orcid.example.test", token_endpoint_auth_method="client_secret_post",
        scopes_supported=["openid"], user=ProviderUser(sub="0000-0002-1825-0097")))
    site = oidc_site(provider, scopes="openid", auth_method="client_secret_post")

    response = sign_in_via_provider(site, provider, next="/account")
    assert response.status_code == 303 and response.headers["location"] == "/account/email"
    token_request = provider.token_requests[-1]
    assert token_request["authorization"] is None
    assert token_request["form"]["client_secret"] == provider.config.client_secret

    page = site.get("/account/email")
    assert "Example ID does not share your email address with us" in page.text
    [user] = users(db)
    assert user.email is None and user.display_name == "New member"
    [identity] = identities(db)
    assert (identity.issuer, identity.subject) == ("https://orcid.example.test",
                                                   "0000-0002-1825-0097")

    saved = site.post("/account/email", data={"email": "Lin@Example.org",
                                              "csrf_token": csrf_from(page.text)},
                      follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/account"
    assert "We sent a link to Lin@Example.org" in site.get("/account").text
    [user] = users(db)
    assert user.email is None  # until the link sent to the address is followed
    token = emailed_token(db, user_id=user.id, kind="mail.verify_email")
    confirm = site.get(f"/verify-email/{token}")
    site.post(f"/verify-email/{token}", data={"csrf_token": csrf_from(confirm.text)})
    [user] = users(db)
    assert (user.email, user.email_normalized) == ("Lin@Example.org", "lin@example.org")
    assert user.email_verified


def test_email_form_refuses_an_address_in_use_and_needs_csrf(
        oidc_site: OidcSite, db: Session) -> None:
    make_user(db, email="taken@example.org")
    provider = Provider(ProviderConfig(user=ProviderUser(sub="no-mail")))
    site = oidc_site(provider)
    sign_in_via_provider(site, provider)
    page = site.get("/account/email")

    # The same answer as for a free address (nobody learns who is registered); the
    # address's holder is told, and nothing changes.
    answer = site.post("/account/email", data={"email": "TAKEN@example.org",
                                               "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 200
    assert "We sent a link to TAKEN@example.org" in answer.text
    holder = users(db)[0]
    [notice] = notifications.for_recipient(db, recipient_id=holder.id,
                                           kind="account.address_taken")
    assert notice.to_address == "taken@example.org"
    assert site.post("/account/email", data={"email": "new@example.org"}).status_code == 403
    assert [u.email for u in users(db)] == ["taken@example.org", None]


def test_email_form_needs_a_signed_in_user(site: TestClient) -> None:
    response = site.get("/account/email", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account/email"


@pytest.mark.parametrize("verified", [True, False, None],
                         ids=["verified", "unverified", "no-claim"])
def test_a_first_login_with_an_email_in_use_is_refused_not_linked(
        oidc_site: OidcSite, db: Session, verified: bool | None) -> None:
    """Whatever `email_verified` says, a new identity never joins an account found by email.

    (This replaces the test that expected `email_verified: true` to link the existing account:
    that was the pre-account-takeover hole, see test_oidc_linking.py.)
    """
    local = make_user(db, email="Alice@Example.org", display_name="Alice (local)")
    provider = Provider(ProviderConfig(user=ProviderUser(
        sub="alice-7f3a", email="alice@example.org", email_verified=bool(verified),
        name="Alice Moreau")))
    if verified is None:
        provider.config.id_token_overrides = {"email_verified": None}
    site = oidc_site(provider)

    response = sign_in_via_provider(site, provider, next="/account")
    assert response.status_code == 409
    assert "An account with this email already exists" in response.text
    assert "gave us the address <strong>alice@example.org</strong>" in response.text
    assert "Sign in to it with its email address and password." in response.text
    assert "choose “Link Example ID”" in response.text
    assert "Alice (local)" not in response.text
    assert site.get("/account", follow_redirects=False).status_code == 303  # not signed in

    assert [u.id for u in users(db)] == [local.id]  # no second account
    assert identities(db) == [] and count(db, UserSession) == 0
    [failure] = events(db, "login.failed")
    assert failure.subject_user_id == local.id
    assert failure.details["reason"] == "email_in_use" and failure.details["method"] == "oidc"
    assert events(db, "oidc.linked") == [] and len(events(db, "user.created")) == 1


def test_same_email_from_another_sub_is_refused(
        site: TestClient, provider: Provider, db: Session) -> None:
    """The account a first provider login made is not joined by another provider account."""
    sign_in_via_provider(site, provider)
    other_browser = TestClient(site.app)
    provider.config.user = ProviderUser(sub="other-sub", email="alice@example.org",
                                        email_verified=True)
    response = sign_in_via_provider(other_browser, provider)
    assert response.status_code == 409 and "already exists" in response.text

    [first] = users(db)
    assert [(i.subject, i.user_id) for i in identities(db)] == [("alice-7f3a", first.id)]
    assert other_browser.get("/account", follow_redirects=False).status_code == 303
    assert live_sessions(db, first.id) == 1  # only the first browser's


def _refused(site: TestClient, db: Session, response: httpx.Response, *, status: int,
             says: str, reason: str) -> str:
    """The callback showed a readable error page, nobody is signed in, the failure is audited."""
    assert response.status_code == status
    assert says in response.text and "You are not signed in" in response.text
    assert "Traceback" not in response.text
    assert site.get("/account", follow_redirects=False).status_code == 303
    assert count(db, UserSession) == 0
    failure = events(db, "login.failed")[-1]
    assert failure.details["method"] == "oidc" and failure.details["reason"] == reason
    return str(failure.details["detail"])


def test_tampered_id_token_is_refused(site: TestClient, provider: Provider, db: Session) -> None:
    provider.config.tamper_id_token = True
    response = sign_in_via_provider(site, provider)
    detail = _refused(site, db, response, status=401, reason="invalid_id_token",
                      says="The identity token from Example ID could not be verified")
    assert "bad_signature" in detail
    assert users(db) == [] and identities(db) == []


@pytest.mark.parametrize(("overrides", "claim"), [
    ({"nonce": "not-the-nonce-we-sent"}, "nonce"),
    ({"nonce": None}, "nonce"),
    ({"aud": "another-client"}, "aud"),
    ({"aud": ["another-client", "third"]}, "aud"),
    ({"iss": "https://evil.example.test"}, "iss"),
    ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "exp"),
], ids=["wrong-nonce", "no-nonce", "wrong-aud", "aud-list-without-us", "wrong-iss", "expired"])
def test_id_token_with_wrong_claims_is_refused(
        site: TestClient, provider: Provider, db: Session, overrides: dict[str, object],
        claim: str) -> None:
    provider.config.id_token_overrides = overrides
    response = sign_in_via_provider(site, provider)
    detail = _refused(site, db, response, status=401, reason="invalid_id_token",
                      says="could not be verified")
    assert claim in detail
    assert users(db) == []


def test_state_mismatch_or_missing_is_refused_before_the_token_request(
        site: TestClient, provider: Provider, db: Session) -> None:
    callback = at_provider(provider, start(site))
    code = query_of(callback)["code"]
    for params in ({"code": code, "state": "forged"}, {"code": code}):
        response = site.get("/auth/oidc/callback", params=params)
        _refused(site, db, response, status=400, reason="state_mismatch",
                 says="This sign-in has expired or was started in another browser window.")
    # A callback carried to another browser (no flow started there) fails the same way.
    response = TestClient(site.app).get(callback)
    assert response.status_code == 400 and "another browser window" in response.text
    assert provider.token_requests == []
    assert len(events(db, "login.failed")) == 3


def test_callback_cannot_be_replayed(site: TestClient, provider: Provider, db: Session) -> None:
    callback = at_provider(provider, start(site))
    assert site.get(callback, follow_redirects=False).status_code == 303
    replay = site.get(callback)
    assert replay.status_code == 400 and "another browser window" in replay.text
    assert len(users(db)) == 1 and len(provider.token_requests) == 1


def test_injected_code_fails_pkce_at_the_provider(
        site: TestClient, provider: Provider, db: Session) -> None:
    """An attacker pastes a victim's code into their own callback: their verifier does not fit."""
    victim_code = query_of(at_provider(provider, start(site)))["code"]
    attacker = TestClient(site.app)
    attacker_state = query_of(start(attacker))["state"]

    response = attacker.get("/auth/oidc/callback",
                            params={"code": victim_code, "state": attacker_state})
    assert response.status_code == 401
    assert "Example ID refused to complete the sign-in." in response.text
    assert provider.token_requests[-1]["refused"] == "PKCE verification failed"
    assert attacker.get("/account", follow_redirects=False).status_code == 303
    assert users(db) == []
    assert events(db, "login.failed")[-1].details["reason"] == "token_refused"
    assert "invalid_grant" in events(db, "login.failed")[-1].details["detail"]


def test_wrong_client_authentication_method_is_refused(oidc_site: OidcSite, db: Session) -> None:
    provider = Provider(ProviderConfig(token_endpoint_auth_method="client_secret_post",
                                       user=ProviderUser(sub="someone")))
    site = oidc_site(provider, auth_method="client_secret_basic")
    response = sign_in_via_provider(site, provider)
    detail = _refused(site, db, response, status=401, reason="token_refused",
                      says="Example ID refused to complete the sign-in.")
    assert "invalid_client" in detail
    assert provider.token_requests[-1]["refused"] == (
        "client_secret_post is required for this client")


def test_wrong_client_secret_is_refused(oidc_site: OidcSite, provider: Provider,
                                        db: Session) -> None:
    site = oidc_site(provider, client_secret="not-the-secret")
    response = sign_in_via_provider(site, provider)
    _refused(site, db, response, status=401, reason="token_refused", says="refused")
    assert provider.token_requests[-1]["refused"] == "unknown client or wrong secret"


def test_cancelled_at_the_provider(site: TestClient, provider: Provider, db: Session) -> None:
    provider.config.user = None
    response = sign_in_via_provider(site, provider)
    _refused(site, db, response, status=400, reason="cancelled",
             says="Signing in with Example ID was cancelled. Nothing was changed.")
    assert provider.token_requests == []


def test_provider_error_is_shown(site: TestClient, provider: Provider, db: Session) -> None:
    state = query_of(start(site))["state"]
    response = site.get("/auth/oidc/callback", params={
        "error": "temporarily_unavailable", "error_description": "Maintenance", "state": state})
    _refused(site, db, response, status=400, reason="provider_error",
             says="Example ID could not sign you in (temporarily_unavailable).")
    assert "Maintenance" not in response.text
    assert events(db, "login.failed")[-1].details["detail"] == (
        "temporarily_unavailable: Maintenance")


def test_unreachable_provider_shows_a_page(oidc_site: OidcSite, provider: Provider,
                                           db: Session) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    site = oidc_site(provider, transport=httpx.MockTransport(refuse))
    response = site.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 502
    assert "Example ID cannot be reached" in response.text
    [failure] = events(db, "login.failed")
    assert failure.details["reason"] == "provider_unavailable"


def test_discovery_for_another_issuer_is_refused(oidc_site: OidcSite, provider: Provider,
                                                 db: Session) -> None:
    site = oidc_site(provider, issuer="https://login.example.test")
    response = site.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 502
    assert "describes itself as a different issuer" in response.text
    assert provider.authorization_requests == []
    assert events(db, "login.failed")[0].details["reason"] == "issuer_mismatch"


def test_email_from_userinfo_when_not_in_id_token(oidc_site: OidcSite, db: Session) -> None:
    provider = Provider(ProviderConfig(email_in_id_token=False, user=ProviderUser(
        sub="u-1", email="ines@example.org", email_verified=True, name="Inès")))
    site = oidc_site(provider)
    assert sign_in_via_provider(site, provider).headers["location"] == "/"
    [user] = users(db)
    assert (user.email, user.display_name) == ("ines@example.org", "Inès")


def test_disabled_account_cannot_sign_in(site: TestClient, provider: Provider,
                                         db: Session) -> None:
    sign_in_via_provider(site, provider)
    [identity] = identities(db)
    last_login = identity.last_login_at
    user = db.get(User, identity.user_id)
    assert user is not None
    user.is_active = False
    db.commit()
    second = TestClient(site.app)
    response = sign_in_via_provider(second, provider)
    assert response.status_code == 403 and "This account has been disabled." in response.text
    assert second.get("/account", follow_redirects=False).status_code == 303
    assert events(db, "login.failed")[-1].details["reason"] == "account_disabled"
    assert identities(db)[0].last_login_at == last_login  # nothing recorded for a refusal


def test_next_must_be_a_local_path(site: TestClient, provider: Provider) -> None:
    response = sign_in_via_provider(site, provider, next="//evil.example/steal")
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_an_unknown_identity_is_not_found_by_email_alone(db: Session) -> None:
    """A new sub with a known email (verified or not) creates nothing and attaches nothing."""
    from app.accounts.identities import EmailInUse, account_for_login

    local = make_user(db, email="x@example.org")
    for verified in (True, "true", False):
        with pytest.raises(EmailInUse) as refused:
            account_for_login(db, issuer=ISSUER, subject="s-1",
                              claims={"email": "X@example.org", "email_verified": verified})
        assert refused.value.subject_user_id == local.id and refused.value.status_code == 409
    assert db.scalar(select(ExternalIdentity).where(ExternalIdentity.subject == "s-1")) is None
    assert [u.id for u in db.scalars(select(User))] == [local.id]
