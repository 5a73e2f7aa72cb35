"""A demonstration challenge in outcome verification, made through the services step by step as
it would have happened (see app/judging/seed.py for how the clock is set back for each step).

The Demo Sponsor's biogas challenge opened 125 days ago and closed 65 days ago; three solvers
entered it; two judges (`judge2@`, `judge3@`) scored every entry; the sponsor started verification
35 days ago, and it closes 45 days from now. Judging made two of the three entries eligible. The
Demo Verifier (`verifier@`) attested the firewood saved by the first one 20 days ago (the target
is met, so that entry is verified); the other shortlisted entry waits for its attestation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.challenges.models import Challenge
from app.judging import seed as seeding
from app.judging.seed import DemoEntry
from app.verification import access
from app.verification.schemas import AttestationIn

SEED_ORDER = 90  # after the demo challenge in judging (80), whose accounts it shares
TITLE = "Biogas for school kitchens"
DAY = dt.timedelta(days=1)
# Days before the demo is loaded (negative: after) at which each step happens.
DRAFTED, APPROVED, OPENS, CLOSES, JUDGING_STARTED = 130, 128, 125, 65, 64
JUDGING_ENDS, VERIFICATION_STARTED, ATTESTED, VERIFICATION_CLOSES = 40, 35, 20, -45
CRITERIA = ["Firewood saved", "Cost per school", "Local operation and repair"]
ENTRIES = [
    DemoEntry("solver2", "Fixed-dome digesters fed by school latrines and kitchen waste",
              "A 12 m³ fixed-dome digester per school, built by trained local masons; "
              "the gas replaces firewood for the midday meal.",
              "Fixed-dome digesters - design and costs", 110),
    DemoEntry("solver5", "Bag digesters for schools without masons",
              "Prefabricated bag digesters that two people install in a day.",
              "Bag digesters - installation guide", 90),
    DemoEntry("solver3", "Shared digesters for school clusters",
              "One large digester serves three neighbouring schools through a gas main.",
              "Shared digesters - cluster plan", 70),
]
SCORES: dict[str, tuple[int, dict[str, tuple[str, str, str]]]] = {
    "judge2": (60, {ENTRIES[0].title: ("8", "7", "8"), ENTRIES[1].title: ("7", "6", "5"),
                    ENTRIES[2].title: ("4", "3", "5")}),
    "judge3": (58, {ENTRIES[0].title: ("9", "6", "7"), ENTRIES[1].title: ("6.5", "7", "6"),
                    ENTRIES[2].title: ("3.5", "4", "4")}),
}


def _body(anchor: dt.datetime) -> dict[str, Any]:
    return {
        **seeding.demo_call(anchor,
                            days_ago=(OPENS, CLOSES, JUDGING_ENDS, VERIFICATION_CLOSES),
                            criteria=CRITERIA, second_minimum="4"),
        "title": TITLE,
        "summary": "Paid per verified tonne of firewood that school kitchens no longer burn.",
        "description": "School meals in rural districts are cooked on open fires: the wood "
                       "costs the schools, the smoke costs the cooks' lungs.\n\n"
                       "We pay for **firewood no longer burnt**, measured over a school term.",
        "sdg_targets": ["7.1", "7.2", "3.9"], "sectors": ["energy_supply", "waste_pollution"],
        "stage": "market_formation",
        "targets": [
            {"key": "firewood", "metric": "Firewood no longer burnt in a school term",
             "unit": "tonnes", "direction": "at_least", "threshold": "12", "baseline": "0",
             "verification_method": "Firewood purchase records of the term before and the "
                                    "term after, checked against the gas meter.",
             "required": True},
            {"key": "smoke", "metric": "Kitchen PM2.5 while cooking", "unit": "µg/m³",
             "direction": "at_most", "threshold": "75", "required": False,
             "verification_method": "A calibrated monitor for a week of cooking."}],
        "ip_terms": {"kind": "non_exclusive_licence"},
        "prize_rules": {"purse": {"amount_minor": 20_000_000, "currency": "USD"},
                        "award": {"type": "threshold", "amount_per_solution": 5_000_000,
                                  "overflow": "by_rank"},
                        "holdback": {"basis_points": 1000, "delay_days": 180}},
    }


def load_demo(db: Session) -> list[str]:
    if db.scalar(select(Challenge.id).where(Challenge.title == TITLE)):
        return ["Verification: the demo challenge in verification exists already."]
    cast = seeding.demo_cast(db, {"sponsor", "verifier", *SCORES, *(e.entrant for e in ENTRIES)},
                             "the demo challenge in verification")
    if isinstance(cast, str):
        return [f"Verification: {cast}"]
    challenge = seeding.published_back_then(db, cast, body=_body(cast.anchor), drafted=DRAFTED,
                                            approved=APPROVED, entries=ENTRIES)
    seeding.judged_back_then(db, challenge, cast, panel_formed=JUDGING_STARTED,
                             started=JUDGING_STARTED, scores=SCORES, criteria=CRITERIA)
    with cast.days_ago(VERIFICATION_STARTED):
        workflow.start_verification(db, challenge=challenge, user=cast.owner)
    verifier = cast.people["verifier"]
    with cast.days_ago(ATTESTED):
        seat = access.as_verifier(db, challenge_id=challenge.id, user=verifier)
        first = next(iter(workflow.shortlist(db, challenge).values()))
        workflow.attest(db, seat=seat, user=verifier, submission_id=first.submission_id,
                        target_key="firewood", body=AttestationIn(
                            measured_value=Decimal("14.6"),
                            evidence="Firewood bought: 21.3 t in the term before, 6.7 t in the "
                                     "term after; gas meter read on site.",
                            evidence_url=None))
    db.flush()
    return [f"Verification: “{TITLE}” in verification, {len(ENTRIES)} entries, 2 shortlisted; "
            f"verifier attested the first ({first.title}), the second waits."]
