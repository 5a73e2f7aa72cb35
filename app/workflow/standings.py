"""Where the entries stand once judging is over: judging's ranking, the eligible entries with
their attested outcomes. Computed once per request and handed to whoever needs it (verification,
awards, appeals, the results pages)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.awards import results
from app.awards import service as awards
from app.awards.results import ResultsRead
from app.awards.schemas import AwardsRead
from app.challenges.models import Challenge
from app.judging import results as judging_results
from app.reference.models import Country
from app.verification import service as verification
from app.verification.outcomes import ShortlistedEntry


def shortlist(db: Session, challenge: Challenge) -> dict[int, ShortlistedEntry]:
    """Submission id -> the entry judging made eligible, with its outcomes, in judging's order."""
    return verification.entry_outcomes(
        db, challenge=challenge, ranking=judging_results.ranking(db, challenge=challenge))


def awards_table(db: Session, *, challenge_id: int, user: User) -> AwardsRead:
    """The proposed (or final) awards as `user` may see them: all for the challenge's manager,
    their own entry's for an entrant (404 for anyone else, 409 before awards are proposed)."""
    challenge, manager, mine = awards.visible(db, challenge_id=challenge_id, user=user)
    awards.require_proposed(challenge)
    return awards.view(db, challenge=challenge, manager=manager, mine=mine,
                       shortlist=shortlist(db, challenge).values())


def published_results(db: Session, *, challenge: Challenge,
                      country_name: Callable[[Country], str] | None = None) -> ResultsRead:
    """A final challenge's awards, for everyone."""
    entries = shortlist(db, challenge).values()
    if country_name is None:
        return results.results(db, challenge=challenge, shortlist=entries)
    return results.results(db, challenge=challenge, shortlist=entries, country_name=country_name)
