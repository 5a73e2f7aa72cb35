"""The award ledger's hash chain (pure: no database).

Each entry's payload is canonical JSON (sorted keys, no whitespace, UTF-8) holding every field of
the entry; its hash is SHA-256 over the previous entry's hash (64 hex characters) followed by the
payload, the first entry chaining onto `GENESIS`. Changing one byte of a past payload changes its
hash and so breaks every later link; deleting or swapping entries leaves a gap in the sequence or
a `prev_hash` that is not the hash before it. A whole rewritten chain is consistent with itself,
which is why the head is published: whoever kept an earlier head can ask whether it is still in
the chain (`verify(..., head=...)`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The payload fields that are also columns: a column that disagrees with its payload is as much
# a break as a payload that disagrees with its hash.
COLUMN_FIELDS = ("sequence", "recorded_at", "kind", "challenge", "entry", "amount_minor",
                 "currency", "reason", "actor")


def canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def entry_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload.encode("utf-8")).hexdigest()


def timestamp(at: dt.datetime) -> str:
    """The one text form of a time in a payload: UTC, microseconds, a trailing Z."""
    if at.tzinfo is None:
        raise ValueError("ledger times are aware UTC")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Link:
    """One stored entry as read back: its columns, its payload text and its two hashes."""

    sequence: int
    columns: Mapping[str, Any]  # the COLUMN_FIELDS as stored in their own columns
    payload: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    sequence: int  # the first entry that does not hold (or where one is missing)
    problem: str  # hash_mismatch, sequence_gap, wrong_prev_hash, payload_mismatch


@dataclass(frozen=True)
class Check:
    entries: int
    head: str
    broken: Break | None
    head_found: bool | None  # None when no earlier head was asked about

    @property
    def ok(self) -> bool:
        return self.broken is None and self.head_found is not False


def _columns_match(link: Link) -> bool:
    try:
        payload = json.loads(link.payload)
    except ValueError:
        return False
    return all(payload.get(name) == link.columns.get(name) for name in COLUMN_FIELDS)


def verify(links: Iterable[Link], *, head: str | None = None) -> Check:
    """Walk the chain in sequence order; stop at the first entry that does not hold."""
    expected_sequence, previous, count = 1, GENESIS, 0
    head_found = None if head is None else head == GENESIS
    for link in links:
        broken: str | None = None
        if link.sequence != expected_sequence:
            broken = "sequence_gap"
        elif link.prev_hash != previous:
            broken = "wrong_prev_hash"
        elif entry_hash(link.prev_hash, link.payload) != link.hash:
            broken = "hash_mismatch"
        elif not _columns_match(link):
            broken = "payload_mismatch"
        if broken:
            # A gap is reported at the first sequence number that is missing.
            at = expected_sequence if broken == "sequence_gap" else link.sequence
            return Check(count, previous, Break(at, broken), head_found)
        count += 1
        previous = link.hash
        expected_sequence += 1
        if head is not None and link.hash == head:
            head_found = True
    return Check(count, previous, None, head_found)
