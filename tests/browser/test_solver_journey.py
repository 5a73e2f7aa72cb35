"""Issue 6, journey 2, end to end in a real browser against the real server, on the demo data:
two solvers sign up; one forms a team, sees an invalid address refused next to its field and
invites the other, who signs in and accepts; the lead registers the team for the open challenge,
starts the entry, uploads a PDF, submits it and sees the receipt (its number and SHA-256, which
is the SHA-256 of the receipt's canonical JSON); the teammate sees the same submitted entry, the
same receipt and file, and the receipt notice in their inbox."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.submissions.seed import demo_pdf
from tests.browser.journey import PASSWORD, Screenshots, Windows, nav, sign_in_as, sign_out, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
CHALLENGE = "Solar cold rooms for smallholder harvests"  # open; LDC + SIDS; teams of 2 to 8
TEAM = "Lilongwe Cold Chain"
LEAD = ("chikondi@example.org", "Chikondi Banda", "MWI")  # Malawi: a least developed country
MATE = ("bo@example.org", "Bo Tuilagi", "WSM")  # Samoa: a small island developing state
ENTRY = "Solar cold room with an ice battery, Dedza"


def test_solvers_sign_up_form_a_team_and_submit_an_entry_with_a_receipt(
        windows: Windows, shots: Screenshots, tmp_path: Path) -> None:
    lead_email, lead_name, lead_country = LEAD
    mate_email, mate_name, mate_country = MATE

    # The second solver signs up first, then leaves; they come back to answer the invitation.
    mate = windows.open()
    sign_up(mate, live=windows.live, email=mate_email, name=mate_name, country=mate_country)
    sign_out(mate)

    lead = windows.open()
    sign_up(lead, live=windows.live, email=lead_email, name=lead_name, country=lead_country)
    shots(lead, "the lead signed up")

    # A team, an invalid address refused next to its field, then the invitation.
    nav(lead).get_by_role("link", name="Teams").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Your teams")
    lead.get_by_label("Team name").fill(TEAM)
    lead.get_by_role("button", name="Form the team").click()
    expect(lead).to_have_url(re.compile(r"/teams/\d+$"))
    expect(lead.get_by_role("status")).to_contain_text(f"Team “{TEAM}” formed.")
    invite_field = lead.get_by_label("Invite by email address")
    invite_field.fill("not an address")
    lead.get_by_role("button", name="Invite", exact=True).click()
    expect(lead.locator("#e-email")).to_be_visible()  # the error stands next to the field
    expect(lead.locator("#e-email")).to_have_text("An email address must have an @-sign.")
    expect(invite_field).to_have_attribute("aria-invalid", "true")
    expect(invite_field).to_have_accessible_description(re.compile("must have an @-sign"))
    shots(lead, "an invalid address")
    invite_field.fill("Bo@Example.org")
    lead.get_by_role("button", name="Invite", exact=True).click()
    expect(lead.get_by_role("status")).to_contain_text(f"Invitation to {mate_email} recorded")
    shots(lead, "team with a pending invitation")
    team_url = lead.url

    # The invitee signs in and accepts on /teams.
    sign_in_as(mate, mate_email, PASSWORD)
    nav(mate).get_by_role("link", name="Teams").click()
    invitation = mate.locator("li", has_text=TEAM)
    expect(invitation).to_contain_text(f"from {lead_name}")
    shots(mate, "an invitation waiting")
    invitation.get_by_role("button", name="Accept").click()
    expect(mate.get_by_role("status")).to_contain_text(f"You joined team “{TEAM}”.")
    expect(mate.get_by_role("button", name="Leave the team")).to_be_visible()

    lead.goto(team_url)
    expect(lead.get_by_role("heading", name="Members (2)")).to_be_visible()
    expect(lead.get_by_role("button", name=f"Remove {mate_name}")).to_be_visible()
    shots(lead, "the team with its new member")
    nav(lead).get_by_role("link", name="Inbox").click()
    expect(lead.get_by_role("heading", name=f"{mate_name} joined team “{TEAM}”")).to_be_visible()

    # The lead registers the team for the open challenge.
    nav(lead).get_by_role("link", name="Challenges").click()
    lead.get_by_role("link", name=CHALLENGE).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(CHALLENGE)
    lead.get_by_label("You enter as").select_option("team")
    lead.get_by_label("Your team (teams only)").select_option(label=f"{TEAM} (2 members)")
    lead.get_by_label("I am not employed by the sponsor").check()
    shots(lead, "registering the team")
    lead.get_by_role("button", name="Register").click()
    expect(lead.get_by_role("status")).to_contain_text(f"Your team “{TEAM}” is registered.")
    expect(lead.get_by_text(f"You registered your team “{TEAM}” (2 members)")).to_be_visible()

    # The entry: a draft, a PDF, submitted; the receipt.
    lead.get_by_role("link", name="Your entry").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Your entry")
    expect(lead.get_by_text(f"You enter as {TEAM}; every member of the team")).to_be_visible()
    lead.get_by_label("Title").fill(ENTRY)
    lead.get_by_label("Summary").fill("A 15 m3 cold room on 5 kW of solar panels.\n\n"
                                      "- **Keeps** 2 tonnes below 8 °C")
    lead.get_by_role("button", name="Save draft").click()
    expect(lead.get_by_role("status")).to_contain_text("Draft saved. Add your PDF files")
    pdf = tmp_path / "Cold room design.pdf"
    data = demo_pdf("Solar cold room - design and budget")
    pdf.write_bytes(data)
    lead.get_by_label("Add a PDF file").set_input_files(str(pdf))
    lead.get_by_role("button", name="Upload").click()
    expect(lead.get_by_role("status")).to_contain_text("Added Cold room design.pdf.")
    file_sha = hashlib.sha256(data).hexdigest()
    expect(lead.get_by_role("row", name=re.compile("Cold room design.pdf"))
           ).to_contain_text(file_sha)
    shots(lead, "a draft with its PDF")
    lead.get_by_role("button", name="Submit entry").click()
    notice = lead.get_by_role("status")
    expect(notice).to_contain_text("Your entry was submitted. Receipt 1, SHA-256 ")
    found = re.search(r"SHA-256 ([0-9a-f]{64});", notice.inner_text())
    assert found, notice.inner_text()
    receipt_sha = found.group(1)
    expect(lead.get_by_text(re.compile(r"^Submitted \S+ \S+ UTC\. The sponsor sees it\.$"))
           ).to_be_visible()
    expect(lead.get_by_text("number 1", exact=True)).to_be_visible()
    expect(lead.get_by_text(receipt_sha, exact=True)).to_be_visible()  # in the receipt itself
    expect(lead.get_by_role("table", name="Files in receipt 1")).to_contain_text(file_sha)
    shots(lead, "submitted with its receipt")
    with lead.expect_download() as download:
        lead.get_by_role("link", name="Download the receipt (canonical JSON)").click()
    canonical = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(canonical).hexdigest() == receipt_sha
    document = json.loads(canonical)
    assert document["team"] == TEAM, document
    assert document["title"] == ENTRY, document
    assert [f["sha256"] for f in document["files"]] == [file_sha], document
    nav(lead).get_by_role("link", name="Inbox").click()
    expect(lead.get_by_role("article").filter(has_text=receipt_sha)).to_have_count(1)

    # The teammate sees the same entry, receipt and file, and the receipt notice.
    nav(mate).get_by_role("link", name="Challenges").click()
    mate.get_by_role("link", name=CHALLENGE).click()
    expect(mate.get_by_text(f"Your team “{TEAM}” was registered by its lead")).to_be_visible()
    mate.get_by_role("link", name="Your entry").click()
    expect(mate.get_by_text(re.compile(r"^Submitted \S+ \S+ UTC\. The sponsor sees it\.$"))
           ).to_be_visible()
    expect(mate.get_by_role("heading", name=ENTRY)).to_be_visible()
    expect(mate.get_by_text("number 1", exact=True)).to_be_visible()
    expect(mate.get_by_text(receipt_sha, exact=True)).to_be_visible()
    expect(mate.get_by_role("button", name="Reopen to change it")).to_be_visible()
    shots(mate, "the teammate sees the submitted entry")
    with mate.expect_download() as download:
        mate.get_by_role("link", name="Cold room design.pdf").click()
    assert Path(download.value.path()).read_bytes() == data
    mate.get_by_role("link", name="Receipt page").click()
    expect(mate.get_by_role("heading", level=1)).to_have_text("Receipt 1")
    expect(mate.get_by_text(receipt_sha, exact=True)).to_be_visible()
    nav(mate).get_by_role("link", name="Inbox").click()
    message = mate.get_by_role("article").filter(
        has=mate.get_by_role("heading", name=f"Entry submitted: {CHALLENGE}"))
    expect(message).to_contain_text(f"The entry \"{ENTRY}\" was submitted")
    expect(message).to_contain_text(f"SHA-256 of the receipt: {receipt_sha}")
    expect(mate.get_by_role("heading", name=f"{lead_name} invited you to team “{TEAM}”")
           ).to_be_visible()
    shots(mate, "the receipt notice in the teammate's inbox")
