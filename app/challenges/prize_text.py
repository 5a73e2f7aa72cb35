"""Prize rules in words (pure): the per-unit rate as money, and how amounts round.

Kept beside the rules rather than in the awards domain because the challenge page states them
before anything is awarded; `app.awards.allocation` does what these sentences say (its tests
hold it to them).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.challenges.schemas import (
    CriterionTies,
    MilestoneAward,
    OverflowPolicy,
    PerUnitAward,
    PoolAward,
    PrizeRules,
    RankedAward,
    ThresholdAward,
)
from app.i18n.translate import translatable
from app.kit.money import format_money, minor_exponent


def number_text(value: Decimal) -> str:
    """A measured value as people write it: `Decimal('100.0000')` -> `'100'`, `'99.90'` ->
    `'99.9'`, never in exponent form."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def format_rate(rate_minor: Decimal, currency: str) -> str:
    """A rate in minor units as money: 1250 USD -> `USD 12.50`, 12.5 -> `USD 0.125` (a rate
    may be finer than the minor unit; it is shown to its last digit, never rounded)."""
    exponent = minor_exponent(currency)
    major = rate_minor.scaleb(-exponent)
    step = Decimal(1).scaleb(-exponent)
    shown = major.quantize(step) if major == major.quantize(step) else major.normalize()
    return f"{currency} {shown:,f}"


def percent_text(basis_points: int) -> str:
    """1000 basis points -> `10`, 1250 -> `12.5`."""
    return number_text(Decimal(basis_points) / 100)


def tie_rule_text(rules: PrizeRules) -> str:
    """How entries with equal normalised scores are placed."""
    if isinstance(rules.ties, CriterionTies):
        return translatable(
            "Entries with equal normalised scores are ranked by their mean score on "
            "“%(criterion)s”; entries equal on that too are tied and share equally the places "
            "they occupy.", criterion=rules.ties.criterion)
    return translatable(
        "Entries with equal normalised scores are tied and share equally the places they "
        "occupy (two tied for 2nd share the amounts of places 2 and 3); no code or other "
        "hash ever breaks a tie.")


def rounding_rules(rules: PrizeRules) -> list[str]:
    """The sentences the prize page and the contract state: how each amount rounds, and who
    gets the minor units an equal or proportional split leaves over."""
    currency = rules.purse.currency
    unit = format_money(1, currency)
    said = [translatable("Every amount is a whole number of minor units (%(unit)s); a split "
                         "never pays out more than it shares.", unit=unit)]
    order = translatable(
        "Minor units left over by an equal split go one each to the entries listed first: by "
        "rank, then the entry submitted earlier.")
    award = rules.award
    if isinstance(award, RankedAward):
        said += [tie_rule_text(rules), translatable(
            "If the places run out within a tie, the tied entries share equally the places "
            "that remain; each share is rounded down."), order]
    elif isinstance(award, ThresholdAward):
        if award.overflow == OverflowPolicy.PRO_RATA:
            said.append(translatable(
                "If more solutions qualify than the purse pays, the purse is split equally "
                "among them; each share is rounded down."))
        else:
            said += [translatable(
                "If more solutions qualify than the purse pays, full amounts are paid by rank; "
                "entries tied where the purse runs out share equally what is left, each share "
                "rounded down."), tie_rule_text(rules)]
        said.append(order)
    elif isinstance(award, MilestoneAward):
        said += [translatable("A milestone's amount is split equally among the entries that "
                              "reach it; each share is rounded down."), order]
    elif isinstance(award, PerUnitAward):
        cap = award.overall_cap_minor or rules.purse.amount_minor
        said += [translatable(
            "Each solution earns the rate times its verified improvement over the baseline, "
            "rounded down to the minor unit (%(unit)s), then limited by the cap per solver, if "
            "any.", unit=unit), translatable(
            "If the earnings together exceed %(cap)s, each is scaled down in proportion and "
            "rounded down; the minor units left go one each to the largest remainders (equal "
            "remainders: the entry listed first, by rank, then the entry submitted earlier).",
            cap=format_money(cap, currency))]
    elif isinstance(award, PoolAward):
        said.append(translatable(
            "The pool is split in proportion to each solution's verified %(target)s (none or "
            "below zero counts as zero; all zero: equal shares); each share is rounded down and "
            "the minor units left go one each to the largest remainders (equal remainders: the "
            "entry listed first, by rank, then the entry submitted earlier).",
            target=award.share_target))
    if rules.holdback is not None:
        said.append(translatable(
            "The part held back (%(share)s%%) is rounded down to the minor unit; the rest is "
            "paid now.", share=percent_text(rules.holdback.basis_points)))
    return said


@dataclass(frozen=True)
class PrizeNotes:
    """What the prize section of the challenge page says besides the rules' own figures."""

    rate: str | None  # the per-unit rate as money (USD 12.50), for a per-unit award
    ties: str
    rounding: list[str]


def notes(rules: PrizeRules) -> PrizeNotes:
    award = rules.award
    rate = (format_rate(award.rate_minor_per_unit, rules.purse.currency)
            if isinstance(award, PerUnitAward) else None)
    return PrizeNotes(rate=rate, ties=tie_rule_text(rules), rounding=rounding_rules(rules))
