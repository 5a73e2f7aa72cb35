"""The entrant's page for their entry: start it, edit the draft, add and delete PDF files,
submit, reopen. Plain forms (no JavaScript); a refused step shows the page again with the
message next to its field."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.models import User
from app.challenges import clock
from app.challenges import service as challenges
from app.challenges.access import is_manager
from app.challenges.labels import duration
from app.challenges.models import Challenge
from app.config import get_settings
from app.errors import AppError, NotFound, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.body_limit import larger_body
from app.kit.forms import FormData, form_with_errors, parse_form, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.submissions import access, service, uploads
from app.submissions.deps import UploadForm, upload_ceiling, upload_size_guard
from app.submissions.models import SubmissionState
from app.submissions.present import receipt_view
from app.submissions.schemas import SubmissionCreate, SubmissionUpdate

# The size guard comes first: `csrf_protect` reads the whole form, upload included.
router = APIRouter(dependencies=[Depends(upload_size_guard), Depends(csrf_protect)],
                   include_in_schema=False)
TEMPLATE = "submissions/entry.html"
# Each page loads the entry or challenge of its path itself (app/submissions/deps.py says why).


def _entry_url(challenge_id: int) -> str:
    return f"/challenges/{challenge_id}/submission"


def entry_context(db: Session, challenge: Challenge, user: User,
                  form: dict[str, str] | None = None) -> dict[str, Any]:
    """What the entry page shows this entrant (404 when they are not registered)."""
    registration, submission = service.my_entry(db, challenge=challenge, user=user)
    if registration is None:
        raise NotFound(service.NOT_REGISTERED)
    settings = get_settings()
    now = clock.now()
    closes = challenge.submissions_close_at
    open_now = access.is_open_for_entries(challenge)
    values = form if form is not None else (
        {"title": submission.title, "summary": submission.summary} if submission else {})
    receipts = submission.receipts if submission else []
    return {
        "c": challenge, "s": submission, "open": open_now,
        "editable": open_now and submission is not None
        and submission.state == SubmissionState.DRAFT,
        "submitted": submission is not None and submission.state == SubmissionState.SUBMITTED,
        "entrant": access.entrant_names(db, [registration])[registration.id],
        "team": registration.team_id is not None,
        "countdown": duration(now, closes) if open_now and closes else None,
        "max_files": settings.submission_max_files,
        "max_size": uploads.human_size(settings.submission_max_file_bytes),
        "latest_receipt": receipt_view(receipts[-1]) if receipts else None,
        "earlier_receipts": list(reversed(receipts[:-1])),
        "form": values, "errors": {}, "error_message": None,
    }


def _again(request: Request, db: Session, exc: AppError, challenge: Challenge, user: User,
           form: dict[str, str] | None = None) -> Response:
    return form_with_errors(request, TEMPLATE, exc, entry_context(db, challenge, user, form))


TextModel = TypeVar("TextModel", SubmissionCreate, SubmissionUpdate)


def _valid_text(model: type[TextModel], form: dict[str, str]) -> TextModel:
    # Only the fields the form sent: a missing summary is left alone, not emptied.
    given: dict[str, str] = {name: form[name] for name in ("title", "summary") if name in form}
    if model is SubmissionCreate:
        given.setdefault("title", "")  # so that a missing title is named, like an empty one
    return parse_form(model, given, N_("Some fields are not valid; nothing was saved."))


@router.get("/challenges/{challenge_id:int}/submission", response_class=HTMLResponse)
def entry_page(challenge_id: ObjectId, request: Request, user: CurrentUser,
               db: SessionDep) -> Response:
    challenge = challenges.get(db, challenge_id=challenge_id, viewer=user)
    return render(request, TEMPLATE, entry_context(db, challenge, user))


@router.post("/challenges/{challenge_id:int}/submission")
def start(challenge_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
          db: SessionDep) -> Response:
    challenge = challenges.get(db, challenge_id=challenge_id, viewer=user)
    try:
        service.create(db, challenge=challenge, user=user,
                       body=_valid_text(SubmissionCreate, form))
    except AppError as exc:
        return _again(request, db, exc, challenge, user, form)
    flash(request, gettext("Draft saved. Add your PDF files, then submit."))
    return redirect(_entry_url(challenge.id))


@router.post("/submissions/{submission_id:int}/edit")
def save(submission_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
         db: SessionDep) -> Response:
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    try:
        service.update(db, entry=entry, body=_valid_text(SubmissionUpdate, form))
    except AppError as exc:
        return _again(request, db, exc, entry.challenge, user, form)
    flash(request, gettext("Draft saved."))
    return redirect(_entry_url(entry.challenge.id))


@router.post("/submissions/{submission_id:int}/files")
@larger_body(upload_ceiling)
def upload(submission_id: ObjectId, request: Request, file: UploadForm, user: CurrentUser,
           db: SessionDep) -> Response:
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    try:
        if file is None:
            raise ValidationFailed(N_("Choose a PDF file to upload."),
                                   fields={"file": N_("choose a PDF file")})
        record = uploads.add_file(db, entry=entry, user=user, filename=file.filename,
                                  stream=file.file)
    except AppError as exc:
        return _again(request, db, exc, entry.challenge, user)
    flash(request, gettext("Added %(name)s.") % {"name": record.original_name})
    return redirect(_entry_url(entry.challenge.id))


@router.post("/submissions/{submission_id:int}/files/{file_id:int}/delete")
def delete_file(submission_id: ObjectId, file_id: ObjectId, request: Request,
                user: CurrentUser, db: SessionDep) -> Response:
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    name = uploads.find_file(entry, file_id).original_name
    try:
        uploads.delete_file(db, entry=entry, file_id=file_id)
    except AppError as exc:
        return _again(request, db, exc, entry.challenge, user)
    flash(request, gettext("Deleted %(name)s.") % {"name": name})
    return redirect(_entry_url(entry.challenge.id))


@router.post("/submissions/{submission_id:int}/submit")
def submit(submission_id: ObjectId, request: Request, user: CurrentUser,
           db: SessionDep) -> Response:
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    try:
        receipt = service.submit(db, entry=entry, user=user)
    except AppError as exc:
        return _again(request, db, exc, entry.challenge, user)
    flash(request, gettext("Your entry was submitted. Receipt %(number)s, SHA-256 %(sha256)s; it "
                           "is also in your inbox.")
          % {"number": receipt.number, "sha256": receipt.sha256})
    return redirect(_entry_url(entry.challenge.id))


@router.post("/submissions/{submission_id:int}/reopen")
def reopen(submission_id: ObjectId, request: Request, user: CurrentUser,
           db: SessionDep) -> Response:
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    try:
        service.reopen(db, entry=entry, user=user)
    except AppError as exc:
        return _again(request, db, exc, entry.challenge, user)
    flash(request, gettext("Your entry is a draft again. Submit it again before the deadline, "
                           "or it is not entered."))
    return redirect(_entry_url(entry.challenge.id))


def _links(db: Session, challenge: Challenge, user: User | None) -> list[tuple[str, str]]:
    """"Submissions (N)" for the challenge's managers, "Your entry" for its entrants."""
    if user is None or challenge.published_at is None:
        return []
    links: list[tuple[str, str]] = []
    if is_manager(challenge, user):
        count = service.count_submitted(db, challenge=challenge)
        links.append((f"/challenges/{challenge.id}/submissions",
                      gettext("Submissions (%(count)s)") % {"count": count}))
    registration, _ = service.my_entry(db, challenge=challenge, user=user)
    if registration is not None:
        links.append((_entry_url(challenge.id), gettext("Your entry")))
    return links


CHALLENGE_LINKS = _links
