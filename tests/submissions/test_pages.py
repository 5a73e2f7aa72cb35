"""The entry through the pages, as a browser without JavaScript sends it: start, upload,
delete, submit (receipt shown), reopen; refusals shown next to their field; the links on the
challenge page; the sponsor's list."""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.notifications import service as notifications
from app.submissions.models import Submission, SubmissionState
from tests.factories import csrf_from, login
from tests.submissions.factories import CLOSES, open_challenge, pdf, register, solver


@pytest.fixture
def world(client: TestClient, db: Session, clock):
    arena = open_challenge(db, clock)
    me = solver(db, display_name="Asha")
    register(db, arena.challenge, me)
    login(client, me.email or "")
    return {"arena": arena, "me": me, "cid": arena.challenge.id,
            "page": f"/challenges/{arena.challenge.id}/submission"}


def token(client: TestClient, url: str) -> str:
    return csrf_from(client.get(url).text)


def started(client: TestClient, world) -> int:
    response = client.post(world["page"], data={
        "title": "Solar cold room", "summary": "Keeps *fruit* cool.",
        "csrf_token": token(client, world["page"])}, follow_redirects=True)
    assert response.status_code == 200 and "Draft saved." in response.text
    match = re.search(r'action="/submissions/(\d+)/edit"', response.text)
    assert match, response.text
    return int(match.group(1))


def upload(client: TestClient, world, sid: int, data: bytes, name: str = "plan.pdf",
           follow: bool = True):
    return client.post(f"/submissions/{sid}/files", data={"csrf_token": token(client,
                                                                               world["page"])},
                       files={"file": (name, data, "application/pdf")}, follow_redirects=follow)


def test_the_whole_entry_through_the_pages(client: TestClient, db: Session, world) -> None:
    first = client.get(world["page"])
    assert first.status_code == 200 and "Start your entry" in first.text
    assert "You enter as <strong>Asha</strong>" in first.text
    sid = started(client, world)
    data = pdf(b"the plan")
    added = upload(client, world, sid, data, "Plan (final).pdf")
    assert "Added Plan (final).pdf." in added.text
    assert hashlib.sha256(data).hexdigest() in added.text
    assert f'href="/submissions/{sid}/files/1"' in added.text
    saved = client.post(f"/submissions/{sid}/edit", data={
        "title": "Solar cold rooms", "summary": "Now **two** rooms.",
        "csrf_token": token(client, world["page"])}, follow_redirects=True)
    assert "Draft saved." in saved.text and 'value="Solar cold rooms"' in saved.text

    done = client.post(f"/submissions/{sid}/submit",
                       data={"csrf_token": token(client, world["page"])}, follow_redirects=True)
    db.expire_all()
    entry = db.get(Submission, sid)
    assert entry is not None and entry.state == SubmissionState.SUBMITTED
    receipt = entry.receipts[0]
    assert f"Receipt 1, SHA-256 {receipt.sha256}" in done.text
    assert "<dt>Receipt</dt><dd>number 1</dd>" in done.text
    assert "2030-03-03 12:00:00 UTC" in done.text
    assert receipt.sha256 in done.text and hashlib.sha256(data).hexdigest() in done.text
    assert "Reopen to change it" in done.text and "Upload" not in done.text
    download = client.get(f"/submissions/{sid}/receipts/1.json")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert hashlib.sha256(download.content).hexdigest() == receipt.sha256
    receipt_page = client.get(f"/submissions/{sid}/receipts/1")
    assert receipt.sha256 in receipt_page.text and "<strong>two</strong>" in receipt_page.text
    [message] = notifications.for_recipient(db, recipient_id=world["me"].id,
                                            kind="submission.submitted")
    assert receipt.sha256 in message.body

    reopened = client.post(f"/submissions/{sid}/reopen",
                           data={"csrf_token": token(client, world["page"])},
                           follow_redirects=True)
    assert "Your entry is a draft again." in reopened.text
    assert "The receipt of your last submission" in reopened.text
    deleted = client.post(f"/submissions/{sid}/files/1/delete",
                          data={"csrf_token": token(client, world["page"])},
                          follow_redirects=True)
    assert "Deleted Plan (final).pdf." in deleted.text and "No files yet." in deleted.text


