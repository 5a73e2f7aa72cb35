"""The authoring form <-> the API's nested payload (pure; no database, no web).

Form fields are named by the payload's dotted paths (`targets.0.threshold`), so a validation
message for a path lands next to the field of the same name. Money is typed in currency units
(`1250.50`) and converted exactly to minor units with the currency's ISO 4217 exponent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from app.challenges.schemas import (
    AWARD_TYPES,
    TIE_RULES,
    ChallengeRead,
    CriterionTies,
    PrizeRules,
)
from app.i18n.translate import N_, translatable
from app.kit import forms as kit_forms
from app.kit.money import is_currency, minor_exponent

MULTI = ("sectors", "eligibility.solver_kinds")
ROW_GROUPS = {"targets": "targets", "criteria": "rubric.criteria",
              "places": "prize_rules.award.places", "milestones": "prize_rules.award.milestones",
              "mechanisms": "mechanisms"}
MONEY_FIELDS = ("amount_per_solution", "cap_per_solver_minor", "overall_cap_minor", "pool_minor")
# Row fields whose control always has a value (a yes/no select): they do not make a row filled.
PRESET = frozenset({"required"})
_ROW = re.compile(r"^(?P<prefix>.+?)\.(?P<index>\d+)(?:\.(?P<rest>.+))?$")


def fields_from_pydantic(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """Dotted field paths for pydantic errors (the award's union tag is left out)."""
    return kit_forms.fields_from_pydantic(exc, prefix, union_tags={"award": AWARD_TYPES,
                                                                   "ties": TIE_RULES})


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,\s]+", text) if p.strip()]


