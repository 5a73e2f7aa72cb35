"""The pages a sponsor, an admin and a solver use, driven through real forms."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role
from app.challenges import team_entries
from app.challenges.models import Challenge
from tests.challenges.factories import admin, draft, make_need, published, sponsor
from tests.factories import csrf_from, login, make_user
from tests.teams.factories import make_team

FORM = {
    "title": "Village cold rooms", "summary": "Cool storage.", "description": "Long *text*.",
    "sponsor_organisation": "Green Fund", "contact": "p@gf.example",
    "sdg_targets": "7.1, 2.3", "stage": "demonstration",
    "timeline.opens_at": "2030-03-02T12:00", "timeline.submissions_close_at": "2030-04-01T12:00",
    "timeline.judging_ends_at": "2030-05-01T12:00",
    "timeline.verification_closes_at": "2030-06-01T12:00", "timeline.appeals_window_days": "14",
    "eligibility.scope": "ldc, SIDS", "eligibility.team_min": "2", "eligibility.team_max": "5",
    "targets.0.key": "cool", "targets.0.metric": "Tonne-days below 8 °C",
    "targets.0.unit": "tonne-days", "targets.0.direction": "at_least",
    "targets.0.threshold": "500.5", "targets.0.required": "yes",
    "targets.1.key": "", "targets.1.metric": "", "targets.1.unit": "", "targets.1.threshold": "",
    "rubric.criteria.0.name": "Impact", "rubric.criteria.0.weight": "2",
    "ip_terms.kind": "open_licence", "ip_terms.licence": "cc-by-4.0",
    "prize_rules.purse.currency": "USD", "prize_rules.purse.amount_minor": "100000.00",
    "prize_rules.award.type": "ranked", "prize_rules.award.places.0": "60000",
    "prize_rules.award.places.1": "40000.00", "prize_rules.award.places.2": "",
    "action": "save",
}


def post_form(client: TestClient, page: str, action: str, data: dict, extra: list | None = None):
    token = csrf_from(client.get(page).text)
    fields: dict[str, list[str]] = {}
    for key, value in list(data.items()) + (extra or []) + [("csrf_token", token)]:
        fields.setdefault(key, []).append(value)
    return client.post(action, data=fields, follow_redirects=False)


@pytest.fixture
def sponsor_client(client: TestClient, db: Session, clock) -> TestClient:
    sponsor(db, email="s@example.org")
    login(client, "s@example.org")
    return client


def test_sponsor_drafts_a_challenge_from_a_gap(sponsor_client: TestClient, db: Session) -> None:
    need = make_need(db, technology="Solar mini-grids")
    url = f"/challenges/new?need_ids={need.id}&scope=NPL&sector=energy_supply&stage=demonstration"
    page = sponsor_client.get(url)
    assert page.status_code == 200
    assert f'name="need_ids" type="text"\n      value="{need.id}"' in page.text
    assert 'name="eligibility.scope" type="text"\n      value="NPL"' in page.text
    assert re.search(r'value="energy_supply"\s+checked', page.text)
    assert re.search(r'<option value="demonstration" selected>', page.text)
    assert "Nepal" in page.text and "Solar mini-grids" in page.text

    extra = [("sectors", "energy_supply"), ("eligibility.solver_kinds", "team"),
             ("need_ids", str(need.id))]
    r = post_form(sponsor_client, url, "/challenges/new", FORM, extra)
    assert r.status_code == 303, r.text
    db.expire_all()
    challenge = db.scalar(select(Challenge))
    assert challenge is not None and r.headers["location"] == f"/challenges/{challenge.id}"
    assert challenge.purse_amount_minor == 10_000_000
    assert challenge.prize_rules["award"]["places"] == [6_000_000, 4_000_000]
    assert [t.key for t in challenge.targets] == ["cool"]
    assert str(challenge.targets[0].threshold) == "500.5"
    assert challenge.ip_licence == "CC-BY-4.0"
    assert challenge.scope_codes == ["LDC", "SIDS"]
    assert [n.need_id for n in challenge.needs] == [need.id]
    assert challenge.opens_at.isoformat() == "2030-03-02T12:00:00+00:00"

    edit = sponsor_client.get(f"/challenges/{challenge.id}/edit")
    assert 'value="100000.00"' in edit.text and 'value="60000.00"' in edit.text
    assert 'value="2030-04-01T12:00"' in edit.text


def test_form_errors_stand_next_to_their_fields_and_nothing_is_saved(
        sponsor_client: TestClient, db: Session) -> None:
    bad = {**FORM, "prize_rules.award.places.0": "90000", "targets.0.threshold": "-1",
           "timeline.judging_ends_at": "2030-03-01T00:00", "eligibility.scope": "LDC, XYZ"}
    r = post_form(sponsor_client, "/challenges/new", "/challenges/new", bad)
    assert r.status_code == 422
    text = r.text
    assert re.search(r'id="e-targets\.0\.threshold">Input should be greater than or equal to 0',
                     text)
    r2 = post_form(sponsor_client, "/challenges/new", "/challenges/new",
                   {**bad, "targets.0.threshold": "1"})
    assert 'id="e-prize_rules.award.places">the places add up to more than the purse' in r2.text
    assert 'id="e-timeline.judging_ends_at">judging ends must come after submissions close' \
        in r2.text
    assert 'id="e-eligibility.scope">unknown code(s): XYZ' in r2.text
    assert 'value="Village cold rooms"' in r2.text  # the typed values are kept
    assert db.scalar(select(func.count()).select_from(Challenge)) == 0


def test_more_rows_without_javascript(sponsor_client: TestClient) -> None:
    page = sponsor_client.get("/challenges/new")
    assert page.text.count('name="targets.1.metric"') == 1
    assert 'name="targets.4.metric"' not in page.text
    r = post_form(sponsor_client, "/challenges/new", "/challenges/new",
                  {**FORM, "action": "add_rows"})
    assert r.status_code == 200
    assert 'name="targets.4.metric"' in r.text and 'value="Tonne-days below 8 °C"' in r.text


def test_forms_without_csrf_are_refused(sponsor_client: TestClient, db: Session) -> None:
    r = sponsor_client.post("/challenges/new", data=FORM)
    assert r.status_code == 403
    assert db.scalar(select(func.count()).select_from(Challenge)) == 0


def test_solvers_and_visitors_cannot_author(client: TestClient, db: Session) -> None:
    r = client.get("/challenges/new", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    make_user(db, email="solver@example.org")
    login(client, "solver@example.org")
    assert client.get("/challenges/new").status_code == 403


def test_admin_reviews_requests_changes_and_approves(client: TestClient, db: Session,
                                                     clock) -> None:
    owner = sponsor(db, email="s@example.org")
    make_user(db, roles=[Role.ADMIN], email="a@example.org")
    challenge = draft(db, owner, title="Needs a look")
    workflow.submit_for_review(db, challenge=challenge, user=owner)
    db.commit()
    login(client, "a@example.org")
    queue = client.get("/admin/challenges/review")
    assert "Needs a look" in queue.text
    page = f"/challenges/{challenge.id}"
    r = post_form(client, page, f"{page}/actions/request-changes", {"reason": "Add a baseline."})
    assert r.status_code == 303
    assert "Changes requested: Add a baseline." in client.get(page).text
    r = post_form(client, page, f"{page}/actions/approve", {})
    assert r.status_code == 409  # it went back to draft
    db.expire_all()
    workflow.submit_for_review(db, challenge=db.get(Challenge, challenge.id), user=owner)
    db.commit()
    r = post_form(client, page, f"{page}/actions/approve", {})
    assert r.status_code == 303
    detail = client.get(page).text
    assert "Published (not yet open)" in detail
    assert re.search(r'<code class="contract-hash">[0-9a-f]{64}</code>', detail)
    assert "Opens in 1 day" in detail
    assert '<time datetime="2030-03-02T12:00:00Z" data-local>2030-03-02 12:00 UTC</time>' in detail
    assert "request-changes" in detail and "Add a baseline." in detail  # the history
    assert "Needs a look" not in client.get("/admin/challenges/review").text


def test_solver_registers_and_asks_through_the_page(client: TestClient, db: Session,
                                                    clock) -> None:
    challenge = published(db, sponsor(db), admin(db))
    clock.advance(days=2)
    lead = make_user(db, email="n@example.org", country_code="NPL")
    team = make_team(db, lead, name="Kathmandu Cold",
                     members=[make_user(db, country_code="NPL", display_name=f"M{i}")
                              for i in range(6)])
    login(client, "n@example.org")
    page = f"/challenges/{challenge.id}"
    assert f'<option value="{team.id}" >Kathmandu Cold (7 members)</option>' in \
        client.get(page).text  # the teams this user leads
    r = post_form(client, page, f"{page}/register", {"solver_kind": "team",
                                                     "team_id": str(team.id),
                                                     "declares_not_sponsor_employee": "on"})
    assert r.status_code == 422 and "teams may have at most 6 members" in r.text
    r = post_form(client, page, f"{page}/register", {"solver_kind": "team", "team_id": "",
                                                     "declares_not_sponsor_employee": "on"})
    assert r.status_code == 422 and "choose one of the teams you lead" in r.text
    team_entries.remove_member(db, team=team, user=lead, member_id=team.members[-1].user_id)
    db.commit()
    r = post_form(client, page, f"{page}/register", {"solver_kind": "team",
                                                     "team_id": str(team.id),
                                                     "declares_not_sponsor_employee": "on"})
    assert r.status_code == 303
    assert "You registered your team “Kathmandu Cold” (6 members)" in client.get(page).text
    r = post_form(client, page, f"{page}/questions", {"body": "Is solar thermal allowed?"})
    assert r.status_code == 303
    assert "your question" in client.get(page).text
    listing = client.get("/challenges", params={"eligible_from": "NPL", "state": "open"})
    assert challenge.title in listing.text
    assert challenge.title not in client.get("/challenges", params={"eligible_from": "FRA"}).text


def test_blank_rows_with_preset_selects_are_ignored(sponsor_client: TestClient, db: Session) -> None:
    data = {**FORM, "targets.1.required": "yes", "targets.2.required": "no"}
    r = post_form(sponsor_client, "/challenges/new", "/challenges/new", data)
    assert r.status_code == 303, r.text
    db.expire_all()
    assert [t.key for t in db.scalar(select(Challenge)).targets] == ["cool"]
