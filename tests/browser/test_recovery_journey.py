"""A forgotten password reset by email, in a real browser, against a live server that sends its
mail to the tests' real SMTP server (aiosmtpd): the mail is read where a mailbox would get it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.journey import PASSWORD, Screenshots, nav, send_sign_in_form
from tests.browser.server_data import create_user, fresh_database
from tests.db_setup import PostgresDatabases, SQLiteDatabases
from tests.live import LiveServer, live_server
from tests.notifications.smtp_server import SmtpServer

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a new passphrase from the reset link"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def live(databases: SQLiteDatabases | PostgresDatabases, smtp: SmtpServer,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server, with email delivery switched on towards `smtp`."""
    mail = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "false",
            "SMTP_TIMEOUT_SECONDS": "5", "MAIL_FROM": "Valleycross <no-reply@valleycross.example>"}
    with fresh_database(databases) as url, \
            live_server(url, tmp_path_factory.mktemp("recovery-var"), mail) as server:
        yield server


def received_link(smtp: SmtpServer, to: str, path: str) -> str:
    """The link under `path` in the newest mail the SMTP server took for `to`."""
    mails = [m for m in smtp.received if to in m.rcpt_tos]
    assert mails, f"no mail reached {to}"
    body = mails[-1].email.get_content()
    match = re.search(rf"(https?://\S+{re.escape(path)}[\w-]+)", body)
    assert match, body
    return match.group(1)


def test_a_forgotten_password_is_reset_by_email(page: Page, live: LiveServer, smtp: SmtpServer,
                                                shots: Screenshots, tmp_path: Path) -> None:
    create_user(live, email="forgetful@example.org", display_name="Farida Forgetful",
                roles=[Role.SOLVER])
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email").fill("forgetful@example.org")
    shots(page, "asking for a reset link")
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_role("status")).to_contain_text("If an account here has this address")
    shots(page, "check your inbox")

    assert live.cli("send-mail").startswith("sent 1,")  # the real command, the real server
    link = received_link(smtp, "forgetful@example.org", "/password-reset/")
    assert link.startswith(live.url)
    [mail] = [m for m in smtp.received if "forgetful@example.org" in m.rcpt_tos]
    assert mail.email["Subject"] == "Reset your Valleycross password"

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill("password1234")  # a common one: refused
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#e-password")).to_contain_text("too common")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    shots(page, "choosing a new password")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("status")).to_contain_text("Sign in with the new password")
    shots(page, "password changed")

    send_sign_in_form(page, "forgetful@example.org", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")
    send_sign_in_form(page, "forgetful@example.org", NEW_PASSWORD)
    expect(nav(page).get_by_role("link", name="Farida Forgetful")).to_be_visible()
    shots(page, "signed in with the new password")

    page.goto(link)  # the link worked once
    expect(page.get_by_role("alert")).to_contain_text("This link is not valid")
