"""What a person does with accounts today, in a real browser against the real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.journey import (
    PASSWORD,
    Screenshots,
    Windows,
    nav,
    send_sign_in_form,
    sign_in_as,
    sign_out,
    sign_up,
)
from tests.browser.server_data import create_user
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_solver_signs_up_creates_a_token_signs_out_and_in(page: Page, shots: Screenshots,
                                                          live: LiveServer) -> None:
    sign_up(page, live=live, email="nima@example.org", name="Nima Sherpa", country="NPL",
            shots=shots)
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("p", has_text="Roles:")).to_contain_text("solver")
    expect(page.get_by_label("Email")).to_have_value("nima@example.org")
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
    send_sign_in_form(page, "nima@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(nav(page).get_by_role("link", name="Nima Sherpa")).to_be_visible()
    shots(page, "signed in again")


def test_wrong_password_shows_the_error_by_the_form(page: Page, shots: Screenshots,
                                                   live: LiveServer) -> None:
    create_user(live, email="wrong.pw@example.org", display_name="Wren", roles=[Role.SOLVER])
    page.goto("/login")
    send_sign_in_form(page, "wrong.pw@example.org", "not my passphrase at all")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("The email or password is not right.")
    form = page.locator("form[action='/login']")
    assert alert.bounding_box()["y"] < form.bounding_box()["y"]  # type: ignore[index]
    expect(page.get_by_label("Email")).to_have_value("wrong.pw@example.org")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(nav(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()  # still signed out
    shots(page, "wrong password")


def test_admin_grants_the_sponsor_role_and_the_solver_sees_it(windows: Windows, live: LiveServer,
                                                            shots: Screenshots) -> None:
    create_user(live, email="ops@example.org", display_name="Olu Admin", roles=[Role.ADMIN])
    solver, admin = windows.open(), windows.open()
    sign_up(solver, live=live, email="grace@example.org", name="Grace Osei", country="GHA",
            shots=shots)
    expect(solver.locator("p", has_text="Roles:")).not_to_contain_text("sponsor")

    sign_in_as(admin, "ops@example.org", PASSWORD)
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


def test_a_hostile_name_is_shown_as_text_and_never_runs(page: Page, shots: Screenshots,
                                                        live: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_up(page, live=live, email="mallory@example.org", name="<script>alert(1)</script>",
            country="", shots=shots)
    expect(nav(page).get_by_role("link", name="<script>alert(1)</script>")).to_be_visible()
    page.goto("/")
    shots(page, "name shown as text")
    assert dialogs == []
