"""Entry files are parsed as the PDF they claim to be (issue 17): the magic bytes and an
end-of-file marker are not enough, the file must open with a real parser, have a page and no
password; and the entrant's own download stays the exact bytes they uploaded (their receipt's
SHA-256 refers to them)."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.submissions import uploads
from app.submissions.models import SubmissionFile
from tests.factories import token_for
from tests.files import minimal_pdf
from tests.submissions.factories import open_challenge, register, solver, start

HTML_BEHIND_PDF = (b"%PDF-1.4\n<html><body><script>fetch('/api/v1/me')</script>"
                   b"<h1>Not a plan</h1></body></html>\n%%EOF\n")


@pytest.fixture
def entry(client: TestClient, db: Session, clock):
    arena = open_challenge(db, clock)
    me = solver(db)
    register(db, arena.challenge, me)
    made = start(db, arena.challenge, me)
    return {"id": made.submission.id, "h": token_for(client, me.email or "")}


def post(client: TestClient, entry: dict, data: bytes, name: str = "plan.pdf"):
    return client.post(f"/api/v1/submissions/{entry['id']}/files", headers=entry["h"],
                       files={"file": (name, data, "application/pdf")})


def refused_as_unreadable(response) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message"] == "This file is not a readable PDF."
    assert error["fields"]["file"] == "upload a complete PDF file (other formats are not accepted)"


def nothing_stored(db: Session) -> bool:
    rows = db.scalar(select(func.count()).select_from(SubmissionFile))
    return rows == 0 and list(uploads.folder().iterdir()) == []


def test_an_html_page_behind_a_pdf_header_is_refused(client: TestClient, db: Session,
                                                      entry) -> None:
    assert uploads.looks_like_pdf(HTML_BEHIND_PDF)  # what the magic-byte check let through
    refused_as_unreadable(post(client, entry, HTML_BEHIND_PDF))
    assert nothing_stored(db)


def test_a_pdf_cut_short_is_refused_even_with_an_end_marker(client: TestClient, db: Session,
                                                             entry) -> None:
    whole = minimal_pdf(b"a plan that was cut short in the middle of its objects")
    truncated = whole[: len(whole) // 2] + b"\n%%EOF\n"
    assert uploads.looks_like_pdf(truncated)
    refused_as_unreadable(post(client, entry, truncated))
    # Nothing cut, but the cross-reference table points into the middle of an object: refused,
    # not silently rebuilt into something other than what the entrant sealed.
    head, xref = whole.rsplit(b"startxref\n", 1)
    damaged_xref = head + b"startxref\n" + str(int(xref.split(b"\n")[0]) - 7).encode() + b"\n%%EOF\n"
    refused_as_unreadable(post(client, entry, damaged_xref))
    assert nothing_stored(db)


def test_a_pdf_without_pages_with_a_password_or_too_many_pages_is_refused(client: TestClient, db: Session,
                                                            entry) -> None:
    empty = io.BytesIO()
    pikepdf.new().save(empty)
    response = post(client, entry, empty.getvalue())
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "This PDF has no pages."
    locked = io.BytesIO()
    with pikepdf.open(io.BytesIO(minimal_pdf(b"secret"))) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    response = post(client, entry, locked.getvalue())
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["file"] == (
        "save it without a password or restrictions and upload it again")
    huge = pikepdf.new()
    for _ in range(2001):
        huge.add_blank_page()
    tome = io.BytesIO()
    huge.save(tome)
    response = post(client, entry, tome.getvalue())
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["file"] == "at most 2000 pages"
    assert nothing_stored(db)


def test_a_real_pdf_is_accepted_and_the_entrant_gets_it_back_byte_for_byte(
        client: TestClient, db: Session, entry) -> None:
    data = minimal_pdf(b"the real plan", author="Jane Entrant")
    response = post(client, entry, data)
    assert response.status_code == 201, response.text
    [record] = db.scalars(select(SubmissionFile)).all()
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert uploads.path_of(record).read_bytes() == data
    download = client.get(response.json()["url"], headers=entry["h"])
    assert download.status_code == 200 and download.content == data
    assert b"Jane Entrant" in download.content  # the entrant's own file, untouched
