"""A zip import unpacks to at most `import_max_unpacked_bytes` in at most `import_max_files`
files, judged by the zip's directory and again while unpacking (a directory can lie): a zip
bomb is a 422 with a clear message, and the server never holds what it would unpack to."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.config import Settings
from app.inventory import transfer_csv
from app.inventory.models import Mechanism
from app.inventory.transfer import ImportFailed
from tests.factories import PASSWORD, csrf_from, login, make_user
from tests.inventory.factories import curator

HEADER = ",".join(transfer_csv.MECHANISM_COLUMNS).encode() + b"\r\n"
ROW = b"Bomb mechanism,,network,,A description,,,,WORLD,,,active,,,,,,\r\n"
MiB = 1024 * 1024


def csv_zip(size: int, *, name: str = "mechanisms.csv") -> bytes:
    """A zip whose one CSV unpacks to `size` bytes, written a MiB at a time (never held whole)."""
    buffer = io.BytesIO()
    chunk = ROW * (MiB // len(ROW))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open(name, "w") as member:
        member.write(HEADER)
        written = len(HEADER)
        while written < size:
            member.write(chunk)
            written += len(chunk)
    return buffer.getvalue()


def lying(content: bytes, declared: int) -> bytes:
    """`content` (a one-file zip) with the file's unpacked size said to be `declared`, in the
    central directory and the local header alike."""
    data = bytearray(content)
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, declared)
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, declared)
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """64 MiB of CSV in about 200 KB: over the 50 MiB default."""
    return csv_zip(64 * MiB)


def peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    except ImportFailed:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking(bomb: bytes,
                                                                    settings: Settings) -> None:
    assert len(bomb) < MiB
    with pytest.raises(ImportFailed) as caught:
        transfer_csv.bundle_from_zip(bomb)
    assert caught.value.problems == [{
        "where": "file", "field": "body",
        "message": "the zip unpacks to more than 52,428,800 bytes"}]
    assert peak_memory(lambda: transfer_csv.bundle_from_zip(bomb)) < 4 * MiB


def test_a_zip_bomb_is_a_422_on_the_api_and_the_page(client: TestClient, db: Session,
                                                     bomb: bytes) -> None:
    response = client.post("/api/v1/inventory/import", content=bomb,
                           headers={**curator(client, db), "content-type": "application/zip"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"][0]["message"] == \
        "the zip unpacks to more than 52,428,800 bytes"
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0


def test_the_page_import_refuses_a_zip_bomb(client: TestClient, db: Session,
                                            bomb: bytes) -> None:
    make_user(db, roles=[Role.CURATOR], email="page-curator@example.org")
    login(client, "page-curator@example.org", PASSWORD)
    token = csrf_from(client.get("/inventory/transfer").text)
    response = client.post("/inventory/transfer/import", data={"csrf_token": token},
                           files={"file": ("inventory.zip", bomb, "application/zip")})
    assert response.status_code == 422
    assert "the zip unpacks to more than 52,428,800 bytes" in response.text
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0


def test_a_zip_whose_directory_lies_is_stopped_while_unpacking(settings: Settings) -> None:
    settings.import_max_unpacked_bytes = MiB
    liar = lying(csv_zip(8 * MiB), declared=1000)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("mechanisms.csv").file_size == 1000
    with pytest.raises(ImportFailed) as caught:
        transfer_csv.bundle_from_zip(liar)
    [problem] = caught.value.problems
    assert problem["where"] == "mechanisms.csv" and problem["field"] == "body"
    assert problem["message"].startswith("the zip file is damaged")
    assert peak_memory(lambda: transfer_csv.bundle_from_zip(liar)) < 4 * MiB


def test_a_zip_of_too_many_files_is_refused(settings: Settings) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mechanisms.csv", HEADER)
        for n in range(settings.import_max_files):
            archive.writestr(f"extra-{n}.csv", b"")
    with pytest.raises(ImportFailed) as caught:
        transfer_csv.bundle_from_zip(buffer.getvalue())
    assert caught.value.problems[0]["message"] == \
        f"the zip holds more than {settings.import_max_files} files"


def test_an_honest_zip_under_the_limits_still_imports(client: TestClient, db: Session,
                                                      settings: Settings) -> None:
    settings.import_max_unpacked_bytes = 2 * MiB
    content = csv_zip(MiB)  # one mechanism, many times: the import reports the repetition
    bundle = transfer_csv.bundle_from_zip(content)
    assert len(bundle.mechanisms) > 10_000 and bundle.problems == []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mechanisms.csv", HEADER + ROW)
    small = buffer.getvalue()
    response = client.post("/api/v1/inventory/import", content=small,
                           headers={**curator(client, db), "content-type": "application/zip"})
    assert response.status_code == 200, response.text
    assert response.json()["created"]["mechanism"] == 1


def test_unpacking_stops_once_past_what_is_left_of_the_allowance(settings: Settings) -> None:
    """The counter itself (a zip library that believed a lying directory would reach it): it
    stops one chunk past the allowance, not at the end of the file."""
    archive = zipfile.ZipFile(io.BytesIO(csv_zip(4 * MiB)))
    with pytest.raises(ImportFailed) as caught:
        transfer_csv._unpacked(archive, "mechanisms.csv", 100_000)
    assert caught.value.problems[0]["message"] == \
        "the zip unpacks to more than 52,428,800 bytes"
    assert peak_memory(lambda: transfer_csv._unpacked(archive, "mechanisms.csv", 100_000)) \
        < MiB
