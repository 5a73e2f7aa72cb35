"""Prize-rule checks, the canonical outcome contract and eligibility (pure: data in, data out).

Nothing here touches a database or the web, so every rule can be tested on its own.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.challenges import schemas as prize
from app.challenges.enums import IpTerms, SolverKind
from app.i18n.translate import N_, translatable
from app.kit.money import format_money

CONTRACT_VERSION = "valleycross.outcome-contract/1"


# ---- prize rules -------------------------------------------------------------------------------

def committed_amount(rules: prize.PrizeRules) -> int:
    """The most the award configuration itself names (before any purse cap), in minor units."""
    award = rules.award
    if isinstance(award, prize.RankedAward):
        return sum(award.places)
    if isinstance(award, prize.ThresholdAward):
        return award.amount_per_solution
    if isinstance(award, prize.MilestoneAward):
        return sum(m.amount for m in award.milestones)
    if isinstance(award, prize.PerUnitAward):
        return award.overall_cap_minor or rules.purse.amount_minor
    if isinstance(award, prize.PoolAward):
        return award.pool_minor
    raise TypeError(f"unknown award {award!r}")  # pragma: no cover - the union is closed


def prize_rule_problems(rules: prize.PrizeRules, *, target_keys: Iterable[str]) -> dict[str, str]:
    """Field-keyed problems: amounts above the purse, references to targets that do not exist."""
    purse = rules.purse.amount_minor
    currency = rules.purse.currency
    keys = set(target_keys)
    problems: dict[str, str] = {}

    def over(field: str, amount: int, message: Callable[[str, str], str]) -> None:
        """`message(amount, purse)`, both formatted, when `amount` is above the purse."""
        if amount > purse:
            problems[field] = message(format_money(amount, currency),
                                      format_money(purse, currency))

    def known(field: str, key: str | None) -> None:
        if key is not None and key not in keys:
            problems[field] = translatable("no outcome target has the key %(key)s",
                                           key=repr(key))

    award = rules.award
    if isinstance(award, prize.RankedAward):
        over("prize_rules.award.places", sum(award.places), lambda amount, limit: translatable(
            "the places add up to more than the purse: total (%(amount)s) exceeds the purse "
            "(%(purse)s)", amount=amount, purse=limit))
    elif isinstance(award, prize.ThresholdAward):
        over("prize_rules.award.amount_per_solution", award.amount_per_solution,
             lambda amount, limit: translatable(
                 "the amount per solution (%(amount)s) exceeds the purse (%(purse)s)",
                 amount=amount, purse=limit))
    elif isinstance(award, prize.MilestoneAward):
        over("prize_rules.award.milestones", sum(m.amount for m in award.milestones),
             lambda amount, limit: translatable(
                 "the milestones add up to more than the purse: total (%(amount)s) exceeds the "
                 "purse (%(purse)s)", amount=amount, purse=limit))
        for i, milestone in enumerate(award.milestones):
            unknown = [k for k in milestone.targets if k not in keys]
            if unknown:
                problems[f"prize_rules.award.milestones.{i}.targets"] = translatable(
                    "no outcome target has the key(s) %(keys)s", keys=", ".join(unknown))
        names = [m.name for m in award.milestones]
        if len(set(names)) != len(names):
            problems.setdefault("prize_rules.award.milestones", N_("milestone names must differ"))
    elif isinstance(award, prize.PerUnitAward):
        known("prize_rules.award.unit_target", award.unit_target)
        known("prize_rules.award.quality_gate_target", award.quality_gate_target)
        if award.quality_gate_target is not None and award.quality_gate_target == award.unit_target:
            problems["prize_rules.award.quality_gate_target"] = (
                N_("the quality gate must be another target than the one paid per unit"))
        cap = award.overall_cap_minor
        if cap is not None:
            over("prize_rules.award.overall_cap_minor", cap, lambda amount, limit: translatable(
                "the overall cap (%(amount)s) exceeds the purse (%(purse)s)",
                amount=amount, purse=limit))
        per_solver = award.cap_per_solver_minor
        if per_solver is not None:
            limit = cap if cap is not None else purse
            if per_solver > limit:
                problems["prize_rules.award.cap_per_solver_minor"] = translatable(
                    "the cap per solver (%(cap)s) exceeds the overall cap (%(limit)s)",
                    cap=format_money(per_solver, currency), limit=format_money(limit, currency))
    elif isinstance(award, prize.PoolAward):
        over("prize_rules.award.pool_minor", award.pool_minor, lambda amount, limit: translatable(
            "the pool (%(amount)s) exceeds the purse (%(purse)s)", amount=amount, purse=limit))
        known("prize_rules.award.share_target", award.share_target)
    return problems


def normalised_weights(weights: list[Decimal]) -> list[Decimal]:
    """Rubric weights scaled to sum to 1 (exact Decimals; 28 significant digits)."""
    total = sum(weights, Decimal(0))
    if total <= 0:
        raise ValueError("weights must be positive")
    return [w / total for w in weights]


# ---- canonical contract ------------------------------------------------------------------------

def _plain_decimal(value: Decimal) -> str:
    """`Decimal('12.50')` and `Decimal('1.25E+1')` both become `'12.5'`; `-0` becomes `'0'`."""
    if not value.is_finite():
        raise ValueError("only finite decimals belong in a contract")
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def to_canonical(value: Any) -> Any:
    """JSON-ready data with Decimals as plain strings, times as UTC `...Z`; floats refused."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return to_canonical(value.value)
    if isinstance(value, float):
        raise TypeError("floats have no place in an outcome contract")
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a contract")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_canonical(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(to_canonical(v) for v in value)
    raise TypeError(f"cannot put {type(value).__name__} in a contract")


