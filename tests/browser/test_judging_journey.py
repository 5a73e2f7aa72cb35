"""Blind judging in a real browser, on the demo data: the sponsor puts three judges on the panel;
each judge signs in, finds the challenge under "Judging", scores every entry by its code (one on
a phone, one recusing from an entry) and submits; the sponsor follows the progress, moves the
challenge on to verification and reads the normalised results."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from app import workflow
from app.accounts.models import Role
from app.challenges.enums import ChallengeState
from app.db import utcnow
from tests.browser import server_data
from tests.browser.journey import DOMAIN, Screenshots, Windows, fits_a_phone, nav
from tests.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
TITLE = "Cold chains for mountain markets"
ENTRIES = {"Ice-free cold room": "Priya Raman", "Evaporative clay chamber": "Tomas Quispe",
           "Solar milk chiller": "Demo Solver"}
JUDGES = {f"judge@{DOMAIN}": "Demo Judge", f"judge2@{DOMAIN}": "Ana Ferreira",
          f"judge3@{DOMAIN}": "Kwame Mensah"}
# judge -> entry title -> (impact, affordability); None: recuses from it
SCORES: dict[str, dict[str, tuple[str, str] | None]] = {
    f"judge@{DOMAIN}": {"Ice-free cold room": ("8", "6.5"),
                        "Evaporative clay chamber": ("6", "9"),
                        "Solar milk chiller": ("7.5", "3")},
    f"judge2@{DOMAIN}": {"Ice-free cold room": ("5", "4"),
                         "Evaporative clay chamber": ("4.5", "6"),
                         "Solar milk chiller": ("3", "1")},
    f"judge3@{DOMAIN}": {"Ice-free cold room": ("9", "8"),
                         "Evaporative clay chamber": None,
                         "Solar milk chiller": ("6", "2.5")},
}


def arrange(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> int:
    """Through the services, on the server's database and upload folder: the demo sponsor's
    challenge, entered by three solvers while it was open (the challenge clock set back) and
    closed by the real clock, in judging; two more judges besides the demo one."""
    with server_data.on_the_server(live, monkeypatch) as db:
        for email, name in JUDGES.items():
            server_data.demo_person(db, email, name, [Role.JUDGE])
        challenge, _ = server_data.entered_challenge(
            db, title=TITLE, start=utcnow() - dt.timedelta(days=40), entrants=ENTRIES,
            summary=lambda title: f"**{title}** for markets above 2,000 m.")
        workflow.start_judging(db, challenge=challenge, user=server_data.demo_sponsor(db))
        assert challenge.state == ChallengeState.JUDGING
        db.commit()
        return challenge.id


def no_identity_on(page: Page) -> None:
    text = page.locator("main").inner_text()
    for name in ENTRIES.values():
        assert name not in text
    assert "proposal" not in text and DOMAIN not in text


def score_everything(page: Page, shots: Screenshots, email: str, challenge_id: int,
                     first: bool) -> None:
    nav(page).get_by_role("link", name="Judging").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Judging")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name="Entries to score")).to_be_visible()
    no_identity_on(page)
    if first:
        shots(page, "a judge's entries, by code only")
    for title, scores in SCORES[email].items():
        page.goto(f"/challenges/{challenge_id}/judging")
        row = page.get_by_role("row").filter(has_text=title)
        code = row.get_by_role("link").inner_text()
        assert re.fullmatch(r"E-[0-9A-F]{6}", code), code
        row.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(code)
        no_identity_on(page)
        expect(page.get_by_role("link", name=f"{code}-1.pdf")).to_be_visible()
        if scores is None:
            page.get_by_role("button", name=f"Recuse myself from {code}").click()
            expect(page.get_by_text(f"You recused yourself from {code}")).to_be_visible()
            continue
        impact, afford = scores
        if first and title == "Ice-free cold room":
            page.get_by_label("Impact").fill("7.55")  # one decimal place at most
            page.get_by_role("button", name="Save draft").click()
            expect(page.locator(".field.has-error .error")).to_contain_text(
                "at most one decimal place")
            shots(page, "a score with two decimals is refused next to its field")
            fits_a_phone(page)
        page.get_by_label("Impact").fill(impact)
        page.get_by_label("Affordability").fill(afford)
        page.get_by_label("Comment (optional)").fill("Clear evidence from the pilot.")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text(f"Draft scorecard for {code} saved.")).to_be_visible()
        if first and title == "Ice-free cold room":
            shots(page, "a draft scorecard")
            fits_a_phone(page)
        page.get_by_role("button", name="Submit scorecard").click()
        expect(page.get_by_text(f"Scorecard for {code} submitted.")).to_be_visible()
    expected = sum(1 for s in SCORES[email].values() if s is not None)
    expect(page.get_by_text(f"{expected} of {expected} scorecards submitted.")).to_be_visible()
    if first:
        shots(page, "every scorecard submitted")
        fits_a_phone(page)


def test_three_judges_score_blind_and_the_sponsor_reads_the_results(
        windows: Windows, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch) -> None:
    challenge_id = arrange(live, monkeypatch)

    sponsor = windows.signed_in(f"sponsor@{DOMAIN}")
    sponsor.goto(f"/challenges/{challenge_id}")
    sponsor.get_by_role("link", name="Judging", exact=True).last.click()
    expect(sponsor.get_by_role("heading", name="Panel")).to_be_visible()
    shots(sponsor, "the sponsor's empty panel")
    for name in JUDGES.values():
        sponsor.get_by_label("Add a judge").select_option(label=name)
        sponsor.get_by_role("button", name="Add to the panel").click()
        expect(sponsor.get_by_text("The judge was added to the panel")).to_be_visible()
    expect(sponsor.get_by_role("button", name="Remove Kwame Mensah")).to_be_visible()
    shots(sponsor, "three judges on the panel")

    for i, email in enumerate(JUDGES):
        phone = i == 0  # the first judge scores on a 360-pixel phone
        score_everything(windows.signed_in(email, phone=phone), shots, email, challenge_id,
                         first=phone)

    sponsor.goto(f"/challenges/{challenge_id}/judging")
    progress = sponsor.get_by_role("table", name="Judges and their progress")
    expect(progress.get_by_role("row").filter(has_text="Kwame Mensah")).to_contain_text("2 of 2")
    expect(progress.get_by_role("row").filter(has_text="Ana Ferreira")).to_contain_text("3 of 3")
    assert not re.search(r"\b[0-9]\.[0-9]\b", progress.inner_text()), "no score is shown"
    shots(sponsor, "progress while judging goes on")
    sponsor.goto(f"/challenges/{challenge_id}")
    sponsor.get_by_role("button", name="Start verification").click()
    expect(sponsor.get_by_text("The challenge is now verification")).to_be_visible()
    sponsor.goto(f"/challenges/{challenge_id}/judging")
    sponsor.get_by_role("link", name="See the normalised results").click()
    expect(sponsor.get_by_role("heading", name="Judging results")).to_be_visible()
    ranked = sponsor.get_by_role("table", name="Entries by rank").get_by_role("row")
    expect(ranked).to_have_count(4)
    expect(ranked.nth(1)).to_contain_text("Ice-free cold room")
    expect(ranked.nth(3)).to_contain_text("below the minimum")
    shots(sponsor, "the normalised results")

    on_a_phone = windows.signed_in(f"sponsor@{DOMAIN}", phone=True)
    for path in (f"/challenges/{challenge_id}/judging", f"/challenges/{challenge_id}/judging/results"):
        on_a_phone.goto(path)
        fits_a_phone(on_a_phone)
        shots(on_a_phone, f"phone {path.rsplit('/', 1)[-1]}")
