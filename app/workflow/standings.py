"""Where the entries stand once judging is over: judging's ranking, the eligible entries with
their attested outcomes. Computed once per request and handed to whoever needs it (verification,
awards, appeals, the results pages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.awards import results
from app.awards import service as awards
from app.awards.results import ResultsRead
from app.awards.schemas import AwardsRead
from app.awards.table import view as awards_table_view
from app.challenges.access import is_manager
from app.challenges.models import Challenge
from app.judging import results as judging_results
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.reference.models import Country
from app.verification import service as verification
from app.verification.outcomes import ShortlistedEntry

INPUTS_FORMAT = "valleycross-award-inputs/1"


def shortlist(db: Session, challenge: Challenge) -> dict[int, ShortlistedEntry]:
    """Submission id -> the entry judging made eligible, with its outcomes, in judging's order."""
    return verification.entry_outcomes(
        db, challenge=challenge, ranking=judging_results.ranking(db, challenge=challenge))


def awards_table(db: Session, *, challenge_id: int, user: User) -> AwardsRead:
    """The proposed (or final) awards as `user` may see them: all for the challenge's manager,
    their own entry's for an entrant (404 for anyone else, 409 before awards are proposed)."""
    challenge, manager, mine = awards.visible(db, challenge_id=challenge_id, user=user)
    awards.require_proposed(challenge)
    return awards_table_view(db, challenge=challenge, manager=manager, mine=mine,
                       shortlist=shortlist(db, challenge).values())


def published_results(db: Session, *, challenge: Challenge,
                      country_name: Callable[[Country], str] | None = None) -> ResultsRead:
    """A final challenge's awards, for everyone."""
    entries = shortlist(db, challenge).values()
    if country_name is None:
        return results.results(db, challenge=challenge, shortlist=entries)
    return results.results(db, challenge=challenge, shortlist=entries, country_name=country_name)


def award_inputs(db: Session, *, challenge: Challenge, viewer: User | None) -> dict[str, Any]:
    """Exactly what the award computation used, for anyone to recompute offline
    (`valleycross awards recompute FILE`): the frozen outcome contract, judging's final ranking
    of the shortlisted entries (codes and normalised totals: no judge, no individual score) and
    each entry's verified values per target; with the awards in force and their ledger entries
    once they are public (final), or for the challenge's manager."""
    awards.require_proposed(challenge)
    ranked = judging_results.ranking(db, challenge=challenge)
    normalised = {r.submission_id: r.normalised for r in ranked}
    entries = verification.entry_outcomes(db, challenge=challenge, ranking=ranked).values()
    public = challenge.state in results.FINAL_STATES or is_manager(challenge, viewer)
    in_force = awards.current(db, challenge_id=challenge.id) if public else {}
    codes = {e.submission_id: e.code for e in entries}
    hashes = dict(db.execute(select(LedgerEntry.sequence, LedgerEntry.hash).where(
        LedgerEntry.sequence.in_([a.ledger_sequence for a in in_force.values()])
        if in_force else false())).all())
    return {
        "format": INPUTS_FORMAT,
        "challenge_id": challenge.id,
        "contract_sha256": challenge.contract_sha256,
        "contract": json.loads(challenge.contract_json or "null"),
        "entries": [{"code": e.code, "rank": e.judging_rank,
                     "normalised": str(normalised[e.submission_id])
                     if normalised.get(e.submission_id) is not None else None,
                     "measured": {k: str(v) for k, v in sorted(e.measured.items())}}
                    for e in entries],
        "awards": [{"code": codes.get(a.submission_id, ""), "amount_minor": a.amount_minor,
                    "held_back_minor": a.held_back_minor, "ledger_sequence": a.ledger_sequence,
                    "ledger_hash": hashes.get(a.ledger_sequence)}
                   for a in in_force.values()],
        "ledger_head": ledger.head(db)[1],
    }
