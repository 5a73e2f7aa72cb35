"""Many solvers use phones: on a 360-pixel-wide screen no page is wider than the screen (a wide
table scrolls inside itself). Real browser, demo data, every main page, signed in as an admin
so the management forms are on the pages too."""

from __future__ import annotations

import pytest

from tests.browser.journey import DOMAIN, PHONE, Screenshots, Windows, page_width

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
PAGES = ["/", "/challenges", "/challenges/1", "/challenges/new", "/challenges/mine", "/inbox",
         "/inventory", "/inventory/technologies", "/inventory/mechanisms/1",
         "/inventory/suggestions", "/inventory/stale", "/gaps", "/coordination", "/needs",
         "/countries/NPL", "/account", "/admin/users", "/admin/challenges/review",
         "/challenges?min_purse=-3", "/teams", "/teams/1", "/challenges/1/submissions",
         "/submissions/1", "/submissions/1/receipts/1"]


def test_no_page_is_wider_than_a_phone(windows: Windows, shots: Screenshots) -> None:
    page = windows.signed_in(f"admin@{DOMAIN}", phone=True)
    too_wide = {}
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        width = page_width(page)
        if width > PHONE["width"]:
            too_wide[path] = width
        shots(page, path.strip("/") or "home")
    assert not too_wide, f"pages wider than a 360-pixel screen: {too_wide}"


def test_the_entry_page_fits_a_phone_submitted_and_as_a_draft(windows: Windows,
                                                              shots: Screenshots) -> None:
    """The demo solver's entry: submitted (receipt), reopened (forms, files with their hashes
    and delete buttons), then submitted again so the demo data is as it was (receipt 2)."""
    page = windows.signed_in(f"solver@{DOMAIN}", phone=True)
    too_wide = {}
    page.goto("/challenges/1/submission")
    for step, button in (("submitted", "Reopen to change it"), ("draft", "Submit entry"),
                         ("submitted-again", None)):
        if page_width(page) > PHONE["width"]:
            too_wide[step] = page_width(page)
        shots(page, f"entry-{step}")
        if button:
            # The form posts and is redirected; measure the page it lands on, not the one
            # being left (mid-navigation the document can be gone).
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()
    assert not too_wide, f"the entry page is wider than a 360-pixel screen: {too_wide}"
