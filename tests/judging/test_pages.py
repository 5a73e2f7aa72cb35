"""The judging pages as people use them, without JavaScript: forms, errors next to fields,
what each person sees and what they do not."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role
from app.judging import panel
from tests.challenges.factories import Clock
from tests.factories import csrf_from, login, make_user
from tests.judging.factories import (
    Judged,
    judge,
    judging_challenge,
    one_scorecard_then_verification,
    open_challenge,
)

PAGE = "/challenges/{}/judging"


def page(judged: Judged) -> str:
    return PAGE.format(judged.challenge.id)


def post(client: TestClient, from_url: str, action: str, data: dict[str, str]) -> object:
    csrf = csrf_from(client.get(from_url).text)
    return client.post(action, data={**data, "csrf_token": csrf}, follow_redirects=False)


def test_a_judge_finds_the_panel_from_the_navigation_and_the_challenge_page(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    login(client, judged.judges[0].email or "")
    home = client.get("/").text
    assert '<a href="/judging">Judging</a>' in home
    mine = client.get("/judging")
    assert mine.status_code == 200 and judged.challenge.title in mine.text
    assert "0 of 2 submitted" in mine.text
    detail = client.get(f"/challenges/{judged.challenge.id}").text
    assert f'href="{page(judged)}"' in detail


def test_the_navigation_and_the_challenge_link_are_for_the_panel_and_manager_only(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    login(client, judged.owner.email or "")
    assert f'href="{page(judged)}"' in client.get(f"/challenges/{judged.challenge.id}").text
    assert '<a href="/judging">' not in client.get("/").text
    for outsider in (judge(db), judged.entrants[0]):
        client.cookies.clear()
        login(client, outsider.email or "")
        assert f'href="{page(judged)}"' not in client.get(
            f"/challenges/{judged.challenge.id}").text
        assert client.get(page(judged)).status_code == 404
    assert '<a href="/judging">Judging</a>' not in client.get("/").text  # the solver
    assert client.get("/judging").status_code == 403


def test_a_judge_scores_an_entry_blind_with_errors_next_to_the_fields(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    login(client, judged.judges[0].email or "")
    overview = client.get(page(judged))
    code = judged.code(judged.entries[0])
    assert code in overview.text and judged.entries[0].title in overview.text
    assert "Not started" in overview.text
    for person in judged.entrants:
        assert person.display_name not in overview.text
    url = f"{page(judged)}/entries/{code}"
    entry = client.get(url)
    assert entry.status_code == 200
    assert "Okafor" not in entry.text and "proposal" not in entry.text
    assert f"{code}-1.pdf" in entry.text and "Solar-powered <strong>cold rooms</strong>" in entry.text
    impact, afford = (c.id for c in judged.challenge.criteria)
    assert f'id="f-scores.{impact}"' in entry.text and "75.0% of the total" in entry.text

    bad = post(client, url, url, {f"scores.{impact}": "7.55", f"scores.{afford}": "4",
                                  "comment": "Strong.", "intent": "save"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    html = bad.text  # type: ignore[attr-defined]
    field = re.search(rf'<div class="field has-error">\s*<label for="f-scores.{impact}">'
                      rf'.*?</div>', html, re.S)
    assert field and "at most one decimal place" in field.group(0)
    assert 'value="7.55"' in html and 'value="4"' in html and "Strong." in html
    assert f'<a href="#f-scores.{impact}">Impact</a>: a number from 0 to 10' in html

    saved = post(client, url, url, {f"scores.{impact}": "7.5", "comment": "Strong.",
                                    "intent": "save"})
    assert saved.status_code == 303 and saved.headers["location"] == url  # type: ignore[attr-defined]
    again = client.get(url).text
    assert "Draft scorecard for" in again and 'value="7.5"' in again

    incomplete = post(client, url, url, {f"scores.{impact}": "7.5", "intent": "submit"})
    assert incomplete.status_code == 422  # type: ignore[attr-defined]
    assert re.search(rf'<p class="error" id="e-scores.{afford}">required</p>',
                     incomplete.text)  # type: ignore[attr-defined]

    done = post(client, url, url, {f"scores.{impact}": "7.5", f"scores.{afford}": "6.5",
                                   "intent": "submit"})
    assert done.status_code == 303 and done.headers["location"] == page(judged)  # type: ignore[attr-defined]
    listing = client.get(page(judged)).text
    assert f"Scorecard for {code} submitted." in listing and "1 of 2 scorecards submitted" in listing
    final = client.get(url).text
    assert "It is final." in final and "7.2500" in final  # (3 × 7.5 + 6.5) / 4
    assert "Save draft" not in final and "Recuse" not in final
    late = post(client, page(judged), url, {f"scores.{impact}": "1", "intent": "save"})
    assert late.status_code == 409  # type: ignore[attr-defined]


def test_a_judge_recuses_from_an_entry(client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    login(client, judged.judges[0].email or "")
    code = judged.code(judged.entries[0])
    url = f"{page(judged)}/entries/{code}"
    response = post(client, url, f"{url}/recuse", {})
    assert response.status_code == 303  # type: ignore[attr-defined]
    listing = client.get(page(judged)).text
    assert f"You recused yourself from {code}" in listing
    assert f'href="{url}"' not in listing
    assert client.get(url).status_code == 404


def test_forms_need_the_csrf_token(client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    login(client, judged.judges[0].email or "")
    url = f"{page(judged)}/entries/{judged.code(judged.entries[0])}"
    assert client.post(url, data={"intent": "save"}).status_code == 403


def test_the_manager_runs_the_panel_and_reads_the_results(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    newcomer = judge(db, name="Noor Newcomer")
    login(client, judged.owner.email or "")
    overview = client.get(page(judged)).text
    assert "Panel" in overview and judged.judges[0].display_name in overview
    assert f'<option value="{newcomer.id}"' in overview and "0 of 1" in overview
    assert judged.code(judged.entries[0]) not in overview  # the manager scores nothing

    empty = post(client, page(judged), f"{page(judged)}/panel", {"judge_id": ""})
    assert empty.status_code == 422  # type: ignore[attr-defined]
    assert '<p class="error" id="e-judge_id">choose a judge</p>' in empty.text  # type: ignore[attr-defined]
    added = post(client, page(judged), f"{page(judged)}/panel", {"judge_id": str(newcomer.id)})
    assert added.status_code == 303  # type: ignore[attr-defined]
    after = client.get(page(judged)).text
    assert "The judge was added to the panel" in after and "Remove Noor Newcomer" in after
    removed = post(client, page(judged), f"{page(judged)}/panel/{newcomer.id}/remove", {})
    assert removed.status_code == 303  # type: ignore[attr-defined]
    assert "Remove Noor Newcomer" not in client.get(page(judged)).text
    assert client.get(f"{page(judged)}/results").status_code == 409

    one_scorecard_then_verification(db, judged, "4", "1.5")
    code = judged.code(judged.entries[0])
    assert "See the normalised results" in client.get(page(judged)).text
    table = client.get(f"{page(judged)}/results")
    assert table.status_code == 200
    assert code in table.text
    assert f'<a href="/submissions/{judged.entries[0].id}">{judged.entries[0].title}</a>' in table.text
    assert "3.3750" in table.text  # (3 × 4 + 1.5) / 4
    assert "Affordability: mean 1.5000 is below the minimum 2" in table.text
    assert "raw mean 3.3750 is below the minimum overall score 5" in table.text


def test_outsiders_and_the_wrong_side_get_no_judging_page(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    code = judged.code(judged.entries[0])
    login(client, make_user(db, roles=[Role.SPONSOR]).email or "")
    for url in (page(judged), f"{page(judged)}/entries/{code}", f"{page(judged)}/results",
                f"{page(judged)}/entries/{code}/files/1"):
        assert client.get(url).status_code == 404
    client.cookies.clear()
    login(client, judged.owner.email or "")
    assert client.get(f"{page(judged)}/entries/{code}").status_code == 403
    client.cookies.clear()
    login(client, judged.judges[0].email or "")
    assert client.get(f"{page(judged)}/results").status_code == 403
    client.cookies.clear()
    response = client.get(page(judged), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_before_and_after_judging_the_judge_is_told_so(
        client: TestClient, db: Session, clock: Clock) -> None:
    early, owner, _ = open_challenge(db, clock)
    waiting = judge(db)
    panel.assign(db, challenge=early, user=owner, judge_id=waiting.id)
    db.commit()
    login(client, waiting.email or "")
    assert "Judging has not started" in client.get(PAGE.format(early.id)).text
    client.cookies.clear()
    judged = judging_challenge(db, clock, entries=1, judges=1)
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    db.commit()
    login(client, judged.judges[0].email or "")
    text = client.get(page(judged)).text
    assert "Judging is over for this challenge" in text
    assert judged.code(judged.entries[0]) not in text
