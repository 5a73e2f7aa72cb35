"""Loads countries, country groups with dated membership and the SDGs; safe to run again."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.reference import loader
from app.reference.models import (
    Country,
    CountryGroup,
    CountryGroupMembership,
    SdgGoal,
    SdgTarget,
)

SEED_ORDER = 10
WORLD = "WORLD"


def group_code_for_m49(code: str) -> str:
    return f"M49-{code}"


def load_reference(db: Session) -> list[str]:
    rows = loader.read_countries()
    for row in rows:
        db.merge(Country(
            alpha3=row.alpha3, alpha2=row.alpha2, numeric=row.numeric, m49=row.m49,
            name_en=row.names["en"] or row.alpha3, name_fr=row.names["fr"],
            name_es=row.names["es"], name_ru=row.names["ru"], name_ar=row.names["ar"],
            name_zh=row.names["zh"],
            region_code=row.region[0] if row.region else None,
            subregion_code=row.subregion[0] if row.subregion else None,
            intermediate_region_code=row.intermediate[0] if row.intermediate else None,
            currency_code=row.currency_code, is_independent=row.is_independent,
        ))

    groups: dict[str, CountryGroup] = {
        WORLD: CountryGroup(code=WORLD, name_en="World", name_zh="世界", kind="world", m49="001",
                            description="Every country and territory."),
    }
    for code, (_column, m49, name_en, name_zh) in loader.FLAG_GROUPS.items():
        groups[code] = CountryGroup(code=code, name_en=name_en, name_zh=name_zh, kind=code.lower(),
                                    m49=m49, description=f"UN M49 group {m49}.")
    members: dict[str, set[str]] = {code: set() for code in groups}
    for row in rows:
        members[WORLD].add(row.alpha3)
        for flag in row.flags:
            members[flag].add(row.alpha3)
        parent = WORLD
        for kind, place in (("region", row.region), ("subregion", row.subregion),
                            ("intermediate_region", row.intermediate)):
            if place is None:
                continue
            code = group_code_for_m49(place[0])
            groups.setdefault(code, CountryGroup(code=code, name_en=place[1],
                                                 name_zh=loader.region_name_zh(place[0]),
                                                 kind=kind, m49=place[0], parent_code=parent))
            members.setdefault(code, set()).add(row.alpha3)
            parent = code
    depth = {"world": 0, "region": 1, "subregion": 2, "intermediate_region": 3}
    for group in sorted(groups.values(), key=lambda g: (depth.get(g.kind, 1), g.code)):
        db.merge(group)
        db.flush()  # parents before children
    db.flush()

    # Memberships are rebuilt from the files each time, then the dated corrections applied.
    db.execute(delete(CountryGroupMembership))
    changes = {(c.group, c.country): c for c in loader.read_membership_changes()}
    for code, countries in members.items():
        for alpha3 in sorted(countries):
            change = changes.pop((code, alpha3), None)
            db.add(CountryGroupMembership(
                group_code=code, country_code=alpha3,
                valid_from=change.valid_from if change else None,
                valid_to=change.valid_to if change else None,
                note=change.note if change else None))
    for change in changes.values():  # former members the CSV no longer flags
        db.add(CountryGroupMembership(group_code=change.group, country_code=change.country,
                                      valid_from=change.valid_from, valid_to=change.valid_to,
                                      note=change.note))

    for code, title_en, title_fr in loader.read_sdg_goals():
        db.merge(SdgGoal(code=code, title_en=title_en, title_fr=title_fr))
    db.flush()
    for code, title_en, title_fr in loader.read_sdg_targets():
        db.merge(SdgTarget(code=code, goal_code=code.split(".")[0], title_en=title_en,
                           title_fr=title_fr))
    db.flush()
    return [f"Reference: {len(rows)} countries, {len(groups)} country groups, "
            f"{len(loader.read_sdg_goals())} SDGs, {len(loader.read_sdg_targets())} targets."]
