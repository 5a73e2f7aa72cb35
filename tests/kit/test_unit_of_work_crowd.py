"""More requests at once than a worker has threads and pooled connections, on routes whose
synchronous dependency loads the challenge in one thread before the endpoint runs in another
(app/kit/unit_of_work.concurrent_requests says why that once stood the worker still until the
pool's timeout turned every request into a 500). The worker here has two threads and two
connections, as the server has 40 of each, and twelve signed-in people come at once."""

from __future__ import annotations

import asyncio

import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.accounts import auth
from app.config import Settings
from tests.challenges.factories import Clock
from tests.concurrency import THREADS, run_async, small_pool
from tests.submissions.factories import open_challenge, solver

CROWD = 12


@pytest.mark.parametrize("path", ["/challenges/{id}", "/challenges/{id}/contract",
                                  "/api/v1/challenges/{id}/awards/inputs"])
def test_a_crowd_on_routes_with_a_database_dependency_never_waits_out_the_pool(
        path: str, app: FastAPI, db: Session, clock: Clock, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    arena = open_challenge(db, clock)
    headers = []
    for _ in range(CROWD):
        raw = auth.create_token(db, user=solver(db), name="crowd")[1]
        headers.append({"authorization": f"Bearer {raw}"})
    db.commit()
    app.state.session_maker = small_pool(monkeypatch, settings.database_url)
    url = path.replace("{id}", str(arena.challenge.id))

    async def crowd() -> list[httpx.Response]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return list(await asyncio.gather(*(client.get(url, headers=h) for h in headers)))

    answers = run_async(crowd())
    statuses = {a.status_code for a in answers}
    assert 500 not in statuses, [a.text[:200] for a in answers if a.status_code == 500]
    assert len(statuses) == 1, statuses  # everyone got the same answer, none timed out
