"""Every body has a ceiling (1 MiB by default): a larger declared or streamed body is a 413
before any of it is parsed; uploads and the imports declare their own
(test_body_limit_streaming.py sends 200 MB to each kind of route)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.challenges import covers
from app.config import Settings
from app.inventory.models import Mechanism
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES, BodyLimitMiddleware, allow_larger
from tests.factories import make_user, token_for

LIMIT = 1024 * 1024


def chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body without Content-Length (sent chunked)."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_a_json_body_over_the_ceiling_is_a_413_and_writes_nothing(client: TestClient,
                                                                  db: Session) -> None:
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    headers = {**token_for(client, "curator@example.org"), "content-type": "application/json"}
    body = json.dumps({"name": "Big", "kind": "programme", "description": "x" * LIMIT}).encode()
    for content in (body, chunks(body)):
        response = client.post("/api/v1/mechanisms", content=content, headers=headers)
        assert response.status_code == 413, response.text
        assert response.json()["error"] == {
            "code": "too_large", "message": "The request body is larger than 1,048,576 bytes.",
            "fields": {"body": f"at most {LIMIT} bytes"}}
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0
    # Just under the ceiling the body is read and validated as usual (too long a description).
    small = json.dumps({"name": "Big", "kind": "programme",
                        "description": "x" * (LIMIT - 100)}).encode()
    assert client.post("/api/v1/mechanisms", content=small, headers=headers).status_code == 422


def test_a_page_form_over_the_ceiling_is_a_413_page(client: TestClient) -> None:
    response = client.post("/login", content=b"email=" + b"a" * (LIMIT + 1),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "The request body is larger than 1,048,576 bytes." in response.text


def test_the_imports_take_files_larger_than_the_ceiling(client: TestClient, db: Session) -> None:
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    headers = token_for(client, "curator@example.org")
    document = client.get("/api/v1/inventory/export", headers=headers).json()
    document["padding"] = "x" * (2 * LIMIT)  # read, then refused for what it says, not its size
    response = client.post("/api/v1/inventory/import", content=json.dumps(document),
                           headers={**headers, "content-type": "application/json"})
    assert response.status_code != 413, response.text


def test_each_route_has_its_declared_ceiling_for_its_methods_only(app: FastAPI,
                                                                   settings: Settings) -> None:
    middleware = BodyLimitMiddleware(app, limit=LIMIT)

    def ceiling(method: str, path: str) -> int:
        return middleware.limit_for({"app": app, "method": method, "path": path})

    cover = covers.MAX_BYTES + MULTIPART_OVERHEAD_BYTES
    assert ceiling("PUT", "/api/v1/challenges/7/cover") == cover
    assert ceiling("POST", "/challenges/7/cover") == cover
    assert ceiling("DELETE", "/api/v1/challenges/7/cover") == LIMIT  # same path, no upload
    assert ceiling("POST", "/challenges/7/cover/extra") == LIMIT
    assert ceiling("POST", "/challenges/new") == LIMIT
    # The entry upload's ceiling follows the settings, read at each request.
    settings.submission_max_file_bytes, settings.submission_max_files = 3 * LIMIT, 2
    assert ceiling("POST", "/submissions/5/files") == 6 * LIMIT + MULTIPART_OVERHEAD_BYTES
    settings.submission_max_files = 3
    assert ceiling("POST", "/api/v1/submissions/5/files") == 9 * LIMIT + MULTIPART_OVERHEAD_BYTES
    assert ceiling("POST", "/inventory/transfer/import") > 20 * LIMIT
    assert ceiling("POST", "/needs/import") > 10_000_000
    # A path template declared without a marked endpoint: any method, one segment per {name}.
    allow_larger("/api/v1/test-only/{item_id}/upload", 5 * LIMIT)
    assert ceiling("POST", "/api/v1/test-only/12/upload") == 5 * LIMIT
    assert ceiling("POST", "/api/v1/test-only/12/13/upload") == LIMIT
