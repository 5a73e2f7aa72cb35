"""The inventory as a zip of three CSV files: mechanisms.csv, links.csv, technologies.csv.

List fields are joined with `|` (so a list entry cannot itself contain `|`); empty cells are
empty optional values. Rows are read into the same `Bundle` as the JSON format and checked by the
same code; a problem is reported as `<file> line <n>` (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from app.i18n.translate import N_, translatable
from app.inventory.transfer import Bundle, ImportFailed, LinkRow, Row

MECHANISM_COLUMNS = ("name", "acronym", "kind", "hosts", "description", "functions", "sectors",
                     "stages", "scope", "website", "founded_year", "status",
                     "budget_amount_minor", "budget_currency", "budget_year", "budget_note",
                     "sources", "last_verified_at")
LINK_COLUMNS = ("source", "target", "type", "note")
TECHNOLOGY_COLUMNS = ("name", "summary", "description", "sectors", "stage", "trl",
                      "mitigation_adaptation", "availability", "licence_id", "provider",
                      "countries_deployed", "related_mechanisms", "links", "last_verified_at")
MECHANISM_LISTS = {"hosts", "functions", "sectors", "stages", "scope", "sources"}
TECHNOLOGY_LISTS = {"sectors", "countries_deployed", "related_mechanisms", "links"}
SEPARATOR = "|"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    return str(value)


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def export_zip(document: dict[str, Any]) -> bytes:
    """The JSON export (`transfer.export_data`) as a zip of three CSV files."""
    mechanisms, links = [], []
    for m in document["mechanisms"]:
        budget = m.get("budget") or {}
        mechanisms.append({**m, "budget_amount_minor": budget.get("amount_minor"),
                           "budget_currency": budget.get("currency"),
                           "budget_year": budget.get("year"), "budget_note": budget.get("note")})
        links += [{"source": m["name"], **link} for link in m.get("links", [])]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mechanisms.csv", _csv(MECHANISM_COLUMNS, mechanisms))
        archive.writestr("links.csv", _csv(LINK_COLUMNS, links))
        archive.writestr("technologies.csv", _csv(TECHNOLOGY_COLUMNS, document["technologies"]))
    return buffer.getvalue()


def _line(name: str, number: int) -> str:
    """Where a row is: "mechanisms.csv line 3" (the header is line 1)."""
    return translatable("%(file)s line %(line)s", file=name, line=number)


def _header_problem(missing: list[str], extra: list[str]) -> str:
    if missing and extra:
        return translatable("missing column(s) %(missing)s; unknown column(s) %(unknown)s",
                            missing=", ".join(missing), unknown=", ".join(extra))
    if missing:
        return translatable("missing column(s) %(missing)s", missing=", ".join(missing))
    return translatable("unknown column(s) %(unknown)s", unknown=", ".join(extra))


def _rows(name: str, text: str, columns: tuple[str, ...], problems: list[dict[str, str]]
          ) -> Iterator[tuple[str, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    if missing or extra:
        problems.append({"where": _line(name, 1), "field": "header",
                         "message": _header_problem(missing, extra)})
        return
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append({"where": _line(name, start), "field": "row",
                             "message": translatable("%(cells)s cells; the header has %(columns)s",
                                                     cells=len(values), columns=len(header))})
            continue
        yield _line(name, start), dict(zip(header, values, strict=True))


def _int(value: str) -> int | str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return value  # left as text: the row check reports "not a valid integer"


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(SEPARATOR) if v.strip()]


def _optional(value: str) -> str | None:
    return value.strip() or None


def _mechanism(cells: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": cells["name"].strip(), "acronym": _optional(cells["acronym"]),
        "kind": cells["kind"].strip(), "description": cells["description"],
        "website": _optional(cells["website"]), "founded_year": _int(cells["founded_year"]),
        "status": _optional(cells["status"]),
        "last_verified_at": _optional(cells["last_verified_at"]),
    }
    data.update({k: _list(cells[k]) for k in MECHANISM_LISTS})
    budget_cells = [cells[f"budget_{k}"] for k in ("amount_minor", "currency", "year", "note")]
    data["budget"] = None
    if any(c.strip() for c in budget_cells):
        data["budget"] = {"amount_minor": _int(cells["budget_amount_minor"]),
                          "currency": cells["budget_currency"].strip(),
                          "year": _int(cells["budget_year"]),
                          "note": _optional(cells["budget_note"])}
    return data


def _technology(cells: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": cells["name"].strip(), "summary": cells["summary"],
        "description": cells["description"], "stage": cells["stage"].strip(),
        "trl": _int(cells["trl"]),
        "mitigation_adaptation": _optional(cells["mitigation_adaptation"]),
        "availability": cells["availability"].strip(),
        "licence_id": _optional(cells["licence_id"]), "provider": _optional(cells["provider"]),
        "last_verified_at": _optional(cells["last_verified_at"]),
    }
    data.update({k: _list(cells[k]) for k in TECHNOLOGY_LISTS})
    return data


def bundle_from_zip(content: bytes) -> Bundle:
    """Rows of a CSV zip export; `mechanisms.csv` is required, the other two are optional."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise ImportFailed([{"where": "file", "field": "body",
                             "message": N_("not a zip file of CSV files")}]) from exc
    names = set(archive.namelist())
    if "mechanisms.csv" not in names:
        raise ImportFailed([{"where": "file", "field": "mechanisms.csv",
                             "message": N_("the zip has no mechanisms.csv")}])

    def text(name: str) -> str:
        if name not in names:
            return ""
        try:
            return archive.read(name).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed([{"where": name, "field": "encoding",
                                 "message": N_("the file is not UTF-8")}]) from exc

    bundle = Bundle()
    for where, cells in _rows("mechanisms.csv", text("mechanisms.csv"), MECHANISM_COLUMNS,
                              bundle.problems):
        bundle.mechanisms.append(Row(where, _mechanism(cells)))
    for where, cells in _rows("links.csv", text("links.csv"), LINK_COLUMNS, bundle.problems):
        bundle.links.append(LinkRow(where, cells["source"], {
            "target": cells["target"].strip(), "type": cells["type"].strip(),
            "note": _optional(cells["note"])}))
    for where, cells in _rows("technologies.csv", text("technologies.csv"), TECHNOLOGY_COLUMNS,
                              bundle.problems):
        bundle.technologies.append(Row(where, _technology(cells)))
    return bundle
