"""Two demonstration challenges past verification, made through the services step by step as
they would have happened (see app/judging/seed.py for how the clock is set back for each step).

- "Solar grain mills for market towns": final. Three entries were judged and verified (two met
  the target); the awards were proposed 59 days ago and an admin finalised it 40 days ago, so
  its public results page and 360Giving download show the two awards. The sponsor paid the
  part due now 35 days ago; the 10% holdbacks wait for their persistence check, due in 140 days.
- "Biogas digesters for dairy cooperatives": final long ago; paid, and 50 days ago a verifier
  found the outcomes persisted, so the holdbacks were released and paid.
- "Cold storage for fishing cooperatives": awards proposed 4 days ago (a pool shared by the
  verified catch kept fresh); the entrant whose outcome missed the target appealed 2 days ago,
  and the appeal waits for the Demo Admin's decision on the awards page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.awards import payments
from app.awards.models import PaymentMethod
from app.awards.schemas import AppealIn, HoldbackCheckIn, PaymentIn
from app.challenges import clock
from app.challenges.models import Challenge
from app.judging import seed as seeding
from app.judging.seed import DemoEntry
from app.verification import access as verification_access
from app.verification.schemas import AttestationIn

SEED_ORDER = 100  # after the demo challenge in verification (90), whose accounts it shares
DAY = dt.timedelta(days=1)
CRITERIA = ["Verified outcome", "Cost for users", "Local operation"]
ENTRANTS = ("solver2", "solver3", "solver5")
JUDGES = ("judge2", "judge3")
# Each entry's scores (both judges agree), so judging ranks the entries in ENTRANTS' order.
SCORES = (("8", "7", "6"), ("7", "6.5", "6"), ("6", "6", "5.5"))


@dataclass(frozen=True)
class Demo:
    title: str
    summary: str
    target: dict[str, Any]
    award: dict[str, Any]
    entries: tuple[str, str, str]  # titles, one per ENTRANTS
    measured: tuple[str, str, str]  # the attested value of each (the third misses)
    age: int  # days between its draft and the demo's load
    final: bool
    released: bool = False  # the holdback was checked (met) and paid


DEMOS = (
    Demo("Solar grain mills for market towns",
         "Paid per verified tonne of grain milled on solar power instead of diesel.",
         {"key": "milled", "metric": "Grain milled on solar power in six months",
          "unit": "tonnes", "direction": "at_least", "threshold": "150", "baseline": "0",
          "verification_method": "Mill logbooks checked against the inverter's energy log.",
          "required": True},
         {"type": "ranked", "places": [6_000_000, 3_000_000, 1_000_000]},
         ("A shared 15 kW solar mill per market", "Mills on lease-to-own terms",
          "A mobile solar mill on a trailer"), ("212.5", "168", "121"), 200, True),
    Demo("Cold storage for fishing cooperatives",
         "A pool shared by the verified tonnes of catch kept fresh instead of dried or lost.",
         {"key": "fresh", "metric": "Catch sold fresh from cold storage in a season",
          "unit": "tonnes", "direction": "at_least", "threshold": "40", "baseline": "0",
          "verification_method": "Cooperative sales records and the cold room's door log.",
          "required": True},
         {"type": "pool", "pool_minor": 8_000_000, "share_target": "fresh"},
         ("Ice plants run by the cooperatives", "Solar cold boxes on the boats",
          "Community cold rooms at the landing sites"), ("96", "57.5", "38"), 140, False),
    Demo("Biogas digesters for dairy cooperatives",
         "Paid by rank for verified cubic metres of biogas replacing firewood.",
         {"key": "biogas", "metric": "Biogas used for cooking in a year", "unit": "m³",
          "direction": "at_least", "threshold": "5000", "baseline": "0",
          "verification_method": "Gas meter readings checked against household surveys.",
          "required": True},
         {"type": "ranked", "places": [5_000_000, 2_500_000, 1_000_000]},
         ("Digesters shared by ten farms", "Bag digesters on lease",
          "A digester at the milk collection centre"), ("7400", "5210", "3900"), 400, True,
         released=True),
)


def _body(demo: Demo, anchor: dt.datetime) -> dict[str, Any]:
    a = demo.age
    return {
        **seeding.demo_call(anchor, days_ago=(a - 5, a - 65, a - 90, a - 135),
                            criteria=CRITERIA),
        "title": demo.title, "summary": demo.summary,
        "description": f"{demo.summary}\n\nWe pay only for outcomes a verifier has attested.",
        "sdg_targets": ["2.3", "7.2"], "sectors": ["energy_supply", "agriculture_forestry"],
        "stage": "market_formation",
        "targets": [demo.target],
        "ip_terms": {"kind": "non_exclusive_licence"},
        "prize_rules": {"purse": {"amount_minor": 10_000_000, "currency": "USD"},
                        "award": demo.award,
                        "holdback": {"basis_points": 1000, "delay_days": 180}},
    }


def _build(db: Session, demo: Demo, cast: seeding.Cast) -> Challenge:
    owner, a = cast.owner, demo.age
    ago = cast.days_ago
    entries = [DemoEntry(local, title, f"{title}: plan and costs.", f"{title} - plan",
                         a - 20 - 10 * i)
               for i, (local, title) in enumerate(zip(ENTRANTS, demo.entries, strict=True))]
    challenge = seeding.published_back_then(db, cast, body=_body(demo, cast.anchor), drafted=a,
                                            approved=a - 2, entries=entries)
    seeding.judged_back_then(
        db, challenge, cast, panel_formed=a - 66, started=a - 66,
        scores={local: (a - 70 - n, dict(zip(demo.entries, SCORES, strict=True)))
                for n, local in enumerate(JUDGES)}, criteria=CRITERIA)
    with ago(a - 95):
        workflow.start_verification(db, challenge=challenge, user=owner)
    verifier = cast.people["verifier"]
    with ago(a - 110):
        seat = verification_access.as_verifier(db, challenge_id=challenge.id, user=verifier)
        for entry, value in zip(workflow.shortlist(db, challenge).values(), demo.measured,
                                strict=True):
            workflow.attest(db, seat=seat, user=verifier, submission_id=entry.submission_id,
                            target_key=demo.target["key"], body=AttestationIn(
                                measured_value=Decimal(value),
                                evidence="Records checked on site by the verifier."))
    with ago(a - 136):
        workflow.propose_awards(db, challenge=challenge, user=owner)
    if demo.final:
        with ago(a - 160):
            workflow.finalise(db, challenge=challenge, user=cast.admin)
        _pay(db, demo, challenge, cast)
    else:
        missed = list(workflow.shortlist(db, challenge).values())[-1]
        with ago(a - 138):
            appeal = AppealIn(
                submission_id=missed.submission_id,
                reason="Two weeks of sales at the second landing site were not counted: the "
                       "cooperative's ledger for them is attached to our entry.")
            workflow.file_appeal(db, challenge_id=challenge.id, user=cast.people[ENTRANTS[-1]],
                                 body=appeal)
    return challenge


def _pay(db: Session, demo: Demo, challenge: Challenge, cast: seeding.Cast) -> None:
    """The sponsor pays what is due now five days after finalising; for `released`, a verifier
    checks persistence ten days after the holdback fell due and the sponsor pays it then."""
    owner, verifier, a = cast.owner, cast.people["verifier"], demo.age
    awarded = [m for m in payments.money(db, challenge=challenge).values()
               if m.award.amount_minor]

    def pay(days_ago: int, kind: str) -> None:
        with cast.days_ago(days_ago):
            for held in awarded:
                due = payments.money(db, challenge=challenge)[held.award.submission_id]
                if due.payout.payable_minor:
                    workflow.record_payment(db, challenge=challenge, user=owner, body=PaymentIn(
                        submission_id=held.award.submission_id,
                        amount_minor=due.payout.payable_minor, currency=held.award.currency,
                        paid_on=clock.now().date(), method=PaymentMethod.BANK_TRANSFER,
                        reference=f"VX-{challenge.id}-{held.award.submission_id}-{kind}"))

    pay(a - 165, "award")
    if not demo.released:
        return
    # Measured again a year on: each entry a little above what was first attested.
    first = {e.submission_id: Decimal(value) for e, value in zip(
        workflow.shortlist(db, challenge).values(), demo.measured, strict=True)}
    with cast.days_ago(a - 160 - 180 - 10):
        for held in awarded:
            again = first[held.award.submission_id] * Decimal("1.05")
            workflow.check_holdback(db, challenge=challenge, user=verifier, body=HoldbackCheckIn(
                submission_id=held.award.submission_id,
                measured={demo.target["key"]: again},
                evidence="Meters read again a year on; the households still cook on biogas."))
    pay(a - 160 - 180 - 15, "holdback")


def load_demo(db: Session) -> list[str]:
    if db.scalar(select(Challenge.id).where(Challenge.title == DEMOS[0].title)):
        return ["Awards: the demo challenges with awards exist already."]
    cast = seeding.demo_cast(db, {"sponsor", "verifier", *JUDGES, *ENTRANTS},
                             "the demo challenges with awards")
    if isinstance(cast, str):
        return [f"Awards: {cast}"]
    for demo in DEMOS:
        _build(db, demo, cast)
    db.flush()
    return [f"Awards: “{DEMOS[0].title}” final (public results and 360Giving data), paid, "
            f"holdbacks due later; “{DEMOS[1].title}” with awards proposed and an appeal "
            f"waiting for an admin; “{DEMOS[2].title}” paid in full, holdbacks released."]
