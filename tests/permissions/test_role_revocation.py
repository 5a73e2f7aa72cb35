"""Roles take effect at once (issue 17): a role an admin takes back opens nothing more.

Driven by the permission matrix: for each role, every route where the role's person is allowed
and that is neither public nor open to every signed-in person is tried again, with the same
session and token, after an admin revoked the role through `accounts.service.revoke_role`. Each
must be refused (403, or 404 where the object is hidden), with no server error and no change to
the database. Owning the object (the challenge's sponsor, the panel's judge, the verifier on
duty) is never enough without the role. A new route in the matrix is covered without a change
here; the routes a person keeps without the role are listed below with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.db import dispose_engines, session_factory
from tests.permissions.checker import UNSAFE, CellResult, run_cell
from tests.permissions.matrix import ALLOW, D403, H404, MATRIX, Row
from tests.permissions.revocation import Snapshot, snapshot
from tests.permissions.scenario import COOKIE, ROLES
from tests.permissions.test_matrix import Env, _back_to_scenario, _on_copy, env

__all__ = ["env"]  # the scenario fixture, shared with the matrix's own tests

# The scenario's person -> the one role they hold, which is taken back.
REVOKED: dict[str, Role] = {
    "sponsor_owner": Role.SPONSOR,
    "curator": Role.CURATOR,
    "judge_assigned": Role.JUDGE,
    "verifier": Role.VERIFIER,
    "admin": Role.ADMIN,
}

# The person's own account (tokens, sessions, linked identities, password, email): theirs
# whatever roles they hold; whatever of it the matrix allows to one person stays allowed.
OWN_ACCOUNT = ("/account", "/api/v1/me", "/api/v1/auth")
_ENTERING = "entering a challenge is open to every signed-in person who is eligible"
_TEAM = "a team member (verifier is one in the scenario) stays one: teams need no role"
_INVITEE = "the invitation is to this person's address: joining a team needs no role"

# Allowed in the matrix, not public, not open to everyone signed in, and still allowed once the
# role is gone, for the reason given.
STAYS_ALLOWED: dict[tuple[str, str, str], str] = {
    **{(person, "POST", path): _ENTERING
       for person in ("curator", "judge_assigned", "verifier", "admin")
       for path in ("/api/v1/challenges/{challenge_id}/registrations",
                    "/challenges/{challenge_id:int}/register")},
    ("curator", "POST", "/api/v1/invitations/{invitation_id}/accept"): _INVITEE,
    ("curator", "POST", "/api/v1/invitations/{invitation_id}/decline"): _INVITEE,
    ("curator", "POST", "/teams/invitations/{invitation_id:int}/accept"): _INVITEE,
    ("curator", "POST", "/teams/invitations/{invitation_id:int}/decline"): _INVITEE,
    ("verifier", "GET", "/api/v1/teams/{team_id}"): _TEAM,
    ("verifier", "GET", "/teams/{team_id:int}"): _TEAM,
    ("verifier", "DELETE", "/api/v1/teams/{team_id}/members/{user_id}"): _TEAM,
    ("verifier", "POST", "/teams/{team_id:int}/members/{user_id:int}/remove"): _TEAM,
}


def _needs_a_role(person: str, entry: Row) -> bool:
    """Allowed to `person`, but neither public nor open to every signed-in person."""
    if entry.expect[person] != ALLOW or entry.expect["anonymous"] == ALLOW:
        return False
    return not all(entry.expect[r] == ALLOW for r in ROLES if r != "anonymous")


def _kept(person: str, method: str, path: str) -> bool:
    own = any(path == root or path.startswith(root + "/") for root in OWN_ACCOUNT)
    return own or (person, method, path) in STAYS_ALLOWED


def guarded(person: str) -> list[tuple[str, str]]:
    """The matrix's routes that `person` may use only while holding their role."""
    return [(m, p) for (m, p), entry in MATRIX.items()
            if _needs_a_role(person, entry) and not _kept(person, m, p)]


