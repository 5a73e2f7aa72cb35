"""Cover images: PNG or JPEG, at most 2 MB, kept in upload_dir.

An image is decoded as the format its first bytes claim (`file_types.clean_image`: an SVG or
HTML file behind a PNG signature is refused, so is a decompression bomb) and stored as encoded
again: a cover is public, so its EXIF (a camera's GPS position), XMP and text chunks, and any
payload hidden after the pixels, are not kept.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.config import get_settings
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_
from app.kit import file_types, rate_limit, stored_files

MAX_BYTES = 2 * 1024 * 1024
MEDIA_TYPES = dict(file_types.IMAGE_FORMATS.values())  # "png" -> "image/png", "jpg" -> ...


def _folder() -> Path:
    upload_dir = get_settings().upload_dir
    assert upload_dir is not None
    folder = Path(upload_dir) / "challenge-covers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def set_cover(db: Session, *, challenge: Challenge, data: bytes, user: User) -> str:
    """Store a new cover for a draft (uploaded by `user`) and return its file name."""
    if challenge.state != ChallengeState.DRAFT:
        raise Conflict(N_("The cover can be changed while the challenge is a draft."),
                       code="rules_locked")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(N_("The image is too large."),
                               fields={"cover": N_("at most 2 MB (PNG or JPEG)")})
    ext, data = file_types.clean_image(data, field="cover")  # by content, never by name
    rate_limit.check_and_record(
        db, action="challenge.cover", key=f"user:{user.id}",
        limit=get_settings().rate_limits.cover_uploads_per_user_per_hour, window=rate_limit.HOUR,
        what=N_("cover uploads"))
    name = f"{challenge.id}-{secrets.token_hex(8)}.{ext}"
    stored_files.write(db, _folder() / name, data)
    old = challenge.cover_image
    challenge.cover_image = name
    db.flush()
    if old:
        stored_files.delete_after_commit(db, _folder() / Path(old).name)
    return name


def remove_cover(db: Session, *, challenge: Challenge) -> None:
    if challenge.state != ChallengeState.DRAFT:
        raise Conflict(N_("The cover can be changed while the challenge is a draft."),
                       code="rules_locked")
    if challenge.cover_image:
        stored_files.delete_after_commit(db, _folder() / Path(challenge.cover_image).name)
    challenge.cover_image = None
    db.flush()


def cover_file(challenge: Challenge) -> tuple[Path, str]:
    """The stored file and its media type (404 when there is none)."""
    name = challenge.cover_image
    if not name:
        raise NotFound(N_("This challenge has no cover image."))
    path = _folder() / Path(name).name
    if not path.is_file():
        raise NotFound(N_("This challenge has no cover image."))
    return path, MEDIA_TYPES[path.suffix.lstrip(".")]
