"""The receipt of a submission: a canonical JSON document and its SHA-256 (pure).

Canonical means the same entry always gives the same bytes: UTF-8, keys sorted, no whitespace,
times as UTC `YYYY-MM-DDTHH:MM:SSZ` (the rules of the outcome contract, `challenges.rules`).
Anyone holding the document can check it with `sha256sum`; the files it lists are named with
their own SHA-256, so the receipt vouches for their exact content too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.challenges.rules import canonical_json, sha256_hex

FORMAT = "valleycross.submission-receipt/1"


@dataclass(frozen=True)
class ReceiptFile:
    name: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class Sealed:
    canonical_json: str
    sha256: str


def document(*, number: int, challenge_id: int, challenge_title: str, submission_id: int,
             registration_id: int, team: str | None, title: str, summary: str,
             files: list[ReceiptFile], submitted_at: dt.datetime) -> dict[str, Any]:
    """What was submitted, in the order the files were uploaded."""
    return {
        "format": FORMAT,
        "receipt_number": number,
        "challenge": {"id": challenge_id, "title": challenge_title},
        "submission_id": submission_id,
        "registration_id": registration_id,
        "team": team,
        "title": title,
        "summary": summary,
        "files": [{"name": f.name, "size_bytes": f.size_bytes, "sha256": f.sha256}
                  for f in files],
        "submitted_at": submitted_at,
    }


def seal(doc: dict[str, Any]) -> Sealed:
    data = canonical_json(doc)
    return Sealed(canonical_json=data.decode("utf-8"), sha256=sha256_hex(data))
