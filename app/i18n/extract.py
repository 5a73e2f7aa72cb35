"""Keep the Chinese catalogs in step with the strings marked in the code and templates.

    python -m app.i18n.extract            # every catalog: add new strings, drop unused ones
    python -m app.i18n.extract --check    # exit 1 listing strings without a translation
    python -m app.i18n.extract --fill zh.json AREA   # write {"English": "中文"} into AREA

Each area of the platform has its own catalog (`catalogs/zh_Hans/<area>.po`), so people
translating different areas never edit the same file. A string's translation is kept across
runs; a string no longer in the code leaves its catalog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

from app.config import PROJECT_ROOT
from app.i18n.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES, babel_name
from app.i18n.translate import CATALOGS_DIR
from app.i18n.validation import OPTIONAL_VALUES, message_ids

TEMPLATES = PROJECT_ROOT / "templates"
APP = PROJECT_ROOT / "app"

# area -> the template paths and app paths whose strings its catalog holds
AREAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "core": (("base.html", "_macros.html", "home.html", "home", "errors"),
             ("kit", "home", "i18n", "errors.py", "routers.py")),
    "accounts": (("accounts", "notifications", "teams", "privacy", "moderation"),
                 ("accounts", "notifications", "teams", "privacy", "moderation")),
    "inventory": (("inventory",), ("inventory", "reference", "history")),
    "needs": (("needs",), ("needs",)),
    "challenges": (("challenges",), ("challenges", "workflow")),
    "entries": (("submissions", "judging"), ("submissions", "judging")),
    "outcomes": (("verification", "awards", "ledger"), ("verification", "awards", "ledger")),
}

KEYWORDS = {**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2), "translatable": None}
_FIXED_DATE = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
_JINJA = "jinja2.ext:babel_extract"
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
_ENGLISH_WORDS = re.compile(r"[a-z]{2,} [a-z]{2,}")  # a copied sentence, not a name like "API"
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


@dataclass(frozen=True)
class Problem:
    area: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.area}: {self.what}: {self.msgid!r}"


def _files(area: str) -> Iterator[Path]:
    template_paths, app_paths = AREAS[area]
    for base, names, pattern in ((TEMPLATES, template_paths, "*.html"), (APP, app_paths, "*.py")):
        for name in names:
            path = base / name
            yield from sorted(path.rglob(pattern)) if path.is_dir() else [path]


def extracted(area: str, locale: str) -> Catalog:
    """A catalog of every string marked in the area's files, without translations."""
    catalog = Catalog(
        locale=babel_name(locale), project="Valleycross", version="", fuzzy=False,
        copyright_holder="Valleycross contributors", msgid_bugs_address="",
        creation_date=_FIXED_DATE, revision_date=_FIXED_DATE,  # no churn on every run
        header_comment=f"# The {area!r} area of Valleycross's interface in {locale}.\n"
                       "# Update with `python -m app.i18n.extract`, then fill the empty msgstr.")
    for path in _files(area):
        method = _JINJA if path.suffix == ".html" else "python"
        options = _JINJA_OPTIONS if method == _JINJA else {}
        for line, message, comments, context in extract_from_file(
                method, str(path), keywords=KEYWORDS, options=options):
            location = (str(path.relative_to(PROJECT_ROOT)), line)
            catalog.add(message, locations=[location], auto_comments=comments, context=context)
    if area == "core":
        for kind, msgid in message_ids().items():
            catalog.add(msgid, auto_comments=[f"pydantic-core's message for {kind!r}"],
                        flags=["python-format"])
    return catalog


def catalog_path(area: str, locale: str) -> Path:
    return CATALOGS_DIR / babel_name(locale) / f"{area}.po"


def read_catalog(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=babel_name(locale))
    with path.open("rb") as po:
        return read_po(po, locale=babel_name(locale))


def update(area: str, locale: str) -> tuple[int, int]:
    """Rewrite the area's catalog: its strings are the code's, with translations kept.
    Returns (strings, untranslated)."""
    path = catalog_path(area, locale)
    old = read_catalog(path, locale)
    new = extracted(area, locale)
    for message in new:
        if not message.id:
            continue
        known = old.get(message.id, message.context)
        if known is not None and known.string:
            message.string = known.string
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, new, width=100, sort_output=True, include_lineno=False,
                 ignore_obsolete=True)
    messages = [m for m in new if m.id]
    return len(messages), sum(1 for m in messages if not _translated(m.string))


