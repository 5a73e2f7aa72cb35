"""Which languages the interface speaks, and which one a browser asks for."""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args

from babel import Locale, UnknownLocaleError

DEFAULT_LOCALE = "en"
# BCP 47 tags, as written in <html lang>, in the language cookie and in the API.
LanguageTag = Literal["en", "zh-Hans"]
SUPPORTED_LOCALES: tuple[str, ...] = get_args(LanguageTag)

# Accept-Language's plain Chinese: served in the script the catalogs are written in.
_ALIASES = {"zh": "zh_Hans"}


def babel_name(tag: str) -> str:
    """`zh-Hans` -> `zh_Hans` (Babel's and gettext's spelling)."""
    return tag.replace("-", "_")


def supported(tag: str | None) -> str | None:
    """The supported tag `tag` names (any case, `-` or `_`), or None."""
    if not tag:
        return None
    wanted = babel_name(tag).lower()
    for known in SUPPORTED_LOCALES:
        if babel_name(known).lower() == wanted:
            return known
    return None


def _preferences(header: str) -> list[str]:
    """Accept-Language's tags, best first (RFC 9110 quality values; q=0 means "not this")."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, babel_name(tag)))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(accept_language: str | None) -> str:
    """The supported language an Accept-Language header prefers, English when none matches.
    A tag matches by itself or its shorter forms (zh-Hans-CN, zh-Hans, zh); plain Chinese of
    any region is served in the Simplified script, the only Chinese there is."""
    if not accept_language:
        return DEFAULT_LOCALE
    for tag in _preferences(accept_language):
        parts = tag.split("_")
        for length in range(len(parts), 0, -1):
            candidate = "_".join(parts[:length])
            found = supported(_ALIASES.get(candidate, candidate))
            if found:
                return found
    return DEFAULT_LOCALE


@cache
def language_name(tag: str) -> str:
    """The language's name in itself ("English", "中文 (简体)"), from the CLDR data in Babel."""
    try:
        name = Locale.parse(babel_name(tag)).display_name
    except (UnknownLocaleError, ValueError):
        return tag
    return name or tag


def language_choices() -> list[tuple[str, str]]:
    return [(tag, language_name(tag)) for tag in SUPPORTED_LOCALES]
