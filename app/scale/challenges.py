"""Scale challenges in every state up to verification, with their rules, links and history.

Each call is assembled as an unsaved `Challenge` first, so the challenge domain's own checks
judge it (`authoring.submission_problems` as of its approval, the timeline's order) and its own
code freezes the outcome contract; only then does it become rows. Its timeline lies where its
state puts it relative to `anchor`: an open call closes in the future, a call in judging closed
in the past and its judging ends in the future, so reading one never moves it.

No call is cancelled, has proposed awards or is final: each of those writes the award ledger,
which is hash-chained and belongs to real money events only.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.audit.models import AuditEvent
from app.challenges import authoring, lifecycle
from app.challenges.deadlines import Timeline, timeline_problems
from app.challenges.enums import ChallengeState as State
from app.challenges.enums import IpTerms, MechanismRole
from app.challenges.models import (
    Challenge,
    ChallengeCriterion,
    ChallengeMechanism,
    ChallengeNeed,
    ChallengeScope,
    ChallengeSdgTarget,
    ChallengeSector,
    ChallengeTarget,
    ChallengeTransition,
)
from app.challenges.rules import ip_terms_problem
from app.challenges.schemas import PrizeRules
from app.challenges.states import Action
from app.reference.vocab import Sector, Stage
from app.scale.bulk import Row, Writer, days, moment, pick, rng, weighted
from app.scale.inventory import PLACES, THEMES
from app.scale.people import People
from app.scale.world import World

DAY = dt.timedelta(days=1)
STATES = [(State.DRAFT, 0.03), (State.IN_REVIEW, 0.03), (State.PUBLISHED, 0.07),
          (State.OPEN, 0.47), (State.CLOSED, 0.10), (State.JUDGING, 0.15),
          (State.VERIFICATION, 0.15)]
AT_LEAST = [("households", "Households served", "households", "1000"),
            ("energy", "Clean energy delivered", "MWh", "500"),
            ("water", "Safe water delivered", "m³", "20000"),
            ("avoided", "Emissions avoided", "t CO2e", "800"),
            ("reached", "People reached by warnings", "people", "5000"),
            ("restored", "Area restored", "ha", "150")]
AT_MOST = [("cost", "Cost per household", "USD", "45.00"), ("downtime", "Downtime", "%", "2.5"),
           ("pm25", "Indoor PM2.5", "µg/m³", "35")]
CRITERIA = ["Verified impact", "Affordability", "Local manufacture and repair", "Scalability",
            "Inclusion of women and youth", "Durability"]
SCOPES = [(["WORLD"], 0.35), (["LDC", "SIDS"], 0.25), (["LDC"], 0.08), (["SIDS"], 0.05),
          (["M49-002"], 0.12), (["M49-142"], 0.07), (["M49-019"], 0.05), (["M49-009"], 0.03)]
KINDS = [(["individual", "organisation", "team"], 0.5), (["individual", "team"], 0.25),
         (["individual"], 0.1), (["organisation"], 0.1), (["organisation", "team"], 0.05)]
CURRENCIES = [("USD", 0.6), ("EUR", 0.25), ("GBP", 0.1), ("KES", 0.05)]


@dataclass
class Call:
    """What the entries need to know of a challenge."""

    id: int
    title: str
    state: State
    owner: int
    opens_at: dt.datetime
    close_at: dt.datetime
    opens_on: dt.date
    scope: list[str]
    solver_kinds: list[str]
    team_max: int | None
    criteria: list[int] = field(default_factory=list)  # ids, in rubric order
    judging_started: dt.datetime | None = None
    judging_ends: dt.datetime | None = None


def _prize_rules(rnd: random.Random, targets: list[dict[str, Any]],
                 criteria: list[str]) -> dict[str, Any]:
    currency = weighted(rnd, CURRENCIES)
    purse = rnd.choice([5, 10, 20, 25, 50, 100, 250]) * 1_000_000  # 50k to 2.5M major units
    gain = next(t["key"] for t in targets if t["direction"] == "at_least")
    kind = weighted(rnd, [("ranked", 0.45), ("threshold", 0.2), ("milestone", 0.1),
                          ("per_unit", 0.15), ("pool", 0.1)])
    award: dict[str, Any]
    if kind == "ranked":
        award = {"type": "ranked", "places": [purse // 2, purse * 3 // 10, purse // 5]}
    elif kind == "threshold":
        award = {"type": "threshold", "amount_per_solution": purse // rnd.randint(4, 10),
                 "overflow": rnd.choice(["pro_rata", "by_rank"])}
    elif kind == "milestone":
        award = {"type": "milestone", "milestones": [
            {"name": "Pilot", "targets": [gain], "amount": purse // 4},
            {"name": "Scale-up", "targets": [t["key"] for t in targets], "amount": purse // 2}]}
    elif kind == "per_unit":
        gate = [t["key"] for t in targets if t["key"] != gain]
        award = {"type": "per_unit", "unit_target": gain, "rate_minor_per_unit": "2.5",
                 "quality_gate_target": gate[0] if gate else None,
                 "cap_per_solver_minor": purse // 5}
    else:
        award = {"type": "pool", "pool_minor": purse, "share_target": gain}
    rules: dict[str, Any] = {"purse": {"amount_minor": purse, "currency": currency},
                             "award": award}
    if rnd.random() < 0.4:
        rules["holdback"] = {"basis_points": rnd.choice([1000, 2000, 2500]),
                             "delay_days": rnd.choice([90, 180, 365])}
    if rnd.random() < 0.3:
        rules["ties"] = {"rule": "criterion", "criterion": criteria[0]}
    return PrizeRules.model_validate(rules).model_dump(mode="json")


def _timeline(rnd: random.Random, state: State, anchor: dt.datetime) -> dict[str, dt.datetime]:
    """When it was created, submitted, approved, opens, closes, ... for a call now in `state`."""
    t: dict[str, dt.datetime] = {}
    if state in (State.DRAFT, State.IN_REVIEW, State.PUBLISHED):
        t["opens"] = anchor + days(rnd, 3, 40)
        t["close"] = t["opens"] + days(rnd, 30, 90)
    elif state == State.OPEN:
        t["opens"] = anchor - days(rnd, 1, 60)
        t["close"] = anchor + days(rnd, 5, 90)
    else:
        t["opens"] = anchor - days(rnd, 60, 200)
        t["close"] = anchor - {State.CLOSED: days(rnd, 1, 10), State.JUDGING: days(rnd, 3, 30),
                               State.VERIFICATION: days(rnd, 25, 45)}[state]
    t["judging_ends"] = t["close"] + days(rnd, 20, 45)
    if state in (State.CLOSED, State.JUDGING):
        t["judging_ends"] = max(t["judging_ends"], anchor + days(rnd, 5, 20))
    elif state == State.VERIFICATION:
        t["judging_ends"] = anchor - days(rnd, 2, 20)
        t["verification_started"] = t["judging_ends"] + dt.timedelta(hours=3)
    t["verification_closes"] = max(t["judging_ends"] + days(rnd, 60, 120),
                                   anchor + days(rnd, 10, 90))
    if state in (State.JUDGING, State.VERIFICATION):
        t["judging_started"] = t["close"] + DAY
    if state in (State.DRAFT, State.IN_REVIEW):
        t["submitted"] = anchor - days(rnd, 1, 3)
    else:
        t["approved"] = moment(rnd, min(t["opens"], anchor) - days(rnd, 2, 10),
                               min(t["opens"], anchor) - DAY)
        t["submitted"] = t["approved"] - days(rnd, 1, 5)
    t["created"] = t["submitted"] - days(rnd, 1, 20)
    return t


def make_challenges(w: Writer, world: World, people: People, *, count: int, seed: int,
                    anchor: dt.datetime, mechanisms: list[int],
                    needs: list[tuple[int, Sector]]) -> list[Call]:
    rnd = rng(seed, "challenges")
    needs_by_sector: dict[Sector, list[int]] = {}
    for need_id, sector in needs:
        needs_by_sector.setdefault(sector, []).append(need_id)
    rows: dict[type[Any], list[Row]] = {model: [] for model in (
        Challenge, ChallengeTarget, ChallengeCriterion, ChallengeScope, ChallengeNeed,
        ChallengeMechanism, ChallengeSdgTarget, ChallengeSector, ChallengeTransition,
        AuditEvent)}
    calls: list[Call] = []
    ids = w.ids(Challenge, count)
    target_ids = iter(w.ids(ChallengeTarget, 2 * count))
    criterion_ids = iter(w.ids(ChallengeCriterion, 4 * count))
    scope_ids = iter(w.ids(ChallengeScope, 2 * count))
    for n, challenge_id in enumerate(ids, start=1):
        state = weighted(rnd, STATES)
        owner, organisation = rnd.choice(people.sponsors)
        sectors = pick(rnd, list(Sector), 1, 2)
        theme, place = rnd.choice(THEMES[sectors[0]]), rnd.choice(PLACES)
        t = _timeline(rnd, state, anchor)
        gain = rnd.choice(AT_LEAST)
        targets = [{"key": gain[0], "metric": gain[1], "unit": gain[2], "direction": "at_least",
                    "threshold": Decimal(gain[3]), "baseline": Decimal(0), "required": True}]
        if rnd.random() < 0.6:
            cost = rnd.choice(AT_MOST)
            targets.append({"key": cost[0], "metric": cost[1], "unit": cost[2],
                            "direction": "at_most", "threshold": Decimal(cost[3]),
                            "baseline": None, "required": rnd.random() < 0.7})
        names = pick(rnd, CRITERIA, 3, 4)
        criteria = [{"name": name, "description": "", "weight": Decimal(len(names) - i),
                     "min_score": Decimal(4) if i == 1 and rnd.random() < 0.3 else None}
                    for i, name in enumerate(names)]
        kinds = weighted(rnd, KINDS)
        ip_kind = rnd.choice(list(IpTerms))
        licence = "CC-BY-4.0" if ip_kind == IpTerms.OPEN_LICENCE else None
        _refuse(ip_kind, ip_terms_problem(ip_kind, licence, authoring.spdx_licence(licence)))
        scope = weighted(rnd, SCOPES)
        fields: dict[str, Any] = {
            "id": challenge_id, "owner_id": owner, "state": state.value,
            "title": f"Scale challenge {n:04d}: {theme} for the {place}",
            "summary": f"Paid for verified {gain[1].lower()} from {theme}.",
            "description": (f"Outcome-based prize for **{theme}** across the {place}.\n\n"
                            "Synthetic call of the scale data set."),
            "sponsor_organisation": organisation, "contact": f"prizes{owner}@scale.example",
            "cover_image": None, "stage": rnd.choice(list(Stage)).value,
            "opens_at": t["opens"], "submissions_close_at": t["close"],
            "judging_ends_at": t["judging_ends"],
            "verification_closes_at": t["verification_closes"],
            "appeals_window_days": 14, "opens_on": t["opens"].date(),
            "solver_kinds": kinds, "team_min": 2 if "team" in kinds else None,
            "team_max": rnd.randint(5, 10) if "team" in kinds else None,
            "exclude_sponsor_employees": rnd.random() < 0.3,
            "ip_terms": ip_kind.value, "ip_licence": licence,
            "prize_rules": _prize_rules(rnd, targets, names),
            "min_overall_score": Decimal(5) if rnd.random() < 0.3 else None,
            "contract_json": None, "contract_sha256": None, "published_at": None,
            "awards_proposed_at": None, "review_note": None, "cancel_reason": None,
            "created_at": t["created"], "updated_at": t["created"]}
        purse = fields["prize_rules"]["purse"]
        fields["purse_amount_minor"], fields["purse_currency"] = (purse["amount_minor"],
                                                                  purse["currency"])
        children = {
            ChallengeTarget: [{"id": next(target_ids), "challenge_id": challenge_id,
                               "position": i, "verification_method": "Metered data checked "
                               "on site by an independent verifier.", **target}
                              for i, target in enumerate(targets)],
            ChallengeCriterion: [{"id": next(criterion_ids), "challenge_id": challenge_id,
                                  "position": i, **c} for i, c in enumerate(criteria)],
            ChallengeScope: [{"id": next(scope_ids), "challenge_id": challenge_id,
                              "group_code": code, "country_code": None} for code in scope],
            ChallengeNeed: [{"challenge_id": challenge_id, "need_id": need_id} for need_id in
                            pick(rnd, needs_by_sector.get(sectors[0], []), 0, 3)],
            ChallengeMechanism: [{"challenge_id": challenge_id, "mechanism_id": m,
                                  "role": rnd.choice(list(MechanismRole)).value}
                                 for m in pick(rnd, mechanisms, 0, 3)],
            ChallengeSdgTarget: [{"challenge_id": challenge_id, "target_code": code}
                                 for code in pick(rnd, world.sdg_targets, 1, 3)],
            ChallengeSector: [{"challenge_id": challenge_id, "sector": s.value}
                              for s in sectors]}
        _check_and_freeze(fields, children, state, t)
        history = _history(state, t, owner=owner, admin=people.admin)
        fields["updated_at"] = history[-1][3]
        rows[Challenge].append(fields)
        for model, child_rows in children.items():
            rows[model] += child_rows
        _transitions(w, rows, challenge_id, history)
        calls.append(Call(
            id=challenge_id, title=fields["title"], state=state, owner=owner,
            opens_at=t["opens"], close_at=t["close"], opens_on=fields["opens_on"],
            scope=scope, solver_kinds=kinds, team_max=fields["team_max"],
            criteria=[c["id"] for c in children[ChallengeCriterion]],
            judging_started=t.get("judging_started"), judging_ends=t["judging_ends"]))
    for model, model_rows in rows.items():
        w.insert(model, model_rows)
    return calls


def _check_and_freeze(fields: dict[str, Any], children: dict[type[Any], list[Row]],
                      state: State, t: dict[str, dt.datetime]) -> None:
    """The challenge domain's checks on the call as an unsaved object, and its contract."""
    problems = timeline_problems(Timeline(t["opens"], t["close"], t["judging_ends"],
                                          t["verification_closes"], 14))
    if state == State.DRAFT:
        _refuse(fields["title"], problems)
        return
    challenge = Challenge(
        **fields, targets=[ChallengeTarget(**r) for r in children[ChallengeTarget]],
        criteria=[ChallengeCriterion(**r) for r in children[ChallengeCriterion]],
        scope=[ChallengeScope(**r) for r in children[ChallengeScope]],
        sectors=[ChallengeSector(**r) for r in children[ChallengeSector]])
    problems |= authoring.submission_problems(challenge, now=t["submitted"])
    _refuse(fields["title"], problems)
    if state == State.IN_REVIEW:
        return
    fields["published_at"] = challenge.published_at = t["approved"]
    lifecycle.freeze_contract(challenge)
    fields["contract_json"], fields["contract_sha256"] = (challenge.contract_json,
                                                          challenge.contract_sha256)


