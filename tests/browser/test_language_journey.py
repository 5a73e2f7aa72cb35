"""The language switch, in a real browser on the demo data: a visitor whose browser asks for
Chinese reads the platform in Chinese, switches to English and back from the footer; a refusal
next to a field is in the chosen language; the choice follows the person to another browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from app.i18n.translate import translations
from tests.browser.conftest import Screenshots, demo_server
from tests.live import DEMO_PASSWORD, LiveServer

pytestmark = pytest.mark.browser
DOMAIN = "valleycross.example"
CHINESE = "中文 (简体)"


@pytest.fixture(scope="module")
def live(databases: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from demo_server(databases, tmp_path_factory.mktemp("language-var"))


def zh(english: str) -> str:
    """The catalogs' Chinese for `english` (the journey fails on a string left untranslated)."""
    chinese = translations("zh-Hans").gettext(english)
    assert chinese != english, f"{english!r} has no Chinese translation"
    return chinese


def speaks(page: Page, tag: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", tag)


def switch_to(page: Page, language: str) -> None:
    page.locator("footer form.language-switch").get_by_role("button", name=language).click()


def test_a_visitor_reads_in_chinese_switches_and_keeps_the_choice_when_signing_in(
        browser: Browser, live: LiveServer, shots: Screenshots) -> None:
    context = browser.new_context(base_url=live.url, locale="zh-CN",
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()

    page.goto("/")  # the browser's Accept-Language (zh-CN) is the first guess
    speaks(page, "zh-Hans")
    nav = page.get_by_role("navigation", name=zh("Main"))
    expect(nav.get_by_role("link", name=zh("Inventory"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        zh("Cross the valley between a proven idea and a deployed technology"))
    shots(page, "home in Chinese from the browser language")

    nav.get_by_role("link", name=zh("Challenges")).click()
    challenges = page.url
    switch_to(page, "English")
    expect(page).to_have_url(challenges)  # the same page, now in English
    speaks(page, "en")
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Challenges")).to_be_visible()
    shots(page, "challenges in English after the switch")

    switch_to(page, CHINESE)
    expect(page).to_have_url(challenges)
    speaks(page, "zh-Hans")
    expect(page.locator("footer").get_by_role("button", name=CHINESE)).to_have_attribute(
        "aria-current", "true")
    local_time = zh("your time: %(time)s").split("%(time)s")[0]  # written by localtime.js
    expect(page.locator("main").get_by_text(local_time).first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("your time")
    expect(page.locator("main .tag").first).not_to_have_text("Open for entries")
    shots(page, "challenges in Chinese")

    page.get_by_role("navigation", name=zh("Main")).get_by_role(
        "link", name=zh("Inventory")).click()
    speaks(page, "zh-Hans")
    shots(page, "inventory in Chinese")

    page.get_by_role("link", name=zh("Sign in")).click()
    page.locator("#f-email").fill(f"solver@{DOMAIN}")
    page.locator("#f-password").fill("not the password at all")
    page.locator("main form").get_by_role("button", name=zh("Sign in")).click()
    expect(page.locator("main")).to_contain_text(zh("The email or password is not right."))
    shots(page, "a refused sign-in in Chinese")

    page.locator("#f-password").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name=zh("Sign in")).click()
    expect(page.get_by_role("button", name=zh("Sign out"))).to_be_visible()
    speaks(page, "zh-Hans")
    page.get_by_role("link", name=zh("Inbox")).click()
    speaks(page, "zh-Hans")
    shots(page, "the solver's inbox in Chinese")
    context.close()

    # Another browser, set to English, on a phone: the account remembers the choice.
    phone = browser.new_context(base_url=live.url, locale="en-GB",
                                viewport={"width": 360, "height": 740})
    phone.set_default_timeout(15_000)
    other = phone.new_page()
    other.goto("/login")
    speaks(other, "en")
    other.get_by_label("Email").fill(f"solver@{DOMAIN}")
    other.get_by_label("Password").fill(DEMO_PASSWORD)
    other.locator("main form").get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("button", name=zh("Sign out"))).to_be_visible()
    speaks(other, "zh-Hans")
    shots(other, "signed in on a phone the account's language applies")

    switch_to(other, "English")  # and back, on the phone: the footer switch fits a phone
    speaks(other, "en")
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()
    shots(other, "the phone switched to English")
    phone.close()
