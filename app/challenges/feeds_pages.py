"""Feeds: new and open challenges (Atom) and their deadlines (iCalendar)."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.deps import OptionalUser
from app.challenges import clock, lifecycle
from app.challenges.deps import VisibleChallenge
from app.challenges.enums import ChallengeState
from app.challenges.feeds import Entry, Event, atom, calendar
from app.challenges.models import Challenge
from app.challenges.search import state_sql
from app.config import get_settings
from app.kit.money import format_money
from app.kit.routing import APIRouter
from app.kit.unit_of_work import SessionDep
from app.ledger import service as ledger

router = APIRouter(include_in_schema=False)
LIVE = (ChallengeState.PUBLISHED.value, ChallengeState.OPEN.value)
DEADLINES = (("opens_at", "Opens"), ("submissions_close_at", "Submissions close"),
             ("judging_ends_at", "Judging ends"), ("verification_closes_at",
                                                   "Verification closes"))


def _live(db: Session, limit: int = 200) -> list[Challenge]:
    """Published challenges not yet closed (the clock decides), newest first."""
    now = clock.now()
    items = list(db.scalars(select(Challenge).where(Challenge.published_at.is_not(None),
                                                    Challenge.hidden_at.is_(None),
                                                    state_sql(now).in_(LIVE))
                            .order_by(Challenge.published_at.desc(), Challenge.id.desc())
                            .limit(limit)))
    for challenge in items:
        lifecycle.sync(db, challenge=challenge)
    return items


def _events(challenge: Challenge, base: str, host: str) -> list[Event]:
    url = f"{base}/challenges/{challenge.id}"
    events = []
    for name, label in DEADLINES:
        at = getattr(challenge, name)
        if at is None or (name == "opens_at" and challenge.state != ChallengeState.PUBLISHED):
            continue
        events.append(Event(uid=f"challenge-{challenge.id}-{name}@{host}", start=at,
                            summary=f"{label}: {challenge.title}",
                            description=f"{challenge.summary}\n{url}", url=url))
    return events


def _ics(events: list[Event], name: str) -> Response:
    body = calendar(prodid="-//Valleycross//Challenge deadlines//EN", name=name,
                    stamp=clock.now(), events=events)
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get("/feeds/challenges.atom")
def challenges_atom(db: SessionDep) -> Response:
    base = get_settings().base_url.rstrip("/")
    items = _live(db, limit=50)
    entries = []
    for c in items:
        assert c.published_at is not None
        purse = (format_money(c.purse_amount_minor, c.purse_currency)
                 if c.purse_amount_minor is not None and c.purse_currency else "")
        close = c.submissions_close_at.strftime("%Y-%m-%d %H:%M UTC") \
            if c.submissions_close_at else "?"
        is_open = c.state == ChallengeState.OPEN
        state = "Open" if is_open else "Opens soon"
        updated = max([c.published_at] + ([c.opens_at] if is_open and c.opens_at else []))
        entries.append(Entry(
            id=f"{base}/challenges/{c.id}", title=c.title, url=f"{base}/challenges/{c.id}",
            summary=f"{state}. {purse}. Submissions close {close}. {c.summary}".strip(),
            published=c.published_at, updated=updated,
            author=c.sponsor_organisation or "Valleycross",
            categories=tuple(s.sector.value for s in c.sectors)))
    updated = max((e.updated for e in entries), default=clock.now())
    body = atom(feed_id=f"{base}/feeds/challenges.atom", title="Valleycross: new and open "
                "challenges", self_url=f"{base}/feeds/challenges.atom",
                site_url=f"{base}/challenges", updated=updated, entries=entries,
                # Published where many keep a copy, so that a rewrite of the whole award ledger
                # shows against an earlier head (GET /api/v1/ledger/verify?head=...).
                subtitle=f"Award ledger head: {ledger.head(db)[1]}")
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/feeds/deadlines.ics")
def deadlines_ics(db: SessionDep) -> Response:
    base = get_settings().base_url.rstrip("/")
    host = urlparse(base).hostname or "valleycross"
    events = [e for c in _live(db) for e in _events(c, base, host)]
    return _ics(events, "Valleycross challenge deadlines")


@router.get("/challenges/{challenge_id:int}/deadlines.ics")
def challenge_ics(user: OptionalUser, challenge: VisibleChallenge,
                  db: SessionDep) -> Response:
    base = get_settings().base_url.rstrip("/")
    host = urlparse(base).hostname or "valleycross"
    return _ics(_events(challenge, base, host), f"Deadlines: {challenge.title}")
