"""The cast and the objects the permission matrix acts on, created through the services.

One user per matrix role (plus a `visitor` account the anonymous role may sign in with, and a
`target` user for role changes). Each signed-in role gets a personal access token (API cells) and
a browser session made through the real login form, with its CSRF token (page cells).

Path parameters and body placeholders are filled from `Scenario.values(role)`: e.g.
`{token_id}` is a token and `{identity_id}` a provider identity owned by sponsor_owner,
`{user_id}` the target user, `{draft}` and `{open}` challenges owned by sponsor_owner, `{team}`
led by solver (member `{team_member}`: verifier; `{invitation}` waits for curator). When a
capability lands, add the objects it needs here (judge_assigned on a panel, ...) and name them
in `values`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import workflow
from app.accounts import auth, identities
from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.challenges import authoring, covers, lifecycle, qa, registrations, team_entries
from app.challenges import service as challenges_service
from app.challenges.enums import ChallengeState, SolverKind
from app.challenges.models import Challenge
from app.challenges.schemas import ChallengeCreate, RegistrationIn
from app.config import get_settings
from app.db import utcnow
from app.inventory import mechanisms, suggestions, technologies
from app.inventory.models import LinkType
from app.needs import service as needs_service
from app.needs.models import NeedStatus, Priority
from app.needs.schemas import NeedCreate
from app.reference.vocab import MitigationAdaptation, Sector, Stage
from app.submissions import service as submissions_service
from app.submissions import uploads as submission_uploads
from app.submissions.models import Submission
from app.submissions.schemas import SubmissionCreate
from app.teams import invitations as team_invitations
from app.teams import service as teams
from tests.challenges.factories import body as challenge_body
from tests.files import minimal_pdf, png

PASSWORD = "matrix password for every role"
ROLES = ("anonymous", "solver", "sponsor_owner", "sponsor_other", "judge_assigned",
         "judge_other", "verifier", "curator", "admin")
ROLE_GRANTS: dict[str, list[Role]] = {
    "solver": [Role.SOLVER],
    "sponsor_owner": [Role.SPONSOR],
    "sponsor_other": [Role.SPONSOR],
    "judge_assigned": [Role.JUDGE],
    "judge_other": [Role.JUDGE],
    "verifier": [Role.VERIFIER],
    "curator": [Role.CURATOR],
    "admin": [Role.ADMIN],
    "visitor": [Role.SOLVER],  # the account the anonymous role signs in with
    "target": [Role.SOLVER],  # whose roles the admin cells change
}
COOKIE = "vc_session"


@dataclass
class Identity:
    role: str
    email: str
    user_id: int | None = None
    bearer: str | None = None
    cookie: str = ""
    csrf: str = ""


@dataclass
class Scenario:
    people: dict[str, Identity] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)

    def values(self, role: str) -> dict[str, str]:
        """What `{name}` placeholders in paths and bodies become for `role`."""
        me = self.people["visitor" if role == "anonymous" else role]
        return {**self.objects, "email": me.email, "password": PASSWORD}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries no CSRF field"
    return match.group(1)


def _browser_session(client: TestClient, email: str | None) -> tuple[str, str]:
    """(cookie, CSRF token) of a browser that signed in through the form (or stayed anonymous)."""
    client.cookies.clear()
    page = client.get("/login")
    if email is not None:
        response = client.post("/login", data={"email": email, "password": PASSWORD,
                                                "next": "/", "csrf_token": _csrf(page.text)},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        page = client.get("/account")
        assert page.status_code == 200, page.text
    cookie, csrf = client.cookies.get(COOKIE) or "", _csrf(page.text)
    client.cookies.clear()
    return cookie, csrf


def build(db: Session, client: TestClient) -> Scenario:
    scenario = Scenario()
    for name, roles in ROLE_GRANTS.items():
        user = accounts_service.create_user(
            db, email=f"{name}@matrix.example", password=PASSWORD,
            display_name=f"Matrix {name}", roles=roles, email_verified=True)
        _, raw = auth.create_token(db, user=user, name=f"matrix {name}")
        scenario.people[name] = Identity(name, user.email or "", user.id, bearer=raw)
    owner = accounts_service.get(db, user_id=scenario.people["sponsor_owner"].user_id or 0)
    owned_token, _ = auth.create_token(db, user=owner, name="owned by sponsor_owner")
    identities.link(db, user=owner, issuer="https://id.example.test", subject="matrix-owner",
                    claims={}, provider="Example ID")
    [owned_identity] = identities.list_for_user(db, user=owner)
    auth.start_session(db, user=owner, user_agent="matrix")  # another browser of sponsor_owner
    [owned_session] = auth.list_sessions(db, user=owner)
    db.commit()
    challenges = _challenges(db, scenario, owner)
    entries = _submissions(db, scenario, challenges["open"])
    knowledge = _inventory_and_needs(db, scenario)
    team = _team(db, scenario)
    judging = judging_scenario(db, scenario, owner)  # judging: see its block at the end
    verification = verification_scenario(db, scenario, owner)
    awards = awards_scenario(db, scenario, owner)
    scenario.people["anonymous"] = Identity("anonymous", "")
    for role in ROLES:
        person = scenario.people[role]
        person.cookie, person.csrf = _browser_session(
            client, None if role == "anonymous" else person.email)
    scenario.objects = {
        "user_id": str(scenario.people["target"].user_id),
        "token_id": str(owned_token.id),  # owned by sponsor_owner
        "identity_id": str(owned_identity.id),  # sponsor_owner's (who has a password too)
        "session_id": str(owned_session.id),  # sponsor_owner's other browser
        "role": Role.JUDGE.value,
        "country": "NPL",
        "group": "LDC",
        **challenges,
        **entries,
        **knowledge,
        **team,
        **judging,
        **verification,
        **awards,
    }
    return scenario


def _inventory_and_needs(db: Session, scenario: Scenario) -> dict[str, str]:
    """Two linked mechanisms, a technology, a need and a pending suggestion by `solver`."""
    curator = accounts_service.get(db, user_id=scenario.people["curator"].user_id or 0)
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    first = mechanisms.create_mechanism(db, data={
        "name": "Matrix Climate Technology Network", "kind": "network", "scope": ["WORLD"]},
        actor=curator)
    second = mechanisms.create_mechanism(db, data={
        "name": "Matrix Green Fund", "kind": "fund", "scope": ["LDC"]}, actor=curator)
    link = mechanisms.add_link(db, mechanism=first, target_id=second.id,
                               link_type=LinkType.FUNDED_BY, note=None, actor=curator)
    technology = technologies.create_technology(db, data={
        "name": "Matrix solar dryer", "stage": "demonstration", "trl": 6,
        "availability": "public_domain"}, actor=curator)
    suggestion = suggestions.create_suggestion(
        db, author=solver, entity_type="mechanism", entity_id=first.id,
        payload={"name": "Matrix Climate Technology Centre"}, comment="renamed in 2025")
    need = needs_service.create(db, data=NeedCreate(
        country_code="NPL", sector=Sector.ENERGY_SUPPLY, stage=Stage.DEMONSTRATION,
        technology_name="Solar mini-grids", mitigation_adaptation=MitigationAdaptation.MITIGATION,
        priority=Priority.HIGH, status=NeedStatus.OPEN), actor=curator)
    db.commit()
    return {"mechanism": str(first.id), "link": str(link.id), "technology": str(technology.id),
            "suggestion": str(suggestion.id), "need": str(need.id), "revision": "1"}


def _team(db: Session, scenario: Scenario) -> dict[str, str]:
    """A team led by `solver` with `verifier` as a member, and a pending invitation to
    `curator`'s address (everyone else is a stranger to both)."""
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    verifier = accounts_service.get(db, user_id=scenario.people["verifier"].user_id or 0)
    team = teams.create(db, user=solver, name="Matrix Reef")
    joining = team_invitations.invite(db, team=team, user=solver, email=verifier.email or "")
    team_entries.accept(db, invitation_id=joining.id, user=verifier)
    waiting = team_invitations.invite(db, team=team, user=solver,
                                      email=scenario.people["curator"].email)
    db.commit()
    return {"team": str(team.id), "team_member": str(verifier.id),
            "invitation": str(waiting.id)}


