"""A solver reopens their submitted entry, sees a text file named .pdf refused next to the
upload field, uploads a real PDF, submits again and gets receipt 2; the sponsor then reads the
entry and downloads its file. Real browser, demo data (the demo solver's submitted entry)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.submissions.seed import demo_pdf
from tests.browser.journey import DOMAIN, Screenshots, Windows

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
CHALLENGE = "Solar cold rooms for smallholder harvests"


def test_a_solver_reopens_adds_a_file_and_resubmits_then_the_sponsor_reads_it(
        windows: Windows, shots: Screenshots, tmp_path: Path) -> None:
    solver = windows.signed_in(f"solver@{DOMAIN}")
    solver.goto("/challenges")
    solver.get_by_role("link", name=CHALLENGE).click()
    solver.get_by_role("link", name="Your entry").click()
    expect(solver.get_by_role("heading", level=1)).to_have_text("Your entry")
    expect(solver.get_by_text("number 1", exact=True)).to_be_visible()
    shots(solver, "submitted entry with receipt 1")
    solver.get_by_role("button", name="Reopen to change it").click()
    expect(solver.get_by_text("Your entry is a draft again.")).to_be_visible()

    fake = tmp_path / "budget.pdf"
    fake.write_text("not really a PDF")
    solver.get_by_label("Add a PDF file").set_input_files(str(fake))
    solver.get_by_role("button", name="Upload").click()
    expect(solver.locator("#e-file")).to_contain_text("complete PDF file")
    shots(solver, "a text file named pdf is refused next to the field")

    real = tmp_path / "Budget 2027.pdf"
    data = demo_pdf("Budget 2027")
    real.write_bytes(data)
    solver.get_by_label("Add a PDF file").set_input_files(str(real))
    solver.get_by_role("button", name="Upload").click()
    expect(solver.get_by_text("Added Budget 2027.pdf.")).to_be_visible()
    digest = hashlib.sha256(data).hexdigest()
    expect(solver.locator("code.hash", has_text=digest).first).to_be_visible()
    solver.get_by_role("button", name="Submit entry").click()
    expect(solver.get_by_text("Your entry was submitted.")).to_be_visible()
    expect(solver.get_by_text("number 2", exact=True)).to_be_visible()
    expect(solver.get_by_role("link", name="Receipt 1")).to_be_visible()
    shots(solver, "resubmitted with receipt 2")

    sponsor = windows.signed_in(f"sponsor@{DOMAIN}")
    sponsor.goto("/challenges")
    sponsor.get_by_role("link", name=CHALLENGE).click()
    sponsor.get_by_role("link", name="Submissions (1)").click()
    sponsor.get_by_role("link", name="Community solar cold room, Dhading").click()
    expect(sponsor.get_by_text("number 2", exact=True)).to_be_visible()
    shots(sponsor, "the sponsor reads the entry")
    with sponsor.expect_download() as download:
        sponsor.get_by_role("link", name="Budget 2027.pdf").click()
    saved = download.value
    assert saved.suggested_filename == "Budget 2027.pdf"
    assert Path(saved.path()).read_bytes() == data
