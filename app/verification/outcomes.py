"""Whether an entry reached its challenge's outcome targets (pure: no database, exact decimals).

A target is met when the verified measurement is at least (or at most) its threshold, compared
exactly. An entry is `verified` when every required target has a measurement and each one is met,
`not_met` as soon as one required target is measured and missed, and `pending` otherwise. Targets
marked optional are measured and shown but never decide the status; a challenge whose targets are
all optional needs every one of them measured before its entries are verified.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.challenges.enums import Direction


class OutcomeStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    NOT_MET = "not_met"


@dataclass(frozen=True)
class Target:
    key: str
    direction: Direction
    threshold: Decimal
    required: bool = True


@dataclass(frozen=True)
class EntryOutcome:
    status: OutcomeStatus
    met: tuple[str, ...]  # keys of measured targets that are met
    missed: tuple[str, ...]  # keys of measured targets that are not
    unmeasured: tuple[str, ...]  # keys still without a verified measurement


def is_met(direction: Direction, threshold: Decimal, measured: Decimal) -> bool:
    if direction == Direction.AT_LEAST:
        return measured >= threshold
    return measured <= threshold


def entry_outcome(targets: Sequence[Target], measured: Mapping[str, Decimal]) -> EntryOutcome:
    """The entry's status from its measurements (keyed by target key; unknown keys ignored)."""
    met = tuple(t.key for t in targets if t.key in measured
                and is_met(t.direction, t.threshold, measured[t.key]))
    missed = tuple(t.key for t in targets if t.key in measured and t.key not in met)
    unmeasured = tuple(t.key for t in targets if t.key not in measured)
    deciding = [t for t in targets if t.required] or list(targets)
    if any(t.key in missed for t in deciding):
        status = OutcomeStatus.NOT_MET
    elif deciding and all(t.key in met for t in deciding):
        status = OutcomeStatus.VERIFIED
    else:
        status = OutcomeStatus.PENDING
    return EntryOutcome(status, met, missed, unmeasured)


@dataclass(frozen=True)
class TargetRecord:
    """One target of a shortlisted entry with its attestation, if any."""

    key: str
    metric: str
    unit: str
    direction: Direction
    threshold: Decimal
    required: bool
    verification_method: str
    measured_value: Decimal | None
    met: bool | None
    evidence: str | None
    evidence_url: str | None
    verifier: str | None
    attested_at: dt.datetime | None


@dataclass(frozen=True)
class ShortlistedEntry:
    """An entry judging made eligible, with its outcomes as verification found them."""

    submission_id: int
    registration_id: int
    title: str
    entrant: str
    judging_rank: int | None
    status: OutcomeStatus
    targets: tuple[TargetRecord, ...]
    code: str = ""  # judging's code for the entry, the name it has in the published inputs

    @property
    def measured(self) -> dict[str, Decimal]:
        return {t.key: t.measured_value for t in self.targets if t.measured_value is not None}

    @property
    def met(self) -> dict[str, bool]:
        return {t.key: bool(t.met) for t in self.targets if t.measured_value is not None}