def _rows(flat: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    """Repeated rows `prefix.N.field` (or `prefix.N`) in index order, blank rows dropped."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in flat.items():
        match = _ROW.match(key)
        if match and match["prefix"] == prefix:
            rows.setdefault(int(match["index"]), {})[match["rest"] or ""] = value
    return [row for _, row in sorted(rows.items())
            if any(v for k, v in row.items() if k not in PRESET)]


class _Converter:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def integer(self, field: str, text: str) -> int | None:
        if not text:
            return None
        if not re.fullmatch(r"\d{1,15}", text):
            self.errors[field] = N_("enter a whole number")
            return None
        return int(text)

    def minor(self, field: str, text: str, currency: str | None, *,
              exact_int: bool = True) -> int | Decimal | None:
        """`'1,250.50'` USD -> 125050 (the form takes currency units, the API minor units)."""
        if not text:
            return None
        if currency is None:
            self.errors.setdefault(field, N_("choose a valid currency first"))
            return None
        try:
            value = Decimal(text.replace(",", "").replace("_", ""))
        except InvalidOperation:
            self.errors[field] = N_("enter an amount such as 1000.00")
            return None
        if not value.is_finite():
            self.errors[field] = N_("enter an amount such as 1000.00")
            return None
        scaled = value.scaleb(minor_exponent(currency))
        if not exact_int:
            return scaled
        if scaled != scaled.to_integral_value():
            self.errors[field] = translatable(
                "%(currency)s has %(places)s decimal places; round the amount",
                currency=currency, places=minor_exponent(currency))
            return None
        return int(scaled)

    def moment(self, field: str, text: str) -> str | None:
        """A `datetime-local` value is read as UTC; an explicit offset is kept."""
        if not text:
            return None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            self.errors[field] = N_("enter a date and time such as 2030-03-01T12:00 (UTC)")
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()


def _blank_to_none(row: Mapping[str, str]) -> dict[str, Any]:
    return {k: (v if v != "" else None) for k, v in row.items()}


def payload_from_form(form: Mapping[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The nested API payload for a submitted form, and conversion errors by field."""
    flat = {k: v[-1].strip() for k, v in form.items() if k not in MULTI and v}
    conv = _Converter()
    out: dict[str, Any] = {k: flat.get(k, "") for k in (
        "title", "summary", "description", "sponsor_organisation", "contact")}
    out["stage"] = flat.get("stage") or None
    out["sectors"] = [s for s in form.get("sectors", []) if s]
    out["sdg_targets"] = _split(flat.get("sdg_targets", ""))
    need_ids = []
    for part in _split(flat.get("need_ids", "")):
        if part.isdigit():
            need_ids.append(int(part))
        else:
            conv.errors["need_ids"] = translatable("%(part)s is not a need id", part=repr(part))
    out["need_ids"] = need_ids
    mechanisms = []
    for i, row in enumerate(_rows(flat, "mechanisms")):
        mid = conv.integer(f"mechanisms.{i}.mechanism_id", row.get("mechanism_id", ""))
        mechanisms.append({"mechanism_id": mid, "role": row.get("role") or None})
    out["mechanisms"] = mechanisms

    timeline = {name: conv.moment(f"timeline.{name}", flat.get(f"timeline.{name}", ""))
                for name in ("opens_at", "submissions_close_at", "judging_ends_at",
                             "verification_closes_at")}
    appeals = conv.integer("timeline.appeals_window_days",
                           flat.get("timeline.appeals_window_days", ""))
    out["timeline"] = {**timeline, **({"appeals_window_days": appeals}
                                      if appeals is not None else {})}
    out["eligibility"] = {
        "scope": [c.upper() if len(c) == 3 else c for c in _split(
            flat.get("eligibility.scope", ""))],
        "solver_kinds": [k for k in form.get("eligibility.solver_kinds", []) if k],
        "team_min": conv.integer("eligibility.team_min", flat.get("eligibility.team_min", "")),
        "team_max": conv.integer("eligibility.team_max", flat.get("eligibility.team_max", "")),
        "exclude_sponsor_employees": flat.get("eligibility.exclude_sponsor_employees") == "on",
    }
    targets = []
    for row in _rows(flat, "targets"):
        target = _blank_to_none(row)
        target["required"] = row.get("required", "yes") != "no"
        target["verification_method"] = row.get("verification_method", "")
        targets.append({k: v for k, v in target.items() if v is not None})
    out["targets"] = targets
    out["rubric"] = {
        "criteria": [{k: v for k, v in {**_blank_to_none(row),
                                        "description": row.get("description", "")}.items()
                      if v is not None} for row in _rows(flat, "rubric.criteria")],
        "min_overall_score": flat.get("rubric.min_overall_score") or None,
    }
    kind = flat.get("ip_terms.kind")
    out["ip_terms"] = ({"kind": kind, "licence": flat.get("ip_terms.licence") or None}
                       if kind else None)
    out["prize_rules"] = _prize_rules(flat, conv)
    return out, conv.errors


def _prize_rules(flat: Mapping[str, str], conv: _Converter) -> dict[str, Any] | None:
    p = "prize_rules."
    currency_text = flat.get(p + "purse.currency", "").upper()
    kind = flat.get(p + "award.type", "")
    amount = flat.get(p + "purse.amount_minor", "")
    if not (currency_text or kind or amount):
        return None
    currency = currency_text if is_currency(currency_text) else None
    if currency is None:
        conv.errors[p + "purse.currency"] = N_("choose an ISO 4217 currency code such as USD")
    rules: dict[str, Any] = {"purse": {"amount_minor": conv.minor(p + "purse.amount_minor",
                                                                  amount, currency),
                                       "currency": currency_text}}
    award: dict[str, Any] = {"type": kind or None}
    a = p + "award."
    if kind == "ranked":
        award["places"] = [conv.minor(f"{a}places.{i}", row[""], currency)
                           for i, row in enumerate(_rows(flat, a + "places"))]
    elif kind == "threshold":
        award["amount_per_solution"] = conv.minor(a + "amount_per_solution",
                                                  flat.get(a + "amount_per_solution", ""),
                                                  currency)
        award["overflow"] = flat.get(a + "overflow") or None
    elif kind == "milestone":
        award["milestones"] = [
            {"name": row.get("name", ""), "targets": _split(row.get("targets", "")),
             "amount": conv.minor(f"{a}milestones.{i}.amount", row.get("amount", ""), currency)}
            for i, row in enumerate(_rows(flat, a + "milestones"))]
    elif kind == "per_unit":
        award["unit_target"] = flat.get(a + "unit_target") or None
        rate = conv.minor(a + "rate_minor_per_unit", flat.get(a + "rate_minor_per_unit", ""),
                          currency, exact_int=False)
        award["rate_minor_per_unit"] = str(rate) if rate is not None else None
        award["quality_gate_target"] = flat.get(a + "quality_gate_target") or None
        for name in ("cap_per_solver_minor", "overall_cap_minor"):
            award[name] = conv.minor(a + name, flat.get(a + name, ""), currency)
    elif kind == "pool":
        award["pool_minor"] = conv.minor(a + "pool_minor", flat.get(a + "pool_minor", ""),
                                         currency)
        award["share_target"] = flat.get(a + "share_target") or None
    rules["award"] = {k: v for k, v in award.items() if v is not None or k == "type"}
    tie = flat.get(p + "ties.rule", "")
    if tie:  # a criterion left blank is named as missing by the model, next to its field
        criterion = flat.get(p + "ties.criterion", "")
        rules["ties"] = {"rule": tie, **({"criterion": criterion}
                                         if tie != "share" and criterion else {})}
    bp, delay = flat.get(p + "holdback.basis_points", ""), flat.get(p + "holdback.delay_days", "")
    if bp or delay:
        rules["holdback"] = {"basis_points": conv.integer(p + "holdback.basis_points", bp),
                             "delay_days": conv.integer(p + "holdback.delay_days", delay)}
    return rules


def _major(amount: int | Decimal, currency: str) -> str:
    """Minor units back to currency units for the form: 125050 USD -> '1250.50'."""
    exponent = minor_exponent(currency)
    value = Decimal(amount).scaleb(-exponent)
    step = Decimal(1).scaleb(-exponent)
    exact = value.quantize(step)
    return format(exact if exact == value else value.normalize(), "f")


def _moment(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M") if value else ""


def form_from_read(c: ChallengeRead) -> dict[str, Any]:
    """Form values (strings, lists for multi-value fields) for editing a stored draft."""
    f: dict[str, Any] = {k: getattr(c, k) for k in (
        "title", "summary", "description", "sponsor_organisation", "contact")}
    f["stage"] = c.stage or ""
    f["sectors"] = list(c.sectors)
    f["sdg_targets"] = ", ".join(c.sdg_targets)
    f["need_ids"] = ", ".join(str(n) for n in c.need_ids)
    for i, m in enumerate(c.mechanisms):
        f[f"mechanisms.{i}.mechanism_id"] = str(m.mechanism_id)
        f[f"mechanisms.{i}.role"] = m.role.value
    for name in ("opens_at", "submissions_close_at", "judging_ends_at", "verification_closes_at"):
        f[f"timeline.{name}"] = _moment(getattr(c.timeline, name))
    f["timeline.appeals_window_days"] = str(c.timeline.appeals_window_days)
    e = c.eligibility
    f["eligibility.scope"] = ", ".join(e.scope)
    f["eligibility.solver_kinds"] = [k.value for k in e.solver_kinds]
    f["eligibility.team_min"] = "" if e.team_min is None else str(e.team_min)
    f["eligibility.team_max"] = "" if e.team_max is None else str(e.team_max)
    f["eligibility.exclude_sponsor_employees"] = "on" if e.exclude_sponsor_employees else ""
    for i, t in enumerate(c.targets):
        for name in ("key", "metric", "unit", "verification_method"):
            f[f"targets.{i}.{name}"] = getattr(t, name)
        f[f"targets.{i}.direction"] = t.direction.value
        f[f"targets.{i}.threshold"] = format(t.threshold, "f")
        f[f"targets.{i}.baseline"] = "" if t.baseline is None else format(t.baseline, "f")
        f[f"targets.{i}.required"] = "yes" if t.required else "no"
    for i, cr in enumerate(c.rubric.criteria):
        f[f"rubric.criteria.{i}.name"] = cr.name
        f[f"rubric.criteria.{i}.description"] = cr.description
        f[f"rubric.criteria.{i}.weight"] = format(cr.weight, "f")
        f[f"rubric.criteria.{i}.min_score"] = "" if cr.min_score is None else format(
            cr.min_score, "f")
    f["rubric.min_overall_score"] = ("" if c.rubric.min_overall_score is None
                                     else format(c.rubric.min_overall_score, "f"))
    if c.ip_terms:
        f["ip_terms.kind"] = c.ip_terms.kind.value
        f["ip_terms.licence"] = c.ip_terms.licence or ""
    if c.prize_rules:
        f.update(_prize_form(c.prize_rules))
    return f


def _prize_form(rules: PrizeRules) -> dict[str, str]:
    cur = rules.purse.currency
    p, a = "prize_rules.", "prize_rules.award."
    f = {p + "purse.currency": cur, p + "purse.amount_minor": _major(rules.purse.amount_minor,
                                                                      cur),
         a + "type": rules.award.type}
    data = rules.award.model_dump()
    for i, amount in enumerate(data.get("places", [])):
        f[f"{a}places.{i}"] = _major(amount, cur)
    for i, m in enumerate(data.get("milestones", [])):
        f[f"{a}milestones.{i}.name"] = m["name"]
        f[f"{a}milestones.{i}.targets"] = ", ".join(m["targets"])
        f[f"{a}milestones.{i}.amount"] = _major(m["amount"], cur)
    for name in MONEY_FIELDS + ("rate_minor_per_unit",):
        if data.get(name) is not None:
            f[a + name] = _major(data[name], cur)
    for name in ("overflow", "unit_target", "quality_gate_target", "share_target"):
        if data.get(name) is not None:
            f[a + name] = str(getattr(data[name], "value", data[name]))
    f[p + "ties.rule"] = rules.ties.rule
    if isinstance(rules.ties, CriterionTies):
        f[p + "ties.criterion"] = rules.ties.criterion
    if rules.holdback:
        f[p + "holdback.basis_points"] = str(rules.holdback.basis_points)
        f[p + "holdback.delay_days"] = str(rules.holdback.delay_days)
    return f


def row_counts(form: Mapping[str, Any], extra: int = 0, blank: int = 2) -> dict[str, int]:
    """How many rows of each repeated group to show: the filled ones plus some blank ones."""
    counts: dict[str, int] = {}
    for group, prefix in ROW_GROUPS.items():
        used = {int(m["index"]) for key in form if (m := _ROW.match(key))
                and m["prefix"] == prefix}
        counts[group] = (max(used) + 1 if used else 0) + blank + extra
    return counts


def compact(form: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Submitted (name, value) pairs as template values: lists for multi-value fields, and the
    filled rows of each repeated group renumbered from 0 (as the payload numbers them)."""
    values: dict[str, Any] = {name: [] for name in MULTI}
    for key, value in form:
        if key in MULTI:
            values[key].append(value)
        elif key not in ("csrf_token", "action", "extra_rows"):
            values[key] = value.strip()
    for prefix in ROW_GROUPS.values():
        rows = _rows({k: v for k, v in values.items() if isinstance(v, str)}, prefix)
        for key in [k for k in values if (m := _ROW.match(k)) and m["prefix"] == prefix]:
            del values[key]
        for i, row in enumerate(rows):
            for rest, value in row.items():
                values[f"{prefix}.{i}" + (f".{rest}" if rest else "")] = value
    return values
