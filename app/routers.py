"""Every domain's API and page routers, in one list (the permission matrix walks them all)."""

from __future__ import annotations

from fastapi import APIRouter

# Main navigation (href, label); a domain adds its entry when its pages exist.
NAV_LINKS: list[tuple[str, str]] = []


def all_routers() -> list[APIRouter]:
    from app.accounts import pages as accounts_pages
    from app.accounts import routes as accounts_routes
    from app.home import pages as home_pages

    return [
        accounts_routes.router,
        accounts_pages.router,
        home_pages.router,
    ]
