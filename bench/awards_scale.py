"""Time the award allocation at scale, under every rule type, and print the figures.

    .venv/bin/python bench/awards_scale.py [--entries 100000] [--runs 3] [--seed 15]

Builds `--entries` shortlisted outcomes (seeded: ranks with ties, four in five verified, measured
values for a unit target, an optional quality gate and a cost target) and allocates them, in one
process, under each rule type with a 10 % holdback: ranked (50 places), threshold pro rata and
by rank (both overflowing the purse), milestones, per unit with a quality gate and both caps, and
a pool; then recomputes the pool's awards from an award-inputs document (JSON text in, report
out), as `python -m app.awards.inputs FILE` does. For each: the median wall time of `--runs`
runs, the CPU time, and the peak of Python allocations (tracemalloc, in a separate run so that
tracing does not slow the timed ones); at the end, the process's peak resident memory.
Target: every rule under 2 s and the whole process under 400 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 2.0
TARGET_MB = 400.0
PURSE = 1_000_000_000  # USD 10,000,000.00


def _outcomes(n: int, seed: int) -> tuple[list[Any], dict[str, Any]]:
    """Outcomes in public order (ranks with ties) and their targets."""
    from app.awards.allocation import Outcome, Target
    from app.challenges.enums import Direction

    rnd = random.Random(seed)
    targets = {
        "co2": Target("co2", Direction.AT_LEAST, Decimal(50), "CO₂ avoided", "t", Decimal(100)),
        "quality": Target("quality", Direction.AT_LEAST, None, "maize treated", "%", Decimal(70),
                          required=False),
        "cost": Target("cost", Direction.AT_MOST, Decimal("0.5"), "cost per tonne", "USD",
                       Decimal("0.4"), required=False)}
    # Scores on a coarse grid, so that about one entry in three shares its rank with another.
    scores = sorted((rnd.randrange(n // 2) for _ in range(n)), reverse=True)
    outcomes = []
    rank = 0
    for i, score in enumerate(scores):
        if i == 0 or score != scores[i - 1]:
            rank = i + 1
        measured: dict[str, Decimal] = {}
        if rnd.random() < 0.95:
            measured["co2"] = Decimal(rnd.randrange(80_0000, 400_0000)).scaleb(-4)
        if rnd.random() < 0.9:
            measured["quality"] = Decimal(rnd.randrange(50, 100))
        if rnd.random() < 0.9:
            measured["cost"] = Decimal(rnd.randrange(10, 90)).scaleb(-2)
        met = {k: (v >= targets[k].threshold if targets[k].direction == Direction.AT_LEAST
                   else v <= targets[k].threshold)  # type: ignore[operator]
               for k, v in measured.items()}
        verified = bool(met.get("co2"))
        status = "verified" if verified else ("not_met" if "co2" in measured else "pending")
        outcomes.append(Outcome(i + 1, rank, verified, measured, met, status))
    return outcomes, targets


def _entries(outcomes: list[Any]) -> list[dict[str, Any]]:
    """The outcomes as an award-inputs file lists them (the normalised score follows the rank,
    so that the ranking is consistent)."""
    return [{"code": f"E-{o.entry:08X}", "rank": o.rank,
             "normalised": str(Decimal(-o.rank).scaleb(-4)),
             "measured": {k: str(v) for k, v in o.measured.items()}} for o in outcomes]


def _rules() -> dict[str, dict[str, Any]]:
    return {
        "ranked (50 places)": {"type": "ranked",
                               "places": [20_000_000 - 300_000 * i for i in range(50)]},
        "threshold pro_rata": {"type": "threshold", "amount_per_solution": 5_000_000,
                               "overflow": "pro_rata"},
        "threshold by_rank": {"type": "threshold", "amount_per_solution": 5_000_000,
                              "overflow": "by_rank"},
        "milestone (3)": {"type": "milestone", "milestones": [
            {"name": "Half way", "targets": ["co2"], "amount": 300_000_000},
            {"name": "Quality", "targets": ["co2", "quality"], "amount": 300_000_000},
            {"name": "Cheap", "targets": ["co2", "quality", "cost"], "amount": 300_000_000}]},
        "per_unit, gate and caps": {"type": "per_unit", "unit_target": "co2",
                                    "rate_minor_per_unit": "1250.5",
                                    "quality_gate_target": "quality",
                                    "cap_per_solver_minor": 150_000,
                                    "overall_cap_minor": 900_000_000},
        "pool": {"type": "pool", "pool_minor": 900_000_000, "share_target": "co2"},
    }


def _prize_rules(award: dict[str, Any]) -> dict[str, Any]:
    return {"purse": {"amount_minor": PURSE, "currency": "USD"}, "award": award,
            "holdback": {"basis_points": 1000, "delay_days": 180}, "ties": {"rule": "share"}}


def _timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall seconds and the CPU seconds of the run nearest the median."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median = statistics.median(walls)
    return median, cpus[walls.index(min(walls, key=lambda w: abs(w - median)))]


def _traced_peak_mb(work: Callable[[], object]) -> float:
    """Peak of the Python allocations made while `work` runs (tracing costs time and memory of
    its own, so it runs after every timing and the resident-memory figure)."""
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _resident_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _document(outcomes: list[Any], targets: dict[str, Any], award: dict[str, Any]) -> str:
    """An award-inputs file for `award`, with the awards `allocate` gives as published."""
    from app.awards import inputs
    from app.awards.allocation import allocate
    from app.challenges.rules import canonical_json, sha256_hex
    from app.challenges.schemas import PrizeRules

    contract = {"targets": [{"key": t.key, "metric": t.metric, "unit": t.unit,
                             "direction": t.direction.value, "threshold": str(t.threshold),
                             "baseline": str(t.baseline) if t.baseline is not None else None,
                             "verification_method": "", "required": t.required}
                            for t in targets.values()],
                "prize_rules": _prize_rules(award)}
    plan = allocate(PrizeRules.model_validate(_prize_rules(award)), outcomes, targets)
    entries = _entries(outcomes)
    return json.dumps({
        "format": inputs.FORMAT, "challenge_id": 1,
        "contract_sha256": sha256_hex(canonical_json(contract)), "contract": contract,
        "entries": entries,
        "awards": [{"code": e["code"], "amount_minor": a.amount_minor,
                    "held_back_minor": a.held_back_minor, "ledger_sequence": i + 1,
                    "ledger_hash": "0" * 64}
                   for i, (e, a) in enumerate(zip(entries, plan.allocations, strict=True))],
        "ledger_head": "0" * 64})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    from app.awards import inputs
    from app.awards.allocation import allocate
    from app.challenges.schemas import PrizeRules

    start = time.perf_counter()
    outcomes, targets = _outcomes(args.entries, args.seed)
    verified = sum(o.verified for o in outcomes)
    tied = args.entries - len({o.rank for o in outcomes})
    print(f"built {args.entries} outcomes ({verified} verified, {tied} sharing a rank) in "
          f"{time.perf_counter() - start:.1f} s; resident memory {_resident_mb():.0f} MB")
    rules = _rules()
    work: dict[str, Callable[[], object]] = {}
    paid: dict[str, str] = {}
    for label, award in rules.items():
        parsed = PrizeRules.model_validate(_prize_rules(award))
        plan = allocate(parsed, outcomes, targets)
        assert len(plan.allocations) == len(outcomes) and plan.total_minor <= PURSE
        paid[label] = str(sum(1 for a in plan.allocations if a.amount_minor))
        work[label] = lambda r=parsed: allocate(r, outcomes, targets)
        del plan
    timed = {label: _timed(job, args.runs) for label, job in work.items()}
    resident = _resident_mb()

    # Offline recomputation of the pool's awards from its inputs file (JSON text in, report
    # out): not part of the target, timed after the resident-memory figure above.
    text = _document(outcomes, targets, rules["pool"])
    recompute_label = f"recompute pool ({len(text) / 2**20:.0f} MB inputs file)"

    def recompute() -> None:
        result = inputs.recompute(json.loads(text))
        assert result.ok, "the recomputed pool differs from the allocated one"
        for _ in inputs.report_lines(result):
            pass

    timed[recompute_label] = _timed(recompute, args.runs)
    resident_after = _resident_mb()
    work[recompute_label] = recompute
    peaks = {label: _traced_peak_mb(job) for label, job in work.items()}

    print(f"{'':36} {'median s':>9} {'CPU s':>7} {'peak MB':>8} {'paid':>7}  target")
    missed = False
    for label, (wall, cpu) in timed.items():
        ok = wall < TARGET_S
        missed |= not ok and label in rules
        verdict = ("ok" if ok else "MISSED") + f" (< {TARGET_S:.0f} s)" if label in rules else ""
        print(f"{label:36} {wall:9.3f} {cpu:7.3f} {peaks[label]:8.1f} "
              f"{paid.get(label, ''):>7}  {verdict}")
    total = sum(wall for label, (wall, _) in timed.items() if label in rules)
    print(f"{'all six rules, one after another':36} {total:9.3f}")
    ok = resident < TARGET_MB
    missed |= not ok
    print(f"process peak resident memory after the six rules: {resident:.0f} MB  "
          f"{'ok' if ok else 'MISSED'} (< {TARGET_MB:.0f} MB); after the recomputation too: "
          f"{resident_after:.0f} MB")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
