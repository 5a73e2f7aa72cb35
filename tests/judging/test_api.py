"""The judging JSON API as its users call it: the manager's panel, a judge's blind entries and
scorecards, the results, and what everyone else gets (404)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role
from tests.challenges.factories import Clock
from tests.factories import make_user, token_for
from tests.judging.factories import Judged, judge, judging_challenge

API = "/api/v1/challenges/{}/judging"


def base(judged: Judged) -> str:
    return API.format(judged.challenge.id)


def criteria_ids(judged: Judged) -> list[int]:
    return [c.id for c in judged.challenge.criteria]


def test_a_judge_scores_blind_entries_through_the_api(client: TestClient, db: Session,
                                                      clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    auth = token_for(client, judged.judges[0].email or "")
    listing = client.get(f"{base(judged)}/entries", headers=auth)
    assert listing.status_code == 200, listing.text
    codes = [e["code"] for e in listing.json()]
    assert codes == sorted(judged.code(s) for s in judged.entries)
    assert {e["status"] for e in listing.json()} == {"not_started"}
    entry = client.get(f"{base(judged)}/entries/{codes[0]}", headers=auth)
    body = entry.json()
    assert set(body) == {"code", "title", "summary", "files", "criteria", "scorecard"}
    assert [f["name"] for f in body["files"]] == [f"{codes[0]}-1.pdf"]
    assert [c["name"] for c in body["criteria"]] == ["Impact", "Affordability"]
    assert body["criteria"][0]["share"].startswith("0.75")
    for text in (listing.text, entry.text):
        for person in judged.entrants:
            assert person.display_name not in text and (person.email or "") not in text
        assert "Okafor" not in text and "NPL" not in text and "proposal" not in text
        assert '"submission_id"' not in text and '"registration_id"' not in text

    impact, afford = criteria_ids(judged)
    url = f"{base(judged)}/entries/{codes[0]}/scorecard"
    saved = client.put(url, headers=auth, json={"scores": [
        {"criterion_id": impact, "score": "7.5"}, {"criterion_id": afford, "score": 6}],
        "comment": "Convincing pilot data."})
    assert saved.status_code == 200, saved.text
    assert saved.json()["state"] == "draft"
    assert saved.json()["scores"] == [{"criterion_id": impact, "score": "7.5"},
                                      {"criterion_id": afford, "score": "6.0"}]
    assert saved.json()["weighted_total"] == "7.1250"  # (3 × 7.5 + 6) / 4
    submitted = client.post(f"{url}/submit", headers=auth)
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    again = client.put(url, headers=auth, json={"scores": []})
    assert again.status_code == 409 and again.json()["error"]["code"] == "scorecard_submitted"
    assert client.post(f"{url}/submit", headers=auth).status_code == 409
    listing = client.get(f"{base(judged)}/entries", headers=auth).json()
    assert [e["status"] for e in listing] == ["submitted", "not_started"]


def test_scores_are_exact_decimals_from_0_to_10_with_one_decimal(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    auth = token_for(client, judged.judges[0].email or "")
    url = f"{base(judged)}/entries/{judged.code(judged.entries[0])}/scorecard"
    impact = criteria_ids(judged)[0]
    for bad in (7.5, True, "7.55", "7.50", "1e1", " 7", "10.1", "-1", 11, -1, "seven", "NaN",
                "Infinity", [7]):
        response = client.put(url, headers=auth,
                              json={"scores": [{"criterion_id": impact, "score": bad}]})
        assert response.status_code == 422, (bad, response.text)
        assert "scores.0.score" in response.json()["error"]["fields"]
    float_refusal = client.put(url, headers=auth,
                               json={"scores": [{"criterion_id": impact, "score": 7.5}]})
    assert "floating-point" in float_refusal.json()["error"]["fields"]["scores.0.score"]
    for good, stored in (("10", "10.0"), ("10.0", "10.0"), ("0", "0.0"), ("9.9", "9.9"),
                         (3, "3.0")):
        response = client.put(url, headers=auth,
                              json={"scores": [{"criterion_id": impact, "score": good}]})
        assert response.status_code == 200, response.text
        assert response.json()["scores"][0]["score"] == stored
    extra = client.put(url, headers=auth, json={"scores": [], "judge_id": 1})
    assert extra.status_code == 422


def test_files_are_attachments_named_by_code(client: TestClient, db: Session,
                                             clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    auth = token_for(client, judged.judges[0].email or "")
    code = judged.code(judged.entries[0])
    response = client.get(f"{base(judged)}/entries/{code}/files/1", headers=auth)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response.headers["content-disposition"] == f'attachment; filename="{code}-1.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["content-type"] == "application/pdf"
    assert client.get(f"{base(judged)}/entries/{code}/files/2", headers=auth).status_code == 404


def test_recusal_through_the_api(client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    auth = token_for(client, judged.judges[0].email or "")
    code = judged.code(judged.entries[0])
    assert client.post(f"{base(judged)}/entries/{code}/recuse", headers=auth).status_code == 204
    listing = client.get(f"{base(judged)}/entries", headers=auth).json()
    assert code not in [e["code"] for e in listing] and len(listing) == 1
    assert client.get(f"{base(judged)}/entries/{code}", headers=auth).status_code == 404


def test_the_manager_runs_the_panel_and_sees_progress_not_scores(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    owner = token_for(client, judged.owner.email or "")
    newcomer = judge(db, name="Noor Newcomer")
    added = client.post(f"{base(judged)}/panel", headers=owner, json={"judge_id": newcomer.id})
    assert added.status_code == 201, added.text
    assert [j["name"] for j in added.json()["judges"]] == sorted(
        [judged.judges[0].display_name, "Noor Newcomer"])
    assert client.post(f"{base(judged)}/panel", headers=owner,
                       json={"judge_id": newcomer.id}).status_code == 409
    not_a_judge = make_user(db)
    refused = client.post(f"{base(judged)}/panel", headers=owner,
                          json={"judge_id": not_a_judge.id})
    assert refused.status_code == 422 and "judge_id" in refused.json()["error"]["fields"]
    assert client.post(f"{base(judged)}/panel", headers=owner,
                       json={"judge_id": str(newcomer.id)}).status_code == 422

    code = judged.code(judged.entries[0])
    first = token_for(client, judged.judges[0].email or "")
    impact, afford = criteria_ids(judged)
    client.put(f"{base(judged)}/entries/{code}/scorecard", headers=first, json={"scores": [
        {"criterion_id": impact, "score": "9.5"}, {"criterion_id": afford, "score": "8.5"}]})
    client.post(f"{base(judged)}/entries/{code}/scorecard/submit", headers=first)
    progress = client.get(f"{base(judged)}/panel", headers=owner)
    assert progress.status_code == 200
    rows = {j["name"]: j for j in progress.json()["judges"]}
    assert rows[judged.judges[0].display_name]["submitted"] == 1
    newcomer_row = {k: v for k, v in rows["Noor Newcomer"].items() if k != "organisation"}
    assert newcomer_row == {"id": newcomer.id, "name": "Noor Newcomer", "expected": 1,
                            "submitted": 0, "drafts": 0, "recused": 0, "missing": 1,
                            "removable": True}
    assert "9.5" not in progress.text and "8.5" not in progress.text
    assert client.get(f"{base(judged)}/results", headers=owner).status_code == 409
    assert client.delete(f"{base(judged)}/panel/{judged.judges[0].id}",
                         headers=owner).status_code == 409
    assert client.delete(f"{base(judged)}/panel/{newcomer.id}", headers=owner).status_code == 204

    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    db.commit()
    table = client.get(f"{base(judged)}/results", headers=owner)
    assert table.status_code == 200, table.text
    [row] = table.json()["results"]
    assert row == {"rank": 1, "code": code, "submission_id": judged.entries[0].id,
                   "title": judged.entries[0].title, "judges": 1, "raw_mean": "9.2500",
                   "normalised": "0.0000", "eligible": True, "flags": [],
                   "criterion_means": [
                       {"criterion": "Impact", "mean": "9.5000", "min_score": None},
                       {"criterion": "Affordability", "mean": "8.5000", "min_score": "2"}]}
    assert client.get(f"{base(judged)}/entries", headers=first).status_code == 409


def test_everyone_else_finds_nothing(client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    code = judged.code(judged.entries[0])
    judge_urls = [("GET", f"{base(judged)}/entries"), ("GET", f"{base(judged)}/entries/{code}"),
                  ("GET", f"{base(judged)}/entries/{code}/files/1"),
                  ("PUT", f"{base(judged)}/entries/{code}/scorecard"),
                  ("POST", f"{base(judged)}/entries/{code}/scorecard/submit"),
                  ("POST", f"{base(judged)}/entries/{code}/recuse")]
    manager_urls = [("GET", f"{base(judged)}/panel"), ("POST", f"{base(judged)}/panel"),
                    ("DELETE", f"{base(judged)}/panel/{judged.judges[0].id}"),
                    ("GET", f"{base(judged)}/results")]
    bodies = {"PUT": {"scores": []}, "POST": {"judge_id": judged.judges[0].id}}
    outsiders = [judge(db), judged.entrants[0], make_user(db, roles=[Role.SPONSOR]),
                 make_user(db, roles=[Role.VERIFIER]), make_user(db, roles=[Role.CURATOR])]
    for person in outsiders:
        auth = token_for(client, person.email or "")
        for method, url in judge_urls + manager_urls:
            response = client.request(method, url, headers=auth, json=bodies.get(method))
            assert response.status_code == 404, (person.display_name, method, url, response.text)
            assert "Okafor" not in response.text
    owner = token_for(client, judged.owner.email or "")
    for method, url in judge_urls:
        assert client.request(method, url, headers=owner,
                              json=bodies.get(method)).status_code == 403
    panel_judge = token_for(client, judged.judges[0].email or "")
    for method, url in manager_urls:
        assert client.request(method, url, headers=panel_judge,
                              json=bodies.get(method)).status_code == 403
    assert client.get(f"{base(judged)}/entries").status_code == 401


def test_a_judge_lists_their_panels(client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    auth = token_for(client, judged.judges[0].email or "")
    [item] = client.get("/api/v1/judging/assignments", headers=auth).json()
    assert item == {"challenge_id": judged.challenge.id, "title": judged.challenge.title,
                    "state": "judging", "expected": 2, "submitted": 0,
                    "url": f"/challenges/{judged.challenge.id}/judging"}
    solver = token_for(client, judged.entrants[0].email or "")
    assert client.get("/api/v1/judging/assignments", headers=solver).status_code == 403


def test_after_judging_ends_scorecards_are_refused_and_the_sponsor_sees_what_is_missing(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=2)
    first, second = (token_for(client, j.email or "") for j in judged.judges)
    owner = token_for(client, judged.owner.email or "")
    impact, afford = criteria_ids(judged)
    codes = sorted(judged.code(s) for s in judged.entries)
    card = {"scores": [{"criterion_id": impact, "score": 7}, {"criterion_id": afford, "score": 6}]}
    for code in codes:
        url = f"{base(judged)}/entries/{code}/scorecard"
        assert client.put(url, headers=first, json=card).status_code == 200
        assert client.post(f"{url}/submit", headers=first).status_code == 200
    draft = f"{base(judged)}/entries/{codes[0]}/scorecard"
    assert client.put(draft, headers=second, json=card).status_code == 200
    panel = client.get(f"{base(judged)}/panel", headers=owner).json()
    assert panel["scoring_open"] is True and panel["missing"] == 2

    assert judged.challenge.judging_ends_at is not None
    clock.set(judged.challenge.judging_ends_at)  # the deadline itself is past it
    late = client.put(f"{base(judged)}/entries/{codes[1]}/scorecard", headers=second, json=card)
    assert late.status_code == 409, late.text
    assert late.json()["error"]["code"] == "judging_ended"
    for refused in (client.post(f"{draft}/submit", headers=second),
                    client.post(f"{base(judged)}/entries/{codes[1]}/recuse", headers=second)):
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "judging_ended"
    panel = client.get(f"{base(judged)}/panel", headers=owner).json()
    assert panel["scoring_open"] is False and panel["missing"] == 2
    assert {(j["id"], j["missing"], j["drafts"]) for j in panel["judges"]} == {
        (judged.judges[0].id, 0, 0), (judged.judges[1].id, 2, 1)}
    # The sponsor may still move on to verification with the scorecards that were submitted.
    moved = client.post(f"/api/v1/challenges/{judged.challenge.id}/start-verification",
                        headers=owner, json={})
    assert moved.status_code == 200 and moved.json()["state"] == "verification"
