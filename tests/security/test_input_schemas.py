"""Money and counts use strict types in every input schema (the proof issue; ASVS V2.2.1, V15.3).

pydantic's lax mode reads `false` as 0, `"12"` and `12.0` as 12, `"true"` and `1` as True, a
JSON float as a Decimal and `1700000000` as a date-time. The JSON bodies are found from the
application's routes (tests/security/body_models.py), walked into nested models, list items and
discriminated-union members, and every number, flag and moment is asked what it accepts. The
checker is itself checked on a planted lax route.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import ApiToken
from app.challenges.models import Challenge
from app.db import utcnow
from app.kit.money import Money
from app.kit.schemas import InputModel
from tests.challenges.factories import admin, body, install_clock, published, sponsor
from tests.factories import make_user, token_for
from tests.security.body_models import all_problems, json_bodies, walk
from tests.teams.factories import make_team

FIX = ("use StrictInt / StrictBool, the Decimal types of app/challenges/schemas.py, IsoDateTime "
       "or IdValue (app/kit/schemas.py)")


def test_the_walk_reaches_nested_models_list_items_and_union_members(app: FastAPI) -> None:
    where = {leaf.where for b in json_bodies(app) for leaf in walk(b.annotation).leaves}
    assert {
        "ChallengeCreate.prize_rules.purse.amount_minor",  # a nested model (Money)
        "ChallengeCreate.prize_rules.award<ranked>.places[]",  # a union member's list items
        "ChallengeCreate.prize_rules.award<milestone>.milestones[].amount",
        "ChallengeCreate.prize_rules.award<per_unit>.rate_minor_per_unit",
        "ChallengeUpdate.eligibility.team_max",
        "ChallengeCreate.targets[].required",
        "RegistrationIn.team_size",
        "MechanismCreate.budget.amount_minor",
        "TechnologyCreate.related_mechanism_ids[]",
        "NeedCreate.technology_id",
        "TokenCreate.expires_at",
    } <= where
    assert len(where) > 50


def test_every_number_flag_and_moment_in_a_json_body_is_strict(app: FastAPI) -> None:
    problems = all_problems([b.annotation for b in json_bodies(app)])
    assert not problems, FIX + ":\n" + "\n".join(problems)


# ---- the checker, on a route planted with lax fields --------------------------------------------

class _LaxRow(BaseModel):
    count: int
    flag: bool
    rate: Decimal
    share: float
    when: dt.datetime


class _LaxAward(BaseModel):
    type: Literal["lax"]
    amount_minor: int


class _StrictAward(BaseModel):
    type: Literal["strict"]
    amount_minor: StrictInt


class _StrictByConfig(BaseModel):
    model_config = ConfigDict(strict=True)
    count: int
    flag: bool
    rate: Decimal  # strict mode still takes a JSON float for a Decimal


class _Planted(InputModel):
    fine: StrictInt
    money: Money
    coerced: Annotated[StrictInt, BeforeValidator(int)]  # "strict" in its metadata only
    rows: list[_LaxRow]
    award: Annotated[_LaxAward | _StrictAward, Field(discriminator="type")]
    by_key: dict[str, int]
    configured: _StrictByConfig | None = None


def test_the_check_finds_a_planted_lax_route(app: FastAPI) -> None:
    @app.post("/api/v1/planted")
    def planted(body: _Planted) -> None:
        del body

    found = [b.annotation for b in json_bodies(app) if b.path == "/api/v1/planted"]
    assert found == [_Planted]
    problems = all_problems(found)
    assert {p.split(":")[0] for p in problems} == {
        "_Planted.coerced", "_Planted.rows[].count", "_Planted.rows[].flag",
        "_Planted.rows[].rate", "_Planted.rows[].share", "_Planted.rows[].when",
        "_Planted.award<lax>.amount_minor", "_Planted.by_key{}", "_Planted.configured.rate"}
    for expected in ("_Planted.rows[].count: int accepts false",
                     '_Planted.rows[].count: int accepts "12"',
                     "_Planted.rows[].count: int accepts 12.0",
                     '_Planted.rows[].flag: bool accepts "true"',
                     "_Planted.rows[].rate: decimal accepts 12.5",
                     "_Planted.rows[].when: datetime accepts 1700000000",
                     '_Planted.coerced: int accepts "12"'):
        assert expected in problems


def test_the_walk_reports_what_it_cannot_judge() -> None:
    from pydantic import PlainValidator

    class Opaque(BaseModel):
        count: Annotated[int, PlainValidator(int)]

    assert all_problems([Opaque]) == [
        "Opaque.count: a plain validator the walk cannot see into"]


# ---- end to end: the API refuses lax values and names the field ----------------------------------

def _count(db: Session, model: type[object]) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_false_or_quoted_amount_is_a_422_naming_the_field(client: TestClient,
                                                            db: Session) -> None:
    headers = token_for(client, sponsor(db).email or "")
    purse = {"amount_minor": 10_000_000, "currency": "USD"}
    cases = [
        ({"purse": {**purse, "amount_minor": False},
          "award": {"type": "ranked", "places": [10_000_000]}}, "prize_rules.purse.amount_minor"),
        ({"purse": purse, "award": {"type": "ranked", "places": ["5000000", 5_000_000]}},
         "prize_rules.award.ranked.places.0"),
        ({"purse": purse, "award": {"type": "pool", "pool_minor": 10_000_000.0,
                                    "share_target": "cooling"}},
         "prize_rules.award.pool.pool_minor"),
    ]
    for rules, field in cases:
        response = client.post("/api/v1/challenges", headers=headers,
                               json=body(prize_rules=rules))
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error" and error["message"]
        assert error["fields"] == {field: "Input should be a valid integer"}
    eligibility = {"scope": ["LDC"], "team_min": 2, "team_max": "6"}
    response = client.post("/api/v1/challenges", headers=headers,
                           json=body(eligibility=eligibility))
    assert response.json()["error"]["fields"] == {
        "eligibility.team_max": "Input should be a valid integer"}
    assert _count(db, Challenge) == 0
    assert client.post("/api/v1/challenges", headers=headers, json=body()).status_code == 201


def test_a_quoted_team_size_or_a_numeric_flag_is_a_422(client: TestClient, db: Session,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    clock = install_clock(monkeypatch)
    challenge = published(db, sponsor(db), admin(db))
    clock.advance(days=2)  # open
    lead = make_user(db, country_code="NPL")
    reef = make_team(db, lead, members=[make_user(db, country_code="NPL")])
    headers = token_for(client, lead.email or "")
    url = f"/api/v1/challenges/{challenge.id}/registrations"
    team = {"solver_kind": "team", "team_id": reef.id, "declares_not_sponsor_employee": True}
    for bad, field, message in (
            ({"team_size": "3"}, "team_size", "Input should be a valid integer"),
            ({"team_size": 3.0}, "team_size", "Input should be a valid integer"),
            ({"team_id": str(reef.id)}, "team_id", "Input should be a valid integer"),
            ({"team_id": float(reef.id)}, "team_id", "Input should be a valid integer"),
            ({"declares_not_sponsor_employee": 1},
             "declares_not_sponsor_employee", "Input should be a valid boolean")):
        response = client.post(url, headers=headers, json={**team, **bad})
        assert response.status_code == 422, bad
        assert response.json()["error"]["fields"] == {field: message}
    assert client.post(url, headers=headers, json=team).status_code == 201


def test_a_token_expiry_is_a_date_time_with_its_zone_not_a_number(client: TestClient,
                                                                  db: Session) -> None:
    user = make_user(db)
    base = {"name": "ci", "email": user.email, "password": "correct horse battery staple 42"}
    for expires in ("2030-01-01T00:00:00", 1_900_000_000, "1900000000"):
        response = client.post("/api/v1/auth/tokens", json={**base, "expires_at": expires})
        assert response.status_code == 422, (expires, response.text)
        assert list(response.json()["error"]["fields"]) == ["expires_at"]
    assert _count(db, ApiToken) == 0
    # Tokens live at most a year (TOKEN_MAX_DAYS): a zoned time within it is taken as given.
    expires = (utcnow() + dt.timedelta(days=100)).replace(microsecond=0)
    response = client.post("/api/v1/auth/tokens", json={**base, "expires_at": expires.isoformat()})
    assert response.status_code == 201
    assert response.json()["expires_at"].startswith(expires.date().isoformat())
