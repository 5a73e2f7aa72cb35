"""Drafting a challenge: create and update with every reference and rule checked first.

Validation runs before anything is assigned, so a refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from app.accounts.models import Role, User
from app.challenges import clock
from app.challenges.access import require_manager
from app.challenges.deadlines import Timeline, timeline_problems
from app.challenges.enums import ChallengeState, SolverKind
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
from app.challenges.rules import ip_terms_problem, prize_rule_problems
from app.challenges.schemas import (
    RULE_FIELDS,
    ChallengeCreate,
    ChallengeUpdate,
    CriterionTies,
    EligibilityIn,
    IpTermsIn,
    PrizeRules,
    RankedAward,
    RubricIn,
    TargetIn,
    TimelineIn,
)
from app.errors import Conflict, Forbidden, ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory.models import Mechanism
from app.needs.models import Need
from app.reference import service as reference
from app.reference.models import CountryGroup
from app.reference.vocab import Sector, Stage


def spdx_licence(licence: str | None) -> str | None:
    """The canonical SPDX id for a single licence id (`cc-by-4.0` -> `CC-BY-4.0`), else None."""
    if not licence:
        return None
    try:
        canonical = str(canonicalize_license_expression(licence))
    except InvalidLicenseExpression:
        return None
    if " " in canonical or canonical.startswith("LicenseRef-"):
        return None
    return canonical


def _collect(errors: dict[str, str], check: Callable[[], Any]) -> Any:
    """Run one reference check, keeping its field messages instead of stopping at the first."""
    try:
        return check()
    except ValidationFailed as exc:
        errors.update(exc.fields)
        return None


def _target_keys(targets: list[TargetIn]) -> list[str]:
    return [t.key or f"t{i + 1}" for i, t in enumerate(targets)]


def _validate(db: Session, values: dict[str, Any], challenge: Challenge | None) -> dict[str, Any]:
    """Check the given sections; returns them normalised, or raises with every problem found."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = dict(values)
    if "need_ids" in values:
        wanted = list(dict.fromkeys(values["need_ids"]))
        # Share locks (PostgreSQL): a need or mechanism deleted meanwhile waits for this
        # transaction, instead of failing its foreign key at the insert (a 500).
        known = set(db.scalars(select(Need.id).where(Need.id.in_(wanted))
                               .with_for_update(read=True)))
        unknown = [str(n) for n in wanted if n not in known]
        if unknown:
            errors["need_ids"] = translatable("unknown need id(s): %(ids)s",
                                              ids=", ".join(unknown))
        out["need_ids"] = wanted
    if "mechanisms" in values:
        links = values["mechanisms"]
        ids = [link.mechanism_id for link in links]
        known = set(db.scalars(select(Mechanism.id).where(Mechanism.id.in_(ids))
                               .with_for_update(read=True)))
        for i, link in enumerate(links):
            if link.mechanism_id not in known:
                errors[f"mechanisms.{i}.mechanism_id"] = translatable(
                    "no mechanism with id %(id)s", id=link.mechanism_id)
            elif ids.index(link.mechanism_id) != i:
                errors[f"mechanisms.{i}.mechanism_id"] = N_("this mechanism is listed twice")
    if "sdg_targets" in values:
        out["sdg_targets"] = _collect(errors, lambda: reference.check_sdg_targets(
            db, codes=values["sdg_targets"], field="sdg_targets"))
    if "sectors" in values:
        out["sectors"] = _collect(errors, lambda: reference.check_vocab(
            values["sectors"], Sector, field="sectors"))
    if values.get("stage"):
        _collect(errors, lambda: reference.check_vocab([values["stage"]], Stage, field="stage"))
    timeline: TimelineIn | None = values.get("timeline")
    if timeline is not None:
        errors.update(timeline_problems(Timeline(**timeline.model_dump())))
    eligibility: EligibilityIn | None = values.get("eligibility")
    if eligibility is not None:
        scope = _collect(errors, lambda: reference.check_scope(
            db, codes=eligibility.scope, field="eligibility.scope"))
        if scope is not None:
            out["scope"] = scope
        if (eligibility.team_min is not None and eligibility.team_max is not None
                and eligibility.team_max < eligibility.team_min):
            errors["eligibility.team_max"] = N_("the largest team size is below the smallest")
        if len(set(eligibility.solver_kinds)) != len(eligibility.solver_kinds):
            errors["eligibility.solver_kinds"] = N_("a solver kind is listed twice")
    targets: list[TargetIn] | None = values.get("targets")
    if targets is not None:
        keys = _target_keys(targets)
        for i, key in enumerate(keys):
            if keys.index(key) != i:
                errors[f"targets.{i}.key"] = translatable(
                    "the key %(key)s is used by another target", key=repr(key))
    ip: IpTermsIn | None = values.get("ip_terms")
    if ip is not None:
        canonical = spdx_licence(ip.licence)
        problem = ip_terms_problem(ip.kind, ip.licence, canonical)
        if problem:
            errors["ip_terms.licence"] = problem
        out["ip_licence"] = canonical if canonical else None
    if "prize_rules" in values or "targets" in values:
        rules: PrizeRules | None = values["prize_rules"] if "prize_rules" in values else (
            PrizeRules.model_validate(challenge.prize_rules)
            if challenge is not None and challenge.prize_rules else None)
        if rules is not None:
            keys = (_target_keys(targets) if targets is not None
                    else [t.key for t in challenge.targets] if challenge is not None else [])
            errors.update(prize_rule_problems(rules, target_keys=keys))
    if errors:
        raise ValidationFailed(N_("Some fields are not valid; nothing was saved."), fields=errors)
    return out


