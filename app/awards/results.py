"""Public results of a finalised challenge: the awards paid, to whom, for which verified
outcomes; and the same awards as 360Giving grants. Anyone may read them once the challenge is
final (ASVS 8.2.3: not one amount before); entries that won nothing are not named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.awards import giving360, payments
from app.awards.service import current
from app.challenges import lifecycle
from app.challenges import service as challenges_service
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict
from app.i18n.translate import N_
from app.ledger import service as ledger
from app.reference.models import Country
from app.submissions import access as submissions_access
from app.submissions.models import Submission
from app.teams.models import Team
from app.verification.outcomes import ShortlistedEntry

FINAL_STATES = frozenset({ChallengeState.FINAL, ChallengeState.ARCHIVED})
PROGRAMME_PREFIX = "360G-valleycross"


class AwardedRead(BaseModel):
    submission_id: int
    title: str
    entrant: str
    country: str | None
    judging_rank: int | None
    amount_minor: int
    currency: str
    paid_minor: int
    held_minor: int  # kept back until the persistence check
    holdback_due_on: dt.date | None
    outcomes: list[str]  # "metric: value unit", attested


class ResultsRead(BaseModel):
    challenge_id: int
    title: str
    sponsor_organisation: str
    currency: str
    purse_minor: int
    total_minor: int
    paid_minor: int
    held_minor: int
    finalised_at: dt.datetime
    awards: list[AwardedRead]
    ledger_head: str  # the award ledger's head hash when this was read
    ledger_entries: int


def results_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/results"


def finalised_at(db: Session, challenge: Challenge) -> dt.datetime:
    steps = [s.at for s in lifecycle.transitions(db, challenge=challenge)
             if s.action == "finalise"]
    return steps[-1] if steps else challenge.updated_at


def final_challenge(db: Session, *, challenge_id: int, viewer: User | None) -> Challenge:
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=viewer)
    if challenge.state not in FINAL_STATES:
        raise Conflict(N_("Results are published once the awards are final."),
                       code="results_not_final", fields={"state": challenge.state.value})
    return challenge


def _recipient(db: Session, submission: Submission) -> tuple[str, bool, Country | None, str]:
    """(name, is a team, country, stable id) of who entered the submission."""
    registration = db.get(ChallengeRegistration, submission.registration_id)
    if registration is None:
        return "an entrant", False, None, f"entry-{submission.id}"
    if registration.team_id is not None:
        team = db.get(Team, registration.team_id)
        lead = db.get(User, registration.user_id)
        country = db.get(Country, lead.country_code) if lead and lead.country_code else None
        return (team.name if team else "a team"), True, country, f"team-{registration.team_id}"
    person = db.get(User, registration.user_id)
    country = db.get(Country, person.country_code) if person and person.country_code else None
    name = submissions_access.entrant_names(db, [registration]).get(registration.id, "")
    return name, False, country, f"solver-{registration.user_id}"


def _english_name(country: Country) -> str:
    return country.name_en


def results(db: Session, *, challenge: Challenge, shortlist: Iterable[ShortlistedEntry],
            country_name: Callable[[Country], str] = _english_name) -> ResultsRead:
    """The awards paid to the `shortlist`'s entries; `country_name` names the recipients'
    countries (the pages pass `local_name`, the API keeps English)."""
    found = payments.money(db, challenge=challenge)
    rows = []
    for entry in shortlist:
        held = found.get(entry.submission_id)
        submission = db.get(Submission, entry.submission_id)
        if held is None or held.award.amount_minor == 0 or submission is None:
            continue
        name, _, country, _ = _recipient(db, submission)
        rows.append(AwardedRead(
            submission_id=entry.submission_id, title=entry.title, entrant=name,
            country=country_name(country) if country else None, judging_rank=entry.judging_rank,
            amount_minor=held.award.amount_minor, currency=held.award.currency,
            paid_minor=held.payout.paid_minor, held_minor=held.payout.held_minor,
            holdback_due_on=held.payout.holdback_due_on if held.payout.held_minor else None,
            outcomes=[f"{t.metric}: {t.measured_value} {t.unit}" for t in entry.targets
                      if t.measured_value is not None]))
    purse = (challenge.prize_rules or {}).get("purse", {})
    entries, head = ledger.head(db)
    return ResultsRead(
        challenge_id=challenge.id, title=challenge.title,
        sponsor_organisation=challenge.sponsor_organisation,
        currency=purse.get("currency", ""), purse_minor=purse.get("amount_minor", 0),
        total_minor=sum(m.award.amount_minor for m in found.values()),
        paid_minor=sum(m.payout.paid_minor for m in found.values()),
        held_minor=sum(m.payout.held_minor for m in found.values()),
        finalised_at=finalised_at(db, challenge), awards=rows, ledger_head=head,
        ledger_entries=entries)


def grants(db: Session, challenges: list[Challenge]) -> list[giving360.Grant]:
    base = get_settings().base_url
    out = []
    for challenge in challenges:
        final_at = finalised_at(db, challenge)
        for award in current(db, challenge_id=challenge.id).values():
            if award.amount_minor == 0:
                continue
            submission = db.get(Submission, award.submission_id)
            if submission is None:
                continue
            name, team, country, recipient = _recipient(db, submission)
            out.append(giving360.Grant(
                id=f"{PROGRAMME_PREFIX}-{challenge.id}-{submission.id}",
                title=submission.title,
                description=(submission.summary or submission.title)[:2000],
                amount_minor=award.amount_minor, currency=award.currency,
                award_date=final_at.date(),
                recipient_id=f"{PROGRAMME_PREFIX}-{recipient}", recipient_name=name,
                recipient_is_team=team,
                recipient_country_alpha2=country.alpha2 if country else None,
                recipient_country_name=country.name_en if country else None,
                funder_id=f"{PROGRAMME_PREFIX}-sponsor-{challenge.owner_id}",
                funder_name=challenge.sponsor_organisation or "Sponsor",
                programme_code=f"{PROGRAMME_PREFIX}-{challenge.id}",
                programme_title=challenge.title, url=f"{base}{results_url(challenge)}",
                modified=final_at))
    return out


def export(db: Session, challenges: list[Challenge], *, title: str) -> str | None:
    """The 360Giving package of these challenges' awards as JSON text; None when there are no
    awards (the standard's package needs at least one grant)."""
    found = grants(db, challenges)
    if not found:
        return None
    return giving360.dumps(giving360.package(found, title=title, issued=utcnow(),
                                             publisher="Valleycross"))


def final_challenges(db: Session) -> list[Challenge]:
    return list(db.scalars(select(Challenge).where(Challenge.state.in_(FINAL_STATES))
                           .order_by(Challenge.id)))
