"""A sponsor turns a gap into a challenge and submits it; an admin asks for changes, the sponsor
reads why in the inbox, edits and resubmits, and the admin approves: real browser, demo data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import DOMAIN, Screenshots, Windows

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
TITLE = "Solar pumps for terraced farms"


def fill(page: Page, name: str, value: str) -> None:
    page.locator(f"[id='f-{name}']").fill(value)


def local(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def draft_from_a_gap(page: Page, shots: Screenshots) -> None:
    page.goto("/gaps")
    page.get_by_role("link", name="Start a challenge for this gap").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft a challenge")
    need_ids = page.locator("[id='f-need_ids']").input_value()
    assert re.fullmatch(r"\d+", need_ids), "the gap's need comes along"
    assert page.locator("[id='f-eligibility.scope']").input_value(), "and its country"
    shots(page, "draft prefilled from the gap")
    fill(page, "title", TITLE)
    fill(page, "summary", "Lift water without diesel.")
    fill(page, "description", "Pumps that run on **sunlight** for farms on steep terraces.")
    fill(page, "sponsor_organisation", "Demo Green Fund")
    fill(page, "contact", "prizes@greenfund.example")
    fill(page, "sdg_targets", "7.1, 2.3")
    if page.locator("input[name=sectors]:checked").count() == 0:
        page.locator("input[name=sectors]").first.check()
    if not page.locator("[id='f-stage']").input_value():
        page.locator("[id='f-stage']").select_option(index=1)
    start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(days=7)
    for name, days in (("opens_at", 0), ("submissions_close_at", 60),
                       ("judging_ends_at", 90), ("verification_closes_at", 150)):
        fill(page, f"timeline.{name}", local(start + dt.timedelta(days=days)))
    fill(page, "timeline.appeals_window_days", "14")
    page.locator("input[name='eligibility.solver_kinds'][value=individual]").check()
    page.locator("input[name='eligibility.solver_kinds'][value=team]").check()
    fill(page, "eligibility.team_min", "2")
    fill(page, "eligibility.team_max", "6")
    page.get_by_label("Key of target 1").fill("water")
    page.get_by_label("Metric of target 1").fill("Water lifted per day")
    page.get_by_label("Unit of target 1").fill("m3")
    page.locator("[id='f-targets.0.direction']").select_option("at_least")
    page.get_by_label("Threshold of target 1").fill("20")
    page.get_by_label("Verification of target 1").fill("Flow meters, audited.")
    page.get_by_label("Criterion 1", exact=True).fill("Verified impact")
    page.get_by_label("Weight of criterion 1").fill("3")
    page.locator("[id='f-ip_terms.kind']").select_option("open_licence")
    fill(page, "ip_terms.licence", "CC-BY-4.0")
    fill(page, "prize_rules.purse.currency", "USD")
    fill(page, "prize_rules.purse.amount_minor", "100000")
    page.locator("[id='f-prize_rules.award.type']").select_option("ranked")
    page.get_by_label("Amount for place 1").fill("60000")
    page.get_by_label("Amount for place 2").fill("40000")
    page.get_by_role("button", name="Save draft").click()


def test_a_sponsor_drafts_from_a_gap_and_an_admin_approves_after_changes(
        windows: Windows, shots: Screenshots) -> None:
    sponsor = windows.signed_in(f"sponsor@{DOMAIN}")
    draft_from_a_gap(sponsor, shots)
    expect(sponsor.get_by_role("status")).to_have_text(
        "Draft saved. Submit it for review when it is complete.")
    expect(sponsor.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(sponsor.locator("main")).to_contain_text("USD 100,000.00")
    shots(sponsor, "draft saved")
    sponsor.get_by_role("button", name="Submit for review").click()
    expect(sponsor.get_by_role("status")).to_contain_text(
        "Submit for review: done. The challenge is now in review.")
    challenge_url = sponsor.url
    shots(sponsor, "submitted for review")

    admin = windows.signed_in(f"admin@{DOMAIN}")
    admin.goto("/admin/challenges/review")
    admin.get_by_role("link", name=TITLE).click()
    shots(admin, "admin reviews")
    admin.get_by_label("Reason to request changes").fill(
        "Name the districts where the pilots will run.")
    admin.get_by_role("button", name="Request changes").click()
    expect(admin.get_by_role("status")).to_contain_text("Request changes: done.")
    expect(admin.locator("main")).to_contain_text("Name the districts")  # in the history
    shots(admin, "changes requested")

    sponsor.goto("/challenges/mine")
    sponsor.get_by_role("link", name=re.compile(r"^Inbox \d+ unread$")).click()
    request = sponsor.locator("article", has=sponsor.get_by_role(
        "heading", name=f"new Changes requested: {TITLE}"))
    expect(request).to_contain_text("Name the districts where the pilots will run.")
    shots(sponsor, "inbox with the reviewer's request")
    request.get_by_role("link", name="Open the challenge").click()
    expect(sponsor.locator("main")).to_contain_text(
        "Changes requested: Name the districts where the pilots will run.")
    sponsor.get_by_role("link", name="Edit draft").click()
    fill(sponsor, "summary", "Lift water without diesel in Dolakha and Sindhupalchok.")
    sponsor.get_by_role("button", name="Save draft").click()
    expect(sponsor.locator("main")).to_contain_text("Dolakha and Sindhupalchok")
    sponsor.get_by_role("button", name="Submit for review").click()
    expect(sponsor.get_by_role("status")).to_contain_text("The challenge is now in review.")
    shots(sponsor, "resubmitted after changes")

    admin.goto("/admin/challenges/review")
    admin.get_by_role("link", name=TITLE).click()
    expect(admin.locator("main")).to_contain_text("Dolakha and Sindhupalchok")
    admin.get_by_role("button", name="Approve and publish").click()
    expect(admin.get_by_role("status")).to_contain_text("Approve and publish: done.")
    expect(admin.get_by_role("status")).to_contain_text("published")
    expect(admin.get_by_role("heading", name="Outcome contract")).to_be_visible()  # frozen
    shots(admin, "approved")

    visitor = windows.open()
    visitor.goto(challenge_url)
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(TITLE)
    visitor.goto("/challenges")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    shots(visitor, "public after approval")
