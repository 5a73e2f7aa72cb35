"""Who sees what of the ledger: amounts and hashes are public once a challenge is final."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.i18n.translate import N_
from app.ledger import chain
from app.ledger.models import LedgerEntry
from app.ledger.schemas import LedgerBreakRead, LedgerCheckRead, LedgerEntryRead

PUBLIC_STATES = frozenset({ChallengeState.FINAL, ChallengeState.ARCHIVED,
                           ChallengeState.CANCELLED})
PROBLEMS = {
    "hash_mismatch": N_("its hash is not the SHA-256 of the previous hash and its payload"),
    "sequence_gap": N_("an entry is missing at this sequence number"),
    "wrong_prev_hash": N_("its previous hash is not the hash of the entry before it"),
    "payload_mismatch": N_("its columns differ from the payload that was hashed"),
}


def present(db: Session, rows: Iterable[LedgerEntry], viewer: User | None
            ) -> list[LedgerEntryRead]:
    rows = list(rows)
    challenges = {c.id: c for c in db.scalars(
        select(Challenge).where(Challenge.id.in_({r.challenge_id for r in rows})))}
    shown = []
    for row in rows:
        challenge = challenges.get(row.challenge_id)
        open_ = challenge is None or challenge.state in PUBLIC_STATES \
            or is_manager(challenge, viewer)
        base = LedgerEntryRead(sequence=row.sequence, recorded_at=row.recorded_at,
                               kind=row.kind, challenge_id=row.challenge_id, sealed=not open_)
        if open_:
            base = base.model_copy(update={
                "submission_id": row.submission_id, "amount_minor": row.amount_minor,
                "currency": row.currency, "reason": row.reason, "payload": row.payload,
                "prev_hash": row.prev_hash, "hash": row.hash})
        shown.append(base)
    return shown


def check_read(check: chain.Check, head_asked: str | None) -> LedgerCheckRead:
    broken = None
    if check.broken:
        broken = LedgerBreakRead(sequence=check.broken.sequence, problem=check.broken.problem,
                                 message=PROBLEMS[check.broken.problem])
    return LedgerCheckRead(ok=check.ok, entries=check.entries, head=check.head, broken=broken,
                           head_asked=head_asked, head_found=check.head_found)
