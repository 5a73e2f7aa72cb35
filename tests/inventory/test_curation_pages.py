"""Forms and curation pages: errors next to fields, suggestions, moderation, history, stale
queue, import, and CSRF on every form."""

from __future__ import annotations

import io
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.inventory import mechanisms, suggestions
from tests.factories import csrf_from, login, make_user
from tests.inventory.factories import make_mechanism, make_technology

FORM = {"name": "Technology Bank", "kind": "un_body", "status": "active", "hosts": "UN\nOHRLLS",
        "description": "For the LDCs.", "scope": "LDC", "functions": "capacity_building",
        "website": "", "founded_year": "2016", "budget_amount": "", "budget_currency": "",
        "budget_year": "", "budget_note": "", "sources": ""}


def _signed_in(client: TestClient, db: Session, role: Role) -> None:
    user = make_user(db, roles=[role])
    login(client, user.email or "")


def _post(client: TestClient, page: str, action: str, data: dict[str, object]) -> object:
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def test_curator_adds_a_mechanism_through_the_form(client: TestClient, db: Session) -> None:
    _signed_in(client, db, Role.CURATOR)
    form = {**FORM, "budget_amount": "1,500,000.50", "budget_currency": "usd",
            "budget_year": "2024", "functions": ["capacity_building", "finance"]}
    response = _post(client, "/inventory/mechanisms/new", "/inventory/mechanisms/new", form)
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = client.get(response.headers["location"]).text  # type: ignore[attr-defined]
    assert "Technology Bank" in page and "USD 1,500,000.50 (2024)" in page
    assert "OHRLLS" in page and "Finance" in page


