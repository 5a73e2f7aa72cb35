
"""The gaps, country, coordination and needs pages as a visitor, a sponsor and a curator."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.needs.models import Need
from tests.factories import csrf_from, form_post, login, make_user
from tests.needs.hand_case import build


def test_gaps_page_shows_heatmap_table_ranking_and_method(client: TestClient,
                                                          db: Session) -> None:
    case = build(db)
    page = client.get("/gaps")
    assert page.status_code == 200
    html = page.text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert '<title id="heatmap-title">Technology gaps by sector and stage' in svg
    assert "Summed gap score" in svg                       # legend
    assert ">4.50</text>" in svg and ">2.62</text>" in svg  # N5 = 9/2; N1 = 21/8 → 2.62
    table = html[html.index('id="matrix-table"'):]
    table = table[:table.index("</table>")]
    for number in ("4.50", "2.62", "2.25", "1.17", "1.00"):   # the same numbers as the SVG
        assert f"<strong>{number}</strong>" in table and f">{number}</text>" in svg
    assert "1 need, 1 uncovered" in table and "2 needs, 0 uncovered" in table
    ranked = re.findall(r'<a href="/needs/(\d+)">', html)
    assert [int(i) for i in ranked[:6]] == [case.needs[n].id for n in
                                            ("N5", "N1", "N3", "N2", "N6", "N4")]
    assert "priority weight × vulnerability weight ÷ (1 + number of covering mechanisms)" in html
    assert "R&amp;D cooperation</td><td>Research, Demonstration" in html
    assert "Knowledge sharing and inventories</td><td>Diffusion" in html
    assert "Start a challenge" not in html and "/challenges/new" not in html
    narrowed = client.get("/gaps", params={"sector": "water", "stage": "", "group": "",
                                           "country": "ken"}).text
    assert "Ranked gaps <small>(2)</small>" in narrowed
    bad = client.get("/gaps", params={"sector": "space"})
    assert bad.status_code == 422 and "unknown sector" in bad.text


def test_sponsors_get_challenge_links_for_gaps_and_cells(client: TestClient,
                                                         db: Session) -> None:
    case = build(db)
    login(client, make_user(db, roles=[Role.SPONSOR]).email or "")
    html = client.get("/gaps").text
    n5 = case.needs["N5"]
    assert (f'href="/challenges/new?need_ids={n5.id}&amp;scope=FJI&amp;sector=energy_supply'
            f'&amp;stage=market_formation"') in html
    n3, n4 = case.needs["N3"], case.needs["N4"]
    # The water × demonstration cell: N3 (1.5) before N4 (0.75), both countries in scope.
    assert (f'href="/challenges/new?need_ids={n3.id},{n4.id}&amp;scope=FJI,KEN&amp;'
            f'sector=water&amp;stage=demonstration"') in html
    ldc = client.get("/gaps", params={"group": "LDC"}).text
    n1 = case.needs["N1"]
    assert (f'href="/challenges/new?need_ids={n1.id}&amp;scope=LDC&amp;sector=energy_supply'
            f'&amp;stage=demonstration"') in ldc
    assert "Start a challenge for this gap" in html


def test_country_profile(client: TestClient, db: Session) -> None:
    case = build(db)
    html = client.get("/countries/npl").text
    assert "<h1>Nepal" in html
    assert "Least Developed Countries" in html and "Landlocked Developing Countries" in html
    assert "Technology needs <small>(2; 0 not covered by any mechanism)</small>" in html
    assert "Mini-grids" in html and "Solar home systems" in html and "Ocean energy" not in html
    mechanisms = html[html.index('id="mechanisms"'):html.index('id="challenges"')]
    assert "LDC fund" in mechanisms and "Global platform" in mechanisms
    assert "Africa R&amp;D" not in mechanisms and "SIDS programme" not in mechanisms  # closed
    challenges = html[html.index('id="challenges"'):]
    assert "None at the moment." in challenges
    assert case.m4.name not in html
    assert client.get("/countries/XYZ").status_code == 404


def test_country_profile_pages_long_lists(client: TestClient, db: Session,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A country in many groups has a thousand active mechanisms and more, and each of its
    needs hundreds covering it: the page shows one page of mechanisms with their number and
    links to the next, and names a need's first covering mechanisms, linking to the need."""
    from app.needs import country_pages, display

    case = build(db)
    monkeypatch.setattr(country_pages, "MECHANISMS_PAGE_SIZE", 1)
    monkeypatch.setattr(display, "COVERING_SHOWN", 1)
    html = client.get("/countries/NPL").text
    section = html[html.index('id="mechanisms"'):html.index('id="challenges"')]
    assert "Mechanisms active in Nepal <small>(2)</small>" in section
    assert "Global platform" in section and "LDC fund" not in section  # by name
    assert "1–1 of 2" in section and 'href="?mechanisms_offset=1#mechanisms">Next' in section
    n2 = case.needs["N2"]  # covered by the LDC fund and the Global platform
    row = html[html.index(f'<a href="/needs/{n2.id}">'):]
    row = row[:row.index("</tr>")]
    assert '<abbr title="Global platform">GP</abbr>' in row and "LDCF" not in row
    assert f'<a href="/needs/{n2.id}">and 1 more</a>' in row
    second = client.get("/countries/NPL", params={"mechanisms_offset": 1}).text
    section = second[second.index('id="mechanisms"'):second.index('id="challenges"')]
    assert "LDC fund" in section and "Global platform" not in section
    assert "2–2 of 2" in section and 'href="?mechanisms_offset=0#mechanisms">Previous' in section
    assert client.get("/countries/NPL", params={"mechanisms_offset": -1}).status_code == 422


