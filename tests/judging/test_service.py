"""The judging rules through the services: the panel, blind entries, scorecards, recusal and
who sees which figures."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role
from app.challenges.enums import ChallengeState
from app.config import get_settings
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.judging import access, codes, panel, results, service
from app.judging.schemas import CriterionScoreIn, EntryStatus, ScorecardIn
from app.notifications import service as notifications
from tests.challenges.factories import Clock
from tests.factories import make_user
from tests.judging.factories import (
    Judged,
    entrant,
    judge,
    judging_challenge,
    open_challenge,
    scores,
    start_judging,
    submitted_entry,
)
from tests.submissions.factories import register as register_individually


def score_all(db: Session, judged: Judged, judge_index: int, values: dict[int, tuple[str, str]]
              ) -> None:
    """The judge saves and submits a scorecard for each listed entry (by index)."""
    who = judged.judges[judge_index]
    for i, (impact, afford) in values.items():
        code = judged.code(judged.entries[i])
        service.save(db, challenge=judged.challenge, judge=who, code=code,
                     body=scores(judged.challenge, impact, afford))
        service.submit(db, challenge=judged.challenge, judge=who, code=code)
    db.commit()


# ---- the panel ----------------------------------------------------------------------------------

def test_assigning_a_judge_tells_them_in_their_inbox(db: Session, clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    person = judge(db)
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    db.commit()
    [message] = notifications.for_recipient(db, recipient_id=person.id, kind="judging.assigned")
    assert challenge.title in message.subject
    assert f"/challenges/{challenge.id}/judging" in message.body
    assert access.is_assigned(db, challenge=challenge, user=person)
    assert [a.title for a in panel.assignments(db, user=person)] == [challenge.title]


def test_starting_judging_tells_each_judge_on_the_panel_how_many_entries_wait(
        db: Session, clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    on_panel, elsewhere = judge(db), judge(db)
    panel.assign(db, challenge=challenge, user=owner, judge_id=on_panel.id)
    for _ in range(2):
        submitted_entry(db, challenge, entrant(db))
    db.commit()
    assert notifications.for_recipient(db, recipient_id=on_panel.id,
                                       kind="judging.started") == []
    start_judging(db, clock, challenge, owner)
    [message] = notifications.for_recipient(db, recipient_id=on_panel.id, kind="judging.started")
    assert message.subject == f"Judging has started: {challenge.title}"
    assert "The 2 submitted entries" in message.body
    assert f"/challenges/{challenge.id}/judging" in message.body
    assert notifications.for_recipient(db, recipient_id=elsewhere.id,
                                       kind="judging.started") == []
    assert notifications.for_recipient(db, recipient_id=owner.id, kind="judging.started") == []


def test_only_active_judges_who_do_not_manage_the_challenge_can_be_assigned(
        db: Session, clock: Clock) -> None:
    challenge, owner, approver = open_challenge(db, clock)
    solver = make_user(db)
    judging_admin = make_user(db, roles=[Role.ADMIN, Role.JUDGE])
    for candidate in (solver, judging_admin):
        with pytest.raises(ValidationFailed) as refused:
            panel.assign(db, challenge=challenge, user=owner, judge_id=candidate.id)
        assert "judge_id" in refused.value.fields
    with pytest.raises(ValidationFailed):
        panel.assign(db, challenge=challenge, user=owner, judge_id=10_000)
    person = judge(db)
    panel.assign(db, challenge=challenge, user=approver, judge_id=person.id)  # an admin may
    with pytest.raises(Conflict, match="already on the panel"):
        panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    other_sponsor, spare = make_user(db, roles=[Role.SPONSOR]), judge(db)
    with pytest.raises(Forbidden):
        panel.assign(db, challenge=challenge, user=other_sponsor, judge_id=spare.id)
    # on offer: judges not on the panel yet, never an admin (they manage every challenge)
    assert [j.id for j in panel.available_judges(db, challenge=challenge)] == [spare.id]


def test_an_entrant_cannot_judge_and_never_sees_their_own_entry(db: Session, clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    entered = make_user(db, roles=[Role.JUDGE], country_code="NPL")
    submitted_entry(db, challenge, entered, title="My own cold room")
    with pytest.raises(ValidationFailed) as refused:
        panel.assign(db, challenge=challenge, user=owner, judge_id=entered.id)
    assert refused.value.fields == {"judge_id": "entered this challenge (alone or in a team)"}
    # Assigned first and entering afterwards: the entry is kept from them all the same.
    late = make_user(db, roles=[Role.JUDGE], country_code="NPL")
    panel.assign(db, challenge=challenge, user=owner, judge_id=late.id)
    submitted_entry(db, challenge, late, title="Judge's cold room")
    other = submitted_entry(db, challenge, entrant(db), title="Someone else's")
    start_judging(db, clock, challenge, owner)
    assert {e.title for e in service.entries(db, challenge=challenge, judge=late)} == {
        "My own cold room", other.title}


def test_a_judge_who_loses_the_role_loses_the_seat(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    person = judged.judges[0]
    from app.accounts import service as accounts_service

    accounts_service.revoke_role(db, user=person, role=Role.JUDGE, revoked_by=judged.admin)
    db.commit()
    with pytest.raises(NotFound):
        access.seat(db, challenge_id=judged.challenge.id, user=person)


def test_judges_are_removed_while_they_have_submitted_nothing(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=2)
    first, second = judged.judges
    code = judged.code(judged.entries[0])
    service.save(db, challenge=judged.challenge, judge=first, code=code,
                 body=scores(judged.challenge, "5"))
    service.recuse(db, challenge=judged.challenge, judge=first,
                   code=judged.code(judged.entries[1]))
    score_all(db, judged, 1, {0: ("6", "6")})
    with pytest.raises(Conflict, match="submitted scorecards"):
        panel.remove(db, challenge=judged.challenge, user=judged.owner, judge_id=second.id)
    panel.remove(db, challenge=judged.challenge, user=judged.owner, judge_id=first.id)
    db.commit()
    progress = panel.panel(db, challenge=judged.challenge, user=judged.owner)
    assert [j.id for j in progress.judges] == [second.id]
    assert first.id in [j.id for j in progress.available_judges]
    assert notifications.for_recipient(db, recipient_id=first.id, kind="judging.removed")
    with pytest.raises(NotFound):
        panel.remove(db, challenge=judged.challenge, user=judged.owner, judge_id=first.id)


def test_the_panel_is_locked_once_judging_is_over(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    with pytest.raises(Conflict, match="until judging ends"):
        panel.assign(db, challenge=judged.challenge, user=judged.owner, judge_id=judge(db).id)
    with pytest.raises(Conflict, match="until judging ends"):
        panel.remove(db, challenge=judged.challenge, user=judged.owner,
                     judge_id=judged.judges[0].id)


def test_progress_counts_submitted_drafts_and_recusals_per_judge(
        db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=3, judges=2)
    score_all(db, judged, 0, {0: ("7", "5"), 1: ("6", "4")})
    service.save(db, challenge=judged.challenge, judge=judged.judges[0],
                 code=judged.code(judged.entries[2]), body=scores(judged.challenge, "3"))
    service.recuse(db, challenge=judged.challenge, judge=judged.judges[1],
                   code=judged.code(judged.entries[0]))
    db.commit()
    rows = {j.id: j for j in panel.panel(db, challenge=judged.challenge,
                                         user=judged.owner).judges}
    first, second = (rows[j.id] for j in judged.judges)
    assert (first.submitted, first.expected, first.drafts, first.recused) == (2, 3, 1, 0)
    assert (second.submitted, second.expected, second.drafts, second.recused) == (0, 2, 0, 1)
    assert not first.removable and second.removable
    assert "score" not in panel.panel(db, challenge=judged.challenge,
                                      user=judged.owner).model_dump_json()


# ---- blind entries ------------------------------------------------------------------------------

def test_entries_carry_no_identity_of_their_entrants(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=3, judges=1)
    person = judged.judges[0]
    listed = service.entries(db, challenge=judged.challenge, judge=person)
    shown = [service.entry(db, challenge=judged.challenge, judge=person, code=e.code)
             for e in listed]
    text = json.dumps([e.model_dump(mode="json") for e in listed + shown])  # type: ignore[operator]
    for someone in judged.entrants:
        for secret in (someone.display_name, someone.email or "", "Okafor", "entrants.example"):
            assert secret not in text
    assert "Okafor Cold Chain Collective" not in text and "proposal" not in text
    assert "NPL" not in text and "Nepal" not in text
    keys = {k for e in shown for k in _keys(e.model_dump(mode="json"))}
    assert not keys & {"submission_id", "registration_id", "user_id", "team", "team_name",
                       "country", "country_code", "email", "entrant", "created_by_id",
                       "uploaded_by_id", "original_name", "stored_name", "sha256"}
    assert {e.title for e in shown} == {s.title for s in judged.entries}
    assert shown[0].files[0].name == f"{shown[0].code}-1.pdf"


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_codes_are_stable_short_and_unrelated_to_ids(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=3, judges=2)
    first = [e.code for e in service.entries(db, challenge=judged.challenge,
                                              judge=judged.judges[0])]
    again = [e.code for e in service.entries(db, challenge=judged.challenge,
                                              judge=judged.judges[1])]
    assert first == again == sorted(first)
    assert all(codes.looks_like_code(c) and len(c) == 8 for c in first)
    assert {judged.code(s) for s in judged.entries} == set(first)
    other_key = codes.codes_for("another secret", judged.challenge.id,
                                [s.id for s in judged.entries])
    assert set(other_key.values()).isdisjoint(first)
    assert get_settings().secret_key  # the codes come from it


def test_colliding_short_codes_grow_until_they_differ() -> None:
    ids = range(1, 5000)  # enough entries that some share their first 6 hex digits
    made = codes.codes_for("k", 7, ids)
    assert len(set(made.values())) == len(made)
    assert {len(c) for c in made.values()} == {10}


def test_only_submitted_entries_and_only_while_judging(db: Session, clock: Clock) -> None:
    challenge, owner, _ = open_challenge(db, clock)
    done = submitted_entry(db, challenge, entrant(db))
    register_individually(db, challenge, entrant(db))  # registered, never submitted
    person = judge(db)
    panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    with pytest.raises(Conflict, match="while the challenge is in judging"):
        service.entries(db, challenge=challenge, judge=person)
    start_judging(db, clock, challenge, owner)
    assert [e.title for e in service.entries(db, challenge=challenge, judge=person)] == [
        done.title]


# ---- scorecards ---------------------------------------------------------------------------------

def test_a_scorecard_is_a_draft_until_submitted_then_final(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    person, code = judged.judges[0], judged.code(judged.entries[0])
    impact, afford = judged.challenge.criteria
    draft = service.save(db, challenge=judged.challenge, judge=person, code=code,
                         body=ScorecardIn(scores=[CriterionScoreIn(criterion_id=impact.id,
                                                                   score=Decimal("7.5"))]))
    assert draft.state.value == "draft" and draft.weighted_total is None
    assert [s.score for s in draft.scores] == [Decimal("7.5"), None]
    with pytest.raises(ValidationFailed) as incomplete:
        service.submit(db, challenge=judged.challenge, judge=person, code=code)
    assert incomplete.value.fields == {f"scores.{afford.id}": "required"}
    service.save(db, challenge=judged.challenge, judge=person, code=code,
                 body=scores(judged.challenge, "8", "4"))
    done = service.submit(db, challenge=judged.challenge, judge=person, code=code)
    assert done.state.value == "submitted" and done.submitted_at == clock.now()
    assert done.weighted_total == Decimal("7")  # (3 × 8 + 1 × 4) / 4
    assert service.entries(db, challenge=judged.challenge, judge=person)[0].status == \
        EntryStatus.SUBMITTED
    with pytest.raises(Conflict, match="can no longer change"):
        service.save(db, challenge=judged.challenge, judge=person, code=code,
                     body=scores(judged.challenge, "1", "1"))
    with pytest.raises(Conflict, match="already submitted"):
        service.submit(db, challenge=judged.challenge, judge=person, code=code)
    with pytest.raises(Conflict):
        service.recuse(db, challenge=judged.challenge, judge=person, code=code)


def test_scores_must_name_this_challenges_criteria_once(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    person, code = judged.judges[0], judged.code(judged.entries[0])
    impact = judged.challenge.criteria[0]
    with pytest.raises(ValidationFailed) as refused:
        service.save(db, challenge=judged.challenge, judge=person, code=code, body=ScorecardIn(
            scores=[CriterionScoreIn(criterion_id=impact.id, score=Decimal(1)),
                    CriterionScoreIn(criterion_id=impact.id, score=Decimal(2)),
                    CriterionScoreIn(criterion_id=999_999, score=Decimal(2))]))
    assert refused.value.fields == {"scores.1.criterion_id": "scored twice",
                                    "scores.2.criterion_id": "not a criterion of this challenge"}


def test_scorecards_change_only_while_the_challenge_is_in_judging(
        db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    person, code = judged.judges[0], judged.code(judged.entries[0])
    service.save(db, challenge=judged.challenge, judge=person, code=code,
                 body=scores(judged.challenge, "5", "5"))
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    for act in (lambda: service.save(db, challenge=judged.challenge, judge=person, code=code,
                                     body=scores(judged.challenge, "6", "6")),
                lambda: service.submit(db, challenge=judged.challenge, judge=person, code=code),
                lambda: service.recuse(db, challenge=judged.challenge, judge=person, code=code),
                lambda: service.entry(db, challenge=judged.challenge, judge=person, code=code)):
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "not_judging"


def test_recusal_removes_the_entry_from_the_list_and_the_results(
        db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=2)
    first, second = judged.judges
    recused_code = judged.code(judged.entries[0])
    service.save(db, challenge=judged.challenge, judge=first, code=recused_code,
                 body=scores(judged.challenge, "10", "10"))
    service.recuse(db, challenge=judged.challenge, judge=first, code=recused_code)
    db.commit()
    assert [e.code for e in service.entries(db, challenge=judged.challenge, judge=first)] == [
        judged.code(judged.entries[1])]
    with pytest.raises(NotFound):
        service.entry(db, challenge=judged.challenge, judge=first, code=recused_code)
    with pytest.raises(NotFound):
        service.recuse(db, challenge=judged.challenge, judge=first, code=recused_code)
    score_all(db, judged, 0, {1: ("4", "4")})
    score_all(db, judged, 1, {0: ("6", "6"), 1: ("8", "8")})
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    table = {r.code: r for r in results.results(db, challenge=judged.challenge,
                                                user=judged.owner).results}
    assert table[recused_code].judges == 1 and table[recused_code].raw_mean == Decimal("6")


def test_an_unknown_code_is_not_found(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    with pytest.raises(NotFound):
        service.entry(db, challenge=judged.challenge, judge=judged.judges[0], code="E-000000")


# ---- who sees which figures ---------------------------------------------------------------------

def test_results_only_for_the_manager_and_only_after_judging(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=3, judges=2)
    score_all(db, judged, 0, {0: ("8", "4"), 1: ("6", "2"), 2: ("4", "0")})
    score_all(db, judged, 1, {0: ("5", "5"), 1: ("9", "7"), 2: ("7", "3")})
    with pytest.raises(Conflict, match="moved on to verification"):
        results.results(db, challenge=judged.challenge, user=judged.owner)
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    with pytest.raises(Forbidden):
        results.results(db, challenge=judged.challenge, user=judged.judges[0])
    table = results.results(db, challenge=judged.challenge, user=judged.admin)
    # The hand-computed case of tests/judging/test_scoring.py, through the database.
    assert [(r.rank, r.submission_id, r.raw_mean, r.normalised, r.eligible)
            for r in table.results] == [
        (1, judged.entries[1].id, Decimal("6.7500"), Decimal("0.6794"), True),
        (2, judged.entries[0].id, Decimal("6.0000"), Decimal("0.1028"), True),
        (3, judged.entries[2].id, Decimal("4.5000"), Decimal("-0.7822"), False)]
    last = table.results[2]
    assert last.flags == ["Affordability: mean 1.5000 is below the minimum 2",
                          "raw mean 4.5000 is below the minimum overall score 5"]
    assert [(m.criterion, m.mean) for m in last.criterion_means] == [
        ("Impact", Decimal("5.5")), ("Affordability", Decimal("1.5"))]
    assert last.code == judged.code(judged.entries[2])


def test_drafts_do_not_count_and_unscored_entries_come_last(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    score_all(db, judged, 0, {1: ("6", "6")})
    service.save(db, challenge=judged.challenge, judge=judged.judges[0],
                 code=judged.code(judged.entries[0]), body=scores(judged.challenge, "9", "9"))
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    first, last = results.results(db, challenge=judged.challenge, user=judged.owner).results
    assert (first.submission_id, first.rank, first.normalised) == (
        judged.entries[1].id, 1, Decimal(0))
    assert (last.submission_id, last.rank, last.raw_mean, last.judges) == (
        judged.entries[0].id, None, None, 0)
    assert not last.eligible and last.flags == ["not scored: no judge submitted a scorecard"]


def test_a_judge_sees_only_their_own_scorecards(db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=2)
    code = judged.code(judged.entries[0])
    score_all(db, judged, 0, {0: ("9", "9")})
    theirs = service.entry(db, challenge=judged.challenge, judge=judged.judges[1], code=code)
    assert theirs.scorecard is None and "9" not in theirs.model_dump_json(include={"scorecard"})
    mine = service.entry(db, challenge=judged.challenge, judge=judged.judges[0], code=code)
    assert mine.scorecard is not None and mine.scorecard.weighted_total == Decimal(9)


def test_everyone_but_the_manager_and_the_panel_is_told_nothing_is_there(
        db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    cid = judged.challenge.id
    outsiders = [judge(db), judged.entrants[0], make_user(db, roles=[Role.SPONSOR]),
                 make_user(db, roles=[Role.VERIFIER]), make_user(db, roles=[Role.CURATOR])]
    for person in outsiders:
        with pytest.raises(NotFound):
            access.seat(db, challenge_id=cid, user=person)
    with pytest.raises(Forbidden):
        access.as_judge(db=db, challenge_id=cid, user=judged.owner)
    with pytest.raises(Forbidden):
        access.as_manager(db=db, challenge_id=cid, user=judged.judges[0])
    assert access.as_manager(db=db, challenge_id=cid, user=judged.admin) == judged.challenge
    assert judged.challenge.state == ChallengeState.JUDGING
