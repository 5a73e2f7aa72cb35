"""Recompute a challenge's awards offline from its published award inputs (pure: no database).

    python -m app.awards.inputs FILE        (or: python -m app.awards.allocation FILE)

FILE is what `GET /api/v1/challenges/{id}/awards/inputs` answers:

    {"format": "valleycross-award-inputs/1", "challenge_id": 3, "contract_sha256": "<hex>",
     "contract": {...the frozen outcome contract: "targets", "prize_rules", "rubric", ...},
     "entries": [{"code": "K3P9QX", "rank": 1, "normalised": "1.2345",
                  "measured": {"t1": "120.5"}}, ...],
     "awards": [{"code": "K3P9QX", "amount_minor": 5000, "held_back_minor": 500,
                 "ledger_sequence": 12, "ledger_hash": "<hex>"}, ...],
     "ledger_head": "<hex>"}

The entries are the shortlisted ones in public order (rank, then the entry submitted first);
a target missing from `measured` was not attested. The contract is checked against its SHA-256
(of its canonical JSON, as it was frozen on publication), each entry's status is worked out
from the contract's targets and its verified values, the awards are allocated by the contract's
prize rules, and each is compared with the published one. Exit code 0 when everything matches.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.awards import allocation
from app.awards.arithmetic import no_cycle_collection
from app.challenges.enums import Direction
from app.challenges.prize_text import rounding_rules
from app.challenges.rules import canonical_json, sha256_hex
from app.challenges.schemas import CriterionTies, PrizeRules
from app.kit.money import format_money
from app.verification import outcomes

FORMAT = "valleycross-award-inputs/1"
_HEX = re.compile(r"^[0-9a-f]{64}$")


class InputsError(ValueError):
    """The document is not a readable award-inputs file."""


@dataclass(frozen=True, slots=True)
class Published:
    """One published award, as the document states it."""

    code: str
    amount_minor: int
    held_back_minor: int
    ledger_sequence: int | None
    ledger_hash: str | None


@dataclass(frozen=True, slots=True)
class EntryCheck:
    """One entry: the recomputed award beside the published one."""

    code: str
    rank: int | None
    status: str  # verified / not_met / pending, from the contract's targets
    amount_minor: int
    held_back_minor: int
    reasons: tuple[str, ...]
    published: Published | None  # None: nothing was published for this entry

    @property
    def matches(self) -> bool | None:
        """None when nothing was published at all; an entry left out of published awards
        matches only a zero award."""
        if self.published is None:
            return None
        return (self.published.amount_minor, self.published.held_back_minor) == (
            self.amount_minor, self.held_back_minor)


@dataclass(frozen=True, slots=True)
class Recomputation:
    challenge_id: int | None
    contract_sha256: str  # as published
    computed_sha256: str  # of the contract in the document
    ranking_consistent: bool  # ranks agree with the normalised scores and the public order
    plan: allocation.AwardPlan
    entries: tuple[EntryCheck, ...]
    stray_awards: tuple[Published, ...]  # published for no listed entry, or twice
    ledger_head: str | None
    rounding: tuple[str, ...]

    @property
    def contract_ok(self) -> bool:
        return self.contract_sha256 == self.computed_sha256

    @property
    def published(self) -> bool:
        return any(e.published is not None for e in self.entries) or bool(self.stray_awards)

    @property
    def ok(self) -> bool:
        return (self.contract_ok and self.ranking_consistent and not self.stray_awards
                and all(e.matches is not False for e in self.entries))


# ---- reading the document ----------------------------------------------------------------------

def _get(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise InputsError(f"{where}: {key!r} is missing")
    return mapping[key]


def _decimal(value: Any, where: str) -> Decimal:
    # Exact decimals only, as the platform writes them: a JSON float would already be rounded.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputsError(f"{where}: give the value as a string or an integer, not {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise InputsError(f"{where}: {value!r} is not a number") from exc
    if not number.is_finite():
        raise InputsError(f"{where}: {value!r} is not a finite number")
    return number


def _integer(value: Any, where: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputsError(f"{where}: {value!r} is not a whole number")
    return value


def _targets(contract: Any) -> list[allocation.Target]:
    found = []
    for i, item in enumerate(_get(contract, "targets", "contract")):
        where = f"contract.targets[{i}]"
        baseline = item.get("baseline") if isinstance(item, Mapping) else None
        try:
            direction = Direction(_get(item, "direction", where))
        except ValueError as exc:
            raise InputsError(f"{where}: unknown direction") from exc
        found.append(allocation.Target(
            key=str(_get(item, "key", where)), direction=direction,
            baseline=_decimal(baseline, where + ".baseline") if baseline is not None else None,
            metric=str(item.get("metric") or ""), unit=str(item.get("unit") or ""),
            threshold=_decimal(_get(item, "threshold", where), where + ".threshold"),
            required=bool(item.get("required", True))))
    return found


def _rules(contract: Any) -> PrizeRules:
    try:
        return PrizeRules.model_validate(_get(contract, "prize_rules", "contract"))
    except ValidationError as exc:
        raise InputsError(f"contract.prize_rules: {exc}") from exc


def _outcome(index: int, item: Any, targets: Mapping[str, allocation.Target],
             deciding: Sequence[outcomes.Target]
             ) -> tuple[str, allocation.Outcome, Decimal | None]:
    where = f"entries[{index}]"
    code = _get(item, "code", where)
    if not isinstance(code, str) or not code:
        raise InputsError(f"{where}: the code must be a non-empty string")
    rank = _integer(item.get("rank"), where + ".rank", optional=True)
    normalised = item.get("normalised")
    score = _decimal(normalised, where + ".normalised") if normalised is not None else None
    given = item.get("measured") or {}
    if not isinstance(given, Mapping):
        raise InputsError(f"{where}.measured: expected an object")
    measured = {key: _decimal(value, f"{where}.measured.{key}")
                for key, value in given.items() if key in targets and value is not None}
    found = outcomes.entry_outcome(deciding, measured)
    met = dict.fromkeys(found.met, True) | dict.fromkeys(found.missed, False)
    return code, allocation.Outcome(entry=index, rank=rank,
                                    verified=found.status == outcomes.OutcomeStatus.VERIFIED,
                                    measured=measured, met=met,
                                    status=found.status.value), score


def _published(items: Any) -> list[Published]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise InputsError("awards: expected a list")
    found = []
    for i, item in enumerate(items):
        where = f"awards[{i}]"
        if not isinstance(item, Mapping) or "code" not in item or "amount_minor" not in item:
            raise InputsError(f"{where}: expected an object with a code and an amount_minor")
        found.append(Published(
            str(item["code"]), _integer(item["amount_minor"], where) or 0,
            _integer(item.get("held_back_minor", 0), where) or 0,
            _integer(item.get("ledger_sequence"), where, optional=True), item.get("ledger_hash")))
    return found


def _ranking_consistent(ranks: Sequence[int | None], scores: Sequence[Decimal | None],
                        shared_ties: bool) -> bool:
    """Ranks in public order never go down; a higher normalised score has a better rank; and
    when tied entries share, equal scores have equal ranks."""
    order = [(r is None, r or 0) for r in ranks]
    if order != sorted(order):
        return False
    scored = sorted(((s, r) for r, s in zip(ranks, scores, strict=True)
                     if r is not None and s is not None), key=lambda p: -p[0])
    better_worst = 0  # the worst rank among strictly better scores seen so far
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        group = [rank for _, rank in scored[i:j]]
        if min(group) <= better_worst or (shared_ties and len(set(group)) > 1):
            return False
        better_worst, i = max(group), j
    return True


# ---- recomputing -------------------------------------------------------------------------------

def recompute(document: Mapping[str, Any]) -> Recomputation:
    """Recompute every award of the document and compare it with the published ones."""
    with no_cycle_collection():
        return _recompute(document)


def _recompute(document: Mapping[str, Any]) -> Recomputation:
    if not isinstance(document, Mapping):
        raise InputsError("the document must be a JSON object")
    if document.get("format") != FORMAT:
        raise InputsError(f"format: expected {FORMAT!r}, got {document.get('format')!r}")
    contract = _get(document, "contract", "document")
    try:
        computed = sha256_hex(canonical_json(contract))
    except (TypeError, ValueError) as exc:  # a float, or something JSON never holds
        raise InputsError(f"contract: {exc}") from exc
    targets = _targets(contract)
    rules = _rules(contract)
    items = _get(document, "entries", "document")
    if not isinstance(items, list):
        raise InputsError("entries: expected a list")
    by_key = {t.key: t for t in targets}
    deciding = [outcomes.Target(t.key, t.direction, t.threshold or Decimal(0), t.required)
                for t in targets]
    read = [_outcome(i, item, by_key, deciding) for i, item in enumerate(items)]
    codes = [code for code, _, _ in read]
    if len(set(codes)) != len(codes):
        raise InputsError("entries: a code is listed twice")
    plan = allocation.allocate(rules, [o for _, o, _ in read], by_key)
    listed = set(codes)
    published: dict[str, Published] = {}
    stray: list[Published] = []
    for award in _published(document.get("awards")):
        if award.code in published or award.code not in listed:
            stray.append(award)
        else:
            published[award.code] = award
    anything = bool(published or stray)
    by_entry = {a.entry: a for a in plan.allocations}
    checks = []
    for code, outcome, _ in read:
        mine = by_entry[outcome.entry]
        checks.append(EntryCheck(
            code=code, rank=outcome.rank, status=outcome.status, amount_minor=mine.amount_minor,
            held_back_minor=mine.held_back_minor, reasons=mine.reasons,
            published=published.get(code, Published(code, 0, 0, None, None))
            if anything else None))
    head = document.get("ledger_head")
    return Recomputation(
        challenge_id=document.get("challenge_id"),
        contract_sha256=str(document.get("contract_sha256") or ""),
        computed_sha256=computed,
        ranking_consistent=_ranking_consistent(
            [o.rank for _, o, _ in read], [s for _, _, s in read],
            shared_ties=not isinstance(rules.ties, CriterionTies)),
        plan=plan, entries=tuple(checks), stray_awards=tuple(stray),
        ledger_head=head if isinstance(head, str) else None,
        rounding=tuple(rounding_rules(rules)))


# ---- the report --------------------------------------------------------------------------------

def _ledger(award: Published | None) -> str:
    if award is None or award.ledger_sequence is None:
        return ""
    digest = award.ledger_hash or ""
    shape = "" if _HEX.match(digest) else " (not a SHA-256)"
    return f"ledger #{award.ledger_sequence} {digest}{shape}"


def report_lines(result: Recomputation) -> Iterator[str]:
    """The recomputation as lines of text, ending with the verdict (one at a time: 100,000
    entries are a report of some 20 MB)."""
    currency = result.plan.currency

    def money(amount: int) -> str:
        return format_money(amount, currency)

    yield f"challenge {result.challenge_id}: award inputs {FORMAT}"
    if result.contract_ok:
        yield f"contract: SHA-256 {result.computed_sha256} matches the published one"
    else:
        yield (f"contract: SHA-256 {result.computed_sha256} DOES NOT MATCH the published "
               f"{result.contract_sha256 or '(none)'}")
    if not result.ranking_consistent:
        yield ("ranking: the ranks DO NOT AGREE with the normalised scores or the order of the "
               "entries")
    yield (f"purse {money(result.plan.purse_minor)}; recomputed total "
           f"{money(result.plan.total_minor)}, unallocated {money(result.plan.unallocated_minor)}")
    for sentence in result.rounding:
        yield f"  rounding: {sentence}"
    for e in result.entries:
        if e.matches is None:
            verdict = "not published"
        elif e.matches:
            verdict = "matches"
        else:
            assert e.published is not None
            verdict = (f"DIFFERS: published {money(e.published.amount_minor)}, held back "
                       f"{money(e.published.held_back_minor)}")
        yield (f"{e.code}  rank {e.rank if e.rank is not None else '-'}  {e.status}  "
               f"{money(e.amount_minor)} (held back {money(e.held_back_minor)})  {verdict}  "
               f"{_ledger(e.published)}").rstrip()
        for reason in e.reasons:
            yield f"    {reason}"
    for award in result.stray_awards:
        yield (f"{award.code}: published {money(award.amount_minor)} for no listed entry (or "
               f"twice) {_ledger(award)}").rstrip()
    if result.ledger_head:
        yield (f"ledger head {result.ledger_head} (check it: GET /api/v1/ledger/verify"
               f"?head={result.ledger_head})")
    if not result.published:
        yield "no awards were published in this file: nothing to compare"
    yield "result: everything matches" if result.ok else "result: MISMATCH"


def report(result: Recomputation) -> str:
    """The recomputation as text, ending with the verdict."""
    return "\n".join(report_lines(result))


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m app.awards.inputs FILE`: 0 when everything matches, 1 otherwise."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] in ("-h", "--help"):
        _say("usage: python -m app.awards.inputs FILE  (the JSON of GET "
             "/api/v1/challenges/{id}/awards/inputs)")
        return 0 if args and args[0] in ("-h", "--help") else 1
    try:
        document = json.loads(Path(args[0]).read_text(encoding="utf-8"))
        result = recompute(document)
    except (OSError, json.JSONDecodeError, InputsError) as exc:
        _say(f"error: {exc}")
        return 1
    for line in report_lines(result):
        _say(line)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
