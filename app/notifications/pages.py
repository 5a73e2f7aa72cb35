"""The inbox page, and the unread count beside the account link on every page."""

from __future__ import annotations

import logging
import re

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.deps import CurrentUser, csrf_protect
from app.config import get_settings
from app.i18n.translate import N_, gettext, ngettext
from app.kit import links
from app.kit.forms import FormData, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import MAX_DB_INT
from app.kit.templating import flash, render, templates
from app.kit.unit_of_work import SessionDep
from app.notifications import service

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
log = logging.getLogger("valleycross.notifications")
PAGE_SIZE = 30

# What a link in a message leads to, in words (the inbox shows these, not addresses); the
# first pattern matching the path wins.
LINK_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/challenges/\d+/judging\b"), N_("Open the judging page")),
    (re.compile(r"/challenges/\d+/verification\b"), N_("Open the verification page")),
    (re.compile(r"/challenges/\d+/awards\b"), N_("Open the awards")),
    (re.compile(r"/challenges/\d+/submission\b"), N_("Open your entry")),
    (re.compile(r"/challenges/\d+(?:[?#].*)?$"), N_("Open the challenge")),
    (re.compile(r"/admin/challenges/review\b"), N_("Open the review queue")),
    (re.compile(r"/submissions/\d+/receipts/"), N_("Open the receipt")),
    (re.compile(r"/teams/\d+"), N_("Open the team")),
    (re.compile(r"/teams\b"), N_("Open your teams")),
    (re.compile(r"/inventory/suggestions\b"), N_("Open your suggestions")),
    (re.compile(r"/inventory/(?:mechanisms|technologies)/\d+"), N_("Open the record")),
    (re.compile(r"/account\b"), N_("Open your account")),
)
OTHER_LINK = N_("Open the page")


def link_words(path: str) -> str:
    """The words a link to `path` shows, in the page's language."""
    for pattern, words in LINK_WORDS:
        if pattern.match(path):
            return gettext(words)
    return gettext(OTHER_LINK)


def message_html(body: str) -> Markup:
    """A message's text, escaped, its links clickable: this site's as words."""
    return links.linkify(body, base_url=get_settings().base_url, label=link_words)


def unread_messages(request: Request) -> int:
    """For the navigation bar; never lets a page fail (an error page renders it too)."""
    user_id = getattr(request.state, "user_id", None)
    db = getattr(request.state, "db", None)
    if user_id is None or db is None:
        return 0
    try:
        return service.unread_count(db, recipient_id=user_id)
    except SQLAlchemyError:  # e.g. the error page of a request whose transaction failed
        log.warning("unread count unavailable for user %s", user_id, exc_info=True)
        return 0


templates.env.globals["unread_messages"] = unread_messages


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, user: CurrentUser, db: SessionDep, offset: int = 0) -> Response:
    offset = min(max(0, offset), MAX_DB_INT)
    items, total = service.inbox(db, recipient_id=user.id, limit=PAGE_SIZE, offset=offset)
    return render(request, "notifications/inbox.html", {
        "items": items, "total": total, "offset": offset, "page_size": PAGE_SIZE,
        "message_html": message_html,
        "newest_id": items[0].id if items and offset == 0 else None})


@router.post("/inbox/read")
def mark_read(request: Request, form: FormData, user: CurrentUser,
              db: SessionDep) -> Response:
    raw = form.get("up_to_id", "")
    up_to = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_DB_INT else None
    marked = service.mark_read(db, recipient_id=user.id, up_to_id=up_to)
    flash(request, ngettext("%(num)d message marked read.", "%(num)d messages marked read.",
                            marked) % {"num": marked})
    return redirect("/inbox")
