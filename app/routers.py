"""Every domain's API and page routers, and the main navigation, found by convention."""

from __future__ import annotations

from fastapi import APIRouter

from app.discovery import domain_modules


def all_routers() -> list[APIRouter]:
    routers: list[APIRouter] = []
    for module in domain_modules("routes") + domain_modules("pages"):
        routers.append(module.router)
    return routers


def nav_links() -> list[tuple[str, str]]:
    """(href, label) pairs from the page modules' `NAV`, ordered by their declared order."""
    entries: list[tuple[int, str, str]] = []
    for module in domain_modules("pages"):
        for href, label, order in getattr(module, "NAV", []):
            entries.append((order, href, label))
    return [(href, label) for _, href, label in sorted(entries)]
