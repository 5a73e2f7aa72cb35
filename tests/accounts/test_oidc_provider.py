"""The local test provider refuses what a real one refuses (so the app's tests mean something)."""

import base64

from fastapi.testclient import TestClient

from tests.accounts.oidc_helpers import query_of
from tests.oidc_provider import Provider, ProviderConfig, ProviderUser, s256

VERIFIER = "v" * 50
CALLBACK = "http://testserver/auth/oidc/callback"


def _authorize(provider: Provider, **overrides: str) -> TestClient:
    browser = TestClient(provider.app)
    params = {"response_type": "code", "client_id": provider.config.client_id,
              "redirect_uri": CALLBACK, "scope": "openid", "state": "st", "nonce": "n",
              "code_challenge": s256(VERIFIER), "code_challenge_method": "S256", **overrides}
    return browser.get("/authorize", params=params, follow_redirects=False)


def _basic(provider: Provider) -> dict[str, str]:
    raw = f"{provider.config.client_id}:{provider.config.client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def test_unregistered_redirect_uri_is_not_redirected_to() -> None:
    provider = Provider(ProviderConfig(user=ProviderUser(sub="a")))
    response = _authorize(provider, redirect_uri="https://evil.example/cb")
    assert response.status_code == 400 and "not registered" in response.text


def test_plain_pkce_is_refused() -> None:
    provider = Provider(ProviderConfig(user=ProviderUser(sub="a")))
    response = _authorize(provider, code_challenge_method="plain")
    assert response.status_code == 302
    assert query_of(response.headers["location"]) == {
        "error": "invalid_request", "error_description": "PKCE with S256 is required",
        "state": "st"}


def test_code_needs_the_right_verifier_and_works_once() -> None:
    provider = Provider(ProviderConfig(user=ProviderUser(sub="a")))
    token = TestClient(provider.app)
    code = query_of(_authorize(provider).headers["location"])["code"]
    wrong = token.post("/token", headers=_basic(provider), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "code_verifier": "w" * 50})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert wrong.json()["error_description"] == "PKCE verification failed"

    code = query_of(_authorize(provider).headers["location"])["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "code_verifier": VERIFIER}
    ok = token.post("/token", headers=_basic(provider), data=form)
    assert ok.status_code == 200 and ok.json()["id_token"].count(".") == 2
    again = token.post("/token", headers=_basic(provider), data=form)
    assert again.json()["error_description"] == "unknown or already used code"


def test_client_must_use_its_registered_authentication_method() -> None:
    provider = Provider(ProviderConfig(user=ProviderUser(sub="a")))
    code = query_of(_authorize(provider).headers["location"])["code"]
    response = TestClient(provider.app).post("/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "code_verifier": VERIFIER, "client_id": provider.config.client_id,
        "client_secret": provider.config.client_secret})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert "client_secret_post is not allowed" in response.json()["error_description"]
