"""The things people report, one kind at a time: who may see each, its words, and its hidden
flag (a time column on the row itself, which the owning domain honours in its own queries).

Moderation sits above every domain it moderates, so it reads their models directly; none of them
imports this package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.accounts.models import Role, User
from app.challenges.access import can_see, is_manager
from app.challenges.models import Challenge, ChallengeQuestion
from app.inventory.models import Suggestion
from app.moderation.models import SubjectKind
from app.teams import service as teams
from app.teams.models import Team

EXCERPT_LENGTH = 500


@dataclass(frozen=True)
class Subject:
    """One reported thing as moderators and reporters see it (plain data)."""

    kind: SubjectKind
    id: int
    excerpt: str
    hidden: bool
    url: str | None  # where it shows (for a link from the queue and back from the report form)
    author_id: int | None  # whose words they are (told when moderators act; may be None)
    row: Any  # the row itself, for the visibility check

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind.value, self.id)


def _cut(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1] + "…"


def find(db: Session, *, kind: SubjectKind, subject_id: int) -> Subject | None:
    """The subject whatever its visibility (for moderators), or None if there is no such one."""
    if kind in (SubjectKind.QUESTION, SubjectKind.ANSWER):
        q = db.get(ChallengeQuestion, subject_id)
        if q is None or (kind == SubjectKind.ANSWER and q.answer is None):
            return None
        url = f"/challenges/{q.challenge_id}"
        if kind == SubjectKind.QUESTION:
            return Subject(kind, q.id, _cut(q.body), q.question_hidden_at is not None, url,
                           q.asker_id, q)
        return Subject(kind, q.id, _cut(q.answer), q.answer_hidden_at is not None, url,
                       q.answered_by_id, q)
    if kind == SubjectKind.TEAM:
        team = db.get(Team, subject_id)
        return None if team is None else Subject(
            kind, team.id, _cut(team.name), team.name_hidden_at is not None,
            f"/teams/{team.id}", teams.lead_of(team).user_id if team.members else None, team)
    if kind == SubjectKind.CHALLENGE:
        c = db.get(Challenge, subject_id)
        return None if c is None else Subject(
            kind, c.id, _cut(f"{c.title}: {c.summary}"), c.hidden_at is not None,
            f"/challenges/{c.id}", c.owner_id, c)
    if kind == SubjectKind.SUGGESTION:
        s = db.get(Suggestion, subject_id)
        if s is None:
            return None
        name = s.payload.get("name") if isinstance(s.payload, dict) else None
        words = " · ".join(str(p) for p in (name, s.comment) if p)
        return Subject(kind, s.id, _cut(words), s.hidden_at is not None,
                       "/inventory/suggestions", s.author_id, s)
    user = db.get(User, subject_id)
    if user is None or user.deleted_at is not None:
        return None
    words = user.display_name + (f" ({user.organisation})" if user.organisation else "")
    return Subject(kind, user.id, _cut(words), user.profile_hidden_at is not None, None,
                   user.id, user)


def visible_to(db: Session, subject: Subject, viewer: User) -> bool:
    """Whether `viewer` may see the subject (what they cannot see they cannot report: a hidden
    draft's existence is not told by the answer)."""
    row = subject.row
    if subject.kind in (SubjectKind.QUESTION, SubjectKind.ANSWER):
        challenge = db.get(Challenge, row.challenge_id)
        if challenge is None or not can_see(challenge, viewer):
            return False
        # As app/challenges/qa.questions: answered questions are public, the others are their
        # asker's and the managers'.
        return (row.answer is not None or row.asker_id == viewer.id
                or is_manager(challenge, viewer))
    if subject.kind == SubjectKind.TEAM:
        return teams.membership(row, viewer.id) is not None or viewer.has_role(Role.ADMIN)
    if subject.kind == SubjectKind.CHALLENGE:
        return can_see(row, viewer)
    if subject.kind == SubjectKind.SUGGESTION:
        return row.author_id == viewer.id or viewer.has_role(Role.CURATOR, Role.ADMIN)
    return bool(row.is_active)


# The column that hides each kind: (model, its primary key, the hidden-at column).
_COLUMNS: dict[SubjectKind, tuple[type[Any], InstrumentedAttribute[Any],
                                  InstrumentedAttribute[Any]]] = {
    SubjectKind.QUESTION: (ChallengeQuestion, ChallengeQuestion.id,
                           ChallengeQuestion.question_hidden_at),
    SubjectKind.ANSWER: (ChallengeQuestion, ChallengeQuestion.id,
                         ChallengeQuestion.answer_hidden_at),
    SubjectKind.TEAM: (Team, Team.id, Team.name_hidden_at),
    SubjectKind.CHALLENGE: (Challenge, Challenge.id, Challenge.hidden_at),
    SubjectKind.SUGGESTION: (Suggestion, Suggestion.id, Suggestion.hidden_at),
    SubjectKind.PROFILE: (User, User.id, User.profile_hidden_at),
}


def set_hidden(db: Session, *, subject: Subject, at: dt.datetime | None) -> bool:
    """Hide (`at`) or show again (None) with a compare-and-set on the column: False when it
    already was so (another moderator was first)."""
    model, key, column = _COLUMNS[subject.kind]
    was = column.is_(None) if at is not None else column.is_not(None)
    result = db.execute(update(model).where(key == subject.id, was).values({column.key: at})
                        .execution_options(synchronize_session=False))
    db.expire(subject.row)  # the row in the session reads the new value next time
    return int(getattr(result, "rowcount", 0) or 0) == 1
