"""The demonstration challenge in judging: loaded by `load-demo` (all its loaders, as the command
runs them) through the services with a timeline in the past; the Demo Judge finds every entry
waiting, the two other judges have scored them all; loading again adds nothing and the other
demo data stays as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import User
from app.awards import seed as awards_seed
from app.challenges import lifecycle
from app.challenges import seed as challenge_seed
from app.challenges import service as challenges_service
from app.challenges.enums import ChallengeState, SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.config import Settings
from app.db import Base, utcnow
from app.demo import demo_loaders, load_demo_data
from app.errors import Conflict
from app.judging import panel, results, seed
from app.judging import service as judging
from app.judging.models import JudgeAssignment, Scorecard, ScorecardState
from app.judging.schemas import EntryStatus
from app.reference import service as reference
from app.submissions import seed as submissions_seed
from app.submissions import uploads
from app.submissions.models import Submission, SubmissionState
from app.verification import seed as verification_seed
from tests.factories import login

DOMAIN = "demo.example"
PASSWORD = "the demo password in these tests"
ENTRANTS = ("Chikondi Banda", "Mireille Joseph", "Losana Vuki", "Fátima Machava",
            "Artibonite Solar Water")


def load(settings: Settings) -> list[str]:
    return list(load_demo_data(admin_email=f"admin@{DOMAIN}", admin_password=PASSWORD))


def person(db: Session, local: str) -> User:
    found = db.scalar(select(User).where(User.email == f"{local}@{DOMAIN}"))
    assert found is not None, local
    return found


def judged(db: Session) -> Challenge:
    challenge_id = db.scalar(select(Challenge.id).where(Challenge.title == seed.TITLE))
    assert challenge_id is not None
    # Read as a visitor's request would: the state brought up to the real clock.
    return challenges_service.get(db, challenge_id=challenge_id, viewer=person(db, "sponsor"))


@pytest.fixture
def loaded(settings: Settings, db: Session) -> Challenge:
    lines = load(settings)
    assert any(line.startswith(f"Judging: “{seed.TITLE}” in judging, 3 entries")
               for line in lines), lines
    return judged(db)


def test_the_loader_runs_after_the_demo_challenges_and_entry() -> None:
    loaders = demo_loaders()
    assert loaders.index(seed.load_demo) > loaders.index(challenge_seed.load_demo)
    assert loaders.index(seed.load_demo) > loaders.index(submissions_seed.load_demo)


def test_without_the_demo_accounts_it_is_skipped(db: Session) -> None:
    [line] = seed.load_demo(db)
    assert "skipped" in line and "judge2" in line
    assert db.scalar(select(func.count()).select_from(Challenge)) == 0


def test_the_challenge_is_in_judging_and_its_timeline_lies_in_the_past(
        db: Session, loaded: Challenge) -> None:
    challenge, now = loaded, utcnow()
    assert challenge.state == ChallengeState.JUDGING
    assert challenge.owner_id == person(db, "sponsor").id
    assert challenge.opens_at is not None and challenge.submissions_close_at is not None
    assert challenge.judging_ends_at is not None
    assert challenge.opens_at < challenge.submissions_close_at < now < challenge.judging_ends_at
    steps = lifecycle.transitions(db, challenge=challenge)
    assert [s.action for s in steps] == ["create", "submit", "approve", "open", "close",
                                         "start-judging"]
    assert all(s.at.utcoffset() == dt.timedelta(0) and s.at < now for s in steps)
    assert steps[0].at == challenge.created_at  # the record agrees with its first step
    assert steps[3].at == challenge.opens_at and steps[4].at == challenge.submissions_close_at
    entries = list(db.scalars(select(Submission).where(Submission.challenge_id == challenge.id)))
    assert len(entries) == 3
    for entry in entries:
        assert entry.state == SubmissionState.SUBMITTED and len(entry.receipts) == 1
        assert entry.submitted_at is not None
        assert challenge.opens_at < entry.submitted_at < challenge.submissions_close_at
        assert uploads.path_of(entry.files[0]).read_bytes().startswith(b"%PDF-1.4")


def test_the_entrants_are_eligible_and_one_entry_is_a_team(db: Session,
                                                           loaded: Challenge) -> None:
    regs = list(db.scalars(select(ChallengeRegistration).where(
        ChallengeRegistration.challenge_id == loaded.id)))
    assert sorted(r.solver_kind for r in regs) == [SolverKind.INDIVIDUAL, SolverKind.INDIVIDUAL,
                                                  SolverKind.TEAM]
    [team] = [r for r in regs if r.solver_kind == SolverKind.TEAM]
    assert team.team_name == "Artibonite Solar Water" and team.team_size == 2
    for local in ("solver2", "solver3", "solver4", "solver5"):
        country = person(db, local).country_code
        assert country is not None
        groups = reference.groups_of(db, country=country, on=loaded.opens_on)
        assert groups & {"LDC", "SIDS"}, (local, country)


def test_the_demo_judge_has_every_entry_waiting_and_the_others_have_scored_all(
        db: Session, loaded: Challenge) -> None:
    demo_judge, ana, kwame = (person(db, j) for j in ("judge", "judge2", "judge3"))
    assert {j.id for j in panel.judges(db, challenge=loaded)} == {demo_judge.id, ana.id,
                                                                   kwame.id}
    waiting = judging.entries(db, challenge=loaded, judge=demo_judge)
    assert len(waiting) == 3 and {e.status for e in waiting} == {EntryStatus.NOT_STARTED}
    [mine] = [a for a in panel.assignments(db, user=demo_judge) if a.challenge_id == loaded.id]
    assert (mine.submitted, mine.expected) == (0, 3)
    assert not db.scalar(select(func.count()).select_from(Scorecard).where(
        Scorecard.challenge_id == loaded.id, Scorecard.judge_id == demo_judge.id))
    for other in (ana, kwame):
        cards = list(db.scalars(select(Scorecard).where(Scorecard.challenge_id == loaded.id,
                                                        Scorecard.judge_id == other.id)))
        assert len(cards) == 3
        assert all(c.state == ScorecardState.SUBMITTED and len(c.scores) == 3 for c in cards)
        assert all(c.submitted_at is not None and c.submitted_at < utcnow() for c in cards)
    progress = {row.name: (row.submitted, row.expected) for row in panel.panel(
        db, challenge=loaded, user=person(db, "sponsor")).judges}
    assert progress == {"Demo Judge": (0, 3), "Ana Ferreira": (3, 3), "Kwame Mensah": (3, 3)}


def test_the_figures_come_from_the_two_judges_once_judging_is_over(
        db: Session, loaded: Challenge) -> None:
    sponsor = person(db, "sponsor")
    with pytest.raises(Conflict):  # no standings while a judge is still scoring
        results.results(db, challenge=loaded, user=sponsor)
    workflow.start_verification(db, challenge=loaded, user=sponsor)
    table = results.results(db, challenge=loaded, user=sponsor).results
    assert [r.judges for r in table] == [2, 2, 2]
    assert [r.rank for r in table] == [1, 2, 3]
    [last] = [r for r in table if r.title == "Treadle-to-solar pump conversion kits"]
    assert not last.eligible  # affordability 3.5 and 4: below the minimum of 4


def test_what_the_demo_judge_and_the_sponsor_see(client: TestClient, db: Session,
                                                 loaded: Challenge) -> None:
    login(client, f"judge@{DOMAIN}", PASSWORD)
    listing = client.get("/judging").text
    assert seed.TITLE in listing and "0 of 3 submitted" in listing
    page = client.get(f"/challenges/{loaded.id}/judging").text
    assert page.count("Not started") == 3 and "0 of 3 scorecards submitted." in page
    for title in ("Pay-as-you-pump solar irrigation", "Floating solar pumps for shared canals",
                  "Treadle-to-solar pump conversion kits"):
        assert title in page
    assert not [name for name in ENTRANTS if name in page], "judging is blind"
    client.cookies.clear()
    login(client, f"sponsor@{DOMAIN}", PASSWORD)
    page = client.get(f"/challenges/{loaded.id}/judging").text
    assert "3 submitted entries" in page
    for name, progress in (("Demo Judge", "0 of 3"), ("Ana Ferreira", "3 of 3"),
                           ("Kwame Mensah", "3 of 3")):
        row = page.split(f"<tr><td>{name}", 1)[1].split("</tr>", 1)[0]
        assert f"<td>{progress}</td>" in row, name


def test_the_other_demo_data_is_left_as_it_was(db: Session, loaded: Challenge) -> None:
    # The demo challenges in verification and with awards (their seed.py) are loaded after it.
    later = select(Challenge.id).where(Challenge.title.in_(
        [verification_seed.TITLE, *(demo.title for demo in awards_seed.DEMOS)]))
    states = dict(db.execute(select(Challenge.title, Challenge.state)
                             .where(Challenge.id != loaded.id, Challenge.id.not_in(later))).all())
    assert states == {"Solar cold rooms for smallholder harvests": ChallengeState.OPEN,
                      "Coastal early-warning sirens that stay on": ChallengeState.PUBLISHED,
                      "Clean cooking: verified fuel savings": ChallengeState.IN_REVIEW,
                      "Draft: water desalination pilots": ChallengeState.DRAFT}
    others = list(db.scalars(select(Submission).where(Submission.challenge_id != loaded.id,
                                                      Submission.challenge_id.not_in(later))))
    assert [(s.title, s.created_by_id) for s in others] == [
        ("Community solar cold room, Dhading", person(db, "solver").id)]
    demo_solver = person(db, "solver").id
    assert not db.scalar(select(ChallengeRegistration.id).where(
        ChallengeRegistration.challenge_id == loaded.id,
        ChallengeRegistration.user_id == demo_solver))


def test_loading_twice_adds_nothing(settings: Settings, db: Session, loaded: Challenge) -> None:
    def rows() -> dict[str, int]:
        return {t.name: db.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables}

    before = rows()
    mine = {table: db.scalar(select(func.count()).select_from(model)
                             .where(model.challenge_id == loaded.id))
            for table, model in (("scorecards", Scorecard), ("judge_assignments", JudgeAssignment))}
    assert mine == {"scorecards": 6, "judge_assignments": 3}
    db.rollback()  # end the read, so the next reads see the second load
    again = load(settings)
    assert "Judging: the demo challenge in judging exists already." in again
    assert rows() == before
