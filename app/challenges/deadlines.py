"""Every deadline of a challenge in one place (pure: no database, no web).

Each question "is this step still allowed at time t?" is answered here, from the challenge's
stored state and its timeline, so submissions, judging, verification and appeals all close by
the same rules, and the pages show what the rules enforce.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from app.challenges.enums import ChallengeState as State
from app.i18n.translate import N_


class Timed(Protocol):
    """What the rules read of a challenge (the model has these columns)."""

    state: State
    opens_at: dt.datetime | None
    submissions_close_at: dt.datetime | None
    judging_ends_at: dt.datetime | None
    verification_closes_at: dt.datetime | None
    appeals_window_days: int
    awards_proposed_at: dt.datetime | None


@dataclass(frozen=True)
class Timeline:
    opens_at: dt.datetime | None
    submissions_close_at: dt.datetime | None
    judging_ends_at: dt.datetime | None
    verification_closes_at: dt.datetime | None
    appeals_window_days: int


def timeline_of(challenge: Timed) -> Timeline:
    return Timeline(challenge.opens_at, challenge.submissions_close_at, challenge.judging_ends_at,
                    challenge.verification_closes_at, challenge.appeals_window_days)


def effective_state(stored: State, *, opens_at: dt.datetime | None,
                    submissions_close_at: dt.datetime | None, now: dt.datetime) -> State:
    """Published challenges open at `opens_at` and close at `submissions_close_at` by the clock."""
    if stored in (State.PUBLISHED, State.OPEN):
        if submissions_close_at is not None and now >= submissions_close_at:
            return State.CLOSED
        if stored == State.PUBLISHED and opens_at is not None and now >= opens_at:
            return State.OPEN
    return stored


def state_at(challenge: Timed, now: dt.datetime) -> State:
    return effective_state(challenge.state, opens_at=challenge.opens_at,
                           submissions_close_at=challenge.submissions_close_at, now=now)


def _before(deadline: dt.datetime | None, now: dt.datetime) -> bool:
    return deadline is None or now < deadline


def submissions_open(challenge: Timed, now: dt.datetime) -> bool:
    """Entrants may register, edit and submit entries."""
    return state_at(challenge, now) == State.OPEN


def judging_open(challenge: Timed, now: dt.datetime) -> bool:
    """Judges may save, submit and recuse: in judging and before `judging_ends_at`."""
    return challenge.state == State.JUDGING and _before(challenge.judging_ends_at, now)


def verification_open(challenge: Timed, now: dt.datetime) -> bool:
    """Verifiers may attest: in verification and before `verification_closes_at`."""
    return challenge.state == State.VERIFICATION and _before(challenge.verification_closes_at,
                                                             now)


def awards_may_be_proposed(challenge: Timed, now: dt.datetime) -> bool:
    """Proposing awards waits for verification to close (if it has a deadline)."""
    closes = challenge.verification_closes_at
    return closes is None or now >= closes


def appeals_close_at(awards_proposed_at: dt.datetime | None,
                     appeals_window_days: int) -> dt.datetime | None:
    if awards_proposed_at is None:
        return None
    return awards_proposed_at + dt.timedelta(days=appeals_window_days)


def appeals_open(challenge: Timed, now: dt.datetime) -> bool:
    """Entrants may appeal: awards proposed and the appeals window not yet over."""
    closes = appeals_close_at(challenge.awards_proposed_at, challenge.appeals_window_days)
    return challenge.state == State.AWARDS_PROPOSED and closes is not None and now < closes


def may_finalise(challenge: Timed, now: dt.datetime) -> bool:
    """Finalising waits for the appeals window to close."""
    closes = appeals_close_at(challenge.awards_proposed_at, challenge.appeals_window_days)
    return closes is None or now >= closes


# (earlier, later) -> the problem when `later` is not after `earlier`, a whole sentence for each
# pair (a date left out puts the next ones after an earlier one), so pages show it translated.
_OUT_OF_ORDER: dict[tuple[str, str], str] = {
    ("opens_at", "submissions_close_at"): N_("submissions close must come after opening"),
    ("opens_at", "judging_ends_at"): N_("judging ends must come after opening"),
    ("opens_at", "verification_closes_at"): N_("verification closes must come after opening"),
    ("submissions_close_at", "judging_ends_at"):
        N_("judging ends must come after submissions close"),
    ("submissions_close_at", "verification_closes_at"):
        N_("verification closes must come after submissions close"),
    ("judging_ends_at", "verification_closes_at"):
        N_("verification closes must come after judging ends"),
}


def timeline_problems(t: Timeline) -> dict[str, str]:
    """Deadlines must come in order: opens < submissions close < judging ends < verification."""
    problems: dict[str, str] = {}
    order = [("opens_at", t.opens_at), ("submissions_close_at", t.submissions_close_at),
             ("judging_ends_at", t.judging_ends_at),
             ("verification_closes_at", t.verification_closes_at)]
    given = [(name, at) for name, at in order if at is not None]
    for (earlier_name, earlier), (name, later) in zip(given, given[1:], strict=False):
        if later <= earlier:  # type: ignore[operator]
            problems[f"timeline.{name}"] = _OUT_OF_ORDER[earlier_name, name]
    return problems


def next_deadline(state: State, t: Timeline, *, awards_proposed_at: dt.datetime | None,
                  now: dt.datetime) -> tuple[str, dt.datetime] | None:
    """The next moment that matters in this state: (what happens, when), if still ahead."""
    candidates: list[tuple[str, dt.datetime | None]] = {
        State.PUBLISHED: [("opens", t.opens_at), ("closes", t.submissions_close_at)],
        State.OPEN: [("closes", t.submissions_close_at)],
        State.CLOSED: [("judging ends", t.judging_ends_at)],
        State.JUDGING: [("judging ends", t.judging_ends_at)],
        State.VERIFICATION: [("verification closes", t.verification_closes_at)],
        State.AWARDS_PROPOSED: [("appeals close", appeals_close_at(awards_proposed_at,
                                                                    t.appeals_window_days))],
    }.get(state, [])
    for label, at in candidates:
        if at is not None and at > now:
            return label, at
    return None
