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


def test_a_wrong_method_on_export_is_405_not_a_need_id_error(client: TestClient) -> None:
    """Found by fuzzing: PATCH /api/v1/needs/export matched PATCH /needs/{need_id} (422)."""
    for path, allowed in (("/api/v1/needs/export", "GET"), ("/api/v1/needs/import", "POST")):
        response = client.patch(path, json={})
        assert response.status_code == 405, (path, response.text)
        assert response.headers["allow"] == allowed
