"""Strict-Transport-Security on every answer over https (the request's scheme, as a trusted
proxy tells it, or a site whose BASE_URL is https), never on a plain-http site."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

HSTS = "max-age=31536000; includeSubDomains"
PATHS = ["/", "/api/v1/challenges", "/no-such-page", "/static/style.css"]


@pytest.mark.parametrize("path", PATHS)
def test_a_plain_http_site_sends_no_hsts(app: FastAPI, path: str) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("path", PATHS)
def test_a_request_over_https_gets_hsts(app: FastAPI, path: str) -> None:
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        response = client.get(path)
    assert response.headers["strict-transport-security"] == HSTS


def test_an_https_site_sends_hsts_even_where_its_proxy_speaks_http(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://prizes.example.org")
    https_site = create_app(Settings())
    with TestClient(https_site) as client:
        response = client.get("/")
    assert response.headers["strict-transport-security"] == HSTS


def test_the_scheme_comes_from_a_trusted_proxy_only(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """X-Forwarded-Proto counts from the proxies in TRUSTED_PROXIES, from nobody else."""
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.5")
    proxied = create_app(Settings())
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    with TestClient(proxied, client=("10.0.0.5", 50000)) as proxy:
        assert proxy.get("/", headers=forwarded).headers["strict-transport-security"] == HSTS
        assert "strict-transport-security" not in proxy.get("/").headers
    with TestClient(proxied, client=("10.0.0.6", 50000)) as stranger:
        assert "strict-transport-security" not in stranger.get("/", headers=forwarded).headers
