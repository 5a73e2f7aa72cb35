"""What a person does with accounts today, in a real browser against the real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from app.accounts.models import Role
from tests.browser.conftest import PASSWORD, Screenshots, create_user, new_context
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def sign_up(page: Page, shots: Screenshots, *, email: str, name: str, country: str) -> None:
    page.goto("/")
    nav(page).get_by_role("link", name="Sign up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up as a solver")
    shots(page, "sign-up form")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Name shown to others").fill(name)
    page.get_by_label("Country (ISO 3166-1 alpha-3, e.g. NPL)").fill(country)
    page.get_by_role("button", name="Create account").click()


def sign_in(page: Page, *, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(nav(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def test_solver_signs_up_creates_a_token_signs_out_and_in(page: Page, shots: Screenshots) -> None:
    sign_up(page, shots, email="nima@example.org", name="Nima Sherpa", country="NPL")
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Welcome, Nima Sherpa. Your solver account is ready.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("p", has_text="Roles:")).to_contain_text("solver")
    expect(page.get_by_label("Email")).to_have_value("nima@example.org")
    expect(page.get_by_label("Country (ISO 3166-1 alpha-3)")).to_have_value("NPL")
    expect(nav(page).get_by_role("link", name="Nima Sherpa")).to_be_visible()  # in the navigation
    shots(page, "account after sign-up")

    page.get_by_label("Token name").fill("field laptop")
    page.get_by_role("button", name="Create token").click()
    notice = page.get_by_role("status").filter(has_text="copy it now")
    expect(notice).to_contain_text("New token “field laptop”")
    token = page.locator("code.token").inner_text()
    assert re.fullmatch(r"vcx_[A-Za-z0-9_-]{40,}", token), token
    shots(page, "token shown once")
    row = page.get_by_role("row").filter(has_text="field laptop")
    expect(row).to_contain_text("active")
    expect(row).to_contain_text(token[:12])

    page.goto("/account")
    expect(page.get_by_role("row").filter(has_text="field laptop")).to_contain_text("active")
    assert token not in page.content(), "a token is shown once, never again"
    shots(page, "token listed without its value")

    sign_out(page)
    expect(nav(page).get_by_role("link", name="Nima Sherpa")).to_have_count(0)
    shots(page, "signed out")
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=/account$"))
    page.get_by_label("Email").fill("nima@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(nav(page).get_by_role("link", name="Nima Sherpa")).to_be_visible()
    shots(page, "signed in again")


def test_wrong_password_shows_the_error_by_the_form(page: Page, shots: Screenshots,
                                                   live: LiveServer) -> None:
    create_user(live, email="wrong.pw@example.org", display_name="Wren", roles=[Role.SOLVER])
    sign_in(page, email="wrong.pw@example.org", password="not my passphrase at all")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("The email or password is not right.")
    form = page.locator("form[action='/login']")
    assert alert.bounding_box()["y"] < form.bounding_box()["y"]  # type: ignore[index]
    expect(page.get_by_label("Email")).to_have_value("wrong.pw@example.org")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(nav(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()  # still signed out
    shots(page, "wrong password")


def test_admin_grants_the_sponsor_role_and_the_solver_sees_it(browser: Browser, live: LiveServer,
                                                            shots: Screenshots) -> None:
    create_user(live, email="ops@example.org", display_name="Olu Admin", roles=[Role.ADMIN])
    solver_context, admin_context = new_context(browser, live), new_context(browser, live)
    solver, admin = solver_context.new_page(), admin_context.new_page()
    sign_up(solver, shots, email="grace@example.org", name="Grace Osei", country="GHA")
    expect(solver.locator("p", has_text="Roles:")).not_to_contain_text("sponsor")

    sign_in(admin, email="ops@example.org")
    nav(admin).get_by_role("link", name="Users", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Users")
    admin.get_by_label("Find by name or email").fill("grace")
    admin.get_by_role("button", name="Search").click()
    row = admin.get_by_role("row").filter(has_text="Grace Osei")
    expect(row).to_contain_text("grace@example.org")
    expect(row).to_contain_text("GHA")
    shots(admin, "admin finds the solver")
    row.get_by_label("Role for Grace Osei").select_option("sponsor")
    row.get_by_role("button", name="Grant").click()
    expect(admin.get_by_role("status")).to_have_text("Grace Osei now has the sponsor role.")
    row = admin.get_by_role("row").filter(has_text="Grace Osei")
    expect(row.locator(".tag")).to_have_text(["solver", "sponsor"])
    shots(admin, "sponsor role granted")

    solver.reload()
    expect(solver.locator("p", has_text="Roles:")).to_contain_text("sponsor")
    shots(solver, "solver sees the sponsor role")
    solver_context.close()
    admin_context.close()


def test_a_hostile_name_is_shown_as_text_and_never_runs(page: Page, shots: Screenshots) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_up(page, shots, email="mallory@example.org", name="<script>alert(1)</script>",
            country="")
    expect(page.get_by_role("status")).to_contain_text("Welcome, <script>alert(1)</script>.")
    expect(nav(page).get_by_role("link", name="<script>alert(1)</script>")).to_be_visible()
    page.goto("/")
    shots(page, "name shown as text")
    assert dialogs == []
