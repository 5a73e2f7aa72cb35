"""What every browser journey does the same way: its windows (a browser context each, on a desktop
or a phone), signing up, in and out through the forms, the main navigation, full-page screenshots.

The fixtures that hand these out (`windows`, `page`, `shots`, `live`) are in conftest.py; the
people and data a journey arranges on the server are in server_data.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.db import session_factory
from app.kit import links
from app.notifications.models import OutboxMessage
from tests.live import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, LiveServer

DESKTOP = ViewportSize(width=1200, height=900)
PHONE = ViewportSize(width=360, height=740)  # the narrowest screen many solvers have
PASSWORD = "a browser journey passphrase"  # of the accounts journeys make (not the demo ones)
DOMAIN = DEMO_ADMIN_EMAIL.split("@", 1)[1]  # of the demo accounts: f"sponsor@{DOMAIN}"
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"


class Windows:
    """Browser windows on the live server, all closed when the test ends. Each is a context of
    its own (its own cookies), so each person in a journey is signed in on their own."""

    def __init__(self, browser: Browser, live: LiveServer) -> None:
        self.browser = browser
        self.live = live
        self.contexts: list[BrowserContext] = []

    def open(self, *, phone: bool = False, locale: str | None = None) -> Page:
        """A new window, signed out; `locale` sets the browser's Accept-Language."""
        context = self.browser.new_context(base_url=self.live.url, locale=locale,
                                           viewport=PHONE if phone else DESKTOP)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def signed_in(self, email: str, password: str = DEMO_PASSWORD, *,
                  phone: bool = False) -> Page:
        """A new window, signed in through the form (a demo account unless told the password)."""
        page = self.open(phone=phone)
        sign_in_as(page, email, password)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


class Screenshots:
    """Full-page screenshots at artifacts/screenshots/<journey>/<NN>-<step>.png."""

    def __init__(self, journey: str) -> None:
        self.folder = SCREENSHOTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def nav(page: Page) -> Locator:
    """The main navigation in the page's header."""
    return page.get_by_role("navigation", name="Main")


def send_sign_in_form(page: Page, email: str, password: str) -> None:
    """Fill in the sign-in form the page shows and send it (it may be refused)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_as(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form on /login; the journey goes on signed in."""
    page.goto("/login")
    send_sign_in_form(page, email, password)
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(nav(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def emailed_link(live: LiveServer, *, to: str, kind: str) -> str:
    """The path of the newest link of `kind` ("mail.verify_email", ...) that the live server
    queued for the address `to`, read from its outbox (the mailbox of a journey that runs no
    mail server)."""
    with session_factory(live.database_url)() as db:
        body = db.scalars(select(OutboxMessage.body).where(
            OutboxMessage.to_address == to, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id.desc())).first()
    assert body, f"no {kind} mail to {to}"
    # Stored with site links; delivery makes them absolute on the BASE_URL of its moment.
    body = links.absolute(body, live.url)
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def sign_up(page: Page, *, live: LiveServer, email: str, name: str, country: str,
            shots: Screenshots | None = None) -> None:
    """Sign up as a solver from the navigation's link, with PASSWORD, confirm the address with
    the link emailed to it and sign in; lands on the account page. With `shots`, the empty form
    is a screenshot."""
    page.goto("/")
    nav(page).get_by_role("link", name="Sign up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up as a solver")
    if shots:
        shots(page, "sign-up form")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Name shown to others").fill(name)
    page.get_by_label("Country (ISO 3166-1 alpha-3, e.g. NPL)").fill(country)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(emailed_link(live, to=email, kind="mail.verify_email"))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed.")
    send_sign_in_form(page, email, PASSWORD)
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    page.goto("/account")
    expect(page.get_by_label("Country (ISO 3166-1 alpha-3)")).to_have_value(country)


def page_width(page: Page) -> int:
    """How wide the page is drawn: wider than the window means it scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def fits_a_phone(page: Page) -> None:
    assert page_width(page) <= PHONE["width"], page.url
