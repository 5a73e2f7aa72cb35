"""Every domain's API and page routers, and the main navigation, found by convention."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

from app.discovery import domain_modules

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.accounts.models import User
    from app.challenges.models import Challenge


def all_routers() -> list[APIRouter]:
    routers: list[APIRouter] = []
    for module in domain_modules("routes") + domain_modules("pages"):
        routers.append(module.router)
    return routers


def nav_links(*, signed_in: bool = False) -> list[tuple[str, str]]:
    """(href, label) pairs from the page modules' `NAV` (and, for signed-in people, their
    `SIGNED_IN_NAV`: pages about one's own things), ordered by their declared order."""
    entries: list[tuple[int, str, str]] = []
    for module in domain_modules("pages"):
        declared = list(getattr(module, "NAV", []))
        if signed_in:
            declared += getattr(module, "SIGNED_IN_NAV", [])
        for href, label, order in declared:
            entries.append((order, href, label))
    return [(href, label) for _, href, label in sorted(entries)]


def challenge_links(db: Session, challenge: Challenge, user: User | None
                    ) -> list[tuple[str, str]]:
    """(href, label) links on a challenge's page from the page modules' `CHALLENGE_LINKS`
    (a function of the database, the challenge and the viewer), e.g. "Your entry", "Judging"
    for the domains above challenges, which the challenge page may not import."""
    return [link for module in domain_modules("pages")
            if (links_for := getattr(module, "CHALLENGE_LINKS", None)) is not None
            for link in links_for(db, challenge, user)]


def role_nav_links() -> list[tuple[str, str, tuple[str, ...]]]:
    """(href, label, roles) from the page modules' `ROLE_NAV`: entries only holders of one of
    the roles see (e.g. "Judging" for judges; a role or a tuple of roles), after the others,
    ordered by their declared order."""
    entries: list[tuple[int, str, str, tuple[str, ...]]] = []
    for module in domain_modules("pages"):
        for href, label, order, role in getattr(module, "ROLE_NAV", []):
            roles = role if isinstance(role, tuple) else (role,)
            entries.append((order, href, label, tuple(str(r) for r in roles)))
    return [(href, label, roles) for _, href, label, roles in sorted(entries)]
