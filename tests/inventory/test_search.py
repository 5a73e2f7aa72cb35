from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.inventory import mechanisms, search
from app.reference import service as reference
from tests.inventory.factories import make_mechanism, make_technology


def _facet(body: dict[str, Any], name: str) -> dict[str, int]:
    """The non-zero counts of one facet."""
    return {v["value"]: v["count"] for v in body["facets"][name] if v["count"]}


def test_climate_technology_finds_the_ctcn(client: TestClient, db: Session) -> None:
    make_mechanism(db, name="Climate Technology Centre and Network", acronym="CTCN",
                   description="Technical assistance for developing countries.")
    make_mechanism(db, name="Green Climate Fund", description="A fund for projects.")
    make_mechanism(db, name="WIPO GREEN", description="A marketplace for green technologies.")
    body = client.get("/api/v1/mechanisms", params={"q": "climate technology"}).json()
    assert [m["name"] for m in body["items"]] == ["Climate Technology Centre and Network"]
    assert body["total"] == 1 and body["sort"] == "relevance"
    by_acronym = client.get("/api/v1/mechanisms", params={"q": "ctcn"}).json()
    assert [m["acronym"] for m in by_acronym["items"]] == ["CTCN"]
    # stemming: "technologies" finds "technology" and "technologies" on both databases
    stemmed = client.get("/api/v1/mechanisms", params={"q": "technologies"}).json()
    assert {m["name"] for m in stemmed["items"]} == {
        "Climate Technology Centre and Network", "WIPO GREEN"}


def test_name_matches_rank_above_description_matches(client: TestClient, db: Session) -> None:
    make_mechanism(db, name="Adaptation Fund", description="Finances solar pumps, among others.")
    make_mechanism(db, name="Solar pump network", description="People who build pumps.")
    body = client.get("/api/v1/mechanisms", params={"q": "solar"}).json()
    assert [m["name"] for m in body["items"]] == ["Solar pump network", "Adaptation Fund"]
    by_name = client.get("/api/v1/mechanisms", params={"q": "solar", "sort": "name"}).json()
    assert [m["name"] for m in by_name["items"]] == ["Adaptation Fund", "Solar pump network"]


@pytest.mark.parametrize("q", [
    '"climate', 'climate"', '"climate" OR', "NEAR(climate technology)", "climate*", "* ^ -",
    "'; DROP TABLE mechanisms; --", "name:climate", "climate AND (", "a & b | !c",
    "%_\\", "{technology}", "Ωμέγα 気候", '"""', "NOT", ":", "col:val:", "100%",
])
def test_any_search_text_is_safe(client: TestClient, db: Session, q: str) -> None:
    make_mechanism(db, name="Climate Technology Centre and Network")
    for path in ("/api/v1/mechanisms", "/api/v1/technologies"):
        response = client.get(path, params={"q": q})
        assert response.status_code == 200, (q, response.text)
    html = client.get("/inventory", params={"q": q})
    assert html.status_code == 200
    assert client.get("/api/v1/mechanisms").json()["total"] == 1  # the table is still there


def test_query_syntax_is_reduced_to_words() -> None:
    assert search.query_terms('"climate" OR NEAR(tech*)') == ["climate", "OR", "NEAR", "tech"]
    assert search.fts5_query(["climate", "OR"]) == '"climate" "OR"'
    assert search.query_terms("'; --") == []


