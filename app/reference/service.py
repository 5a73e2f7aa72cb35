"""Questions about the reference data: who belongs to which group (on a date), valid codes."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.errors import NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.reference.models import (
    Country,
    CountryGroup,
    CountryGroupMembership,
    SdgGoal,
    SdgTarget,
)


def valid_on(day: dt.date | None) -> ColumnElement[bool]:
    """SQL condition: a membership row holds on `day` (today's rows when `day` is None)."""
    day = day or dt.datetime.now(dt.UTC).date()
    m = CountryGroupMembership
    return and_(or_(m.valid_from.is_(None), m.valid_from <= day),
                or_(m.valid_to.is_(None), m.valid_to > day))


def list_countries(db: Session, *, group: str | None = None, on: dt.date | None = None,
                   query: str | None = None) -> list[Country]:
    stmt = select(Country).order_by(Country.name_en)
    if group:
        get_group(db, code=group)
        stmt = stmt.where(Country.alpha3.in_(
            select(CountryGroupMembership.country_code).where(
                CountryGroupMembership.group_code == group, valid_on(on))))
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(or_(Country.name_en.ilike(pattern), Country.alpha3 == query.upper(),
                              Country.name_zh.like(f"%{query}%")))
    return list(db.scalars(stmt))


def get_country(db: Session, *, code: str) -> Country:
    country = db.get(Country, code.upper())
    if country is None:
        raise NotFound(translatable("No country with code %(code)s.", code=repr(code)))
    return country


def list_groups(db: Session) -> list[CountryGroup]:
    return list(db.scalars(select(CountryGroup).order_by(CountryGroup.kind, CountryGroup.code)))


def get_group(db: Session, *, code: str) -> CountryGroup:
    group = db.get(CountryGroup, code)
    if group is None:
        raise NotFound(translatable("No country group with code %(code)s.", code=repr(code)))
    return group


def group_members(db: Session, *, code: str, on: dt.date | None = None) -> set[str]:
    """ISO alpha-3 codes of the group's members on `on` (today by default)."""
    return set(db.scalars(select(CountryGroupMembership.country_code).where(
        CountryGroupMembership.group_code == code, valid_on(on))))


def groups_of(db: Session, *, country: str, on: dt.date | None = None) -> set[str]:
    """Every group the country belongs to on `on`, e.g. {'WORLD', 'M49-142', 'LDC', ...}."""
    return set(db.scalars(select(CountryGroupMembership.group_code).where(
        CountryGroupMembership.country_code == country, valid_on(on))))


def is_member(db: Session, *, group: str, country: str, on: dt.date | None = None) -> bool:
    """Was `country` in `group` on `on`? (e.g. was São Tomé and Príncipe an LDC on 2024-06-01?)"""
    return group in groups_of(db, country=country, on=on)


def scope_countries(db: Session, *, scope: Iterable[str], on: dt.date | None = None) -> set[str]:
    """The countries a scope (group codes and/or country codes) covers on `on`."""
    codes = set(scope)
    # Group codes can look like country codes ("LDC"), so ask the table which ones are groups.
    group_codes = set(db.scalars(select(CountryGroup.code).where(CountryGroup.code.in_(codes))))
    countries = codes - group_codes
    if group_codes:
        countries |= set(db.scalars(select(CountryGroupMembership.country_code).where(
            CountryGroupMembership.group_code.in_(group_codes), valid_on(on))))
    return countries


def _cleaned(codes: Iterable[str], *, upper: bool = False) -> list[str]:
    return sorted({(c.strip().upper() if upper else c.strip()) for c in codes if c and c.strip()})


def _refuse_unknown(unknown: list[str], message: str, field: str, field_message: str) -> None:
    """422 naming the unknown codes (`%(codes)s` in both messages), if there are any."""
    if unknown:
        codes = ", ".join(unknown)
        raise ValidationFailed(translatable(message, codes=codes),
                               fields={field: translatable(field_message, codes=codes)})


def check_scope(db: Session, *, codes: Iterable[str], field: str = "scope") -> list[str]:
    """Validate scope entries (group codes such as `LDC`, `M49-002`, or alpha-3 country codes)."""
    wanted = _cleaned(codes)
    known = set(db.scalars(select(CountryGroup.code).where(CountryGroup.code.in_(wanted))))
    known |= set(db.scalars(select(Country.alpha3).where(Country.alpha3.in_(wanted))))
    _refuse_unknown([c for c in wanted if c not in known],
                    N_("Unknown country or group code: %(codes)s."), field,
                    N_("unknown code(s): %(codes)s"))
    return wanted


def check_countries(db: Session, *, codes: Iterable[str], field: str = "country") -> list[str]:
    """Validate ISO 3166-1 alpha-3 codes; returns them upper-cased and de-duplicated."""
    wanted = _cleaned(codes, upper=True)
    known = set(db.scalars(select(Country.alpha3).where(Country.alpha3.in_(wanted))))
    _refuse_unknown([c for c in wanted if c not in known],
                    N_("Unknown country code: %(codes)s."), field,
                    N_("unknown ISO 3166-1 alpha-3 code(s): %(codes)s"))
    return wanted


def check_sdg_targets(db: Session, *, codes: Iterable[str],
                      field: str = "sdg_targets") -> list[str]:
    wanted = _cleaned(codes)
    known = set(db.scalars(select(SdgTarget.code).where(SdgTarget.code.in_(wanted))))
    _refuse_unknown([c for c in wanted if c not in known],
                    N_("Unknown SDG target: %(codes)s."), field,
                    N_("unknown SDG target code(s): %(codes)s"))
    return wanted


def check_vocab(values: Iterable[str], vocab: type[enum.StrEnum],
                *, field: str) -> list[str]:
    """Validate codes against a controlled vocabulary enum (sectors, stages, functions...)."""
    allowed = {m.value for m in vocab}
    wanted = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    unknown = [v for v in wanted if v not in allowed]
    if unknown:
        values = ", ".join(unknown)
        raise ValidationFailed(
            translatable("Unknown %(name)s: %(values)s.", name=field, values=values),
            fields={field: translatable("unknown value(s): %(values)s; allowed: %(allowed)s",
                                        values=values, allowed=", ".join(sorted(allowed)))})
    return wanted


def list_sdg_goals(db: Session) -> list[SdgGoal]:
    goals = list(db.scalars(select(SdgGoal)))
    return sorted(goals, key=lambda g: int(g.code))


def list_sdg_targets(db: Session, *, goal: str | None = None) -> list[SdgTarget]:
    stmt = select(SdgTarget)
    if goal:
        stmt = stmt.where(SdgTarget.goal_code == goal)
    return sorted(db.scalars(stmt), key=lambda t: sdg_sort_key(t.code))


def sdg_sort_key(code: str) -> tuple[int, int, str]:
    """Order `7.1 < 7.2 < 7.10 < 7.a < 7.b` without ever turning a code into a number."""
    goal, _, target = code.partition(".")
    return (int(goal), int(target) if target.isdigit() else 1000, target)
