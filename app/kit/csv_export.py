"""The one CSV writer of every export, safe to open in a spreadsheet.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets (OWASP "CSV injection"): `=HYPERLINK(...)` in a mechanism's
name becomes a link that leaks data, `+cmd|...` may start a program. Every text cell that
starts so is written with a leading apostrophe, which a spreadsheet shows as text and hides;
a cell that already starts with apostrophes before such a character gets one more, so that
`unprotect` (used by the imports that read our own exports back) gives the exact text again.

Numbers are written as numbers: a cell made from an int, a float or a Decimal (`-5`, `-0.25`)
cannot carry a formula, and escaping it would turn a numeric column into text in the
spreadsheet. The writer knows a cell is numeric by its Python type, never by its looks: the
text "-5" (a name, a note) is escaped like any other text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

_FORMULA = re.compile(r"^'*[=+\-@\t\r]")

Cell = str | int | float | Decimal | None


def protect(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it."""
    return "'" + text if _FORMULA.match(text) else text


def unprotect(text: str) -> str:
    """The text `protect` was given (a cell read back from one of our exports)."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text) else text


def cell(value: Cell) -> str:
    """One cell's text: empty for None, numbers as they are, text protected."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int to Python, but text to a reader
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return protect(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A whole CSV document (RFC 4180: CRLF line ends, quotes where needed), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([protect(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()
