"""Why an entry is awarded what it is, in words (pure): the reasons `allocation` gives.

Every reason is a translatable template with its values (`translatable`), so a page or an email
shows it in the reader's language while the ledger and the API keep the English sentence. The
values are numbers, names and money only, never words: money as `format_money` writes it
(USD 12.50), measured values with the target's unit (99.9 t), and ≥ / ≤ as symbols.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from app.challenges.enums import Direction
from app.challenges.prize_text import number_text

# Re-exported: the public sentences that state what `allocation` does with amounts.
from app.challenges.prize_text import rounding_rules as rounding_rules
from app.i18n.translate import N_, translatable


class Measure(Protocol):
    """What a reason needs of an outcome target (`allocation.Target` is one)."""

    @property
    def key(self) -> str: ...
    @property
    def direction(self) -> Direction: ...
    @property
    def baseline(self) -> Decimal | None: ...
    @property
    def metric(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def threshold(self) -> Decimal | None: ...


def metric(target: Measure) -> str:
    return target.metric or target.key


def quantity(target: Measure, value: Decimal) -> str:
    """`99.9 t`: the value as written, with the target's unit."""
    return f"{number_text(value)} {target.unit}".strip()


def needed(target: Measure) -> str | None:
    """`≥ 100 t`, or None when the target's threshold is not known."""
    if target.threshold is None:
        return None
    relation = "≥" if target.direction == Direction.AT_LEAST else "≤"
    return f"{relation} {quantity(target, target.threshold)}"


# ---- outcomes that did not pass verification ---------------------------------------------------

def missed(target: Measure, value: Decimal | None) -> str:
    """A target the entry did not meet: "CO₂ avoided 99.9 t, needed ≥ 100 t"."""
    need = needed(target)
    if value is None:
        return (translatable("%(metric)s not attested, needed %(needed)s", metric=metric(target),
                             needed=need) if need else
                translatable("%(metric)s not attested", metric=metric(target)))
    if need is None:
        return translatable("%(metric)s %(value)s does not meet its target",
                            metric=metric(target), value=quantity(target, value))
    return translatable("%(metric)s %(value)s, needed %(needed)s", metric=metric(target),
                        value=quantity(target, value), needed=need)


def not_met_fallback() -> str:
    return N_("a required target was not met")


def not_attested(metrics: list[str]) -> str:
    if not metrics:
        return N_("its outcomes were not all attested before verification closed")
    return translatable("its outcomes were not all attested before verification closed "
                        "(not attested: %(metrics)s)", metrics=", ".join(metrics))


# ---- ranked places -----------------------------------------------------------------------------

def place(position: int, rank: int | None) -> str:
    if rank is None or rank == position:
        return translatable("place %(place)s", place=position)
    return translatable("place %(place)s among the verified entries (judging rank %(rank)s)",
                        place=position, rank=rank)


def tied_places(first: int, last: int, amount: str, count: int, rank: int | None) -> str:
    if first == last:
        return translatable("place %(place)s (%(amount)s) shared equally by %(count)s entries "
                            "tied at rank %(rank)s", place=first, amount=amount, count=count,
                            rank=rank)
    return translatable("places %(first)s–%(last)s (%(amount)s together) shared equally by "
                        "%(count)s entries tied at rank %(rank)s", first=first, last=last,
                        amount=amount, count=count, rank=rank)


def beyond_places(position: int, rank: int | None, places: int) -> str:
    """A verified entry the places do not reach: "ranked 4, and the prize rules pay 3 places"."""
    if rank is None or rank == position:
        if places == 1:
            return translatable("ranked %(rank)s, and the prize rules pay only 1 place",
                                rank=position)
        return translatable("ranked %(rank)s, and the prize rules pay %(count)s places",
                            rank=position, count=places)
    if places == 1:
        return translatable("place %(place)s among the verified entries (judging rank "
                            "%(rank)s), and the prize rules pay only 1 place",
                            place=position, rank=rank)
    return translatable("place %(place)s among the verified entries (judging rank %(rank)s), "
                        "and the prize rules pay %(count)s places", place=position, rank=rank,
                        count=places)


# ---- a fixed amount per solution ---------------------------------------------------------------

def every_target_met(amount: str) -> str:
    return translatable("every required target met: %(amount)s per solution", amount=amount)


def purse_shared(count: int, purse: str) -> str:
    return translatable("%(count)s solutions share the purse (%(purse)s) equally",
                        count=count, purse=purse)


def paid_by_rank(amount: str) -> str:
    return translatable("%(amount)s per solution, paid in full by rank while the purse lasted",
                        amount=amount)


def rest_of_purse(left: str, count: int, rank: int | None) -> str:
    if count == 1:
        return translatable("what was left of the purse (%(left)s) after better-ranked entries "
                            "were paid in full", left=left)
    return translatable("%(count)s entries tied at rank %(rank)s share equally what was left of "
                        "the purse (%(left)s)", count=count, rank=rank, left=left)


