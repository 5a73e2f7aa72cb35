"""Demonstration needs from `data/demo_needs.json`, loaded idempotently with dataset "demo".

They are demonstration data, labelled as such wherever needs are shown; `load_demo` never runs for
`load-reference`. A need is recognised again by (country, sector, stage, technology), so loading
twice changes nothing, an edited file updates the records it names, and a status a curator set
is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.translate import N_
from app.needs import service
from app.needs.models import Need
from app.needs.schemas import NeedCreate

SEED_ORDER = 40
DEMO_FILE = Path(__file__).parent / "data" / "demo_needs.json"
KEYS = ("country", "sector", "stage", "technology", "technology_ref", "mitigation_adaptation",
        "priority", "source_title", "source_url", "notes")


def _values(db: Session, entry: dict[str, Any], position: int) -> tuple[dict[str, Any], str | None]:
    unknown = set(entry) - set(KEYS)
    if unknown:
        raise ValueError(f"demo need #{position}: unknown key(s) {sorted(unknown)}")
    ref = entry.get("technology_ref") or None
    tech_id = service.technology_id_for(db, ref) if ref else None
    values = {"country_code": entry.get("country"), "sector": entry.get("sector"),
              "stage": entry.get("stage"), "technology_id": tech_id,
              "technology_name": entry.get("technology") or None,
              "mitigation_adaptation": entry.get("mitigation_adaptation"),
              "priority": entry.get("priority"), "source_title": entry.get("source_title"),
              "source_url": entry.get("source_url"), "notes": entry.get("notes")}
    try:
        checked = NeedCreate(**values).model_dump()
    except ValidationError as exc:
        raise ValueError(f"demo need #{position} is not valid: {exc}") from exc
    return checked, ref if ref and tech_id is None else None


def load_demo(db: Session, path: Path = DEMO_FILE) -> list[str]:
    if not path.exists():
        return [f"Needs: no demonstration file at {path}; no demo needs loaded."]
    document = json.loads(path.read_text(encoding="utf-8"))
    existing = {(n.country_code, n.sector.value, n.stage.value, n.technology_name): n
                for n in db.scalars(select(Need).where(Need.dataset == service.DEMO_DATASET))}
    created = updated = 0
    missing_refs: set[str] = set()
    for position, entry in enumerate(document["needs"], start=1):
        values, missing = _values(db, entry, position)
        if missing:
            missing_refs.add(missing)
        key = (str(values["country_code"]).upper(), values["sector"].value,
               values["stage"].value, values["technology_name"])
        need = existing.get(key)
        if need is None:
            existing[key] = service.create(db, data=NeedCreate(**values), actor=None,
                                           dataset=service.DEMO_DATASET,
                                           note=N_("demonstration data"))
            created += 1
        elif service.apply_changes(db, need=need, changes={k: v for k, v in values.items()
                                                           if k != "status"},
                                   actor=None, note=N_("demonstration data")):
            updated += 1
    lines = [f"Needs: {len(document['needs'])} demonstration needs ({document.get('label', '')}): "
             f"{created} created, {updated} updated."]
    if missing_refs:
        lines.append("  technology_ref not in the knowledge base (left unlinked): "
                     + ", ".join(sorted(missing_refs)))
    return lines
