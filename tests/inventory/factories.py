"""Inventory records made through the real services (no actor: as the seed or a CLI would)."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.inventory import mechanisms, technologies
from app.inventory.models import Mechanism, Technology
from tests.factories import make_user, token_for

_seq = itertools.count(1)


def make_mechanism(db: Session, *, name: str | None = None, actor: User | None = None,
                   **fields: Any) -> Mechanism:
    data: dict[str, Any] = {"name": name or f"Test mechanism {next(_seq)}", "kind": "network",
                            "scope": ["WORLD"], **fields}
    mechanism = mechanisms.create_mechanism(db, data=data, actor=actor)
    db.commit()
    return mechanism


def make_technology(db: Session, *, name: str | None = None, actor: User | None = None,
                    **fields: Any) -> Technology:
    data: dict[str, Any] = {"name": name or f"Test technology {next(_seq)}",
                            "stage": "demonstration", "trl": 6,
                            "availability": "public_domain", **fields}
    technology = technologies.create_technology(db, data=data, actor=actor)
    db.commit()
    return technology


def headers_for(client: TestClient, db: Session, *roles: Role) -> tuple[User, dict[str, str]]:
    """A new user with `roles` and a bearer token header."""
    user = make_user(db, roles=list(roles) or [Role.SOLVER])
    return user, token_for(client, user.email or "")


def curator(client: TestClient, db: Session) -> dict[str, str]:
    return headers_for(client, db, Role.CURATOR)[1]


def solver(client: TestClient, db: Session) -> dict[str, str]:
    return headers_for(client, db, Role.SOLVER)[1]
