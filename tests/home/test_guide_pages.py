"""/about, /how-it-works and /faq: public pages kept for visitors, linked from every page's
footer and the home page, whose links all lead somewhere and whose figures are the server's."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges.schemas import TimelineIn
from app.config import get_settings
from tests.factories import login, make_user

PAGES = ["/about", "/how-it-works", "/faq"]
ROLES = ["sponsors", "solvers", "judges", "verifiers"]
_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


def _main(html: str) -> str:
    """The page's own content, without the header and footer every page shares."""
    return html[html.index('<main id="main">'):html.index("</main>")]


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_gets_the_page_and_the_page_cache_keeps_it(client: TestClient,
                                                              path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert "set-cookie" not in first.headers
    etag = first.headers.get("etag")
    assert etag, "an anonymous page is kept by the page cache (it has an ETag)"
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_person_gets_the_page(client: TestClient, db: Session, path: str) -> None:
    user = make_user(db)
    login(client, user.email or "")
    page = client.get(path)
    assert page.status_code == 200
    assert user.display_name in page.text  # the signed-in header, not a kept visitor's page
    assert "etag" not in page.headers


def test_how_it_works_has_a_section_per_role_linked_from_the_top(client: TestClient) -> None:
    main = _main(client.get("/how-it-works").text)
    for role in ROLES:
        assert f'<section id="{role}">' in main
        assert f'href="#{role}"' in main
    sponsors = main[main.index('id="sponsors"'):main.index('id="solvers"')]
    assert 'href="/challenges/new"' in sponsors and 'href="/payouts"' in sponsors
    solvers = main[main.index('id="solvers"'):main.index('id="judges"')]
    assert 'href="/signup"' in solvers and 'href="/account"' in solvers
    assert 'href="/challenges"' in solvers and 'href="/teams"' in solvers
    assert 'href="/judging"' in main[main.index('id="judges"'):main.index('id="verifiers"')]
    assert 'href="/verification"' in main[main.index('id="verifiers"'):]


def test_the_faq_lists_its_questions_and_each_has_an_anchor(client: TestClient) -> None:
    main = _main(client.get("/faq").text)
    sections = re.findall(r'<section id="([^"]+)">\s*<h2>([^<]+)</h2>', main)
    assert 10 <= len(sections) <= 15
    for anchor, question in sections:
        assert f'<a href="#{anchor}">{question}</a>' in main
    anchors = {anchor for anchor, _ in sections}
    assert {"who-may-enter", "cost", "ip", "blind", "verified-outcome", "target-missed",
            "paid", "report", "your-data"} <= anchors


def test_the_pages_state_the_figures_the_server_runs_with(client: TestClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    days = TimelineIn.model_fields["appeals_window_days"].default
    assert f"({days} days unless" in client.get("/faq").text
    settings = get_settings()
    monkeypatch.setattr(settings, "submission_max_files", 3)
    monkeypatch.setattr(settings, "submission_max_file_bytes", 7 * 1024 * 1024)
    assert "up to 3 PDF files of at most 7 MB each" in client.get("/how-it-works?again").text


def test_the_footer_of_another_page_and_the_home_page_link_to_them(client: TestClient) -> None:
    terms = client.get("/terms").text
    footer = terms[terms.index("<footer"):]
    home = _main(client.get("/").text)
    for path in PAGES:
        assert f'href="{path}"' in footer
        assert f'href="{path}"' in home


@pytest.mark.parametrize("path", PAGES)
def test_every_link_on_the_page_leads_somewhere(client: TestClient, path: str) -> None:
    html = client.get(path).text
    main = _main(html)
    ids = set(_ID.findall(html))
    links = set(_HREF.findall(main))
    assert links
    for href in sorted(links):
        if href.startswith("#"):
            assert href[1:] in ids, f"{path}: no element with id {href[1:]!r}"
            continue
        assert href.startswith("/"), f"{path}: {href} leaves the site"
        answer = client.get(href, follow_redirects=False)
        login_redirect = (answer.status_code == 303
                          and answer.headers["location"].startswith("/login"))
        assert answer.status_code == 200 or login_redirect, f"{path} -> {href}: {answer}"


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_answer_a_chinese_browser(client: TestClient, path: str) -> None:
    page = client.get(path, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and '<html lang="zh-Hans">' in page.text
