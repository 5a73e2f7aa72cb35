"""The inventory as a zip of three CSV files: mechanisms.csv, links.csv, technologies.csv.

List fields are joined with `|` (so a list entry cannot itself contain `|`); empty cells are
empty optional values. Cells are written by the shared writer (app/kit/csv_export.py), which
protects text that a spreadsheet would run as a formula; the import takes that protection off.
Rows are read into the same `Bundle` as the JSON format and checked by the same code; a problem
is reported as `<file> line <n>` (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from app.config import get_settings
from app.i18n.translate import N_, translatable
from app.inventory.transfer import Bundle, ImportFailed, LinkRow, Row
from app.kit.csv_export import Cell, unprotect, write_csv

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
UNPACK_CHUNK = 64 * 1024
_WHOLE = re.compile(r"-?[0-9]{1,20}")


def _cell(value: Any) -> Cell:
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    if value is None or isinstance(value, int | str):
        return value  # an int (founded_year, budget) stays a number in the spreadsheet
    return str(value)


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    return write_csv(columns, ([_cell(row.get(c)) for c in columns] for row in rows))


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
        yield _line(name, start), {column: unprotect(value)
                                   for column, value in zip(header, values, strict=True)}


def _int(value: str) -> int | str | None:
    """A whole number written in ASCII digits (Python's int() also takes "1_000", "١٢" and
    thousands of digits); anything else is left as text, which the row check reports as "not a
    valid integer". Its range is the row check's too."""
    value = value.strip()
    if not value:
        return None
    return int(value) if _WHOLE.fullmatch(value) else value


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


def _refused(where: str, field: str, message: str) -> ImportFailed:
    return ImportFailed([{"where": where, "field": field, "message": message}])


def _opened(content: bytes) -> zipfile.ZipFile:
    """The zip, once its directory shows it within the settings' limits (file count and what
    the files say they unpack to: `_unpacked` checks what they really do)."""
    settings = get_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise _refused("file", "body", N_("not a zip file of CSV files")) from exc
    members = archive.infolist()
    if len(members) > settings.import_max_files:
        raise _refused("file", "body", translatable(
            "the zip holds more than %(count)s files", count=settings.import_max_files))
    if sum(m.file_size for m in members) > settings.import_max_unpacked_bytes:
        raise _refused("file", "body", _too_big(settings.import_max_unpacked_bytes))
    return archive


def _too_big(limit: int) -> str:
    return translatable("the zip unpacks to more than %(bytes)s bytes", bytes=f"{limit:,}")


def _unpacked(archive: zipfile.ZipFile, name: str, allowance: int) -> bytearray:
    """The member's bytes, counted while they are unpacked: a directory that understates a
    size is caught here, after at most `allowance` + one chunk, never after the whole file."""
    data = bytearray()
    try:
        with archive.open(name) as member:
            while chunk := member.read(UNPACK_CHUNK):
                data += chunk
                if len(data) > allowance:
                    raise _refused(name, "body", _too_big(get_settings()
                                                          .import_max_unpacked_bytes))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # e.g. a CRC that does not match
        raise _refused(name, "body", translatable("the zip file is damaged: %(reason)s",
                                                  reason=str(exc))) from exc
    except (NotImplementedError, RuntimeError) as exc:  # another compression, a password
        raise _refused(name, "body", translatable("the zip file cannot be read: %(reason)s",
                                                  reason=str(exc))) from exc
    return data


def bundle_from_zip(content: bytes) -> Bundle:
    """Rows of a CSV zip export; `mechanisms.csv` is required, the other two are optional.
    What the zip may unpack to, and how many files it may hold, are settings."""
    archive = _opened(content)
    names = set(archive.namelist())
    if "mechanisms.csv" not in names:
        raise ImportFailed([{"where": "file", "field": "mechanisms.csv",
                             "message": N_("the zip has no mechanisms.csv")}])
    allowance = get_settings().import_max_unpacked_bytes

    def text(name: str) -> str:
        nonlocal allowance
        if name not in names:
            return ""
        data = _unpacked(archive, name, allowance)
        allowance -= len(data)
        try:
            return data.decode("utf-8-sig")
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