def canonical_json(document: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no whitespace: the same rules always give the same bytes."""
    return json.dumps(to_canonical(document), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- eligibility -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EligibilityRules:
    scope: frozenset[str]
    solver_kinds: frozenset[SolverKind]
    team_min: int | None = None
    team_max: int | None = None
    exclude_sponsor_employees: bool = False


@dataclass(frozen=True)
class MemberCountry:
    """One other member of an entering team: who (for the message) and where they are from."""

    name: str
    country: str | None
    country_groups: frozenset[str]


@dataclass(frozen=True)
class Applicant:
    """A would-be solver: their country, the groups it belonged to on the opening day, and more.

    A team is entered by its lead (the applicant); `members` are its other members, each of whom
    must be from the eligible scope too.
    """

    country: str | None
    country_groups: frozenset[str]
    solver_kind: SolverKind
    team_size: int | None = None
    declares_not_sponsor_employee: bool = False
    members: tuple[MemberCountry, ...] = ()


def country_in_scope(scope: Iterable[str], *, country: str, country_groups: Iterable[str]) -> bool:
    codes = set(scope)
    return country in codes or bool(codes.intersection(country_groups))


def country_problem(rules: EligibilityRules, *, country: str | None,
                    country_groups: frozenset[str]) -> str | None:
    """Why someone from `country` may not enter (None when they may)."""
    if not country:
        return N_("no country is set in the profile")
    if not country_in_scope(rules.scope, country=country, country_groups=country_groups):
        if not rules.scope:
            return translatable("%(country)s is not in the eligible scope (none)",
                                country=country)
        return translatable("%(country)s is not in the eligible scope (%(scope)s)",
                            country=country, scope=", ".join(sorted(rules.scope)))
    return None


def eligibility_problems(rules: EligibilityRules, applicant: Applicant) -> dict[str, str]:
    """Why an applicant may not enter (field-keyed); empty when they may.

    A team's other members who may not enter are named under `members`.
    """
    problems: dict[str, str] = {}
    if not applicant.country:
        problems["country_code"] = N_("set your country in your profile to register")
    else:
        why = country_problem(rules, country=applicant.country,
                              country_groups=applicant.country_groups)
        if why:
            problems["country_code"] = why
    if applicant.solver_kind == SolverKind.TEAM:
        outside = [(m.name, why) for m in applicant.members
                   if (why := country_problem(rules, country=m.country,
                                              country_groups=m.country_groups))]
        if outside:
            problems["members"] = translatable("not eligible: %(members)s", members="; ".join(
                f"{name} ({why})" for name, why in outside))
    if rules.solver_kinds and applicant.solver_kind not in rules.solver_kinds:
        allowed = ", ".join(sorted(k.value for k in rules.solver_kinds))
        problems["solver_kind"] = translatable("this challenge is open to: %(kinds)s",
                                               kinds=allowed)
    if applicant.solver_kind == SolverKind.TEAM:
        size = applicant.team_size
        if size is None:
            problems["team_size"] = N_("give the size of your team")
        elif rules.team_min is not None and size < rules.team_min:
            problems["team_size"] = translatable("teams need at least %(n)s members",
                                                 n=rules.team_min)
        elif rules.team_max is not None and size > rules.team_max:
            problems["team_size"] = translatable("teams may have at most %(n)s members",
                                                 n=rules.team_max)
    if rules.exclude_sponsor_employees and not applicant.declares_not_sponsor_employee:
        problems["declares_not_sponsor_employee"] = (
            N_("the sponsor's employees may not enter: confirm that you are not one"))
    return problems


def ip_terms_problem(kind: IpTerms, licence: str | None,
                     canonical_licence: str | None) -> str | None:
    """An open licence needs a valid SPDX id; other terms take none."""
    if kind == IpTerms.OPEN_LICENCE:
        if not licence:
            return N_("an open licence needs its SPDX licence id (e.g. CC-BY-4.0, MIT)")
        if canonical_licence is None:
            return translatable("%(licence)s is not an SPDX licence id", licence=repr(licence))
    elif licence:
        return N_("a licence id belongs only to open_licence terms")
    return None
