"""Forming a team and joining one, in a real browser against the real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from app.accounts.models import Role
from tests.browser.conftest import PASSWORD, Screenshots, create_user, new_context, sign_in_as
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_a_lead_forms_a_team_and_an_invitee_joins_it(browser: Browser, live: LiveServer,
                                                     shots: Screenshots) -> None:
    create_user(live, email="asha@example.org", display_name="Asha Gurung", roles=[Role.SOLVER])
    create_user(live, email="bo@example.org", display_name="Bo Tuilagi", roles=[Role.SOLVER])
    lead = new_context(browser, live).new_page()
    sign_in_as(lead, "asha@example.org", PASSWORD)
    lead.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Your teams")
    lead.get_by_label("Team name").fill("Kathmandu Cold Chain")
    lead.get_by_role("button", name="Form the team").click()
    expect(lead).to_have_url(re.compile(r"/teams/\d+$"))
    expect(lead.get_by_role("status")).to_contain_text("Team “Kathmandu Cold Chain” formed.")
    lead.get_by_label("Invite by email address").fill("not an address")
    lead.get_by_role("button", name="Invite", exact=True).click()
    expect(lead.locator("#e-email")).to_be_visible()  # the error stands next to the field
    shots(lead, "an invalid address")
    lead.get_by_label("Invite by email address").fill("Bo@Example.org")
    lead.get_by_role("button", name="Invite", exact=True).click()
    expect(lead.get_by_role("status")).to_contain_text("Invitation to bo@example.org recorded")
    shots(lead, "team with a pending invitation")
    team_url = lead.url

    invitee = new_context(browser, live).new_page()
    sign_in_as(invitee, "bo@example.org", PASSWORD)
    invitee.goto("/teams")
    invitation = invitee.locator("li", has_text="Kathmandu Cold Chain")
    expect(invitation).to_contain_text("from Asha Gurung")
    shots(invitee, "an invitation waiting")
    invitation.get_by_role("button", name="Accept").click()
    expect(invitee.get_by_role("status")).to_contain_text("You joined team “Kathmandu Cold Chain”.")
    expect(invitee.get_by_role("button", name="Leave the team")).to_be_visible()

    lead.goto(team_url)
    expect(lead.get_by_role("heading", name="Members (2)")).to_be_visible()
    expect(lead.get_by_role("button", name="Remove Bo Tuilagi")).to_be_visible()
    shots(lead, "the team with its new member")
    lead.goto("/inbox")
    expect(lead.get_by_role("heading", name="Bo Tuilagi joined team “Kathmandu Cold Chain”")
           ).to_be_visible()
