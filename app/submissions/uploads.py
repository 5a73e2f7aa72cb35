"""Entry files (OWASP ASVS 5.2.x, 5.3.x): PDF only, recognised by content and opened with a
real parser (`app.kit.file_types`); size capped while reading; stored under a random name in
upload_dir/submission-files, in step with the database transaction (`app.kit.stored_files`);
the given name is kept, sanitised, for display only.

Beside each file lies its blind copy (`<name>.blind.pdf`): the same PDF without the document
metadata that names its author, for the judges (`blind_path`). It is made at upload, not at
each download, because a file that cannot be made blind is then refused while the entrant can
still fix it, rather than failing in front of a judge after the deadline; and a judge's
download is then a plain streamed file. The original stays untouched: its SHA-256 is the one
the entry's receipt seals, and the entrants and the sponsor download it byte for byte. Files
stored before blind copies existed get theirs at their first blind download.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import clock
from app.config import get_settings
from app.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit import file_types, rate_limit, stored_files
from app.submissions.access import Entry, check_editable, hold_draft
from app.submissions.models import Submission, SubmissionFile

MEDIA_TYPE = "application/pdf"
FOLDER = "submission-files"
CHUNK_BYTES = 64 * 1024
PDF_MAGIC = b"%PDF-"
EOF_MARKER = b"%%EOF"
# Readers accept the end-of-file marker anywhere in the last 1024 bytes (PDF 1.7 reference,
# implementation notes), which leaves room for trailing line ends a mail client added.
EOF_WINDOW = 1024
NAME_MAX = 200
FALLBACK_NAME = "document.pdf"
BLIND_SUFFIX = ".blind.pdf"
_SPACES = re.compile(r"\s+")


def folder() -> Path:
    upload_dir = get_settings().upload_dir
    assert upload_dir is not None
    path = Path(upload_dir) / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(record: SubmissionFile) -> Path:
    # `name` again: a stored name is ours, but a path never comes from a row unchecked.
    return folder() / Path(record.stored_name).name


def blind_path(record: SubmissionFile) -> Path:
    """The copy without document metadata that blind readers get, made now if it is missing
    (files stored before blind copies existed); 404 when the original is not readable."""
    original = path_of(record)
    blind = original.with_name(f"{original.stem}{BLIND_SUFFIX}")
    if blind.is_file():
        return blind
    if not original.is_file():
        raise NotFound(N_("No such file in this entry."))
    try:
        data = file_types.pdf_without_metadata(original.read_bytes())
    except ValueError:  # accepted before uploads were parsed; never shown to a blind reader
        raise NotFound(N_("No such file in this entry.")) from None
    # Written whole under a temporary name and renamed: a concurrent reader never sees half.
    partial = blind.with_name(f".{blind.name}.{secrets.token_hex(4)}")
    partial.write_bytes(data)
    partial.replace(blind)
    return blind


def display_name(given: str | None) -> str:
    """The uploaded file's name made safe to show and to offer as a download name.

    Basename only (no folders, either slash), no control or invisible format characters (a
    right-to-left override could disguise the extension), single spaces, no leading or trailing
    dots, ending in `.pdf`, at most 200 characters; `document.pdf` when nothing is left.
    """
    # Browsers send a double quote in a multipart file name as %22 (the HTML standard).
    text = unicodedata.normalize("NFC", given or "").replace("%22", '"')
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C"
                   and unicodedata.category(ch) not in ("Zl", "Zp"))
    text = _SPACES.sub(" ", text)
    stem = text[:-4] if text.lower().endswith(".pdf") else text
    stem = stem.strip(" .")
    if not stem:
        return FALLBACK_NAME
    return stem[: NAME_MAX - 4].rstrip(" .") + ".pdf"


def looks_like_pdf(data: bytes) -> bool:
    """A PDF by its content: the `%PDF-` header first and `%%EOF` near the end."""
    return data.startswith(PDF_MAGIC) and EOF_MARKER in data[-EOF_WINDOW:]


def human_size(size: int) -> str:
    """A limit in words: "10 MB", "512 KB", "2.5 MB", "2000 bytes"."""
    mb, kb = 1024 * 1024, 1024
    if size % mb == 0:
        return f"{size // mb} MB"
    if size >= mb:
        return f"{size / mb:.1f} MB"
    return f"{size // kb} KB" if size % kb == 0 else f"{size} bytes"


def read_capped(stream: BinaryIO, limit: int) -> bytes:
    """Read the upload in chunks and stop as soon as it passes `limit` bytes (413)."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            size = human_size(limit)
            raise PayloadTooLarge(translatable("The file is larger than %(size)s.", size=size),
                                  fields={"file": translatable("at most %(size)s per file",
                                                               size=size)})
        chunks.append(chunk)
    return b"".join(chunks)


