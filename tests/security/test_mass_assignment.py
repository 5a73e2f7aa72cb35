"""Solver-facing input models carry no field a solver may not set (the proof issue; ASVS V15.3.3):
mass assignment is impossible by construction.

The solver-facing writes are the POST/PUT/PATCH rows of tests/permissions/matrix.py where the
`solver` role (every account has it) is ALLOW; their JSON body models are walked as in
test_input_schemas.py (nested models included). None may name state, roles, ownership, money or
a decision, and every one refuses unknown fields, so an extra `"roles": ["admin"]` is a 422, not
silently dropped or applied. Page forms read only the fields they name (one is shown below).

The suggestion's `payload` is free-form by design (the record fields it proposes); it is checked
against the curator's own update model, which refuses unknown fields too (shown below).
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.challenges.models import ChallengeQuestion, ChallengeRegistration
from app.inventory.models import Suggestion
from app.kit.schemas import InputModel
from tests.challenges.factories import admin, install_clock, published, sponsor
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for
from tests.inventory.factories import make_mechanism
from tests.permissions.matrix import MATRIX, Outcome
from tests.security.body_models import Body, json_bodies, walk

WRITES = {"POST", "PUT", "PATCH"}
# Whole names, and words inside snake_case names, that only the platform or a privileged role sets.
FORBIDDEN_NAMES = {"id", "user_id", "author_id", "owner_id", "asker_id", "actor_id", "is_admin"}
FORBIDDEN_WORDS = {"state", "status", "role", "roles", "owner", "amount", "purse", "award",
                   "awards", "admin", "verified", "approved", "accepted", "decided", "granted"}
EXTRA = "Extra inputs are not permitted"


def forbidden(name: str) -> bool:
    words = set(name.lower().split("_"))
    return (name.lower() in FORBIDDEN_NAMES or bool(words & FORBIDDEN_WORDS)
            or re.search(r"_by(_id)?$", name) is not None)


def solver_writes(app: FastAPI) -> list[Body]:
    allowed = {route for route, row in MATRIX.items()
               if route[0] in WRITES and row.expect["solver"] is Outcome.ALLOW}
    return [b for b in json_bodies(app) if (b.method, b.path) in allowed]


def mass_assignment_problems(bodies: list[Body]) -> list[str]:
    problems: list[str] = []
    for body in bodies:
        for model in walk(body.annotation).models:
            where = f"{model.__name__} ({body.method} {body.path})"
            if model.model_config.get("extra") != "forbid":
                problems.append(f"{where}: unknown fields are not refused (extra=\"forbid\")")
            for name, info in model.model_fields.items():
                names = {name, info.alias, info.validation_alias}
                problems += [f"{where}: field {n!r}" for n in sorted(
                    n for n in names if isinstance(n, str) and forbidden(n))]
    return problems


def test_the_solver_facing_writes_are_found(app: FastAPI) -> None:
    assert {(b.method, b.path) for b in solver_writes(app)} >= {
        ("POST", "/api/v1/auth/signup"), ("POST", "/api/v1/auth/tokens"),
        ("PATCH", "/api/v1/me"), ("POST", "/api/v1/challenges/{challenge_id}/questions"),
        ("POST", "/api/v1/challenges/{challenge_id}/registrations"),
        ("POST", "/api/v1/suggestions")}
    # Writes a solver may not make are not in the list.
    assert ("POST", "/api/v1/challenges") not in {(b.method, b.path) for b in solver_writes(app)}


def test_no_solver_facing_body_has_a_field_a_solver_may_not_set(app: FastAPI) -> None:
    problems = mass_assignment_problems(solver_writes(app))
    assert not problems, "\n".join(problems)


class _Member(BaseModel):  # a nested model that forgot `extra="forbid"` and names a role
    name: str
    roles: list[str]


class _PlantedProfile(InputModel):
    display_name: str
    approved_by: int | None = None
    members: list[_Member] = []


class _Tolerant(InputModel):
    model_config = ConfigDict(extra="ignore")
    body: str


def test_the_check_finds_planted_privileged_fields_and_tolerant_models() -> None:
    bodies = [Body("PATCH", "/planted", _PlantedProfile), Body("POST", "/planted", _Tolerant)]
    assert mass_assignment_problems(bodies) == [
        "_PlantedProfile (PATCH /planted): field 'approved_by'",
        "_Member (PATCH /planted): unknown fields are not refused (extra=\"forbid\")",
        "_Member (PATCH /planted): field 'roles'",
        "_Tolerant (POST /planted): unknown fields are not refused (extra=\"forbid\")"]
    for name in ("state", "status", "owner_id", "amount_minor", "purse", "is_admin",
                 "last_verified_at", "accepted", "created_by", "id"):
        assert forbidden(name), name
    for name in ("entity_id", "solver_kind", "team_size", "display_name", "body", "comment"):
        assert not forbidden(name), name


# ---- behaviour: extra fields are refused, nothing is stored --------------------------------------

def _count(db: Session, model: type[object]) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def _refused(response: object, *names: str) -> None:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "validation_error"
    assert {n: error["fields"].get(n) for n in names} == dict.fromkeys(names, EXTRA)


@pytest.fixture
def open_challenge(db: Session, monkeypatch: pytest.MonkeyPatch) -> int:
    clock = install_clock(monkeypatch)
    challenge = published(db, sponsor(db), admin(db))
    clock.advance(days=2)
    return challenge.id


def test_registering_cannot_set_whose_or_its_state(client: TestClient, db: Session,
                                                   open_challenge: int) -> None:
    solver, other = make_user(db, country_code="NPL"), make_user(db, country_code="NPL")
    headers = token_for(client, solver.email or "")
    url = f"/api/v1/challenges/{open_challenge}/registrations"
    body = {"solver_kind": "individual", "declares_not_sponsor_employee": True}
    _refused(client.post(url, headers=headers, json={**body, "user_id": other.id,
                                                     "state": "approved", "id": 1}),
             "user_id", "state", "id")
    assert _count(db, ChallengeRegistration) == 0
    made = client.post(url, headers=headers, json=body)
    assert made.status_code == 201 and made.json()["user_id"] == solver.id


def test_asking_cannot_answer_or_name_the_asker(client: TestClient, db: Session,
                                                open_challenge: int) -> None:
    headers = token_for(client, make_user(db).email or "")
    url = f"/api/v1/challenges/{open_challenge}/questions"
    _refused(client.post(url, headers=headers, json={
        "body": "Which loggers?", "answer": "Any.", "asker_id": 1, "status": "answered"}),
        "answer", "asker_id", "status")
    assert _count(db, ChallengeQuestion) == 0
    assert client.post(url, headers=headers, json={"body": "Which loggers?"}).status_code == 201


def test_suggesting_cannot_accept_itself_or_touch_curated_fields(client: TestClient,
                                                                 db: Session) -> None:
    mechanism = make_mechanism(db)
    headers = token_for(client, make_user(db).email or "")
    body = {"entity_type": "mechanism", "entity_id": mechanism.id,
            "payload": {"description": "Also funds pilots."}}
    _refused(client.post("/api/v1/suggestions", headers=headers, json={
        **body, "status": "accepted", "author_id": 1, "decided_by_id": 1}),
        "status", "author_id", "decided_by_id")
    # The payload is checked against the curator's update model: no id, no verification date.
    sneaky = {**body, "payload": {"description": "x", "id": 999,
                                  "last_verified_at": "2030-01-01T00:00:00Z"}}
    response = client.post("/api/v1/suggestions", headers=headers, json=sneaky)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"id": EXTRA, "last_verified_at": EXTRA}
    assert _count(db, Suggestion) == 0
    assert client.post("/api/v1/suggestions", headers=headers, json=body).status_code == 201


def _roles(db: Session, user: User) -> list[str]:
    db.expire_all()
    fresh = accounts_service.get_by_email(db, email=user.email or "")
    assert fresh is not None
    return sorted(r.value for r in fresh.role_names)


def test_a_profile_update_cannot_grant_roles(client: TestClient, db: Session) -> None:
    user = make_user(db, display_name="Asha")
    headers = token_for(client, user.email or "")
    _refused(client.patch("/api/v1/me", headers=headers, json={
        "display_name": "Root", "roles": ["admin"], "is_admin": True, "id": 1}),
        "roles", "is_admin", "id")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["roles"] == ["solver"] and me["display_name"] == "Asha"
    # The account form reads only the fields it shows: the rest of a forged form is ignored.
    login(client, user.email or "")
    token = csrf_from(client.get("/account").text)
    saved = client.post("/account", data={"display_name": "Asha B", "roles": "admin",
                                          "role": "admin", "csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert _roles(db, user) == ["solver"]


def test_signing_up_cannot_choose_roles(client: TestClient, db: Session) -> None:
    _refused(client.post("/api/v1/auth/signup", json={
        "email": "eve@example.org", "password": PASSWORD, "display_name": "Eve",
        "roles": ["admin"]}), "roles")
    assert accounts_service.get_by_email(db, email="eve@example.org") is None
