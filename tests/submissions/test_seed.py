"""The demonstration entry: made through the services, once, with a real one-page PDF."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.challenges import seed as challenge_seed
from app.submissions import seed, uploads
from app.submissions.models import Submission, SubmissionState
from tests.factories import make_user


def test_the_demo_pdf_is_a_pdf_with_a_correct_cross_reference_table() -> None:
    data = seed.demo_pdf("Hello")
    assert uploads.looks_like_pdf(data)
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert data[xref:].startswith(b"xref\n0 6\n")
    first_object = int(data[xref:].split(b"\n")[3].split()[0])
    assert data[first_object:].startswith(b"1 0 obj\n")


def test_the_demo_solver_submits_one_entry_once(db: Session) -> None:
    make_user(db, roles=[Role.SPONSOR], email="sponsor@demo.example")
    make_user(db, roles=[Role.ADMIN], email="admin@demo.example")
    make_user(db, email="solver@demo.example", country_code="NPL")
    challenge_seed.load_demo(db)
    db.commit()
    assert seed.load_demo(db) == ["Submissions: 1 demo entry submitted (the demo solver's)."]
    db.commit()
    assert seed.load_demo(db) == ["Submissions: the demo entry exists already."]
    [entry] = db.scalars(select(Submission)).all()
    assert entry.state == SubmissionState.SUBMITTED and len(entry.receipts) == 1
    assert db.scalar(select(func.count()).select_from(Submission)) == 1
    assert uploads.path_of(entry.files[0]).read_bytes().startswith(b"%PDF-1.4")
