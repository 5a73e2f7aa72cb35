"""Export and import of the whole inventory (JSON here; CSV in transfer_csv.py).

The JSON document is the seed files' format plus `last_verified_at`:
`{"format": "valleycross-inventory", "version": 1, "mechanisms": [...], "technologies": [...]}`,
a mechanism carrying its outgoing `links: [{target, type, note}]` by target name and a technology
its `related_mechanisms` by name. Records are matched by name (case-insensitive).

An import checks every row before writing anything; one bad row and nothing is written (an
`ImportFailed` listing each row's place and reason). A record whose content, verification time
and links already equal the row is left alone, so importing an export changes nothing. A
mechanism in the file gets exactly the file's outgoing links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import AppError, ValidationFailed
from app.history import service as history
from app.i18n.translate import N_, translatable
from app.inventory import mechanisms as mech_service
from app.inventory import records
from app.inventory import technologies as tech_service
from app.inventory.models import LinkType, Mechanism, Technology
from app.inventory.records import MECHANISM, TECHNOLOGY, require_curator
from app.inventory.schemas import MechanismCreate, TechnologyCreate
from app.reference import service as reference

FORMAT = "valleycross-inventory"
MECHANISM_KEYS = set(records.MECHANISM_FIELDS) | {"links", "last_verified_at"}
TECHNOLOGY_KEYS = (set(records.TECHNOLOGY_FIELDS) - {"related_mechanism_ids"}) | {
    "related_mechanisms", "last_verified_at"}
LINK_KEYS = {"target", "type", "note"}


class ImportFailed(ValidationFailed):
    code = "import_invalid"
    message = N_("The file has rows that cannot be imported; nothing was imported.")

    def __init__(self, problems: list[dict[str, str]]) -> None:
        self.problems = problems
        super().__init__(fields={f"{p['where']}.{p['field']}": p["message"] for p in problems})


@dataclass
class Row:
    where: str  # "mechanisms[2]" or "mechanisms.csv line 3"
    data: dict[str, Any]


@dataclass
class LinkRow:
    where: str
    source: str
    data: dict[str, Any]


@dataclass
class Bundle:
    """An inventory file, parsed but not yet checked."""

    mechanisms: list[Row] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    technologies: list[Row] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)  # found while parsing


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=lambda: {MECHANISM: 0, TECHNOLOGY: 0})
    updated: dict[str, int] = field(default_factory=lambda: {MECHANISM: 0, TECHNOLOGY: 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {MECHANISM: 0, TECHNOLOGY: 0})
    skipped: dict[str, int] = field(default_factory=lambda: {MECHANISM: 0, TECHNOLOGY: 0})

    def lines(self, label: str) -> list[str]:
        plural = {MECHANISM: "mechanisms", TECHNOLOGY: "technologies"}
        return [f"{label}: {plural[kind]} {self.created[kind]} created, "
                f"{self.updated[kind]} updated, {self.unchanged[kind]} unchanged, "
                f"{self.skipped[kind]} kept (curated)"
                for kind in (MECHANISM, TECHNOLOGY)]


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def export_data(db: Session) -> dict[str, Any]:
    """The whole inventory as one JSON-ready document."""
    mechanisms = mech_service.list_all(db)
    names = {m.id: m.name for m in mechanisms}
    out_m = []
    for m in mechanisms:
        links = [{"target": names[link["target_id"]], "type": link["type"], "note": link["note"]}
                 for link in records.outgoing_links(db, m.id)]
        out_m.append({**records.mechanism_content(m), "last_verified_at": _iso(m.last_verified_at),
                      "links": sorted(links, key=lambda d: (d["type"], d["target"].lower()))})
    out_t = []
    for t in tech_service.list_all(db):
        content = records.technology_content(t)
        related = sorted((names[i] for i in content.pop("related_mechanism_ids")), key=str.lower)
        out_t.append({**content, "related_mechanisms": related,
                      "last_verified_at": _iso(t.last_verified_at)})
    return {"format": FORMAT, "version": 1, "exported_at": _iso(utcnow()),
            "mechanisms": out_m, "technologies": out_t}


def bundle_from_json(document: Any, *, mechanisms_key: str = "mechanisms",
                     technologies_key: str = "technologies") -> Bundle:
    """Rows of a JSON export (or of the seed files, whose links sit inside each mechanism)."""
    if not isinstance(document, dict):
        raise ImportFailed([{"where": "document", "field": "body",
                             "message": N_("expected an object with mechanisms and technologies")}])
    bundle = Bundle()
    for key, target in ((mechanisms_key, bundle.mechanisms),
                        (technologies_key, bundle.technologies)):
        rows = document.get(key, [])
        if not isinstance(rows, list):
            raise ImportFailed([{"where": key, "field": "body", "message": N_("expected a list")}])
        target.extend(Row(f"{key}[{i}]", row if isinstance(row, dict) else {"": row})
                      for i, row in enumerate(rows))
    for row in bundle.mechanisms:
        links = row.data.get("links", [])
        row.data = {k: v for k, v in row.data.items() if k != "links"}
        if not isinstance(links, list):
            row.data["links"] = links  # reported as an unknown shape below
            continue
        for j, link in enumerate(links):
            bundle.links.append(LinkRow(f"{row.where}.links[{j}]", str(row.data.get("name", "")),
                                        link if isinstance(link, dict) else {"": link}))
    return bundle


@dataclass
class Checked:
    mechanisms: list[tuple[MechanismCreate, dt.datetime | None]]
    links: dict[str, list[tuple[str, LinkType, str | None]]]  # source name (lower) -> links
    technologies: list[tuple[TechnologyCreate, list[str], dt.datetime | None]]


def _when(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationFailed(fields={"last_verified_at": N_("an ISO 8601 date-time or null")})
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(fields={"last_verified_at": N_("an ISO 8601 date-time")}) from exc
    if parsed.tzinfo is None:
        raise ValidationFailed(fields={"last_verified_at": N_("give the time zone (e.g. +00:00)")})
    return parsed.astimezone(dt.UTC)


def check_bundle(db: Session, bundle: Bundle) -> Checked:
    """Check every row; raise `ImportFailed` listing all problems, or return the clean rows."""
    problems: list[dict[str, str]] = list(bundle.problems)

    def problem(where: str, exc: AppError) -> None:
        for name, message in (exc.fields or {"row": exc.message}).items():
            problems.append({"where": where, "field": name, "message": message})

    checked = Checked(mechanisms=[], links={}, technologies=[])
    names: dict[str, str] = {}
    for row in bundle.mechanisms:
        try:
            unknown = sorted(set(row.data) - MECHANISM_KEYS)
            if unknown:
                raise ValidationFailed(fields={k or "row": N_("unknown field") for k in unknown})
            content = {k: v for k, v in row.data.items() if k != "last_verified_at"}
            data = records.validated(MechanismCreate, content)
            data.scope = reference.check_scope(db, codes=data.scope)
            if data.name.lower() in names:
                raise ValidationFailed(fields={"name": translatable(
                    "also in %(where)s", where=names[data.name.lower()])})
            names[data.name.lower()] = row.where
            checked.mechanisms.append((data, _when(row.data.get("last_verified_at"))))
        except AppError as exc:
            problem(row.where, exc)
    known = {n.lower() for n in mech_service.mechanism_names(db).values()} | set(names)
    seen_links: set[tuple[str, str, str]] = set()
    for link in bundle.links:
        try:
            unknown = sorted(set(link.data) - LINK_KEYS)
            if unknown:
                raise ValidationFailed(fields={k or "row": N_("unknown field") for k in unknown})
            target = str(link.data.get("target") or "").strip()
            source = link.source.strip()
            if source.lower() not in names:
                raise ValidationFailed(fields={"source": translatable(
                    "%(source)s is not a mechanism of this file", source=repr(source))})
            if target.lower() not in known:
                raise ValidationFailed(fields={"target": translatable(
                    "no mechanism named %(names)s", names=repr(target))})
            if target.lower() == source.lower():
                raise ValidationFailed(fields={"target": N_("a mechanism cannot link to itself")})
            try:
                kind = LinkType(str(link.data.get("type")))
            except ValueError as exc:
                raise ValidationFailed(fields={"type": translatable(
                    "one of %(choices)s", choices=", ".join(t.value for t in LinkType))}) from exc
            note = link.data.get("note")
            if note is not None and not isinstance(note, str):
                raise ValidationFailed(fields={"note": N_("text or null")})
            key = (source.lower(), target.lower(), kind.value)
            if key in seen_links:
                raise ValidationFailed(fields={"target": N_("the same link appears twice")})
            seen_links.add(key)
            checked.links.setdefault(source.lower(), []).append(
                (target, kind, (note or "").strip() or None))
        except AppError as exc:
            problem(link.where, exc)
    tech_names: dict[str, str] = {}
    for row in bundle.technologies:
        try:
            unknown = sorted(set(row.data) - TECHNOLOGY_KEYS)
            if unknown:
                raise ValidationFailed(fields={k or "row": N_("unknown field") for k in unknown})
            related = row.data.get("related_mechanisms") or []
            if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
                raise ValidationFailed(fields={"related_mechanisms": N_("a list of names")})
            missing = [r for r in related if r.strip().lower() not in known]
            if missing:
                raise ValidationFailed(fields={"related_mechanisms": translatable(
                    "no mechanism named %(names)s", names=", ".join(repr(m) for m in missing))})
            content = {k: v for k, v in row.data.items()
                       if k not in ("related_mechanisms", "last_verified_at")}
            tech = records.validated(TechnologyCreate, content)
            tech.countries_deployed = reference.check_countries(
                db, codes=tech.countries_deployed, field="countries_deployed")
            if tech.name.lower() in tech_names:
                raise ValidationFailed(fields={"name": translatable(
                    "also in %(where)s", where=tech_names[tech.name.lower()])})
            tech_names[tech.name.lower()] = row.where
            checked.technologies.append((tech, [r.strip() for r in related],
                                         _when(row.data.get("last_verified_at"))))
        except AppError as exc:
            problem(row.where, exc)
    if problems:
        raise ImportFailed(problems)
    return checked


def _is_seed_owned(db: Session, entity_type: str, entity_id: int) -> bool:
    """No one but the seed has changed this record (so a newer seed may update it)."""
    latest = history.latest(db, entity_type=entity_type, entity_id=entity_id)
    return latest is None or (latest.actor_id is None and latest.note == "seed")


def import_bundle(db: Session, bundle: Bundle, *, actor: User | None, note: str = "import",
                  seed: bool = False) -> Report:
    """Check, then write: create missing records, update changed ones, one revision per record
    that changed. With `seed`, records a curator has touched since are kept as they are."""
    require_curator(actor)
    checked = check_bundle(db, bundle)
    report = Report()
    befores: dict[int, dict[str, Any] | None] = {}
    by_name: dict[str, Mechanism] = {}
    for data, verified in checked.mechanisms:
        existing = mech_service.find_mechanism(db, name=data.name)
        if existing is not None and seed and not _is_seed_owned(db, MECHANISM, existing.id):
            report.skipped[MECHANISM] += 1
            checked.links.pop(data.name.lower(), None)
            continue
        if existing is None:
            mechanism = mech_service.create_mechanism(db, data=data, actor=actor,
                                                      last_verified_at=verified, record=False)
            befores[mechanism.id] = None
        else:
            mechanism = existing
            befores[mechanism.id] = records.mechanism_snapshot(db, mechanism)
            mechanism.last_verified_at = verified
            mech_service.update_mechanism(db, mechanism=mechanism, changes=data.model_dump(),
                                          actor=actor, record=False)
        by_name[data.name.lower()] = mechanism
    for source, mechanism in by_name.items():
        wanted = [(_mechanism_id(db, target), kind, link_note)
                  for target, kind, link_note in checked.links.get(source, [])]
        mech_service.set_links(db, mechanism=mechanism, links=wanted)
    for mechanism in by_name.values():
        _record_if_changed(db, report, MECHANISM, mechanism, befores[mechanism.id], note,
                           actor)
    for tech, related, verified in checked.technologies:
        tech.related_mechanism_ids = sorted({_mechanism_id(db, r) for r in related})
        found = tech_service.find_technology(db, name=tech.name)
        if found is not None and seed and not _is_seed_owned(db, TECHNOLOGY, found.id):
            report.skipped[TECHNOLOGY] += 1
            continue
        if found is None:
            technology = tech_service.create_technology(db, data=tech, actor=actor,
                                                        last_verified_at=verified, record=False)
            _record_if_changed(db, report, TECHNOLOGY, technology, None, note, actor)
            continue
        before = records.technology_snapshot(found)
        found.last_verified_at = verified
        tech_service.update_technology(db, technology=found, changes=tech.model_dump(),
                                       actor=actor, record=False)
        _record_if_changed(db, report, TECHNOLOGY, found, before, note, actor)
    return report


def _mechanism_id(db: Session, name: str) -> int:
    found = mech_service.find_mechanism(db, name=name)
    assert found is not None, "checked before"  # noqa: S101
    return found.id


def _record_if_changed(db: Session, report: Report, kind: str, record: Mechanism | Technology,
                       before: dict[str, Any] | None, note: str, actor: User | None) -> None:
    db.flush()
    if isinstance(record, Mechanism):
        after = records.mechanism_snapshot(db, record)
    else:
        after = records.technology_snapshot(record)
    if before is not None and after == before:
        report.unchanged[kind] += 1
        return
    (report.created if before is None else report.updated)[kind] += 1
    history.record(db, entity_type=kind, entity_id=record.id, snapshot=after,
                   action="create" if before is None else "import",
                   actor_id=records.actor_id(actor), note=note)
