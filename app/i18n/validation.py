"""Pydantic's validation messages, shown next to form fields, in the request's language.

Their English is pydantic-core's own message templates (`list_all_errors`), not a copy: a
template becomes a catalog entry (`{min_length}` -> `%(min_length)s`) and a pattern that
recognises the message it produced, so the values inside carry over into the translation.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic_core._pydantic_core import list_all_errors

# The error types a person can meet in a form here (text, numbers, dates, links, choices).
FORM_ERROR_TYPES = (
    "missing", "greater_than", "greater_than_equal", "less_than", "less_than_equal",
    "too_short", "too_long", "string_type", "string_too_short", "string_too_long",
    "string_pattern_mismatch", "enum", "literal_error", "bool_parsing", "int_type",
    "int_parsing", "int_from_float", "float_parsing", "date_parsing", "date_from_datetime_parsing",
    "datetime_parsing", "url_parsing", "url_too_long", "url_scheme", "decimal_parsing",
    "decimal_max_digits", "decimal_max_places", "decimal_whole_digits",
)
# Chinese has no plural ending; a translation may leave this value out.
OPTIONAL_VALUES = frozenset({"expected_plural"})
_VALUE = re.compile(r"\{(\w+)\}")


@cache
def message_ids() -> dict[str, str]:
    """error type -> catalog entry (pydantic's template in gettext's `%(name)s` form)."""
    templates = {e["type"]: e["message_template_python"] for e in list_all_errors()}
    return {kind: _VALUE.sub(r"%(\1)s", templates[kind]) for kind in FORM_ERROR_TYPES
            if kind in templates}


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for msgid in message_ids().values():
        parts = re.split(r"%\((\w+)\)s", msgid)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)"
                        for i, part in enumerate(parts))
        compiled.append((re.compile(regex + r"\Z", re.S), msgid))
    # The most specific (most literal text) first: "Input should be {expected}" comes last.
    return sorted(compiled, key=lambda p: -len(_VALUE.sub("", p[1].replace("%(", "{"))))


def recognise(message: str) -> tuple[str, dict[str, str]] | None:
    """The catalog entry and values of a message pydantic made, or None."""
    for pattern, msgid in _patterns():
        found = pattern.match(message)
        if found:
            return msgid, found.groupdict()
    return None
