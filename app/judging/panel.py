"""The panel: the manager assigns and removes judges and follows their progress; a judge lists
the challenges they judge."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.audit import service as audit
from app.challenges import clock, deadlines, lifecycle
from app.challenges.access import is_admin, is_owner, require_manager
from app.challenges.deadlines import effective_state
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.challenges.participants import participant_ids
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.judging.models import JudgeAssignment, Recusal, Scorecard, ScorecardState
from app.judging.schemas import AssignmentRead, JudgeProgressRead, JudgeRead, PanelRead
from app.kit.links import site_link
from app.notifications import service as notifications
from app.submissions.models import Submission, SubmissionState
from app.teams import service as teams
from app.teams.models import Team

# From publication until judging ends: judges can be found before entries close.
PANEL_STATES = frozenset({ChallengeState.PUBLISHED, ChallengeState.OPEN, ChallengeState.CLOSED,
                          ChallengeState.JUDGING})
# Once a challenge has ended, its judges and entrants may meet in a team again.
ENDED = frozenset({ChallengeState.FINAL, ChallengeState.ARCHIVED, ChallengeState.CANCELLED})


def check_manager(challenge: Challenge, user: User) -> None:
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge (or an admin) runs its panel."))


def _sees_entrants(challenge: Challenge, user: User) -> bool:
    """The owner (with the sponsor role or without it now) and the admins have seen who
    entered: never a blind judge of it."""
    return is_owner(challenge, user) or is_admin(user)


def _check_changeable(challenge: Challenge) -> None:
    if challenge.state not in PANEL_STATES:
        raise Conflict(N_("The panel can change from publication until judging ends."),
                       code="panel_locked", fields={"state": challenge.state.value})


def judging_url(challenge: Challenge) -> str:
    return site_link(f"/challenges/{challenge.id}/judging")


def _already_on_panel(judge: User) -> str:
    return translatable("%(name)s is already on the panel.", name=judge.display_name)


def assign(db: Session, *, challenge: Challenge, user: User, judge_id: int) -> JudgeAssignment:
    """Put an account holding the judge role on the panel; it hears of it in its inbox."""
    check_manager(challenge, user)
    _check_changeable(challenge)
    judge = db.get(User, judge_id)
    if judge is None or not judge.is_active or not judge.has_role(Role.JUDGE):
        raise ValidationFailed(N_("Choose an account that holds the judge role."),
                               fields={"judge_id": N_("not an active account with the judge role")})
    if _sees_entrants(challenge, judge):
        # The owner and the admins see who entered (the submissions list): never blind.
        raise ValidationFailed(N_("Whoever manages the challenge cannot judge it blind."),
                               fields={"judge_id": N_("the owner and admins cannot judge it")})
    # The challenge is held from here to the commit: a registration (which holds it too) and
    # this assignment each see the other, so no judge enters and no entrant judges meanwhile.
    lifecycle.hold(db, challenge=challenge, states=PANEL_STATES)
    entrants = set(participant_ids(db, challenge_id=challenge.id))
    if judge.id in entrants:
        raise ValidationFailed(N_("Someone who entered the challenge cannot judge it."), fields={
            "judge_id": N_("entered this challenge (alone or in a team)")})
    if teams.teammates_of(db, user_ids=[judge.id]).get(judge.id, set()) & entrants:
        raise ValidationFailed(N_("Someone who shares a team with an entrant cannot judge the "
                                  "challenge."), fields={
            "judge_id": N_("in a team with someone who entered this challenge")})
    if db.scalar(select(JudgeAssignment.id).where(JudgeAssignment.challenge_id == challenge.id,
                                                  JudgeAssignment.judge_id == judge.id)):
        raise Conflict(_already_on_panel(judge), code="already_assigned")
    assignment = JudgeAssignment(challenge_id=challenge.id, judge_id=judge.id,
                                 assigned_by_id=user.id, assigned_at=clock.now())
    try:
        with db.begin_nested():  # the same judge added twice at once meets the unique key
            db.add(assignment)
    except IntegrityError as exc:
        raise Conflict(_already_on_panel(judge), code="already_assigned") from exc
    audit.record(db, event="panel.judge_added", actor_id=user.id, subject_user_id=judge.id,
                 challenge_id=challenge.id, judge=judge.display_name)
    notifications.queue(
        db, recipient_id=judge.id,
        subject=translatable("You are on the judging panel: %(challenge)s",
                             challenge=challenge.title),
        body=translatable(
            "You were asked to judge the entries of \"%(challenge)s\". Entries are shown "
            "without their entrants' names while the challenge is in judging; you score each "
            "one on its criteria, and may recuse yourself from any you have a conflict of "
            "interest with.\n\n%(url)s",
            challenge=challenge.title, url=judging_url(challenge)),
        kind="judging.assigned")
    return assignment


def remove(db: Session, *, challenge: Challenge, user: User, judge_id: int) -> None:
    """Take a judge off the panel, while they have submitted no scorecard (drafts and
    recusals go with them)."""
    check_manager(challenge, user)
    assignment = db.scalar(select(JudgeAssignment).where(
        JudgeAssignment.challenge_id == challenge.id, JudgeAssignment.judge_id == judge_id))
    if assignment is None:
        raise NotFound(N_("No such judge on this panel."))
    _check_changeable(challenge)
    mine = (Scorecard.challenge_id == challenge.id, Scorecard.judge_id == judge_id)
    _check_nothing_submitted(db, mine)
    # Only drafts are deleted (a compare-and-set on each card's state), and the check is made
    # again once they are: a scorecard submitted meanwhile keeps its judge on the panel.
    db.execute(delete(Scorecard).where(*mine, Scorecard.state == ScorecardState.DRAFT)
               .execution_options(synchronize_session=False))
    _check_nothing_submitted(db, mine)
    db.execute(delete(Recusal).where(Recusal.challenge_id == challenge.id,
                                     Recusal.judge_id == judge_id)
               .execution_options(synchronize_session=False))
    db.delete(assignment)
    db.flush()
    judge = db.get(User, judge_id)
    audit.record(db, event="panel.judge_removed", actor_id=user.id, subject_user_id=judge_id,
                 challenge_id=challenge.id, judge=judge.display_name if judge else None)
    notifications.queue(db, recipient_id=judge_id,
                        subject=translatable("Removed from the judging panel: %(challenge)s",
                                             challenge=challenge.title),
                        body=translatable("You are no longer on the panel of \"%(challenge)s\"; "
                                          "your draft scorecards for it were deleted.",
                                          challenge=challenge.title),
                        kind="judging.removed")


def _check_nothing_submitted(db: Session, mine: tuple[ColumnElement[bool], ...]) -> None:
    if db.scalar(select(func.count()).select_from(Scorecard).where(
            *mine, Scorecard.state == ScorecardState.SUBMITTED)):
        raise Conflict(N_("This judge has submitted scorecards; they stay on the panel."),
                       code="judge_has_scored")


def judge_ids(db: Session, *, challenge: Challenge) -> set[int]:
    """Who sits on the challenge's panel (they, and their teammates, may not enter it)."""
    return set(db.scalars(select(JudgeAssignment.judge_id).where(
        JudgeAssignment.challenge_id == challenge.id)))


