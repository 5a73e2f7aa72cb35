"""Translating the interface's strings into the language of the request being answered."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.i18n.locales import DEFAULT_LOCALE, babel_name

CATALOGS_DIR = Path(__file__).parent / "catalogs"

_current: ContextVar[str] = ContextVar("valleycross_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    return _current.get()


def set_locale(tag: str) -> None:
    """Answer the rest of this request (this context) in `tag`."""
    _current.set(tag)


@contextmanager
def use_locale(tag: str) -> Iterator[None]:
    token = _current.set(tag)
    try:
        yield
    finally:
        _current.reset(token)


def catalog_files(tag: str) -> list[Path]:
    return sorted((CATALOGS_DIR / babel_name(tag)).glob("*.po"))


@cache
def translations(tag: str) -> NullTranslations:
    """Every catalog of the language merged; fuzzy or empty entries are left out, so their
    English shows rather than a guess."""
    merged: NullTranslations | None = None
    for path in catalog_files(tag):
        with path.open("rb") as po:
            catalog = read_po(po, locale=babel_name(tag))
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        part = Translations(fp=compiled)
        if merged is None:
            merged = part
        else:
            assert isinstance(merged, Translations)
            merged.merge(part)
    return merged or NullTranslations()


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context` (e.g. "challenge state"), where one English word has
    two meanings in Chinese (the "Judging" menu, a challenge that is "Judging")."""
    return str(translations(current_locale()).pgettext(context, message))


def NP_(context: str, message: str) -> str:  # noqa: N802 (the gettext convention's name)
    """Marks a string with its context for the catalogs; shown with `pgettext(context, …)`."""
    return message


def N_(message: str) -> str:  # noqa: N802 (the gettext convention's name)
    """Marks a string for the catalogs where it is defined; it is translated where shown."""
    return message


class Translatable(str):
    """A message with values, e.g. "No mechanism with id %(ids)s.": everywhere it is the English
    sentence with its values filled in (the API, logs, tests), and a page can show it in its
    own language (`translate_message`, the `|tr` filter) because it keeps its template."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Translatable:
        made = super().__new__(cls, template % values if values else template)
        made.template = template
        made.values = values
        return made


def translatable(template: str, **values: object) -> str:
    """Marks `template` for the catalogs (like `N_`) and fills its `%(name)s` values."""
    return Translatable(template, **values)


def translate_message(message: str | None) -> str:
    """A message made elsewhere (a field error, a refusal): translated when the catalogs know
    it, as it is otherwise (e.g. one with a value inside)."""
    if not message:
        return ""
    if isinstance(message, Translatable):
        template = gettext(message.template)
        if not message.values:
            return template
        # Values that are messages themselves ("3 hours" in "try again in 3 hours") follow.
        values = {name: translate_message(value) if isinstance(value, Translatable) else value
                  for name, value in message.values.items()}
        return template % values
    translated = gettext(message)
    if translated != message or current_locale() == DEFAULT_LOCALE:
        return translated
    from app.i18n.validation import recognise  # pydantic-core's templates, read on first use

    found = recognise(message)
    if found is None:
        return message
    msgid, parts = found
    template = gettext(msgid)
    return template % parts if template != msgid else message


def in_language(english: str, chinese: str | None) -> str:
    """One of a reference record's names (UNTERM gives countries and groups Chinese names)
    for the request's language; the English one when there is no Chinese."""
    if chinese and current_locale() == "zh-Hans":
        return chinese
    return english


def local_name(record: object) -> str:
    """`record.name_en` or, in Chinese, `record.name_zh` when it has one (countries, groups)."""
    return in_language(str(getattr(record, "name_en", "")), getattr(record, "name_zh", None))
