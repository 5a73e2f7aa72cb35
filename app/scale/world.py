"""What the scale data draws on from the reference tables: countries, groups with their dated
memberships, SDG targets. Read once; eligibility is then answered in memory."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from app.reference.models import Country, CountryGroup, CountryGroupMembership, SdgTarget


@dataclass
class World:
    countries: list[str]
    groups: dict[str, str]  # code -> kind
    sdg_targets: list[str]
    # country -> [(group, valid_from, valid_to)]
    memberships: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = field(
        default_factory=dict)

    def of_kind(self, *kinds: str) -> list[str]:
        return sorted(code for code, kind in self.groups.items() if kind in kinds)

    def groups_of(self, country: str, on: dt.date) -> set[str]:
        return {group for group, start, end in self.memberships.get(country, ())
                if (start is None or start <= on) and (end is None or on < end)}

    def members(self, group: str, on: dt.date) -> list[str]:
        return [c for c in self.countries if group in self.groups_of(c, on)]

    def members_of(self, scope: list[str], on: dt.date) -> list[str]:
        """The countries a scope (group and country codes) covers on `on`."""
        return [c for c in self.countries
                if c in scope or not self.groups_of(c, on).isdisjoint(scope)]


def read_world(conn: Connection) -> World | None:
    """None when the reference data has not been loaded."""
    countries = list(conn.scalars(select(Country.alpha3).order_by(Country.alpha3)))
    if not countries:
        return None
    groups = {str(code): str(kind) for code, kind in conn.execute(
        select(CountryGroup.code, CountryGroup.kind).order_by(CountryGroup.code))}
    targets = list(conn.scalars(select(SdgTarget.code).order_by(SdgTarget.code)))
    memberships: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = defaultdict(list)
    for group, country, start, end in conn.execute(
            select(CountryGroupMembership.group_code, CountryGroupMembership.country_code,
                   CountryGroupMembership.valid_from, CountryGroupMembership.valid_to)
            .order_by(CountryGroupMembership.id)):
        memberships[country].append((group, start, end))
    return World(countries=countries, groups=groups, sdg_targets=targets,
                 memberships=dict(memberships))
