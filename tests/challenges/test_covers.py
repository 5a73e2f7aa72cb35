"""Cover files follow their transaction: a rolled-back upload leaves no file, and the file a
committed change replaced or removed is deleted only after the commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.challenges import covers
from app.challenges.models import Challenge
from tests.challenges.factories import draft, sponsor
from tests.files import jpeg, png

PNG = png()
JPEG = jpeg()


def _files() -> set[str]:
    return {p.name for p in covers._folder().iterdir()}


def _path(name: str) -> Path:
    return covers._folder() / name


def test_a_rolled_back_upload_leaves_no_file_and_keeps_the_old_one(db: Session) -> None:
    owner = sponsor(db)
    challenge = draft(db, owner)
    first = covers.set_cover(db, challenge=challenge, data=PNG, user=owner)
    db.commit()
    before = _files()
    second = covers.set_cover(db, challenge=challenge, data=JPEG, user=owner)
    assert _path(second).exists() and _path(first).exists()  # nothing deleted before commit
    db.rollback()
    assert _files() == before and not _path(second).exists()
    assert db.get(Challenge, challenge.id).cover_image == first  # type: ignore[union-attr]


def test_a_committed_replacement_deletes_the_old_file_after_the_commit(db: Session) -> None:
    owner = sponsor(db)
    challenge = draft(db, owner)
    first = covers.set_cover(db, challenge=challenge, data=PNG, user=owner)
    db.commit()
    second = covers.set_cover(db, challenge=challenge, data=JPEG, user=owner)
    assert _path(first).exists()
    db.commit()
    assert not _path(first).exists() and _path(second).read_bytes()[:3] == JPEG[:3]


def test_removing_a_cover_deletes_the_file_only_once_committed(db: Session) -> None:
    owner = sponsor(db)
    challenge = draft(db, owner)
    name = covers.set_cover(db, challenge=challenge, data=PNG, user=owner)
    db.commit()
    covers.remove_cover(db, challenge=challenge)
    db.rollback()
    assert _path(name).exists()
    db.refresh(challenge)
    covers.remove_cover(db, challenge=challenge)
    db.commit()
    assert not _path(name).exists() and challenge.cover_image is None
