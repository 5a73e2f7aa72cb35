"""Which language a browser gets (pure, no database)."""

import pytest

from app.i18n.locales import language_choices, negotiate, supported


@pytest.mark.parametrize(("header", "expected"), [
    (None, "en"),
    ("", "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
    ("zh", "zh-Hans"),
    ("zh-Hans-CN", "zh-Hans"),
    ("en-GB,en;q=0.9", "en"),
    ("fr-FR,fr;q=0.9", "en"),  # nothing supported: English
    ("fr;q=0.9,zh;q=0.5", "zh-Hans"),
    ("en;q=0.4,zh-CN;q=0.8", "zh-Hans"),  # quality, not position, decides
    ("zh;q=0,en", "en"),  # q=0 means "not this"
    ("zh;q=bad,en", "en"),
    ("*", "en"),
    ("x" * 5000, "en"),
])
def test_accept_language_is_negotiated(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("zh-Hans", "zh-Hans"), ("zh_hans", "zh-Hans"), ("EN", "en"),
    ("zh-Hant", None), ("de", None), ("", None), (None, None)])
def test_only_supported_languages_are_named(value: str | None, expected: str | None) -> None:
    assert supported(value) == expected


def test_languages_are_named_in_themselves_from_cldr() -> None:
    assert language_choices() == [("en", "English"), ("zh-Hans", "中文 (简体)")]