def test_coordination_page(client: TestClient, db: Session) -> None:
    build(db)
    html = client.get("/coordination", params={"threshold": "0.05", "currency": "USD",
                                               "rates": "EUR:1.08"}).text
    overlaps = html[html.index('id="overlaps"'):html.index('id="uncovered"')]
    assert "LDC fund</a> (LDCF)</td>" in overlaps and "<td>0.11</td>" in overlaps  # 8/75
    assert "<td>0.08</td><td>0.50</td>" in overlaps                              # 22/271; 1/2
    uncovered = html[html.index('id="uncovered"'):html.index('id="nobody"')]
    assert "Energy supply</td><td>Market formation</td><td>1</td>" in uncovered
    assert "Transport</td><td>Research</td>" in html[html.index('id="nobody"'):]
    budgets = html[html.index('id="budgets"'):]
    assert "USD: USD 10,010.81 from 2 mechanism(s)" in budgets
    assert "Not converted (no rate given)" in budgets and "Global platform: JPY 500" in budgets
    # A summary: whole amounts without ".00", others exact, never a float's ".0".
    assert not re.search(r"[A-Z]{3} -?[\d,]+\.0(?!\d)", budgets)
    assert not re.search(r"[A-Z]{3} -?[\d,]+\.00(?!\d)", budgets)
    bad = client.get("/coordination", params={"currency": "USD", "rates": "EUR:x",
                                              "threshold": "2"})
    assert bad.status_code == 200 and "not a decimal number" in bad.text
    assert "must be above 0 and at most 1" in bad.text


