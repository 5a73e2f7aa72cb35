"""Journeys 5 (awards and appeals) and 6 (public results and the 360Giving download) in a real
browser on the demo data.

The Demo Sponsor's challenge has closed verification (one shortlisted entry met its target, the
other missed it by a logger card). The Demo Admin proposes the awards from its page and reads
them; the entrant who missed appeals with the evidence; the Demo Verifier, on a phone, corrects
the entry's outcome while the appeal is open; the admin upholds the appeal and the awards are
recomputed; the entrant reads the decision and the new award.

An appeals window lasts days, which a test cannot wait for: the last step, the admin finalising,
runs on a second challenge of the same sponsor whose awards were proposed (through the services,
the clock set back) fifteen days ago, so its 14-day window is over; before that, the first
challenge's "Finalise" is refused while its window is open."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role
from app.awards import appeals  # noqa: F401  (its lifecycle hooks, as in the app)
from app.awards import service as awards  # noqa: F401
from app.challenges.models import Challenge
from app.db import utcnow
from app.judging import panel
from app.verification import access as verification_access
from app.verification.schemas import AttestationIn
from tests.awards.test_results import validator
from tests.browser import server_data
from tests.browser.journey import DOMAIN, Screenshots, Windows, fits_a_phone, nav
from tests.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
TITLE, FINISHED = "Cold rooms for valley markets", "Cold rooms for river ports"
PUBLISHED = "Cold rooms for lake harbours"
# title -> (entrant, attested tonne-days): the second misses the 500 required
ENTRIES = {"Ice-free cold room": ("Priya Raman", "640"),
           "Evaporative clay chamber": ("Tomas Quispe", "480")}


def _verified(db: Session, title: str, prefix: str, *, propose: bool = False) -> Challenge:
    """Made 120 days ago, entered, judged, verified (as ENTRIES says) and closed 30 days ago."""
    sponsor = server_data.demo_sponsor(db)
    judge = server_data.demo_person(db, f"judge2@{DOMAIN}", "Ana Ferreira", [Role.JUDGE])
    verifier = server_data.demo_person(db, f"verifier@{DOMAIN}", "Demo Verifier", [Role.VERIFIER])
    start = utcnow() - dt.timedelta(days=120)

    def at(days: int) -> AbstractContextManager[object]:
        return server_data.challenge_clock(start + dt.timedelta(days=days))

    challenge, entries = server_data.entered_challenge(
        db, title=title, start=start, email_prefix=prefix,
        entrants={entry_title: name for entry_title, (name, _) in ENTRIES.items()})
    with at(32):
        workflow.start_judging(db, challenge=challenge, user=sponsor)
        panel.assign(db, challenge=challenge, user=sponsor, judge_id=judge.id)
        server_data.submit_scorecards(db, challenge=challenge, judge=judge,
                                      scores={entry.id: ("8", "8") for entry in entries.values()})
        workflow.start_verification(db, challenge=challenge, user=sponsor)
    with at(60):
        seat = verification_access.as_verifier(db, challenge_id=challenge.id, user=verifier)
        for entry_title, (_, value) in ENTRIES.items():
            workflow.attest(db, seat=seat, user=verifier,
                            submission_id=entries[entry_title].id, target_key="cooling",
                            body=AttestationIn(measured_value=Decimal(value),
                                               evidence="Logger cards read on site."))
    with at(91):  # a day after verification closed: the finished one's awards are proposed
        if propose or title in (FINISHED, PUBLISHED):
            workflow.propose_awards(db, challenge=challenge, user=sponsor)
    return challenge


def arrange(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    with server_data.on_the_server(live, monkeypatch) as db:
        current = _verified(db, TITLE, "")
        finished = _verified(db, FINISHED, "port-")
        db.commit()
        return current.id, finished.id


def test_awards_are_proposed_appealed_recomputed_and_finalised(
        windows: Windows, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch) -> None:
    challenge_id, finished_id = arrange(live, monkeypatch)
    admin = windows.signed_in(f"admin@{DOMAIN}")
    admin.goto(f"/challenges/{challenge_id}")
    admin.get_by_role("button", name="Propose awards").click()
    expect(admin.get_by_text("The challenge is now awards proposed")).to_be_visible()
    admin.get_by_role("link", name="Awards", exact=True).click()
    rows = admin.get_by_role("table", name="Awards by entry").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("USD 50,000.00")
    expect(rows.nth(1)).to_contain_text("USD 40,000.00 now, USD 10,000.00 held back")
    expect(rows.nth(2)).to_contain_text("No award")
    expect(admin.get_by_text("Purse USD 100,000.00; awarded USD 50,000.00")).to_be_visible()
    shots(admin, "the proposed awards")
    admin.goto(f"/challenges/{challenge_id}")
    admin.get_by_role("button", name="Finalise").click()
    expect(admin.get_by_role("alert")).to_contain_text("The appeals window is still open.")

    entrant = windows.signed_in(f"tomas@{DOMAIN}")
    nav(entrant).get_by_role("link", name="Inbox").click()
    expect(entrant.get_by_role("heading", name=f"Awards proposed: {TITLE}")).to_be_visible()
    entrant.goto(f"/challenges/{challenge_id}/awards")
    expect(entrant.get_by_text("Purse")).to_have_count(0)
    expect(entrant.get_by_role("table", name="Awards by entry")).not_to_contain_text(
        "Ice-free cold room")
    entrant.get_by_role("button", name="Appeal").click()  # empty: refused next to the field
    expect(entrant.locator(".field.has-error .error")).to_be_visible()
    entrant.get_by_label("Appeal for Evaporative clay chamber").fill(
        "The card of logger 6 was not read: it adds 60 tonne-days (photo sent to the sponsor).")
    entrant.get_by_role("button", name="Appeal").click()
    expect(entrant.get_by_role("status")).to_contain_text("Your appeal was filed")
    shots(entrant, "the entrant's appeal, open")

    verifier = windows.signed_in(f"verifier@{DOMAIN}", phone=True)
    verifier.goto(f"/challenges/{challenge_id}/verification")
    verifier.get_by_role("link", name="Evaporative clay chamber").click()
    verifier.get_by_label("Measured value (tonne-days)").first.fill("540")
    verifier.get_by_label("Evidence", exact=True).first.fill(
        "Logger 6's card read on site after the appeal.")
    verifier.get_by_role("button", name="Correct the attestation").click()
    expect(verifier.get_by_text("Status: Verified")).to_be_visible()
    fits_a_phone(verifier)
    shots(verifier, "an outcome corrected while the appeal is open")

    admin.goto(f"/challenges/{challenge_id}/awards")
    admin.get_by_label("Uphold (recompute the awards)").check()
    admin.get_by_label("Reasons (shown to the entrants)").fill(
        "The verifier read logger 6: the target is met.")
    admin.get_by_role("button", name="Record the decision").click()
    expect(admin.get_by_role("status")).to_contain_text("was upheld; the awards were recomputed")
    # Both entries were judged equal, so once both are verified they tie for 1st and share
    # places 1 and 2 (USD 50,000.00 + USD 30,000.00) equally.
    expect(rows.nth(1)).to_contain_text("USD 40,000.00")
    expect(rows.nth(2)).to_contain_text("USD 40,000.00")
    shots(admin, "the awards after the upheld appeal")

    nav(entrant).get_by_role("link", name="Inbox").click()
    expect(entrant.get_by_role("heading", name=f"Appeal decided: {TITLE}")).to_be_visible()
    expect(entrant.get_by_text("now proposed USD 40,000.00")).to_be_visible()
    shots(entrant, "the entrant reads the decision")

    final = windows.signed_in(f"admin@{DOMAIN}")
    final.goto(f"/challenges/{finished_id}")
    final.get_by_role("button", name="Finalise").click()
    expect(final.get_by_text("The challenge is now final")).to_be_visible()
    final.get_by_role("link", name="Awards", exact=True).click()
    expect(final.get_by_text("Final.")).to_be_visible()
    shots(final, "final awards of a challenge whose appeals window is over")


def test_a_visitor_reads_the_results_and_downloads_the_360giving_data(
        windows: Windows, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Journey 6: an anonymous visitor finds a final challenge, reads who was paid what for
    which verified outcomes, and downloads the awards as 360Giving data, which validates
    against the standard's schema."""
    with server_data.on_the_server(live, monkeypatch) as db:
        challenge = _verified(db, PUBLISHED, "lake-")
        workflow.finalise(db, challenge=challenge, user=server_data.demo_admin(db))
        db.commit()
        challenge_id = challenge.id
    visitor = windows.open()
    visitor.goto(f"/challenges/{challenge_id}")
    visitor.get_by_role("link", name="Results", exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Results")
    rows = visitor.get_by_role("table", name="Awarded entries").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the one entry that met its target
    expect(rows.nth(1)).to_contain_text("Ice-free cold room")
    expect(rows.nth(1)).to_contain_text("640 tonne-days")
    expect(rows.nth(1)).to_contain_text("USD 50,000.00")
    expect(visitor.get_by_role("main")).not_to_contain_text("Evaporative clay chamber")
    shots(visitor, "the public results")
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Download these awards as 360Giving data").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"valleycross-challenge-{challenge_id}-360giving.json"
    document = json.loads(saved.read_text())
    assert [e.message for e in validator().iter_errors(document)] == []
    [grant] = document["grants"]
    assert (grant["title"], grant["amountAwarded"], grant["currency"]) == (
        "Ice-free cold room", 50000, "USD")