def test_refusals_are_shown_next_to_their_field(client: TestClient, db: Session, world,
                                                settings: Settings) -> None:
    empty = client.post(world["page"], data={"title": "", "csrf_token": token(client,
                                                                             world["page"])})
    assert empty.status_code == 422 and 'id="e-title"' in empty.text
    sid = started(client, world)
    not_pdf = upload(client, world, sid, b"hello", "notes.pdf")
    assert not_pdf.status_code == 422
    assert 'id="e-file"' in not_pdf.text and "complete PDF file" in not_pdf.text
    settings.submission_max_file_bytes = 1000
    too_big = upload(client, world, sid, pdf(size=1001))
    assert too_big.status_code == 413
    assert 'id="e-file"' in too_big.text and "at most 1000 bytes per file" in too_big.text
    no_file = client.post(f"/submissions/{sid}/files",
                          data={"csrf_token": token(client, world["page"])},
                          files={"file": ("", b"", "application/octet-stream")})
    assert no_file.status_code == 422 and "choose a PDF file" in no_file.text
    incomplete = client.post(f"/submissions/{sid}/submit",
                             data={"csrf_token": token(client, world["page"])})
    assert incomplete.status_code == 422
    assert "upload at least one PDF file" in incomplete.text and 'href="#f-files"' in incomplete.text


def test_a_file_far_over_the_limit_gets_a_readable_page(client: TestClient, world,
                                                        settings: Settings) -> None:
    sid = started(client, world)
    settings.submission_max_file_bytes = 1024
    response = upload(client, world, sid, pdf(size=300_000), follow=False)
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "The file is larger than 1 KB." in html.unescape(response.text)


def test_after_the_close_the_page_says_so_and_offers_no_forms(client: TestClient, world,
                                                              clock) -> None:
    sid = started(client, world)
    clock.set(CLOSES)
    page = client.get(world["page"])
    assert "Submissions are closed" in page.text
    assert f'action="/submissions/{sid}/' not in page.text
    late = client.post(f"/submissions/{sid}/edit", data={
        "title": "Late", "csrf_token": csrf_from(page.text)})
    assert late.status_code == 409 and "Submissions are closed for this challenge." in late.text


def test_the_challenge_page_links_entrants_and_the_sponsor(client: TestClient, db: Session,
                                                           world) -> None:
    challenge_page = f"/challenges/{world['cid']}"
    assert f'href="{world["page"]}">Your entry</a>' in client.get(challenge_page).text
    sid = started(client, world)
    upload(client, world, sid, pdf())
    client.post(f"/submissions/{sid}/submit", data={"csrf_token": token(client,
                                                                        world["page"])})
    client.cookies.clear()
    login(client, world["arena"].owner.email or "")
    owner_view = client.get(challenge_page).text
    assert f'href="/challenges/{world["cid"]}/submissions">Submissions (1)</a>' in owner_view
    assert "Your entry" not in owner_view
    listing = client.get(f"/challenges/{world['cid']}/submissions")
    assert listing.status_code == 200 and "Solar cold room" in listing.text
    assert "Asha" in listing.text and f'href="/submissions/{sid}"' in listing.text
    view = client.get(f"/submissions/{sid}")
    assert "<em>fruit</em>" in view.text and f"/submissions/{sid}/files/1" in view.text
    assert "reopen" not in view.text.lower()


def test_the_hourly_upload_limit_is_explained_on_the_page(client: TestClient, world,
                                                          settings: Settings) -> None:
    settings.rate_limits.submission_uploads_per_user_per_hour = 1
    sid = started(client, world)
    assert "Added plan.pdf." in upload(client, world, sid, pdf(b"1")).text
    refused = upload(client, world, sid, pdf(b"2"), "second.pdf")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Too many file uploads: the limit is 1 an hour." in refused.text
    assert 'id="f-file"' in refused.text, "shown on the entry page, with the upload form"