def test_curator_records_edits_and_deletes_a_need_with_history(client: TestClient,
                                                               db: Session) -> None:
    login(client, make_user(db, roles=[Role.CURATOR]).email or "")
    form = {"country_code": "npl", "sector": "water", "stage": "research",
            "technology_name": "Glacial lake early warning", "technology_ref": "",
            "mitigation_adaptation": "adaptation", "priority": "high", "source_title": "",
            "source_url": "", "status": "open", "notes": "First *noted* 2019."}
    bad = form_post(client, "/needs/new", "/needs/new", {**form, "sector": "",
                                                         "source_url": "ftp://x"})
    assert bad.status_code == 422 and 'id="e-sector"' in bad.text  # message next to the field
    assert db.scalar(select(func.count()).select_from(Need)) == 0
    created = form_post(client, "/needs/new", "/needs/new", form)
    assert created.status_code == 303
    url = created.headers["location"]
    detail = client.get(url).text
    assert "Glacial lake early warning" in detail and "<em>noted</em>" in detail
    assert "none: no active mechanism covers this need" in detail
    edited = form_post(client, f"{url}/edit", f"{url}/edit", {**form, "priority": "low"})
    assert edited.status_code == 303
    history = client.get(f"{url}/history").text
    assert "Revision 2: update" in history
    assert '<span class="diff-del">high</span>' in history
    assert '<span class="diff-add">low</span>' in history
    deleted = form_post(client, url, f"{url}/delete", {})
    assert deleted.status_code == 303 and client.get(url).status_code == 404
    assert "has been deleted" in client.get(f"{url}/history").text


def test_curator_imports_a_csv_file(client: TestClient, db: Session) -> None:
    login(client, make_user(db, roles=[Role.CURATOR]).email or "")
    page = client.get("/needs/import")
    body = ("country,sector,stage,mitigation_adaptation,priority\n"
            "KEN,water,research,adaptation,low\nXXX,water,research,adaptation,low\n")
    answer = client.post("/needs/import", data={"csrf_token": csrf_from(page.text)},
                         files={"file": ("needs.csv", body.encode(), "text/csv")})
    assert answer.status_code == 422 and "line 3" in answer.text
    assert db.scalar(select(func.count()).select_from(Need)) == 0
    good = body.splitlines()[:2]
    answer = client.post("/needs/import", data={"csrf_token": csrf_from(page.text)},
                         files={"file": ("needs.csv", "\n".join(good).encode(), "text/csv")},
                         follow_redirects=False)
    assert answer.status_code == 303
    assert db.scalar(select(func.count()).select_from(Need)) == 1


def test_curator_pages_need_the_role_and_forms_need_csrf(client: TestClient,
                                                         db: Session) -> None:
    need = build(db).needs["N1"]
    anonymous = client.get("/needs/new", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    login(client, make_user(db).email or "")
    assert client.get("/needs/new").status_code == 403
    assert client.get(f"/needs/{need.id}/edit").status_code == 403
    assert client.get("/needs").status_code == 200 and "Record a need" not in client.get(
        "/needs").text
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    login(client, make_user(db, roles=[Role.CURATOR]).email or "")
    assert "Record a need" in client.get("/needs").text
    for action, data in [("/needs/new", {"country_code": "NPL", "sector": "water"}),
                         (f"/needs/{need.id}/edit", {"priority": "low"}),
                         (f"/needs/{need.id}/delete", {})]:
        refused = client.post(action, data=data, follow_redirects=False)
        assert refused.status_code == 403, action
        assert "expired" in refused.text
    db.expire_all()
    assert db.get(Need, need.id) is not None and db.get(Need, need.id).priority.value == "high"
    assert db.scalar(select(func.count()).select_from(Need)) == 6


def test_country_profile_lists_challenges_open_to_it(client: TestClient, db: Session,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.challenges import factories as cf

    cf.install_clock(monkeypatch)
    owner, approver = cf.sponsor(db), cf.admin(db)
    for_ldcs = cf.published(db, owner, approver, title="Cold rooms for LDC farmers")
    only_sids = cf.published(db, owner, approver, title="Island desalination prize",
                             eligibility={"scope": ["SIDS"], "solver_kinds": ["individual"],
                                          "exclude_sponsor_employees": False})
    nepal = client.get("/countries/NPL").text
    section = nepal[nepal.index('id="challenges"'):]
    assert for_ldcs.title in section and f"/challenges/{for_ldcs.id}" in section
    assert only_sids.title not in section
    fiji = client.get("/countries/FJI").text
    assert only_sids.title in fiji[fiji.index('id="challenges"'):]
