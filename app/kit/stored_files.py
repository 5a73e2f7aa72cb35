"""Files on disk that follow the database transaction they belong to.

A file written for a row must vanish if the transaction rolls back, and a file the row no
longer needs must only be deleted once the transaction has committed: deleting it earlier and
then failing to commit would leave the row pointing at nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("valleycross.files")
_ON_COMMIT = "files_to_delete_on_commit"
_ON_ROLLBACK = "files_to_delete_on_rollback"


def write(db: Session, path: Path, data: bytes) -> None:
    """Write `path` now; it is deleted again if this transaction rolls back."""
    path.write_bytes(data)
    db.info.setdefault(_ON_ROLLBACK, []).append(path)


def delete_after_commit(db: Session, path: Path) -> None:
    """Delete `path` once this transaction has committed (never if it rolls back)."""
    db.info.setdefault(_ON_COMMIT, []).append(path)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # the database is already consistent; a stray file is only litter
            log.warning("could not delete %s", path, exc_info=True)


@event.listens_for(Session, "after_commit")
def _after_commit(db: Session) -> None:
    db.info.pop(_ON_ROLLBACK, None)
    _unlink(db.info.pop(_ON_COMMIT, []))


@event.listens_for(Session, "after_rollback")
def _after_rollback(db: Session) -> None:
    db.info.pop(_ON_COMMIT, None)
    _unlink(db.info.pop(_ON_ROLLBACK, []))
