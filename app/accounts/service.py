"""Users, profiles and roles. Services flush; the request (or CLI) boundary commits."""

from __future__ import annotations

from collections.abc import Iterable

import pycountry
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.accounts.passwords import hash_password, password_problem
from app.audit import service as audit
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable


def normalize_email(email: str) -> str:
    """Check the address's form and return it lower-cased (case never tells two accounts apart)."""
    try:
        valid = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed(N_("The email address is not valid."),
                               fields={"email": str(exc)}) from exc
    return valid.normalized.lower()


def check_country(country_code: str | None) -> str | None:
    if not country_code:
        return None
    code = country_code.strip().upper()
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValidationFailed(N_("Unknown country."),
                               fields={"country_code": translatable(
                                   "%(code)s is not an ISO 3166-1 alpha-3 code",
                                   code=repr(country_code))})
    return code


def get(db: Session, *, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    return user


def get_by_email(db: Session, *, email: str) -> User | None:
    return db.scalar(select(User).where(User.email_normalized == email.strip().lower()))


def list_users(db: Session, *, query: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[list[User], int]:
    """Users ordered by id, optionally filtered by a case-insensitive substring of email/name."""
    stmt = select(User)
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(func.lower(User.display_name).like(pattern)
                          | User.email_normalized.like(pattern))
    total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    users = list(db.scalars(stmt.order_by(User.id).limit(limit).offset(offset)))
    return users, total


def check_new_account(*, email: str | None, password: str | None, display_name: str,
                      country_code: str | None = None) -> None:
    """422 naming each bad field of a new account (the address is checked by the caller)."""
    fields: dict[str, str] = {}
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            fields["password"] = problem
    if not display_name.strip():
        fields["display_name"] = N_("Enter a name to show to others.")
    if fields:
        raise ValidationFailed(fields=fields)
    check_country(country_code)


def create_user(db: Session, *, email: str | None, password: str | None, display_name: str,
                organisation: str | None = None, country_code: str | None = None,
                roles: Iterable[Role] = (Role.SOLVER,), granted_by: User | None = None,
                email_verified: bool = False) -> User:
    """Create an account; the password is checked against the NIST rules and stored as Argon2id.

    `email_verified`: the address counts as proven from the start (an operator or admin made
    the account and vouches for it, or a provider said so); audited with the creation.
    """
    normalized = normalize_email(email) if email else None
    check_new_account(email=normalized, password=password, display_name=display_name)
    if normalized and get_by_email(db, email=normalized):
        raise Conflict(N_("An account with this email already exists."),
                       code="email_taken", fields={"email": N_("already registered")})
    user = User(
        email=email.strip() if email else None,
        email_normalized=normalized,
        display_name=display_name.strip(),
        organisation=(organisation or "").strip() or None,
        country_code=check_country(country_code),
        password_hash=hash_password(password) if password else None,
        email_verified_at=utcnow() if email_verified and normalized else None,
    )
    db.add(user)
    db.flush()
    for role in set(roles):
        db.add(UserRole(user_id=user.id, role=role,
                        granted_by_id=granted_by.id if granted_by else None))
    db.flush()
    db.refresh(user)
    audit.record(db, event="user.created", actor_id=granted_by.id if granted_by else user.id,
                 subject_user_id=user.id, roles=sorted(r.value for r in set(roles)),
                 email_verified=user.email_verified_at is not None)
    return user


def update_profile(db: Session, *, user: User, display_name: str | None = None,
                   organisation: str | None = None, country_code: str | None = None,
                   locale: str | None = None) -> User:
    """Change the fields a person may change about themselves (the email address changes
    only through the link that proves the new one: `email_links.request_email_change`)."""
    if locale is not None:
        user.locale = locale
    if display_name is not None:
        if not display_name.strip():
            raise ValidationFailed(fields={"display_name": N_("Enter a name to show to others.")})
        user.display_name = display_name.strip()
    if organisation is not None:
        user.organisation = organisation.strip() or None
    if country_code is not None:
        user.country_code = check_country(country_code)
    db.flush()
    return user


def grant_role(db: Session, *, user: User, role: Role, granted_by: User) -> User:
    """An admin gives a role; the grant records who gave it and when."""
    if not granted_by.has_role(Role.ADMIN):
        raise Forbidden(N_("Only an admin can grant roles."))
    if role not in user.role_names:
        db.add(UserRole(user_id=user.id, role=role, granted_by_id=granted_by.id))
        db.flush()
        db.refresh(user)
        audit.record(db, event="role.granted", actor_id=granted_by.id, subject_user_id=user.id,
                     role=role.value)
    return user


def revoke_role(db: Session, *, user: User, role: Role, revoked_by: User) -> User:
    """An admin takes a role back; an admin cannot remove their own admin role."""
    if not revoked_by.has_role(Role.ADMIN):
        raise Forbidden(N_("Only an admin can revoke roles."))
    if role == Role.ADMIN and user.id == revoked_by.id:
        raise Conflict(N_("You cannot remove your own admin role."), code="self_demotion")
    grant = db.get(UserRole, (user.id, role))
    if grant is not None:
        # Deleted by its key and counted: of two revocations at once, one is audited.
        result = db.execute(delete(UserRole).where(UserRole.user_id == user.id,
                                                   UserRole.role == role)
                            .execution_options(synchronize_session=False))
        db.expunge(grant)
        db.refresh(user)
        if getattr(result, "rowcount", 0) == 1:
            audit.record(db, event="role.revoked", actor_id=revoked_by.id,
                         subject_user_id=user.id, role=role.value)
    return user


def active_user_ids_with_role(db: Session, *, role: Role) -> list[int]:
    """Who to tell when work waits for a role (e.g. the admins, when a challenge needs review)."""
    return list(db.scalars(select(UserRole.user_id).join(User, User.id == UserRole.user_id)
                           .where(UserRole.role == role, User.is_active.is_(True))
                           .order_by(UserRole.user_id)))
