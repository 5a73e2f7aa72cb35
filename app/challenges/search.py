"""Finding challenges: filters, sorting and pagination, with the clock's state in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, raiseload
from sqlalchemy.sql import ColumnElement

from app.accounts.models import Role, User
from app.challenges import clock, lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.models import (
    Challenge,
    ChallengeMechanism,
    ChallengeScope,
    ChallengeSdgTarget,
    ChallengeSector,
)
from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit.money import is_currency
from app.kit.schemas import MAX_DB_INT
from app.reference import service as reference
from app.reference.models import CountryGroupMembership
from app.reference.vocab import Sector, Stage

SORTS = ("closing_soonest", "newest", "largest_purse")
MAX_PURSE_MINOR = 10**15  # the largest amount app.kit.money.Money accepts


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    sector: str | None = None
    stage: str | None = None
    sdg_target: str | None = None
    eligible_from: str | None = None
    mechanism: int | None = None
    min_purse: int | None = None
    currency: str | None = None
    q: str | None = None
    mine: bool = False
    sort: str = "closing_soonest"


def state_sql(now: dt.datetime) -> ColumnElement[str]:
    """The state the clock implies, computed in the query (the stored state may lag behind)."""
    live = Challenge.state.in_([ChallengeState.PUBLISHED, ChallengeState.OPEN])
    return case(
        (and_(live, Challenge.submissions_close_at <= now), literal(ChallengeState.CLOSED.value)),
        (and_(Challenge.state == ChallengeState.PUBLISHED, Challenge.opens_at <= now),
         literal(ChallengeState.OPEN.value)),
        else_=Challenge.state,
    )


def eligible_from_sql(country: str, today: dt.date) -> ColumnElement[bool]:
    """The challenge's scope names the country, or a group it belonged to on the opening day."""
    day = func.coalesce(Challenge.opens_on, literal(today, Date))
    m = CountryGroupMembership
    by_group = exists().where(
        ChallengeScope.challenge_id == Challenge.id, ChallengeScope.group_code == m.group_code,
        m.country_code == country,
        or_(m.valid_from.is_(None), m.valid_from <= day),
        or_(m.valid_to.is_(None), m.valid_to > day))
    by_country = exists().where(ChallengeScope.challenge_id == Challenge.id,
                                ChallengeScope.country_code == country)
    return or_(by_country, by_group)


def _check(db: Session, f: Filters) -> None:
    errors: dict[str, str] = {}
    if f.state and f.state not in {s.value for s in ChallengeState}:
        errors["state"] = translatable("unknown state; one of %(states)s",
                                       states=", ".join(s.value for s in ChallengeState))
    if f.sector and f.sector not in {s.value for s in Sector}:
        errors["sector"] = N_("unknown sector")
    if f.stage and f.stage not in {s.value for s in Stage}:
        errors["stage"] = N_("unknown stage")
    if f.sort not in SORTS:
        errors["sort"] = translatable("one of %(sorts)s", sorts=", ".join(SORTS))
    # Numbers beyond the columns' range would fail inside the database driver (a 500).
    if f.mechanism is not None and not 1 <= f.mechanism <= MAX_DB_INT:
        errors["mechanism"] = N_("not a mechanism id")
    if f.min_purse is not None and not 0 <= f.min_purse <= MAX_PURSE_MINOR:
        errors["min_purse"] = translatable("between 0 and %(max)s minor units",
                                           max=MAX_PURSE_MINOR)
    if f.min_purse is not None and not f.currency:
        errors["currency"] = N_("give the currency of min_purse (ISO 4217, e.g. USD)")
    if f.currency and not is_currency(f.currency):
        errors["currency"] = translatable("%(currency)s is not an ISO 4217 currency code",
                                          currency=repr(f.currency))
    if f.eligible_from:
        try:
            reference.check_countries(db, codes=[f.eligible_from], field="eligible_from")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(N_("Some filters are not valid."), fields=errors)


