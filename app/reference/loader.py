"""Reads the copied reference files (app/reference/data) into plain records; no database here."""

from __future__ import annotations

import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale

DATA = Path(__file__).parent / "data"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The CSV's flag columns for the UN groups it carries, with their M49 group codes.
FLAG_GROUPS = {
    "LDC": ("Least Developed Countries (LDC)", "199", "Least Developed Countries", "最不发达国家"),
    "LLDC": ("Land Locked Developing Countries (LLDC)", "432",
             "Landlocked Developing Countries", "内陆发展中国家"),
    "SIDS": ("Small Island Developing States (SIDS)", "722", "Small Island Developing States",
             "小岛屿发展中国家"),
}

def region_name_zh(m49: str) -> str | None:
    """An M49 region's Chinese name (the CSV names regions in English only): the Unicode CLDR's
    territory name for the M49 code, from Babel's data."""
    return Locale.parse("zh_Hans").territories.get(m49)


@dataclass
class CountryRow:
    alpha3: str
    alpha2: str | None
    numeric: str | None
    m49: str | None
    names: dict[str, str | None]
    region: tuple[str, str] | None
    subregion: tuple[str, str] | None
    intermediate: tuple[str, str] | None
    currency_code: str | None
    is_independent: bool | None
    flags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class MembershipChange:
    group: str
    country: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _code3(value: str | None) -> str | None:
    value = _clean(value)
    return value.zfill(3) if value else None


def read_countries() -> list[CountryRow]:
    rows: list[CountryRow] = []
    with (DATA / "country-codes.csv").open(encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            alpha3 = _clean(raw["ISO3166-1-Alpha-3"])
            if not alpha3:
                continue

            def name(*columns: str, _raw: dict[str, str] = raw) -> str | None:
                return next((v for c in columns if (v := _clean(_raw.get(c)))), None)

            def region(code_col: str, name_col: str,
                       _raw: dict[str, str] = raw) -> tuple[str, str] | None:
                code, label = _code3(_raw.get(code_col)), _clean(_raw.get(name_col))
                return (code, label) if code and label else None

            independent = _clean(raw.get("is_independent"))
            rows.append(CountryRow(
                alpha3=alpha3,
                alpha2=_clean(raw["ISO3166-1-Alpha-2"]),
                numeric=_code3(raw["ISO3166-1-numeric"]),
                m49=_code3(raw["M49"]),
                names={
                    "en": name("UNTERM English Short", "CLDR display name", "official_name_en"),
                    "fr": name("UNTERM French Short", "official_name_fr"),
                    "es": name("UNTERM Spanish Short", "official_name_es"),
                    "ru": name("UNTERM Russian Short", "official_name_ru"),
                    "ar": name("UNTERM Arabic Short", "official_name_ar"),
                    "zh": name("UNTERM Chinese Short", "official_name_cn"),
                },
                region=region("Region Code", "Region Name"),
                subregion=region("Sub-region Code", "Sub-region Name"),
                intermediate=region("Intermediate Region Code", "Intermediate Region Name"),
                # Some countries list several currencies ("INR,BTN"): keep the first.
                currency_code=_clean((raw.get("ISO4217-currency_alphabetic_code") or "")
                                     .split(",")[0]),
                is_independent=(independent == "Yes") if independent else None,
                flags={group for group, (column, *_rest) in FLAG_GROUPS.items()
                       if _clean(raw.get(column)) == "x"},
            ))
    return rows


def read_membership_changes() -> list[MembershipChange]:
    data = json.loads((DATA / "ldc_membership_changes.json").read_text(encoding="utf-8"))

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    return [MembershipChange(c["group"], c["country"], day(c.get("valid_from")),
                             day(c.get("valid_to")), c["note"]) for c in data["changes"]]


def _codelist(path: Path) -> list[tuple[str, str, str | None]]:
    items: list[tuple[str, str, str | None]] = []
    for item in ET.parse(path).getroot().iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        titles = {n.get(XML_LANG, "en"): (n.text or "").strip()
                  for n in item.iter("narrative")}
        items.append((code, titles["en"], titles.get("fr")))
    return items


def read_sdg_goals() -> list[tuple[str, str, str | None]]:
    return _codelist(DATA / "UNSDG-Goals.xml")


def read_sdg_targets() -> list[tuple[str, str, str | None]]:
    return _codelist(DATA / "UNSDG-Targets.xml")
