"""People and data a journey needs before its browser starts, made through the services straight
into the live server's database: accounts, and the Demo Sponsor's challenges with a past (the
challenge clock set back) entered, judged and verified as a journey needs them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from sqlalchemy.orm import Session

from app import workflow
from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.challenges import authoring, lifecycle
from app.challenges.models import Challenge
from app.challenges.schemas import ChallengeCreate
from app.config import get_settings
from app.db import dispose_engines, session_factory
from app.judging import codes
from app.judging import service as judging
from app.judging.schemas import CriterionScoreIn, ScorecardIn
from app.submissions.models import Submission
from tests.browser.journey import DOMAIN, PASSWORD
from tests.challenges.factories import body as challenge_body
from tests.db_setup import PostgresDatabases, SQLiteDatabases
from tests.judging.factories import submitted_entry
from tests.live import DEMO_PASSWORD, TEST_SECRET_KEY, LiveServer


@contextmanager
def fresh_database(databases: SQLiteDatabases | PostgresDatabases) -> Iterator[str]:
    """A database of its own for one live server (from the migrated template), dropped after."""
    url = databases.fresh()
    try:
        yield url
    finally:
        dispose_engines()
        databases.drop(url)


def create_user(live: LiveServer, *, email: str, display_name: str, roles: list[Role]) -> User:
    """An account with PASSWORD made through the service, straight into the live server's
    database."""
    with session_factory(live.database_url)() as db:
        user = accounts_service.create_user(db, email=email, password=PASSWORD,
                                            display_name=display_name, roles=roles,
                                            email_verified=True)
        db.commit()
        return user


@contextmanager
def on_the_server(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """A session on the live server's database, with the settings the services read there (its
    secret key for entry codes, its upload folder), for arranging data through the services."""
    for name, value in {"DATABASE_URL": live.database_url, "VAR_DIR": str(live.var_dir),
                        "SECRET_KEY": TEST_SECRET_KEY, "ENVIRONMENT": "test"}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with session_factory(live.database_url)() as db:
            yield db
    finally:
        get_settings.cache_clear()


def demo_person(db: Session, email: str, name: str, roles: list[Role]) -> User:
    """The account with this address (a demo one, say), made with the demo password if new."""
    found = accounts_service.get_by_email(db, email=email)
    return found or accounts_service.create_user(
        db, email=email, password=DEMO_PASSWORD, display_name=name, roles=roles,
        country_code="NPL", email_verified=True)


def demo_sponsor(db: Session) -> User:
    return demo_person(db, f"sponsor@{DOMAIN}", "Demo Sponsor", [Role.SPONSOR])


def demo_admin(db: Session) -> User:
    return demo_person(db, f"admin@{DOMAIN}", "Demo Admin", [Role.ADMIN])


def challenge_clock(at: dt.datetime) -> AbstractContextManager[object]:
    """The challenges' clock stopped at `at`: what is done meanwhile happened then."""
    return mock.patch("app.challenges.clock.now", return_value=at)


def entered_challenge(db: Session, *, title: str, start: dt.datetime, entrants: dict[str, str],
                      email_prefix: str = "", summary: Callable[[str], str] | None = None,
                      ) -> tuple[Challenge, dict[str, Submission]]:
    """The Demo Sponsor's challenge `title`, approved by the Demo Admin at `start` (it opens a day
    later and closes 30 days after that); two days after `start`, each entrant (entry title ->
    name; an account `<email_prefix><first name>@` the demo domain) submits an entry, whose
    summary is `summary(entry title)` if given. Returns the challenge and its entries by title."""
    sponsor, admin = demo_sponsor(db), demo_admin(db)
    with challenge_clock(start):
        challenge = authoring.create(db, user=sponsor, body=ChallengeCreate.model_validate(
            challenge_body(start=start, title=title)))
        workflow.submit_for_review(db, challenge=challenge, user=sponsor)
        workflow.approve(db, challenge=challenge, user=admin)
    entries = {}
    with challenge_clock(start + dt.timedelta(days=2)):
        lifecycle.sync(db, challenge=challenge)
        for entry_title, name in entrants.items():
            entrant = demo_person(db, f"{email_prefix}{name.split()[0].lower()}@{DOMAIN}", name,
                                  [Role.SOLVER])
            if summary is None:
                entries[entry_title] = submitted_entry(db, challenge, entrant, title=entry_title)
            else:
                entries[entry_title] = submitted_entry(db, challenge, entrant, title=entry_title,
                                                       summary=summary(entry_title))
    return challenge, entries


def submit_scorecards(db: Session, *, challenge: Challenge, judge: User,
                      scores: dict[int, Sequence[str]]) -> None:
    """`judge`, on the panel, scores every entry of the challenge (submission id -> a score for
    each criterion, in the rubric's order) and submits each scorecard."""
    # The codes of all the entries at once, as the app makes them: they grow when two collide.
    by_id = codes.codes_for(get_settings().secret_key, challenge.id, list(scores))
    for submission_id, values in scores.items():
        code = by_id[submission_id]
        judging.save(db, challenge=challenge, judge=judge, code=code, body=ScorecardIn(
            comment="", scores=[CriterionScoreIn(criterion_id=c.id, score=Decimal(v))
                                for c, v in zip(challenge.criteria, values, strict=True)]))
        judging.submit(db, challenge=challenge, judge=judge, code=code)
