"""The hand-built case (tests/needs/hand_case.py) against numbers worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.needs import coordination, coverage
from app.needs.coverage import GapFilters
from tests.needs.hand_case import build

# Covering mechanisms and scores, by hand:
#   N1 NPL energy demo   high   M1 (LDC, finance counts for demo); M2 not (NPL is not in Africa);
#                               M3 not (knowledge sharing does not count for demo); M4 closed
#                               → 1 covering, 3 × 7/4 / (1 + 1) = 21/8  = 2.625
#   N2 NPL energy diff.  medium M1, M3                → 2 × 7/4 / (1 + 2) = 7/6   ≈ 1.1667
#   N3 KEN water demo    high   M2 (Africa); M4 closed → 3 × 1   / (1 + 1) = 3/2   = 1.5
#   N4 FJI water demo    low    M2 (FJI directly); M4 closed though FJI is SIDS
#                                                     → 1 × 3/2 / (1 + 1) = 3/4   = 0.75
#   N5 FJI energy market high   none                  → 3 × 3/2 / (1 + 0) = 9/2   = 4.5
#   N6 KEN water diff.   medium M3                    → 2 × 1   / (1 + 1) = 1
EXPECTED = {"N1": ({"m1"}, Fraction(21, 8)), "N2": ({"m1", "m3"}, Fraction(7, 6)),
            "N3": ({"m2"}, Fraction(3, 2)), "N4": ({"m2"}, Fraction(3, 4)),
            "N5": (set(), Fraction(9, 2)), "N6": ({"m3"}, Fraction(1))}
RANKING = ["N5", "N1", "N3", "N2", "N6", "N4"]


def test_covering_mechanisms_and_scores_equal_the_hand_computation(db: Session) -> None:
    case = build(db)
    ids = {"m1": case.m1.id, "m2": case.m2.id, "m3": case.m3.id, "m4": case.m4.id}
    analysis = coverage.analyse(db, GapFilters())
    page = coverage.gap_page(db, analysis, offset=0, limit=50)
    by_need = {g.need.id: g.group for g in page}
    scored_cov = {g.need.id: g.covering for g in page}
    for label, (mechanisms, score) in EXPECTED.items():
        scored = by_need[case.needs[label].id]
        assert scored_cov[case.needs[label].id] == {ids[m] for m in mechanisms}, label
        assert scored.score == score, label
    assert [g.need.id for g in page] == [case.needs[n].id for n in RANKING]


def test_gaps_api_ranks_pages_and_names_covering_mechanisms(client: TestClient,
                                                          db: Session) -> None:
    case = build(db)
    body = client.get("/api/v1/gaps", params={"limit": 2, "offset": 1}).json()
    assert body["total"] == 6 and body["limit"] == 2 and body["offset"] == 1
    assert [i["need"]["id"] for i in body["items"]] == [case.needs["N1"].id,
                                                         case.needs["N3"].id]
    assert [i["score"] for i in body["items"]] == ["2.6250", "1.5000"]
    assert body["items"][0]["covering"] == [{"id": case.m1.id, "name": "LDC fund",
                                             "acronym": "LDCF"}]
    first = client.get("/api/v1/gaps", params={"limit": 1}).json()["items"][0]
    assert first["need"]["id"] == case.needs["N5"].id
    assert first["covering"] == [] and first["covering_count"] == 0
    n2 = client.get("/api/v1/gaps", params={"country": "npl", "stage": "diffusion"}).json()
    assert n2["total"] == 1 and n2["items"][0]["score"] == "1.1667"  # 7/6
    assert {m["name"] for m in n2["items"][0]["covering"]} == {"LDC fund", "Global platform"}
    ldc = client.get("/api/v1/gaps", params={"group": "LDC"}).json()
    assert {i["need"]["country_code"] for i in ldc["items"]} == {"NPL"}
    water = client.get("/api/v1/gaps", params={"sector": "water", "uncovered": True}).json()
    assert water["total"] == 0
    assert client.get("/api/v1/gaps", params={"group": "NOPE"}).status_code == 422


def test_matrix_equals_the_hand_computation(client: TestClient, db: Session) -> None:
    build(db)
    body = client.get("/api/v1/gaps/matrix").json()
    cells = {(c["sector"], c["stage"]): (c["needs"], c["uncovered"], c["score"])
             for c in body["cells"]}
    assert len(cells) == 13 * 4
    assert cells[("energy_supply", "demonstration")] == (1, 0, "2.6250")     # N1: 21/8
    assert cells[("energy_supply", "diffusion")] == (1, 0, "1.1667")         # N2: 7/6
    assert cells[("energy_supply", "market_formation")] == (1, 1, "4.5000")  # N5: 9/2
    assert cells[("water", "demonstration")] == (2, 0, "2.2500")             # N3 + N4: 3/2 + 3/4
    assert cells[("water", "diffusion")] == (1, 0, "1.0000")                 # N6
    assert sum(n for n, _u, _s in cells.values()) == 6
    ldc = client.get("/api/v1/gaps/matrix", params={"group": "LDC"}).json()
    nonzero = {(c["sector"], c["stage"]): c["score"] for c in ldc["cells"] if c["needs"]}
    assert nonzero == {("energy_supply", "demonstration"): "2.6250",
                       ("energy_supply", "diffusion"): "1.1667"}


def test_overlaps_equal_the_hand_computation(client: TestClient, db: Session) -> None:
    case = build(db)
    # Cells are countries × (sector, effective stage). Today: 44 LDCs, 60 countries in Africa,
    # 32 of them LDCs, 249 in WORLD.
    #   M1: 44 × {(energy, demo), (energy, diffusion)}             = 88 cells
    #   M2: (60 + FJI = 61) × {energy, water} × {research, demo}  = 244 cells
    #   M3: 249 × {(energy, diffusion), (water, diffusion)}        = 498 cells
    #   M1 ∩ M2 = 32 African LDCs × {(energy, demo)} = 32  → 32 / (88 + 244 − 32) = 8/75  ≈ 0.1067
    #   M1 ∩ M3 = 44 × {(energy, diffusion)}         = 44  → 44 / (88 + 498 − 44) = 22/271 ≈ 0.0812
    #   M2 ∩ M3 = 61 countries × no common cell      = 0
    # Functions: M1 {finance, knowledge_sharing} vs M3 {knowledge_sharing} = 1/2; vs M2 = 0.
    rows = coordination.overlaps(db, threshold=Decimal("0.05"), limit=10)
    assert [(r.a.id, r.b.id, r.coverage, r.functions) for r in rows] == [
        (case.m1.id, case.m2.id, Fraction(8, 75), Fraction(0)),
        (case.m1.id, case.m3.id, Fraction(22, 271), Fraction(1, 2))]
    body = client.get("/api/v1/coordination/overlaps", params={"threshold": "0.1"}).json()
    assert [(i["a"]["name"], i["b"]["name"], i["coverage_similarity"])
            for i in body["items"]] == [("LDC fund", "Africa R&D", "0.1067")]
    assert client.get("/api/v1/coordination/overlaps",
                      params={"threshold": "0.05", "function_threshold": "0.5"}
                      ).json()["items"][0]["function_similarity"] == "0.5000"
    assert client.get("/api/v1/coordination/overlaps",
                      params={"threshold": "0"}).status_code == 422
