"""What an attacker with the database's password can do: lift the append-only triggers."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.kit import append_only


def lift_triggers(db: Session, table: str = "ledger_entries") -> None:
    dialect = db.get_bind().dialect.name
    for statement in append_only.unguard(dialect, table):
        db.execute(text(statement))
    db.commit()


def raw(db: Session, statement: str, **values: object) -> None:
    db.execute(text(statement), values)
    db.commit()
