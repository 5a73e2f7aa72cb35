"""The language switch, in a real browser on the demo data: a visitor whose browser asks for
Chinese reads the platform in Chinese, switches to English and back from the footer; a refusal
next to a field is in the chosen language; the choice follows the person to another browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.i18n.translate import translations
from tests.browser.journey import DOMAIN, Screenshots, Windows, nav, send_sign_in_form
from tests.live import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
CHINESE = "中文 (简体)"


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
        windows: Windows, shots: Screenshots) -> None:
    page = windows.open(locale="zh-CN")

    page.goto("/")  # the browser's Accept-Language (zh-CN) is the first guess
    speaks(page, "zh-Hans")
    main_nav = page.get_by_role("navigation", name=zh("Main"))
    expect(main_nav.get_by_role("link", name=zh("Inventory"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        zh("Cross the valley between a proven idea and a deployed technology"))
    shots(page, "home in Chinese from the browser language")

    main_nav.get_by_role("link", name=zh("Challenges")).click()
    challenges = page.url
    switch_to(page, "English")
    expect(page).to_have_url(challenges)  # the same page, now in English
    speaks(page, "en")
    expect(nav(page).get_by_role("link", name="Challenges")).to_be_visible()
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

    # Another browser, set to English, on a phone: the account remembers the choice.
    other = windows.open(phone=True, locale="en-GB")
    other.goto("/login")
    speaks(other, "en")
    send_sign_in_form(other, f"solver@{DOMAIN}", DEMO_PASSWORD)
    expect(other.get_by_role("button", name=zh("Sign out"))).to_be_visible()
    speaks(other, "zh-Hans")
    shots(other, "signed in on a phone the account's language applies")

    switch_to(other, "English")  # and back, on the phone: the footer switch fits a phone
    speaks(other, "en")
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()
    shots(other, "the phone switched to English")
