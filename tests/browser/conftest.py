"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the live server.

No browser is ever downloaded: `playwright install` is not used. When Chromium is missing the
browser tests fail with a message saying how to install it (scripts/test and .ci/run do).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.config import PROJECT_ROOT, get_settings
from app.db import dispose_engines, session_factory
from tests.live import DEMO_PASSWORD, TEST_SECRET_KEY, LiveServer, live_server, load_demo

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
PASSWORD = "a browser journey passphrase"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed, so the browser journeys cannot run. Install "
                    "Debian's package (apt-get install -y chromium; scripts/test and .ci/run "
                    "do it as root). `playwright install` is not used.", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def live(databases: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = databases.fresh()  # type: ignore[attr-defined]
    try:
        with live_server(url, tmp_path_factory.mktemp("browser-var")) as server:
            yield server
    finally:
        dispose_engines()
        databases.drop(url)  # type: ignore[attr-defined]


def new_context(browser: Browser, live: LiveServer) -> BrowserContext:
    context = browser.new_context(base_url=live.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    context = new_context(browser, live)
    yield context.new_page()
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


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request.node.name.removeprefix("test_").replace("[", "-").rstrip("]"))


def create_user(live: LiveServer, *, email: str, display_name: str, roles: list[Role]) -> User:
    """An account made through the service, straight into the live server's database."""
    with session_factory(live.database_url)() as db:
        user = _create(db, email=email, display_name=display_name, roles=roles)
        db.commit()
        return user


def _create(db: Session, *, email: str, display_name: str, roles: list[Role]) -> User:
    return accounts_service.create_user(db, email=email, password=PASSWORD,
                                        display_name=display_name, roles=roles)


def demo_server(databases: object, var_dir: Path) -> Iterator[LiveServer]:
    """A live server on a fresh database with the demo data (`python -m app load-demo`)."""
    url = databases.fresh()  # type: ignore[attr-defined]
    try:
        with live_server(url, var_dir) as server:
            load_demo(server)
            yield server
    finally:
        dispose_engines()
        databases.drop(url)  # type: ignore[attr-defined]


def sign_in_as(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def demo_person(db: Session, email: str, name: str, roles: list[Role]) -> User:
    """The account with this address (a demo one, say), made with the demo password if new."""
    found = accounts_service.get_by_email(db, email=email)
    return found or accounts_service.create_user(
        db, email=email, password=DEMO_PASSWORD, display_name=name, roles=roles,
        country_code="NPL")


@contextmanager
def on_the_server(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """A session on the live server's database, with the settings the services read there (its
    secret key for entry codes, its upload folder), for arranging data through the services."""
    for name, value in {"DATABASE_URL": live.database_url, "VAR_DIR": str(live.var_dir),
                        "SECRET_KEY": TEST_SECRET_KEY, "ENVIRONMENT": "test"}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with session_factory(live.database_url)() as db:
            yield db
    finally:
        get_settings.cache_clear()
