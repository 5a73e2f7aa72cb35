"""Countdowns and deadlines in the language of the page being rendered.

`states.countdown` and `present.deadline` say them in English for the API; the pages say them
with these, which give the same English.
"""

from __future__ import annotations

import datetime as dt

from app.challenges.schemas import DeadlineRead
from app.i18n.translate import N_, gettext, ngettext

DEADLINE_TEXTS = {
    "opens": N_("Opens in %(time)s"),
    "closes": N_("Closes in %(time)s"),
    "judging ends": N_("Judging ends in %(time)s"),
    "verification closes": N_("Verification closes in %(time)s"),
    "appeals close": N_("Appeals close in %(time)s"),
}


def _days(n: int) -> str:
    return ngettext("%(num)d day", "%(num)d days", n) % {"num": n}


def _hours(n: int) -> str:
    return ngettext("%(num)d hour", "%(num)d hours", n) % {"num": n}


def _minutes(n: int) -> str:
    return ngettext("%(num)d minute", "%(num)d minutes", n) % {"num": n}


def _two(larger: str, smaller: str) -> str:
    return gettext("%(larger)s %(smaller)s") % {"larger": larger, "smaller": smaller}


def duration(now: dt.datetime, at: dt.datetime) -> str:
    """`states.countdown` translated: '3 days 4 hours', 'less than a minute'."""
    seconds = int((at - now).total_seconds())
    if seconds < 60:
        return gettext("less than a minute")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _two(_days(days), _hours(hours)) if hours else _days(days)
    if hours:
        return _two(_hours(hours), _minutes(minutes)) if minutes else _hours(hours)
    return _minutes(minutes)


def deadline_text(deadline: DeadlineRead, now: dt.datetime) -> str:
    """'Closes in 3 days 4 hours' (the deadline's countdown, capitalised, translated)."""
    text = DEADLINE_TEXTS.get(deadline.label)
    if text is None:
        return deadline.countdown.capitalize()
    return gettext(text) % {"time": duration(now, deadline.at)}


# Names of the domain's codes as the pages show them (English as the pages always showed them).
SOLVER_KINDS = {"individual": N_("individual"), "team": N_("team"),
                "organisation": N_("organisation")}
SOLVER_KINDS_PLURAL = {"individual": N_("individuals"), "team": N_("teams"),
                       "organisation": N_("organisations")}
MECHANISM_ROLES = {"sponsor": N_("sponsor"), "partner": N_("partner"),
                   "scale_up_support": N_("scale up support")}
DIRECTIONS = {"at_least": N_("at least"), "at_most": N_("at most")}
IP_KINDS = {"no_transfer": N_("No transfer"), "non_exclusive_licence": N_("Non exclusive licence"),
            "open_licence": N_("Open licence"), "exclusive_licence": N_("Exclusive licence")}
YES_NO = {"yes": N_("yes"), "no": N_("no")}
