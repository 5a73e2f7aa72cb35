"""Journey 4, outcome verification, in a real browser on the demo data: judging of a challenge is
over (two entries eligible, one not) and its sponsor has moved it on to verification. The Demo
Verifier, on a phone, hears of it in the inbox, finds it under "Verification", has a value that
is not a number refused next to its field, attests the metered outcome of each shortlisted entry
(one meets the target, one misses it) and corrects one; the entrant hears their outcome was
verified; the sponsor reads the table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from unittest import mock

import pytest
from playwright.sync_api import Browser, Page, expect

from app import workflow
from app.accounts.models import Role
from app.challenges import authoring, lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.schemas import ChallengeCreate
from app.config import get_settings
from app.db import utcnow
from app.judging import codes, panel
from app.judging import service as judging
from app.judging.schemas import CriterionScoreIn, ScorecardIn
from app.verification import service as verification  # noqa: F401  (its lifecycle hook tells the verifiers, as in the app)
from tests.browser.conftest import (
    Screenshots,
    demo_person,
    demo_server,
    new_context,
    on_the_server,
    sign_in_as,
)
from tests.challenges.factories import body as challenge_body
from tests.judging.factories import submitted_entry
from tests.live import LiveServer

pytestmark = pytest.mark.browser
DOMAIN = "valleycross.example"
TITLE = "Cold rooms for highland markets"
# title -> (entrant, Impact, Affordability): the last misses the minimum overall score
ENTRIES = {"Ice-free cold room": ("Priya Raman", "8", "6"),
           "Evaporative clay chamber": ("Tomas Quispe", "7", "5"),
           "Solar milk chiller": ("Demo Solver", "2", "1")}


@pytest.fixture(scope="module")
def live(databases: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from demo_server(databases, tmp_path_factory.mktemp("verification-var"))


def arrange(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> int:
    """Through the services, on the server's database: the demo sponsor's challenge entered while
    it was open (the challenge clock set back 60 days), judged by two demo judges, and moved on
    to verification (which closes 30 days from now)."""
    with on_the_server(live, monkeypatch) as db:
        sponsor = demo_person(db, f"sponsor@{DOMAIN}", "Demo Sponsor", [Role.SPONSOR])
        admin = demo_person(db, f"admin@{DOMAIN}", "Demo Admin", [Role.ADMIN])
        judges = [demo_person(db, f"{local}@{DOMAIN}", local, [Role.JUDGE])
                  for local in ("judge2", "judge3")]
        start = utcnow() - dt.timedelta(days=60)
        with mock.patch("app.challenges.clock.now", return_value=start):
            challenge = authoring.create(db, user=sponsor, body=ChallengeCreate.model_validate(
                challenge_body(start=start, title=TITLE)))
            workflow.submit_for_review(db, challenge=challenge, user=sponsor)
            workflow.approve(db, challenge=challenge, user=admin)
        entries = {}
        with mock.patch("app.challenges.clock.now",
                        return_value=start + dt.timedelta(days=2)):
            lifecycle.sync(db, challenge=challenge)
            for title, (name, _, _) in ENTRIES.items():
                entrant = demo_person(db, f"{name.split()[0].lower()}@{DOMAIN}", name,
                                  [Role.SOLVER])
                entries[title] = submitted_entry(db, challenge, entrant, title=title)
        workflow.start_judging(db, challenge=challenge, user=sponsor)
        by_id = codes.codes_for(get_settings().secret_key, challenge.id,
                                [e.id for e in entries.values()])
        for judge in judges:
            panel.assign(db, challenge=challenge, user=sponsor, judge_id=judge.id)
            for title, (_, impact, afford) in ENTRIES.items():
                code = by_id[entries[title].id]
                judging.save(db, challenge=challenge, judge=judge, code=code,
                             body=ScorecardIn(comment="", scores=[
                                 CriterionScoreIn(criterion_id=c.id, score=Decimal(v))
                                 for c, v in zip(challenge.criteria, (impact, afford),
                                                 strict=True)]))
                judging.submit(db, challenge=challenge, judge=judge, code=code)
        workflow.start_verification(db, challenge=challenge, user=sponsor)
        assert challenge.state == ChallengeState.VERIFICATION
        db.commit()
        return challenge.id


def fits_a_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def attest(page: Page, value: str, evidence: str) -> None:
    form = page.locator("form").filter(has=page.get_by_label("Measured value (tonne-days)"))
    form.get_by_label("Measured value (tonne-days)").fill(value)
    form.get_by_label("Evidence", exact=True).fill(evidence)
    form.get_by_role("button").click()


def test_a_verifier_attests_outcomes_and_the_sponsor_sees_them(
        browser: Browser, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch) -> None:
    challenge_id = arrange(live, monkeypatch)
    context = browser.new_context(base_url=live.url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(15_000)
    verifier = context.new_page()
    sign_in_as(verifier, f"verifier@{DOMAIN}")
    main_nav = verifier.get_by_role("navigation", name="Main")
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
    context.close()

    entrant_context = new_context(browser, live)
    entrant = entrant_context.new_page()
    sign_in_as(entrant, f"priya@{DOMAIN}")
    entrant.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(entrant.get_by_role("heading", name="Outcomes verified: Ice-free cold room")
           ).to_be_visible()
    shots(entrant, "the entrant hears the outcome was verified")
    entrant_context.close()

    sponsor_context = new_context(browser, live)
    sponsor = sponsor_context.new_page()
    sign_in_as(sponsor, f"sponsor@{DOMAIN}")
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
    sponsor_context.close()