def _refuse(what: object, problems: object) -> None:
    """A generated call the challenge domain would refuse is a bug here: stop, say why."""
    if problems:
        raise ValueError(f"scale data: {what} would be refused: {problems}")


History = list[tuple[str, State | None, State, dt.datetime, int | None, str | None]]
Plan = list[tuple[Action, State, State, dt.datetime | None, int | None, str | None]]


def _history(state: State, t: dict[str, dt.datetime], *, owner: int, admin: int) -> History:
    """The transitions that brought the call to `state`: (action, from, to, at, actor, why)."""
    steps: History = [("create", None, State.DRAFT, t["created"], owner, None)]
    plan: Plan = [
        (Action.SUBMIT, State.DRAFT, State.IN_REVIEW, t.get("submitted"), owner, None),
        (Action.APPROVE, State.IN_REVIEW, State.PUBLISHED, t.get("approved"), admin, None),
        (Action.OPEN, State.PUBLISHED, State.OPEN, t["opens"], None, "opening date reached"),
        (Action.CLOSE, State.OPEN, State.CLOSED, t["close"], None, "submission deadline reached"),
        (Action.START_JUDGING, State.CLOSED, State.JUDGING, t.get("judging_started"), owner,
         None),
        (Action.START_VERIFICATION, State.JUDGING, State.VERIFICATION,
         t.get("verification_started"), owner, None)]
    for action, before, after, at, actor, why in plan:
        if steps[-1][2] == state:
            break
        assert at is not None
        steps.append((action.value, before, after, at, actor, why))
    return steps


def _transitions(w: Writer, rows: dict[type[Any], list[Row]], challenge_id: int,
                 history: History) -> None:
    """Each step as the lifecycle records it: a transition, and an audit event for every move
    after the draft was created."""
    for (action, before, after, at, actor, why), transition_id in zip(
            history, w.ids(ChallengeTransition, len(history)), strict=True):
        rows[ChallengeTransition].append({
            "id": transition_id, "challenge_id": challenge_id, "action": action,
            "from_state": before.value if before else None, "to_state": after.value,
            "actor_id": actor, "reason": why, "at": at})
        if before is None:
            continue
        rows[AuditEvent].append({
            "id": w.ids(AuditEvent, 1)[0], "occurred_at": at,
            "event": lifecycle.TRANSITION_EVENT, "actor_id": actor, "subject_user_id": None,
            "ip": None, "details": {"challenge_id": challenge_id, "action": action,
                                    "from_state": before.value, "to_state": after.value,
                                    "reason": why, "at": at.isoformat()}})
