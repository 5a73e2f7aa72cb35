"""Regressions: need ids and offsets beyond the database's integer range were a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("url", [
    f"/api/v1/needs?offset={HUGE}", f"/api/v1/needs/{HUGE}", f"/api/v1/needs/{HUGE}/revisions",
    f"/api/v1/gaps?offset={HUGE}", f"/needs/{HUGE}", f"/needs/{HUGE}/history",
    f"/needs?offset={HUGE}", f"/gaps?offset={HUGE}", f"/countries/NPL?offset={HUGE}",
])
def test_out_of_range_numbers_are_a_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, (url, response.text[:300])
