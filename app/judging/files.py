"""Where an entry's files are kept and how they are handed to judges.

The submissions domain stores the files and says where (`uploads.path_of`) and with which
headers they leave (`downloads.PRIVATE_FILE_HEADERS`: `nosniff`, a sandboxing CSP, private
caching); this module only names the download after the entry code, because the entrant's own
file name often carries their name.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse

from app.submissions.downloads import PRIVATE_FILE_HEADERS
from app.submissions.models import SubmissionFile
from app.submissions.uploads import MEDIA_TYPE, path_of


def stored_path(record: SubmissionFile) -> Path:
    """The file on disk (as the submissions domain keeps it)."""
    return path_of(record)


def download_name(code: str, number: int) -> str:
    return f"{code}-{number}.pdf"


def file_response(path: Path, name: str) -> FileResponse:
    """`name` is ours (an entry code and a number): plain ASCII, safe in the header as is."""
    return FileResponse(path, media_type=MEDIA_TYPE, headers={
        **PRIVATE_FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})