def _replace(challenge: Challenge, collection: str, rows: list[Any]) -> None:
    """Put `rows` in place of a child collection, deleting the old rows first.

    The unit of work inserts new rows before it deletes orphans, so a draft saved again with
    the same target keys (or scope entries) would break their unique constraint.
    """
    getattr(challenge, collection).clear()
    session = object_session(challenge)
    if session is not None and challenge.id is not None:
        session.flush()
    setattr(challenge, collection, rows)


def _assign(challenge: Challenge, values: dict[str, Any]) -> None:
    for name in ("title", "summary", "description", "sponsor_organisation", "contact"):
        if name in values and values[name] is not None:
            setattr(challenge, name, values[name])
    if "stage" in values:
        challenge.stage = Stage(values["stage"]) if values["stage"] else None
    if "need_ids" in values:
        _replace(challenge, "needs", [ChallengeNeed(need_id=n) for n in values["need_ids"]])
    if "mechanisms" in values:
        _replace(challenge, "mechanisms", [
            ChallengeMechanism(mechanism_id=m.mechanism_id, role=m.role)
            for m in values["mechanisms"]])
    if "sdg_targets" in values:
        _replace(challenge, "sdg_targets",
                 [ChallengeSdgTarget(target_code=c) for c in values["sdg_targets"]])
    if "sectors" in values:
        _replace(challenge, "sectors",
                 [ChallengeSector(sector=Sector(s)) for s in values["sectors"]])
    timeline: TimelineIn | None = values.get("timeline")
    if timeline is not None:
        challenge.opens_at = timeline.opens_at
        challenge.submissions_close_at = timeline.submissions_close_at
        challenge.judging_ends_at = timeline.judging_ends_at
        challenge.verification_closes_at = timeline.verification_closes_at
        challenge.appeals_window_days = timeline.appeals_window_days
        challenge.opens_on = (timeline.opens_at.astimezone(dt.UTC).date()
                              if timeline.opens_at else None)
    eligibility: EligibilityIn | None = values.get("eligibility")
    if eligibility is not None:
        _replace(challenge, "scope", [ChallengeScope(group_code=c, country_code=None)
                                      if c in values["_groups"] else
                                      ChallengeScope(group_code=None, country_code=c)
                                      for c in values["scope"]])
        challenge.solver_kinds = [k.value for k in eligibility.solver_kinds]
        challenge.team_min = eligibility.team_min
        challenge.team_max = eligibility.team_max
        challenge.exclude_sponsor_employees = eligibility.exclude_sponsor_employees
    targets: list[TargetIn] | None = values.get("targets")
    if targets is not None:
        _replace(challenge, "targets", [
            ChallengeTarget(position=i, key=key, metric=t.metric, unit=t.unit,
                            direction=t.direction, threshold=t.threshold, baseline=t.baseline,
                            verification_method=t.verification_method, required=t.required)
            for i, (t, key) in enumerate(zip(targets, _target_keys(targets), strict=True))])
    rubric: RubricIn | None = values.get("rubric")
    if rubric is not None:
        _replace(challenge, "criteria", [
            ChallengeCriterion(position=i, name=c.name, description=c.description,
                               weight=c.weight, min_score=c.min_score)
            for i, c in enumerate(rubric.criteria)])
        challenge.min_overall_score = rubric.min_overall_score
    if "ip_terms" in values:
        ip: IpTermsIn | None = values["ip_terms"]
        challenge.ip_terms = ip.kind if ip else None
        challenge.ip_licence = values.get("ip_licence") if ip else None
    if "prize_rules" in values:
        rules: PrizeRules | None = values["prize_rules"]
        challenge.prize_rules = rules.model_dump(mode="json") if rules else None
        challenge.purse_amount_minor = rules.purse.amount_minor if rules else None
        challenge.purse_currency = rules.purse.currency if rules else None


def _sections(body: ChallengeCreate | ChallengeUpdate, *, only_set: bool) -> dict[str, Any]:
    names = body.model_fields_set if only_set else set(type(body).model_fields)
    return {name: getattr(body, name) for name in names}


def _group_codes(db: Session, values: dict[str, Any]) -> None:
    if "scope" in values:
        values["_groups"] = set(db.scalars(select(CountryGroup.code).where(
            CountryGroup.code.in_(values["scope"]))))


