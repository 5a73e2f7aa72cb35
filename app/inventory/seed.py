"""The real inventory: mechanisms and technologies from app/inventory/data/*.json.

Loaded by `valleycross load-reference` after the reference data (countries and groups, which
the records' scopes and deployments name). Idempotent: records are matched by name; a record is
created when missing and updated only while no one but the seed has changed it (a curator's edit
or verification is never overwritten). Seed records are never marked verified: a curator checks
them here first. Each change is a revision with no actor and the note "seed".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.inventory.transfer import Bundle, bundle_from_json, import_bundle

SEED_ORDER = 20
DATA_DIR = Path(__file__).parent / "data"
MECHANISMS_FILE = "mechanisms.json"
TECHNOLOGIES_FILE = "technologies.json"


def _rows(path: Path, key: str) -> list[Any]:
    """A file holds a list of records, or an object with the list under `key`."""
    if not path.exists():
        return []
    document = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(document, dict):
        document = document.get(key, [])
    if not isinstance(document, list):
        raise ValueError(f"{path}: expected a list of {key}")
    return document


def read_seed(data_dir: Path = DATA_DIR) -> Bundle | None:
    """The seed files as import rows (None when there are none)."""
    mechanisms = _rows(data_dir / MECHANISMS_FILE, "mechanisms")
    technologies = _rows(data_dir / TECHNOLOGIES_FILE, "technologies")
    if not mechanisms and not technologies:
        return None
    for row in mechanisms + technologies:
        if isinstance(row, dict):
            row.pop("last_verified_at", None)  # only a curator here verifies
    return bundle_from_json({MECHANISMS_FILE: mechanisms, TECHNOLOGIES_FILE: technologies},
                            mechanisms_key=MECHANISMS_FILE, technologies_key=TECHNOLOGIES_FILE)


def load_reference(db: Session, data_dir: Path = DATA_DIR) -> list[str]:
    bundle = read_seed(data_dir)
    if bundle is None:
        return [f"Inventory: no seed files in {data_dir}; nothing loaded."]
    report = import_bundle(db, bundle, actor=None, note="seed", seed=True)
    return report.lines("Inventory")
