"""DELETE /api/v1/me and /account/delete: the person goes, the prize record stays."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import (
    ApiToken,
    ExternalIdentity,
    LoginAttempt,
    Role,
    User,
    UserSession,
)
from app.audit.models import AuditEvent
from app.awards.models import Award, AwardPayment
from app.challenges.models import ChallengeRegistration
from app.config import Settings
from app.db import session_factory
from app.kit.models import RateLimitHit
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.notifications.models import OutboxMessage
from app.privacy import service as privacy
from app.submissions import access as submissions_access
from app.teams.models import InvitationState, TeamInvitation
from tests.awards.factories import finalised
from tests.challenges.factories import Clock
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for
from tests.judging.factories import judging_challenge
from tests.submissions.factories import open_challenge
from tests.teams.factories import invite, make_team


def _delete(client: TestClient, headers: dict[str, str], **body: object) -> object:
    return client.request("DELETE", "/api/v1/me", headers=headers, json=body)


def _count(db: Session, model: type, *where: object) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_deleting_anonymises_the_person_ends_every_way_in_and_frees_the_address(
        client: TestClient, db: Session, settings: Settings) -> None:
    user = make_user(db, email="Leila.Haddad@example.org", display_name="Leila Haddad",
                     organisation="Haddad Solar", country_code="NPL")
    accounts_service.update_profile(db, user=user, locale="zh-Hans")
    db.add(ExternalIdentity(user_id=user.id, issuer="https://id.example", subject="leila-1",
                            email_claim="leila.haddad@example.org"))
    lead = make_user(db)
    invitation = invite(db, make_team(db, lead, name="Sahel Pumps"), lead,
                        "leila.haddad@example.org")
    sent = invite(db, make_team(db, user, name="Leila Alone"), user, "friend@example.org")
    db.commit()
    mistyped = client.post("/api/v1/auth/tokens", json={
        "name": "t", "email": "leila.haddad@example.org", "password": "a wrong password"})
    assert mistyped.status_code == 401  # audited with the address, and counted
    headers = token_for(client, "leila.haddad@example.org")
    before = list(db.scalars(select(AuditEvent).where(AuditEvent.subject_user_id == user.id)))
    assert any("leila.haddad@example.org" in str(e.details) for e in before)
    browser = TestClient(client.app)
    login(browser, "leila.haddad@example.org")

    response = _delete(client, headers, current_password=PASSWORD)
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.json()["user_id"] == user.id  # type: ignore[attr-defined]

    fresh = session_factory(settings.database_url)()
    gone = fresh.get(User, user.id)
    assert gone is not None
    assert gone.display_name == f"Deleted account #{user.id}"
    assert (gone.email, gone.email_normalized, gone.organisation, gone.country_code, gone.locale,
            gone.password_hash, gone.email_verified_at) == (None,) * 7
    assert gone.deleted_at is not None and gone.is_active is False
    for model in (UserSession, ApiToken, ExternalIdentity, OutboxMessage):
        column = model.recipient_id if model is OutboxMessage else model.user_id  # type: ignore[attr-defined]
        assert _count(fresh, model, column == user.id) == 0, model
    assert _count(fresh, LoginAttempt,
                  LoginAttempt.email_normalized == "leila.haddad@example.org") == 0
    declined = fresh.get(TeamInvitation, invitation.id)
    assert declined is not None and declined.state == InvitationState.DECLINED
    assert declined.email == f"deleted-account-{user.id}@deleted.invalid"
    withdrawn = fresh.get(TeamInvitation, sent.id)  # nobody is left to lead that team
    assert withdrawn is not None and withdrawn.state == InvitationState.REVOKED
    events = list(fresh.scalars(select(AuditEvent).where(
        (AuditEvent.subject_user_id == user.id) | (AuditEvent.actor_id == user.id))))
    assert "account.deleted" in {e.event for e in events}
    assert all("leila" not in str(e.details).lower() for e in events)
    fresh.close()

    # No way back in: not the token, not the other browser, not the old password.
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert browser.get("/account", follow_redirects=False).status_code == 303
    refused = client.post("/api/v1/auth/tokens", json={
        "name": "again", "email": "leila.haddad@example.org", "password": PASSWORD})
    assert refused.status_code == 401
    # The address can be registered anew, as a new account.
    again = client.post("/api/v1/auth/signup", json={
        "email": "leila.haddad@example.org", "password": PASSWORD, "display_name": "Leila"})
    assert again.status_code in (201, 202), again.text  # 202: the sign-up that tells nothing
    reborn = accounts_service.get_by_email(db, email="leila.haddad@example.org")
    assert reborn is not None and reborn.id != user.id and reborn.deleted_at is None


def test_a_wrong_password_is_refused_and_the_try_is_counted(
        client: TestClient, db: Session, settings: Settings) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    response = _delete(client, headers, current_password="not my password at all")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "current_password" in response.json()["error"]["fields"]  # type: ignore[attr-defined]
    fresh = session_factory(settings.database_url)()
    assert _count(fresh, AuditEvent, AuditEvent.event == "reauth.failed",
                  AuditEvent.subject_user_id == user.id) == 1
    assert _count(fresh, RateLimitHit, RateLimitHit.key == f"user:{user.id}",
                  RateLimitHit.action == "reauth") == 1
    kept = fresh.get(User, user.id)
    assert kept is not None and kept.deleted_at is None and kept.email == user.email
    fresh.close()


def test_a_token_alone_cannot_delete_the_account(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    response = _delete(client, headers)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["error"]["code"] == "reauthentication_required"  # type: ignore[attr-defined]
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_the_only_admin_cannot_leave_until_there_is_another(
        client: TestClient, db: Session) -> None:
    only = make_user(db, roles=[Role.ADMIN])
    headers = token_for(client, only.email or "")
    response = _delete(client, headers, current_password=PASSWORD)
    assert response.status_code == 409  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "account_needed" and "only admin" in error["message"]
    # Refused before the password is even checked: no try is spent.
    assert _count(db, RateLimitHit, RateLimitHit.key == f"user:{only.id}",
                  RateLimitHit.action == "reauth") == 0
    make_user(db, roles=[Role.ADMIN])
    assert privacy.blockers(db, user=only) == []


def test_a_team_lead_with_members_hands_over_first(db: Session) -> None:
    lead, member = make_user(db), make_user(db)
    make_team(db, lead, name="Coral Cold Chain", members=[member])
    [reason] = privacy.blockers(db, user=lead)
    assert "Coral Cold Chain" in reason and "hand the lead" in reason
    assert privacy.blockers(db, user=member) == []  # a member may go; the team stays the lead's


def test_a_sponsor_of_a_challenge_under_way_and_a_judge_mid_judging_are_needed(
        db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    [reason] = privacy.blockers(db, user=arena.owner)
    assert arena.challenge.title in reason and "(open)" in reason
    judged = judging_challenge(db, clock, entries=1, judges=1)
    reasons = privacy.blockers(db, user=judged.judges[0])
    assert any("judging panel" in r and judged.challenge.title in r for r in reasons)


def test_money_and_the_ledger_are_untouched_and_hold_no_name_or_address(
        db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    person = v.judged.entrants[1]  # entered alone; shortlisted, with a (zero) award
    registration = db.scalar(select(ChallengeRegistration).where(
        ChallengeRegistration.user_id == person.id))
    assert registration is not None
    assert _count(db, Award, Award.submission_id == v.judged.entries[1].id) == 1

    def money() -> list[tuple[object, ...]]:
        rows: list[tuple[object, ...]] = [
            (e.sequence, e.hash, e.payload, e.reason) for e in
            db.scalars(select(LedgerEntry).order_by(LedgerEntry.sequence))]
        rows += [(a.id, a.amount_minor, a.currency, a.reason) for a in
                 db.scalars(select(Award).order_by(Award.id))]
        rows += [(p.id, p.amount_minor, p.reference) for p in
                 db.scalars(select(AwardPayment).order_by(AwardPayment.id))]
        return rows

    before = money()
    text = repr(before)
    for entrant in v.judged.entrants:  # ids only: nothing there would need to change
        assert entrant.display_name not in text and (entrant.email or "") not in text
    privacy.delete_account(db, user=person)
    db.commit()
    db.expire_all()
    assert money() == before
    assert ledger.verify(db).ok
    names = submissions_access.entrant_names(db, [registration])
    assert names[registration.id] == f"Deleted account #{person.id}"
    assert registration.country_code == "NPL"  # it decided eligibility: the record keeps it


def test_the_page_says_what_goes_and_what_stays_then_deletes_with_the_password(
        client: TestClient, db: Session) -> None:
    user = make_user(db, display_name="Tomás Reyes")
    login(client, user.email or "")
    page = client.get("/account/delete")
    assert page.status_code == 200
    for words in ("What goes", "What stays, and why", "organisation", "linked sign-in providers",
                  f"Deleted account #{user.id}", "Awards, payments and award ledger entries"):
        assert words.lower() in page.text.lower(), words
    wrong = client.post("/account/delete", data={"current_password": "not it at all",
                                                 "csrf_token": csrf_from(page.text)})
    assert wrong.status_code == 422
    assert 'id="e-current_password"' in wrong.text
    done = client.post("/account/delete", data={"current_password": PASSWORD,
                                                "csrf_token": csrf_from(wrong.text)},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = client.get("/")
    assert "Your account was deleted" in home.text
    assert client.get("/account", follow_redirects=False).headers["location"].startswith(
        "/login")
    db.expire_all()
    assert db.get(User, user.id).deleted_at is not None  # type: ignore[union-attr]


def test_the_page_lists_what_must_happen_first_and_offers_no_button(
        client: TestClient, db: Session) -> None:
    lead, member = make_user(db), make_user(db)
    make_team(db, lead, name="Delta Dryers", members=[member])
    login(client, lead.email or "")
    page = client.get("/account/delete")
    assert "Delta Dryers" in page.text and "cannot be deleted yet" in page.text
    assert 'action="/account/delete"' not in page.text
    refused = client.post("/account/delete", data={"current_password": PASSWORD,
                                                   "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 409 and "Delta Dryers" in refused.text
