"""A scorecard changed by two requests at once (a judge's two tabs, a manager and a judge): once
submitted it stays as submitted. Saving, recusing and taking the judge off the panel each change
only a draft (a compare-and-set on its state), so a request that read the draft before the
submit committed is refused instead of rewriting or deleting the submitted card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges.models import Challenge
from app.config import Settings
from app.errors import Conflict
from app.judging import panel, service
from app.judging.models import JudgeAssignment, Recusal, Scorecard, ScorecardState
from tests.challenges.factories import Clock
from tests.concurrency import meanwhile
from tests.judging.factories import Judged, judging_challenge, scores


def _drafted(db: Session, clock: Clock) -> tuple[Judged, str]:
    """A challenge in judging whose first judge saved a draft (8, 6) for the first entry."""
    judged = judging_challenge(db, clock, entries=2, judges=2)
    code = judged.code(judged.entries[0])
    service.save(db, challenge=judged.challenge, judge=judged.judges[0], code=code,
                 body=scores(judged.challenge, "8", "6"))
    db.commit()
    return judged, code


def _read_the_draft(db: Session, judged: Judged) -> Scorecard:
    """This request has read the scorecard, a draft, before the other one submits it (the
    caller keeps it, as a request holds what it read until it writes)."""
    card = _the_card(db, judged)
    assert card.state == ScorecardState.DRAFT
    return card


def _submit_meanwhile(settings: Settings, judged: Judged, code: str) -> None:
    def submit(session: Session) -> object:
        challenge, judge = session.get(Challenge, judged.challenge.id), \
            session.get(User, judged.judges[0].id)
        assert challenge is not None and judge is not None
        return service.submit(session, challenge=challenge, judge=judge, code=code)

    meanwhile(settings.database_url, submit)


def _the_card(db: Session, judged: Judged) -> Scorecard:
    db.expire_all()
    card = db.scalar(select(Scorecard).where(Scorecard.judge_id == judged.judges[0].id,
                                             Scorecard.submission_id == judged.entries[0].id))
    assert card is not None
    return card


def test_a_save_after_the_card_was_submitted_meanwhile_is_refused(
        db: Session, clock: Clock, settings: Settings) -> None:
    judged, code = _drafted(db, clock)
    seen = _read_the_draft(db, judged)
    _submit_meanwhile(settings, judged, code)  # the other tab submitted the draft
    with pytest.raises(Conflict) as refused:
        service.save(db, challenge=judged.challenge, judge=judged.judges[0], code=code,
                     body=scores(judged.challenge, "1", "1"))
    assert refused.value.code == "scorecard_submitted"
    assert seen.state == ScorecardState.DRAFT  # what this request had read
    db.rollback()
    card = _the_card(db, judged)
    assert card.state == ScorecardState.SUBMITTED
    assert sorted(s.score for s in card.scores) == [Decimal("6.0"), Decimal("8.0")]


def test_a_recusal_after_the_card_was_submitted_meanwhile_is_refused(
        db: Session, clock: Clock, settings: Settings) -> None:
    judged, code = _drafted(db, clock)
    seen = _read_the_draft(db, judged)
    _submit_meanwhile(settings, judged, code)
    with pytest.raises(Conflict) as refused:
        service.recuse(db, challenge=judged.challenge, judge=judged.judges[0], code=code)
    assert refused.value.code == "scorecard_submitted"
    assert seen.state == ScorecardState.DRAFT  # what this request had read
    db.rollback()
    assert _the_card(db, judged).state == ScorecardState.SUBMITTED
    assert db.scalars(select(Recusal)).all() == []


def test_a_judge_who_submitted_while_being_removed_stays_on_the_panel(
        db: Session, clock: Clock, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    judged, code = _drafted(db, clock)
    real_check = panel._check_nothing_submitted
    checks: list[int] = []

    def then_the_judge_submits(session: Session, mine: object) -> None:
        real_check(session, mine)  # type: ignore[arg-type]
        if not checks:  # right after the manager's request checked, the judge submits
            _submit_meanwhile(settings, judged, code)
        checks.append(1)

    monkeypatch.setattr(panel, "_check_nothing_submitted", then_the_judge_submits)
    with pytest.raises(Conflict) as refused:
        panel.remove(db, challenge=judged.challenge, user=judged.owner,
                     judge_id=judged.judges[0].id)
    assert refused.value.code == "judge_has_scored"
    db.rollback()
    assert _the_card(db, judged).state == ScorecardState.SUBMITTED
    assert judged.judges[0].id in set(db.scalars(select(JudgeAssignment.judge_id)))
