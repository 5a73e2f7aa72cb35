"""The awards page: the manager's table with the totals, an entrant's own line, the link on the
challenge's page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.awards.factories import awards_proposed
from tests.challenges.factories import Clock
from tests.factories import login


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_manager_and_an_entrant_read_the_awards(client: TestClient, db: Session,
                                                    clock: Clock) -> None:
    v = awards_proposed(db, clock)
    page_url = f"/challenges/{v.challenge.id}/awards"
    login(client, v.judged.owner.email or "")
    assert f'href="{page_url}"' in client.get(f"/challenges/{v.challenge.id}").text
    owner_page = client.get(page_url).text
    assert f"<title>Awards · {v.challenge.title} · Valleycross</title>" in owner_page
    owner_view = text(owner_page)
    assert "Purse USD 100,000.00; awarded USD 50,000.00; not awarded USD 50,000.00." in owner_view
    assert "USD 50,000.00 USD 40,000.00 now, USD 10,000.00 held back place 1" in owner_view
    assert ("No award Stored produce kept below 8 °C 480 tonne-days, needed ≥ 500 tonne-days"
            in owner_view)
    client.post("/logout", data={})  # the next sign-in replaces the session anyway
    client.cookies.clear()
    login(client, v.judged.entrants[1].email or "")
    mine = text(client.get(page_url).text)
    assert "No award" in mine and "Purse" not in mine
    assert v.judged.entries[0].title not in mine
