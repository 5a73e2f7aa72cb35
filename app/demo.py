"""Reference and demonstration data loaders behind `valleycross load-reference` / `load-demo`.

Each domain contributes a seed module with `load_reference(db)` (real data every installation
needs) and optionally `load_demo(db)` (demonstration records); each returns lines to print and
is idempotent.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from types import ModuleType

from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.config import get_settings
from app.db import transaction
from app.discovery import domain_modules

Loader = Callable[[Session], list[str]]


def _seed_modules() -> list[ModuleType]:
    return sorted(domain_modules("seed"), key=lambda m: getattr(m, "SEED_ORDER", 100))


def reference_loaders() -> list[Loader]:
    """Loaders of real reference data (each domain's `seed.load_reference`), in seed order."""
    return [m.load_reference for m in _seed_modules() if hasattr(m, "load_reference")]


def demo_loaders() -> list[Loader]:
    """Loaders of demonstration records (each domain's `seed.load_demo`), after the reference."""
    return [m.load_demo for m in _seed_modules() if hasattr(m, "load_demo")]


DEMO_USERS: list[tuple[str, str, list[Role], str | None]] = [
    # email local part, display name, roles, country (ISO alpha-3)
    ("curator", "Demo Curator", [Role.CURATOR], "KEN"),
    ("sponsor", "Demo Sponsor", [Role.SPONSOR], "DEU"),
    ("solver", "Demo Solver", [Role.SOLVER], "NPL"),
    ("judge", "Demo Judge", [Role.JUDGE], "BRA"),
    ("verifier", "Demo Verifier", [Role.VERIFIER], "IND"),
    # The demo challenge in judging (app/judging/seed.py): two more judges, who have scored
    # it (the browser's judging journey reuses them by these names), and its entrants, from
    # least developed countries and small island developing states.
    ("judge2", "Ana Ferreira", [Role.JUDGE], "PRT"),
    ("judge3", "Kwame Mensah", [Role.JUDGE], "GHA"),
    ("solver2", "Chikondi Banda", [Role.SOLVER], "MWI"),
    ("solver3", "Mireille Joseph", [Role.SOLVER], "HTI"),
    ("solver4", "Losana Vuki", [Role.SOLVER], "FJI"),
    ("solver5", "Fátima Machava", [Role.SOLVER], "MOZ"),
]


def _demo_password(explicit: str | None) -> str:
    if explicit:
        return explicit
    path = get_settings().var_dir / "demo_admin_password"
    if path.exists():
        return path.read_text().strip()
    value = "-".join(secrets.token_hex(3) for _ in range(4))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value)
    path.chmod(0o600)
    return value


def load_reference_data() -> Iterator[str]:
    for loader in reference_loaders():
        with transaction() as db:
            yield from loader(db)
    yield "Reference data loaded."


def load_demo_data(*, admin_email: str, admin_password: str | None) -> Iterator[str]:
    yield from load_reference_data()
    password = _demo_password(admin_password)
    domain = admin_email.split("@", 1)[1]
    with transaction() as db:
        admin = accounts_service.get_by_email(db, email=admin_email)
        if admin is None:
            admin = accounts_service.create_user(
                db, email=admin_email, password=password, display_name="Demo Admin",
                roles=list(Role), email_verified=True)  # the operator vouches for the address
        for local, name, roles, country in DEMO_USERS:
            email = f"{local}@{domain}"
            if accounts_service.get_by_email(db, email=email) is None:
                accounts_service.create_user(db, email=email, password=password,
                                             display_name=name, country_code=country,
                                             roles=roles, granted_by=admin,
                                             email_verified=True)
    for loader in demo_loaders():
        with transaction() as db:
            yield from loader(db)
    yield "Demo data loaded (demonstration accounts below; do not use them in production)."
    yield f"  Sign in at {get_settings().base_url}/login"
    yield f"  admin:    {admin_email}  password: {password}"
    for local, _name, roles, _country in DEMO_USERS:
        yield f"  {roles[0].value + ':':9} {local}@{domain}  (same password)"