def create(db: Session, *, user: User, body: ChallengeCreate) -> Challenge:
    """A new draft owned by the sponsor (or admin) who writes it."""
    if not user.has_role(Role.SPONSOR, Role.ADMIN):
        raise Forbidden(N_("Only sponsors and admins create challenges."), code="missing_role")
    values = _validate(db, _sections(body, only_set=False), None)
    _group_codes(db, values)
    # Stamped by the challenge clock, as its "create" transition is (`clock.as_of` included).
    now = clock.now()
    challenge = Challenge(owner_id=user.id, state=ChallengeState.DRAFT, title=body.title,
                          solver_kinds=[], created_at=now, updated_at=now)
    _assign(challenge, values)
    db.add(challenge)
    db.flush()
    db.add(ChallengeTransition(challenge_id=challenge.id, action="create", from_state=None,
                               to_state=ChallengeState.DRAFT, actor_id=user.id, at=now))
    db.flush()
    return challenge


def update(db: Session, *, challenge: Challenge, user: User, body: ChallengeUpdate) -> Challenge:
    """Change a draft; once it left draft its rules are locked (409)."""
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge (or an admin) may do this."))
    values = _sections(body, only_set=True)
    if challenge.state == ChallengeState.IN_REVIEW:
        raise Conflict(N_("The challenge is in review; withdraw it to edit."), code="in_review")
    if challenge.state != ChallengeState.DRAFT:
        touched = sorted(RULE_FIELDS.intersection(values))
        raise Conflict(
            N_("The rules of a published challenge are locked; post an announcement to clarify."),
            code="rules_locked",
            fields=dict.fromkeys(touched or sorted(values), N_("locked since publication")))
    if "title" in values and values["title"] is None:
        raise ValidationFailed(fields={"title": N_("a challenge needs a title")})
    values = _validate(db, values, challenge)
    _group_codes(db, values)
    _assign(challenge, values)
    db.flush()
    return challenge


def submission_problems(challenge: Challenge, *, now: dt.datetime) -> dict[str, str]:
    """What a draft still lacks before it may be reviewed or published."""
    p: dict[str, str] = {}
    for name, problem in (("summary", N_("add a short summary")),
                          ("description", N_("add a description")),
                          ("sponsor_organisation", N_("add the sponsoring organisation")),
                          ("contact", N_("add a contact"))):
        if not getattr(challenge, name).strip():
            p[name] = problem
    if not challenge.sectors:
        p["sectors"] = N_("choose at least one sector")
    if challenge.stage is None:
        p["stage"] = N_("choose the technology-cycle stage")
    for name in ("opens_at", "submissions_close_at", "judging_ends_at", "verification_closes_at"):
        if getattr(challenge, name) is None:
            p[f"timeline.{name}"] = N_("set this date")
    close = challenge.submissions_close_at
    if close is not None and close <= now:
        p["timeline.submissions_close_at"] = N_("the submission deadline has already passed")
    if not challenge.scope:
        p["eligibility.scope"] = N_("say who may enter (WORLD for everyone)")
    if not challenge.solver_kinds:
        p["eligibility.solver_kinds"] = N_(
            "choose who may enter: individuals, teams, organisations")
    if SolverKind.TEAM.value in challenge.solver_kinds and challenge.team_max is None:
        p["eligibility.team_max"] = N_("set the largest team size")
    if not challenge.targets:
        p["targets"] = N_("add at least one outcome target")
    elif not any(t.required for t in challenge.targets):
        p["targets"] = N_("mark at least one target as required")
    if challenge.ip_terms is None:
        p["ip_terms.kind"] = N_("choose the IP terms")
    if challenge.prize_rules is None:
        p["prize_rules"] = N_("set the purse and how it is awarded")
    else:
        rules = PrizeRules.model_validate(challenge.prize_rules)
        p.update(prize_rule_problems(rules, target_keys=[t.key for t in challenge.targets]))
        if isinstance(rules.award, RankedAward) and not challenge.criteria:
            p["rubric.criteria"] = N_("ranked prizes need judging criteria")
        if isinstance(rules.ties, CriterionTies):
            tie_problem = _tie_criterion_problem(challenge, rules.ties.criterion)
            if tie_problem:
                p["prize_rules.ties.criterion"] = tie_problem
    return p


def _tie_criterion_problem(challenge: Challenge, name: str) -> str | None:
    """The tie rule names its criterion, so that name must pick exactly one of the rubric."""
    named = sum(1 for c in challenge.criteria if c.name == name)
    if named == 0:
        return translatable("no judging criterion is named %(name)s", name=repr(name))
    if named > 1:
        return translatable("%(count)s judging criteria are named %(name)s; rename all but one",
                            count=named, name=repr(name))
    return None


def check_complete(challenge: Challenge, *, now: dt.datetime) -> None:
    problems = submission_problems(challenge, now=now)
    if problems:
        raise ValidationFailed(N_("The challenge is not complete yet."), code="incomplete",
                               fields=problems)