def test_form_errors_stand_next_to_their_fields(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Existing")
    _signed_in(client, db, Role.CURATOR)
    bad = {**FORM, "name": "Existing", "scope": "LDC ATLANTIS", "founded_year": "long ago",
           "budget_amount": "-10", "budget_currency": "USD", "budget_year": "2024"}
    response = _post(client, "/inventory/mechanisms/new", "/inventory/mechanisms/new", bad)
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    # every message at once, each next to its field, and what was sent is shown again
    assert re.search(r'id="e-founded_year">enter a whole number', html)
    assert re.search(r'id="e-budget_amount">Input should be greater than or equal to 0', html)
    assert re.search(r'id="e-scope">unknown code\(s\): ATLANTIS', html)
    assert re.search(r'id="e-name">another mechanism already has this name', html)
    assert 'value="LDC ATLANTIS"' in html and 'value="long ago"' in html
    fine = {**bad, "founded_year": "2016", "budget_amount": "10", "scope": "LDC"}
    named = _post(client, "/inventory/mechanisms/new", "/inventory/mechanisms/new", fine)
    assert named.status_code == 409  # type: ignore[attr-defined]
    assert 'id="e-name"' in named.text  # type: ignore[attr-defined]
    edit = _post(client, f"/inventory/mechanisms/{mechanism.id}/edit",
                 f"/inventory/mechanisms/{mechanism.id}/edit",
                 {**FORM, "name": "Existing", "kind": ""})
    assert edit.status_code == 422 and 'id="e-kind"' in edit.text  # type: ignore[attr-defined]


def test_technology_form_checks_trl_against_stage(client: TestClient, db: Session) -> None:
    _signed_in(client, db, Role.CURATOR)
    form = {"name": "Biogas digester", "summary": "", "description": "", "sectors": "energy_supply",
            "stage": "research", "trl": "8", "mitigation_adaptation": "",
            "availability": "open_licence", "licence_id": "", "provider": "",
            "countries_deployed": "NPL", "links": ""}
    response = _post(client, "/inventory/technologies/new", "/inventory/technologies/new", form)
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert 'id="e-trl"' in html and "outside the research stage" in html
    assert 'id="e-licence_id"' in html
    created = _post(client, "/inventory/technologies/new", "/inventory/technologies/new",
                    {**form, "trl": "3", "licence_id": "CC-BY-4.0"})
    assert created.status_code == 303  # type: ignore[attr-defined]


def test_suggest_moderate_and_read_the_history(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Climate Technology Centre and Network")
    _signed_in(client, db, Role.SOLVER)
    page = f"/inventory/mechanisms/{mechanism.id}/suggest"
    form = {**FORM, "name": mechanism.name, "kind": "network", "scope": "WORLD",
            "functions": [], "hosts": "", "description": "", "founded_year": "",
            "acronym": "CTCN", "comment": "From its website."}
    sent = _post(client, page, page, form)
    assert sent.status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/mechanisms/{mechanism.id}").json()["acronym"] is None
    mine = client.get("/inventory/suggestions").text
    assert "Your suggestions" in mine and "pending" in mine and "CTCN" in mine

    client.cookies.clear()
    _signed_in(client, db, Role.CURATOR)
    queue = client.get("/inventory/suggestions").text
    assert "Moderation queue" in queue and "From its website." in queue
    assert re.search(r'<th scope="row">acronym</th><td class="diff-del">.*?</td>'
                     r'<td class="diff-add">CTCN</td>', queue)
    (pending,) = suggestions.list_suggestions(db, viewer=make_user(db, roles=[Role.CURATOR]))
    no_reason = _post(client, "/inventory/suggestions", f"/inventory/suggestions/{pending.id}"
                      "/reject", {"reason": " "})
    assert no_reason.status_code == 422  # type: ignore[attr-defined]
    assert f'id="e-reason-{pending.id}"' in no_reason.text  # type: ignore[attr-defined]
    accepted = _post(client, "/inventory/suggestions",
                     f"/inventory/suggestions/{pending.id}/accept", {})
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/mechanisms/{mechanism.id}").json()["acronym"] == "CTCN"

    history = client.get(f"/inventory/mechanisms/{mechanism.id}/history").text
    assert "suggestion #" in history and "Changes from revision 1 to revision 2" in history
    assert re.search(r'<th scope="row">acronym</th>', history)
    assert "Restore revision 1" in history
    restored = _post(client, f"/inventory/mechanisms/{mechanism.id}/history",
                     f"/inventory/mechanisms/{mechanism.id}/revisions/1/restore", {})
    assert restored.status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/mechanisms/{mechanism.id}").json()["acronym"] is None
    compare = client.get(f"/inventory/mechanisms/{mechanism.id}/history",
                         params={"older": 1, "newer": 3}).text
    assert "No differences." in compare


def test_stale_queue_and_one_click_verification(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Unchecked network")
    technology = make_technology(db, name="Unchecked gadget")
    _signed_in(client, db, Role.CURATOR)
    page = client.get("/inventory/stale").text
    assert "Unchecked network" in page and "Unchecked gadget" in page
    response = _post(client, "/inventory/stale",
                     f"/inventory/mechanisms/{mechanism.id}/verify?next=stale", {})
    assert response.headers["location"] == "/inventory/stale"  # type: ignore[attr-defined]
    after = client.get("/inventory/stale").text
    assert "Unchecked network is marked verified today." in after
    assert f'href="/inventory/mechanisms/{mechanism.id}"' not in after
    assert f'href="/inventory/technologies/{technology.id}"' in after


def test_self_link_error_stands_next_to_the_target(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Loner")
    _signed_in(client, db, Role.CURATOR)
    page = f"/inventory/mechanisms/{mechanism.id}"
    response = _post(client, page, f"{page}/links",
                     {"type": "partner_of", "target_id": str(mechanism.id), "note": ""})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert re.search(r'id="e-target_id">a mechanism cannot link to itself',
                     response.text)  # type: ignore[attr-defined]


def test_import_page_lists_bad_rows_and_imports_nothing(client: TestClient, db: Session) -> None:
    _signed_in(client, db, Role.CURATOR)
    document = {"mechanisms": [{"name": "Fine", "kind": "network"},
                               {"name": "Broken", "kind": "network", "functions": ["x"]}]}
    token = csrf_from(client.get("/inventory/transfer").text)
    response = client.post("/inventory/transfer/import", data={"csrf_token": token}, files={
        "file": ("inventory.json", io.BytesIO(json.dumps(document).encode()),
                 "application/json")})
    assert response.status_code == 422
    assert "<td>mechanisms[1]</td><td>functions</td>" in response.text
    assert client.get("/api/v1/mechanisms").json()["total"] == 0


def test_every_form_needs_the_csrf_token(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Guarded")
    technology = make_technology(db, name="Guarded gadget")
    suggestion = suggestions.create_suggestion(
        db, author=make_user(db), entity_type="mechanism", entity_id=mechanism.id,
        payload={"acronym": "G"})
    db.commit()
    _signed_in(client, db, Role.CURATOR)
    client.get("/inventory")  # a session with a CSRF token, which the posts below leave out
    m, t = f"/inventory/mechanisms/{mechanism.id}", f"/inventory/technologies/{technology.id}"
    for action in ("/inventory/mechanisms/new", f"{m}/edit", f"{m}/suggest", f"{m}/verify",
                   f"{m}/delete", f"{m}/links", f"{m}/revisions/1/restore",
                   "/inventory/technologies/new", f"{t}/edit", f"{t}/verify", f"{t}/delete",
                   f"/inventory/suggestions/{suggestion.id}/accept",
                   f"/inventory/suggestions/{suggestion.id}/reject",
                   "/inventory/transfer/import"):
        response = client.post(action, data={"name": "x", "reason": "x"})
        assert response.status_code == 403, action
        assert "did not come from this site" in response.text
    db.expire_all()
    assert mechanisms.get_mechanism(db, mechanism_id=mechanism.id).acronym is None
