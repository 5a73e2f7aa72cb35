"""Where an entry's files are kept and how they are handed to judges.

The submissions domain stores the files, with a blind copy of each (no Author, Creator,
Producer, Title, dates or XMP: `uploads.blind_path` says why it is made at upload), and says
with which headers they leave (`downloads.PRIVATE_FILE_HEADERS`: `nosniff`, a sandboxing CSP,
private caching); judges get the blind copy, named after the entry code, because the entrant's
own file name and document properties often carry their name.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse

from app.submissions.downloads import PRIVATE_FILE_HEADERS
from app.submissions.models import SubmissionFile
from app.submissions.uploads import MEDIA_TYPE, blind_path


def stored_path(record: SubmissionFile) -> Path:
    """The file's blind copy on disk (404 when the file is missing or unreadable)."""
    return blind_path(record)


def download_name(code: str, number: int) -> str:
    return f"{code}-{number}.pdf"


def file_response(path: Path, name: str) -> FileResponse:
    """`name` is ours (an entry code and a number): plain ASCII, safe in the header as is."""
    return FileResponse(path, media_type=MEDIA_TYPE, headers={
        **PRIVATE_FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})
