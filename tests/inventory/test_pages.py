"""Reading pages: lists with search and facets, record pages with the link graph."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.inventory import mechanisms
from app.inventory.models import LinkType
from tests.factories import login, make_user
from tests.inventory.factories import make_mechanism, make_technology


def _checkbox(html: str, name: str, value: str) -> str:
    match = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>\s*'
                      r'<span>[^<]*</span> <span class="count"[^>]*>(\d+)</span>', html)
    assert match, f"no checkbox {name}={value}"
    return match.group(0)


def test_list_with_search_facets_counts_and_stale_flags(client: TestClient,
                                                        db: Session) -> None:
    make_mechanism(db, name="Climate Technology Centre and Network", functions=["finance"],
                   stages=["demonstration"])
    make_mechanism(db, name="Seed fund", functions=["finance"], stages=["research"])
    make_mechanism(db, name="Peer network", functions=["capacity_building"])
    page = client.get("/inventory", params={"function": "finance"})
    assert page.status_code == 200
    html = page.text
    assert "2 mechanisms" in html
    assert "Climate Technology Centre and Network" in html and "Peer network" not in html
    finance = _checkbox(html, "function", "finance")
    assert "checked" in finance and finance.endswith(">2</span>")
    assert _checkbox(html, "function", "capacity_building").endswith(">1</span>")
    assert _checkbox(html, "stage", "research").endswith(">1</span>")
    assert html.count('class="tag warn"') == 2  # both never verified
    assert '<form method="get" action="/inventory"' in html and 'name="q"' in html

    found = client.get("/inventory", params={"q": "climate technology"}).text
    assert "1 mechanism matching “climate technology”" in found


def test_technology_list(client: TestClient, db: Session) -> None:
    make_technology(db, name="Solar dryer", summary="Dries crops with sunlight.",
                    sectors=["agriculture_forestry"])
    html = client.get("/inventory/technologies").text
    assert "Solar dryer" in html and "Dries crops with sunlight." in html
    assert _checkbox(html, "availability", "public_domain").endswith(">1</span>")


def test_mechanism_page_with_graph_links_and_markdown(client: TestClient, db: Session) -> None:
    ctcn = make_mechanism(db, name="Climate Technology Centre and Network", acronym="CTCN",
                          description="**Bold** claim <script>alert(1)</script>",
                          scope=["LDC", "NPL"],
                          budget={"amount_minor": 123456789, "currency": "USD", "year": 2023})
    gcf = make_mechanism(db, name="Green Climate Fund", kind="fund")
    unep = make_mechanism(db, name="UN Environment Programme", kind="un_body")
    mechanisms.add_link(db, mechanism=ctcn, target_id=gcf.id, link_type=LinkType.FUNDED_BY,
                        note="readiness", actor=None)
    mechanisms.add_link(db, mechanism=ctcn, target_id=unep.id, link_type=LinkType.HOSTED_BY,
                        note=None, actor=None)
    make_technology(db, name="Drip kit", related_mechanism_ids=[ctcn.id])
    db.commit()
    html = client.get(f"/inventory/mechanisms/{ctcn.id}").text
    assert "<strong>Bold</strong>" in html and "<script>alert" not in html
    assert "USD 1,234,567.89 (2023)" in html
    assert "Least Developed Countries" in html and "Nepal" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    for label in ("Climate Technology", "Green Climate Fund", "UN Environment", "funded by",
                  "hosted by"):
        assert label in svg, label
    assert f'href="/inventory/mechanisms/{gcf.id}"' in svg
    assert "Climate Technology Centre and Network funded by Green Climate Fund." in svg  # desc
    assert "Drip kit" in html
    assert "Sign in to suggest an edit" in html and "Mark verified" not in html


def test_a_large_whole_budget_is_written_in_full_without_cents(client: TestClient,
                                                               db: Session) -> None:
    horizon = make_mechanism(db, name="Horizon Europe", budget={
        "amount_minor": 955000000000, "currency": "EUR", "year": 2021})
    db.commit()
    html = client.get(f"/inventory/mechanisms/{horizon.id}").text
    assert "EUR 9,550,000,000 (2021)" in html
    assert not re.search(r"9,550,000,000\.\d", html)


def test_curator_sees_the_curation_buttons(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="A network")
    technology = make_technology(db, name="A technology")
    user = make_user(db, roles=[Role.CURATOR])
    login(client, user.email or "")
    html = client.get(f"/inventory/mechanisms/{mechanism.id}").text
    for text in ("Edit", "Mark verified", "Suggest an edit", "History (1 revision)",
                 "Add a link", f"Delete {mechanism.name}"):
        assert text in html, text
    tech = client.get(f"/inventory/technologies/{technology.id}").text
    assert "Mark verified" in tech and "History (1 revision)" in tech


def test_solver_sees_suggest_but_not_edit(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="A network")
    user = make_user(db)
    login(client, user.email or "")
    html = client.get(f"/inventory/mechanisms/{mechanism.id}").text
    assert f'href="/inventory/mechanisms/{mechanism.id}/suggest"' in html
    assert "Mark verified" not in html and "/edit" not in html
    assert client.get(f"/inventory/mechanisms/{mechanism.id}/edit").status_code == 403
    assert client.get("/inventory/stale").status_code == 403


def test_anonymous_is_sent_to_sign_in_for_forms(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db)
    for url in ("/inventory/mechanisms/new", f"/inventory/mechanisms/{mechanism.id}/suggest",
                "/inventory/suggestions"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/login?next=")


def test_missing_records_are_404_pages(client: TestClient) -> None:
    assert client.get("/inventory/mechanisms/999999").status_code == 404
    assert client.get("/inventory/technologies/999999/history").status_code == 404
    assert client.get("/inventory/gadgets/1/history").status_code == 404
