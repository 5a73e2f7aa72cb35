"""Where an award's money stands (pure): what is payable now, what is held and until when.

    proposed --finalise--> payable --payments--> paid now, holdback held --(delay passes)-->
    holdback due --persistence check--> released (payable again, then paid) | forfeited

An award is payable only once its challenge is final: the part paid now at once, the holdback
after a verifier has attested that the outcome persisted. Payments never exceed what is payable.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class MoneyState(enum.StrEnum):
    NO_AWARD = "no_award"
    PROPOSED = "proposed"
    PAYABLE = "payable"
    HELD = "held"  # paid what is payable; the holdback waits for its date
    HOLDBACK_DUE = "holdback_due"  # the date has come: a verifier checks persistence
    PAID = "paid"
    FORFEITED = "forfeited"  # paid what was due; the holdback was forfeited
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Payout:
    amount_minor: int
    held_back_minor: int
    paid_minor: int
    final: bool
    cancelled: bool = False
    holdback_due_on: dt.date | None = None
    holdback: str | None = None  # "released" or "forfeited" once checked

    @property
    def due_minor(self) -> int:
        """Everything the entrant is owed by now, paid or not."""
        if not self.final or self.cancelled:
            return 0
        released = self.held_back_minor if self.holdback == "released" else 0
        return self.amount_minor - self.held_back_minor + released

    @property
    def payable_minor(self) -> int:
        return max(self.due_minor - self.paid_minor, 0)

    @property
    def held_minor(self) -> int:
        """Kept back and not yet decided."""
        return self.held_back_minor if self.final and self.holdback is None else 0

    def state(self, today: dt.date) -> MoneyState:
        if self.amount_minor == 0:
            return MoneyState.NO_AWARD
        if self.cancelled:
            return MoneyState.CANCELLED
        if not self.final:
            return MoneyState.PROPOSED
        if self.payable_minor > 0:
            return MoneyState.PAYABLE
        if self.held_minor > 0:
            due = self.holdback_due_on is not None and today >= self.holdback_due_on
            return MoneyState.HOLDBACK_DUE if due else MoneyState.HELD
        if self.holdback == "forfeited":
            return MoneyState.FORFEITED
        return MoneyState.PAID


def holdback_due_on(finalised: dt.datetime, delay_days: int) -> dt.date:
    return (finalised + dt.timedelta(days=delay_days)).date()
