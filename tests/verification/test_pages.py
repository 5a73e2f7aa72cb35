"""Verification pages: a verifier finds the challenge, attests through the form (a bad value is
named next to its field and nothing is saved), and the manager follows the table."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.verification.models import OutcomeAttestation
from tests.challenges.factories import Clock
from tests.factories import csrf_from, login
from tests.verification.factories import verification_challenge


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_verifier_attests_through_the_form(client: TestClient, db: Session,
                                             clock: Clock) -> None:
    v = verification_challenge(db, clock)
    login(client, v.verifier.email or "")
    home = client.get("/")
    assert 'href="/verification"' in home.text
    queue = client.get("/verification")
    assert queue.status_code == 200 and v.challenge.title in queue.text
    challenge_page = client.get(f"/challenges/{v.challenge.id}")
    overview_url = f"/challenges/{v.challenge.id}/verification"
    assert f'href="{overview_url}"' in challenge_page.text
    overview = client.get(overview_url)
    entry = v.judged.entries[0]
    entry_url = f"{overview_url}/entries/{entry.id}"
    assert f'href="{entry_url}"' in overview.text
    assert v.judged.entries[2].title not in overview.text  # not eligible after judging
    page = client.get(entry_url)
    assert page.status_code == 200
    action = f"{entry_url}/targets/cooling"
    assert f'action="{action}"' in page.text

    bad = client.post(action, data={"measured_value": "about 600", "evidence": "",
                                    "csrf_token": csrf_from(page.text)})
    assert bad.status_code == 422
    assert 'id="e-cooling-measured_value"' in bad.text and 'id="e-cooling-evidence"' in bad.text
    assert 'value="about 600"' in bad.text  # what was typed stays
    assert 'id="e-cost-measured_value"' not in bad.text  # the other target's form is clean
    assert db.query(OutcomeAttestation).count() == 0

    good = client.post(action, data={"measured_value": "612.5", "evidence": "Logger 17, read on "
                                     "site.", "evidence_url": "https://data.example.org/17",
                                     "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"] == entry_url
    after = text(client.get(entry_url).text)
    assert "Status: Verified" in after
    assert "Attested: 612.5 tonne-days met by Vera Verifier" in after
    assert "Correct the attestation" in after


def test_the_manager_follows_without_forms(client: TestClient, db: Session,
                                           clock: Clock) -> None:
    v = verification_challenge(db, clock)
    login(client, v.judged.owner.email or "")
    overview = text(client.get(f"/challenges/{v.challenge.id}/verification").text)
    assert "Okafor Cold Chain Collective" in overview and "Pending" in overview
    page = client.get(f"/challenges/{v.challenge.id}/verification/entries/"
                      f"{v.judged.entries[0].id}")
    assert page.status_code == 200 and "<form method=\"post\" action=\"/challenges" not in page.text
    assert client.get("/verification").status_code == 403
