"""Dependencies of the entry routes: reading an upload request without taking in more than the
file limit allows.

The entry (or the challenge) in the path is loaded by the endpoint itself (`access.load`,
`access.load_for_entrant`, `challenges.service.get`), never by a synchronous dependency: FastAPI
runs such a dependency in one pool thread and the endpoint in another, and the request's pooled
connection, checked out by the dependency, stayed out while the request waited for the second
thread. In a deadline rush every thread then held a request waiting for a connection and every
connection a request waiting for a thread, until the pool's timeout answered 500
(tests/submissions/test_rush_pool.py, bench/deadline_rush.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, BinaryIO

from fastapi import Depends, Request

from app.accounts.deps import UNSAFE_METHODS
from app.config import Settings, get_settings
from app.errors import LengthRequired, PayloadTooLarge
from app.i18n.translate import translatable
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES
from app.submissions.uploads import human_size

UPLOAD_FIELD = "file"
# Room for the multipart envelope around one file: boundaries, part headers, the CSRF field.
ENVELOPE_BYTES = MULTIPART_OVERHEAD_BYTES


def upload_ceiling(settings: Settings) -> int:
    """The body ceiling of the upload routes (app/kit/body_limit.py): every file an entry may
    hold, and the envelope. `upload_size_guard` then holds each request to one file."""
    return settings.submission_max_file_bytes * settings.submission_max_files + ENVELOPE_BYTES


async def upload_size_guard(request: Request) -> None:
    """Refuse a multipart body larger than one file and its envelope before anything reads it.

    The declared Content-Length is checked, and the server never reads past it, so an upload
    far over the limit is refused unread. A chunked body states no length: refused with 411.
    The file's own size is checked again, exactly, while it is read (`uploads.read_capped`).
    Page routers put this before `csrf_protect`, which reads the form.
    """
    content_type = request.headers.get("content-type", "")
    if request.method not in UNSAFE_METHODS or \
            not content_type.lower().startswith("multipart/form-data"):
        return
    length = request.headers.get("content-length", "")
    if "transfer-encoding" in request.headers or not length.isdigit():
        raise LengthRequired()
    limit = get_settings().submission_max_file_bytes
    if int(length) > limit + ENVELOPE_BYTES:
        size = human_size(limit)
        raise PayloadTooLarge(translatable("The file is larger than %(size)s.", size=size),
                              fields={UPLOAD_FIELD: translatable("at most %(size)s per file",
                                                                 size=size)})


@dataclass(frozen=True)
class Upload:
    filename: str | None
    file: BinaryIO


async def upload_form(request: Request, _guard: Annotated[None, Depends(upload_size_guard)]
                      ) -> AsyncIterator[Upload | None]:
    """The uploaded file of a multipart form (field `file`), or None when none was chosen.

    The parsed form's temporary files are closed (and so deleted) once the request is done.
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        yield None
        return
    form = await request.form(max_files=1, max_fields=10)
    try:
        item = form.get(UPLOAD_FIELD)
        # A browser sends an empty, nameless part when no file was chosen.
        if item is None or isinstance(item, str) or (not item.filename and not item.size):
            yield None
        else:
            yield Upload(filename=item.filename, file=item.file)
    finally:
        await form.close()


UploadForm = Annotated[Upload | None, Depends(upload_form)]
