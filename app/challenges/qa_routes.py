"""JSON API for questions, answers, announcements and registrations."""

from __future__ import annotations

from fastapi.responses import Response

from app import workflow
from app.accounts.deps import CurrentUser, OptionalUser
from app.challenges import qa, registrations
from app.challenges.deps import VisibleChallenge
from app.challenges.schemas import (
    AnnouncementIn,
    AnnouncementRead,
    AnswerIn,
    QuestionIn,
    QuestionRead,
    RegistrationIn,
    RegistrationRead,
)
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["challenges"])


@router.get("/challenges/{challenge_id}/questions", response_model=list[QuestionRead])
def list_questions(user: OptionalUser, challenge: VisibleChallenge,
                   db: SessionDep) -> object:
    """Answered questions (and your own); the asker is never shown."""
    return qa.questions(db, challenge=challenge, viewer=user)


@router.post("/challenges/{challenge_id}/questions", response_model=QuestionRead,
             status_code=201, responses=error_responses(409, 429))
def ask(body: QuestionIn, user: CurrentUser, challenge: VisibleChallenge,
        db: SessionDep) -> object:
    question = qa.ask(db, challenge=challenge, user=user, body=body.body)
    return QuestionRead(id=question.id, body=question.body, created_at=question.created_at,
                        answer=None, answered_at=None, mine=True)


@router.post("/challenges/{challenge_id}/questions/{question_id}/answer",
             response_model=QuestionRead, responses=error_responses(403))
def answer(question_id: ObjectId, body: AnswerIn, user: CurrentUser, challenge: VisibleChallenge,
           db: SessionDep) -> object:
    """The sponsor answers publicly."""
    q = qa.answer(db, challenge=challenge, question_id=question_id, user=user, text=body.answer)
    return QuestionRead(id=q.id, body=q.body, created_at=q.created_at, answer=q.answer,
                        answered_at=q.answered_at, mine=q.asker_id == user.id)


@router.get("/challenges/{challenge_id}/announcements", response_model=list[AnnouncementRead])
def list_announcements(user: OptionalUser, challenge: VisibleChallenge,
                       db: SessionDep) -> object:
    return qa.announcements(db, challenge=challenge)


@router.post("/challenges/{challenge_id}/announcements", response_model=AnnouncementRead,
             status_code=201, responses=error_responses(403, 409))
def announce(body: AnnouncementIn, user: CurrentUser, challenge: VisibleChallenge,
             db: SessionDep) -> object:
    """A dated clarification; queued for every registered participant."""
    return qa.announce(db, challenge=challenge, user=user, title=body.title, body=body.body)


@router.post("/challenges/{challenge_id}/registrations", response_model=RegistrationRead,
             status_code=201, responses=error_responses(403, 409))
def register(body: RegistrationIn, user: CurrentUser, challenge: VisibleChallenge,
             db: SessionDep) -> object:
    """Register yourself; eligibility (country as of the opening day, kind, team) is checked,
    and a judge on the challenge's panel (or anyone in a team with one) is refused (409)."""
    return workflow.register(db, challenge=challenge, user=user, body=body)


@router.delete("/challenges/{challenge_id}/registrations/me", status_code=204,
               responses=error_responses(409))
def unregister(user: CurrentUser, challenge: VisibleChallenge,
               db: SessionDep) -> None:
    workflow.withdraw_registration(db, challenge=challenge, user=user)


@router.get("/challenges/{challenge_id}/registrations", response_model=list[RegistrationRead],
            responses=error_responses(403))
def list_registrations(user: CurrentUser, challenge: VisibleChallenge,
                       db: SessionDep) -> object:
    """The sponsor's view of who registered."""
    return [r for r, _ in registrations.list_for_manager(db, challenge=challenge, user=user)]


@router.get("/challenges/{challenge_id}/registrations.csv", response_class=Response,
            responses=error_responses(403))
def registrations_csv(user: CurrentUser, challenge: VisibleChallenge,
                      db: SessionDep) -> Response:
    text = registrations.registrations_csv(db, challenge=challenge, user=user)
    name = f"challenge-{challenge.id}-registrations.csv"
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