def purse_spent() -> str:
    return N_("the purse was spent on better-ranked entries")


# ---- milestones --------------------------------------------------------------------------------

def milestone(name: str, amount: str, count: int) -> str:
    if count == 1:
        return translatable("milestone “%(name)s” (%(amount)s)", name=name, amount=amount)
    return translatable("milestone “%(name)s” (%(amount)s) shared equally by %(count)s entries",
                        name=name, amount=amount, count=count)


def milestone_missed(name: str, target: Measure, value: Decimal | None) -> str:
    """A milestone needs a target the entry did not meet."""
    need = needed(target) or "?"
    if value is None:
        return translatable("milestone “%(name)s” needs %(metric)s %(needed)s, which was not "
                            "attested", name=name, metric=metric(target), needed=need)
    return translatable("milestone “%(name)s” needs %(metric)s %(needed)s; attested %(value)s",
                        name=name, metric=metric(target), needed=need,
                        value=quantity(target, value))


# ---- per verified unit -------------------------------------------------------------------------

def gate_missed(target: Measure, value: Decimal | None) -> str:
    """The quality gate: "quality gate not met: maize treated 65 %, needed ≥ 70 %"."""
    need = needed(target) or "?"
    if value is None:
        return translatable("quality gate not attested: %(metric)s, needed %(needed)s",
                            metric=metric(target), needed=need)
    return translatable("quality gate not met: %(metric)s %(value)s, needed %(needed)s",
                        metric=metric(target), value=quantity(target, value), needed=need)


def unit_not_attested(target: Measure) -> str:
    return translatable("%(metric)s not attested, so there are no units to pay for",
                        metric=metric(target))


def no_improvement(target: Measure, value: Decimal) -> str:
    # No baseline counts as zero (`allocation.improvement`), so zero is shown.
    return translatable("no improvement over the baseline: %(metric)s %(value)s, baseline "
                        "%(baseline)s", metric=metric(target), value=quantity(target, value),
                        baseline=quantity(target, target.baseline or Decimal(0)))


def per_unit(target: Measure, gained: Decimal, rate: str) -> str:
    if target.baseline is None:
        return translatable("%(metric)s %(gained)s, paid at %(rate)s per %(unit)s, rounded down",
                            metric=metric(target), gained=quantity(target, gained), rate=rate,
                            unit=target.unit)
    return translatable("%(metric)s improved by %(gained)s over the baseline (%(baseline)s), "
                        "paid at %(rate)s per %(unit)s, rounded down", metric=metric(target),
                        gained=quantity(target, gained),
                        baseline=quantity(target, target.baseline), rate=rate,
                        unit=target.unit)


def per_unit_rounds_to_zero(target: Measure, gained: Decimal, rate: str) -> str:
    return translatable("%(metric)s improved by %(gained)s, which at %(rate)s per %(unit)s "
                        "rounds down to nothing", metric=metric(target),
                        gained=quantity(target, gained), rate=rate, unit=target.unit)


def solver_cap(cap: str) -> str:
    return translatable("limited by the cap %(cap)s per solver", cap=cap)


def overall_cap(earned: str, cap: str) -> str:
    return translatable("scaled down in proportion: the earnings together (%(earned)s) exceed "
                        "the overall cap %(cap)s", earned=earned, cap=cap)


# ---- a pool shared by a verified quantity ------------------------------------------------------

def pool_share(pool: str, target: Measure, value: Decimal, total: str) -> str:
    """`total` is the sum of the shared quantities, as `quantity` writes it."""
    return translatable("share of the pool (%(pool)s) in proportion to %(metric)s: %(value)s of "
                        "%(total)s", pool=pool, metric=metric(target),
                        value=quantity(target, value), total=total)


def pool_equal(pool: str, target: Measure, count: int) -> str:
    return translatable("no solution has a positive %(metric)s, so %(count)s share the pool "
                        "(%(pool)s) equally", metric=metric(target), count=count, pool=pool)


def pool_nothing(target: Measure, value: Decimal | None) -> str:
    if value is None:
        return translatable("%(metric)s not attested, so no share of the pool",
                            metric=metric(target))
    return translatable("%(metric)s %(value)s gives no share of the pool",
                        metric=metric(target), value=quantity(target, value))


# ---- rounding and holdback ---------------------------------------------------------------------

def equal_share_rounds_to_zero() -> str:
    return N_("its equal share is less than one minor unit, and the units left over went to "
              "the entries listed before it")


def share_rounds_to_zero() -> str:
    return N_("its share rounds down to zero, and the units left over went to the shares with "
              "larger remainders")


def nothing_left() -> str:
    return N_("the prize rules leave nothing for it")
