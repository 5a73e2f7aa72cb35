"""The challenge domain's controlled values (pure: no database, no web)."""

from __future__ import annotations

import enum

from app.i18n.translate import N_, NP_


class ChallengeState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    JUDGING = "judging"
    VERIFICATION = "verification"
    AWARDS_PROPOSED = "awards_proposed"
    FINAL = "final"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


class MechanismRole(enum.StrEnum):
    SPONSOR = "sponsor"
    PARTNER = "partner"
    SCALE_UP_SUPPORT = "scale_up_support"


class Direction(enum.StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class SolverKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    TEAM = "team"
    ORGANISATION = "organisation"


class IpTerms(enum.StrEnum):
    NO_TRANSFER = "no_transfer"
    NON_EXCLUSIVE_LICENCE = "non_exclusive_licence"
    OPEN_LICENCE = "open_licence"
    EXCLUSIVE_LICENCE = "exclusive_licence"


IP_TERMS_LABELS: dict[IpTerms, str] = {
    IpTerms.NO_TRANSFER: N_("Solvers keep all rights; nothing is transferred or licensed."),
    IpTerms.NON_EXCLUSIVE_LICENCE: N_("Winners grant the sponsor a non-exclusive licence."),
    IpTerms.OPEN_LICENCE: N_("Winning solutions are published under an open licence."),
    IpTerms.EXCLUSIVE_LICENCE: N_("Winners grant the sponsor an exclusive licence."),
}

# A state's label is shown with `pgettext(STATE_CONTEXT, label)` (the `state` filter in pages):
# "Judging" the state and "Judging" the menu read differently in Chinese. The markers below spell
# the context out: the catalog extractor reads literals only.
STATE_CONTEXT = "challenge state"
STATE_LABELS: dict[ChallengeState, str] = {
    ChallengeState.DRAFT: NP_("challenge state", "Draft"),
    ChallengeState.IN_REVIEW: NP_("challenge state", "In review"),
    ChallengeState.PUBLISHED: NP_("challenge state", "Published (not yet open)"),
    ChallengeState.OPEN: NP_("challenge state", "Open for entries"),
    ChallengeState.CLOSED: NP_("challenge state", "Closed for entries"),
    ChallengeState.JUDGING: NP_("challenge state", "Judging"),
    ChallengeState.VERIFICATION: NP_("challenge state", "Verification"),
    ChallengeState.AWARDS_PROPOSED: NP_("challenge state", "Awards proposed"),
    ChallengeState.FINAL: NP_("challenge state", "Final"),
    ChallengeState.ARCHIVED: NP_("challenge state", "Archived"),
    ChallengeState.CANCELLED: NP_("challenge state", "Cancelled"),
}

# States the public may see (only once a challenge was published; drafts stay private).
PUBLIC_STATES = frozenset(ChallengeState) - {ChallengeState.DRAFT, ChallengeState.IN_REVIEW}
