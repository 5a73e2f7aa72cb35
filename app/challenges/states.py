"""The lifecycle as data, the state the clock implies, deadlines and countdowns (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.challenges.enums import ChallengeState as S
from app.i18n.translate import N_


def effective_state(stored: S, *, opens_at: dt.datetime | None,
                    submissions_close_at: dt.datetime | None, now: dt.datetime) -> S:
    """Published challenges open at `opens_at` and close at `submissions_close_at` by the clock."""
    if stored in (S.PUBLISHED, S.OPEN):
        if submissions_close_at is not None and now >= submissions_close_at:
            return S.CLOSED
        if stored == S.PUBLISHED and opens_at is not None and now >= opens_at:
            return S.OPEN
    return stored


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[S]
    target: S
    who: str  # "owner" (the sponsor who owns it, or an admin) or "admin"
    needs_reason: bool = False
    label: str = ""


_BEFORE_FINAL = frozenset(S) - {S.FINAL, S.ARCHIVED, S.CANCELLED}

ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("submit", frozenset({S.DRAFT}), S.IN_REVIEW, "owner", label=N_("Submit for review")),
    Action("withdraw", frozenset({S.IN_REVIEW}), S.DRAFT, "owner", label=N_("Withdraw to edit")),
    Action("approve", frozenset({S.IN_REVIEW}), S.PUBLISHED, "admin",
           label=N_("Approve and publish")),
    Action("request-changes", frozenset({S.IN_REVIEW}), S.DRAFT, "admin", needs_reason=True,
           label=N_("Request changes")),
    Action("start-judging", frozenset({S.CLOSED}), S.JUDGING, "owner", label=N_("Start judging")),
    Action("start-verification", frozenset({S.JUDGING}), S.VERIFICATION, "owner",
           label=N_("Start verification")),
    Action("propose-awards", frozenset({S.VERIFICATION}), S.AWARDS_PROPOSED, "owner",
           label=N_("Propose awards")),
    Action("finalise", frozenset({S.AWARDS_PROPOSED}), S.FINAL, "admin", label=N_("Finalise")),
    Action("archive", frozenset({S.FINAL}), S.ARCHIVED, "admin", label=N_("Archive")),
    Action("cancel", _BEFORE_FINAL, S.CANCELLED, "owner", needs_reason=True,
           label=N_("Cancel challenge")),
)}


@dataclass(frozen=True)
class Timeline:
    opens_at: dt.datetime | None
    submissions_close_at: dt.datetime | None
    judging_ends_at: dt.datetime | None
    verification_closes_at: dt.datetime | None
    appeals_window_days: int


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


def appeals_close_at(awards_proposed_at: dt.datetime | None,
                     appeals_window_days: int) -> dt.datetime | None:
    if awards_proposed_at is None:
        return None
    return awards_proposed_at + dt.timedelta(days=appeals_window_days)


def next_deadline(state: S, t: Timeline, *, awards_proposed_at: dt.datetime | None,
                  now: dt.datetime) -> tuple[str, dt.datetime] | None:
    """The next moment that matters in this state: (what happens, when), if still ahead."""
    candidates: list[tuple[str, dt.datetime | None]] = {
        S.PUBLISHED: [("opens", t.opens_at), ("closes", t.submissions_close_at)],
        S.OPEN: [("closes", t.submissions_close_at)],
        S.CLOSED: [("judging ends", t.judging_ends_at)],
        S.JUDGING: [("judging ends", t.judging_ends_at)],
        S.VERIFICATION: [("verification closes", t.verification_closes_at)],
        S.AWARDS_PROPOSED: [("appeals close", appeals_close_at(awards_proposed_at,
                                                                t.appeals_window_days))],
    }.get(state, [])
    for label, at in candidates:
        if at is not None and at > now:
            return label, at
    return None


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
