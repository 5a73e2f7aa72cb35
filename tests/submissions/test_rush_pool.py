"""A deadline rush on one worker: more entrants at once than the worker has threads and pooled
connections, each saving, uploading or submitting through the API, or submitting from the entry
page (bench/deadline_rush.py measures the whole rush against a real server).

A request must never hold a pooled connection while it waits for a worker thread: a synchronous
dependency that reads the entry (or the challenge) in one thread and an endpoint that goes on in
another left the connection checked out in between, so once every thread held a request that
waited for a connection, and every connection a request that waited for a thread, the worker
stood still until the pool's timeout turned them into 500s (seen in the rush as `QueuePool limit
... reached` from `entry_to_change` and `visible_challenge`). Here the worker has two threads
and two connections, as the server has 40 of each, and eight entrants come at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import auth
from app.accounts.models import User
from app.config import Settings
from app.submissions.models import Submission, SubmissionReceipt, SubmissionState
from tests.challenges.factories import Clock
from tests.concurrency import THREADS, run_async, small_pool
from tests.factories import csrf_from, login
from tests.submissions.factories import add_pdf, open_challenge, pdf, register, solver, start

CROWD = 8


Call = Callable[[httpx.AsyncClient, int, dict[str, str]], Any]
# Each step: its request (to the challenge's or the entry's path) and the status it answers.
STEPS: dict[str, tuple[Call, int]] = {
    "save": (lambda client, challenge_id, headers: client.post(
        f"/api/v1/challenges/{challenge_id}/submission", headers=headers,
        json={"title": "Cold room at the deadline"}), 201),
    "upload": (lambda client, submission_id, headers: client.post(
        f"/api/v1/submissions/{submission_id}/files", headers=headers,
        files={"file": ("plan.pdf", pdf(size=64 * 1024), "application/pdf")}), 201),
    "submit": (lambda client, submission_id, headers: client.post(
        f"/api/v1/submissions/{submission_id}/submit", headers=headers), 200),
    # The entry page's Submit button: a browser's session cookie and CSRF token.
    "submit page": (lambda client, submission_id, headers: client.post(
        f"/submissions/{submission_id}/submit", headers=headers), 303),
}


def browser(client: TestClient, person: User, challenge_id: int) -> dict[str, str]:
    """The headers of `person`'s signed-in browser: its cookies and the page's CSRF token."""
    client.cookies.clear()
    login(client, person.email or "")
    token = csrf_from(client.get(f"/challenges/{challenge_id}/submission").text)
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    client.cookies.clear()
    return {"cookie": cookies, "x-csrf-token": token}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_crowd_at_the_deadline_never_waits_out_the_connection_pool(
        step: str, app: FastAPI, client: TestClient, db: Session, clock: Clock,
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    arena = open_challenge(db, clock)
    crowd: list[tuple[int, dict[str, str]]] = []  # the path's id and the headers, per entrant
    for _ in range(CROWD):
        person = solver(db)
        register(db, arena.challenge, person)
        target = arena.challenge.id
        if step != "save":
            entry = start(db, arena.challenge, person)
            target = entry.submission.id
            if step.startswith("submit"):
                add_pdf(db, entry, person)
        if step == "submit page":
            headers = browser(client, person, arena.challenge.id)
        else:
            raw = auth.create_token(db, user=person, name="rush")[1]
            db.commit()
            headers = {"authorization": f"Bearer {raw}"}
        crowd.append((target, headers))
    app.state.session_maker = small_pool(monkeypatch, settings.database_url)
    call, expected = STEPS[step]

    async def rush() -> list[httpx.Response]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return list(await asyncio.gather(*(call(client, target, headers)
                                               for target, headers in crowd)))

    answers = run_async(rush())
    assert [a.status_code for a in answers] == [expected] * CROWD, \
        [a.text[:200] for a in answers if a.status_code != expected]
    db.expire_all()
    mine = Submission.challenge_id == arena.challenge.id
    if step.startswith("submit"):
        sealed = select(func.count()).select_from(SubmissionReceipt).join(Submission).where(mine)
        assert db.scalar(sealed) == CROWD
        assert db.scalar(select(func.count()).select_from(Submission).where(
            mine, Submission.state == SubmissionState.SUBMITTED)) == CROWD
    else:
        assert db.scalar(select(func.count()).select_from(Submission).where(mine)) == CROWD