def kept(person: str) -> list[tuple[str, str]]:
    """The routes allowed to `person` (and not to everyone) that need no role."""
    return [(m, p) for (m, p), entry in MATRIX.items()
            if _needs_a_role(person, entry) and _kept(person, m, p)]


@pytest.fixture
def revoked(env: Env, request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A copy of the scenario where a second admin took `person`'s role back (the person keeps
    their browser session and token): (person, the copy's URL)."""
    person: str = request.param
    copy = _on_copy(env)
    try:
        with session_factory(copy)() as db:
            revoker = accounts_service.create_user(
                db, email="revoker@matrix.example", password="revoker password 0123456789",
                display_name="Matrix revoker", roles=[Role.ADMIN])
            user = accounts_service.get(db, user_id=env.scenario.people[person].user_id or 0)
            accounts_service.revoke_role(db, user=user, role=REVOKED[person], revoked_by=revoker)
            assert not user.has_role(REVOKED[person])
            db.commit()
        yield person, copy
    finally:
        _back_to_scenario(env, copy)


def _on_a_copy_of(env: Env, url: str, method: str, path: str, person: str) -> CellResult:
    dispose_engines()
    copy: str = env.databases.clone(url)  # type: ignore[attr-defined]
    env.app.state.session_maker = session_factory(copy)
    try:
        return run_cell(env.client, env.scenario, method, path, MATRIX[(method, path)], person)
    finally:
        env.app.state.session_maker = session_factory(url)
        dispose_engines()
        env.databases.drop(copy)  # type: ignore[attr-defined]


def _refused(result: CellResult) -> bool:
    # Every 403 leaves a record on the security log (as the matrix requires of every refusal).
    return result.got == H404 or (result.got == D403 and result.logged)


def _got(result: CellResult) -> str:
    return f"got {result.got.name if result.got else 'a server error'} ({result.detail})"


def test_every_kept_route_is_one_the_role_allowed() -> None:
    """The list above names only current matrix cells that would otherwise be checked."""
    for (person, method, path), reason in STAYS_ALLOWED.items():
        assert (method, path) in MATRIX, f"{method} {path} is no longer in the matrix"
        assert _needs_a_role(person, MATRIX[(method, path)]), (person, method, path)
        assert reason


def test_each_role_guards_something() -> None:
    # A selection that came out empty would make the revocation test pass without trying.
    assert {person: len(guarded(person)) > 0 for person in REVOKED} == dict.fromkeys(REVOKED,
                                                                                   True)
    assert ("GET", "/challenges/{challenge_id:int}/registrations.csv") in guarded("sponsor_owner")
    assert ("PUT", "/api/v1/challenges/{challenge_id}/judging/entries/{code}/scorecard") \
        in guarded("judge_assigned")
    assert ("DELETE", "/api/v1/auth/tokens/{token_id}") in kept("sponsor_owner")
    assert ("PUT", "/api/v1/challenges/{challenge_id}/verification/entries/{submission_id}/"
            "targets/{target_key}") in guarded("verifier")


@pytest.mark.parametrize("revoked", list(REVOKED), indirect=True)
def test_a_revoked_role_is_refused_everywhere_it_was_needed(env: Env,
                                                           revoked: tuple[str, str]) -> None:
    person, revoked_url = revoked
    failures: list[str] = []
    before: Snapshot = snapshot(env.app)
    for method, path in guarded(person):
        result = run_cell(env.client, env.scenario, method, path, MATRIX[(method, path)], person)
        after = snapshot(env.app)
        if not _refused(result):
            failures.append(f"{method} {path}: {_got(result)}, expected a refusal")
        changed = before.changes(after)
        if changed:
            failures.append(f"{method} {path}: changed {changed}")
        before = after
    # What needs no role stays open to them; each change on its own copy (two of them remove
    # the same membership).
    for method, path in kept(person):
        result = _on_a_copy_of(env, revoked_url, method, path, person) if method in UNSAFE \
            else run_cell(env.client, env.scenario, method, path, MATRIX[(method, path)], person)
        if result.got != ALLOW:
            failures.append(f"{method} {path}: {_got(result)}, expected it to stay allowed")
    assert not failures, f"{person} without the {REVOKED[person].value} role:\n" + "\n".join(
        failures)


# ---- through the admin's API, seen by the next request of a session and a token kept open -------

def _as(env: Env, person: str, method: str, url: str, *, page: bool = False,
        json: object = None) -> httpx.Response:
    who = env.scenario.people[person]
    headers = {"cookie": f"{COOKIE}={who.cookie}"} if page else {
        "authorization": f"Bearer {who.bearer}"}
    env.client.cookies.clear()
    response: httpx.Response = env.client.request(method, url, headers=headers, json=json,
                                                  follow_redirects=False)
    env.client.cookies.clear()
    return response


@pytest.fixture
def on_copy(env: Env) -> Iterator[Env]:
    copy = _on_copy(env)
    try:
        yield env
    finally:
        _back_to_scenario(env, copy)


def test_a_role_revoked_through_the_api_closes_the_next_request_at_once(on_copy: Env) -> None:
    env = on_copy
    objects, owner = env.scenario.objects, env.scenario.people["sponsor_owner"].user_id
    draft, live = int(objects["draft"]), int(objects["open"])
    registrations = f"/api/v1/challenges/{live}/registrations"

    def mine() -> set[int]:
        listed = _as(env, "sponsor_owner", "GET", "/api/v1/challenges?mine=true")
        assert listed.status_code == 200, listed.text
        return {item["id"] for item in listed.json()["items"]}

    csv_link = f'href="/challenges/{live}/registrations.csv"'
    assert _as(env, "sponsor_owner", "GET", registrations).status_code == 200
    assert _as(env, "sponsor_owner", "GET", f"/challenges/{live}/edit",
               page=True).status_code == 200
    assert csv_link in _as(env, "sponsor_owner", "GET", f"/challenges/{live}", page=True).text
    assert {draft, live} <= mine()

    taken = _as(env, "admin", "DELETE", f"/api/v1/users/{owner}/roles/sponsor")
    assert taken.status_code < 300, taken.text

    refused = _as(env, "sponsor_owner", "GET", registrations)  # the same token
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "missing_role"
    assert refused.json()["error"]["message"] == "This needs the sponsor role."
    csv = _as(env, "sponsor_owner", "GET", f"/challenges/{live}/registrations.csv", page=True)
    assert csv.status_code == 403 and "solver@matrix.example" not in csv.text
    edit = _as(env, "sponsor_owner", "GET", f"/challenges/{live}/edit", page=True)
    assert edit.status_code == 403 and "This needs the sponsor role." in edit.text
    # What anyone sees stays: the published challenge, not the draft (nor in their own list).
    public = _as(env, "sponsor_owner", "GET", f"/challenges/{live}", page=True)
    assert public.status_code == 200 and csv_link not in public.text
    assert _as(env, "sponsor_owner", "GET", f"/challenges/{draft}", page=True).status_code == 404
    assert live in mine() and draft not in mine()

    given = _as(env, "admin", "PUT", f"/api/v1/users/{owner}/roles/sponsor")
    assert given.status_code < 300, given.text
    assert _as(env, "sponsor_owner", "GET", registrations).status_code == 200
    assert draft in mine()


def test_an_owner_without_the_sponsor_role_still_cannot_judge_their_challenge(
        on_copy: Env) -> None:
    """Ownership alone grants nothing, but it still rules out conflicts of interest."""
    env = on_copy
    owner = env.scenario.people["sponsor_owner"].user_id
    judged = env.scenario.objects["judged"]
    assert _as(env, "admin", "DELETE", f"/api/v1/users/{owner}/roles/sponsor").status_code < 300
    assert _as(env, "admin", "PUT", f"/api/v1/users/{owner}/roles/judge").status_code < 300
    panel = f"/api/v1/challenges/{judged}/judging/panel"
    assigned = _as(env, "admin", "POST", panel, json={"judge_id": owner})
    assert assigned.status_code == 422, assigned.text
    assert "judge_id" in assigned.json()["error"]["fields"]
    listed = _as(env, "admin", "GET", panel).json()
    assert owner not in {j["id"] for j in listed["available_judges"]}
