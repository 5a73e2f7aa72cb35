"""Judges read entries blind (issue 17): the files they download carry no document metadata
(Author, Creator, Producer, Title, dates, XMP) naming the entrant, while the entrant and the
sponsor still get the entrant's original, byte for byte as the receipt sealed it."""

from __future__ import annotations

import hashlib
import io

import pikepdf
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.judging import panel
from app.kit import file_types
from app.submissions import service as submissions_service
from app.submissions import uploads
from app.submissions.models import Submission
from app.submissions.schemas import SubmissionCreate
from tests.challenges.factories import Clock
from tests.factories import login, token_for
from tests.files import minimal_pdf
from tests.judging.factories import code_of, entrant, judge, open_challenge, start_judging
from tests.submissions.factories import register

NAME = "Jane Entrant"
API = "/api/v1/challenges/{}/judging/entries/{}/files/1"
PAGE = "/challenges/{}/judging/entries/{}/files/1"


def judged_entry(db: Session, clock: Clock, data: bytes):
    """An entry holding `data` submitted, the challenge in judging, one judge on its panel."""
    challenge, owner, _ = open_challenge(db, clock)
    person = entrant(db)
    register(db, challenge, person)
    entry = submissions_service.create(db, challenge=challenge, user=person, body=SubmissionCreate(
        title="Cold rooms for Dhading", summary="Solar cold rooms run by a co-operative."))
    uploads.add_file(db, entry=entry, user=person, filename="Jane Entrant - plan.pdf",
                     stream=io.BytesIO(data))
    submissions_service.submit(db, entry=entry, user=person)
    db.commit()
    start_judging(db, clock, challenge, owner)
    reader = judge(db)
    panel.assign(db, challenge=challenge, user=owner, judge_id=reader.id)
    db.commit()
    return challenge, owner, person, reader, entry.submission


def every_byte_decoded(data: bytes) -> bytes:
    """The document with every stream decompressed and no object streams, to search in."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 stream_decode_level=pikepdf.StreamDecodeLevel.all, compress_streams=False)
    return out.getvalue()


def assert_blind(data: bytes) -> None:
    assert NAME.encode() not in data and NAME.encode() not in every_byte_decoded(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_the_judge_gets_the_file_without_its_metadata(client: TestClient, db: Session,
                                                       clock: Clock) -> None:
    data = minimal_pdf(b"the plan itself", author=NAME)
    assert NAME.encode() in data  # in /Info and in the XMP packet, both uncompressed
    challenge, owner, person, reader, submission = judged_entry(db, clock, data)
    code = code_of(challenge, submission)
    by_api = client.get(API.format(challenge.id, code),
                        headers=token_for(client, reader.email or ""))
    assert by_api.status_code == 200 and by_api.headers["content-type"] == "application/pdf"
    assert_blind(by_api.content)
    assert b"<74686520706c616e20697473656c66>" in by_api.content  # the page is still there
    login(client, reader.email or "")
    by_page = client.get(PAGE.format(challenge.id, code))
    assert by_page.status_code == 200 and by_page.content == by_api.content
    client.cookies.clear()
    # The entrant and the sponsor download the original, whose hash the receipt holds.
    [record] = submission.files
    url = f"/api/v1/submissions/{submission.id}/files/{record.id}"
    for who in (person, owner):
        original = client.get(url, headers=token_for(client, who.email or ""))
        assert original.status_code == 200 and original.content == data
    # The receipt seals the original's hash, and the original is what is kept.
    assert hashlib.sha256(data).hexdigest() == record.sha256
    assert record.sha256 in submission.receipts[-1].canonical_json
    assert uploads.path_of(record).read_bytes() == data


def test_a_file_stored_before_blind_copies_gets_one_on_first_download(
        client: TestClient, db: Session, clock: Clock) -> None:
    data = minimal_pdf(b"an older plan", author=NAME)
    challenge, _, _, reader, submission = judged_entry(db, clock, data)
    [record] = submission.files
    blind = uploads.blind_path(record)
    blind.unlink()
    response = client.get(API.format(challenge.id, code_of(challenge, submission)),
                          headers=token_for(client, reader.email or ""))
    assert response.status_code == 200 and blind.is_file()
    assert_blind(response.content)
    assert uploads.path_of(record).read_bytes() == data


def test_an_unreadable_file_accepted_long_ago_is_not_shown_to_a_judge(
        client: TestClient, db: Session, clock: Clock) -> None:
    challenge, _, _, reader, submission = judged_entry(db, clock, minimal_pdf(b"x", author=NAME))
    [record] = db.get(Submission, submission.id).files  # type: ignore[union-attr]
    # What the magic-byte check once let through: a page behind a PDF header.
    uploads.path_of(record).write_bytes(b"%PDF-1.4\n<html>Jane Entrant</html>\n%%EOF\n")
    uploads.blind_path(record).unlink()
    response = client.get(API.format(challenge.id, code_of(challenge, submission)),
                          headers=token_for(client, reader.email or ""))
    assert response.status_code == 404 and NAME not in response.text


def test_metadata_deep_inside_a_compressed_pdf_is_removed_too() -> None:
    """XMP on a page, an application's private data, a comment's author, all inside
    compressed object streams; the same input always gives the same bytes."""
    pdf = pikepdf.open(io.BytesIO(minimal_pdf(b"deep", author=NAME)))
    page = pdf.pages[0]
    page.obj.Metadata = pdf.make_stream(f"<x:xmpmeta>{NAME}</x:xmpmeta>".encode())
    page.obj.PieceInfo = pikepdf.Dictionary(Word=pikepdf.Dictionary(Author=NAME))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10],
        T=NAME, Contents="Check the budget"))]))
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    data = out.getvalue()
    assert NAME.encode() in every_byte_decoded(data)
    blind = file_types.pdf_without_metadata(data)
    assert_blind(blind)
    assert b"Check the budget" in every_byte_decoded(blind)  # the comment itself stays
    assert file_types.pdf_without_metadata(data) == blind
