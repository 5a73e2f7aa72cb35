"""Journey: money after the awards, in a real browser on the demo data. The Demo Sponsor records
a payment of the part due now from the awards page (refused first for more than is payable);
the entrant reads it in the inbox and on their award; an anonymous visitor sees the paid and
held totals and the award ledger's head on the public results page, and the ledger holds."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import workflow
from tests.browser import server_data
from tests.browser.journey import DOMAIN, Screenshots, Windows, fits_a_phone, nav
from tests.browser.test_awards_journey import _verified
from tests.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
TITLE = "Cold rooms for island jetties"


def test_a_sponsor_pays_the_entrant_sees_it_and_the_public_sees_the_totals(
        windows: Windows, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with server_data.on_the_server(live, monkeypatch) as db:
        challenge = _verified(db, TITLE, "pay-", propose=True)
        workflow.finalise(db, challenge=challenge, user=server_data.demo_admin(db))
        db.commit()
        challenge_id = challenge.id

    sponsor = windows.signed_in(f"sponsor@{DOMAIN}")
    sponsor.goto(f"/challenges/{challenge_id}/awards")
    rows = sponsor.get_by_role("table", name="Awards by entry").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Payable")
    expect(rows.nth(1)).to_contain_text("payable USD 40,000.00")
    rows.nth(1).get_by_text("Record a payment").click()
    rows.nth(1).get_by_label("Amount (USD)").fill("40000.01")
    rows.nth(1).get_by_label("Reference (never bank details)").fill("JETTY-2030-01")
    rows.nth(1).get_by_role("button", name="Record the payment").click()
    expect(sponsor.locator(".field.has-error .error")).to_contain_text("at most USD 40,000.00")
    rows.nth(1).get_by_label("Amount (USD)").fill("40000.00")
    rows.nth(1).get_by_label("Method").select_option("mobile_money")
    rows.nth(1).get_by_role("button", name="Record the payment").click()
    expect(sponsor.get_by_role("status")).to_contain_text("The payment was recorded")
    expect(rows.nth(1)).to_contain_text("Paid; holdback held")
    expect(rows.nth(1)).to_contain_text("USD 10,000.00 held until")
    shots(sponsor, "the sponsor recorded a payment")

    entrant = windows.signed_in(f"pay-priya@{DOMAIN}", phone=True)
    nav(entrant).get_by_role("link", name="Inbox").click()
    expect(entrant.get_by_role("heading", name=f"Payment recorded: {TITLE}")).to_be_visible()
    expect(entrant.get_by_text("USD 40,000.00 was paid")).to_be_visible()
    entrant.goto(f"/challenges/{challenge_id}/awards")
    expect(entrant.get_by_role("table", name="Awards by entry")).to_contain_text(
        "JETTY-2030-01")
    fits_a_phone(entrant)
    shots(entrant, "the entrant sees the payment on a phone")

    visitor = windows.open()
    visitor.goto(f"/challenges/{challenge_id}/results")
    expect(visitor.get_by_text("Paid so far USD 40,000.00")).to_be_visible()
    head = visitor.locator("code.hash").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", head)
    shots(visitor, "the public results with paid totals and the ledger head")
    visitor.get_by_role("link", name="This challenge's ledger entries").click()
    expect(visitor.get_by_role("status")).to_contain_text("The chain holds")
    expect(visitor.get_by_role("table", name="Ledger entries")).to_contain_text(
        "payment recorded")
    shots(visitor, "the public ledger of the challenge")
