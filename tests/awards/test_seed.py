"""The demonstration challenges with awards: loaded by `load-demo` after the one in verification;
one final (public results, a valid 360Giving export), one with awards proposed and an appeal
waiting for an admin; loading again adds nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.awards import seed
from app.awards.models import Appeal, AppealStatus, Award
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.config import Settings
from app.demo import demo_loaders, load_demo_data
from app.verification import seed as verification_seed
from tests.awards.test_results import validator

DOMAIN = "demo.example"


def load() -> list[str]:
    return list(load_demo_data(admin_email=f"admin@{DOMAIN}", admin_password="demo pass 1234"))


def test_the_loader_runs_after_the_challenge_in_verification() -> None:
    loaders = demo_loaders()
    assert loaders.index(seed.load_demo) > loaders.index(verification_seed.load_demo)


def test_without_the_demo_accounts_it_is_skipped(db: Session) -> None:
    [line] = seed.load_demo(db)
    assert "skipped" in line
    assert db.scalar(select(func.count()).select_from(Challenge)) == 0


def test_final_challenges_paid_and_one_with_an_appeal_waiting(
        settings: Settings, db: Session, client: TestClient) -> None:
    lines = load()
    assert any(line.startswith("Awards: “Solar grain mills") for line in lines), lines
    final, proposed, released = (db.scalars(select(Challenge).where(
        Challenge.title == demo.title)).one() for demo in seed.DEMOS)
    assert (final.state, proposed.state) == (ChallengeState.FINAL,
                                             ChallengeState.AWARDS_PROPOSED)
    results = client.get(f"/api/v1/challenges/{final.id}/results").json()
    assert [(a["entrant"], a["amount_minor"]) for a in results["awards"]] == [
        ("Chikondi Banda", 6_000_000), ("Mireille Joseph", 3_000_000)]
    export = client.get(f"/api/v1/challenges/{final.id}/results/360giving.json").json()
    assert validator().is_valid(export) and len(export["grants"]) == 2
    pool = [a.amount_minor for a in db.scalars(select(Award).where(
        Award.challenge_id == proposed.id)) if a.amount_minor]
    assert sum(pool) == 8_000_000 and len(pool) == 2  # shared by 96 and 57.5 tonnes
    # Paid now, holdbacks due later; and one paid in full after its holdbacks were released.
    assert (results["paid_minor"], results["held_minor"]) == (8_100_000, 900_000)
    paid_off = client.get(f"/api/v1/challenges/{released.id}/results").json()
    assert (paid_off["paid_minor"], paid_off["held_minor"]) == (7_500_000, 0)
    assert client.get("/api/v1/ledger/verify").json()["ok"] is True
    [appeal] = db.scalars(select(Appeal)).all()
    assert (appeal.challenge_id, appeal.status) == (proposed.id, AppealStatus.OPEN)
    db.commit()
    assert "Awards: the demo challenges with awards exist already." in load()
    assert db.scalar(select(func.count()).select_from(Award)) == 9  # 3 shortlisted x 3
