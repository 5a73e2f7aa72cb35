"""CSV export and all-or-nothing import of needs.

Columns follow the demo data file: `id, country, sector, stage, technology, technology_ref,
mitigation_adaptation, priority, source_title, source_url, status, notes, dataset`. A row with an
id updates that need, a row without one creates a need. Every row is checked before anything is
written; one bad row and nothing is imported, and each bad row is reported with its line number.
Re-importing an export changes nothing (no revisions either).

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are written with a leading apostrophe (app/kit/csv_export.py), which the import removes
again.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import ValidationFailed, validation_message
from app.i18n.translate import N_, Translatable, translatable
from app.i18n.validation import recognise
from app.inventory.models import Technology
from app.kit.csv_export import unprotect, write_csv
from app.kit.schemas import MAX_DB_INT
from app.needs import service
from app.needs.coverage import GapFilters, need_conditions
from app.needs.models import Need
from app.needs.schemas import ImportResult, NeedCreate

COLUMNS = ["id", "country", "sector", "stage", "technology", "technology_ref",
           "mitigation_adaptation", "priority", "source_title", "source_url", "status", "notes",
           "dataset"]
REQUIRED = {"country", "sector", "stage", "mitigation_adaptation", "priority"}
TO_FIELD = {"country": "country_code", "technology": "technology_name"}
TO_COLUMN = {v: k for k, v in TO_FIELD.items()} | {"technology_id": "technology_ref"}
MAX_BYTES = 10_000_000
MAX_REPORTED = 200
_ID = re.compile(r"[0-9]{1,10}")  # MAX_DB_INT has 10 digits


def export_csv(db: Session, *, filters: GapFilters | None = None) -> str:
    """All needs (or those matching `filters`) as CSV, ordered by id."""
    conditions = need_conditions(filters) if filters else []
    needs = list(db.scalars(select(Need).where(*conditions).order_by(Need.id)))
    names = service.technology_names(db, {n.technology_id for n in needs if n.technology_id})
    return write_csv(COLUMNS, ([
        n.id, n.country_code, n.sector.value, n.stage.value, n.technology_name,
        names.get(n.technology_id) if n.technology_id else None,
        n.mitigation_adaptation.value, n.priority.value, n.source_title, n.source_url,
        n.status.value, n.notes, n.dataset] for n in needs))


def _message(text: str) -> str:
    """`text` (a service's message or pydantic's) as a message a page can translate when it is
    a value inside another message."""
    if isinstance(text, Translatable):
        return text
    found = recognise(text)
    if found is not None:
        made = translatable(found[0], **found[1])
        if made == text:
            return made
    return translatable(text)


def _column(name: str, message: str) -> str:
    return translatable("%(column)s: %(reason)s", column=TO_COLUMN.get(name, name),
                        reason=_message(message))


def _joined(parts: list[str]) -> str:
    """`"; ".join(parts)`, which a page shows with each part in its language."""
    joined = parts[0]
    for part in parts[1:]:
        joined = translatable("%(earlier)s; %(then)s", earlier=joined, then=part)
    return joined


def _said(exc: ValueError) -> str:
    """What a ValueError says, as raised (`str(exc)` would drop a page's translation of it)."""
    said = exc.args[0] if len(exc.args) == 1 else None
    return said if isinstance(said, str) else str(exc)


def _reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = ".".join(str(p) for p in err.get("loc", ())) or "row"
        parts.append(_column(name, validation_message(err)))
    return _joined(parts)


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise ValidationFailed(N_("The file is empty."),
                               fields={"line 1": N_("no header row")}) from exc
    except csv.Error as exc:
        raise ValidationFailed(fields={"line 1": translatable("not CSV: %(reason)s",
                                                              reason=str(exc))}) from exc
    rows: list[tuple[int, list[str]]] = []
    end = reader.line_num
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if any(cell.strip() for cell in row):
                rows.append((start, row))
    except csv.Error as exc:
        raise ValidationFailed(fields={f"line {reader.line_num}": translatable(
            "not CSV: %(reason)s", reason=str(exc))}) from exc
    return header, rows


def _check_header(header: list[str]) -> None:
    """Known columns, none twice; without an id column every row creates a need, so the
    required columns must be there (with one, rows without an id are checked one by one)."""
    unknown = [h for h in header if h not in COLUMNS]
    missing = sorted(REQUIRED - set(header)) if "id" not in header else []
    duplicated = sorted({h for h in header if header.count(h) > 1})
    reasons = ([translatable("unknown column(s): %(columns)s", columns=", ".join(unknown))]
               if unknown else []) + \
        ([translatable("missing column(s): %(columns)s", columns=", ".join(missing))]
         if missing else []) + \
        ([translatable("repeated column(s): %(columns)s", columns=", ".join(duplicated))]
         if duplicated else [])
    if reasons:
        raise ValidationFailed(N_("The header row is not valid; nothing was imported."),
                               fields={"line 1": _joined(reasons)})


def import_csv(db: Session, *, data: bytes | str, actor: User | None) -> ImportResult:
    """Validate every row, then create or update; all or nothing."""
    service.check_curator(actor)
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ValidationFailed(translatable("The file is larger than %(mb)s MB.",
                                                mb=MAX_BYTES // 1_000_000),
                                   fields={"file": N_("too large")})
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(N_("The file is not UTF-8 text."),
                                   fields={"file": N_("not UTF-8")}) from exc
    header, rows = _rows(data.removeprefix("\ufeff"))
    _check_header(header)

    records = [(line, {h: unprotect(v.strip()) for h, v in zip(header, row, strict=False)},
                len(row)) for line, row in rows]
    refs = {r["technology_ref"] for _l, r, _n in records if r.get("technology_ref")}
    tech_ids = dict(db.execute(select(Technology.name, Technology.id)
                               .where(Technology.name.in_(sorted(refs)))).all()) \
        if refs else {}
    wanted_ids = {need_id for _l, r, _n in records
                  if (need_id := _need_id(r.get("id", ""))) is not None}
    existing: dict[int, Need] = {}
    ordered = sorted(wanted_ids)
    for i in range(0, len(ordered), 5000):
        existing.update({n.id: n for n in db.scalars(
            select(Need).where(Need.id.in_(ordered[i:i + 5000])))})

    errors: dict[str, str] = {}
    plan: list[tuple[Need | None, dict[str, Any]]] = []
    seen: set[int] = set()
    for line, record, width in records:
        try:
            plan.append(_check_row(db, record, width, header, tech_ids, existing, seen))
        except ValueError as exc:
            errors[f"line {line}"] = _said(exc)
    if errors:
        shown = dict(list(errors.items())[:MAX_REPORTED])
        if len(errors) > MAX_REPORTED:
            shown["more"] = translatable("%(count)s more bad rows not listed",
                                         count=len(errors) - MAX_REPORTED)
        raise ValidationFailed(translatable("%(count)s row(s) are not valid; nothing was "
                                            "imported.", count=len(errors)),
                               fields=shown)

    created = updated = unchanged = 0
    for need, values in plan:
        if need is None:
            dataset = values.pop("dataset")
            service.create(db, data=NeedCreate(**values), actor=actor, dataset=dataset,
                           note=N_("CSV import"))
            created += 1
        elif service.apply_changes(db, need=need, changes=values, actor=actor,
                                   note=N_("CSV import")):
            updated += 1
        else:
            unchanged += 1
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def _need_id(raw: str) -> int | None:
    """The id a cell names: ASCII digits within the id column's range (a 30-digit id reached
    the database, which answered with an error, a 500); None otherwise."""
    if not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_DB_INT else None


def _check_row(db: Session, record: dict[str, str], width: int, header: list[str],
               tech_ids: dict[str, int], existing: dict[int, Need],
               seen: set[int]) -> tuple[Need | None, dict[str, Any]]:
    """The need to update (None: create) and its validated values; ValueError says why not.
    An update changes only the columns the file has."""
    if width != len(header):
        raise ValueError(translatable("has %(cells)s cells, the header has %(columns)s",
                                      cells=width, columns=len(header)))
    need: Need | None = None
    raw_id = record.get("id", "")
    if raw_id:
        need_id = _need_id(raw_id)
        if need_id is None:
            raise ValueError(translatable("id: %(id)s is not an id (a whole number from 1 to "
                                          "%(max)s)", id=repr(raw_id), max=MAX_DB_INT))
        need = existing.get(need_id)
        if need is None:
            raise ValueError(translatable("id: there is no need with id %(id)s", id=raw_id))
        if need.id in seen:
            raise ValueError(translatable("id: %(id)s appears more than once", id=raw_id))
        seen.add(need.id)
    if need is None and REQUIRED - set(header):
        raise ValueError(translatable("a new need (no id) needs the columns %(columns)s",
                                      columns=", ".join(sorted(REQUIRED - set(header)))))
    ref = record.get("technology_ref") or None
    if ref and ref not in tech_ids:
        raise ValueError(translatable("technology_ref: no technology named %(name)s in the "
                                      "knowledge base", name=repr(ref)))
    given = {"country_code": record.get("country", "").upper(),
             "sector": record.get("sector"), "stage": record.get("stage"),
             "technology_id": tech_ids[ref] if ref else None,
             "technology_name": record.get("technology") or None,
             "mitigation_adaptation": record.get("mitigation_adaptation"),
             "priority": record.get("priority"),
             "source_title": record.get("source_title") or None,
             "source_url": record.get("source_url") or None,
             "status": record.get("status") or "open", "notes": record.get("notes") or None}
    # An update keeps the need's values for the columns the file does not have.
    values = {k: v for k, v in (service.snapshot(need) if need else {}).items() if k in given}
    values.update({k: v for k, v in given.items() if TO_COLUMN.get(k, k) in header or not need})
    try:
        checked = NeedCreate(**values).model_dump()
        checked = service.clean(db, checked)
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from exc
    except ValidationFailed as exc:
        raise ValueError(_joined([_column(k, v) for k, v in exc.fields.items()])) from exc
    if "dataset" in header or need is None:
        checked["dataset"] = record.get("dataset") or None
    return need, checked
