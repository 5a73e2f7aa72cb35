"""Scale entries: registrations of eligible solvers and teams, their entries with one PDF and a
receipt once submitted, judging panels and the judges' scorecards.

Entries go to calls that have been open (open, closed, judging, verification), more to some
than to others, never to more than the call's eligible entrants: each solver or team enters a
call at most once, from a country in its scope on its opening day, as a kind it admits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.challenges.enums import ChallengeState as State
from app.challenges.enums import SolverKind
from app.challenges.models import ChallengeRegistration
from app.judging.models import CriterionScore, JudgeAssignment, Scorecard, ScorecardState
from app.scale.bulk import Row, Writer, moment, rng
from app.scale.challenges import Call
from app.scale.people import People, ScaleTeam, Solver
from app.scale.world import World
from app.submissions import receipts
from app.submissions.models import (
    Submission,
    SubmissionFile,
    SubmissionReceipt,
    SubmissionState,
)
from app.submissions.seed import demo_pdf

ENTERED = (State.OPEN, State.CLOSED, State.JUDGING, State.VERIFICATION)
JUDGED = (State.JUDGING, State.VERIFICATION)
PDF = demo_pdf("Scale data set: an entry's plan")
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()
FILE_NAME = "entry-plan.pdf"


@dataclass
class Entrant:
    user: int
    country: str
    kind: SolverKind
    team: ScaleTeam | None = None
    organisation: str | None = None


def _eligible(world: World, people: People, call: Call,
              alone: dict[SolverKind, list[Entrant]]) -> list[Entrant]:
    allowed = set(world.members_of(call.scope, call.opens_on))
    kind = (SolverKind.INDIVIDUAL if "individual" in call.solver_kinds
            else SolverKind.ORGANISATION if "organisation" in call.solver_kinds else None)
    out = [e for e in alone[kind] if e.country in allowed] if kind is not None else []
    if "team" in call.solver_kinds and call.team_max is not None:
        out += [Entrant(t.lead.id, t.lead.country, SolverKind.TEAM, team=t)
                for t in people.teams
                if t.countries <= allowed and 2 <= len(t.members) <= call.team_max]
    return out


def _organisation(solver: Solver) -> str:
    return solver.organisation or f"{solver.name} Workshop"


def _shares(rnd: random.Random, total: int, caps: list[int]) -> list[int]:
    """`total` split over calls with lognormal weights (a few popular, many quiet), each within
    its cap; less than `total` only when every call is full."""
    weights = [rnd.lognormvariate(0, 1) if cap else 0.0 for cap in caps]
    counts = [0] * len(caps)
    left = total
    while left > 0:
        room = [i for i, cap in enumerate(caps) if counts[i] < cap]
        if not room:
            break
        weight = sum(weights[i] for i in room)
        for i in room:
            add = min(caps[i] - counts[i], math.ceil(left * weights[i] / weight), left)
            counts[i] += add
            left -= add
            if not left:
                break
    return counts


def make_entries(w: Writer, world: World, people: People, calls: list[Call], *, count: int,
                 seed: int, anchor: dt.datetime) -> list[str]:
    """Inserts everything about the entries; returns the stored names of the entries' files."""
    rnd = rng(seed, "entries")
    open_calls = [c for c in calls if c.state in ENTERED]
    alone = {SolverKind.INDIVIDUAL: [Entrant(s.id, s.country, SolverKind.INDIVIDUAL)
                                     for s in people.solvers],
             SolverKind.ORGANISATION: [Entrant(s.id, s.country, SolverKind.ORGANISATION,
                                               organisation=_organisation(s))
                                       for s in people.solvers]}
    pools = [_eligible(world, people, c, alone) for c in open_calls]
    counts = _shares(rnd, count, [len(p) for p in pools])
    rows: dict[Any, list[Row]] = {m: [] for m in (
        ChallengeRegistration, Submission, SubmissionFile, SubmissionReceipt)}
    registration_ids = iter(w.ids(ChallengeRegistration, sum(counts)))
    submission_ids = iter(w.ids(Submission, sum(counts)))
    file_ids = iter(w.ids(SubmissionFile, sum(counts)))
    receipt_ids = iter(w.ids(SubmissionReceipt, sum(counts)))
    stored: list[str] = []
    judged: list[tuple[Call, list[int]]] = []
    for call, pool, n in zip(open_calls, pools, counts, strict=True):
        until = min(call.close_at, anchor) - dt.timedelta(seconds=1)
        submitted_share = 0.6 if call.state == State.OPEN else 0.92
        entered: list[int] = []
        for entrant in rnd.sample(pool, n):
            registration_id, submission_id = next(registration_ids), next(submission_ids)
            registered = moment(rnd, call.opens_at, until - dt.timedelta(minutes=30))
            team = entrant.team
            rows[ChallengeRegistration].append({
                "id": registration_id, "challenge_id": call.id, "user_id": entrant.user,
                "solver_kind": entrant.kind.value,
                "team_size": len(team.members) if team else None,
                "team_name": team.name if team else entrant.organisation,
                "team_id": team.id if team else None, "country_code": entrant.country,
                "created_at": registered})
            title = f"Scale entry {submission_id:06d} to challenge {call.id:04d}"
            summary = "A pilot plan with metered outcomes; synthetic entry of the scale data set."
            started = registered + dt.timedelta(minutes=rnd.randint(1, 20))
            submitted = rnd.random() < submitted_share
            submission: Row = {
                "id": submission_id, "challenge_id": call.id,
                "registration_id": registration_id, "title": title, "summary": summary,
                "state": SubmissionState.DRAFT.value, "created_by_id": entrant.user,
                "submitted_at": None, "created_at": started, "updated_at": started}
            rows[Submission].append(submission)
            if not submitted:
                continue
            at = moment(rnd, started + dt.timedelta(minutes=5), until)
            submission.update(state=SubmissionState.SUBMITTED.value, submitted_at=at,
                              updated_at=at)
            name = f"scale-{submission_id:07d}.pdf"
            stored.append(name)
            rows[SubmissionFile].append({
                "id": next(file_ids), "submission_id": submission_id,
                "original_name": FILE_NAME, "stored_name": name,
                "media_type": "application/pdf", "size_bytes": len(PDF),
                "sha256": PDF_SHA256, "uploaded_by_id": entrant.user,
                "created_at": at - dt.timedelta(minutes=2)})
            sealed = receipts.seal(receipts.document(
                number=1, challenge_id=call.id, challenge_title=call.title,
                submission_id=submission_id, registration_id=registration_id,
                team=team.name if team else None, title=title, summary=summary,
                files=[receipts.ReceiptFile(FILE_NAME, len(PDF), PDF_SHA256)], submitted_at=at))
            rows[SubmissionReceipt].append({
                "id": next(receipt_ids), "submission_id": submission_id, "number": 1,
                "canonical_json": sealed.canonical_json, "sha256": sealed.sha256,
                "submitted_at": at, "submitted_by_id": entrant.user})
            entered.append(submission_id)
        if call.state != State.OPEN:
            judged.append((call, entered))
    for model, model_rows in rows.items():
        w.insert(model, model_rows)
    _judging(w, people, judged, seed=seed, anchor=anchor)
    return stored


