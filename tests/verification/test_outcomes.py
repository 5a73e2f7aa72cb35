"""The pure outcome rules: exact comparisons, required and optional targets."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.challenges.enums import Direction
from app.verification.outcomes import OutcomeStatus, Target, entry_outcome, is_met

D = Decimal
ENERGY = Target("energy", Direction.AT_LEAST, D("1000"))
LOSS = Target("loss", Direction.AT_MOST, D("0.15"))
JOBS = Target("jobs", Direction.AT_LEAST, D("10"), required=False)


def test_a_threshold_is_met_exactly_at_the_boundary_in_both_directions() -> None:
    assert is_met(Direction.AT_LEAST, D("1000"), D("1000"))
    assert not is_met(Direction.AT_LEAST, D("1000"), D("999.9999999999"))
    assert is_met(Direction.AT_MOST, D("0.15"), D("0.150"))
    assert not is_met(Direction.AT_MOST, D("0.15"), D("0.1500000001"))


def test_verified_only_when_every_required_target_is_measured_and_met() -> None:
    targets = [ENERGY, LOSS, JOBS]
    assert entry_outcome(targets, {}).status == OutcomeStatus.PENDING
    half = entry_outcome(targets, {"energy": D("1200")})
    assert (half.status, half.met, half.unmeasured) == (
        OutcomeStatus.PENDING, ("energy",), ("loss", "jobs"))
    done = entry_outcome(targets, {"energy": D("1200"), "loss": D("0.1")})
    assert done.status == OutcomeStatus.VERIFIED and done.unmeasured == ("jobs",)


def test_one_required_target_missed_is_not_met_whatever_else_is_pending() -> None:
    outcome = entry_outcome([ENERGY, LOSS], {"loss": D("0.2")})
    assert (outcome.status, outcome.missed) == (OutcomeStatus.NOT_MET, ("loss",))


def test_an_optional_target_missed_does_not_decide() -> None:
    outcome = entry_outcome([ENERGY, JOBS], {"energy": D("1000"), "jobs": D("3")})
    assert (outcome.status, outcome.missed) == (OutcomeStatus.VERIFIED, ("jobs",))


def test_when_every_target_is_optional_all_of_them_decide() -> None:
    optional = [JOBS, Target("trained", Direction.AT_LEAST, D("5"), required=False)]
    assert entry_outcome(optional, {"jobs": D("12")}).status == OutcomeStatus.PENDING
    assert entry_outcome(optional, {"jobs": D("12"), "trained": D("5")}).status == \
        OutcomeStatus.VERIFIED
    assert entry_outcome([], {}).status == OutcomeStatus.PENDING


def test_measurements_for_unknown_targets_are_ignored() -> None:
    assert entry_outcome([ENERGY], {"other": D("1")}).status == OutcomeStatus.PENDING


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6),
       st.decimals(allow_nan=False, allow_infinity=False, places=6))
def test_exactly_one_direction_holds_unless_equal(threshold: Decimal, measured: Decimal) -> None:
    at_least = is_met(Direction.AT_LEAST, threshold, measured)
    at_most = is_met(Direction.AT_MOST, threshold, measured)
    assert (at_least and at_most) == (measured == threshold)
    assert at_least or at_most