def check_joining(db: Session, *, team: Team, user: User) -> None:
    """409 when `user` joining `team` would seat a judge beside an entrant: `user` judges a
    challenge a member has entered, or a member judges one `user` has entered (while it has not
    ended)."""
    members = teams.member_ids(db, team_id=team.id)
    for challenge in _judged(db, [user.id]):
        if members & set(participant_ids(db, challenge_id=challenge.id)):
            raise Conflict(translatable(
                "You cannot join now: you judge “%(challenge)s”, and members of team “%(team)s” "
                "have entered it.", challenge=challenge.title, team=team.name),
                code="judge_on_panel")
    for challenge in _judged(db, members):
        if user.id in participant_ids(db, challenge_id=challenge.id):
            raise Conflict(translatable(
                "You cannot join now: a member of team “%(team)s” judges a challenge you have "
                "entered.", team=team.name), code="teammate_on_panel")


def _judged(db: Session, judge_ids: Collection[int]) -> list[Challenge]:
    """The challenges, not yet final or cancelled, on whose panels any of `judge_ids` sit."""
    if not judge_ids:
        return []
    seated = select(JudgeAssignment.challenge_id).where(
        JudgeAssignment.judge_id.in_(list(judge_ids)))
    return list(db.scalars(select(Challenge).where(Challenge.id.in_(seated),
                                                   Challenge.state.not_in(ENDED))
                           .order_by(Challenge.id)))


def judges(db: Session, *, challenge: Challenge) -> list[User]:
    return list(db.scalars(select(User).join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
                           .where(JudgeAssignment.challenge_id == challenge.id)
                           .order_by(User.display_name, User.id)))


