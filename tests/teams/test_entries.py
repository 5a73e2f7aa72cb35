"""A team entering a challenge, and what its entry holds it to afterwards."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import lifecycle, registrations, team_entries
from app.challenges.enums import SolverKind
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import RegistrationIn
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.teams import service as teams
from tests.challenges.factories import Clock, admin, published, sponsor
from tests.factories import make_user
from tests.teams.factories import invite, join, make_team


@dataclass
class World:
    challenge: Challenge  # LDC and SIDS, teams of 2 to 6, sponsor's employees excluded
    owner: User
    lead: User  # Nepal


@pytest.fixture
def world(db: Session, clock: Clock) -> World:
    owner = sponsor(db)
    challenge = published(db, owner, admin(db))
    clock.advance(days=2)
    lifecycle.sync(db, challenge=challenge)  # open now
    db.commit()
    return World(challenge, owner, make_user(db, country_code="NPL", display_name="Asha"))


def enter(db: Session, world: World, team_id: int | None, user: User | None = None,
          **extra: object) -> ChallengeRegistration:
    body = RegistrationIn.model_validate({"solver_kind": "team", "team_id": team_id,
                                          "declares_not_sponsor_employee": True, **extra})
    return registrations.register(db, challenge=world.challenge, user=user or world.lead,
                                  body=body)


def test_the_lead_enters_the_team_under_its_name_and_size(db: Session, world: World) -> None:
    bo = make_user(db, country_code="FJI")
    team = make_team(db, world.lead, name="Reef", members=[bo])
    with pytest.raises(Forbidden) as refused:
        enter(db, world, team.id, user=bo)
    assert refused.value.code == "not_team_lead"
    registration = enter(db, world, team.id)
    assert (registration.solver_kind, registration.team_id, registration.team_name,
            registration.team_size, registration.user_id, registration.country_code) == (
        SolverKind.TEAM, team.id, "Reef", 2, world.lead.id, "NPL")
    assert registrations.team_entry_of(db, challenge=world.challenge, user=bo) is registration


def test_a_team_entry_names_a_team_the_user_can_see(db: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        enter(db, world, None)
    assert refused.value.fields == {"team_id": "choose one of the teams you lead"}
    stranger_team = make_team(db, make_user(db, country_code="NPL"))
    with pytest.raises(NotFound):
        enter(db, world, stranger_team.id)
    own = make_team(db, world.lead, members=[make_user(db, country_code="NPL")])
    with pytest.raises(ValidationFailed) as refused:
        enter(db, world, own.id, team_size=2, team_name="Other")
    assert set(refused.value.fields) == {"team_size", "team_name"}
    with pytest.raises(ValidationFailed) as refused:
        registrations.register(db, challenge=world.challenge, user=world.lead,
                               body=RegistrationIn(solver_kind=SolverKind.INDIVIDUAL,
                                                   team_id=own.id,
                                                   declares_not_sponsor_employee=True))
    assert set(refused.value.fields) == {"team_id"}


def test_every_member_must_be_eligible_and_is_named(db: Session, world: World) -> None:
    team = make_team(db, world.lead, members=[
        make_user(db, country_code="FRA", display_name="Claire"),
        make_user(db, country_code="TUV", display_name="Tala"),
        make_user(db, display_name="Nobody")])
    with pytest.raises(ValidationFailed) as refused:
        enter(db, world, team.id)
    assert refused.value.fields == {"members": (
        "not eligible: Claire (FRA is not in the eligible scope (LDC, SIDS)); "
        "Nobody (no country is set in the profile)")}


def test_the_team_size_must_be_within_the_bounds(db: Session, world: World) -> None:
    alone = make_team(db, world.lead)
    with pytest.raises(ValidationFailed) as refused:
        enter(db, world, alone.id)
    assert refused.value.fields == {"team_size": "teams need at least 2 members"}
    crowd = make_team(db, world.lead, members=[make_user(db, country_code="NPL")
                                               for _ in range(6)])
    with pytest.raises(ValidationFailed) as refused:
        enter(db, world, crowd.id)
    assert refused.value.fields == {"team_size": "teams may have at most 6 members"}


def test_nobody_is_in_two_entries_of_one_challenge(db: Session, world: World) -> None:
    bo = make_user(db, country_code="NPL", display_name="Bo")
    registrations.register(db, challenge=world.challenge, user=bo, body=RegistrationIn(
        solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
    team = make_team(db, world.lead, members=[bo, make_user(db, country_code="NPL")])
    with pytest.raises(Conflict) as refused:
        enter(db, world, team.id)
    assert refused.value.code == "member_already_registered"
    assert refused.value.fields == {"members": "entered already: Bo"}
    teams.remove_member(db, team=team, user=world.lead, member_id=bo.id)
    enter(db, world, team.id)
    # Now a member of the registered team registers alone, or leads another team in.
    cy = teams.people(db, team=team)
    member = next(u for uid, u in cy.items() if uid != world.lead.id)
    with pytest.raises(Conflict) as refused:
        registrations.register(db, challenge=world.challenge, user=member, body=RegistrationIn(
            solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
    assert refused.value.code == "already_registered"
    second = make_team(db, member, members=[make_user(db, country_code="NPL")])
    with pytest.raises(Conflict) as refused:
        enter(db, world, second.id, user=member)
    assert refused.value.code == "member_already_registered"


def test_the_sponsor_cannot_be_in_an_entering_team(db: Session, world: World) -> None:
    world.owner.country_code = "NPL"
    team = make_team(db, world.lead, members=[world.owner])
    with pytest.raises(Forbidden):
        enter(db, world, team.id)
    entered = make_team(db, world.lead, members=[make_user(db, country_code="NPL")])
    enter(db, world, entered.id)
    with pytest.raises(Conflict) as refused:
        join(db, entered, world.lead, world.owner)
    assert refused.value.code == "own_challenge"


def test_joining_a_registered_team_respects_its_entry(db: Session, world: World) -> None:
    team = make_team(db, world.lead, name="Reef",
                     members=[make_user(db, country_code="NPL") for _ in range(4)])
    enter(db, world, team.id)
    far = make_user(db, country_code="FRA")
    with pytest.raises(Conflict) as refused:
        join(db, team, world.lead, far)
    assert refused.value.code == "not_eligible" and "FRA" in refused.value.message
    db.rollback()
    solo = make_user(db, country_code="NPL")
    registrations.register(db, challenge=world.challenge, user=solo, body=RegistrationIn(
        solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
    db.commit()
    with pytest.raises(Conflict) as refused:
        join(db, team, world.lead, solo)
    assert refused.value.code == "already_entered"
    assert world.challenge.title in refused.value.message
    db.rollback()
    sixth = make_user(db, country_code="NPL")
    join(db, team, world.lead, sixth)  # six: the most this challenge allows
    [registration] = [r for r, _ in team_entries.entries_of_team(db, team_id=team.id)]
    assert registration.team_size == 6
    seventh = make_user(db, country_code="NPL")
    waiting = invite(db, team, world.lead, seventh.email or "")
    with pytest.raises(Conflict) as refused:
        team_entries.accept(db, invitation_id=waiting.id, user=seventh)
    assert refused.value.code == "team_max_reached"
    assert "allows at most 6 members, and it has 6" in refused.value.message


def test_a_registered_team_is_kept_and_its_entry_follows_it(db: Session, world: World) -> None:
    bo = make_user(db, country_code="NPL")
    team = make_team(db, world.lead, name="Reef",
                     members=[bo, make_user(db, country_code="NPL")])
    registration = enter(db, world, team.id)
    team_entries.rename(db, team=team, user=world.lead, name="Coral")
    team_entries.remove_member(db, team=team, user=bo, member_id=bo.id)
    assert (registration.team_name, registration.team_size) == ("Coral", 2)
    cy = next(u for u in teams.people(db, team=team).values() if u.id != world.lead.id)
    team_entries.hand_over(db, team=team, user=world.lead, new_lead_id=cy.id)
    assert registration.user_id == cy.id  # the new lead withdraws it and hears the news
    assert registrations.find(db, challenge=world.challenge, user=cy) is registration
    team_entries.hand_over(db, team=team, user=cy, new_lead_id=world.lead.id)
    for member_id in teams.member_ids(db, team_id=team.id) - {world.lead.id}:
        team_entries.remove_member(db, team=team, user=world.lead, member_id=member_id)
    with pytest.raises(Conflict) as refused:
        team_entries.dissolve(db, team=team, user=world.lead)
    assert refused.value.code == "team_registered"
    assert world.challenge.title in refused.value.message


def test_individuals_and_organisations_register_as_before(db: Session, world: World) -> None:
    org = registrations.register(db, challenge=world.challenge, user=world.lead,
                                 body=RegistrationIn(solver_kind=SolverKind.INDIVIDUAL,
                                                     team_name="ignored for individuals",
                                                     declares_not_sponsor_employee=True))
    assert (org.team_id, org.team_name, org.team_size) == (None, None, None)
