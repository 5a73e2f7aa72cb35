"""Proving an email address: links that work once and expire, sign-up and email change that
tell nobody who is registered, and what an unproven account may not do."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts import email_links, identities
from app.accounts import service as accounts_service
from app.accounts.models import AccountLink, LinkPurpose, User
from app.audit.models import AuditEvent
from app.challenges.enums import SolverKind
from app.challenges.schemas import RegistrationIn
from app.config import Settings
from app.db import session_factory, utcnow
from app.errors import Forbidden
from app.notifications import service as notifications
from app.notifications.delivery import OutgoingMail, deliver_pending
from app.notifications.models import OutboxMessage
from app.workflow import participation
from tests.challenges.factories import Clock
from tests.factories import PASSWORD, csrf_from, emailed_token, login, make_user, token_for
from tests.submissions.factories import open_challenge
from tests.teams.factories import invite, make_team

VERIFY = "mail.verify_email"


def audit_events(db: Session, event: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.event == event)
                           .order_by(AuditEvent.id)))


def sign_up(client: TestClient, email: str, name: str = "Nima") -> dict[str, object]:
    response = client.post("/api/v1/auth/signup", json={
        "email": email, "password": PASSWORD, "display_name": name, "country_code": "NPL"})
    assert response.status_code == 202, response.text
    body: dict[str, object] = response.json()
    return body


def confirm(client: TestClient, token: str) -> object:
    page = client.get(f"/verify-email/{token}")
    return client.post(f"/verify-email/{token}", data={"csrf_token": csrf_from(page.text)},
                       follow_redirects=False)


# -- the links -------------------------------------------------------------------------------

def test_a_link_is_stored_as_a_hash_works_once_and_voids_the_older_ones(db: Session) -> None:
    user = make_user(db)
    first = email_links.issue(db, user=user, purpose=LinkPurpose.SIGN_IN, email="a@example.org")
    second = email_links.issue(db, user=user, purpose=LinkPurpose.SIGN_IN, email="a@example.org")
    db.commit()
    stored = list(db.scalars(select(AccountLink.token_hash)))
    assert first not in stored and second not in stored and len(stored) == 2
    with pytest.raises(email_links.LinkNotValid):  # a newer one was sent
        email_links.consume(db, raw=first, purpose=LinkPurpose.SIGN_IN)
    with pytest.raises(email_links.LinkNotValid):  # a link of another purpose
        email_links.consume(db, raw=second, purpose=LinkPurpose.RESET_PASSWORD)
    assert email_links.consume(db, raw=second, purpose=LinkPurpose.SIGN_IN).user_id == user.id
    with pytest.raises(email_links.LinkNotValid):
        email_links.consume(db, raw=second, purpose=LinkPurpose.SIGN_IN)


def test_two_uses_at_once_are_one_use(db: Session, settings: Settings) -> None:
    """Both requests read the link unused; the compare-and-set lets only one through (SQLite
    has no row locks to make the second wait)."""
    user = make_user(db)
    raw = email_links.issue(db, user=user, purpose=LinkPurpose.SIGN_IN, email="x@example.org")
    db.commit()
    other = session_factory(settings.database_url)()
    try:
        email_links.peek(other, raw=raw, purpose=LinkPurpose.SIGN_IN)  # read before the other
        email_links.consume(db, raw=raw, purpose=LinkPurpose.SIGN_IN)
        db.commit()
        with pytest.raises(email_links.LinkNotValid):
            email_links.consume(other, raw=raw, purpose=LinkPurpose.SIGN_IN)
    finally:
        other.rollback()
        other.close()


def test_links_expire(db: Session) -> None:
    user = make_user(db)
    lifetimes = {}
    for purpose in LinkPurpose:
        raw = email_links.issue(db, user=user, purpose=purpose, email="x@example.org")
        link = email_links.peek(db, raw=raw, purpose=purpose)
        lifetimes[purpose] = link.expires_at - link.created_at
        link.expires_at = utcnow() - dt.timedelta(seconds=1)
        with pytest.raises(email_links.LinkNotValid):
            email_links.peek(db, raw=raw, purpose=purpose)
    assert {p: round(t.total_seconds() / 60) for p, t in lifetimes.items()} == {
        LinkPurpose.VERIFY_EMAIL: 48 * 60, LinkPurpose.RESET_PASSWORD: 60,
        LinkPurpose.SIGN_IN: 15}


# -- signing up ------------------------------------------------------------------------------

def test_sign_up_mails_a_link_that_a_scanner_cannot_use_up(client: TestClient,
                                                          db: Session) -> None:
    sign_up(client, "Nima@Example.org")
    user = accounts_service.get_by_email(db, email="nima@example.org")
    assert user is not None and not user.email_verified
    [mail] = notifications.for_recipient(db, recipient_id=user.id, kind=VERIFY)
    # The API's EmailStr lower-cases the domain; the link is made absolute, on the site's base
    # URL, when the mail is sent (delivery), so it is stored site-relative.
    assert mail.to_address == "Nima@example.org"
    assert "{site}/verify-email/" in mail.body
    token = emailed_token(db, user_id=user.id, kind=VERIFY)
    # Opening the link (as a mail scanner does) only shows a button.
    for _ in range(2):
        page = client.get(f"/verify-email/{token}")
        assert page.status_code == 200 and "Confirm my email address" in page.text
    db.expire_all()
    assert not db.get(User, user.id).email_verified  # type: ignore[union-attr]
    done = confirm(client, token)
    assert done.status_code == 303 and done.headers["location"] == "/login"
    db.expire_all()
    assert db.get(User, user.id).email_verified  # type: ignore[union-attr]
    assert audit_events(db, "email.verified")[-1].subject_user_id == user.id
    again = client.get(f"/verify-email/{token}")
    assert again.status_code == 422 and "This link is not valid" in again.text


def test_the_api_confirms_with_the_token(client: TestClient, db: Session) -> None:
    sign_up(client, "api@example.org")
    user = accounts_service.get_by_email(db, email="api@example.org")
    assert user is not None
    token = emailed_token(db, user_id=user.id, kind=VERIFY)
    bad = client.post("/api/v1/auth/verify-email", json={"token": token + "x"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "link_not_valid"
    ok = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert ok.status_code == 200, ok.text
    me = client.get("/api/v1/me", headers=token_for(client, "api@example.org")).json()
    assert me["email_verified"] is True


def test_signing_up_with_a_taken_address_answers_the_same_and_tells_its_holder(
        client: TestClient, db: Session) -> None:
    holder = make_user(db, email="kept@example.org")
    fresh = sign_up(client, "free@example.org")
    taken = sign_up(client, "KEPT@example.org", name="Someone else")
    assert taken == fresh
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(User)) == 2
    [notice] = notifications.for_recipient(db, recipient_id=holder.id,
                                           kind=email_links.KIND_ADDRESS_TAKEN)
    assert notice.to_address == "kept@example.org" and "/password-reset" in notice.body
    assert notifications.for_recipient(db, recipient_id=holder.id, kind=VERIFY) == []
    # The page says the same as for a new address.
    page = client.get("/signup")
    shown = client.post("/signup", data={
        "email": "kept@example.org", "password": PASSWORD, "display_name": "X",
        "csrf_token": csrf_from(page.text)})
    assert shown.status_code == 200 and "Check your inbox" in shown.text
    # Bad input is still said, whether or not the address is taken.
    weak = client.post("/api/v1/auth/signup", json={
        "email": "kept@example.org", "password": "password1234", "display_name": "B"})
    assert weak.status_code == 422 and "password" in weak.json()["error"]["fields"]


# -- what an unproven account may not do ------------------------------------------------------

def test_an_unverified_account_cannot_register_until_it_confirms(
        client: TestClient, db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    person = make_user(db, country_code="NPL", verified=False)
    body = RegistrationIn(solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True)
    with pytest.raises(Forbidden) as refused:
        participation.register(db, challenge=arena.challenge, user=person, body=body)
    assert refused.value.code == "email_unverified"
    assert "/account" in refused.value.message
    db.rollback()
    api = client.post(f"/api/v1/challenges/{arena.challenge.id}/registrations",
                      headers=token_for(client, person.email or ""),
                      json={"solver_kind": "individual", "declares_not_sponsor_employee": True})
    assert api.status_code == 403 and api.json()["error"]["code"] == "email_unverified"
    person.email_verified_at = utcnow()
    db.commit()
    participation.register(db, challenge=arena.challenge, user=person, body=body)


def test_an_invitation_reaches_an_address_only_once_it_is_proven(client: TestClient,
                                                                 db: Session) -> None:
    lead = make_user(db)
    squatter = make_user(db, email="invitee@example.org", verified=False)
    team = make_team(db, lead, name="Cold Chain")
    invitation = invite(db, team, lead, "invitee@example.org")
    assert notifications.for_recipient(db, recipient_id=squatter.id) == []  # not told
    headers = token_for(client, "invitee@example.org")
    assert client.get("/api/v1/me/invitations", headers=headers).json()["total"] == 0
    refused = client.post(f"/api/v1/invitations/{invitation.id}/accept", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "email_unverified"
    # Following the link proves the address: the invitation shows up and can be accepted.
    email_links.send_verification(db, user=squatter)
    db.commit()
    confirm(client, emailed_token(db, user_id=squatter.id, kind=VERIFY))
    assert client.get("/api/v1/me/invitations", headers=headers).json()["total"] == 1
    accepted = client.post(f"/api/v1/invitations/{invitation.id}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text


def test_a_provider_that_verified_the_address_counts_and_one_that_did_not_gets_a_link(
        db: Session) -> None:
    proven = identities.account_for_login(db, issuer="https://id.example", subject="1", claims={
        "email": "proven@example.org", "email_verified": True}).user
    unproven = identities.account_for_login(db, issuer="https://id.example", subject="2",
                                            claims={"email": "maybe@example.org"}).user
    stringly = identities.account_for_login(db, issuer="https://id.example", subject="3",
                                            claims={"email": "s@example.org",
                                                    "email_verified": "true"}).user
    assert proven.email_verified and not unproven.email_verified
    assert not stringly.email_verified  # only the boolean the standard defines counts
    assert notifications.for_recipient(db, recipient_id=proven.id, kind=VERIFY) == []
    [mail] = notifications.for_recipient(db, recipient_id=unproven.id, kind=VERIFY)
    assert mail.to_address == "maybe@example.org"


# -- resending ---------------------------------------------------------------------------------

def test_the_account_page_offers_the_link_again_throttled(client: TestClient,
                                                          db: Session) -> None:
    user = make_user(db, email="late@example.org", verified=False)
    login(client, "late@example.org")
    page = client.get("/account")
    assert "Confirm your email address" in page.text and "Send the link again" in page.text
    statuses = []
    for _ in range(6):
        sent = client.post("/account/email-verification",
                           data={"csrf_token": csrf_from(page.text)})
        statuses.append("We emailed you a new link" in sent.text)
    assert statuses == [True] * 5 + [False]
    assert "Too many emailed links" in sent.text
    links = notifications.for_recipient(db, recipient_id=user.id, kind=VERIFY)
    assert len(links) == 5
    confirm(client, emailed_token(db, user_id=user.id, kind=VERIFY))  # the newest one works
    assert "Confirm your email address" not in client.get("/account").text


def test_link_mail_stays_out_of_the_inbox(client: TestClient, db: Session) -> None:
    user = make_user(db, email="inbox@example.org", verified=False)
    email_links.send_verification(db, user=user)
    notifications.queue(db, recipient_id=user.id, subject="News", body="b", kind="news")
    db.commit()
    rows, total = notifications.inbox(db, recipient_id=user.id)
    assert total == 1 and [m.subject for m in rows] == ["News"]
    assert notifications.unread_count(db, recipient_id=user.id) == 1
    login(client, "inbox@example.org")
    assert "/verify-email/" not in client.get("/inbox").text


# -- changing the address ----------------------------------------------------------------------

def test_an_email_change_needs_the_password_and_waits_for_the_link(client: TestClient,
                                                                   db: Session) -> None:
    user = make_user(db, email="old@example.org")
    headers = token_for(client, "old@example.org")
    unproven = client.patch("/api/v1/me", headers=headers, json={"email": "new@example.org"})
    assert unproven.status_code == 422
    assert unproven.json()["error"]["code"] == "reauthentication_required"
    wrong = client.patch("/api/v1/me", headers=headers,
                         json={"email": "new@example.org", "current_password": "not it at all"})
    assert wrong.status_code == 422
    assert audit_events(db, "reauth.failed")  # the failed try was kept
    changed = client.patch("/api/v1/me", headers=headers, json={
        "email": "New@Example.org", "current_password": PASSWORD, "display_name": "Renamed"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == "old@example.org"  # the old, proven one until the link
    assert changed.json()["display_name"] == "Renamed" and changed.json()["email_verified"]
    [link_mail] = notifications.for_recipient(db, recipient_id=user.id, kind=VERIFY)
    assert link_mail.to_address == "New@example.org"
    [notice] = notifications.for_recipient(db, recipient_id=user.id,
                                           kind=email_links.KIND_EMAIL_CHANGE_NOTICE)
    assert notice.to_address == "old@example.org" and "New@example.org" in notice.body
    assert audit_events(db, "email.change_requested")[-1].subject_user_id == user.id

    confirm(client, emailed_token(db, user_id=user.id, kind=VERIFY))
    me = client.get("/api/v1/me", headers=headers).json()
    assert (me["email"], me["email_verified"]) == ("New@example.org", True)
    assert audit_events(db, "email.changed")[-1].details["new"] == "new@example.org"


def test_an_email_change_to_a_taken_address_answers_the_same(client: TestClient,
                                                             db: Session) -> None:
    user = make_user(db, email="mover@example.org")
    holder = make_user(db, email="held@example.org")
    login(client, "mover@example.org")  # a fresh sign-in re-authenticates
    page = client.get("/account")
    answers = []
    for address in ("free@example.org", "held@example.org"):
        answer = client.post("/account", data={
            "email": address, "display_name": user.display_name,
            "csrf_token": csrf_from(page.text)})
        answers.append(answer.text.replace(address, "ADDRESS"))
    assert "We sent a link to ADDRESS" in answers[0]
    assert answers[0].count("We sent a link") == answers[1].count("We sent a link") == 1
    [told] = notifications.for_recipient(db, recipient_id=holder.id,
                                         kind=email_links.KIND_ADDRESS_TAKEN)
    assert told.to_address == "held@example.org"
    # Only the free address got a link.
    [link_mail] = notifications.for_recipient(db, recipient_id=user.id, kind=VERIFY)
    assert link_mail.to_address == "free@example.org"


def test_an_address_taken_before_the_link_is_followed_is_refused(client: TestClient,
                                                                 db: Session) -> None:
    user = make_user(db, email="slow@example.org")
    email_links.request_email_change(db, user=user, email="contested@example.org",
                                     password=PASSWORD, signed_in_at=None)
    db.commit()
    token = emailed_token(db, user_id=user.id, kind=VERIFY)
    make_user(db, email="contested@example.org")
    refused = confirm(client, token)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "now belongs to another account" in refused.text  # type: ignore[attr-defined]
    db.expire_all()
    assert db.get(User, user.id).email == "slow@example.org"  # type: ignore[union-attr]


def test_an_old_reset_link_stops_working_when_the_address_changes(db: Session) -> None:
    user = make_user(db, email="before@example.org")
    reset = email_links.issue(db, user=user, purpose=LinkPurpose.RESET_PASSWORD,
                              email="before@example.org")
    email_links.request_email_change(db, user=user, email="after@example.org",
                                     password=PASSWORD, signed_in_at=None)
    db.commit()
    raw = emailed_token(db, user_id=user.id, kind=VERIFY)
    email_links.verify_email(db, raw=raw)
    with pytest.raises(email_links.LinkNotValid):
        email_links.peek(db, raw=reset, purpose=LinkPurpose.RESET_PASSWORD)


def test_made_by_an_operator_counts_as_proven_and_says_so_in_the_audit(db: Session) -> None:
    user = accounts_service.create_user(db, email="ops@example.org", password=PASSWORD,
                                        display_name="Ops", email_verified=True)
    assert user.email_verified
    [created] = [e for e in audit_events(db, "user.created") if e.subject_user_id == user.id]
    assert created.details["email_verified"] is True


def test_delivery_sends_a_link_to_its_own_address(db: Session) -> None:
    """`to_address` wins over the account's address (the new one being proven)."""
    sent: list[OutgoingMail] = []

    class Recorder:
        def send(self, mail: OutgoingMail) -> None:
            sent.append(mail)

    user = make_user(db, email="current@example.org")
    notifications.queue(db, recipient_id=user.id, subject="s", body="b", kind="mail.x",
                        to_address="proving@example.org")
    notifications.queue(db, recipient_id=user.id, subject="s", body="b", kind="news")
    db.commit()
    db.execute(update(OutboxMessage).values(created_at=utcnow()))
    db.commit()
    deliver_pending(db, sender=Recorder(), now=utcnow())
    assert [m.to_address for m in sent] == ["proving@example.org", "current@example.org"]
