"""Run as a script by test_whole_life.py, in a fresh interpreter: a challenge carried from draft
to final awards with nothing imported but the models, the workflow and the services' factories
(no router, no app), so any step that only happens once the web layer is imported would be
missed here. Prints the awards and the modules of the web layer that were imported (none)."""

from __future__ import annotations

import json
import sys

import app.models  # noqa: F401  (every table known, as in any script)
from app import workflow
from app.awards.models import Award
from app.challenges.enums import ChallengeState
from app.db import transaction
from tests.awards.factories import VERIFICATION_CLOSED, attest
from tests.challenges.factories import T0, Clock, admin, draft, sponsor
from tests.judging.factories import (
    AFTER_CLOSE,
    DURING,
    code_of,
    entrant,
    judge,
    scores,
    submitted_entry,
)
from tests.verification.factories import DURING_VERIFICATION, Verifying, verifier


def main(database_url: str) -> None:
    clock = Clock(T0)
    import app.challenges.clock as challenge_clock

    challenge_clock.now = clock.now  # type: ignore[assignment]
    with transaction(database_url) as db:
        owner, reviewer = sponsor(db), admin(db)
        challenge = draft(db, owner)
        workflow.submit_for_review(db, challenge=challenge, user=owner)
        workflow.approve(db, challenge=challenge, user=reviewer)
        clock.set(DURING)
        assert workflow.follow_clock(db, challenge=challenge) == ChallengeState.OPEN
        people = [entrant(db) for _ in range(3)]
        entries = [submitted_entry(db, challenge, person) for person in people]
        clock.set(AFTER_CLOSE)
        assert workflow.follow_clock(db, challenge=challenge) == ChallengeState.CLOSED
        workflow.start_judging(db, challenge=challenge, user=owner)
        from app.judging import panel
        from app.judging import service as judging

        judges = [judge(db) for _ in range(2)]
        for person in judges:
            panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
        for person in judges:
            for entry, values in zip(entries, (("9", "8"), ("7", "6"), ("3", "1")), strict=True):
                code = code_of(challenge, entry)
                judging.save(db, challenge=challenge, judge=person, code=code,
                             body=scores(challenge, *values))
                judging.submit(db, challenge=challenge, judge=person, code=code)
        clock.set(DURING_VERIFICATION)
        workflow.start_verification(db, challenge=challenge, user=owner)
        from tests.judging.factories import Judged

        v = Verifying(Judged(challenge, owner, reviewer, entries, people, judges), verifier(db))
        attest(db, v, 0, "640")
        attest(db, v, 1, "480")
        clock.set(VERIFICATION_CLOSED)
        workflow.propose_awards(db, challenge=challenge, user=owner)
        clock.advance(days=15)
        workflow.finalise(db, challenge=challenge, user=reviewer)
        assert challenge.state == ChallengeState.FINAL
        awards = {entries.index(next(e for e in entries if e.id == a.submission_id)):
                  [a.amount_minor, a.held_back_minor, a.currency]
                  for a in db.query(Award).filter(Award.challenge_id == challenge.id)}
    web = sorted(m for m in sys.modules if m.startswith("app.") and (
        m.endswith(("routes", "pages")) or m in ("app.main", "app.routers")))
    print(json.dumps({"state": challenge.state.value, "awards": awards, "web_modules": web}))


if __name__ == "__main__":
    main(sys.argv[1])
