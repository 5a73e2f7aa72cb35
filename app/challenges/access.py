"""Who may see and who may manage a challenge."""

from __future__ import annotations

from app.accounts.models import Role, User
from app.challenges.models import Challenge
from app.errors import Forbidden
from app.i18n.translate import N_


def is_admin(user: User | None) -> bool:
    return user is not None and user.has_role(Role.ADMIN)


def is_owner(challenge: Challenge, user: User | None) -> bool:
    """The sponsor of record, with or without the sponsor role today. Never a grant on its own:
    it keeps the owner out of what would be a conflict of interest (judging, verifying or
    entering their own challenge)."""
    return user is not None and user.id == challenge.owner_id


def is_manager(challenge: Challenge, user: User | None) -> bool:
    """An admin, or the owning sponsor while they hold the sponsor role: roles are read afresh
    on every request, so one an admin takes back closes everything beyond the public view at
    once (issue 17)."""
    if user is None:
        return False
    return user.has_role(Role.ADMIN) or (is_owner(challenge, user)
                                         and user.has_role(Role.SPONSOR))


def require_manager(challenge: Challenge, user: User | None, *, refusal: str) -> None:
    """403 unless `user` manages the challenge; an owner who lost the sponsor role is told so."""
    if is_manager(challenge, user):
        return
    if is_owner(challenge, user):
        raise Forbidden(N_("This needs the sponsor role."), code="missing_role")
    raise Forbidden(refusal, code="not_owner")


def can_see(challenge: Challenge, user: User | None) -> bool:
    """Published once (even if cancelled later) and not hidden by moderators: everyone;
    otherwise only its managers."""
    return (challenge.published_at is not None and challenge.hidden_at is None) \
        or is_manager(challenge, user)
