"""JSON API for questions, answers, announcements and registrations."""

from __future__ import annotations

from fastapi.responses import Response

from app import workflow
from app.accounts.deps import CurrentUser, OptionalUser
from app.challenges import qa, registrations, service
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
def list_questions(challenge_id: ObjectId, user: OptionalUser,
                   db: SessionDep) -> object:
    """Answered questions (and your own); the asker is never shown."""
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    return qa.questions(db, challenge=challenge, viewer=user)


@router.post("/challenges/{challenge_id}/questions", response_model=QuestionRead,
             status_code=201, responses=error_responses(409, 429))
def ask(challenge_id: ObjectId, body: QuestionIn, user: CurrentUser,
        db: SessionDep) -> object:
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    question = qa.ask(db, challenge=challenge, user=user, body=body.body)
    return QuestionRead(id=question.id, body=question.body, created_at=question.created_at,
                        answer=None, answered_at=None, mine=True)


@router.post("/challenges/{challenge_id}/questions/{question_id}/answer",
             response_model=QuestionRead, responses=error_responses(403))
def answer(challenge_id: ObjectId, question_id: ObjectId, body: AnswerIn, user: CurrentUser,
           db: SessionDep) -> object:
    """The sponsor answers publicly."""
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    q = qa.answer(db, challenge=challenge, question_id=question_id, user=user, text=body.answer)
    return QuestionRead(id=q.id, body=q.body, created_at=q.created_at, answer=q.answer,
                        answered_at=q.answered_at, mine=q.asker_id == user.id)


@router.get("/challenges/{challenge_id}/announcements", response_model=list[AnnouncementRead])
def list_announcements(challenge_id: ObjectId, user: OptionalUser,
                       db: SessionDep) -> object:
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    return qa.announcements(db, challenge=challenge)


@router.post("/challenges/{challenge_id}/announcements", response_model=AnnouncementRead,
             status_code=201, responses=error_responses(403, 409))
def announce(challenge_id: ObjectId, body: AnnouncementIn, user: CurrentUser,
             db: SessionDep) -> object:
    """A dated clarification; queued for every registered participant."""
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    return qa.announce(db, challenge=challenge, user=user, title=body.title, body=body.body)


@router.post("/challenges/{challenge_id}/registrations", response_model=RegistrationRead,
             status_code=201, responses=error_responses(403, 409))
def register(challenge_id: ObjectId, body: RegistrationIn, user: CurrentUser,
             db: SessionDep) -> object:
    """Register yourself; eligibility (country as of the opening day, kind, team) is checked."""
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    return registrations.register(db, challenge=challenge, user=user, body=body)


@router.delete("/challenges/{challenge_id}/registrations/me", status_code=204,
               responses=error_responses(409))
def unregister(challenge_id: ObjectId, user: CurrentUser,
               db: SessionDep) -> Response:
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    workflow.withdraw_registration(db, challenge=challenge, user=user)
    return Response(status_code=204)


@router.get("/challenges/{challenge_id}/registrations", response_model=list[RegistrationRead],
            responses=error_responses(403))
def list_registrations(challenge_id: ObjectId, user: CurrentUser,
                       db: SessionDep) -> object:
    """The sponsor's view of who registered."""
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    return [r for r, _ in registrations.list_for_manager(db, challenge=challenge, user=user)]


@router.get("/challenges/{challenge_id}/registrations.csv", response_class=Response,
            responses=error_responses(403))
def registrations_csv(challenge_id: ObjectId, user: CurrentUser,
                      db: SessionDep) -> Response:
    challenge = service.get(db, challenge_id=challenge_id, viewer=user)
    text = registrations.registrations_csv(db, challenge=challenge, user=user)
    name = f"challenge-{challenge.id}-registrations.csv"
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
