"""A 200 MB body is refused after at most its route's ceiling has been read, whatever it is
(multipart page form, cover upload, JSON API), signed in or not, declared or chunked.

The app is called as an ASGI server calls it, with a `receive` that makes each chunk only when
the app asks for it and counts what it handed over: a body the app refuses early costs nothing
here, and one it reads whole would show as 200 MB pulled."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.types import Message

from app.accounts.models import Role
from app.challenges import covers
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES
from tests.challenges.factories import draft, sponsor
from tests.concurrency import run_async
from tests.factories import PASSWORD, login, make_user, token_for

TOTAL = 200 * 1024 * 1024
CHUNK = 64 * 1024
PAGE_LIMIT = 1024 * 1024
COVER_LIMIT = covers.MAX_BYTES + MULTIPART_OVERHEAD_BYTES
BOUNDARY = "vcboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart_head(field_name: str) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field_name}\"; "
            f"filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n").encode()


@dataclass
class Sent:
    """A 200 MB body made chunk by chunk as it is pulled."""

    head: bytes
    pulled: int = 0
    messages: list[Message] = field(default_factory=list)

    async def receive(self) -> Message:
        if self.pulled >= TOTAL:
            await asyncio.sleep(3600)  # a client that sent everything waits for the answer
        chunk = self.head if self.pulled == 0 and self.head else b"\0" * CHUNK
        chunk = chunk[:TOTAL - self.pulled]
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.pulled < TOTAL}

    async def send(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.messages
                        if m["type"] == "http.response.start"))

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages
                        if m["type"] == "http.response.body")


def send_huge(app: FastAPI, method: str, path: str, *, content_type: str, head: bytes,
              chunked: bool, headers: dict[str, str] | None = None) -> Sent:
    sent = Sent(head)
    raw = [(b"host", b"testserver"), (b"content-type", content_type.encode())]
    raw.append((b"transfer-encoding", b"chunked") if chunked
               else (b"content-length", str(TOTAL).encode()))
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": raw,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {}}
    run_async(asyncio.wait_for(app(scope, sent.receive, sent.send), timeout=120))
    return sent


@pytest.fixture
def people(client: TestClient, db: Session) -> dict[str, object]:
    owner = sponsor(db, email="sponsor@example.org")
    challenge = draft(db, owner)
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    tokens = {"sponsor_token": token_for(client, "sponsor@example.org"),
              "curator_token": token_for(client, "curator@example.org")}
    login(client, "sponsor@example.org", PASSWORD)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"challenge": challenge.id, "cookie": {"cookie": cookie}, **tokens}


CASES = [  # (name, method, path, content type, multipart field, ceiling, who)
    ("page form, signed out", "POST", "/challenges/new", MULTIPART, "description", PAGE_LIMIT,
     None),
    ("page form, signed in", "POST", "/challenges/new", MULTIPART, "description", PAGE_LIMIT,
     "cookie"),
    ("cover page, signed out", "POST", "/challenges/{id}/cover", MULTIPART, "cover",
     COVER_LIMIT, None),
    ("cover page, signed in", "POST", "/challenges/{id}/cover", MULTIPART, "cover",
     COVER_LIMIT, "cookie"),
    ("cover API, signed out", "PUT", "/api/v1/challenges/{id}/cover", MULTIPART, "cover",
     COVER_LIMIT, None),
    ("cover API, signed in", "PUT", "/api/v1/challenges/{id}/cover", MULTIPART, "cover",
     COVER_LIMIT, "sponsor_token"),
    ("JSON API, signed out", "POST", "/api/v1/mechanisms", "application/json", None,
     PAGE_LIMIT, None),
    ("JSON API, signed in", "POST", "/api/v1/mechanisms", "application/json", None,
     PAGE_LIMIT, "curator_token"),
]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("name", "method", "path", "content_type", "part", "ceiling", "who"),
                         CASES, ids=[c[0] for c in CASES])
def test_a_huge_body_is_refused_after_at_most_its_ceiling(
        app: FastAPI, people: dict[str, object], name: str, method: str, path: str,
        content_type: str, part: str | None, ceiling: int, who: str | None,
        chunked: bool) -> None:
    path = path.format(id=people["challenge"])
    headers = people[who] if who else {}
    assert isinstance(headers, dict)
    head = multipart_head(part) if part else b'{"name": "' + b"x" * 100
    sent = send_huge(app, method, path, content_type=content_type, head=head, chunked=chunked,
                     headers=headers)
    if chunked:  # counted while it arrives: refused once past the ceiling
        assert ceiling < sent.pulled <= ceiling + CHUNK, (name, sent.pulled)
    else:  # the declared length is over: nothing is read
        assert sent.pulled == 0, (name, sent.pulled)
    assert sent.status == 413, (name, sent.status)
    message = f"The request body is larger than {ceiling:,} bytes.".encode()
    if path.startswith("/api/"):
        assert json.loads(sent.body)["error"]["code"] == "too_large"
        assert json.loads(sent.body)["error"]["message"] == message.decode()
    else:  # the site's own error page, in its layout
        assert b"<h1>There is a problem</h1>" in sent.body and message in sent.body


def test_a_route_that_declares_no_ceiling_keeps_the_default_for_multipart(
        client: TestClient) -> None:
    """Multipart is no longer a way around the ceiling (it was skipped before)."""
    body = b"--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + \
        b"a" * PAGE_LIMIT + b"\r\n--b--\r\n"
    response = client.post("/login", content=body,
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert "The request body is larger than 1,048,576 bytes." in response.text


def test_an_upload_route_takes_what_its_ceiling_allows(
        client: TestClient, people: dict[str, object]) -> None:
    """Just under the cover's ceiling the body reaches the route, which judges the file."""
    url = f"/api/v1/challenges/{people['challenge']}/cover"
    headers = people["sponsor_token"]
    assert isinstance(headers, dict)
    over_default = b"\x89PNG" + b"\0" * (PAGE_LIMIT + 10)
    response = client.put(url, files={"cover": ("x.png", over_default, "image/png")},
                          headers=headers)
    assert response.status_code == 422, response.text  # not an image: read and judged
    assert "cover" in response.json()["error"]["fields"]
