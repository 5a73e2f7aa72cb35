"""Loading challenges with the viewer's rights: drafts are hidden from all but owner and admins."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import lifecycle
from app.challenges.access import can_see, require_manager
from app.challenges.models import Challenge
from app.errors import NotAuthenticated, NotFound
from app.i18n.translate import N_


def get(db: Session, *, challenge_id: int, viewer: User | None) -> Challenge:
    """A challenge the viewer may see, its state brought up to date with the clock (404 else)."""
    challenge = db.get(Challenge, challenge_id)
    if challenge is None or not can_see(challenge, viewer):
        raise NotFound("No such challenge.")
    lifecycle.sync(db, challenge=challenge)
    return challenge


def get_managed(db: Session, *, challenge_id: int, user: User | None) -> Challenge:
    """A challenge the user manages (owner or admin): 404 when hidden, 403 when only visible."""
    if user is None:
        raise NotAuthenticated()
    challenge = get(db, challenge_id=challenge_id, viewer=user)
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge (or an admin) may do this."))
    return challenge
