"""Database objects that migrations create by hand and the models do not describe.

Full-text search lives outside the models: FTS5 virtual tables (and the shadow tables SQLite
makes for them: `<table>_fts_data`, `_idx`, `_docsize`, `_config`) and PostgreSQL expression
indexes named `ix_<table>_search`. Alembic's comparison of models and database must not see them
(migrations/env.py and tests/test_migrations.py use these hooks).
"""

from __future__ import annotations

import re
from typing import Any

_HAND_MADE = re.compile(r"^[a-z_]+_fts(_(data|idx|docsize|config|content))?$|^ix_[a-z_]+_search$")


def is_hand_made(name: str | None) -> bool:
    return bool(name) and bool(_HAND_MADE.match(name or ""))


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic `include_name`: skip hand-made search tables and indexes before reflection."""
    return not (type_ in ("table", "index") and is_hand_made(name))


def include_object(obj: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic `include_object`: the same rule for objects that reached the comparison."""
    return not (type_ in ("table", "index") and reflected and compare_to is None
                and is_hand_made(name))
