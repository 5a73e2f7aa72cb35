"""The lifecycle as data: each action a sponsor or admin takes, from which states, to which, by
whom (pure). What else happens on each action is told in `app/workflow/`."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from app.challenges.enums import ChallengeState as State
from app.i18n.translate import N_


class Action(enum.StrEnum):
    """A step of a challenge's life; the value is its name in URLs and in the transitions."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    OPEN = "open"  # by the clock
    CLOSE = "close"  # by the clock
    START_JUDGING = "start-judging"
    START_VERIFICATION = "start-verification"
    PROPOSE_AWARDS = "propose-awards"
    FINALISE = "finalise"
    ARCHIVE = "archive"
    CANCEL = "cancel"


class Actor(enum.StrEnum):
    OWNER = "owner"  # the sponsor who owns the challenge, or an admin
    ADMIN = "admin"


@dataclass(frozen=True)
class Step:
    action: Action
    sources: frozenset[State]
    target: State
    who: Actor
    needs_reason: bool = False
    label: str = ""
    # The states from which only an admin may take a step the sponsor otherwise takes, and
    # what the sponsor is told when they try.
    admin_from: frozenset[State] = frozenset()
    admin_from_refusal: str = ""

    def actor_in(self, state: State) -> Actor:
        """Who may take this step from `state`."""
        return Actor.ADMIN if state in self.admin_from else self.who


_BEFORE_FINAL = frozenset(State) - {State.FINAL, State.ARCHIVED, State.CANCELLED}
# Once outcomes are being verified, cancelling would erase results entrants have earned: from
# then on it is an admin's decision (with a reason, as always), not the sponsor's.
_VERIFIED_ON = frozenset({State.VERIFICATION, State.AWARDS_PROPOSED})

# The steps people take (opening and closing follow the clock; see `deadlines`).
STEPS: dict[Action, Step] = {s.action: s for s in (
    Step(Action.SUBMIT, frozenset({State.DRAFT}), State.IN_REVIEW, Actor.OWNER,
         label=N_("Submit for review")),
    Step(Action.WITHDRAW, frozenset({State.IN_REVIEW}), State.DRAFT, Actor.OWNER,
         label=N_("Withdraw to edit")),
    Step(Action.APPROVE, frozenset({State.IN_REVIEW}), State.PUBLISHED, Actor.ADMIN,
         label=N_("Approve and publish")),
    Step(Action.REQUEST_CHANGES, frozenset({State.IN_REVIEW}), State.DRAFT, Actor.ADMIN,
         needs_reason=True, label=N_("Request changes")),
    Step(Action.START_JUDGING, frozenset({State.CLOSED}), State.JUDGING, Actor.OWNER,
         label=N_("Start judging")),
    Step(Action.START_VERIFICATION, frozenset({State.JUDGING}), State.VERIFICATION, Actor.OWNER,
         label=N_("Start verification")),
    Step(Action.PROPOSE_AWARDS, frozenset({State.VERIFICATION}), State.AWARDS_PROPOSED,
         Actor.OWNER, label=N_("Propose awards")),
    Step(Action.FINALISE, frozenset({State.AWARDS_PROPOSED}), State.FINAL, Actor.ADMIN,
         label=N_("Finalise")),
    Step(Action.ARCHIVE, frozenset({State.FINAL}), State.ARCHIVED, Actor.ADMIN,
         label=N_("Archive")),
    Step(Action.CANCEL, _BEFORE_FINAL, State.CANCELLED, Actor.OWNER, needs_reason=True,
         label=N_("Cancel challenge"), admin_from=_VERIFIED_ON,
         admin_from_refusal=N_("Once its outcomes are being verified, a challenge is cancelled "
                               "only by an admin, who gives the reason its entrants are told.")),
)}


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def countdown(now: dt.datetime, at: dt.datetime) -> str:
    """'3 days 4 hours', '5 hours 10 minutes', 'less than a minute' (the two largest units)."""
    seconds = int((at - now).total_seconds())
    if seconds < 60:
        return "less than a minute"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    return _plural(minutes, "minute")
