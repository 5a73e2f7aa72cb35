"""Forms on a challenge's page: questions, answers, announcements, registration; CSV export."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import Response

from app import workflow
from app.accounts.deps import CurrentUser, csrf_protect
from app.challenges import qa, qa_routes
from app.challenges.deps import VisibleChallenge
from app.challenges.pages import detail_context
from app.challenges.schemas import AnnouncementIn, AnswerIn, QuestionIn, RegistrationIn
from app.errors import AppError, ValidationFailed, record_refusal
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, parse_form, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)




@router.post("/challenges/{challenge_id:int}/questions")
def ask(request: Request, form: FormData, user: CurrentUser, challenge: VisibleChallenge,
              db: SessionDep) -> Response:
    try:
        body = parse_form(QuestionIn, {"body": form.get("body", "")})
        qa.ask(db, challenge=challenge, user=user, body=body.body)
    except AppError as exc:
        # The challenge page again, the message above the question form and the question kept
        # (e.g. the daily limit of questions: the asker copies it and sends it later).
        record_refusal(request, exc)
        context = detail_context(db, challenge, user)
        return render(request, "challenges/detail.html",
                      {**context, "question_error": exc.message, "question_fields": exc.fields,
                       "question_body": form.get("body", "")},
                      status_code=exc.status_code, headers=exc.headers)
    flash(request, gettext(
        "Your question was sent; the answer will be public, your name will not."))
    return redirect(f"/challenges/{challenge.id}")


@router.post("/challenges/{challenge_id:int}/questions/{question_id:int}/answer")
def answer(question_id: ObjectId, request: Request, form: FormData,
           user: CurrentUser, challenge: VisibleChallenge,
                 db: SessionDep) -> Response:
    body = parse_form(AnswerIn, {"answer": form.get("answer", "")})
    qa.answer(db, challenge=challenge, question_id=question_id, user=user, text=body.answer)
    flash(request, gettext("The answer is published."))
    return redirect(f"/challenges/{challenge.id}")


@router.post("/challenges/{challenge_id:int}/announcements")
def announce(request: Request, form: FormData, user: CurrentUser, challenge: VisibleChallenge,
                   db: SessionDep) -> Response:
    body = parse_form(AnnouncementIn, {"title": form.get("title", ""),
                                       "body": form.get("body", "")})
    qa.announce(db, challenge=challenge, user=user, title=body.title, body=body.body)
    flash(request, gettext(
        "Announcement posted; registered participants will be notified."))
    return redirect(f"/challenges/{challenge.id}")


@router.post("/challenges/{challenge_id:int}/register")
def register(request: Request, form: FormData, user: CurrentUser, challenge: VisibleChallenge,
                   db: SessionDep) -> Response:
    kind = form.get("solver_kind", "")
    try:
        data: dict[str, object] = {
            "solver_kind": kind,
            "declares_not_sponsor_employee": form.get("declares_not_sponsor_employee") == "on"}
        # The form shows every field; only those that belong to the chosen kind are sent.
        if kind == "team":
            team_id = form.get("team_id", "").strip()
            if not (team_id.isascii() and team_id.isdigit()):
                raise ValidationFailed(fields={"team_id": N_("choose one of the teams you lead")})
            data["team_id"] = int(team_id)
        else:
            data["team_name"] = form.get("team_name") or None
        body = parse_form(RegistrationIn, data)
        registration = workflow.register(db, challenge=challenge, user=user, body=body)
    except AppError as exc:
        context = detail_context(db, challenge, user)
        return render(request, "challenges/detail.html",
                      {**context, "form": form, "errors": exc.fields,
                       "register_error": exc.message}, status_code=exc.status_code)
    if registration.team_id is not None:
        flash(request, gettext("Your team “%(team)s” is registered. Announcements will reach "
                               "you, its lead.") % {"team": registration.team_name})
    else:
        flash(request, gettext("You are registered. Announcements will reach you."))
    return redirect(f"/challenges/{challenge.id}")


@router.post("/challenges/{challenge_id:int}/unregister")
def unregister(request: Request, user: CurrentUser, challenge: VisibleChallenge,
               db: SessionDep) -> Response:
    workflow.withdraw_registration(db, challenge=challenge, user=user)
    flash(request, gettext("Your registration was withdrawn."))
    return redirect(f"/challenges/{challenge.id}")


# The sponsor's download link is the API's CSV, under the page's address.
router.add_api_route("/challenges/{challenge_id:int}/registrations.csv",
                     qa_routes.registrations_csv, methods=["GET"])
