"""Many solvers use phones: on a 360-pixel-wide screen no page is wider than the screen (a wide
table scrolls inside itself). Real browser, demo data, every main page, signed in as an admin
so the management forms are on the pages too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Screenshots, demo_server, sign_in_as
from tests.live import LiveServer

pytestmark = pytest.mark.browser
PAGES = ["/", "/challenges", "/challenges/1", "/challenges/new", "/challenges/mine", "/inbox",
         "/inventory", "/inventory/technologies", "/inventory/mechanisms/1",
         "/inventory/suggestions", "/inventory/stale", "/gaps", "/coordination", "/needs",
         "/countries/NPL", "/account", "/admin/users", "/admin/challenges/review",
         "/challenges?min_purse=-3", "/teams", "/teams/1", "/challenges/1/submissions",
         "/submissions/1", "/submissions/1/receipts/1"]


@pytest.fixture(scope="module")
def live(databases: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from demo_server(databases, tmp_path_factory.mktemp("small-var"))


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_no_page_is_wider_than_a_phone(browser: Browser, live: LiveServer,
                                       shots: Screenshots) -> None:
    context = browser.new_context(base_url=live.url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_as(page, "admin@valleycross.example")
    too_wide = {}
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        width = _width(page)
        if width > 360:
            too_wide[path] = width
        shots(page, path.strip("/") or "home")
    context.close()
    assert not too_wide, f"pages wider than a 360-pixel screen: {too_wide}"


def test_the_entry_page_fits_a_phone_submitted_and_as_a_draft(browser: Browser, live: LiveServer,
                                                              shots: Screenshots) -> None:
    """The demo solver's entry: submitted (receipt), reopened (forms, files with their hashes
    and delete buttons), then submitted again so the demo data is as it was (receipt 2)."""
    context = browser.new_context(base_url=live.url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_as(page, "solver@valleycross.example")
    too_wide = {}
    page.goto("/challenges/1/submission")
    for step, button in (("submitted", "Reopen to change it"), ("draft", "Submit entry"),
                         ("submitted-again", None)):
        if _width(page) > 360:
            too_wide[step] = _width(page)
        shots(page, f"entry-{step}")
        if button:
            # The form posts and is redirected; measure the page it lands on, not the one
            # being left (mid-navigation the document can be gone).
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()
    context.close()
    assert not too_wide, f"the entry page is wider than a 360-pixel screen: {too_wide}"
