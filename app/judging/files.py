"""Where an entry's files are kept and how they are handed to judges.

Kept to one small module on purpose: the submissions domain stores the files (upload_dir /
"submission-files" / stored_name) and has its own download response; once both are on main
this module can defer to it. A judge gets the file as an attachment named after the entry code
(the entrant's own file name may carry their name), never inline under our origin: `nosniff`
and a sandboxing Content-Security-Policy, as the submissions module sends them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse

from app.config import get_settings
from app.submissions.models import SubmissionFile

FOLDER = "submission-files"
MEDIA_TYPE = "application/pdf"
PRIVATE_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}


def stored_path(record: SubmissionFile) -> Path:
    """The file on disk; only the base name of the stored name is used (never a path)."""
    upload_dir = get_settings().upload_dir
    assert upload_dir is not None
    return Path(upload_dir) / FOLDER / Path(record.stored_name).name


def download_name(code: str, number: int) -> str:
    return f"{code}-{number}.pdf"


def file_response(path: Path, name: str) -> FileResponse:
    """`name` is ours (an entry code and a number): plain ASCII, safe in the header as is."""
    return FileResponse(path, media_type=MEDIA_TYPE, headers={
        **PRIVATE_FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})
