"""Recomputing awards offline from an award-inputs file (app.awards.inputs, pure): every rule
type reproduces the published amounts; a tampered amount, contract or ranking is reported and
the command exits 1; `python -m` the pure allocation module does the same."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.awards import inputs
from app.awards.plan import plan_for
from app.challenges.rules import canonical_json, sha256_hex
from app.judging import results as judging_results
from app.verification import service as verification
from tests.awards.factories import verified_and_closed
from tests.challenges.factories import Clock

ROOT = Path(__file__).resolve().parents[2]
TARGETS = [
    {"key": "co2", "metric": "CO₂ avoided", "unit": "t", "direction": "at_least",
     "threshold": "100", "baseline": "20", "verification_method": "Metered.", "required": True},
    {"key": "maize", "metric": "maize treated", "unit": "%", "direction": "at_least",
     "threshold": "70", "baseline": None, "verification_method": "Sampled.", "required": False}]
# In public order: B and C tie at rank 2; D misses the required target; E is not attested.
ENTRIES = [
    {"code": "E-A1", "rank": 1, "normalised": "1.2000", "measured": {"co2": "150", "maize": "80"}},
    {"code": "E-B2", "rank": 2, "normalised": "0.5000", "measured": {"co2": "120", "maize": "65"}},
    {"code": "E-C3", "rank": 2, "normalised": "0.5000", "measured": {"co2": "130", "maize": "90"}},
    {"code": "E-D4", "rank": 4, "normalised": "0.1000", "measured": {"co2": "99.9"}},
    {"code": "E-E5", "rank": 5, "normalised": "-0.4000", "measured": {}},
    {"code": "E-F6", "rank": 6, "normalised": "-1.4000", "measured": {"co2": "101", "maize": "71"}},
]
# Each rule, and the amounts it gives A, B, C, D, E, F (USD 1,000.00 purse, 10% held back),
# worked out by hand.
RULES: dict[str, tuple[dict[str, Any], list[int]]] = {
    # A place 1; B and C share places 2 and 3; F is 4th of the verified, with 3 places paid.
    "ranked": ({"type": "ranked", "places": [50_000, 30_000, 20_000]},
               [50_000, 25_000, 25_000, 0, 0, 0]),
    # four verified at 40,000 overflow 100,000: equal shares
    "pro_rata": ({"type": "threshold", "amount_per_solution": 40_000, "overflow": "pro_rata"},
                 [25_000, 25_000, 25_000, 0, 0, 25_000]),
    # A in full; B and C, tied at the edge, share the 60,000 left; F gets nothing
    "by_rank": ({"type": "threshold", "amount_per_solution": 40_000, "overflow": "by_rank"},
                [40_000, 30_000, 30_000, 0, 0, 0]),
    # "Half": 4 reach it, 7,500 each; "Full" (maize too): A, C, F share 60,001, A first
    "milestone": ({"type": "milestone", "milestones": [
        {"name": "Half", "targets": ["co2"], "amount": 30_000},
        {"name": "Full", "targets": ["co2", "maize"], "amount": 60_001}]},
        [27_501, 7_500, 27_500, 0, 0, 27_500]),
    # USD 2.50 per t over 20 t: A 130 t -> 32,500 capped 30,000; B fails the gate; C 27,500;
    # F 20,250; 77,750 scaled to the 60,000 cap: 23,151.1, 21,221.9, 15,627.0 -> C gets the unit
    "per_unit": ({"type": "per_unit", "unit_target": "co2", "rate_minor_per_unit": "250",
                  "quality_gate_target": "maize", "cap_per_solver_minor": 30_000,
                  "overall_cap_minor": 60_000}, [23_151, 0, 21_222, 0, 0, 15_627]),
    # 90,000 by CO₂ avoided, 501 t in all: 26,946.1, 21,556.9, 23,353.3, 18,143.7
    "pool": ({"type": "pool", "pool_minor": 90_000, "share_target": "co2"},
             [26_946, 21_557, 23_353, 0, 0, 18_144]),
}


def contract(award: dict[str, Any], ties: dict[str, Any] | None = None) -> dict[str, Any]:
    """A frozen outcome contract as the platform freezes it (canonical JSON, read back)."""
    prize: dict[str, Any] = {"purse": {"amount_minor": 100_000, "currency": "USD"},
                             "award": award,
                             "holdback": {"basis_points": 1000, "delay_days": 180},
                             "ties": ties or {"rule": "share"}}
    frozen: dict[str, Any] = json.loads(canonical_json({
        "contract": "valleycross.outcome-contract/1",
        "challenge": {"id": 3, "title": "Clean cooking", "sponsor_organisation": "Green Fund"},
        "targets": TARGETS,
        "rubric": {"criteria": [{"name": "Impact", "description": "", "weight": "3",
                                 "min_score": None}], "min_overall_score": None},
        "prize_rules": prize}))
    return frozen


def document(rule: str, *, published: bool = True) -> dict[str, Any]:
    award, amounts = RULES[rule]
    frozen = contract(award)
    return {
        "format": "valleycross-award-inputs/1", "challenge_id": 3,
        "contract_sha256": sha256_hex(canonical_json(frozen)), "contract": frozen,
        "entries": copy.deepcopy(ENTRIES),
        "awards": [{"code": e["code"], "amount_minor": amount,
                    "held_back_minor": amount // 10, "ledger_sequence": 40 + i,
                    "ledger_hash": f"{i:064x}"}
                   for i, (e, amount) in enumerate(zip(ENTRIES, amounts, strict=True))]
        if published else [],
        "ledger_head": "ab" * 32}


def run(tmp_path: Path, doc: dict[str, Any], capsys: pytest.CaptureFixture[str]
        ) -> tuple[int, str]:
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code = inputs.main([str(path)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("rule", list(RULES))
def test_every_rule_type_recomputes_to_the_published_awards(
        rule: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = inputs.recompute(document(rule))
    assert result.ok and result.contract_ok and result.ranking_consistent
    assert [(e.code, e.amount_minor, e.held_back_minor) for e in result.entries] == [
        (e["code"], amount, amount // 10) for e, amount in zip(ENTRIES, RULES[rule][1],
                                                               strict=True)]
    assert [e.status for e in result.entries] == [
        "verified", "verified", "verified", "not_met", "pending", "verified"]
    code, out = run(tmp_path, document(rule), capsys)
    assert code == 0, out
    assert "matches the published one" in out and out.rstrip().endswith("everything matches")
    assert out.count(" matches  ledger #") == len(ENTRIES)
    assert "CO₂ avoided 99.9 t, needed ≥ 100 t" in out or rule == "milestone"  # D's reason


def test_a_tampered_amount_is_reported(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    doc = document("pool")
    doc["awards"][1]["amount_minor"] += 1
    result = inputs.recompute(doc)
    assert not result.ok and result.contract_ok
    assert [e.code for e in result.entries if e.matches is False] == ["E-B2"]
    code, out = run(tmp_path, doc, capsys)
    assert code == 1 and "DIFFERS: published USD 215.58" in out and "MISMATCH" in out


def test_a_tampered_holdback_or_a_missing_winner_is_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    held = document("ranked")
    held["awards"][0]["held_back_minor"] = 0
    assert run(tmp_path, held, capsys)[0] == 1
    missing = document("ranked")
    del missing["awards"][0]
    assert inputs.recompute(missing).entries[0].matches is False
    losers_left_out = document("ranked")
    losers_left_out["awards"] = losers_left_out["awards"][:3]  # zero awards: nothing to miss
    assert inputs.recompute(losers_left_out).ok


def test_a_tampered_contract_is_reported(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    doc = document("ranked")
    doc["contract"]["prize_rules"]["award"]["places"] = [60_000, 20_000, 20_000]
    doc["awards"][0]["amount_minor"], doc["awards"][0]["held_back_minor"] = 60_000, 6_000
    doc["awards"][1]["amount_minor"] = doc["awards"][2]["amount_minor"] = 20_000
    doc["awards"][1]["held_back_minor"] = doc["awards"][2]["held_back_minor"] = 2_000
    result = inputs.recompute(doc)
    assert all(e.matches for e in result.entries)  # the amounts follow the altered rules...
    assert not result.contract_ok and not result.ok  # ...which are not the frozen ones
    code, out = run(tmp_path, doc, capsys)
    assert code == 1 and "DOES NOT MATCH" in out
    tampered_target = document("pool")
    tampered_target["contract"]["targets"][0]["threshold"] = "99"
    assert not inputs.recompute(tampered_target).contract_ok


def test_a_ranking_that_contradicts_the_scores_is_reported() -> None:
    doc = document("ranked")
    doc["entries"][0]["normalised"], doc["entries"][1]["normalised"] = "0.5000", "1.2000"
    assert not inputs.recompute(doc).ranking_consistent
    untied = document("ranked")
    untied["entries"][2]["rank"] = 3  # equal scores, ranked apart, under the "share" rule
    assert not inputs.recompute(untied).ok
    out_of_order = document("ranked")
    out_of_order["entries"][0], out_of_order["entries"][5] = (out_of_order["entries"][5],
                                                              out_of_order["entries"][0])
    assert not inputs.recompute(out_of_order).ranking_consistent


def test_a_criterion_tie_rule_lets_equal_scores_rank_apart() -> None:
    award, _ = RULES["ranked"]
    doc = document("ranked")
    doc["contract"] = contract(award, {"rule": "criterion", "criterion": "Impact"})
    doc["contract_sha256"] = sha256_hex(canonical_json(doc["contract"]))
    doc["entries"][2]["rank"] = 3  # Impact broke the tie between B and C
    doc["awards"][1]["amount_minor"], doc["awards"][1]["held_back_minor"] = 30_000, 3_000
    doc["awards"][2]["amount_minor"], doc["awards"][2]["held_back_minor"] = 20_000, 2_000
    assert inputs.recompute(doc).ok


def test_awards_for_entries_not_listed_are_reported() -> None:
    doc = document("pool")
    doc["awards"].append({"code": "E-ZZ", "amount_minor": 1, "held_back_minor": 0,
                          "ledger_sequence": 99, "ledger_hash": "0" * 64})
    result = inputs.recompute(doc)
    assert not result.ok and [a.code for a in result.stray_awards] == ["E-ZZ"]


def test_without_published_awards_the_amounts_are_shown_and_nothing_compared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(tmp_path, document("milestone", published=False), capsys)
    assert code == 0 and "nothing to compare" in out and "USD 275.01" in out


def test_an_unreadable_file_is_an_error(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = document("pool")
    bad["entries"][0]["measured"]["co2"] = 150.5  # a float: already rounded, refused
    code, out = run(tmp_path, bad, capsys)
    assert code == 1 and out.startswith("error: entries[0].measured.co2")
    assert run(tmp_path, {**document("pool"), "format": "other/1"}, capsys)[0] == 1
    assert inputs.main([str(tmp_path / "missing.json")]) == 1


def test_python_dash_m_on_the_allocation_module_recomputes_offline(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(document("per_unit")), encoding="utf-8")
    tampered = document("per_unit")
    tampered["awards"][0]["amount_minor"] = 30_000
    bad.write_text(json.dumps(tampered), encoding="utf-8")
    for module in ("app.awards.allocation", "app.awards.inputs"):
        ok = subprocess.run([sys.executable, "-m", module, str(good)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert "result: everything matches" in ok.stdout
        assert subprocess.run([sys.executable, "-m", module, str(bad)], cwd=ROOT,
                              capture_output=True, check=False).returncode == 1


def test_the_recomputation_needs_no_database() -> None:
    """No database module, model or service of the platform is loaded (the shared error
    classes name SQLAlchemy's StaleDataError, so the library itself is)."""
    probe = ("import sys, app.awards.inputs; print(sorted(m for m in sys.modules if m == "
             "'app.db' or m.startswith('app.') and m.endswith(('.models', '.service'))))")
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                           text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_a_real_challenge_recomputes_to_what_plan_for_gives(db: Session, clock: Clock) -> None:
    """The platform's own frozen contract and shortlist, written as the inputs API writes
    them, give back the plan the awards service stores."""
    v = verified_and_closed(db, clock)
    challenge = v.challenge
    ranked = judging_results.ranking(db, challenge=challenge)
    shortlist = list(verification.entry_outcomes(db, challenge=challenge,
                                                 ranking=ranked).values())
    plan = plan_for(challenge, shortlist)
    normalised = {r.submission_id: r.normalised for r in ranked}
    codes = {r.submission_id: r.code for r in ranked}
    doc = {"format": inputs.FORMAT, "challenge_id": challenge.id,
           "contract_sha256": challenge.contract_sha256,
           "contract": json.loads(challenge.contract_json or "null"),
           "entries": [{"code": codes[e.submission_id], "rank": e.judging_rank,
                        "normalised": str(normalised[e.submission_id]),
                        "measured": {k: str(x) for k, x in e.measured.items()}}
                       for e in shortlist],
           "awards": [{"code": codes[a.entry], "amount_minor": a.amount_minor,
                       "held_back_minor": a.held_back_minor} for a in plan.allocations],
           "ledger_head": None}
    result = inputs.recompute(json.loads(json.dumps(doc)))
    assert result.ok, inputs.report(result)
    assert [e.amount_minor for e in result.entries] == [a.amount_minor for a in plan.allocations]
    assert [e.reasons for e in result.entries] == [a.reasons for a in plan.allocations]
    assert [a.amount_minor for a in plan.allocations] == [5_000_000, 0]
