"""Who sees an entry (OWASP ASVS 8.2.1/8.2.2, no IDOR): its entrants always; the challenge's
owner and admins once it is submitted, never as a draft; everyone else gets 404 for the entry,
its files and its receipts, through the API and the pages alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.challenges.factories import sponsor
from tests.factories import login, make_user, token_for
from tests.files import minimal_pdf
from tests.submissions.factories import (
    add_pdf,
    open_challenge,
    register,
    solver,
    start,
    submitted,
)

OTHERS = ("other_solver", "other_sponsor", "judge", "verifier", "curator")


@pytest.fixture
def cast(db: Session, clock):
    arena = open_challenge(db, clock)
    entrant, other_solver = solver(db), solver(db)
    register(db, arena.challenge, entrant)
    register(db, arena.challenge, other_solver)
    draft = start(db, arena.challenge, other_solver)  # the other solver's own draft
    add_pdf(db, draft, other_solver)
    entry, _ = submitted(db, arena.challenge, entrant)
    people = {"entrant": entrant, "owner": arena.owner, "admin": arena.admin,
              "other_solver": other_solver, "other_sponsor": sponsor(db),
              "judge": make_user(db, roles=[Role.JUDGE]),
              "verifier": make_user(db, roles=[Role.VERIFIER]),
              "curator": make_user(db, roles=[Role.CURATOR])}
    return {"people": people, "sid": entry.submission.id,
            "fid": entry.submission.files[0].id, "draft": draft.submission.id,
            "draft_fid": draft.submission.files[0].id, "cid": arena.challenge.id}


def reads(sid: int, fid: int) -> list[str]:
    return [f"/api/v1/submissions/{sid}", f"/api/v1/submissions/{sid}/files/{fid}",
            f"/api/v1/submissions/{sid}/receipts/1"]


def pages(sid: int, fid: int) -> list[str]:
    return [f"/submissions/{sid}", f"/submissions/{sid}/files/{fid}",
            f"/submissions/{sid}/receipts/1", f"/submissions/{sid}/receipts/1.json"]


@pytest.mark.parametrize("who", OTHERS)
def test_everyone_else_is_told_the_entry_does_not_exist(client: TestClient, cast,
                                                        who: str) -> None:
    person = cast["people"][who]
    headers = token_for(client, person.email or "")
    sid, fid = cast["sid"], cast["fid"]
    for url in reads(sid, fid):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, (who, url)
        assert response.json()["error"]["code"] == "not_found"
    for method, url, kwargs in (
            ("PATCH", f"/api/v1/submissions/{sid}", {"json": {"title": "Mine now"}}),
            ("POST", f"/api/v1/submissions/{sid}/reopen", {}),
            ("DELETE", f"/api/v1/submissions/{sid}/files/{fid}", {}),
            ("POST", f"/api/v1/submissions/{sid}/files",
             {"files": {"file": ("x.pdf", minimal_pdf(b"mine"), "application/pdf")}})):
        response = client.request(method, url, headers=headers, **kwargs)
        assert response.status_code == 404, (who, method, url)
    login(client, person.email or "")
    for url in pages(sid, fid):
        assert client.get(url).status_code == 404, (who, url)
    client.cookies.clear()


def test_a_file_of_another_entry_is_not_reachable_through_mine(client: TestClient,
                                                               cast) -> None:
    headers = token_for(client, cast["people"]["entrant"].email or "")
    mine, theirs = cast["sid"], cast["draft_fid"]
    assert client.get(f"/api/v1/submissions/{mine}/files/{theirs}",
                      headers=headers).status_code == 404
    assert client.delete(f"/api/v1/submissions/{mine}/files/{theirs}",
                         headers=headers).status_code in (404, 409)
    assert client.get(f"/api/v1/submissions/{cast['draft']}",
                      headers=headers).status_code == 404


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_managers_see_submitted_entries_but_never_drafts(client: TestClient, cast,
                                                         who: str) -> None:
    headers = token_for(client, cast["people"][who].email or "")
    for url in reads(cast["sid"], cast["fid"]):
        assert client.get(url, headers=headers).status_code == 200, url
    for url in reads(cast["draft"], cast["draft_fid"])[:2]:
        assert client.get(url, headers=headers).status_code == 404, url
    listed = client.get(f"/api/v1/challenges/{cast['cid']}/submissions", headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [cast["sid"]]
    # They see it, so changing it is forbidden rather than hidden.
    refused = client.patch(f"/api/v1/submissions/{cast['sid']}", json={"title": "Edited"},
                           headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_entrant"
    login(client, cast["people"][who].email or "")
    for url in pages(cast["sid"], cast["fid"]):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/submissions/{cast['draft']}").status_code == 404


def test_nobody_signed_out_sees_anything(client: TestClient, cast) -> None:
    for url in reads(cast["sid"], cast["fid"]):
        assert client.get(url).status_code == 401
    for url in pages(cast["sid"], cast["fid"]):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_entry_page_is_only_for_registered_entrants(client: TestClient, cast) -> None:
    login(client, cast["people"]["other_sponsor"].email or "")
    response = client.get(f"/challenges/{cast['cid']}/submission")
    assert response.status_code == 404 and "not registered" in response.text
    assert client.get(f"/challenges/{cast['cid']}/submissions").status_code == 403
