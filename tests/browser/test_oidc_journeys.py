"""Signing in with OpenID Connect in a real browser: the live app and the test provider
(`python -m tests.oidc_provider`, with its consent form) each run as a server on 127.0.0.1."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.config import PROJECT_ROOT
from tests.browser.journey import (
    PASSWORD,
    Screenshots,
    emailed_link,
    nav,
    sign_in_as,
    sign_out,
)
from tests.browser.server_data import create_user, fresh_database
from tests.db_setup import PostgresDatabases, SQLiteDatabases
from tests.live import LiveServer, free_port

pytestmark = pytest.mark.browser
PROVIDER_NAME = "Example ID"


@pytest.fixture(scope="module")
def live(databases: SQLiteDatabases | PostgresDatabases,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The live app with OpenID Connect pointing at the test provider (overrides conftest's)."""
    provider_url = f"http://127.0.0.1:{free_port()}"
    with fresh_database(databases) as url:
        server = LiveServer(url, tmp_path_factory.mktemp("oidc-var"), {
            "OIDC_ISSUER": provider_url, "OIDC_CLIENT_ID": "valleycross-dev",
            "OIDC_CLIENT_SECRET": "dev-secret", "OIDC_DISPLAY_NAME": PROVIDER_NAME})
        # The provider redirects to the app, so it starts knowing the app's address.
        provider = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", "--port",
             provider_url.rsplit(":", 1)[1], "--client-id", "valleycross-dev",
             "--client-secret", "dev-secret",
             "--redirect-uri", f"{server.url}/auth/oidc/callback"],
            cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(f"{provider_url}/.well-known/openid-configuration", provider)
            server.start()
            yield server
        finally:
            server.stop()
            provider.terminate()
            provider.wait(timeout=10)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        assert process.poll() is None, "the test OpenID provider exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the test OpenID provider did not answer at {url}")


def at_provider(page: Page, shots: Screenshots, *, sub: str, email: str, name: str,
                verified: bool = True) -> None:
    """Start from the sign-in page and say who we are at the provider."""
    page.goto("/login")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    consent(page, shots, sub=sub, email=email, name=name, verified=verified)


def consent(page: Page, shots: Screenshots, *, sub: str, email: str, name: str,
            verified: bool = True) -> None:
    """On the provider's consent form: say who we are and approve."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Test OpenID Provider")
    page.get_by_role("textbox", name="Subject").fill(sub)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("checkbox", name="email_verified").set_checked(verified)
    page.get_by_role("textbox", name="Name").fill(name)
    shots(page, f"provider consent for {sub}")
    page.get_by_role("button", name="Sign in").click()


def test_a_newcomer_signs_in_with_the_provider_and_comes_back(page: Page,
                                                              shots: Screenshots) -> None:
    at_provider(page, shots, sub="ana-7", email="ana@example.org", name="Ana Lima")
    expect(page.get_by_role("status")).to_have_text(
        "Welcome, Ana Lima. Your solver account is ready.")
    expect(nav(page).get_by_role("link", name="Ana Lima")).to_be_visible()
    shots(page, "signed in as a new solver")
    page.goto("/account")
    expect(page.get_by_label("Email")).to_have_value("ana@example.org")
    expect(page.locator("p", has_text="Roles:")).to_contain_text("solver")
    sign_out(page)

    at_provider(page, shots, sub="ana-7", email="ana@example.org", name="Ana Lima")
    expect(nav(page).get_by_role("link", name="Ana Lima")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)  # no second welcome: same account
    shots(page, "signed in again")


def test_a_provider_without_email_leads_to_the_email_question(page: Page, shots: Screenshots,
                                                              live: LiveServer) -> None:
    at_provider(page, shots, sub="orcid-0000-0002", email="", name="Ravi Iyer")
    expect(page).to_have_url(re.compile(r"/account/email$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address")
    expect(page.get_by_text(f"{PROVIDER_NAME} does not share your email address")).to_be_visible()
    shots(page, "asked for an email")
    page.get_by_label("Email").fill("ravi@example.org")
    page.get_by_role("button", name="Save email address").click()
    # The address becomes the account's when the link mailed to it is followed.
    expect(page.get_by_role("status")).to_contain_text("We sent a link to ravi@example.org")
    page.goto(emailed_link(live, to="ravi@example.org", kind="mail.verify_email"))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status")).to_have_text("Your email address is confirmed.")
    expect(page.get_by_label("Email", exact=True)).to_have_value("ravi@example.org")
    shots(page, "email saved")


def test_a_verified_email_of_an_existing_account_is_refused_not_joined(
        page: Page, live: LiveServer, shots: Screenshots) -> None:
    """Whoever registered the address first must not receive the provider's user."""
    create_user(live, email="kofi@example.org", display_name="Kofi Mensah",
                roles=[Role.SPONSOR])
    at_provider(page, shots, sub="kofi-1", email="kofi@example.org", name="K. M.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "An account with this email already exists")
    expect(page.get_by_role("alert")).to_contain_text("kofi@example.org")
    expect(page.get_by_text(f"choose “Link {PROVIDER_NAME}”")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)  # nobody signed in
    shots(page, "refused: the email belongs to an account")


def test_link_the_provider_from_the_account_page_and_sign_in_with_it(
        page: Page, live: LiveServer, shots: Screenshots) -> None:
    create_user(live, email="amina@example.org", display_name="Amina Diallo",
                roles=[Role.SPONSOR])
    sign_in_as(page, "amina@example.org", PASSWORD)
    page.goto("/account")
    providers = page.get_by_role("region", name="Sign-in providers")
    expect(providers).to_contain_text("No provider is linked to this account.")
    shots(page, "account page before linking")

    providers.get_by_role("button", name=f"Link {PROVIDER_NAME}").click()
    consent(page, shots, sub="amina-42", email="amina@example.org", name="Amina D.")
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("status")).to_have_text(
        f"Your {PROVIDER_NAME} login is now linked to this account. You can sign in with it "
        "from now on.")
    expect(providers.get_by_role("cell").first).to_contain_text(PROVIDER_NAME)
    expect(providers).to_contain_text("as amina@example.org")
    expect(providers.get_by_role("button", name=re.compile(r"^Unlink"))).to_have_count(1)
    shots(page, "provider linked")

    sign_out(page)
    at_provider(page, shots, sub="amina-42", email="amina@example.org", name="Amina D.")
    expect(nav(page).get_by_role("link", name="Amina Diallo")).to_be_visible()
    page.goto("/account")
    expect(page.locator("p", has_text="Roles:")).to_contain_text("sponsor")
    expect(page.get_by_label("Email")).to_have_value("amina@example.org")
    expect(providers).not_to_contain_text("not yet")  # last used: just now
    shots(page, "signed in with the provider into the same account")


def test_cancelling_at_the_provider_signs_nobody_in(page: Page, shots: Screenshots) -> None:
    page.goto("/login")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
    expect(page.get_by_role("alert")).to_contain_text("was cancelled. Nothing was changed.")
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Sign in", exact=True)).to_be_visible()
    shots(page, "cancelled")
