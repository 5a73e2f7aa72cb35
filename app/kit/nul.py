"""No NUL character (U+0000) in any text the platform is given.

PostgreSQL's text types cannot hold U+0000 (the driver refuses the value before the query runs),
while SQLite stores it; an unchecked NUL in a name or a search term was a 500 on PostgreSQL only.
It has no use in anything typed into this platform, so it is refused up front, as a 422 naming
the field: in JSON bodies by `InputModel`, in form fields by `app.kit.forms`, and in query and
path parameters by the dependency here, which every route runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request

from app.errors import ValidationFailed

NUL = "\x00"
PROBLEM = "must not contain the NUL character (U+0000)"


def contains_nul(value: Any) -> bool:
    """True when `value`, or any text inside a list or mapping of it, holds U+0000."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_nul(item) for item in value)
    return False


def refuse_nul_in(items: Iterable[tuple[str, Any]]) -> None:
    """422 naming each field whose value holds U+0000."""
    fields = {name.replace(NUL, "\\0"): PROBLEM for name, value in items
              if contains_nul(name) or contains_nul(value)}
    if fields:
        raise ValidationFailed("Text must not contain the NUL character (U+0000).",
                               code="nul_character", fields=fields)


async def refuse_nul_parameters(request: Request) -> None:
    """The query and path parameters of every request (an app-wide dependency)."""
    refuse_nul_in([*request.query_params.multi_items(), *request.path_params.items()])
