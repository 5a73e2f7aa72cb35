"""Regression found by API fuzzing: `on=0` was read as 1970-01-01 instead of being refused."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("value", ["0", "1700000000", "20240601", "2024-6-1", "yesterday"])
def test_a_date_that_is_not_yyyy_mm_dd_is_422(client: TestClient, value: str) -> None:
    response = client.get(f"/api/v1/reference/countries?group=LDC&on={value}")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["on"].endswith("give a date as YYYY-MM-DD")
    assert client.get(f"/api/v1/reference/countries/NPL?on={value}").status_code == 422


def test_a_full_date_is_accepted(client: TestClient) -> None:
    response = client.get("/api/v1/reference/countries?group=LDC&on=2024-06-01")
    assert response.status_code == 200
    assert "NPL" in {c["alpha3"] for c in response.json()}
    detail = client.get("/api/v1/reference/countries/NPL?on=2024-06-01").json()
    assert "LDC" in detail["groups"]


def test_unknown_group_is_a_documented_404(client: TestClient) -> None:
    response = client.get("/api/v1/reference/countries?group=NOPE")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    documented = client.get("/openapi.json").json()["paths"]["/api/v1/reference/countries"]
    assert "404" in documented["get"]["responses"]
