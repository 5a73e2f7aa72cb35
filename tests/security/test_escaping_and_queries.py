"""Output is escaped wherever user text appears (ASVS V1.2) and queries are parameterised
(ASVS V1.2.4): hostile names and search terms are data, never markup or SQL. Stored records
(a mechanism, a challenge) show their text escaped on their pages and in the Atom feed."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.factories import csrf_from, login, make_user, token_for
from tests.permissions.checker import app_routes, is_page

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)  # a tag with an event handler


def _plain_page_paths(app: FastAPI) -> list[str]:
    return sorted(p for m, p in app_routes(app) if m == "GET" and is_page(p) and "{" not in p)


def _assert_escaped(html: str, where: str) -> None:
    assert SCRIPT not in html, where
    assert "<img src=x" not in html, where


def test_hostile_names_are_escaped_on_every_page(app: FastAPI, client: TestClient,
                                                 db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN], display_name=SCRIPT, organisation=ATTRIBUTE)
    victim = make_user(db, display_name=SCRIPT + " victim", organisation=ATTRIBUTE)
    login(client, admin.email or "")
    pages = _plain_page_paths(app)
    assert {"/", "/account", "/admin/users"} <= set(pages)
    seen = 0
    for path in pages:
        response = client.get(path)
        if response.headers["content-type"].startswith("application/json"):
            # A download (one's own data as JSON): saved as a file, never rendered as a page.
            assert response.headers["content-disposition"].startswith("attachment"), path
            assert response.headers["x-content-type-options"] == "nosniff", path
            continue
        html = response.text
        _assert_escaped(html, path)
        seen += html.count(ESCAPED)
    assert seen >= 3  # the navigation, the account form and the user list show the name
    account = client.get("/account").text
    assert f'value="{ESCAPED}"' in account  # inside an attribute as well
    assert "&#34;&gt;&lt;img src=x" in account or "&quot;&gt;&lt;img src=x" in account
    users = client.get("/admin/users").text
    granted = client.post(f"/admin/users/{victim.id}/roles", data={
        "role": "judge", "action": "grant", "csrf_token": csrf_from(users)})
    _assert_escaped(granted.text, "flash after a grant")
    assert f"{ESCAPED} victim now has the judge role" in granted.text


def test_hostile_name_from_the_sign_up_form_is_escaped(client: TestClient) -> None:
    page = client.get("/signup")
    response = client.post("/signup", data={
        "email": "mallory@example.org", "password": "a long enough passphrase",
        "display_name": SCRIPT, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200 and "Check your inbox" in response.text
    login(client, "mallory@example.org", "a long enough passphrase")
    account = client.get("/account").text
    assert ESCAPED in account  # the name, shown as text
    _assert_escaped(account, "account page after sign-up")
    client.cookies.clear()
    page = client.get("/signup")
    bad = client.post("/signup", data={"email": SCRIPT, "password": "x", "display_name": "",
                                       "csrf_token": csrf_from(page.text)})
    _assert_escaped(bad.text, "re-rendered form with errors")


def test_search_terms_are_data_not_sql(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    make_user(db, display_name="Ada")
    headers = token_for(client, admin.email or "")
    for attack in ("' OR '1'='1", "x' UNION SELECT password_hash, 1 FROM users --",
                   "1; DROP TABLE users; --", '" OR ""="'):
        response = client.get("/api/v1/users", params={"q": attack}, headers=headers)
        assert response.status_code == 200 and response.json()["total"] == 0, attack
        countries = client.get("/api/v1/reference/countries", params={"q": attack})
        assert countries.status_code == 200 and countries.json() == [], attack
    assert client.get("/api/v1/users", params={"q": "ada"}, headers=headers).json()["total"] == 1
    assert client.get("/api/v1/users", headers=headers).json()["total"] == 2
    assert not re.search("argon2", client.get("/api/v1/users", headers=headers).text)


def test_stored_markup_in_a_mechanism_is_shown_as_text(client: TestClient, db: Session) -> None:
    from tests.inventory.factories import make_mechanism

    mechanism = make_mechanism(db, name=SCRIPT, acronym=ATTRIBUTE, hosts=[SCRIPT + " host"],
                               description=f"Funds pilots. {SCRIPT} <img src=x onerror=alert(3)>")
    for path in (f"/inventory/mechanisms/{mechanism.id}", "/inventory", "/inventory?q=alert",
                 f"/inventory?q={SCRIPT}"):  # the last one echoes the term in the search box
        html = client.get(path).text
        _assert_escaped(html, path)
        assert not HANDLER.search(html), path
        assert ESCAPED in html, path
    page = client.get(f"/inventory/mechanisms/{mechanism.id}").text
    assert f"{ESCAPED} host" in page and "Funds pilots." in page  # the Markdown is kept, cleaned


def test_stored_markup_in_a_challenge_is_text_on_its_pages_and_in_the_feed(
        client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.challenges.factories import admin, install_clock, published, sponsor

    clock = install_clock(monkeypatch)
    challenge = published(db, sponsor(db), admin(db), title=SCRIPT, summary=ATTRIBUTE,
                          sponsor_organisation=SCRIPT + " Fund",
                          description=f"Cool **storage**. {SCRIPT}")
    clock.advance(days=2)
    for path in (f"/challenges/{challenge.id}", "/challenges"):
        html = client.get(path).text
        _assert_escaped(html, path)
        assert not HANDLER.search(html), path
        assert ESCAPED in html, path
    assert "<strong>storage</strong>" in client.get(f"/challenges/{challenge.id}").text
    feed = client.get("/feeds/challenges.atom")
    assert feed.status_code == 200 and "<script" not in feed.text and "<img" not in feed.text
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(feed.content).findall(f"{atom}entry")
    title = next(e.find(f"{atom}title") for e in entries
                 if e.findtext(f"{atom}title") == SCRIPT)  # the same text, as data
    assert title is not None and title.get("type") == "text"  # never read as markup


# Where output may bypass escaping, each place reviewed: template literals and sanitised HTML.
SAFE_FILTERS = {("_macros.html", "attrs|safe"), ("challenges/form.html", "attrs|safe")}
# app/kit/links.py: message text escaped piece by piece, links built with Markup.format.
MARKUP_MODULES = {"app/kit/templating.py", "app/kit/markdown.py", "app/needs/heatmap.py",
                  "app/kit/links.py"}


def test_every_template_autoescapes_and_unescaped_output_is_only_where_reviewed() -> None:
    from app.config import PROJECT_ROOT
    from app.kit.templating import templates

    env = templates.env
    names = [n for n in env.list_templates() if n.endswith(".html")]
    assert len(names) > 30
    autoescape = env.autoescape
    assert all(autoescape(n) if callable(autoescape) else autoescape for n in names)
    found = {(name, re.sub(r"\s+", "", m.group(0)))
             for name in names
             for m in re.finditer(r"[\w.]+\s*\|\s*safe\b", env.loader.get_source(env, name)[0])}  # type: ignore[union-attr]
    assert found == SAFE_FILTERS
    markup = {str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "app").rglob("*.py")
              if re.search(r"\bMarkup\(", path.read_text())}
    assert markup == MARKUP_MODULES
