"""Append to the award ledger, read it, and check its chain.

Callers (the workflow) append inside their own unit of work, so an entry exists exactly when
the money event it records was committed. Nothing here updates or deletes a row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.ledger import chain
from app.ledger.models import LedgerEntry, LedgerKind, LedgerTurn

TURN_ROW = 1


@dataclass(frozen=True)
class Event:
    """What happened, before it has a place in the chain."""

    kind: LedgerKind
    challenge_id: int
    reason: str
    submission_id: int | None = None
    amount_minor: int | None = None
    currency: str | None = None
    actor_id: int | None = None
    details: Mapping[str, Any] | None = None


def take_turn(db: Session) -> None:
    """Wait for the ledger's turn (held to the end of the transaction): money changes that
    read before they write take it first, so they are decided one after another."""
    taken = db.execute(update(LedgerTurn).where(LedgerTurn.id == TURN_ROW)
                       .values(appended=LedgerTurn.appended + 1)).rowcount  # type: ignore[attr-defined]
    if not taken:  # the first append ever (the migration also makes the row)
        db.add(LedgerTurn(id=TURN_ROW, appended=1))
        db.flush()


def head(db: Session) -> tuple[int, str]:
    """(entries, head hash); the genesis hash when the ledger is empty."""
    last = db.execute(select(LedgerEntry.sequence, LedgerEntry.hash)
                      .order_by(LedgerEntry.sequence.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, chain.GENESIS)


def append(db: Session, *events: Event, at: dt.datetime | None = None) -> list[LedgerEntry]:
    """Chain `events`, in order, onto the head; returns the new entries. They are stamped with
    the wall clock (not a challenge's clock, which the demo and tests set back), so the ledger's
    times only ever go forward with its sequence."""
    if not events:
        return []
    take_turn(db)
    sequence, previous = head(db)
    recorded_at = at or utcnow()
    added = []
    for event in events:
        sequence += 1
        payload = chain.canonical({
            "sequence": sequence, "recorded_at": chain.timestamp(recorded_at),
            "kind": event.kind.value, "challenge": event.challenge_id,
            "entry": event.submission_id, "amount_minor": event.amount_minor,
            "currency": event.currency, "reason": event.reason, "actor": event.actor_id,
            "details": dict(event.details or {})})
        digest = chain.entry_hash(previous, payload)
        added.append(LedgerEntry(
            sequence=sequence, recorded_at=recorded_at, kind=event.kind.value,
            challenge_id=event.challenge_id, submission_id=event.submission_id,
            amount_minor=event.amount_minor, currency=event.currency, reason=event.reason,
            actor_id=event.actor_id, payload=payload, prev_hash=previous, hash=digest))
        previous = digest
    db.add_all(added)
    db.flush()
    return added


def entries(db: Session, *, challenge_id: int | None = None, limit: int = 50,
            offset: int = 0) -> tuple[list[LedgerEntry], int]:
    """Oldest first, optionally of one challenge; with the number of matches."""
    query = select(LedgerEntry)
    counted = select(func.count()).select_from(LedgerEntry)
    if challenge_id is not None:
        query = query.where(LedgerEntry.challenge_id == challenge_id)
        counted = counted.where(LedgerEntry.challenge_id == challenge_id)
    rows = list(db.scalars(query.order_by(LedgerEntry.sequence).limit(limit).offset(offset)))
    return rows, db.scalar(counted) or 0


def of_challenge(db: Session, *, challenge_id: int) -> list[LedgerEntry]:
    return list(db.scalars(select(LedgerEntry).where(LedgerEntry.challenge_id == challenge_id)
                           .order_by(LedgerEntry.sequence)))


def _links(db: Session, batch: int = 2000) -> Iterator[chain.Link]:
    """Every stored entry in sequence order, read in batches (plain rows, not ORM objects)."""
    after = -(2**31)  # below every INTEGER, so a row numbered 0 or less shows as a gap
    columns = (LedgerEntry.sequence, LedgerEntry.recorded_at, LedgerEntry.kind,
               LedgerEntry.challenge_id, LedgerEntry.submission_id, LedgerEntry.amount_minor,
               LedgerEntry.currency, LedgerEntry.reason, LedgerEntry.actor_id,
               LedgerEntry.payload, LedgerEntry.prev_hash, LedgerEntry.hash)
    while True:
        rows = db.execute(select(*columns).where(LedgerEntry.sequence > after)
                          .order_by(LedgerEntry.sequence).limit(batch)).all()
        for (sequence, recorded_at, kind, challenge, entry, amount, currency, reason, actor,
             payload, prev_hash, digest) in rows:
            yield chain.Link(sequence, {
                "sequence": sequence, "recorded_at": chain.timestamp(recorded_at),
                "kind": kind, "challenge": challenge, "entry": entry, "amount_minor": amount,
                "currency": currency, "reason": reason, "actor": actor}, payload, prev_hash,
                digest)
        if len(rows) < batch:
            return
        after = rows[-1][0]


def verify(db: Session, *, head: str | None = None) -> chain.Check:
    return chain.verify(_links(db), head=head)
