"""The scale data set (`valleycross load-scale`), small: counts, validity, determinism, and the
pages that must render on it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.cli import main as cli
from app.config import Settings
from app.db import Base, transaction
from app.judging.models import JudgeAssignment, Scorecard
from app.needs.models import Need
from app.scale import COUNTS, ScaleRefused, load_scale
from app.submissions import uploads
from app.submissions.models import Submission, SubmissionFile, SubmissionReceipt
from tests.challenges.factories import Clock
from tests.conftest import fresh_database
from tests.db_setup import PostgresDatabases, SQLiteDatabases
from tests.factories import PASSWORD, make_user, token_for

FACTOR = 0.004  # 20 mechanisms, 200 needs, 8 challenges, 400 entries


@pytest.fixture
def scale(settings: Settings, clock: Clock) -> dict[str, int]:
    with transaction(settings.database_url) as db:
        return load_scale(db, factor=FACTOR, password=PASSWORD)


def test_counts_follow_the_factor(scale: dict[str, int], db: Session) -> None:
    for name, table in (("mechanisms", "mechanisms"), ("technologies", "technologies"),
                        ("needs", "needs"), ("challenges", "challenges"),
                        ("entries", "submissions")):
        assert scale[table] == round(COUNTS[name] * FACTOR), table
    assert db.scalar(select(func.count()).select_from(Need).where(Need.dataset == "scale")) == 200
    assert db.scalar(select(func.count()).select_from(Submission)) == scale["submissions"]
    assert scale["scorecards"] > 0 and scale["criterion_scores"] > scale["scorecards"]
    states = set(db.scalars(select(Challenge.state)))
    assert {ChallengeState.OPEN, ChallengeState.JUDGING, ChallengeState.VERIFICATION} <= states
    # The app's own inserts carry on after the explicit ids (PostgreSQL's sequences moved).
    assert make_user(db).id > db.scalar(select(func.min(User.id)).where(
        User.email.like("%@scale.example")))


def test_rows_keep_the_apps_rules(scale: dict[str, int], db: Session) -> None:
    # Every submitted entry has its PDF (on disk) and a receipt sealing what was submitted.
    for entry in db.scalars(select(Submission).where(Submission.state == "submitted")):
        assert [f.size_bytes for f in entry.files] and len(entry.receipts) == 1
        receipt = entry.receipts[0]
        assert hashlib.sha256(receipt.canonical_json.encode()).hexdigest() == receipt.sha256
        assert receipt.submitted_at == entry.submitted_at
        assert uploads.path_of(entry.files[0]).read_bytes()[:5] == b"%PDF-"
    # Entries were made while their challenge was open, by people (or teams) who existed
    # then; scorecards only by its panel.
    for entry, challenge, registration, user in db.execute(
            select(Submission, Challenge, ChallengeRegistration, User)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .join(ChallengeRegistration, ChallengeRegistration.id == Submission.registration_id)
            .join(User, User.id == ChallengeRegistration.user_id)):
        assert user.created_at < challenge.opens_at <= registration.created_at < entry.created_at
        if entry.submitted_at:
            assert entry.submitted_at < challenge.submissions_close_at
    panel = set(db.execute(select(JudgeAssignment.challenge_id, JudgeAssignment.judge_id)))
    cards = set(db.execute(select(Scorecard.challenge_id, Scorecard.judge_id)))
    assert cards and cards <= panel
    # One entry per person per challenge, teams entering under their own name.
    teams = db.scalars(select(ChallengeRegistration).where(
        ChallengeRegistration.solver_kind == "team")).all()
    assert all(r.team_id and r.team_name and r.team_size for r in teams)
    assert db.scalar(select(func.count()).select_from(SubmissionFile)) == db.scalar(
        select(func.count()).select_from(SubmissionReceipt))
    # Published calls carry their frozen contract.
    for challenge in db.scalars(select(Challenge).where(Challenge.published_at.is_not(None))):
        assert challenge.contract_json and challenge.contract_sha256
        assert hashlib.sha256(challenge.contract_json.encode()).hexdigest() == \
            challenge.contract_sha256


def test_a_second_load_is_refused(scale: dict[str, int], settings: Settings,
                                  clock: Clock) -> None:
    with pytest.raises(ScaleRefused, match="scale data already"), \
            transaction(settings.database_url) as db:
        load_scale(db, factor=FACTOR)


def _digest(url: str, tables: list[str]) -> dict[str, str]:
    out = {}
    with transaction(url) as db:
        for name in tables:
            table = Base.metadata.tables[name]
            h = hashlib.sha256()
            for row in db.execute(select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
            out[name] = h.hexdigest()
    return out


@pytest.fixture
def other_database(databases: SQLiteDatabases | PostgresDatabases) -> Iterator[str]:
    """A second fresh database, to load the same seed into."""
    yield from fresh_database(databases)


def test_the_same_seed_gives_the_same_rows(scale: dict[str, int], settings: Settings,
                                           other_database: str, clock: Clock) -> None:
    with transaction(other_database) as db:
        again = load_scale(db, factor=FACTOR, password=None, write_files=False)
    assert again == scale
    tables = sorted(set(scale) - {"users"})  # the password hash is salted
    assert _digest(other_database, tables) == _digest(settings.database_url, tables)


def test_public_pages_render_on_scale_data(scale: dict[str, int], client: TestClient,
                                           db: Session) -> None:
    challenge = db.scalar(select(Challenge.id).where(Challenge.state == "open")
                          .order_by(Challenge.id))
    judging = db.scalar(select(Challenge.id).where(Challenge.state == "judging")
                        .order_by(Challenge.id))
    country = db.execute(select(Need.country_code, func.count()).group_by(Need.country_code)
                         .order_by(func.count().desc(), Need.country_code)).first()
    mechanism = client.get("/api/v1/mechanisms?q=Scale").json()["items"][0]["id"]
    assert country is not None
    pages = ["/", "/challenges", f"/challenges/{challenge}", f"/challenges/{judging}",
             "/inventory", "/inventory/technologies", f"/inventory/mechanisms/{mechanism}",
             "/gaps", f"/countries/{country[0]}", "/coordination", "/needs",
             "/api/v1/challenges", "/api/v1/mechanisms", "/api/v1/technologies",
             "/api/v1/needs", "/api/v1/gaps", "/api/v1/gaps/matrix"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
    assert "Scale challenge" in client.get("/challenges").text
    assert "Scale mechanism" in client.get("/inventory").text


def test_judges_and_sponsors_find_their_work(scale: dict[str, int], client: TestClient,
                                             db: Session) -> None:
    challenge = db.scalars(select(Challenge).where(Challenge.state == "judging")
                           .order_by(Challenge.id)).first()
    assert challenge is not None
    judge = db.scalar(select(JudgeAssignment.judge_id).where(
        JudgeAssignment.challenge_id == challenge.id).order_by(JudgeAssignment.judge_id))
    headers = token_for(client, _email(db, judge))
    entries = client.get(f"/api/v1/challenges/{challenge.id}/judging/entries", headers=headers)
    assert entries.status_code == 200 and entries.json()
    code = entries.json()[0]["code"]
    pdf = client.get(f"/api/v1/challenges/{challenge.id}/judging/entries/{code}/files/1",
                     headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    owner = db.scalar(select(Challenge.owner_id).where(Challenge.id == challenge.id))
    sponsor = token_for(client, _email(db, owner))
    panel = client.get(f"/api/v1/challenges/{challenge.id}/judging/panel", headers=sponsor)
    assert panel.status_code == 200, panel.text
    # Once judging is over its normalised results rank every judged entry.
    verifying = db.scalars(select(Challenge).where(Challenge.state == "verification")
                           .order_by(Challenge.id)).first()
    assert verifying is not None
    results = client.get(f"/api/v1/challenges/{verifying.id}/judging/results",
                         headers=token_for(client, _email(db, verifying.owner_id)))
    assert results.status_code == 200, results.text
    verifier = db.scalar(select(User.id).where(User.email == "verifier00@scale.example"))
    as_verifier = token_for(client, _email(db, verifier))
    queue = client.get("/api/v1/verification/challenges", headers=as_verifier)
    assert queue.status_code == 200 and verifying.id in {q["challenge_id"] for q in queue.json()}
    overview = client.get(f"/api/v1/challenges/{verifying.id}/verification", headers=as_verifier)
    assert overview.status_code == 200, overview.text


def _email(db: Session, user_id: int | None) -> str:
    email = db.scalar(select(User.email).where(User.id == user_id))
    assert email is not None and email.endswith("@scale.example")
    return email


def test_the_command_loads_once(settings: Settings, clock: Clock) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["load-scale", "--factor", "0.002", "--no-files"])
    assert result.exit_code == 0, result.output
    assert "10 mechanisms" in result.output and "200 entries" in result.output
    again = runner.invoke(cli, ["load-scale", "--factor", "0.002"])
    assert again.exit_code == 1 and "scale data already" in again.output
