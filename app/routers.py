"""Every domain's API and page routers, and the main navigation, found by convention."""

from __future__ import annotations

from fastapi import APIRouter

from app.discovery import domain_modules


def all_routers() -> list[APIRouter]:
    routers: list[APIRouter] = []
    for module in domain_modules("routes") + domain_modules("pages"):
        routers.append(module.router)
    return routers


def nav_entries() -> list[tuple[str, str, str | None]]:
    """(href, label, role) from the page modules' `NAV`, ordered by their declared order.

    A NAV entry may name a role as its fourth item ("Judging" for judges): the link is then
    shown only to accounts holding it. Without one, everyone sees it.
    """
    entries: list[tuple[int, str, str, str | None]] = []
    for module in domain_modules("pages"):
        for href, label, order, *role in getattr(module, "NAV", []):
            entries.append((order, href, label, str(role[0]) if role else None))
    return [(href, label, role) for _, href, label, role in sorted(entries, key=lambda e: e[:2])]


def nav_links() -> list[tuple[str, str]]:
    """(href, label) of the links everyone sees, in order."""
    return [(href, label) for href, label, role in nav_entries() if role is None]
