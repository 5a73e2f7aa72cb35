"""Migration 0017 with awards in the database: going down keeps the awards in force; coming
back up gives each of them its ledger entry, and the chain holds."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.awards.models import Award
from app.cli import alembic_config
from app.db import dispose_engines, session_factory
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from tests.awards.factories import awards_proposed
from tests.challenges.factories import Clock


def test_awards_made_before_the_ledger_get_their_entries(db: Session, clock: Clock,
                                                         database_url: str) -> None:
    v = awards_proposed(db, clock)
    db.close()
    dispose_engines()
    config = alembic_config(database_url)
    config.attributes["skip_logging"] = True
    command.downgrade(config, "0016")  # type: ignore[arg-type]
    with session_factory(database_url)() as old:
        rows = old.execute(text("SELECT submission_id, amount_minor FROM awards")).all()
        assert [tuple(r) for r in rows] == [(v.judged.entries[0].id, 5_000_000)]
    dispose_engines()
    command.upgrade(config, "head")  # type: ignore[arg-type]
    with session_factory(database_url)() as new:
        [entry] = new.query(LedgerEntry).all()
        assert (entry.sequence, entry.kind, entry.submission_id, entry.amount_minor) == (
            1, "award_proposed", v.judged.entries[0].id, 5_000_000)
        [award] = new.query(Award).all()
        assert (award.computation, award.ledger_sequence) == (1, 1)
        assert ledger.verify(new).ok
        assert ledger.head(new) == (1, entry.hash)
    dispose_engines()