def available_judges(db: Session, *, challenge: Challenge) -> list[User]:
    """Active accounts with the judge role not on the panel yet (and neither managing it, nor
    entered in it, nor in a team with an entrant)."""
    on_panel = select(JudgeAssignment.judge_id).where(
        JudgeAssignment.challenge_id == challenge.id)
    holders = [u for u in db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                     .where(UserRole.role == Role.JUDGE,
                                            User.is_active.is_(True), User.id.not_in(on_panel))
                                     .order_by(User.display_name, User.id))
               if not _sees_entrants(challenge, u)]
    entrants = set(participant_ids(db, challenge_id=challenge.id))
    if not entrants:
        return holders
    mates = teams.teammates_of(db, user_ids=[u.id for u in holders])
    return [u for u in holders
            if u.id not in entrants and not mates.get(u.id, set()) & entrants]


def submitted_entry_count(db: Session, *, challenge: Challenge) -> int:
    return db.scalar(select(func.count()).select_from(Submission).where(
        Submission.challenge_id == challenge.id,
        Submission.state == SubmissionState.SUBMITTED)) or 0


def _counts(db: Session, challenge_ids: list[int], judge_ids: list[int]
            ) -> tuple[Counter[tuple[int, int, ScorecardState]], Counter[tuple[int, int]]]:
    cards: Counter[tuple[int, int, ScorecardState]] = Counter()
    for cid, jid, state, n in db.execute(
            select(Scorecard.challenge_id, Scorecard.judge_id, Scorecard.state, func.count())
            .where(Scorecard.challenge_id.in_(challenge_ids), Scorecard.judge_id.in_(judge_ids))
            .group_by(Scorecard.challenge_id, Scorecard.judge_id, Scorecard.state)):
        cards[(cid, jid, state)] = n
    recused: Counter[tuple[int, int]] = Counter()
    for cid, jid, n in db.execute(
            select(Recusal.challenge_id, Recusal.judge_id, func.count())
            .where(Recusal.challenge_id.in_(challenge_ids), Recusal.judge_id.in_(judge_ids))
            .group_by(Recusal.challenge_id, Recusal.judge_id)):
        recused[(cid, jid)] = n
    return cards, recused


def panel(db: Session, *, challenge: Challenge, user: User) -> PanelRead:
    """The manager's view: each judge's progress (counts only, never a score)."""
    check_manager(challenge, user)
    entries = submitted_entry_count(db, challenge=challenge)
    people = judges(db, challenge=challenge)
    cards, recused = _counts(db, [challenge.id], [p.id for p in people])
    rows = []
    for person in people:
        submitted = cards[(challenge.id, person.id, ScorecardState.SUBMITTED)]
        expected = entries - recused[(challenge.id, person.id)]
        rows.append(JudgeProgressRead(
            id=person.id, name=person.display_name, organisation=person.organisation,
            expected=expected, submitted=submitted,
            drafts=cards[(challenge.id, person.id, ScorecardState.DRAFT)],
            recused=recused[(challenge.id, person.id)], missing=max(expected - submitted, 0),
            removable=submitted == 0))
    return PanelRead(
        challenge_id=challenge.id, state=challenge.state,
        can_change=challenge.state in PANEL_STATES, entries=entries,
        judging_ends_at=challenge.judging_ends_at,
        scoring_open=deadlines.judging_open(challenge, clock.now()),
        missing=sum(r.missing for r in rows), judges=rows,
        available_judges=[JudgeRead(id=u.id, name=u.display_name, organisation=u.organisation)
                          for u in available_judges(db, challenge=challenge)])


def assignments(db: Session, *, user: User) -> list[AssignmentRead]:
    """The challenges `user` judges, newest assignment first, with their own progress."""
    rows = list(db.execute(select(Challenge, JudgeAssignment)
                           .join(JudgeAssignment, JudgeAssignment.challenge_id == Challenge.id)
                           .where(JudgeAssignment.judge_id == user.id)
                           .order_by(JudgeAssignment.assigned_at.desc(),
                                     JudgeAssignment.id.desc())))
    ids = [c.id for c, _ in rows]
    cards, recused = _counts(db, ids, [user.id])
    entries: dict[int, int] = dict(db.execute(
        select(Submission.challenge_id, func.count())
        .where(Submission.challenge_id.in_(ids), Submission.state == SubmissionState.SUBMITTED)
        .group_by(Submission.challenge_id)).all())
    now = clock.now()
    return [AssignmentRead(
        challenge_id=c.id, title=c.title,
        state=effective_state(c.state, opens_at=c.opens_at,
                              submissions_close_at=c.submissions_close_at, now=now),
        expected=entries.get(c.id, 0) - recused[(c.id, user.id)],
        submitted=cards[(c.id, user.id, ScorecardState.SUBMITTED)],
        url=f"/challenges/{c.id}/judging") for c, _ in rows]
