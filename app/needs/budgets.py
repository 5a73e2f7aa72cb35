"""Budgets spread over sector × stage cells with exact integer arithmetic, and converted between
currencies only at rates the user supplies (exact decimals). Pure: no SQLAlchemy or FastAPI."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from app.i18n.translate import translatable
from app.needs.gaps import SECTOR_ORDER, STAGE_ORDER
from app.reference.vocab import Sector, Stage


def split_exact(total: int, weights: Sequence[int]) -> list[int]:
    """Split an integer in proportion to integer weights so the parts sum exactly to `total`
    (largest remainder: floors first, then one unit each to the largest remainders, ties to the
    earlier position)."""
    if total < 0 or any(w < 0 for w in weights) or not weights or sum(weights) == 0:
        raise ValueError("need a non-negative total and at least one positive weight")
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    leftover = total - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:leftover]:
        parts[i] += 1
    return parts


@lru_cache(maxsize=4096)
def _cells(sectors: frozenset[str], stages: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Sector × stage cells in vocabulary order."""
    return tuple((s, t) for s in sorted(sectors, key=SECTOR_ORDER.__getitem__)
                 for t in sorted(stages, key=STAGE_ORDER.__getitem__))


def spread_budget(total: int, sectors: Iterable[str],
                  stages: Iterable[str]) -> dict[tuple[str, str], int]:
    """A budget spread evenly over the sector × stage cells (vocabulary order takes the spare
    units first): `split_exact` with equal weights, whose remainders are all equal."""
    cells = _cells(frozenset(sectors), frozenset(stages))
    if total < 0 or not cells:
        raise ValueError("need a non-negative total and at least one positive weight")
    share, spare = divmod(total, len(cells))
    return {cell: share + (1 if i < spare else 0) for i, cell in enumerate(cells)}


def parse_rates(text: str | None, *, is_currency: Callable[[str], bool]) -> dict[str, Decimal]:
    """`EUR:1.08,GBP:1.27` → {'EUR': Decimal('1.08'), ...}: 1 unit of each is worth that many
    units of the target currency. Raises ValueError with a readable reason."""
    rates: dict[str, Decimal] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        code, sep, value = part.strip().partition(":")
        code = code.strip().upper()
        if not sep or not is_currency(code):
            raise ValueError(translatable("%(part)s is not CODE:RATE with an ISO 4217 code",
                                          part=repr(part.strip())))
        try:
            rate = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(translatable("%(value)s is not a decimal number",
                                          value=repr(value.strip()))) from exc
        if not rate.is_finite() or rate <= 0:
            raise ValueError(translatable("the rate for %(code)s must be a positive decimal "
                                          "number", code=code))
        if code in rates:
            raise ValueError(translatable("%(code)s is given twice", code=code))
        rates[code] = rate
    return rates


def convert_minor(amount_minor: int, rate: Decimal, *, from_exponent: int,
                  to_exponent: int) -> int:
    """Minor units of one currency in minor units of another at an exact rate, rounded half-even
    to a whole minor unit."""
    with localcontext() as ctx:
        ctx.prec = 60
        value = Decimal(amount_minor) * rate * Decimal(10) ** (to_exponent - from_exponent)
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class Budget:
    mechanism_id: int
    amount_minor: int
    currency: str
    sectors: frozenset[str]
    stages: frozenset[str]


@dataclass
class Distribution:
    """Budgets in one currency spread over sector × stage cells, with sector and stage totals."""

    currency: str
    total_minor: int = 0
    mechanism_ids: list[int] = field(default_factory=list)
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def by_sector(self) -> dict[str, int]:
        out = {s.value: 0 for s in Sector}
        for (sector, _stage), amount in self.cells.items():
            out[sector] += amount
        return out

    def by_stage(self) -> dict[str, int]:
        out = {t.value: 0 for t in Stage}
        for (_sector, stage), amount in self.cells.items():
            out[stage] += amount
        return out


@dataclass
class BudgetReport:
    distributions: list[Distribution]
    unconverted: list[Budget]  # no rate was supplied for their currency
    unallocated: list[Budget]  # no sector or no stage to spread over


def distribute_budgets(budgets: Iterable[Budget], *, target: str | None,
                       rates: Mapping[str, Decimal],
                       exponent: Callable[[str], int]) -> BudgetReport:
    """Spread each budget over its cells, in `target` (converting only currencies with a rate)
    or, without a target, per currency. Each budget is converted once, then spread exactly."""
    by_currency: dict[str, Distribution] = {}
    unconverted: list[Budget] = []
    unallocated: list[Budget] = []
    for b in sorted(budgets, key=lambda b: b.mechanism_id):
        if not b.sectors or not b.stages:
            unallocated.append(b)
            continue
        currency, amount = b.currency, b.amount_minor
        if target is not None and currency != target:
            if currency not in rates:
                unconverted.append(b)
                continue
            amount = convert_minor(amount, rates[currency], from_exponent=exponent(currency),
                                   to_exponent=exponent(target))
            currency = target
        dist = by_currency.setdefault(currency, Distribution(currency))
        dist.total_minor += amount
        dist.mechanism_ids.append(b.mechanism_id)
        for cell, part in spread_budget(amount, b.sectors, b.stages).items():
            dist.cells[cell] = dist.cells.get(cell, 0) + part
    if target is not None:
        by_currency.setdefault(target, Distribution(target))
    return BudgetReport([by_currency[c] for c in sorted(by_currency)], unconverted, unallocated)
