"""Judging pages: a judge's assignments, a challenge's judging page (entries to score for a
judge; the panel and its progress for the manager), an entry's scorecard, the results."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect, require_role
from app.accounts.models import Role, User
from app.challenges import clock, deadlines
from app.challenges.access import is_manager
from app.challenges.enums import STATE_LABELS
from app.challenges.models import Challenge
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.judging import access, codes, files, panel, results, service
from app.judging.access import ChallengeToJudge, ChallengeWithPanel
from app.judging.schemas import SCORE_HINT, CriterionScoreIn, Score, ScorecardIn
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
ROLE_NAV = [("/judging", N_("Judging"), 50, Role.JUDGE)]  # only accounts holding the judge role
EntryCode = Annotated[str, Path(pattern=codes.PATTERN)]
JudgeUser = Annotated[User, Depends(require_role(Role.JUDGE))]
_SCORE = TypeAdapter(Score)


def _judging(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/judging"


@router.get("/judging", response_class=HTMLResponse)
def assignments(request: Request, user: JudgeUser, db: SessionDep) -> Response:
    return render(request, "judging/assignments.html", {
        "items": panel.assignments(db, user=user),
        "state_labels": {s.value: label for s, label in STATE_LABELS.items()}})


def _overview_context(db: Session, seat: access.Seat, user: User) -> dict[str, Any]:
    challenge = seat.challenge
    judging = deadlines.judging_open(challenge, clock.now())
    the_panel = panel.panel(db, challenge=challenge, user=user) if seat.manager else None
    return {
        "c": challenge, "seat": seat, "state_label": STATE_LABELS[challenge.state],
        "judging": judging,
        "entries": service.entries(db, challenge=challenge, judge=user)
        if seat.judge and judging else [],
        "panel": the_panel,
        "judge_options": [(str(j.id), f"{j.name} ({j.organisation})" if j.organisation
                           else j.name) for j in the_panel.available_judges] if the_panel else [],
        "results_ready": challenge.state in results.RESULT_STATES,
        "form": {}, "errors": {}}


@router.get("/challenges/{challenge_id:int}/judging", response_class=HTMLResponse)
def overview(challenge_id: ObjectId, request: Request, user: CurrentUser,
             db: SessionDep) -> Response:
    seat = access.seat(db, challenge_id=challenge_id, user=user)
    return render(request, "judging/overview.html", _overview_context(db, seat, user))


@router.post("/challenges/{challenge_id:int}/judging/panel")
def assign(request: Request, form: FormData, user: CurrentUser, challenge: ChallengeWithPanel,
           db: SessionDep) -> Response:
    raw = form.get("judge_id", "").strip()
    try:
        if not raw.isdigit() or len(raw) > 9:
            raise ValidationFailed(N_("Choose a judge."), fields={"judge_id": N_("choose a judge")})
        panel.assign(db, challenge=challenge, user=user, judge_id=int(raw))
    except AppError as exc:
        seat = access.seat(db, challenge_id=challenge.id, user=user)
        return form_with_errors(request, "judging/overview.html", exc,
                                {**_overview_context(db, seat, user), "form": form})
    flash(request, gettext("The judge was added to the panel and told in their inbox."))
    return redirect(_judging(challenge))


@router.post("/challenges/{challenge_id:int}/judging/panel/{judge_id:int}/remove")
def remove(judge_id: ObjectId, request: Request, user: CurrentUser, challenge: ChallengeWithPanel,
           db: SessionDep) -> Response:
    panel.remove(db, challenge=challenge, user=user, judge_id=judge_id)
    flash(request, gettext("The judge was taken off the panel."))
    return redirect(_judging(challenge))


def _entry_context(db: Session, challenge: Challenge, user: User, code: str) -> dict[str, Any]:
    entry = service.entry(db, challenge=challenge, judge=user, code=code)
    card = entry.scorecard
    form: dict[str, str] = {}
    if card is not None:
        form = {f"scores.{s.criterion_id}": str(s.score) for s in card.scores
                if s.score is not None}
        form["comment"] = card.comment
    return {"c": challenge, "entry": entry, "card": card, "form": form, "errors": {},
            "score_hint": SCORE_HINT}


@router.get("/challenges/{challenge_id:int}/judging/entries/{code}", response_class=HTMLResponse)
def entry_page(code: EntryCode, request: Request, user: CurrentUser, challenge: ChallengeToJudge,
               db: SessionDep) -> Response:
    return render(request, "judging/entry.html", _entry_context(db, challenge, user, code))


def _scorecard_from_form(challenge: Challenge, form: dict[str, str]) -> ScorecardIn:
    """The form's fields as the API body, each bad score named next to its own field."""
    problems: dict[str, str] = {}
    scores: list[CriterionScoreIn] = []
    for criterion in challenge.criteria:
        name = f"scores.{criterion.id}"
        raw = form.get(name, "").strip()
        if not raw:
            continue
        try:
            value: Decimal = _SCORE.validate_python(raw)
        except ValidationError:
            problems[name] = SCORE_HINT
            continue
        scores.append(CriterionScoreIn(criterion_id=criterion.id, score=value))
    comment = form.get("comment", "")
    if len(comment) > 5000:
        problems["comment"] = N_("at most 5,000 characters")
    if problems:
        raise ValidationFailed(N_("Some scores are not valid."), fields=problems)
    return ScorecardIn(scores=scores, comment=comment)


