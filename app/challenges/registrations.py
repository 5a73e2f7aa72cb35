"""Solvers register for open challenges they are eligible for; sponsors export the list."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import email_links
from app.accounts.models import User
from app.challenges import clock, deadlines
from app.challenges.access import require_manager
from app.challenges.enums import SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.rules import Applicant, EligibilityRules, MemberCountry, eligibility_problems
from app.challenges.schemas import RegistrationIn
from app.challenges.team_entries import entered_user_ids
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit.csv_export import write_csv
from app.reference import service as reference
from app.teams import service as teams
from app.teams.models import Team, TeamMember


def eligibility_rules(challenge: Challenge) -> EligibilityRules:
    return EligibilityRules(scope=frozenset(challenge.scope_codes),
                            solver_kinds=frozenset(SolverKind(k) for k in challenge.solver_kinds),
                            team_min=challenge.team_min, team_max=challenge.team_max,
                            exclude_sponsor_employees=challenge.exclude_sponsor_employees)


def problems_for(db: Session, *, challenge: Challenge, user: User, body: RegistrationIn,
                 team_members: list[User] | None = None) -> dict[str, str]:
    """Why this user may not register as described (empty when they may).

    Countries count as of the challenge's opening day, for a team's every member.
    """
    on = challenge.opens_on or clock.now().date()

    def groups(person: User) -> frozenset[str]:
        return (frozenset(reference.groups_of(db, country=person.country_code, on=on))
                if person.country_code else frozenset())

    others = [m for m in team_members or [] if m.id != user.id]
    return eligibility_problems(eligibility_rules(challenge), Applicant(
        country=user.country_code, country_groups=groups(user), solver_kind=body.solver_kind,
        team_size=len(team_members) if team_members is not None else body.team_size,
        declares_not_sponsor_employee=body.declares_not_sponsor_employee,
        members=tuple(MemberCountry(m.display_name, m.country_code, groups(m))
                      for m in others)))


def find(db: Session, *, challenge: Challenge, user: User | None) -> ChallengeRegistration | None:
    if user is None:
        return None
    return db.scalar(select(ChallengeRegistration).where(
        ChallengeRegistration.challenge_id == challenge.id,
        ChallengeRegistration.user_id == user.id))


def team_entry_of(db: Session, *, challenge: Challenge,
                  user: User | None) -> ChallengeRegistration | None:
    """The registration of a team the user is a member of, for this challenge."""
    if user is None:
        return None
    return db.scalar(select(ChallengeRegistration)
                     .join(TeamMember, TeamMember.team_id == ChallengeRegistration.team_id)
                     .where(ChallengeRegistration.challenge_id == challenge.id,
                            TeamMember.user_id == user.id))


def _team_to_enter(db: Session, *, user: User, body: RegistrationIn) -> Team | None:
    """The team a `team` registration enters with: one the user leads (None for the others)."""
    if body.solver_kind != SolverKind.TEAM:
        if body.team_id is not None:
            raise ValidationFailed(fields={"team_id": N_("only a team entry names a team")})
        return None
    derived = {"team_size": N_("a team's size is its number of members; leave this out"),
               "team_name": N_("a team enters under its own name; leave this out")}
    given = {k: v for k, v in derived.items() if getattr(body, k) is not None}
    if given:
        raise ValidationFailed(fields=given)
    if body.team_id is None:
        raise ValidationFailed(N_("Choose the team you enter with."),
                               fields={"team_id": N_("choose one of the teams you lead")})
    team = teams.get(db, team_id=body.team_id, viewer=user)  # 404 for other people's teams
    teams.require_lead(team, user, doing="enter it in a challenge")
    return team


def _check_one_entry_each(db: Session, *, challenge: Challenge, user: User,
                          members: list[User]) -> None:
    """Nobody is in two entries of one challenge (their own and a team's, or two teams')."""
    people = members or [user]
    clashes = entered_user_ids(db, challenge_id=challenge.id, user_ids=[p.id for p in people])
    if not clashes:
        return
    if not members:
        raise Conflict(N_("A team you are in is registered for this challenge already."),
                       code="already_registered")
    names = ", ".join(sorted(p.display_name for p in people if p.id in clashes))
    raise Conflict(translatable("Some members are entered in this challenge already, alone or "
                                "with another team: %(names)s.", names=names),
                   code="member_already_registered",
                   fields={"members": translatable("entered already: %(names)s", names=names)})


def _check_not_judging(db: Session, *, people: list[User], judges: Collection[int],
                       team: Team | None) -> None:
    """Nobody on the challenge's panel enters it, nor anyone who shares a team with a judge
    (a judge would score a team mate's entry, or their own)."""
    if not judges:
        return
    panel, ids = set(judges), {p.id for p in people}
    if ids & panel:
        raise Conflict(N_("You are on this challenge's judging panel, so you cannot enter it.")
                       if team is None else
                       N_("A member of this team is on the challenge's judging panel, so the team "
                          "cannot enter it."), code="judge_on_panel",
                       fields={} if team is None else {"team_id": N_("a member judges this "
                                                                     "challenge")})
    mates = teams.teammates_of(db, user_ids=ids)
    if any(found & panel for found in mates.values()):
        raise Conflict(N_("Someone who shares a team with you is on this challenge's judging "
                          "panel, so you cannot enter it.") if team is None else
                       N_("A member of this team shares a team with someone on the challenge's "
                          "judging panel, so the team cannot enter it."),
                       code="teammate_on_panel",
                       fields={} if team is None else {"team_id": N_("a member is in a team with "
                                                                     "a judge")})


def register(db: Session, *, challenge: Challenge, user: User, body: RegistrationIn,
             judges: Collection[int] = ()) -> ChallengeRegistration:
    """Register the signed-in solver, if the challenge is open and they are eligible.

    A team is registered by its lead: every member must be eligible and in no other entry.
    `judges` is the challenge's panel (`app.judging`, through the workflow): neither they nor
    anyone sharing a team with one of them may enter.
    """
    if not deadlines.submissions_open(challenge, clock.now()):
        raise Conflict(N_("Registration is possible while the challenge is open."), code="not_open",
                       fields={"state": challenge.state.value})
    if user.id == challenge.owner_id:
        raise Forbidden(N_("The sponsor cannot enter their own challenge."), code="own_challenge")
    email_links.require_verified(user)  # an entrant is reachable at an address they proved
    if find(db, challenge=challenge, user=user) is not None:
        raise Conflict(N_("You are already registered."), code="already_registered")
    team = _team_to_enter(db, user=user, body=body)
    members = list(teams.people(db, team=team).values()) if team is not None else []
    if any(m.id == challenge.owner_id for m in members):
        raise Forbidden(N_("The sponsor cannot be in a team entering their own challenge."),
                        code="own_challenge")
    _check_not_judging(db, people=members or [user], judges=judges, team=team)
    _check_one_entry_each(db, challenge=challenge, user=user, members=members)
    problems = problems_for(db, challenge=challenge, user=user, body=body,
                            team_members=members if team is not None else None)
    if problems:
        raise ValidationFailed(N_("You are not eligible for this challenge."), code="not_eligible",
                               fields=problems)
    assert user.country_code is not None
    registration = ChallengeRegistration(
        challenge_id=challenge.id, user_id=user.id, solver_kind=body.solver_kind,
        team_size=len(members) if team is not None else None,
        team_name=(team.name if team is not None else
                   (body.team_name or None) if body.solver_kind != SolverKind.INDIVIDUAL
                   else None),
        team_id=team.id if team is not None else None,
        country_code=user.country_code, created_at=clock.now())
    db.add(registration)
    db.flush()
    return registration


def withdrawable(db: Session, *, challenge: Challenge, user: User) -> ChallengeRegistration:
    """`user`'s registration, which they may withdraw while the challenge is open."""
    registration = find(db, challenge=challenge, user=user)
    if registration is None:
        raise NotFound(N_("You are not registered for this challenge."))
    if not deadlines.submissions_open(challenge, clock.now()):
        raise Conflict(N_("Registrations can be withdrawn while the challenge is open."),
                       code="not_open")
    return registration


def remove(db: Session, *, registration: ChallengeRegistration) -> None:
    db.delete(registration)
    db.flush()


def list_for_manager(db: Session, *, challenge: Challenge,
                     user: User) -> list[tuple[ChallengeRegistration, User]]:
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge sees its registrations."))
    rows = db.execute(select(ChallengeRegistration, User)
                      .join(User, User.id == ChallengeRegistration.user_id)
                      .where(ChallengeRegistration.challenge_id == challenge.id)
                      .order_by(ChallengeRegistration.created_at, ChallengeRegistration.id))
    return [(r, u) for r, u in rows]


CSV_HEADER = ["registration_id", "registered_at", "name", "email", "organisation", "country",
              "solver_kind", "team_name", "team_size"]


def registrations_csv(db: Session, *, challenge: Challenge, user: User) -> str:
    """The challenge's registrations as CSV (RFC 4180), for its sponsor."""
    return write_csv(CSV_HEADER, ([
        reg.id, reg.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), person.display_name,
        person.email, person.organisation, reg.country_code, reg.solver_kind.value,
        reg.team_name, reg.team_size]
        for reg, person in list_for_manager(db, challenge=challenge, user=user)))