def fill(area: str, locale: str, translations: dict[str, str]) -> list[str]:
    """Write translations (English, or "context\\x04English", -> translation) into the area's
    catalog; returns the
    English strings the catalog does not have (run the extraction first)."""
    path = catalog_path(area, locale)
    catalog = read_catalog(path, locale)
    unknown = []
    for english, translated in translations.items():
        context, _, msgid = english.rpartition("\x04")  # gettext's "context\x04msgid"
        message = catalog.get(msgid, context or None)
        if message is None:
            unknown.append(english)
        else:
            message.string = translated
    with path.open("wb") as po:
        write_po(po, catalog, width=100, sort_output=True, include_lineno=False,
                 ignore_obsolete=True)
    return unknown


def _translated(string: object) -> bool:
    if isinstance(string, tuple):
        return all(string)
    return bool(string)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in _PLACEHOLDER.findall(text)}


def problems(locale: str) -> list[Problem]:
    """Strings of the code the catalogs do not translate, and translations whose placeholders
    differ from the English (a value the translation would lose, or a missing one)."""
    found: list[Problem] = []
    for area in AREAS:
        have = read_catalog(catalog_path(area, locale), locale)
        for message in extracted(area, locale):
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            known = have.get(message.id, message.context)
            if known is None or not _translated(known.string) or known.fuzzy:
                found.append(Problem(area, msgid, "not translated"))
                continue
            if known.string == message.id and _ENGLISH_WORDS.search(msgid):
                found.append(Problem(area, msgid, "the translation is the English"))
                continue
            english = [str(e) for e in (message.id if isinstance(message.id, tuple)
                                        else (message.id,))]
            strings = [str(t) for t in (known.string if isinstance(known.string, tuple)
                                        else (known.string,))]
            wanted = set().union(*(_placeholders(e) for e in english))
            # A plural's translation may leave out the count (Chinese has one form).
            needed = (_placeholders(english[0]) - {"num"} if len(english) > 1 else wanted
                      ) - OPTIONAL_VALUES
            if any(_placeholders(t) - wanted or needed - _placeholders(t) for t in strings):
                found.append(Problem(area, msgid, "placeholders differ"))
    return found


def disagreements(locale: str) -> list[Problem]:
    """The same English translated differently by two areas: the merged catalogs would show
    one of them everywhere (give one a context with `pgettext` if they must differ)."""
    seen: dict[tuple[str, str | None], tuple[str, str]] = {}
    found: list[Problem] = []
    for area in AREAS:
        for message in read_catalog(catalog_path(area, locale), locale):
            if not message.id or not isinstance(message.id, str) or not message.string:
                continue
            key = (message.id, message.context)
            earlier = seen.setdefault(key, (area, str(message.string)))
            if earlier[1] != message.string:
                found.append(Problem(area, message.id, f"translated otherwise in {earlier[0]} "
                                     f"({earlier[1]!r} / {message.string!r})"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list untranslated strings")
    parser.add_argument("--fill", metavar="JSON", type=Path,
                        help="write the translations of a JSON object into one area's catalog")
    parser.add_argument("areas", nargs="*", help=f"default: every area ({', '.join(AREAS)})")
    args = parser.parse_args(argv)
    if unknown_areas := set(args.areas) - set(AREAS):
        parser.error(f"no such area: {', '.join(sorted(unknown_areas))}")
    locales = [tag for tag in SUPPORTED_LOCALES if tag != DEFAULT_LOCALE]
    if args.fill:
        if len(args.areas) != 1 or len(locales) != 1:
            parser.error("--fill takes exactly one area")
        unknown = fill(args.areas[0], locales[0], json.loads(args.fill.read_text("utf-8")))
        for english in unknown:
            click.echo(f"not in the catalog: {english!r}")
        return 1 if unknown else 0
    if args.check:
        found = [p for tag in locales for p in problems(tag) + disagreements(tag)
                 if not args.areas or p.area in args.areas]
        for problem in found:
            click.echo(problem)
        click.echo(f"{len(found)} problems")
        return 1 if found else 0
    for tag in locales:
        for area in args.areas or AREAS:
            count, missing = update(area, tag)
            click.echo(f"{catalog_path(area, tag).relative_to(PROJECT_ROOT)}: {count} strings, "
                  f"{missing} without a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