def test_function_and_stage_filters_with_facet_counts(client: TestClient, db: Session) -> None:
    make_mechanism(db, name="M1", kind="fund", functions=["finance"], stages=["demonstration"],
                   sectors=["energy_supply"])
    make_mechanism(db, name="M2", kind="fund", functions=["finance", "matchmaking"],
                   stages=["demonstration", "diffusion"], sectors=["water"])
    make_mechanism(db, name="M3", kind="programme", functions=["finance"], stages=["research"],
                   sectors=["energy_supply"])
    make_mechanism(db, name="M4", kind="network", functions=["capacity_building"],
                   stages=["demonstration"], sectors=["energy_supply"])
    make_mechanism(db, name="M5", kind="platform", functions=["matchmaking"],
                   stages=["diffusion"], sectors=["transport"])
    body = client.get("/api/v1/mechanisms",
                      params={"function": "finance", "stage": "demonstration"}).json()
    assert [m["name"] for m in body["items"]] == ["M1", "M2"] and body["total"] == 2
    # A facet's counts ignore its own filter: functions among M1, M2, M4 (demonstration) ...
    assert _facet(body, "function") == {"finance": 2, "matchmaking": 1, "capacity_building": 1}
    # ... stages among M1, M2, M3 (finance) ...
    assert _facet(body, "stage") == {"demonstration": 2, "diffusion": 1, "research": 1}
    # ... and the other facets count the result set M1, M2 itself.
    assert _facet(body, "sector") == {"energy_supply": 1, "water": 1}
    assert _facet(body, "kind") == {"fund": 2}
    assert _facet(body, "verification") == {"stale": 2}
    selected = [v["value"] for v in body["facets"]["function"] if v["selected"]]
    assert selected == ["finance"]
    # every value of a vocabulary is listed, also with no record
    assert len(body["facets"]["function"]) == 9

    either = client.get("/api/v1/mechanisms", params=[("function", "finance"),
                                                      ("function", "matchmaking")]).json()
    assert [m["name"] for m in either["items"]] == ["M1", "M2", "M3", "M5"]


def test_country_group_filter_matches_scopes_touching_the_group(client: TestClient,
                                                                 db: Session) -> None:
    assert "LDC" in reference.groups_of(db, country="TCD")
    assert "LDC" not in reference.groups_of(db, country="DEU")
    make_mechanism(db, name="Global", scope=["WORLD"])
    make_mechanism(db, name="Chad only", scope=["TCD"])
    make_mechanism(db, name="Africa", scope=["M49-002"])
    make_mechanism(db, name="Germany only", scope=["DEU"])
    make_mechanism(db, name="LDCs", scope=["LDC"])
    body = client.get("/api/v1/mechanisms", params={"group": "LDC"}).json()
    assert [m["name"] for m in body["items"]] == ["Africa", "Chad only", "Global", "LDCs"]
    groups = _facet(body, "group")
    assert groups["LDC"] == 4 and groups["WORLD"] == 5 and groups["M49-150"] == 2  # Europe
    europe = client.get("/api/v1/mechanisms", params={"group": "M49-150"}).json()
    assert [m["name"] for m in europe["items"]] == ["Germany only", "Global"]


def test_group_counts_follow_every_write(client: TestClient, db: Session) -> None:
    """Each record's groups are kept between requests under the records' and the groups'
    change stamps: a new scope, a deleted record, a new member of a group are counted at once,
    with and without other filters."""
    chad = make_mechanism(db, name="Chad only", scope=["TCD"], sectors=["water"])
    make_technology(db, name="Drip kit", countries_deployed=["KEN"])

    def groups(entity: str = "mechanisms", **params: str) -> dict[str, int]:
        return _facet(client.get(f"/api/v1/{entity}", params=params).json(), "group")

    assert groups() == {"WORLD": 1, "M49-002": 1, "LDC": 1, "LLDC": 1}
    assert groups(sector="water") == groups() and groups(sector="ict") == {}
    germany = make_mechanism(db, name="Germany only", scope=["DEU"])
    assert groups()["WORLD"] == 2 and groups()["M49-150"] == 1
    db.execute(text("UPDATE mechanism_scopes SET country_code = 'NPL' "
                    "WHERE mechanism_id = :m"), {"m": chad.id})
    db.commit()
    assert "M49-002" not in groups() and groups()["M49-142"] == 1  # Nepal: Asia
    mechanisms.delete_mechanism(db, mechanism=germany, actor=None)
    db.commit()
    assert "M49-150" not in groups()
    assert groups("technologies") == {"WORLD": 1, "M49-002": 1}
    db.execute(text("INSERT INTO country_group_memberships (group_code, country_code) "
                    "VALUES ('SIDS', 'KEN')"))
    db.commit()
    assert groups("technologies")["SIDS"] == 1


