"""The coordination API: budgets spread and converted, uncovered cells, where nobody works."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.inventory.models import MechanismStatus
from tests.needs.hand_case import build


def amounts(rows: list[dict[str, object]]) -> dict[object, object]:
    return {r["key"]: r["amount_minor"] for r in rows}


def test_budgets_per_currency_without_a_target(client: TestClient, db: Session) -> None:
    build(db)
    body = client.get("/api/v1/coordination/budgets").json()
    assert body["currency"] is None and body["unconverted"] == []
    by = {d["currency"]: d for d in body["distributions"]}
    # M4 (closed, 777 USD) is left out; M1 10,000.00 USD over energy × {demo, diffusion}.
    assert {c: d["total_minor"] for c, d in by.items()} == {"EUR": 1001, "JPY": 500,
                                                           "USD": 1_000_000}
    assert amounts(by["USD"]["by_stage"]) == {"research": 0, "demonstration": 500_000,
                                              "market_formation": 0, "diffusion": 500_000}
    # M2 1001 EUR cents over energy/water × research/demo: 251 + 250 + 250 + 250.
    assert amounts(by["EUR"]["by_sector"])["energy_supply"] == 501
    assert amounts(by["EUR"]["by_sector"])["water"] == 500
    # M3 500 JPY over its declared energy/water × demo/diffusion cells: 125 each.
    assert amounts(by["JPY"]["by_stage"])["demonstration"] == 250
    for d in by.values():
        assert sum(amounts(d["by_sector"]).values()) == d["total_minor"]   # type: ignore[arg-type]
        assert sum(amounts(d["by_stage"]).values()) == d["total_minor"]    # type: ignore[arg-type]


def test_budgets_convert_only_with_supplied_rates(client: TestClient, db: Session) -> None:
    case = build(db)
    body = client.get("/api/v1/coordination/budgets",
                      params={"currency": "usd", "rates": "EUR:1.08"}).json()
    assert body["currency"] == "USD" and body["rates"] == {"EUR": "1.08"}
    (usd,) = body["distributions"]
    # 1,000,000 USD cents + 1001 EUR cents × 1.08 = 1081.08 → 1081 USD cents.
    assert usd["total_minor"] == 1_001_081 and usd["mechanisms"] == 2
    assert amounts(usd["by_stage"]) == {"research": 541, "demonstration": 500_540,
                                        "market_formation": 0, "diffusion": 500_000}
    assert body["unconverted"] == [{"mechanism": {"id": case.m3.id, "name": "Global platform",
                                                  "acronym": "GP"},
                                    "amount_minor": 500, "currency": "JPY"}]
    both = client.get("/api/v1/coordination/budgets",
                      params={"currency": "USD", "rates": "EUR:1.08,JPY:0.0067"}).json()
    assert both["unconverted"] == [] and both["distributions"][0]["total_minor"] == 1_001_416


def test_bad_budget_requests_name_the_field(client: TestClient, db: Session) -> None:
    def fields(**params: str) -> dict[str, str]:
        answer = client.get("/api/v1/coordination/budgets", params=params)
        assert answer.status_code == 422
        return answer.json()["error"]["fields"]

    assert "currency" in fields(currency="ZZZ")
    assert "rates" in fields(currency="USD", rates="EUR:-1")
    assert "rates" in fields(currency="USD", rates="USD:1")
    assert "currency" in fields(rates="EUR:1.08")


def test_uncovered_cells_and_cells_nobody_works_in(client: TestClient, db: Session) -> None:
    build(db)
    body = client.get("/api/v1/coordination/cells").json()
    # Only N5 (FJI energy market formation) has no covering mechanism.
    assert body["uncovered"] == [{"sector": "energy_supply", "stage": "market_formation",
                                  "needs": 1, "uncovered": 1}]
    nobody = {(c["sector"], c["stage"]): c["needs"] for c in body["nobody_works"]}
    # Active mechanisms work (effectively) in energy × {research, demo, diffusion} and
    # water × {research, demo, diffusion}: 52 − 6 = 46 cells where nobody works.
    assert len(nobody) == 46
    assert nobody[("energy_supply", "market_formation")] == 1
    assert ("water", "demonstration") not in nobody and nobody[("transport", "research")] == 0


def test_the_coordination_page_follows_a_change_to_a_mechanism(client: TestClient,
                                                                db: Session) -> None:
    """Overlaps, budgets and cells are kept between requests (and the page for visitors):
    closing a mechanism shows on the next request."""
    case = build(db)
    params = {"threshold": "0.05", "currency": "USD", "rates": "EUR:1.08"}

    def sections() -> tuple[str, str, str]:
        html = client.get("/coordination", params=params).text
        return (html[html.index('id="overlaps"'):html.index('id="uncovered"')],
                html[html.index('id="uncovered"'):html.index('id="nobody"')],
                html[html.index('id="budgets"'):])

    overlaps, uncovered, budgets = sections()
    assert "LDC fund" in overlaps and "USD: USD 10,010.81 from 2 mechanism(s)" in budgets
    assert "Energy supply</td><td>Demonstration</td>" not in uncovered
    api = client.get("/api/v1/coordination/overlaps", params={"threshold": "0.05"}).json()
    assert "LDC fund" in {row[side]["name"] for row in api["items"] for side in ("a", "b")}
    case.m1.status = MechanismStatus.CLOSED
    db.commit()
    overlaps, uncovered, budgets = sections()
    assert "LDC fund" not in overlaps and "USD: USD 10.81 from 1 mechanism(s)" in budgets
    assert "Energy supply</td><td>Demonstration</td><td>1</td>" in uncovered  # Nepal's N1
    api = client.get("/api/v1/coordination/overlaps", params={"threshold": "0.05"}).json()
    assert "LDC fund" not in {row[side]["name"] for row in api["items"] for side in ("a", "b")}
    # Rates are shown as given, though 1.080 and 1.08 convert alike.
    assert client.get("/api/v1/coordination/budgets", params={
        "currency": "USD", "rates": "EUR:1.080"}).json()["rates"] == {"EUR": "1.080"}
