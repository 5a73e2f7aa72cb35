"""Who may see and who may manage a challenge."""

from __future__ import annotations

from app.accounts.models import Role, User
from app.challenges.models import Challenge


def is_admin(user: User | None) -> bool:
    return user is not None and user.has_role(Role.ADMIN)


def is_manager(challenge: Challenge, user: User | None) -> bool:
    """The owning sponsor or an admin."""
    return user is not None and (user.id == challenge.owner_id or user.has_role(Role.ADMIN))


def can_see(challenge: Challenge, user: User | None) -> bool:
    """Published once (even if cancelled later): everyone; otherwise only its managers."""
    return challenge.published_at is not None or is_manager(challenge, user)
