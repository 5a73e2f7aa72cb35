"""Questions and public answers, and the sponsor's dated announcements (queued to participants)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.accounts.models import User
from app.challenges import clock
from app.challenges.access import is_manager, require_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import (
    Challenge,
    ChallengeAnnouncement,
    ChallengeQuestion,
)
from app.challenges.participants import participant_ids
from app.challenges.schemas import QuestionRead
from app.config import get_settings
from app.errors import Conflict, NotFound
from app.i18n.translate import N_, translatable
from app.kit import rate_limit
from app.kit.links import site_link
from app.notifications import service as notifications

ASKING_STATES = frozenset({ChallengeState.PUBLISHED, ChallengeState.OPEN})
ANNOUNCING_STATES = frozenset({ChallengeState.PUBLISHED, ChallengeState.OPEN,
                               ChallengeState.CLOSED, ChallengeState.JUDGING,
                               ChallengeState.VERIFICATION,
                               ChallengeState.AWARDS_PROPOSED, ChallengeState.FINAL})


def ask(db: Session, *, challenge: Challenge, user: User, body: str) -> ChallengeQuestion:
    """A signed-in user asks about a published or open challenge."""
    if challenge.state not in ASKING_STATES:
        raise Conflict(N_("Questions are taken while the challenge is published or open."),
                       code="not_open", fields={"state": challenge.state.value})
    rate_limit.check_and_record(
        db, action="challenge.question", key=f"user:{user.id}",
        limit=get_settings().rate_limits.questions_per_user_per_day, window=rate_limit.DAY,
        what=N_("questions"))
    question = ChallengeQuestion(challenge_id=challenge.id, asker_id=user.id, body=body.strip(),
                                 created_at=clock.now())
    db.add(question)
    db.flush()
    if challenge.owner_id != user.id:
        notifications.queue(db, recipient_id=challenge.owner_id,
                            subject=translatable("New question: %(title)s",
                                                 title=challenge.title),
                            body=translatable(
                                "%(question)s\n\nAnswer it on the challenge page; the answer "
                                "is public, the asker is not named.\n\n%(url)s",
                                question=question.body, url=_url(challenge)),
                            kind="challenge.question_asked")
    return question


def answer(db: Session, *, challenge: Challenge, question_id: int, user: User,
           text: str) -> ChallengeQuestion:
    """The sponsor (or an admin) answers publicly; answering again replaces the answer."""
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge answers its questions."))
    question = db.get(ChallengeQuestion, question_id)
    if question is None or question.challenge_id != challenge.id:
        raise NotFound(N_("No such question."))
    question.answer = text.strip()
    question.answered_by_id = user.id
    question.answered_at = clock.now()
    db.flush()
    if question.asker_id is not None and question.asker_id != user.id:
        notifications.queue(db, recipient_id=question.asker_id,
                            subject=translatable("Your question was answered: %(title)s",
                                                 title=challenge.title),
                            body=translatable(
                                "%(question)s\n\nAnswer:\n%(answer)s\n\n%(url)s",
                                question=question.body, answer=question.answer,
                                url=_url(challenge)),
                            kind="challenge.question_answered")
    return question


def _url(challenge: Challenge) -> str:
    return site_link(f"/challenges/{challenge.id}")


def questions(db: Session, *, challenge: Challenge, viewer: User | None) -> list[QuestionRead]:
    """Answered questions for everyone; unanswered ones for their asker and the managers.

    Who asked is never part of the answer: only `mine` tells the viewer their own questions.
    """
    stmt = select(ChallengeQuestion).where(ChallengeQuestion.challenge_id == challenge.id)
    if not is_manager(challenge, viewer):
        visible: ColumnElement[bool] = ChallengeQuestion.answer.is_not(None)
        if viewer is not None:
            visible = or_(visible, ChallengeQuestion.asker_id == viewer.id)
        stmt = stmt.where(visible)
    rows = db.scalars(stmt.order_by(ChallengeQuestion.created_at, ChallengeQuestion.id))
    # What moderators hid keeps its place in the list, without its words, for everyone.
    return [QuestionRead(id=q.id, body="" if q.question_hidden_at else q.body,
                         created_at=q.created_at,
                         answer=None if q.answer_hidden_at else q.answer,
                         answered_at=q.answered_at,
                         mine=viewer is not None and q.asker_id == viewer.id,
                         hidden=q.question_hidden_at is not None,
                         answer_hidden=q.answer_hidden_at is not None) for q in rows]


def announce(db: Session, *, challenge: Challenge, user: User, title: str,
             body: str) -> ChallengeAnnouncement:
    """A dated clarification; every registered participant gets it through the outbox."""
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge posts announcements."))
    if challenge.state not in ANNOUNCING_STATES:
        raise Conflict(N_("Announcements are posted on published challenges."),
                       code="not_published", fields={"state": challenge.state.value})
    item = ChallengeAnnouncement(challenge_id=challenge.id, author_id=user.id,
                                 title=title.strip(), body=body.strip(), created_at=clock.now())
    db.add(item)
    db.flush()
    notifications.queue_many(
        db, recipient_ids=participant_ids(db, challenge_id=challenge.id),
        subject=translatable("%(challenge)s: %(title)s", challenge=challenge.title,
                             title=item.title),
        body=f"{item.body}\n\n{_url(challenge)}",
        kind="challenge.announcement")
    return item


def announcements(db: Session, *, challenge: Challenge) -> list[ChallengeAnnouncement]:
    """Newest first."""
    return list(db.scalars(select(ChallengeAnnouncement)
                           .where(ChallengeAnnouncement.challenge_id == challenge.id)
                           .order_by(ChallengeAnnouncement.created_at.desc(),
                                     ChallengeAnnouncement.id.desc())))
