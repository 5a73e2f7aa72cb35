"""Who may come near a challenge's outcome verification (OWASP ASVS 8.2.x, enforced here).

Its manager (the owning sponsor or an admin) follows it; accounts holding the verifier role attest
outcomes. Everyone else is told there is nothing here (404). Verification opens when the owner
moves the challenge on from judging; before that its page is a 409 naming the state.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.errors import Conflict, Forbidden, NotFound
from app.i18n.translate import N_

VERIFICATION_STATES = frozenset({ChallengeState.VERIFICATION, ChallengeState.AWARDS_PROPOSED,
                                 ChallengeState.FINAL, ChallengeState.ARCHIVED})


@dataclass(frozen=True)
class Seat:
    """How the viewer takes part in a challenge's verification."""

    challenge: Challenge
    manager: bool
    verifier: bool


def is_verifier(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.VERIFIER)


def seat(db: Session, *, challenge_id: int, user: User) -> Seat:
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=user)
    manager, verifier = is_manager(challenge, user), is_verifier(user)
    if not manager and not verifier:
        raise NotFound()
    if challenge.state not in VERIFICATION_STATES:
        raise Conflict(N_("Outcome verification starts when the challenge's owner moves it on "
                          "from judging."), code="verification_not_started",
                       fields={"state": challenge.state.value})
    return Seat(challenge, manager, verifier)


def as_verifier(db: Session, *, challenge_id: int, user: User) -> Seat:
    """A verifier's seat; the sponsor who owns the challenge never attests its outcomes."""
    found = seat(db, challenge_id=challenge_id, user=user)
    if not found.verifier:
        raise Forbidden(N_("Only verifiers attest outcomes."), code="not_a_verifier")
    if found.challenge.owner_id == user.id:
        raise Forbidden(N_("The sponsor who owns a challenge does not verify its outcomes."),
                        code="owner_cannot_verify")
    return found
