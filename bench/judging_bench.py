"""Time blind judging at scale through the app and print the figures.

    .venv/bin/python bench/judging_bench.py [--entries 1000] [--judges 5] [--runs 9]

Builds a scratch SQLite database under var/bench/ from the migrations plus the reference data
and, through the real services only (as app/judging/seed.py does for the demo, back-dated with
`clock.as_of`), a challenge with `--entries` submitted entries (each with a one-page PDF and its
receipt) and a panel of `--judges` judges who each score every entry through their blind list
(seeded random scores). It then requests, in-process with TestClient, what a judge and the
sponsor open while judging, and the results once verification starts. Target: every page and
API answer under 1 s at 1,000 entries x 5 judges (5,000 scorecards).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_and_p95  # noqa: E402  (after the path above)

PASSWORD = "bench password 0123456789"
TARGET_MS = 1000.0


def build(url: str, *, entries: int, judges: int, seed: int) -> int:
    """The challenge's id, in judging, every entry scored by every judge."""
    from app.accounts import service as accounts
    from app.accounts.models import Role
    from app.challenges import authoring, clock, lifecycle, registrations
    from app.challenges.enums import SolverKind
    from app.challenges.schemas import ChallengeCreate, RegistrationIn
    from app.cli import migrate_database
    from app.db import dispose_engines, transaction
    from app.judging import panel
    from app.judging import seed as judging_seed
    from app.judging import service as judging
    from app.judging.schemas import CriterionScoreIn, ScorecardIn
    from app.reference.seed import load_reference
    from app.submissions import service as submissions
    from app.submissions import uploads
    from app.submissions.schemas import SubmissionCreate
    from app.submissions.seed import demo_pdf

    day = judging_seed.DAY
    migrate_database(url)
    with transaction(url) as db:
        load_reference(db)
    rnd = random.Random(seed)
    anchor = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)
    with transaction(url) as db:
        def person(email: str, name: str, roles: list[Role], country: str) -> int:
            return accounts.create_user(db, email=email, password=PASSWORD, display_name=name,
                                        country_code=country, roles=roles,
                                        email_verified=True).id

        owner_id = person("sponsor@bench.example", "Bench Sponsor", [Role.SPONSOR], "DEU")
        admin_id = person("admin@bench.example", "Bench Admin", [Role.ADMIN], "KEN")
        judge_ids = [person(f"judge{j}@bench.example", f"Bench Judge {j}", [Role.JUDGE], "BRA")
                     for j in range(judges)]
        ldcs = ["NPL", "MWI", "MOZ", "HTI", "FJI", "SEN", "UGA", "TZA", "BGD", "ZMB"]
        entrant_ids = [person(f"solver{n}@bench.example", f"Bench Solver {n}", [Role.SOLVER],
                              ldcs[n % len(ldcs)]) for n in range(entries)]
    with transaction(url) as db:
        from app.accounts.models import User

        owner, admin = db.get(User, owner_id), db.get(User, admin_id)
        assert owner is not None and admin is not None
        with clock.as_of(anchor - judging_seed.DRAFTED * day):
            body = judging_seed._body(anchor) | {"title": f"Bench: {entries} entries"}
            challenge = authoring.create(db, user=owner,
                                         body=ChallengeCreate.model_validate(body))
            lifecycle.perform(db, challenge=challenge, action="submit", user=owner)
        with clock.as_of(anchor - judging_seed.APPROVED * day):
            lifecycle.perform(db, challenge=challenge, action="approve", user=admin)
        challenge_id = challenge.id
    for n, entrant_id in enumerate(entrant_ids):
        with transaction(url) as db, clock.as_of(anchor - 20 * day):
            from app.challenges import service as challenges

            entrant = db.get(User, entrant_id)
            assert entrant is not None
            challenge = challenges.get(db, challenge_id=challenge_id, viewer=entrant)
            lifecycle.sync(db, challenge=challenge)
            registrations.register(db, challenge=challenge, user=entrant, body=RegistrationIn(
                solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
            made = submissions.create(db, challenge=challenge, user=entrant, body=SubmissionCreate(
                title=f"Solar pump scheme {n}", summary="Metered water for dry-season plots."))
            uploads.add_file(db, entry=made, user=entrant, filename="plan.pdf",
                             stream=io.BytesIO(demo_pdf(f"Solar pump scheme {n}")))
            submissions.submit(db, entry=made, user=entrant)
    with transaction(url) as db:
        from app.challenges import service as challenges

        owner = db.get(User, owner_id)
        assert owner is not None
        challenge = challenges.get(db, challenge_id=challenge_id, viewer=owner)
        with clock.as_of(anchor - judging_seed.PANEL_FORMED * day):
            for judge_id in judge_ids:
                panel.assign(db, challenge=challenge, user=owner, judge_id=judge_id)
        with clock.as_of(anchor - judging_seed.JUDGING_STARTED * day):
            lifecycle.perform(db, challenge=challenge, action="start-judging", user=owner)
    for judge_id in judge_ids:
        with transaction(url) as db, clock.as_of(anchor - 2 * day):
            from app.challenges import service as challenges

            judge = db.get(User, judge_id)
            assert judge is not None
            challenge = challenges.get(db, challenge_id=challenge_id, viewer=judge)
            ids = [c.id for c in challenge.criteria]
            for listed in judging.entries(db, challenge=challenge, judge=judge):
                scores = [CriterionScoreIn(criterion_id=i, score=Decimal(rnd.randint(20, 100)) / 10)
                          for i in ids]
                judging.save(db, challenge=challenge, judge=judge, code=listed.code,
                             body=ScorecardIn(scores=scores, comment="Bench scorecard."))
                judging.submit(db, challenge=challenge, judge=judge, code=listed.code)
    with transaction(url) as db:
        db.connection().exec_driver_sql("ANALYZE")
    dispose_engines()
    return challenge_id


def timed(client: object, path: str, headers: dict[str, str], runs: int
          ) -> tuple[float, float, int]:
    """Median and p95 wall-clock milliseconds, and the response's size in bytes."""
    durations, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)  # type: ignore[attr-defined]
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        size = len(response.content)
    median, p95 = median_and_p95(durations)
    return median, p95, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--judges", type=int, default=5)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()

    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"judging_{args.entries}_{args.judges}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    # The test environment's cheap Argon2 cost: thousands of accounts are made, none defended.
    os.environ.update({"DATABASE_URL": url, "VAR_DIR": str(folder), "ENVIRONMENT": "test",
                       "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
                       "PASSWORD_HASH_TIME_COST": "1", "PASSWORD_HASH_MEMORY_KIB": "8",
                       "PASSWORD_HASH_PARALLELISM": "1"})
    start = time.perf_counter()
    challenge_id = build(url, entries=args.entries, judges=args.judges, seed=args.seed)
    print(f"built {args.entries} submitted entries x {args.judges} judges "
          f"({args.entries * args.judges} scorecards) through the services in "
          f"{time.perf_counter() - start:.0f} s")

    from fastapi.testclient import TestClient

    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    base = f"/challenges/{challenge_id}"
    api = f"/api/v1/challenges/{challenge_id}"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    print(f"{'request':58} {'median ms':>10} {'p95 ms':>8} {'KiB':>6}  target")
    missed = False
    with TestClient(create_app(get_settings())) as client:
        def token(email: str) -> dict[str, str]:
            response = client.post("/api/v1/auth/tokens",
                                   json={"name": "bench", "email": email, "password": PASSWORD})
            return {"Authorization": f"Bearer {response.json()['token']}"}

        judge, sponsor = token("judge0@bench.example"), token("sponsor@bench.example")

        def measure(label: str, path_: str, headers: dict[str, str]) -> None:
            nonlocal missed
            client.get(path_, headers=headers)  # warm-up
            median, p95, size = timed(client, path_, headers, args.runs)
            verdict = "ok" if p95 < TARGET_MS else "MISSED"
            missed |= p95 >= TARGET_MS
            print(f"{label:58} {median:10.1f} {p95:8.1f} {size / 1024:6.0f}  {verdict}")

        measure("judge: blind entry list page", f"{base}/judging", judge)
        measure("judge: GET .../judging/entries (API)", f"{api}/judging/entries", judge)
        measure("sponsor: panel progress page", f"{base}/judging", sponsor)
        measure("sponsor: GET .../judging/panel (API)", f"{api}/judging/panel", sponsor)
        measure("sponsor: entries list page", f"{base}/submissions", sponsor)
        measure("sponsor: GET .../submissions?limit=50 (API)", f"{api}/submissions?limit=50",
                sponsor)
        moved = client.post(f"{api}/start-verification", headers=sponsor)
        assert moved.status_code == 200, moved.text
        measure("sponsor: results page (normalised scores)", f"{base}/judging/results", sponsor)
        measure("sponsor: GET .../judging/results (API)", f"{api}/judging/results", sponsor)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
