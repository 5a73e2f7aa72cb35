"""Team pages: /teams (your teams, invitations waiting for you, forming a team) and a team's
own page (members, invitations, and the lead's forms). Every change is a CSRF-protected form;
nothing needs JavaScript. A refused change shows the page again with the message next to the
form it came from; a team or invitation the user may not see is a 404 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.models import User
from app.challenges import team_entries
from app.errors import AppError, ValidationFailed, record_refusal
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, parse_form, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import MAX_DB_INT, ObjectId, Offset
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.teams import invitations, present
from app.teams import service as teams
from app.teams.deps import MemberTeam
from app.teams.models import Team
from app.teams.schemas import InvitationCreate, TeamCreate, TeamUpdate

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
SIGNED_IN_NAV = [("/teams", N_("Teams"), 50)]
PAGE_SIZE = 50


def _name(form: dict[str, str], model: type[TeamCreate] | type[TeamUpdate]) -> str:
    return parse_form(model, {"name": form.get("name", "")}, N_("The team needs a name.")).name


def _id(text: str, field: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DB_INT:
        raise ValidationFailed(fields={field: N_("choose one from the list")})
    return int(text)


def _teams_context(db: Session, user: User, offset: int) -> dict[str, Any]:
    items, total = teams.teams_of(db, user=user, limit=PAGE_SIZE, offset=offset)
    waiting, waiting_total = invitations.for_invitee(db, user=user, limit=PAGE_SIZE)
    return {"teams": [present.summary(t, user) for t in items], "total": total,
            "offset": offset, "page_size": PAGE_SIZE,
            "invitations": present.my_invitations(db, waiting), "invitations_total": waiting_total,
            "form": {}, "errors": {}, "failed": None, "error_message": None}


def _team_context(db: Session, team: Team, user: User) -> dict[str, Any]:
    view = present.team(db, team, user, team_entries.entry_reads(db, team_id=team.id))
    return {"team": view, "is_lead": teams.is_lead(team, user),
            "is_member": view.my_role is not None, "form": {}, "errors": {}, "failed": None,
            "error_message": None}


def _refused(request: Request, exc: AppError, template: str, context: dict[str, Any],
             failed: str, form: dict[str, str]) -> HTMLResponse:
    """The page again, the message at the form that failed (a 404 stays a 404 page)."""
    if exc.status_code == 404:
        raise exc
    record_refusal(request, exc)
    return render(request, template, {**context, "failed": failed, "errors": exc.fields,
                                      "error_message": exc.message, "form": form},
                  status_code=exc.status_code, headers=exc.headers)


@router.get("/teams", response_class=HTMLResponse)
def my_teams(request: Request, user: CurrentUser, db: SessionDep, offset: Offset = 0) -> Response:
    return render(request, "teams/list.html", _teams_context(db, user, offset))


@router.post("/teams")
def create(request: Request, form: FormData, user: CurrentUser,
           db: SessionDep) -> Response:
    try:
        team = teams.create(db, user=user, name=_name(form, TeamCreate))
    except AppError as exc:
        return _refused(request, exc, "teams/list.html", _teams_context(db, user, 0), "create",
                        form)
    flash(request, gettext("Team “%(name)s” formed. You lead it: invite its members below.")
          % {"name": team.name})
    return redirect(f"/teams/{team.id}")


def _answer(request: Request, db: Session, user: User, invitation_id: int, accepting: bool,
            form: dict[str, str]) -> Response:
    try:
        if accepting:
            team = workflow.join_team(db, invitation_id=invitation_id, user=user)
        else:
            item = invitations.invitation_for_invitee(db, invitation_id=invitation_id, user=user)
            invitations.decline(db, invitation=item, user=user)
    except AppError as exc:
        return _refused(request, exc, "teams/list.html", _teams_context(db, user, 0),
                        f"invitation-{invitation_id}", form)
    if accepting:
        flash(request, gettext("You joined team “%(name)s”.") % {"name": team.name})
        return redirect(f"/teams/{team.id}")
    flash(request, gettext("Invitation declined."))
    return redirect("/teams")


@router.post("/teams/invitations/{invitation_id:int}/accept")
def accept(invitation_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
           db: SessionDep) -> Response:
    return _answer(request, db, user, invitation_id, True, form)


@router.post("/teams/invitations/{invitation_id:int}/decline")
def decline(invitation_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
            db: SessionDep) -> Response:
    return _answer(request, db, user, invitation_id, False, form)


@router.get("/teams/{team_id:int}", response_class=HTMLResponse)
def detail(request: Request, user: CurrentUser, team: MemberTeam,
           db: SessionDep) -> Response:
    return render(request, "teams/detail.html", _team_context(db, team, user))


def _change(request: Request, db: Session, user: User, team_id: int, form: dict[str, str],
            failed: str, change: Callable[[Team], str | None]) -> Response:
    """Do `change` to a team the user can see; it returns the message to flash, or None when
    the team is gone (dissolved, or left: the user cannot see it any more)."""
    team = teams.get(db, team_id=team_id, viewer=user)
    try:
        message = change(team)
    except AppError as exc:
        return _refused(request, exc, "teams/detail.html", _team_context(db, team, user),
                        failed, form)
    if message is None:
        return redirect("/teams")
    flash(request, message)
    return redirect(f"/teams/{team_id}")


@router.post("/teams/{team_id:int}/rename")
def rename(team_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
           db: SessionDep) -> Response:
    def change(team: Team) -> str:
        team_entries.rename(db, team=team, user=user, name=_name(form, TeamUpdate))
        return gettext("The team is now called “%(name)s”.") % {"name": team.name}
    return _change(request, db, user, team_id, form, "rename", change)


@router.post("/teams/{team_id:int}/invitations")
def invite(team_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
           db: SessionDep) -> Response:
    def change(team: Team) -> str:
        try:
            body = InvitationCreate.model_validate({"email": form.get("email", "")})
        except ValidationError as exc:
            raise ValidationFailed(fields={"email": N_("give an email address")}) from exc
        item = invitations.invite(db, team=team, user=user, email=body.email)
        # The same words whether or not an account has the address.
        return gettext("Invitation to %(email)s recorded; it waits here until it is "
                       "answered.") % {"email": item.email}
    return _change(request, db, user, team_id, form, "invite", change)


@router.post("/teams/{team_id:int}/invitations/{invitation_id:int}/revoke")
def revoke(team_id: ObjectId, invitation_id: ObjectId, request: Request, form: FormData,
           user: CurrentUser, db: SessionDep) -> Response:
    def change(team: Team) -> str:
        item = invitations.revoke(db, team=team, user=user, invitation_id=invitation_id)
        return gettext("The invitation to %(email)s was revoked.") % {"email": item.email}
    return _change(request, db, user, team_id, form, "invitations", change)


@router.post("/teams/{team_id:int}/members/{user_id:int}/remove")
def remove_member(team_id: ObjectId, user_id: ObjectId, request: Request, form: FormData,
                  user: CurrentUser, db: SessionDep) -> Response:
    def change(team: Team) -> str | None:
        team_entries.remove_member(db, team=team, user=user, member_id=user_id)
        if user_id == user.id:
            flash(request, gettext("You left team “%(name)s”.") % {"name": team.name})
            return None
        return gettext("The member was removed; they are told in their inbox.")
    return _change(request, db, user, team_id, form, "members", change)


@router.post("/teams/{team_id:int}/lead")
def hand_over(team_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
              db: SessionDep) -> Response:
    def change(team: Team) -> str:
        team_entries.hand_over(db, team=team, user=user,
                        new_lead_id=_id(form.get("member_id", ""), "member_id"))
        return gettext("The lead was handed over; you are a member now.")
    return _change(request, db, user, team_id, form, "lead", change)


@router.post("/teams/{team_id:int}/dissolve")
def dissolve(team_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
             db: SessionDep) -> Response:
    def change(team: Team) -> None:
        name = team.name
        team_entries.dissolve(db, team=team, user=user)
        flash(request, gettext("Team “%(name)s” was dissolved.") % {"name": name})
    return _change(request, db, user, team_id, form, "dissolve", change)
