from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings, get_settings
from tests.oidc_provider import Provider, ProviderConfig, ProviderUser

OidcSite = Callable[..., TestClient]


@pytest.fixture
def provider() -> Provider:
    """A provider where Alice, with a verified email, signs in."""
    return Provider(ProviderConfig(user=ProviderUser(
        sub="alice-7f3a", email="alice@example.org", email_verified=True, name="Alice Moreau")))


@pytest.fixture
def oidc_site(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcSite]:
    """Build the app configured for a provider, reached through httpx.ASGITransport (no network)."""
    opened: list[TestClient] = []

    def make(provider: Provider, *, scopes: str = "openid email profile",
             auth_method: str = "client_secret_basic", issuer: str | None = None,
             client_id: str | None = None, client_secret: str | None = None,
             transport: httpx.AsyncBaseTransport | None = None) -> TestClient:
        from app.main import create_app

        config = provider.config
        for name, value in {
            "BASE_URL": "http://testserver",
            "OIDC_ISSUER": issuer or config.issuer,
            "OIDC_CLIENT_ID": client_id or config.client_id,
            "OIDC_CLIENT_SECRET": client_secret or config.client_secret,
            "OIDC_SCOPES": scopes,
            "OIDC_TOKEN_ENDPOINT_AUTH_METHOD": auth_method,
            "OIDC_DISPLAY_NAME": "Example ID",
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        app = create_app(get_settings(),
                         oidc_transport=transport or httpx.ASGITransport(app=provider.app))
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def site(oidc_site: OidcSite, provider: Provider) -> TestClient:
    """The app configured for `provider` with client_secret_basic and scopes openid email profile."""
    return oidc_site(provider)
