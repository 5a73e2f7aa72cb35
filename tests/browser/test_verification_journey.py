"""Journey 4, outcome verification, in a real browser on the demo data: judging of a challenge is
over (two entries eligible, one not) and its sponsor has moved it on to verification. The Demo
Verifier, on a phone, hears of it in the inbox, finds it under "Verification", has a value that
is not a number refused next to its field, attests the metered outcome of each shortlisted entry
(one meets the target, one misses it) and corrects one; the entrant hears their outcome was
verified; the sponsor reads the table."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from app import workflow
from app.accounts.models import Role
from app.challenges.enums import ChallengeState
from app.db import utcnow
from app.judging import panel
from app.verification import service as verification  # noqa: F401  (its lifecycle hook tells the verifiers, as in the app)
from tests.browser import server_data
from tests.browser.journey import DOMAIN, Screenshots, Windows, fits_a_phone, nav
from tests.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
TITLE = "Cold rooms for highland markets"
# title -> (entrant, Impact, Affordability): the last misses the minimum overall score
ENTRIES = {"Ice-free cold room": ("Priya Raman", "8", "6"),
           "Evaporative clay chamber": ("Tomas Quispe", "7", "5"),
           "Solar milk chiller": ("Demo Solver", "2", "1")}


def arrange(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> int:
    """Through the services, on the server's database: the demo sponsor's challenge entered while
    it was open (the challenge clock set back 60 days), judged by two demo judges before its
    judging ended (15 days ago), and moved on to verification (which closes 30 days from now)."""
    with server_data.on_the_server(live, monkeypatch) as db:
        sponsor = server_data.demo_sponsor(db)
        judges = [server_data.demo_person(db, f"{local}@{DOMAIN}", local, [Role.JUDGE])
                  for local in ("judge2", "judge3")]
        start = utcnow() - dt.timedelta(days=60)
        challenge, entries = server_data.entered_challenge(
            db, title=TITLE, start=start,
            entrants={title: name for title, (name, _, _) in ENTRIES.items()})
        # Scorecards are refused once judging has ended (day 45): judged the day after closing.
        with server_data.challenge_clock(start + dt.timedelta(days=32)):
            workflow.start_judging(db, challenge=challenge, user=sponsor)
            for judge in judges:
                panel.assign(db, challenge=challenge, user=sponsor, judge_id=judge.id)
                server_data.submit_scorecards(db, challenge=challenge, judge=judge, scores={
                    entries[title].id: (impact, afford)
                    for title, (_, impact, afford) in ENTRIES.items()})
        workflow.start_verification(db, challenge=challenge, user=sponsor)
        assert challenge.state == ChallengeState.VERIFICATION
        db.commit()
        return challenge.id


def attest(page: Page, value: str, evidence: str) -> None:
    form = page.locator("form").filter(has=page.get_by_label("Measured value (tonne-days)"))
    form.get_by_label("Measured value (tonne-days)").fill(value)
    form.get_by_label("Evidence", exact=True).fill(evidence)
    form.get_by_role("button").click()


def test_a_verifier_attests_outcomes_and_the_sponsor_sees_them(
        windows: Windows, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch) -> None:
    challenge_id = arrange(live, monkeypatch)
    verifier = windows.signed_in(f"verifier@{DOMAIN}", phone=True)
    main_nav = nav(verifier)
    main_nav.get_by_role("link", name="Inbox").click()
    expect(verifier.get_by_role("heading", name=f"Outcomes to verify: {TITLE}")).to_be_visible()
    shots(verifier, "the verifier is told verification has started")

    main_nav.get_by_role("link", name="Verification").click()
    expect(verifier.get_by_role("heading", level=1)).to_have_text("Outcome verification")
    verifier.get_by_role("link", name=TITLE).click()
    table = verifier.get_by_role("table", name="Shortlisted entries and their outcomes")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and the two eligible
    expect(table).not_to_contain_text("Solar milk chiller")
    fits_a_phone(verifier)
    shots(verifier, "the shortlist, every outcome pending")

    table.get_by_role("link", name="Ice-free cold room").click()
    expect(verifier.get_by_role("heading", level=1)).to_have_text("Ice-free cold room")
    attest(verifier, "about 600", "Loggers 3 and 4, read on site on 2 March.")
    expect(verifier.locator(".field.has-error .error")).to_contain_text("a number such as 1250.5")
    shots(verifier, "a measurement that is not a number is refused next to its field")
    attest(verifier, "480", "Loggers 3 and 4, read on site on 2 March.")
    expect(verifier.get_by_role("status")).to_contain_text("Your attestation of “Stored produce kept below 8 °C” was recorded.")
    expect(verifier.get_by_text("Status: Not met")).to_be_visible()
    # The second logger's card had not been counted: the verifier corrects the value.
    attest(verifier, "612.5", "Loggers 3 and 4 and the second card of logger 4.")
    expect(verifier.get_by_text("Status: Verified")).to_be_visible()
    expect(verifier.get_by_text("Attested: 612.5 tonne-days")).to_be_visible()
    fits_a_phone(verifier)
    shots(verifier, "an entry verified after a correction")

    verifier.go_back()
    verifier.goto(f"/challenges/{challenge_id}/verification")
    verifier.get_by_role("link", name="Evaporative clay chamber").click()
    attest(verifier, "499.99", "Logger 9, read on site on 3 March.")
    expect(verifier.get_by_text("Status: Not met")).to_be_visible()

    entrant = windows.signed_in(f"priya@{DOMAIN}")
    nav(entrant).get_by_role("link", name="Inbox").click()
    expect(entrant.get_by_role("heading", name="Outcomes verified: Ice-free cold room")
           ).to_be_visible()
    shots(entrant, "the entrant hears the outcome was verified")

    sponsor = windows.signed_in(f"sponsor@{DOMAIN}")
    sponsor.goto(f"/challenges/{challenge_id}")
    sponsor.get_by_role("link", name="Outcome verification").click()
    rows = sponsor.get_by_role("table", name="Shortlisted entries and their outcomes"
                               ).get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Ice-free cold room")
    expect(rows.nth(1)).to_contain_text("612.5")
    expect(rows.nth(1)).to_contain_text("Verified")
    expect(rows.nth(2)).to_contain_text("Not met")
    expect(sponsor.get_by_role("button", name="Attest")).to_have_count(0)
    shots(sponsor, "the sponsor's verification table")
