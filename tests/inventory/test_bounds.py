"""Regressions found while extending the fuzzing to the inventory: ids, revision numbers and
offsets beyond the database's integer range were a 500 (SQLite OverflowError); now 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("url", [
    f"/api/v1/mechanisms?offset={HUGE}", f"/api/v1/technologies?offset={HUGE}",
    f"/api/v1/mechanisms/{HUGE}", f"/api/v1/technologies/{HUGE}",
    f"/api/v1/mechanisms/{HUGE}/revisions", f"/api/v1/mechanisms/{HUGE}/links",
    f"/api/v1/mechanisms/1/revisions/compare?older={HUGE}&newer={HUGE}",
    f"/inventory/mechanisms/{HUGE}", f"/inventory/technologies/{HUGE}",
    f"/inventory/mechanisms/{HUGE}/history", f"/inventory?offset={HUGE}",
    f"/inventory/mechanisms/1/history?older={HUGE}&newer=1",
])
def test_out_of_range_numbers_are_a_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, (url, response.text[:300])
    assert "Something went wrong" not in response.text


def test_huge_ids_inside_bodies_are_a_422(client: TestClient, db) -> None:
    from app.accounts.models import Role
    from tests.factories import make_user, token_for
    from tests.inventory.factories import make_mechanism

    curator = make_user(db, roles=[Role.CURATOR])
    headers = token_for(client, curator.email or "")
    mechanism = make_mechanism(db)
    for method, url, body in (
            ("POST", f"/api/v1/mechanisms/{mechanism.id}/links",
             {"target_id": int(HUGE), "link_type": "partner_of"}),
            ("POST", "/api/v1/suggestions",
             {"entity_type": "mechanism", "entity_id": int(HUGE), "payload": {"name": "x"}}),
            ("PATCH", "/api/v1/technologies/1", {"related_mechanism_ids": [int(HUGE)]})):
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 422, (url, response.text)
