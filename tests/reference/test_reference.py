import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.reference import service
from app.reference.models import Country, CountryGroupMembership, SdgTarget
from app.reference.seed import load_reference
from app.reference.vocab import Stage, stage_for_trl


def test_forty_four_ldcs_today_after_the_dated_correction(db: Session) -> None:
    ldcs = service.group_members(db, code="LDC", on=dt.date(2026, 11, 25))
    assert len(ldcs) == 44
    assert "STP" not in ldcs and "BTN" not in ldcs and "NPL" in ldcs


def test_membership_is_judged_as_of_a_date(db: Session) -> None:
    assert service.is_member(db, group="LDC", country="STP", on=dt.date(2024, 12, 12))
    assert not service.is_member(db, group="LDC", country="STP", on=dt.date(2024, 12, 13))
    assert service.is_member(db, group="LDC", country="BTN", on=dt.date(2020, 1, 1))


def test_country_groups_include_regions_and_un_groups(db: Session) -> None:
    groups = service.groups_of(db, country="NPL")
    assert {"WORLD", "M49-142", "M49-034", "LDC", "LLDC"} <= groups
    assert "SIDS" not in groups
    assert "SIDS" in service.groups_of(db, country="FJI")


def test_scope_expands_groups_and_keeps_countries(db: Session) -> None:
    covered = service.scope_countries(db, scope=["SIDS", "NPL"])
    assert "FJI" in covered and "NPL" in covered and "FRA" not in covered
    ldcs = service.scope_countries(db, scope=["LDC"])  # three capitals, yet a group
    assert "LDC" not in ldcs and "NPL" in ldcs and len(ldcs) == 44


def test_unknown_codes_name_the_field(db: Session) -> None:
    with pytest.raises(ValidationFailed) as err:
        service.check_scope(db, codes=["LDC", "XYZ"], field="scope")
    assert err.value.fields == {"scope": "unknown code(s): XYZ"}
    with pytest.raises(ValidationFailed):
        service.check_sdg_targets(db, codes=["7.2", "7.99"])
    assert service.check_sdg_targets(db, codes=["7.a", "7.2"]) == ["7.2", "7.a"]


def test_loading_twice_changes_nothing(db: Session) -> None:
    before = (db.scalar(select(func.count()).select_from(Country)),
              db.scalar(select(func.count()).select_from(CountryGroupMembership)),
              db.scalar(select(func.count()).select_from(SdgTarget)))
    load_reference(db)
    db.commit()
    after = (db.scalar(select(func.count()).select_from(Country)),
             db.scalar(select(func.count()).select_from(CountryGroupMembership)),
             db.scalar(select(func.count()).select_from(SdgTarget)))
    assert before == after == (249, after[1], 169)


def test_trl_maps_to_stage() -> None:
    assert stage_for_trl(3) == Stage.RESEARCH and stage_for_trl(9) == Stage.DIFFUSION
    with pytest.raises(ValueError, match="between 1 and 9"):
        stage_for_trl(10)


def test_reference_api(client: TestClient) -> None:
    nepal = client.get("/api/v1/reference/countries/npl").json()
    assert nepal["name_zh"] == "尼泊尔" and "LDC" in nepal["groups"]
    ldcs = client.get("/api/v1/reference/countries", params={"group": "LDC", "on": "2024-01-01"})
    assert "STP" in {c["alpha3"] for c in ldcs.json()}
    targets = [t["code"] for t in client.get("/api/v1/reference/sdg-targets",
                                             params={"goal": "7"}).json()]
    assert targets == ["7.1", "7.2", "7.3", "7.a", "7.b"]
    stages = client.get("/api/v1/reference/stages").json()
    assert [s["code"] for s in stages] == ["research", "demonstration", "market_formation",
                                           "diffusion"]
    currencies = {c["code"]: c for c in client.get("/api/v1/reference/currencies").json()}
    assert currencies["JPY"]["minor_unit"] == 0 and currencies["USD"]["minor_unit"] == 2
    assert "XAU" not in currencies
    sids = client.get("/api/v1/reference/country-groups/SIDS").json()
    assert sids["kind"] == "sids" and any(m["country_code"] == "FJI" for m in sids["members"])
    sectors = client.get("/api/v1/reference/sectors").json()
    assert len(sectors) == 13
    assert client.get("/api/v1/reference/countries/XXX").status_code == 404