def add_file(db: Session, *, entry: Entry, user: User, filename: str | None,
             stream: BinaryIO) -> SubmissionFile:
    """Check and keep one uploaded PDF in a draft entry (rate-limited per user and hour)."""
    check_editable(entry)
    settings = get_settings()
    submission = entry.submission
    if len(submission.files) >= settings.submission_max_files:
        most = settings.submission_max_files
        raise Conflict(translatable("An entry holds at most %(count)s files.", count=most),
                       code="too_many_files",
                       fields={"file": translatable("at most %(count)s files; delete one to "
                                                    "upload another", count=most)})
    rate_limit.check_and_record(
        db, action="submission.upload", key=f"user:{user.id}",
        limit=settings.rate_limits.submission_uploads_per_user_per_hour, window=rate_limit.HOUR,
        what=N_("file uploads"))
    data = read_capped(stream, settings.submission_max_file_bytes)
    if not looks_like_pdf(data):
        raise ValidationFailed(N_("The file is not a PDF document."),
                               fields={"file": N_("upload a complete PDF file (other formats "
                                                  "are not accepted)")})
    file_types.check_pdf(data, field="file")
    try:
        blind = file_types.pdf_without_metadata(data)
    except ValueError:
        raise ValidationFailed(N_("This file is not a readable PDF."), fields={"file": N_(
            "upload a complete PDF file (other formats are not accepted)")}) from None
    token = secrets.token_hex(16)
    stored_name = f"{token}.pdf"
    stored_files.write(db, folder() / stored_name, data)
    stored_files.write(db, folder() / f"{token}{BLIND_SUFFIX}", blind)
    now = clock.now()
    hold_draft(db, submission, at=now)
    record = SubmissionFile(
        original_name=display_name(filename), stored_name=stored_name, media_type=MEDIA_TYPE,
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id,
        created_at=now)
    submission.files.append(record)
    db.flush()
    return record


def find_file(entry: Entry, file_id: int) -> SubmissionFile:
    for record in entry.submission.files:
        if record.id == file_id:
            return record
    raise NotFound(N_("No such file in this entry."))


def delete_file(db: Session, *, entry: Entry, file_id: int) -> None:
    """Remove a file from a draft; the stored file goes once the change is committed."""
    check_editable(entry)
    record = find_file(entry, file_id)
    hold_draft(db, entry.submission, at=clock.now())
    entry.submission.files.remove(record)
    _delete_after_commit(db, record)
    db.flush()


def stored_path(entry: Entry, file_id: int) -> tuple[Path, SubmissionFile]:
    """The file on disk and its record, for a download (404 when missing)."""
    record = find_file(entry, file_id)
    path = path_of(record)
    if not path.is_file():
        raise NotFound(N_("No such file in this entry."))
    return path, record


def discard_all(db: Session, submission: Submission) -> None:
    """Delete an entry's stored files once the transaction deleting the entry commits."""
    for record in submission.files:
        _delete_after_commit(db, record)


def _delete_after_commit(db: Session, record: SubmissionFile) -> None:
    original = path_of(record)
    stored_files.delete_after_commit(db, original)
    stored_files.delete_after_commit(db, original.with_name(f"{original.stem}{BLIND_SUFFIX}"))
