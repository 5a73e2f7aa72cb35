"""A demonstration challenge in judging, made through the services step by step as it would
have happened.

The Demo Sponsor's challenge opened 45 days ago and closed 5 days ago. Three entries (one a
team's) were submitted while it was open, the panel was formed before the deadline, judging
started the day after it, and two of the three judges (`judge2@`, `judge3@`) have submitted a
scorecard for every entry since. The Demo Judge (`judge@`) has scored none: signing in as them
shows the entries waiting, blind, and the sponsor's judging page shows the panel two-thirds done.

The services check each step against `clock.now()` (registering needs an open challenge,
submitting one before its deadline, scoring one in judging), so every step runs inside
`clock.as_of(...)` at the moment it belongs to: the same rules, checked as of then; nothing is
written around the services. Teams and inbox messages read the real time (`app.db.utcnow`), so
the team was formed, and the messages sent, on the day the demo was loaded.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role, User, UserRole
from app.challenges import authoring, clock, registrations, team_entries
from app.challenges.enums import SolverKind
from app.challenges.models import Challenge
from app.challenges.schemas import ChallengeCreate, RegistrationIn
from app.judging import panel
from app.judging import service as judging
from app.judging.schemas import CriterionScoreIn, ScorecardIn
from app.submissions import service as submissions
from app.submissions import uploads
from app.submissions.schemas import SubmissionCreate
from app.submissions.seed import demo_pdf
from app.teams import invitations
from app.teams import service as teams

SEED_ORDER = 80  # after the demo entry (70), so the other demo challenges are already there
TITLE = "Solar pumps for dry-season irrigation"
DAY = dt.timedelta(days=1)
# Days before the demo is loaded (or after, negative) at which each step happens.
DRAFTED, APPROVED, OPENS, PANEL_FORMED, CLOSES, JUDGING_STARTED = 50, 48, 45, 8, 5, 4
JUDGING_ENDS, VERIFICATION_CLOSES = -25, -115


@dataclass(frozen=True)
class DemoEntry:
    entrant: str  # the demo account's email local part (app/demo.py); a team's lead
    title: str
    summary: str
    plan: str  # the text of its one-page PDF (ASCII)
    days_ago: int  # when it was registered, written and submitted
    team: str | None = None
    members: tuple[str, ...] = ()  # the team's other members


ENTRIES = [
    DemoEntry("solver2", "Pay-as-you-pump solar irrigation",
              "Farmers share a 2 kW solar pump on a trailer and pay per cubic metre by mobile "
              "money.\n\n- **Serves** 40 plots of 0.2 ha in Dedza district\n"
              "- A meter on the pump is the only record anyone needs",
              "Pay-as-you-pump - plan and meter design", 38),
    DemoEntry("solver3", "Floating solar pumps for shared canals",
              "Pumps on floating panels lift canal water to terraced fields, owned and repaired "
              "by the irrigation users' association.", "Floating solar pumps - pilot plan", 24,
              team="Artibonite Solar Water", members=("solver4",)),
    DemoEntry("solver5", "Treadle-to-solar pump conversion kits",
              "A kit turns the treadle pumps farmers already own into solar pumps, assembled "
              "by local workshops from parts sold in Maputo.",
              "Treadle-to-solar conversion kit", 11),
]
CRITERIA = ["Verified water delivered", "Affordability for smallholders",
            "Local repair and spare parts"]
# judge -> entry title -> a score per criterion (in CRITERIA's order), and when they scored.
SCORES: dict[str, tuple[int, dict[str, tuple[str, str, str]]]] = {
    "judge2": (3, {"Pay-as-you-pump solar irrigation": ("8", "7", "6"),
                   "Floating solar pumps for shared canals": ("7", "5.5", "8"),
                   "Treadle-to-solar pump conversion kits": ("5", "3.5", "7")}),
    "judge3": (2, {"Pay-as-you-pump solar irrigation": ("7.5", "8", "5"),
                   "Floating solar pumps for shared canals": ("8.5", "6", "7"),
                   "Treadle-to-solar pump conversion kits": ("6", "4", "6.5")}),
}
JUDGES = ("judge", "judge2", "judge3")


def demo_call(anchor: dt.datetime, *, days_ago: tuple[int, int, int, int],
              criteria: list[str], second_minimum: str | None = None) -> dict[str, Any]:
    """What every demo call shares: the Demo Green Fund, open to LDCs and SIDS, a timeline of
    (opens, submissions close, judging ends, verification closes) so many days before
    `anchor`, a 14-day appeals window, and a rubric of the three `criteria` weighted 3, 2, 1
    (the second with `second_minimum`, if given; minimum overall score 5)."""
    rubric: list[dict[str, str]] = [{"name": name, "weight": weight}
                                    for name, weight in zip(criteria, "321", strict=True)]
    if second_minimum is not None:
        rubric[1]["min_score"] = second_minimum
    opens, closes, judging_ends, verification_closes = (
        (anchor - days * DAY).isoformat() for days in days_ago)
    return {
        "sponsor_organisation": "Demo Green Fund", "contact": "prizes@greenfund.example",
        "timeline": {"opens_at": opens, "submissions_close_at": closes,
                     "judging_ends_at": judging_ends,
                     "verification_closes_at": verification_closes, "appeals_window_days": 14},
        "eligibility": {"scope": ["LDC", "SIDS"], "solver_kinds": ["individual", "team"],
                        "team_min": 2, "team_max": 5, "exclude_sponsor_employees": True},
        "rubric": {"criteria": rubric, "min_overall_score": "5"},
    }


def _body(anchor: dt.datetime) -> dict[str, Any]:
    return {
        **demo_call(anchor, days_ago=(OPENS, CLOSES, JUDGING_ENDS, VERIFICATION_CLOSES),
                    criteria=CRITERIA, second_minimum="4"),
        "title": TITLE,
        "summary": "Paid per verified cubic metre of water reaching smallholders' fields in "
                   "the dry season.",
        "description": "Where the rains fail, a second harvest depends on lifting water a few "
                       "metres. Diesel pumps cost more to run than most plots earn.\n\n"
                       "We pay for **water delivered and metered**, not for pumps installed.",
        "sdg_targets": ["2.4", "6.4", "7.2"], "sectors": ["water", "agriculture_forestry"],
        "stage": "demonstration",
        "targets": [
            {"key": "water", "metric": "Water delivered to fields in the dry season",
             "unit": "m³", "direction": "at_least", "threshold": "20000", "baseline": "0",
             "verification_method": "Sealed flow meters, read by a verifier.", "required": True},
            {"key": "cost", "metric": "Running cost per m³", "unit": "USD",
             "direction": "at_most", "threshold": "0.05", "required": False,
             "verification_method": "Meter readings and the operators' accounts."}],
        "ip_terms": {"kind": "non_exclusive_licence"},
        "prize_rules": {"purse": {"amount_minor": 30_000_000, "currency": "USD"},
                        "award": {"type": "ranked",
                                  "places": [15_000_000, 10_000_000, 5_000_000]},
                        "holdback": {"basis_points": 2000, "delay_days": 180}},
    }


def demo_account(db: Session, local: str) -> User | None:
    """The demo account `<local>@<the demo domain>` that app/demo.py made."""
    return db.scalars(select(User).where(User.email.like(f"{local}@%"))
                      .order_by(User.id)).first()


def an_admin(db: Session) -> User | None:
    return db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                      .where(UserRole.role == Role.ADMIN).order_by(User.id)).first()


@dataclass(frozen=True)
class Cast:
    """The demo accounts a back-dated challenge needs, an admin, and the day it is dated from:
    noon UTC today, like the other demo challenges' deadlines (at most 12 hours ahead, and
    every step is at least two days before it, so each `as_of` lies in the past)."""

    people: dict[str, User]
    admin: User
    anchor: dt.datetime

    @property
    def owner(self) -> User:
        return self.people["sponsor"]

    def days_ago(self, days: int) -> Any:
        """Act as of `days` days before the anchor."""
        return clock.as_of(self.anchor - days * DAY)


def demo_cast(db: Session, wanted: set[str], skipped: str) -> Cast | str:
    """The demo accounts named in `wanted` (by local part, "sponsor" among them) and an admin;
    or, when one is missing, the sentence saying so and that `skipped` is skipped."""
    people = {local: user for local in sorted(wanted)
              if (user := demo_account(db, local)) is not None}
    admin = an_admin(db)
    if admin is None or len(people) < len(wanted):
        missing = sorted(wanted - set(people)) + ([] if admin else ["an admin"])
        return f"no demo account {', '.join(missing)}; {skipped} skipped."
    return Cast(people, admin, clock.now().replace(hour=12, minute=0, second=0, microsecond=0))


def published_back_then(db: Session, cast: Cast, *, body: dict[str, Any], drafted: int,
                        approved: int, entries: Iterable[DemoEntry]) -> Challenge:
    """The sponsor's challenge drafted and submitted for review `drafted` days ago, approved
    `approved` days ago, and each of `entries` entered on its own day."""
    with cast.days_ago(drafted):
        challenge = authoring.create(db, user=cast.owner,
                                     body=ChallengeCreate.model_validate(body))
        workflow.submit_for_review(db, challenge=challenge, user=cast.owner)
    with cast.days_ago(approved):
        workflow.approve(db, challenge=challenge, user=cast.admin)
    for entry in entries:
        with cast.days_ago(entry.days_ago):
            workflow.follow_clock(db, challenge=challenge)  # opened by the clock, as a visit
            enter(db, challenge, entry, cast.people)
    return challenge


def judged_back_then(db: Session, challenge: Challenge, cast: Cast, *, panel_formed: int,
                     started: int, scores: dict[str, tuple[int, dict[str, tuple[str, str, str]]]],
                     criteria: list[str] = CRITERIA, judges: Iterable[str] = ()) -> None:
    """Its panel (`judges`, else those in `scores`) formed `panel_formed` and judging started
    `started` days ago; then each judge's scores: `scores[judge] = (days ago, {entry title:
    scores})`."""
    with cast.days_ago(panel_formed):
        for local in judges or scores:
            panel.assign(db, challenge=challenge, user=cast.owner,
                         judge_id=cast.people[local].id)
    with cast.days_ago(started):
        workflow.start_judging(db, challenge=challenge, user=cast.owner)
    for local, (days, given) in scores.items():
        with cast.days_ago(days):
            score_every_entry(db, challenge, cast.people[local], given, criteria)


def _team(db: Session, lead: User, name: str, members: list[User]) -> int:
    """Formed by its lead; each member accepts the invitation sent to their address."""
    team = teams.create(db, user=lead, name=name)
    for member in members:
        assert member.email is not None
        invitation = invitations.invite(db, team=team, user=lead, email=member.email)
        team_entries.accept(db, invitation_id=invitation.id, user=member)
    return team.id


def enter(db: Session, challenge: Challenge, entry: DemoEntry,
           people: dict[str, User]) -> None:
    lead = people[entry.entrant]
    body = RegistrationIn(solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True)
    if entry.team is not None:
        team_id = _team(db, lead, entry.team, [people[m] for m in entry.members])
        body = RegistrationIn(solver_kind=SolverKind.TEAM, team_id=team_id,
                              declares_not_sponsor_employee=True)
    registrations.register(db, challenge=challenge, user=lead, body=body)
    made = submissions.create(db, challenge=challenge, user=lead,
                              body=SubmissionCreate(title=entry.title, summary=entry.summary))
    uploads.add_file(db, entry=made, user=lead, filename="plan.pdf",
                     stream=io.BytesIO(demo_pdf(entry.plan)))
    submissions.submit(db, entry=made, user=lead)


def score_every_entry(db: Session, challenge: Challenge, judge: User,
                      scores: dict[str, tuple[str, str, str]],
                      criteria: list[str] = CRITERIA) -> None:
    """Through the judge's own blind list: each entry by its code, saved, then submitted."""
    ids = {c.name: c.id for c in challenge.criteria}
    for listed in judging.entries(db, challenge=challenge, judge=judge):
        given = scores[listed.title]
        judging.save(db, challenge=challenge, judge=judge, code=listed.code, body=ScorecardIn(
            scores=[CriterionScoreIn(criterion_id=ids[name], score=Decimal(value))
                    for name, value in zip(criteria, given, strict=True)],
            comment="Scored on the plan and the pilot figures in the PDF."))
        judging.submit(db, challenge=challenge, judge=judge, code=listed.code)


def load_demo(db: Session) -> list[str]:
    if db.scalar(select(Challenge.id).where(Challenge.title == TITLE)):
        return ["Judging: the demo challenge in judging exists already."]
    cast = demo_cast(db, {"sponsor", *JUDGES, *(e.entrant for e in ENTRIES),
                          *(m for e in ENTRIES for m in e.members)},
                     "the demo challenge in judging")
    if isinstance(cast, str):
        return [f"Judging: {cast}"]
    challenge = published_back_then(db, cast, body=_body(cast.anchor), drafted=DRAFTED,
                                    approved=APPROVED, entries=ENTRIES)
    judged_back_then(db, challenge, cast, panel_formed=PANEL_FORMED, started=JUDGING_STARTED,
                     scores=SCORES, judges=JUDGES)
    db.flush()
    return [f"Judging: “{TITLE}” in judging, {len(ENTRIES)} entries; "
            f"{', '.join(SCORES)} scored them all, {JUDGES[0]} none yet."]
