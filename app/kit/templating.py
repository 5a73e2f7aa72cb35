"""Jinja2 rendering shared by every page module."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from app.config import PROJECT_ROOT, get_settings
from app.i18n.locales import language_choices
from app.i18n.translate import (
    current_locale,
    gettext,
    local_name,
    ngettext,
    pgettext,
    set_locale,
    translate_message,
)
from app.kit import links
from app.kit.markdown import render_markdown

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
# Checking every template file's time on every render costs a stat() per file per page;
# only `serve --reload` (a developer editing templates) asks for it.
templates.env.auto_reload = os.environ.get("TEMPLATES_AUTO_RELOAD") == "1"
templates.env.add_extension("jinja2.ext.i18n")
templates.env.policies["ext.i18n.trimmed"] = True  # a multi-line {% trans %} is one sentence
# New-style gettext: `_("%(n)s entries", n=...)` escapes its values and a literal % is `%%`.
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext, ngettext, newstyle=True, pgettext=pgettext)


def _csrf(request: Request) -> str:
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def _csrf_input(request: Request) -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(_csrf(request))


def _utc(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M UTC") -> str:
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime(fmt)


def _money(amount_minor: int | None, currency: str | None, summary: bool = False) -> str:
    """Format integer minor units exactly (no floats), e.g. 1234567 USD -> 'USD 12,345.67';
    `summary=True` (budgets, prizes in lists) drops the zero decimals of a whole amount."""
    if amount_minor is None or not currency:
        return ""
    from app.kit.money import format_money

    return format_money(amount_minor, currency, summary=summary)


def _return_address(request: Request) -> str:
    """Where the language switch returns to: this page, with its query (filters, paging) when
    it was a plain GET. Not a sign-in provider's callback: its query holds a one-time code and
    the provider's words, which must not be copied into a page."""
    path = request.url.path
    if path.startswith("/auth/"):
        return "/"
    if request.method == "GET" and request.url.query:
        return f"{path}?{request.url.query}"
    return path


def _linkify(text: str | None) -> Markup:
    """Plain text, escaped, with its links made clickable (this site's as words)."""
    return links.linkify(text, base_url=get_settings().base_url,
                         label=lambda _path: gettext("Open the page"))


templates.env.globals.update(csrf_token=_csrf, csrf_input=_csrf_input,
                             language_choices=language_choices, local_name=local_name,
                             return_address=_return_address)
templates.env.filters.update(utc=_utc, money=_money, markdown=render_markdown, linkify=_linkify,
                             tr=translate_message)


def flash(request: Request, message: str, category: str = "info") -> None:
    """Queue a one-time message for the next page this browser renders."""
    request.session.setdefault("flash", []).append({"message": message, "category": category})


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    # Rendering may run in another thread than the one that read the request: say the language.
    set_locale(getattr(request.state, "locale", current_locale()))
    ctx = dict(context or {})
    ctx.setdefault("locale", current_locale())
    ctx.setdefault("current_user", getattr(request.state, "user", None))
    ctx.setdefault("settings", get_settings())
    if "session" in request.scope:
        ctx.setdefault("flashes", request.session.pop("flash", []))
    return templates.TemplateResponse(request, name, ctx, status_code=status_code,
                                      headers=headers)
