"""HTML pages: the challenge list, a challenge's page, "my challenges" and the review queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from app import routers
from app.accounts.deps import AdminUser, CurrentUser, OptionalUser, csrf_protect
from app.accounts.models import User
from app.challenges import (
    clock,
    covers,
    display_names,
    labels,
    lifecycle,
    present,
    prize_text,
    qa,
    registrations,
    search,
)
from app.challenges.access import is_admin, is_manager
from app.challenges.deps import VisibleChallenge
from app.challenges.enums import (
    IP_TERMS_LABELS,
    STATE_CONTEXT,
    STATE_LABELS,
    ChallengeState,
    SolverKind,
)
from app.challenges.models import Challenge
from app.challenges.schemas import DeadlineRead
from app.challenges.states import STEPS, Actor
from app.errors import AppError, NotFound
from app.i18n.translate import N_, gettext, pgettext
from app.kit.routing import APIRouter
from app.kit.templating import render, templates
from app.kit.unit_of_work import SessionDep
from app.reference.vocab import SECTORS, STAGES
from app.teams import service as teams

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
NAV = [("/challenges", N_("Challenges"), 5)]
# `{{ label|state }}`: a challenge state's label in the page's language (every domain's pages
# show states: judging, verification, awards).
templates.env.filters["state"] = lambda label: pgettext(STATE_CONTEXT, label)

FILTER_NAMES = ("state", "sector", "stage", "sdg_target", "eligible_from", "mechanism",
                "min_purse", "currency", "q", "sort")


def _deadline_text(now: dt.datetime) -> Callable[[DeadlineRead], str]:
    """The pages' countdown ('Closes in 3 days 4 hours') in the page's language."""
    return lambda deadline: labels.deadline_text(deadline, now)


def vocab_context() -> dict[str, Any]:
    """Controlled values with their labels: the option lists in the page's language, the
    label dictionaries in English (the templates translate them with `|tr`)."""
    return {"sectors": [(s.value, gettext(i.label)) for s, i in SECTORS.items()],
            "stages": [(s.value, gettext(i.label)) for s, i in STAGES.items()],
            "states": [(s.value, pgettext(STATE_CONTEXT, label))
                       for s, label in STATE_LABELS.items()],
            "state_labels": {s.value: label for s, label in STATE_LABELS.items()},
            "ip_labels": {k.value: v for k, v in IP_TERMS_LABELS.items()},
            "ip_options": [(k.value, gettext(v)) for k, v in IP_TERMS_LABELS.items()],
            "solver_kinds": [k.value for k in SolverKind],
            "kind_names": labels.SOLVER_KINDS, "kind_plurals": labels.SOLVER_KINDS_PLURAL,
            "role_names": labels.MECHANISM_ROLES, "direction_names": labels.DIRECTIONS,
            "ip_kind_names": labels.IP_KINDS, "yes_no": labels.YES_NO}


@router.get("/challenges", response_class=HTMLResponse)
def list_page(request: Request, user: OptionalUser, db: SessionDep, offset: int = 0) -> Response:
    params = {k: request.query_params.get(k, "").strip() for k in FILTER_NAMES}
    items: list[Challenge] = []
    total = 0
    # A number that is not one is named next to its field, not silently dropped.
    errors = {name: N_("a whole number, 0 or more") for name in ("mechanism", "min_purse")
              if params[name] and not params[name].isdigit()}
    try:
        filters = search.Filters(
            state=params["state"] or None, sector=params["sector"] or None,
            stage=params["stage"] or None, sdg_target=params["sdg_target"] or None,
            eligible_from=params["eligible_from"].upper() or None,
            mechanism=int(params["mechanism"]) if params["mechanism"].isdigit() else None,
            min_purse=int(params["min_purse"]) if params["min_purse"].isdigit() else None,
            currency=params["currency"].upper() or None, q=params["q"] or None,
            sort=params["sort"] or "closing_soonest")
        if not errors:
            items, total = search.list_challenges(db, viewer=user, filters=filters, limit=20,
                                                  offset=max(0, offset))
    except AppError as exc:
        errors = {**exc.fields, **errors}
    now = clock.now()
    query = urlencode({k: v for k, v in params.items() if v})
    return render(request, "challenges/list.html", {
        **vocab_context(), "form": params, "errors": errors, "total": total,
        "items": [(c, present.summary(c, now)) for c in items], "offset": max(0, offset),
        "base_query": query, "now": now, "deadline_text": _deadline_text(now)})


@router.get("/challenges/mine", response_class=HTMLResponse)
def mine(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    items, total = search.list_challenges(db, viewer=user, filters=search.Filters(
        mine=True, sort="newest"), limit=100)
    now = clock.now()
    return render(request, "challenges/mine.html", {
        **vocab_context(), "items": [(c, present.summary(c, now)) for c in items],
        "total": total, "deadline_text": _deadline_text(now)})


@router.get("/admin/challenges/review", response_class=HTMLResponse)
def review_queue(request: Request, admin: AdminUser, db: SessionDep) -> Response:
    items = search.review_queue(db)
    names = display_names.user_names(db, [c.owner_id for c in items])
    return render(request, "challenges/review.html", {"items": items, "names": names})


def detail_context(db: Session, challenge: Challenge, user: User | None) -> dict[str, Any]:
    now = clock.now()
    view = present.detail(challenge, now)
    history = lifecycle.transitions(db, challenge=challenge)
    manager = is_manager(challenge, user)
    actions = [s for s in STEPS.values() if challenge.state in s.sources
               and (is_admin(user) if s.actor_in(challenge.state) == Actor.ADMIN else manager)]
    return {
        **vocab_context(), "c": challenge, "view": view, "now": now, "history": history,
        "deadline_text": _deadline_text(now),
        "names": display_names.user_names(db, [t.actor_id for t in history]),
        "needs": display_names.needs(db, view.need_ids),
        "mechanism_names": display_names.mechanism_names(
            db, [m.mechanism_id for m in view.mechanisms]),
        "sdg_titles": display_names.sdg_titles(db, view.sdg_targets),
        "questions": qa.questions(db, challenge=challenge, viewer=user),
        "announcements": qa.announcements(db, challenge=challenge),
        # Your own registration (a team's, if you are its lead) or your team's, by its lead.
        "registration": (registrations.find(db, challenge=challenge, user=user)
                         or registrations.team_entry_of(db, challenge=challenge, user=user)),
        "lead_teams": teams.led_by(db, user=user) if user is not None else [],
        "prize_notes": prize_text.notes(view.prize_rules) if view.prize_rules else None,
        "manager": manager, "actions": actions, "form": {}, "errors": {},
        "can_ask": user is not None and challenge.state in qa.ASKING_STATES,
        "can_register": (user is not None and challenge.state == ChallengeState.OPEN
                         and not manager),
        "extra_links": routers.challenge_links(db, challenge, user),
    }


@router.get("/challenges/{challenge_id:int}", response_class=HTMLResponse)
def detail(request: Request, user: OptionalUser, challenge: VisibleChallenge,
           db: SessionDep) -> Response:
    return render(request, "challenges/detail.html", detail_context(db, challenge, user))


@router.get("/challenges/{challenge_id:int}/contract.json")
def contract(user: OptionalUser, challenge: VisibleChallenge, db: SessionDep) -> Response:
    """The canonical contract, byte for byte as hashed."""
    if not challenge.contract_json:
        raise NotFound(N_("This challenge has no contract yet; it is frozen on publication."))
    return Response(challenge.contract_json.encode("utf-8"), media_type="application/json",
                    headers={"X-Contract-SHA256": challenge.contract_sha256 or "",
                             "Content-Disposition":
                                 f'inline; filename="challenge-{challenge.id}-contract.json"'})


@router.get("/challenges/{challenge_id:int}/cover")
def cover(user: OptionalUser, challenge: VisibleChallenge, db: SessionDep) -> Response:
    path, media_type = covers.cover_file(challenge)
    return FileResponse(path, media_type=media_type)
