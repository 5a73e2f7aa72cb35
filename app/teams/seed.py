"""A demonstration team: led by the demo solver, with invitations waiting for an answer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.teams import invitations
from app.teams import service as teams
from app.teams.models import Team

SEED_ORDER = 70
DEMO_TEAM = "Kathmandu Cold Chain"


def _first_with(db: Session, role: Role, *, admin: bool) -> User | None:
    users = db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                       .where(UserRole.role == role).order_by(User.id))
    return next((u for u in users if u.has_role(Role.ADMIN) == admin), None)


def load_demo(db: Session) -> list[str]:
    if db.scalar(select(Team.id).where(Team.name == DEMO_TEAM)):
        return []
    lead = _first_with(db, Role.SOLVER, admin=False)
    admin = _first_with(db, Role.ADMIN, admin=True)
    if lead is None:
        return ["Teams: no solver account; demo team skipped."]
    team = teams.create(db, user=lead, name=DEMO_TEAM)
    # The admin is invited too, so the invitation is there to see on their /teams.
    for email in ([admin.email] if admin and admin.email else []) + ["friend@example.org"]:
        invitations.invite(db, team=team, user=lead, email=email)
    db.flush()
    return [f"Teams: demo team “{DEMO_TEAM}” led by {lead.email}."]