@router.post("/challenges/{challenge_id:int}/judging/entries/{code}")
def save_scorecard(code: EntryCode, request: Request, form: FormData,
                   user: CurrentUser, challenge: ChallengeToJudge, db: SessionDep) -> Response:
    """Save the draft; with "Submit scorecard", submit it too (both or neither)."""
    submitting = form.get("intent") == "submit"
    try:
        body = _scorecard_from_form(challenge, form)
        service.save(db, challenge=challenge, judge=user, code=code, body=body)
        if submitting:
            service.submit(db, challenge=challenge, judge=user, code=code)
    except AppError as exc:
        context = _entry_context(db, challenge, user, code)
        return form_with_errors(request, "judging/entry.html", exc, {**context, "form": form})
    flash(request, (gettext("Scorecard for %(code)s submitted.") if submitting
                    else gettext("Draft scorecard for %(code)s saved.")) % {"code": code})
    return redirect(_judging(challenge) if submitting else service.entry_url(challenge, code))


@router.post("/challenges/{challenge_id:int}/judging/entries/{code}/recuse")
def recuse(code: EntryCode, request: Request, user: CurrentUser, challenge: ChallengeToJudge,
           db: SessionDep) -> Response:
    service.recuse(db, challenge=challenge, judge=user, code=code)
    flash(request, gettext("You recused yourself from %(code)s; it is no longer on your list.")
          % {"code": code})
    return redirect(_judging(challenge))


@router.get("/challenges/{challenge_id:int}/judging/entries/{code}/files/{number:int}")
def download(code: EntryCode, number: ObjectId, user: CurrentUser, challenge: ChallengeToJudge,
             db: SessionDep) -> Response:
    path, name = service.entry_file(db, challenge=challenge, judge=user, code=code,
                                    number=number)
    return files.file_response(path, name)


@router.get("/challenges/{challenge_id:int}/judging/results", response_class=HTMLResponse)
def results_page(request: Request, user: CurrentUser, challenge: ChallengeWithPanel,
                 db: SessionDep) -> Response:
    table = results.results(db, challenge=challenge, user=user)
    return render(request, "judging/results.html", {
        "c": challenge, "table": table, "state_label": STATE_LABELS[challenge.state]})


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Judging" on the challenge's page, for its manager and the judges on its panel."""
    if user is None or challenge.published_at is None:
        return []
    if is_manager(challenge, user) or access.is_assigned(
            db, challenge=challenge, user=user):
        return [(_judging(challenge), gettext("Judging"))]
    return []


CHALLENGE_LINKS = _challenge_links