def list_challenges(db: Session, *, viewer: User | None, filters: Filters, limit: int = 20,
                    offset: int = 0) -> tuple[list[Challenge], int]:
    """Challenges the viewer may see that match the filters, one page, with the total."""
    _check(db, filters)
    if not 0 <= offset <= MAX_DB_INT:
        raise ValidationFailed(fields={"offset": translatable("between 0 and %(max)s",
                                                              max=MAX_DB_INT)})
    now = clock.now()
    state = state_sql(now)
    # A list shows summaries, which need only the challenge's own columns: its seven child
    # collections are not loaded (selectin would cost seven more queries per page), and touching
    # one raises, so a new use is noticed in the tests instead of becoming slow.
    stmt = select(Challenge).options(*(raiseload(r) for r in (
        Challenge.targets, Challenge.criteria, Challenge.scope, Challenge.needs,
        Challenge.mechanisms, Challenge.sdg_targets, Challenge.sectors)))
    # What moderators hid is listed for its sponsor and admins only (as access.can_see).
    public = and_(Challenge.published_at.is_not(None), Challenge.hidden_at.is_(None))
    if viewer is None or not viewer.has_role(Role.SPONSOR, Role.ADMIN):
        stmt = stmt.where(public)
    elif not viewer.has_role(Role.ADMIN):
        # A sponsor's own drafts too, while they hold the role (as access.is_manager).
        stmt = stmt.where(or_(public, Challenge.owner_id == viewer.id))
    if filters.mine:
        stmt = stmt.where(Challenge.owner_id == (viewer.id if viewer else -1))
    if filters.state:
        stmt = stmt.where(state == filters.state)
    if filters.sector:
        stmt = stmt.where(exists().where(ChallengeSector.challenge_id == Challenge.id,
                                         ChallengeSector.sector == Sector(filters.sector)))
    if filters.stage:
        stmt = stmt.where(Challenge.stage == Stage(filters.stage))
    if filters.sdg_target:
        stmt = stmt.where(exists().where(ChallengeSdgTarget.challenge_id == Challenge.id,
                                         ChallengeSdgTarget.target_code == filters.sdg_target))
    if filters.mechanism is not None:
        stmt = stmt.where(exists().where(ChallengeMechanism.challenge_id == Challenge.id,
                                         ChallengeMechanism.mechanism_id == filters.mechanism))
    if filters.eligible_from:
        stmt = stmt.where(eligible_from_sql(filters.eligible_from.upper(), now.date()))
    if filters.currency:
        stmt = stmt.where(Challenge.purse_currency == filters.currency)
    if filters.min_purse is not None:
        stmt = stmt.where(Challenge.purse_amount_minor >= filters.min_purse)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Challenge.title).like(pattern),
                              func.lower(Challenge.summary).like(pattern),
                              func.lower(Challenge.description).like(pattern),
                              func.lower(Challenge.sponsor_organisation).like(pattern)))
    total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order: list[ColumnElement[Any]]
    if filters.sort == "newest":
        order = [Challenge.published_at.is_(None), Challenge.published_at.desc(),
                 Challenge.created_at.desc()]
    elif filters.sort == "largest_purse":
        order = [Challenge.purse_amount_minor.is_(None), Challenge.purse_amount_minor.desc()]
    else:
        order = [Challenge.submissions_close_at.is_(None),
                 case((Challenge.submissions_close_at > now, 0), else_=1),
                 Challenge.submissions_close_at.asc()]
    items = list(db.scalars(stmt.order_by(*order, Challenge.id.desc())
                            .limit(limit).offset(offset)))
    for challenge in items:
        lifecycle.sync(db, challenge=challenge)
    return items, total


def review_queue(db: Session) -> list[Challenge]:
    """Challenges waiting for an admin, oldest first."""
    return list(db.scalars(select(Challenge).where(Challenge.state == ChallengeState.IN_REVIEW)
                           .order_by(Challenge.updated_at, Challenge.id)))
