"""The normalised results table, for the challenge's manager once judging is over.

Field-level access (OWASP ASVS 8.2.3) is decided here: no individual score ever leaves this
module, only the figures `scoring.results` computes from the submitted scorecards; and not
before the challenge has moved past judging, so nobody can watch the standings while judges are
still scoring. Here, and only here, each code is shown beside the submission it stands for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, raiseload

from app.accounts.models import User
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.challenges.schemas import CriterionTies, PrizeRules
from app.config import get_settings
from app.errors import Conflict
from app.i18n.translate import N_, translatable
from app.judging import codes, scoring
from app.judging.models import CriterionScore, Scorecard, ScorecardState
from app.judging.panel import check_manager
from app.judging.schemas import ResultRead, ResultsRead
from app.judging.service import rubric
from app.submissions.models import Submission, SubmissionState

RESULT_STATES = frozenset({ChallengeState.VERIFICATION, ChallengeState.AWARDS_PROPOSED,
                           ChallengeState.FINAL, ChallengeState.ARCHIVED})


def _flags(challenge: Challenge, result: scoring.EntryResult) -> list[str]:
    if not result.scored:
        return [N_("not scored: no judge submitted a scorecard")]
    names = {str(c.id): c for c in challenge.criteria}
    flags = [translatable("%(criterion)s: mean %(mean)s is below the minimum %(minimum)s",
                          criterion=names[key].name, mean=result.criterion_means[key],
                          minimum=names[key].min_score) for key in result.below_minimum]
    if result.below_overall:
        flags.append(translatable("raw mean %(mean)s is below the minimum overall score "
                                  "%(minimum)s", mean=result.raw_mean,
                                  minimum=challenge.min_overall_score))
    return flags


def _cards(db: Session, challenge: Challenge) -> list[scoring.Scorecard]:
    """Submitted scorecards only (a draft is not a judgement), complete ones only.

    Read as plain rows in one query: 1,000 entries x 5 judges are 5,000 cards and 15,000 scores,
    too many to build ORM objects for on every results page."""
    keys = {str(c.id) for c in challenge.criteria}
    rows = db.execute(
        select(Scorecard.id, Scorecard.judge_id, Scorecard.submission_id,
               CriterionScore.criterion_id, CriterionScore.score)
        .join(CriterionScore, CriterionScore.scorecard_id == Scorecard.id)
        .where(Scorecard.challenge_id == challenge.id,
               Scorecard.state == ScorecardState.SUBMITTED)
        .order_by(Scorecard.id, CriterionScore.criterion_id))
    found: dict[int, tuple[int, int, dict[str, Decimal]]] = {}
    for card_id, judge_id, submission_id, criterion_id, score in rows:
        found.setdefault(card_id, (judge_id, submission_id, {}))[2][str(criterion_id)] = score
    # Submitting needs every criterion, and the rubric is frozen on publication; a card that is
    # not complete anyway is left out rather than failing the whole table.
    return [scoring.Scorecard(judge_id, str(submission_id), scores)
            for judge_id, submission_id, scores in found.values() if set(scores) == keys]


@dataclass(frozen=True)
class CriterionMean:
    criterion: str
    mean: Decimal
    min_score: Decimal | None


@dataclass(frozen=True)
class RankedEntry:
    """One submitted entry's place in the normalised results (no individual score)."""

    rank: int | None
    code: str
    submission_id: int
    title: str
    judges: int
    raw_mean: Decimal | None
    normalised: Decimal | None
    criterion_means: tuple[CriterionMean, ...]
    eligible: bool
    flags: tuple[str, ...]


def results(db: Session, *, challenge: Challenge, user: User,
            ranked: Sequence[RankedEntry] | None = None) -> ResultsRead:
    """Every submitted entry with its raw mean, normalised score, rank and flags."""
    check_manager(challenge, user)
    if challenge.state not in RESULT_STATES:
        raise Conflict(N_("Results are shown once the challenge has moved on to verification."),
                       code="judging_not_over", fields={"state": challenge.state.value})
    rows = ranking(db, challenge=challenge) if ranked is None else ranked
    return ResultsRead(challenge_id=challenge.id, state=challenge.state,
                       min_overall_score=challenge.min_overall_score,
                       results=[ResultRead.model_validate(r, from_attributes=True) for r in rows])


def tie_criterion(challenge: Challenge) -> str | None:
    """The key of the criterion the prize rules break ties with (None: tied entries share)."""
    rules = PrizeRules.model_validate(challenge.prize_rules) if challenge.prize_rules else None
    if rules is None or not isinstance(rules.ties, CriterionTies):
        return None
    named = [c for c in challenge.criteria if c.name == rules.ties.criterion]
    # Completeness checks refuse a rule naming no criterion, or one that two share, before
    # publication, and the rules are frozen then; a stray one is read as "share" rather than
    # failing every results page.
    return str(named[0].id) if len(named) == 1 else None


def ranking(db: Session, *, challenge: Challenge) -> tuple[RankedEntry, ...]:
    """The results in public order (rank, then the entry submitted first; unscored entries
    last), for code that has already decided who may see them (the manager above; the
    workflow, which hands the eligible ones to outcome verification)."""
    entries = {s.id: s for s in db.scalars(
        select(Submission).options(raiseload(Submission.files), raiseload(Submission.receipts))
        .where(Submission.challenge_id == challenge.id,
               Submission.state == SubmissionState.SUBMITTED))}
    by_id = codes.codes_for(get_settings().secret_key, challenge.id, entries)
    cards = [c for c in _cards(db, challenge) if int(c.entry) in entries]
    # Judges know entries by their codes only, so the pure module gets the codes; the ids are
    # swapped back here.
    coded = [scoring.Scorecard(c.judge, by_id[int(c.entry)], c.scores) for c in cards]
    submission_of = {code: sid for sid, code in by_id.items()}
    computed = scoring.results(rubric(challenge), coded, entries=by_id.values(),
                               min_overall_score=challenge.min_overall_score,
                               tie_criterion=tie_criterion(challenge)) \
        if challenge.criteria else []

    def public_order(result: scoring.EntryResult) -> tuple[bool, int, dt.datetime, int]:
        # Within a shared rank the entry submitted first is listed first (the awards give
        # leftover minor units of an equal split in this order); the code, a hash, never counts.
        submission = entries[submission_of[result.entry]]
        return (result.rank is None, result.rank or 0,
                submission.submitted_at or submission.created_at, submission.id)

    criteria = {str(c.id): c for c in challenge.criteria}
    return tuple(RankedEntry(
        rank=result.rank, code=result.entry, submission_id=submission.id,
        title=submission.title, judges=result.judges, raw_mean=result.raw_mean,
        normalised=result.normalised,
        criterion_means=tuple(CriterionMean(criteria[key].name, mean, criteria[key].min_score)
                              for key, mean in result.criterion_means.items()),
        eligible=result.eligible, flags=tuple(_flags(challenge, result)))
        for result in sorted(computed, key=public_order)
        for submission in (entries[submission_of[result.entry]],))
