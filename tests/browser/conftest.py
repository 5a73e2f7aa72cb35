"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the live server.

No browser is ever downloaded: `playwright install` is not used. When Chromium is missing the
browser tests fail with a message saying how to install it (scripts/test and .ci/run do).

Each journey module gets a live server of its own (`live`), on a fresh database, with the demo
data when the module is marked `demo_data`; a test opens its windows with `windows` (or takes the
one `page`) and saves its screenshots with `shots`. The helpers are in journey.py and
server_data.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.journey import Screenshots, Windows
from tests.browser.server_data import fresh_database
from tests.db_setup import PostgresDatabases, SQLiteDatabases
from tests.live import LiveServer, live_server, load_demo

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "demo_data: the module's live server has the demo data (python -m app load-demo)")


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
def live(request: pytest.FixtureRequest, databases: SQLiteDatabases | PostgresDatabases,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served for one module's journeys, on a database of its own: the journeys of a
    module share what they make, never another module's."""
    module = request.module.__name__.rpartition(".")[2]
    with fresh_database(databases) as url, \
            live_server(url, tmp_path_factory.mktemp(f"{module}-var")) as server:
        if request.node.get_closest_marker("demo_data"):
            load_demo(server)
        yield server


@pytest.fixture
def windows(browser: Browser, live: LiveServer) -> Iterator[Windows]:
    opened = Windows(browser, live)
    yield opened
    opened.close()


@pytest.fixture
def page(windows: Windows) -> Page:
    """One desktop window, signed out."""
    return windows.open()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request.node.name.removeprefix("test_").replace("[", "-").rstrip("]"))