def _judging(w: Writer, people: People, calls: list[tuple[Call, list[int]]], *, seed: int,
             anchor: dt.datetime) -> None:
    """Panels (most closed calls have one already) and, once judging started, scorecards:
    every one submitted in verification, judges part of the way through in judging."""
    rnd = rng(seed, "judging")
    panels: list[Row] = []
    cards: list[Row] = []
    scores: list[Row] = []
    for call, entries in calls:
        if call.state == State.CLOSED and rnd.random() < 0.4:
            continue
        judges = rnd.sample(people.judges, 5 if rnd.random() < 0.3 else 3)
        for judge in judges:
            panels.append({"challenge_id": call.id, "judge_id": judge,
                           "assigned_by_id": call.owner,
                           "assigned_at": moment(rnd, call.close_at - dt.timedelta(days=10),
                                                 call.close_at - dt.timedelta(days=1))})
        if call.state not in JUDGED:
            continue
        assert call.judging_started is not None and call.judging_ends is not None
        until = min(call.judging_ends, anchor) - dt.timedelta(minutes=1)
        quality = {e: rnd.gauss(6, 1.5) for e in entries}
        for judge in judges:
            bias = rnd.gauss(0, 0.7)
            done = 1.0 if call.state == State.VERIFICATION else rnd.uniform(0.2, 1.0)
            for entry in entries:
                finished = rnd.random() < done
                if not finished and rnd.random() < 0.7:
                    continue
                created = moment(rnd, call.judging_started, until - dt.timedelta(hours=1))
                submitted_at = created + dt.timedelta(minutes=rnd.randint(5, 50))
                cards.append({
                    "challenge_id": call.id, "submission_id": entry, "judge_id": judge,
                    "state": (ScorecardState.SUBMITTED if finished
                              else ScorecardState.DRAFT).value,
                    "comment": "", "submitted_at": submitted_at if finished else None,
                    "created_at": created, "updated_at": submitted_at if finished else created})
                rated = (call.criteria if finished
                         else call.criteria[:rnd.randint(1, len(call.criteria) - 1)])
                for criterion in rated:
                    tenths = round((quality[entry] + bias + rnd.gauss(0, 1)) * 10)
                    scores.append({"scorecard": len(cards) - 1, "criterion_id": criterion,
                                   "score": Decimal(max(0, min(100, tenths))) / 10})
    for row, panel_id in zip(panels, w.ids(JudgeAssignment, len(panels)), strict=True):
        row["id"] = panel_id
    card_ids = list(w.ids(Scorecard, len(cards)))
    for row, card_id in zip(cards, card_ids, strict=True):
        row["id"] = card_id
    for row in scores:
        row["scorecard_id"] = card_ids[row.pop("scorecard")]
    w.insert(JudgeAssignment, panels)
    w.insert(Scorecard, cards)
    w.insert(CriterionScore, scores)
