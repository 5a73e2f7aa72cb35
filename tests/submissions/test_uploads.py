"""Upload rules (OWASP ASVS 5.2.x, 5.3.x): PDF by content only, the size limit enforced while
reading, the file-count limit, sanitised names, files that follow the transaction, the hourly
limit per user, and downloads that cannot run in the browser."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.submissions import uploads
from app.submissions.downloads import content_disposition
from app.submissions.models import SubmissionFile
from tests.factories import token_for
from tests.submissions.factories import (
    add_pdf,
    open_challenge,
    pdf,
    register,
    reload,
    solver,
    start,
)


@pytest.fixture
def entry(client: TestClient, db: Session, clock):
    arena = open_challenge(db, clock)
    me = solver(db)
    register(db, arena.challenge, me)
    made = start(db, arena.challenge, me)
    return {"id": made.submission.id, "me": me, "entry": made,
            "h": token_for(client, me.email or "")}


def post(client: TestClient, entry: dict, data: bytes, name: str = "plan.pdf",
         media_type: str = "application/pdf"):
    return client.post(f"/api/v1/submissions/{entry['id']}/files", headers=entry["h"],
                       files={"file": (name, data, media_type)})


def stored_files() -> list[Path]:
    """The originals (each has its blind copy beside it: `blind_files`)."""
    return sorted(p for p in uploads.folder().iterdir() if not p.name.endswith(".blind.pdf"))


def blind_files() -> list[Path]:
    return sorted(p for p in uploads.folder().iterdir() if p.name.endswith(".blind.pdf"))


def file_rows(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SubmissionFile)) or 0


def test_a_text_file_named_pdf_is_refused(client: TestClient, db: Session, entry) -> None:
    response = post(client, entry, b"just some notes, not a PDF\n%%EOF", "x.pdf")
    assert response.status_code == 422
    assert "PDF" in response.json()["error"]["fields"]["file"]
    truncated = pdf(size=5000)[:-10]  # the header is there, the end is cut off
    assert post(client, entry, truncated).status_code == 422
    assert stored_files() == [] and file_rows(db) == 0


def test_a_pdf_declared_as_a_png_is_accepted_for_its_content(client: TestClient,
                                                              entry) -> None:
    data = pdf(b"declared wrongly")
    response = post(client, entry, data, "scan.png", "image/png")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["media_type"] == "application/pdf" and body["name"] == "scan.png.pdf"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size_bytes"] == len(data)
    [stored] = stored_files()
    assert stored.read_bytes() == data and stored.name != "scan.png"


def test_one_byte_over_the_limit_is_refused_and_nothing_is_kept(
        client: TestClient, db: Session, entry, settings: Settings) -> None:
    settings.submission_max_file_bytes = 2000
    exact = post(client, entry, pdf(size=2000), "exact.pdf")
    assert exact.status_code == 201, exact.text
    before = stored_files()
    over = post(client, entry, pdf(size=2001), "over.pdf")
    assert over.status_code == 413
    assert over.json()["error"] == {"code": "too_large",
                                    "message": "The file is larger than 2000 bytes.",
                                    "fields": {"file": "at most 2000 bytes per file"}}
    assert stored_files() == before and file_rows(db) == 1


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
        client: TestClient, db: Session, entry, settings: Settings) -> None:
    settings.submission_max_file_bytes = 1024
    huge = pdf(size=200_000)  # over the limit and the multipart envelope allowance
    response = post(client, entry, huge)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert stored_files() == [] and file_rows(db) == 0


def test_an_upload_without_a_length_is_refused(client: TestClient, entry) -> None:
    def chunks():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
        yield pdf()
        yield b"\r\n--b--\r\n"

    response = client.post(f"/api/v1/submissions/{entry['id']}/files", content=chunks(),
                           headers={**entry["h"],
                                    "content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 411 and response.json()["error"]["code"] == "length_required"


def test_an_entry_holds_at_most_the_configured_number_of_files(
        client: TestClient, db: Session, entry, settings: Settings) -> None:
    settings.submission_max_files = 2
    assert post(client, entry, pdf(b"1")).status_code == 201
    assert post(client, entry, pdf(b"2")).status_code == 201
    third = post(client, entry, pdf(b"3"))
    assert third.status_code == 409 and third.json()["error"]["code"] == "too_many_files"
    assert "file" in third.json()["error"]["fields"]
    assert len(stored_files()) == 2 and file_rows(db) == 2


def test_a_request_without_a_file_names_the_field(client: TestClient, entry) -> None:
    response = client.post(f"/api/v1/submissions/{entry['id']}/files", headers=entry["h"],
                           data={"other": "x"}, files={"attachment": ("a.pdf", pdf(), "x/y")})
    assert response.status_code == 422 and "file" in response.json()["error"]["fields"]


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
    ("report\x00\r\n\x1b[31m.pdf", "report[31m.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),  # a right-to-left override dropped
    ("  spaced   out  .PDF", "spaced out.pdf"),
    ("", "document.pdf"),
    ("....pdf", "document.pdf"),
    ("/", "document.pdf"),
    ("Résumé — énergie.pdf", "Résumé — énergie.pdf"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ("notes", "notes.pdf"),
])
def test_the_given_name_is_sanitised_for_display(given: str, kept: str) -> None:
    name = uploads.display_name(given)
    assert name == kept and len(name) <= 200 and "/" not in name and "\\" not in name


def test_a_path_in_the_name_never_reaches_the_disk(client: TestClient, db: Session,
                                                   entry) -> None:
    response = post(client, entry, pdf(), "../../etc/passwd.pdf")
    assert response.status_code == 201 and response.json()["name"] == "passwd.pdf"
    [stored] = stored_files()
    assert stored.parent == uploads.folder() and len(stored.stem) == 32


def test_downloads_are_attachments_that_cannot_run(client: TestClient, entry) -> None:
    data = pdf(b"download me")
    uploaded = post(client, entry, data, "Plan d'été \"final\".pdf").json()
    assert uploaded["name"] == "Plan d'été \"final\".pdf"
    file_url = uploaded["url"]
    response = client.get(file_url, headers=entry["h"])
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Plan d__t_ _final_.pdf\"; "
        "filename*=UTF-8''Plan%20d%27%C3%A9t%C3%A9%20%22final%22.pdf")


def test_the_download_name_cannot_break_the_header() -> None:
    header = content_disposition('a"; filename=evil.html\r\nX: y.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="a__ filename_evil.html__X_ y.pdf"')


def test_a_rolled_back_upload_leaves_no_file(db: Session, entry) -> None:
    add_pdf(db, reload(db, entry["entry"], entry["me"]), entry["me"], name="kept.pdf")
    kept = stored_files()
    uploads.add_file(db, entry=reload(db, entry["entry"], entry["me"]), user=entry["me"],
                     filename="lost.pdf", stream=io.BytesIO(pdf(b"lost")))
    assert len(stored_files()) == 2  # written during the transaction ...
    db.rollback()
    assert stored_files() == kept  # ... and gone with it
    assert len(blind_files()) == 1  # the blind copy too
    assert file_rows(db) == 1


def test_a_deleted_file_disappears_only_after_commit(db: Session, entry) -> None:
    record = add_pdf(db, reload(db, entry["entry"], entry["me"]), entry["me"])
    [stored] = stored_files()
    uploads.delete_file(db, entry=reload(db, entry["entry"], entry["me"]), file_id=record.id)
    db.rollback()
    assert stored.exists() and file_rows(db) == 1
    uploads.delete_file(db, entry=reload(db, entry["entry"], entry["me"]), file_id=record.id)
    assert stored.exists()
    assert len(blind_files()) == 1
    db.commit()
    assert not stored.exists() and file_rows(db) == 0
    assert blind_files() == []


def test_uploads_per_user_are_rate_limited(client: TestClient, db: Session, entry,
                                           settings: Settings) -> None:
    settings.rate_limits.submission_uploads_per_user_per_hour = 2
    settings.submission_max_files = 5
    assert post(client, entry, pdf(b"1")).status_code == 201
    assert post(client, entry, pdf(b"2")).status_code == 201
    refused = post(client, entry, pdf(b"3"))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert "Too many file uploads: the limit is 2 an hour." in refused.json()["error"]["message"]
    assert int(refused.headers["retry-after"]) > 0
    assert len(stored_files()) == 2 and file_rows(db) == 2