PNG = png()


def _challenges(db: Session, scenario: Scenario, owner: User) -> dict[str, str]:
    """sponsor_owner's draft (with a cover; hidden from others) and open challenge (published,
    `solver` registered, a question from `solver`)."""
    admin = accounts_service.get(db, user_id=scenario.people["admin"].user_id or 0)
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    accounts_service.update_profile(db, user=solver, country_code="NPL")  # an LDC: eligible
    start = utcnow() - dt.timedelta(days=10)
    draft = authoring.create(db, user=owner, body=ChallengeCreate.model_validate(
        challenge_body(start=start)))
    covers.set_cover(db, challenge=draft, data=PNG, user=owner)
    live = authoring.create(db, user=owner, body=ChallengeCreate.model_validate(
        challenge_body(start=start)))
    workflow.submit_for_review(db, challenge=live, user=owner)
    workflow.approve(db, challenge=live, user=admin)
    assert live.state == ChallengeState.OPEN, live.state
    registrations.register(db, challenge=live, user=solver, body=RegistrationIn(
        solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
    question = qa.ask(db, challenge=live, user=solver, body="May teams from two countries enter?")
    db.commit()
    return {"draft": str(draft.id), "open": str(live.id), "question": str(question.id)}


PDF = minimal_pdf(b"the scenario's plan")


def _submissions(db: Session, scenario: Scenario, open_id: str) -> dict[str, str]:
    """`solver`'s entry on the open challenge: one PDF file, submitted (receipt 1)."""
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    challenge = challenges_service.get(db, challenge_id=int(open_id), viewer=solver)
    entry = submissions_service.create(db, challenge=challenge, user=solver, body=SubmissionCreate(
        title="Matrix solar cold room", summary="Cold rooms on solar power."))
    record = submission_uploads.add_file(db, entry=entry, user=solver, filename="plan.pdf",
                                         stream=io.BytesIO(PDF))
    submissions_service.submit(db, entry=entry, user=solver)
    db.commit()
    return {"submission": str(entry.submission.id), "submission_file": str(record.id)}


# ---- judging ------------------------------------------------------------------------------------

def judging_scenario(db: Session, scenario: Scenario, owner: User) -> dict[str, str]:
    """sponsor_owner's challenge in judging (`{judged}`): `solver`'s entry (`{entry_code}`, one
    PDF) submitted, judge_assigned on its panel, judge_other on none. The challenge is made and
    entered with the challenge clock set back 40 days, then closed by the real clock."""
    from unittest import mock

    from app.judging import panel
    from tests.judging.factories import code_of, submitted_entry

    admin = accounts_service.get(db, user_id=scenario.people["admin"].user_id or 0)
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    start = utcnow() - dt.timedelta(days=40)  # opens 39 days ago, closed 9 days ago
    with mock.patch("app.challenges.clock.now", return_value=start):
        judged = authoring.create(db, user=owner, body=ChallengeCreate.model_validate(
            challenge_body(start=start)))
        workflow.submit_for_review(db, challenge=judged, user=owner)
        workflow.approve(db, challenge=judged, user=admin)
    with mock.patch("app.challenges.clock.now", return_value=start + dt.timedelta(days=2)):
        lifecycle.sync(db, challenge=judged)
        entry = submitted_entry(db, judged, solver, title="Matrix solar cold room")
    workflow.start_judging(db, challenge=judged, user=owner)
    assert judged.state == ChallengeState.JUDGING, judged.state
    judge_assigned = scenario.people["judge_assigned"].user_id or 0
    panel.assign(db, challenge=judged, user=owner, judge_id=judge_assigned)
    db.commit()
    return {"judged": str(judged.id), "entry_code": code_of(judged, entry),
            "judge_assigned": str(judge_assigned),
            "judge_other": str(scenario.people["judge_other"].user_id)}


# ---- verification -------------------------------------------------------------------------------

def _scored_back_then(db: Session, scenario: Scenario, owner: User, *, days_ago: int,
                      title: str) -> tuple[Challenge, Submission]:
    """sponsor_owner's challenge made `days_ago` days ago with the clock set back: published
    that day, `solver`'s entry submitted two days later, and judging started and the entry
    scored by judge_assigned 32 days later (before judging ended, 45 days after the start)."""
    from decimal import Decimal
    from unittest import mock

    from app.judging import codes, panel
    from app.judging import service as judging
    from app.judging.schemas import CriterionScoreIn, ScorecardIn
    from tests.judging.factories import submitted_entry

    admin = accounts_service.get(db, user_id=scenario.people["admin"].user_id or 0)
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    judge = accounts_service.get(db, user_id=scenario.people["judge_assigned"].user_id or 0)
    start = utcnow() - dt.timedelta(days=days_ago)

    def at(days: int) -> mock._patch:  # type: ignore[type-arg]
        return mock.patch("app.challenges.clock.now",
                          return_value=start + dt.timedelta(days=days))

    with at(0):
        challenge = authoring.create(db, user=owner, body=ChallengeCreate.model_validate(
            challenge_body(start=start)))
        workflow.submit_for_review(db, challenge=challenge, user=owner)
        workflow.approve(db, challenge=challenge, user=admin)
    with at(2):
        workflow.follow_clock(db, challenge=challenge)
        entry = submitted_entry(db, challenge, solver, title=title)
    with at(32):
        workflow.start_judging(db, challenge=challenge, user=owner)
        panel.assign(db, challenge=challenge, user=owner, judge_id=judge.id)
        code = codes.codes_for(get_settings().secret_key, challenge.id, [entry.id])[entry.id]
        judging.save(db, challenge=challenge, judge=judge, code=code, body=ScorecardIn(
            scores=[CriterionScoreIn(criterion_id=c.id, score=Decimal("8"))
                    for c in challenge.criteria], comment=""))
        judging.submit(db, challenge=challenge, judge=judge, code=code)
    return challenge, entry


def verification_scenario(db: Session, scenario: Scenario, owner: User) -> dict[str, str]:
    """sponsor_owner's challenge in verification (`{verifying}`): `solver`'s entry
    (`{verified_entry}`) scored by judge_assigned and shortlisted. Made with the clock set back
    60 days, so that verification (open until 30 days from now) has started."""
    challenge, entry = _scored_back_then(db, scenario, owner, days_ago=60,
                                         title="Matrix verified cold room")
    workflow.start_verification(db, challenge=challenge, user=owner)
    assert challenge.state == ChallengeState.VERIFICATION, challenge.state
    db.commit()
    return {"verifying": str(challenge.id), "verified_entry": str(entry.id)}


# ---- awards -------------------------------------------------------------------------------------

def awards_scenario(db: Session, scenario: Scenario, owner: User) -> dict[str, str]:
    """sponsor_owner's challenges past verification, each with `solver`'s entry scored by
    judge_assigned and attested as met by `verifier`: `{awarded}` with its awards proposed now
    and an open appeal by `solver` (`{appeal}`), and `{final}`, whose awards were proposed 29
    days ago and which an admin has finalised."""
    from app.awards.schemas import AppealIn

    admin = accounts_service.get(db, user_id=scenario.people["admin"].user_id or 0)
    solver = accounts_service.get(db, user_id=scenario.people["solver"].user_id or 0)
    awarded, entry = _verified(db, scenario, owner, "Matrix awarded cold room", propose=False)
    workflow.propose_awards(db, challenge=awarded, user=owner)
    filed = workflow.file_appeal(db, challenge_id=awarded.id, user=solver, body=AppealIn(
        submission_id=entry.id, reason="matrix appeal"))
    final, final_entry = _verified(db, scenario, owner, "Matrix final cold room", propose=True)
    workflow.finalise(db, challenge=final, user=admin)
    assert final.state == ChallengeState.FINAL, final.state
    db.commit()
    return {"awarded": str(awarded.id), "awarded_entry": str(entry.id),
            "appeal": str(filed.id), "final": str(final.id),
            "final_entry": str(final_entry.id)}


def _verified(db: Session, scenario: Scenario, owner: User, title: str,
              propose: bool) -> tuple[Challenge, Submission]:
    """Made with the clock set back 120 days (verification closed 30 days ago); with `propose`,
    its awards were proposed 29 days ago (the 14-day appeals window is over)."""
    from decimal import Decimal
    from unittest import mock

    from app.verification import access as verification_access
    from app.verification.schemas import AttestationIn

    verifier = accounts_service.get(db, user_id=scenario.people["verifier"].user_id or 0)
    start = utcnow() - dt.timedelta(days=120)

    def at(days: int) -> mock._patch:  # type: ignore[type-arg]
        return mock.patch("app.challenges.clock.now",
                          return_value=start + dt.timedelta(days=days))

    challenge, entry = _scored_back_then(db, scenario, owner, days_ago=120, title=title)
    with at(32):
        workflow.start_verification(db, challenge=challenge, user=owner)
    with at(40):
        seat = verification_access.as_verifier(db, challenge_id=challenge.id, user=verifier)
        workflow.attest(db, seat=seat, user=verifier, submission_id=entry.id,
                        target_key="cooling", body=AttestationIn(
                            measured_value=Decimal("700"), evidence="matrix loggers"))
    if propose:
        with at(91):
            workflow.propose_awards(db, challenge=challenge, user=owner)
    return challenge, entry