def test_sorting_and_pagination(client: TestClient, db: Session) -> None:
    for name in ("Delta", "alpha", "Charlie", "bravo", "Echo"):
        make_mechanism(db, name=name)
    first = client.get("/api/v1/mechanisms", params={"limit": 2}).json()
    assert [m["name"] for m in first["items"]] == ["alpha", "bravo"]
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    last = client.get("/api/v1/mechanisms", params={"limit": 2, "offset": 4}).json()
    assert [m["name"] for m in last["items"]] == ["Echo"]
    assert client.get("/api/v1/mechanisms", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/mechanisms", params={"sort": "price"}).status_code == 422


def test_unknown_filter_value_is_a_422_naming_the_filter(client: TestClient) -> None:
    response = client.get("/api/v1/mechanisms", params={"function": "lobbying"})
    assert response.status_code == 422 and "function" in response.json()["error"]["fields"]
    response = client.get("/api/v1/technologies", params={"group": "ATLANTIS"})
    assert response.status_code == 422 and "group" in response.json()["error"]["fields"]


def test_technology_search_covers_the_summary_and_facets(client: TestClient,
                                                         db: Session) -> None:
    make_technology(db, name="Drip kit", summary="Low-pressure irrigation for smallholders",
                    sectors=["water", "agriculture_forestry"], countries_deployed=["KEN"],
                    availability="open_licence", licence_id="CERN-OHL-S-2.0")
    make_technology(db, name="Cold room", summary="Solar-powered storage", sectors=["health"],
                    stage="diffusion", trl=9, countries_deployed=["DEU"])
    body = client.get("/api/v1/technologies", params={"q": "irrigation"}).json()
    assert [t["name"] for t in body["items"]] == ["Drip kit"]
    by_availability = client.get("/api/v1/technologies",
                                 params={"availability": "open_licence"}).json()
    assert [t["name"] for t in by_availability["items"]] == ["Drip kit"]
    assert _facet(by_availability, "availability") == {"open_licence": 1, "public_domain": 1}
    assert _facet(by_availability, "stage") == {"demonstration": 1}


def test_search_index_follows_renames_and_deletes(client: TestClient, db: Session) -> None:
    from app.inventory import mechanisms

    mechanism = make_mechanism(db, name="Old name network")
    mechanisms.update_mechanism(db, mechanism=mechanism, changes={"name": "Fresh title hub"},
                                actor=None)
    db.commit()
    assert client.get("/api/v1/mechanisms", params={"q": "old"}).json()["total"] == 0
    assert client.get("/api/v1/mechanisms", params={"q": "fresh"}).json()["total"] == 1
    mechanisms.delete_mechanism(db, mechanism=mechanism, actor=None)
    db.commit()
    assert client.get("/api/v1/mechanisms", params={"q": "fresh"}).json()["total"] == 0


def test_the_search_machinery_exists(db: Session) -> None:
    """Migration 0004's triggers (SQLite) or GIN indexes (PostgreSQL) are in place; a later
    migration that rebuilds the tables must keep them."""
    if db.get_bind().dialect.name == "sqlite":
        triggers = set(db.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'")))
        assert {f"{t}_fts_{op}" for t in ("mechanisms", "technologies")
                for op in ("insert", "update", "delete")} <= triggers
    else:
        indexes = set(db.scalars(text("SELECT indexname FROM pg_indexes")))
        assert {"ix_mechanisms_search", "ix_technologies_search"} <= indexes


def test_status_can_be_unknown_and_is_a_facet_value(client: TestClient, db: Session) -> None:
    make_mechanism(db, name="Open question", status=None)
    make_mechanism(db, name="Running", status="active")
    make_mechanism(db, name="Wound up", status="closed")
    body = client.get("/api/v1/mechanisms", params={"status": "unknown"}).json()
    assert [m["name"] for m in body["items"]] == ["Open question"]
    assert body["items"][0]["status"] is None
    assert _facet(body, "status") == {"active": 1, "closed": 1, "unknown": 1}
    both = client.get("/api/v1/mechanisms", params=[("status", "unknown"),
                                                     ("status", "closed")]).json()
    assert [m["name"] for m in both["items"]] == ["Open question", "Wound up"]
