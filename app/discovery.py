"""Finds each domain's modules by convention, so adding a domain touches no central list.

Inside `app/<domain>/`:
- `models.py`: imported so `Base.metadata` is complete;
- `routes.py`, `pages.py` and any `*_routes.py` / `*_pages.py`: must define `router`; a page
  module may define `NAV = [(href, label, order)]` for the main navigation,
  `SIGNED_IN_NAV` (same form) for entries shown only to signed-in people, and
  `ROLE_NAV = [(href, label, order, role)]` for entries only holders of that role see, and
  `CHALLENGE_LINKS`, a function (db, challenge, viewer) -> [(href, label)] of links on a
  challenge's page;
- `seed.py`: may define `load_reference(db)` and `load_demo(db)` (each returns lines to print)
  and `SEED_ORDER` (lower runs first).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

APP_DIR = Path(__file__).parent


def domains() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules([str(APP_DIR)]) if info.ispkg)


def domain_modules(predicate: str) -> list[ModuleType]:
    """Import `app.<domain>.<module>` for every module file matching `predicate` (a suffix)."""
    found: list[ModuleType] = []
    for domain in domains():
        for info in pkgutil.iter_modules([str(APP_DIR / domain)]):
            name = info.name
            if name == predicate or name.endswith("_" + predicate):
                found.append(importlib.import_module(f"app.{domain}.{name}"))
    return found
