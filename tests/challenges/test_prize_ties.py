"""The tie rule and the rounding rules of a challenge's prizes: chosen in the form, checked
against the rubric before review, frozen in the outcome contract, stated on the prize page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import workflow
from app.challenges.models import Challenge
from app.errors import ValidationFailed
from tests.challenges.factories import admin, body, draft, published, sponsor
from tests.factories import csrf_from, login


def rules(ties: dict[str, Any] | None = None) -> dict[str, Any]:
    prize: dict[str, Any] = body()["prize_rules"]
    return prize | {"ties": ties} if ties else prize


@pytest.mark.parametrize(("criteria", "problem"), [
    ([{"name": "Impact", "weight": "3"}], "no judging criterion is named 'Beauty'"),
    ([{"name": "Beauty", "weight": "3"}, {"name": "Beauty", "weight": "1"}],
     "2 judging criteria are named 'Beauty'; rename all but one")])
def test_the_tie_criterion_must_name_one_criterion_of_the_rubric(
        db: Session, clock: Any, criteria: list[dict[str, str]], problem: str) -> None:
    owner = sponsor(db)
    challenge = draft(db, owner, rubric={"criteria": criteria},
                      prize_rules=rules({"rule": "criterion", "criterion": "Beauty"}))
    with pytest.raises(ValidationFailed) as refused:
        workflow.submit_for_review(db, challenge=challenge, user=owner)
    assert refused.value.fields["prize_rules.ties.criterion"] == problem


def test_the_tie_rule_is_frozen_in_the_contract(db: Session, clock: Any) -> None:
    owner, approver = sponsor(db), admin(db)
    by_impact = published(db, owner, approver,
                          prize_rules=rules({"rule": "criterion", "criterion": "Impact"}))
    contract = json.loads(by_impact.contract_json or "")
    assert contract["prize_rules"]["ties"] == {"rule": "criterion", "criterion": "Impact"}
    shared = published(db, owner, approver)
    assert json.loads(shared.contract_json or "")["prize_rules"]["ties"] == {"rule": "share"}


def test_the_prize_page_states_the_tie_rule_and_how_amounts_round(
        client: TestClient, db: Session, clock: Any) -> None:
    challenge = published(db, sponsor(db), admin(db),
                          prize_rules=rules({"rule": "criterion", "criterion": "Impact"}))
    page = client.get(f"/challenges/{challenge.id}").text
    assert "ranked by their mean score on “Impact”" in page
    assert "Every amount is a whole number of minor units (USD 0.01)" in page
    assert "The part held back (20%) is rounded down to the minor unit" in page
    chinese = client.get(f"/challenges/{challenge.id}", headers={"Accept-Language": "zh-Hans"})
    assert "USD 0.01" in chinese.text and "Every amount is a whole number" not in chinese.text


def test_the_form_sets_and_shows_the_tie_rule(client: TestClient, db: Session,
                                              clock: Any) -> None:
    owner = sponsor(db, email="ties@example.org")
    challenge = draft(db, owner)
    login(client, "ties@example.org")
    edit = f"/challenges/{challenge.id}/edit"
    page = client.get(edit).text
    assert re.search(r'<option value="share"\s+selected>', page)
    form = dict(re.findall(r'name="([^"]+)" type="text"\s+value="([^"]*)"', page))
    form |= {"prize_rules.award.type": "ranked", "ip_terms.kind": "open_licence",
             "targets.0.direction": "at_least", "targets.1.direction": "at_most",
             "stage": "demonstration", "prize_rules.ties.rule": "criterion",
             "prize_rules.ties.criterion": "", "action": "save",
             "csrf_token": csrf_from(page)}
    refused = client.post(edit, data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert 'id="e-prize_rules.ties.criterion">' in refused.text
    saved = client.post(edit, data=form | {"prize_rules.ties.criterion": "Affordability"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    db.expire_all()
    stored = db.scalar(select(Challenge).where(Challenge.id == challenge.id))
    assert stored is not None
    assert stored.prize_rules["ties"] == {"rule": "criterion", "criterion": "Affordability"}
    again = client.get(edit).text
    assert re.search(r'<option value="criterion"\s+selected>', again)
    assert 'value="Affordability"' in again


def test_a_per_unit_rate_is_written_as_money(client: TestClient, db: Session,
                                             clock: Any) -> None:
    per_unit = {"type": "per_unit", "unit_target": "cooling", "rate_minor_per_unit": "1250",
                "cap_per_solver_minor": 6_000_000}
    challenge = published(db, sponsor(db), admin(db),
                          prize_rules=rules() | {"award": per_unit})
    page = client.get(f"/challenges/{challenge.id}").text
    assert ("USD 12.50 per tonne-days of Stored produce kept below 8 °C (<code>cooling</code>) "
            "verified above its baseline") in page
    assert "at most USD 60,000.00 per solver" in page and "minor units of" not in page
    assert "rounded down to the minor unit (USD 0.01)" in page
