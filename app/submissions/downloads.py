"""Responses that hand out an entry's files and receipts.

A file is sent as an attachment, never shown inline under our origin: `nosniff`, a sandboxing
Content-Security-Policy and a download name made safe for the header (RFC 6266, with the exact
name in RFC 5987 encoding beside an ASCII fallback).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse, Response

from app.submissions.models import SubmissionFile, SubmissionReceipt
from app.submissions.uploads import MEDIA_TYPE

PRIVATE_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._ ()-]")


def content_disposition(name: str) -> str:
    fallback = _NOT_PLAIN.sub("_", name) or "document.pdf"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(path: Path, record: SubmissionFile) -> FileResponse:
    return FileResponse(path, media_type=MEDIA_TYPE, headers={
        **PRIVATE_FILE_HEADERS, "Content-Disposition": content_disposition(record.original_name)})


def receipt_response(receipt: SubmissionReceipt, *, submission_id: int,
                     attachment: bool) -> Response:
    """The receipt's canonical JSON, byte for byte as hashed (SHA-256 in `X-Receipt-SHA256`)."""
    headers = {**PRIVATE_FILE_HEADERS, "X-Receipt-SHA256": receipt.sha256}
    if attachment:
        headers["Content-Disposition"] = content_disposition(
            f"submission-{submission_id}-receipt-{receipt.number}.json")
    return Response(receipt.canonical_json.encode("utf-8"), media_type="application/json",
                    headers=headers)
