"""The inventory and the gaps, in a real browser, on a server loaded with the demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import DOMAIN, Screenshots, Windows, nav

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def results_count(page: Page) -> int:
    heading = page.locator("#results-heading").inner_text()
    match = re.match(r"(\d+) ", heading)
    assert match, heading
    return int(match.group(1))


def test_a_visitor_searches_and_filters_the_inventory(page: Page, shots: Screenshots) -> None:
    page.goto("/")
    nav(page).get_by_role("link", name="Inventory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Technology facilitation mechanisms")
    everything = results_count(page)
    assert everything > 5, "the demo inventory is loaded"
    shots(page, "inventory")

    page.get_by_label("Search mechanisms").fill("technology")
    page.get_by_role("button", name="Apply").first.click()
    expect(page.locator("#results-heading")).to_contain_text("matching “technology”")
    found = results_count(page)
    assert 0 < found <= everything
    shots(page, "search results")

    facet = page.locator("form.facets fieldset").first
    option = facet.locator("label").first
    expected = int(option.locator(".count").inner_text())
    value = option.locator("span").first.inner_text()
    option.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Apply").first.click()
    assert results_count(page) == expected, "a facet's number is what ticking it shows"
    expect(page.locator("form.facets fieldset").first.get_by_label(value)).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]q=technology"))
    shots(page, "filtered by a facet")


def test_a_solver_suggests_an_edit_and_a_curator_applies_it(windows: Windows,
                                                            shots: Screenshots) -> None:
    solver = windows.signed_in(f"solver@{DOMAIN}")
    solver.goto("/inventory?sort=name")
    first = solver.locator("ol.results h3 a").first
    name = first.inner_text().strip()
    first.click()
    expect(solver.get_by_role("heading", level=1)).to_contain_text(name)
    solver.get_by_role("link", name="Suggest an edit").click()
    solver.get_by_label("Acronym").fill("VXPROOF")
    solver.get_by_label("Comment for the curators (optional)").fill("From its 2025 report.")
    shots(solver, "solver suggests an acronym")
    solver.get_by_role("button", name="Send suggestion").click()
    expect(solver.get_by_role("status")).to_have_text(
        "Thank you: a curator will review your suggestion.")
    expect(solver.locator("body")).not_to_contain_text("VXPROOF")  # nothing changed yet

    curator = windows.signed_in(f"curator@{DOMAIN}")
    curator.goto("/inventory/suggestions")
    expect(curator.get_by_role("heading", level=1)).to_have_text("Moderation queue (1)")
    expect(curator.locator("main")).to_contain_text("VXPROOF")  # the proposed value
    apply = curator.get_by_role("button", name=re.compile(r"Apply suggestion #\d+"))
    expect(apply).to_have_count(1)
    shots(curator, "moderation queue")
    number = re.search(r"#(\d+)", apply.inner_text()).group(1)  # type: ignore[union-attr]
    apply.click()
    expect(curator.get_by_role("status")).to_have_text(
        f"Suggestion #{number} was applied to {name}.")
    shots(curator, "suggestion applied")

    solver.reload()
    expect(solver.locator("main")).to_contain_text("VXPROOF")
    shots(solver, "the record shows the change")


def test_the_gaps_page_ranks_gaps_and_draws_the_heatmap(page: Page, shots: Screenshots) -> None:
    page.goto("/")
    nav(page).get_by_role("link", name="Gaps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Technology gaps")
    expect(page.get_by_role("heading", name="Where the gaps are: sector × stage")).to_be_visible()
    heatmap = page.locator("main svg").first
    expect(heatmap).to_be_visible()
    assert heatmap.locator("rect").count() > 4, "the heatmap has cells"
    expect(page.locator("#matrix-table caption")).to_contain_text("the heatmap's numbers")
    ranked = page.get_by_role("heading", name=re.compile(r"Ranked gaps"))
    total = int(re.search(r"\((\d+)\)", ranked.inner_text()).group(1))  # type: ignore[union-attr]
    assert total > 0
    rows = page.locator("table").filter(has=page.get_by_role("columnheader", name="Rank"))
    expect(rows.locator("tbody tr").first).to_be_visible()
    shots(page, "gaps and heatmap")
