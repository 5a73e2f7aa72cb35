"""Paying final awards and checking holdbacks: never more than is payable, each step in the
ledger, the entrant told. The challenge (tests.awards.factories): entry 0 is awarded
USD 50,000.00 of a USD 100,000.00 purse, 20% (USD 10,000.00) held back for 180 days."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.awards import payments
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.notifications import service as notifications
from tests.awards.factories import awards_proposed, finalised
from tests.challenges.factories import Clock
from tests.factories import make_user, token_for
from tests.verification.factories import Verifying


def pay_url(v: Verifying) -> str:
    return f"/api/v1/challenges/{v.challenge.id}/payments"


def payment(v: Verifying, amount: int, **changes: object) -> dict[str, object]:
    return {"submission_id": v.judged.entries[0].id, "amount_minor": amount, "currency": "USD",
            "paid_on": "2030-04-16", "method": "bank_transfer", "reference": "VX-2030-001",
            **changes}


def owner(client: TestClient, v: Verifying) -> dict[str, str]:
    return token_for(client, v.judged.owner.email or "")


def awards_of(client: TestClient, v: Verifying, headers: dict[str, str]) -> dict[str, object]:
    answer = client.get(f"/api/v1/challenges/{v.challenge.id}/awards", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"][0]


def test_nothing_is_payable_before_the_awards_are_final(client: TestClient, db: Session,
                                                        clock: Clock) -> None:
    v = awards_proposed(db, clock)
    answer = client.post(pay_url(v), json=payment(v, 100), headers=owner(client, v))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "awards_not_final"


def test_the_sponsor_pays_the_part_due_now_and_never_more(client: TestClient, db: Session,
                                                          clock: Clock) -> None:
    v = finalised(db, clock)
    headers = owner(client, v)
    entry = awards_of(client, v, headers)
    assert (entry["money_state"], entry["payable_minor"], entry["held_minor"]) == (
        "payable", 4_000_000, 1_000_000)
    too_much = client.post(pay_url(v), json=payment(v, 4_000_001), headers=headers)
    assert too_much.status_code == 422
    assert set(too_much.json()["error"]["fields"]) == {"amount_minor"}
    assert "USD 40,000.00" in too_much.json()["error"]["message"]
    first = client.post(pay_url(v), json=payment(v, 1_500_000), headers=headers)
    assert first.status_code == 201, first.text
    second = client.post(pay_url(v), json=payment(v, 2_500_000, reference="VX-2030-002"),
                         headers=headers)
    assert second.status_code == 201
    again = client.post(pay_url(v), json=payment(v, 1), headers=headers)
    assert again.status_code == 422
    entry = awards_of(client, v, headers)
    assert (entry["money_state"], entry["paid_minor"], entry["payable_minor"]) == (
        "held", 4_000_000, 0)
    assert entry["holdback_due_on"] == (clock.now() + dt.timedelta(days=180)).date().isoformat()
    assert [p["reference"] for p in entry["payments"]] == ["VX-2030-001", "VX-2030-002"]
    kinds = [e.kind for e in db.query(LedgerEntry).order_by(LedgerEntry.sequence)]
    assert kinds[-2:] == ["payment_recorded", "payment_recorded"]
    assert ledger.verify(db).ok


def test_bad_payments_are_refused_field_by_field(client: TestClient, db: Session,
                                                 clock: Clock) -> None:
    v = finalised(db, clock)
    headers = owner(client, v)
    cases = {
        "currency": payment(v, 100, currency="EUR"),
        "paid_on": payment(v, 100, paid_on="2999-01-01"),
        "reference": payment(v, 100, reference="GB33BUKB20201555555555"),
        "amount_minor": payment(v, "100"),
        "method": payment(v, 100, method="cash_in_envelope"),
    }
    for field, body in cases.items():
        answer = client.post(pay_url(v), json=body, headers=headers)
        assert answer.status_code == 422, (field, answer.text)
        assert field in answer.json()["error"]["fields"], (field, answer.json())
    assert payments.paid_total(db, challenge_id=v.challenge.id) == 0


def test_only_the_sponsor_or_an_admin_records_payments(client: TestClient, db: Session,
                                                       clock: Clock) -> None:
    v = finalised(db, clock)
    entrant = client.post(pay_url(v), json=payment(v, 100),
                          headers=token_for(client, v.judged.entrants[0].email or ""))
    assert entrant.status_code in (403, 404)
    admin = client.post(pay_url(v), json=payment(v, 100),
                        headers=token_for(client, v.judged.admin.email or ""))
    assert admin.status_code == 201


def test_the_entrant_is_told_what_was_paid_and_what_is_held(client: TestClient, db: Session,
                                                            clock: Clock) -> None:
    v = finalised(db, clock)
    client.post(pay_url(v), json=payment(v, 4_000_000), headers=owner(client, v))
    told = notifications.for_recipient(db, recipient_id=v.judged.entrants[0].id,
                                       kind="awards.paid")
    assert len(told) == 1
    assert "USD 40,000.00 was paid" in told[0].body
    assert "USD 10,000.00 is held back" in told[0].body


def _due(db: Session, clock: Clock) -> Verifying:
    v = finalised(db, clock)
    payments.record_payment(db, challenge=v.challenge, submission_id=v.judged.entries[0].id,
                            amount_minor=4_000_000, currency="USD",
                            paid_on=clock.now().date(), method=payments.PaymentMethod.OTHER,
                            reference="first", actor_id=v.judged.owner.id,
                            today=clock.now().date())
    db.commit()
    return v


def check_url(v: Verifying) -> str:
    return f"/api/v1/challenges/{v.challenge.id}/holdback-checks"


def test_a_holdback_is_checked_only_when_due_and_released_when_the_outcome_persists(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = _due(db, clock)
    headers = token_for(client, v.verifier.email or "")
    body = {"submission_id": v.judged.entries[0].id, "measured": {"cooling": "600"},
            "evidence": "Loggers read again."}
    early = client.post(check_url(v), json=body, headers=headers)
    assert early.status_code == 409 and early.json()["error"]["code"] == "too_early"
    clock.set(clock.now() + dt.timedelta(days=180))
    assert awards_of(client, v, owner(client, v))["money_state"] == "holdback_due"
    done = client.post(check_url(v), json=body, headers=headers)
    assert done.status_code == 201, done.text
    assert done.json()["outcome"] == "released"
    twice = client.post(check_url(v), json=body, headers=headers)
    assert twice.status_code == 409
    entry = awards_of(client, v, owner(client, v))
    assert (entry["money_state"], entry["payable_minor"]) == ("payable", 1_000_000)
    paid = client.post(pay_url(v), json=payment(v, 1_000_000, paid_on=clock.now().date()
                                                 .isoformat()), headers=owner(client, v))
    assert paid.status_code == 201
    assert awards_of(client, v, owner(client, v))["money_state"] == "paid"
    assert ledger.verify(db).ok


def test_a_holdback_is_forfeited_with_the_reason_when_the_target_is_missed(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = _due(db, clock)
    clock.set(clock.now() + dt.timedelta(days=181))
    answer = client.post(check_url(v), json={
        "submission_id": v.judged.entries[0].id, "measured": {"cooling": "499.9"},
        "evidence": "Two of the cold rooms were switched off."},
        headers=token_for(client, v.verifier.email or ""))
    assert answer.status_code == 201
    assert answer.json()["outcome"] == "forfeited"
    assert "499.9" in answer.json()["reason"] and "500" in answer.json()["reason"]
    entry = awards_of(client, v, owner(client, v))
    assert (entry["money_state"], entry["payable_minor"], entry["held_minor"]) == (
        "forfeited", 0, 0)
    sponsor = make_user(db)
    db.commit()
    refused = client.post(check_url(v), json={"submission_id": v.judged.entries[0].id,
                                               "measured": {"cooling": "1"}, "evidence": "x"},
                          headers=token_for(client, sponsor.email or ""))
    assert refused.status_code in (403, 404)


def test_the_public_results_show_paid_and_held_totals_and_the_ledger_head(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = _due(db, clock)
    body = client.get(f"/api/v1/challenges/{v.challenge.id}/results").json()
    assert (body["total_minor"], body["paid_minor"], body["held_minor"]) == (
        5_000_000, 4_000_000, 1_000_000)
    assert body["ledger_head"] == ledger.head(db)[1]
    page = client.get(f"/challenges/{v.challenge.id}/results")
    assert page.status_code == 200 and ledger.head(db)[1] in page.text
    assert "USD 40,000.00" in page.text
    feed = client.get("/feeds/challenges.atom")
    assert ledger.head(db)[1] in feed.text


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(attempts=st.lists(st.integers(min_value=1, max_value=6_000_000), min_size=1,
                         max_size=8))
def test_payments_never_exceed_what_is_payable_nor_the_purse(
        db: Session, clock: Clock, attempts: list[int]) -> None:
    from app.errors import ValidationFailed

    challenges = [c for c in [getattr(db, "_v", None)] if c]
    v = challenges[0] if challenges else finalised(db, clock)
    db._v = v  # type: ignore[attr-defined]  # one challenge for every example of this test
    for amount in attempts:
        before = payments.paid_total(db, challenge_id=v.challenge.id)
        try:
            payments.record_payment(
                db, challenge=v.challenge, submission_id=v.judged.entries[0].id,
                amount_minor=amount, currency="USD", paid_on=clock.now().date(),
                method=payments.PaymentMethod.OTHER, reference="p", actor_id=None,
                today=clock.now().date())
            db.commit()
            assert before + amount <= 4_000_000
        except ValidationFailed:
            db.rollback()
            assert before + amount > 4_000_000
        total = payments.paid_total(db, challenge_id=v.challenge.id)
        assert total <= 4_000_000 <= 10_000_000


def test_payouts_list_what_waits_for_the_sponsor_and_for_verifiers(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    sponsor = client.get("/api/v1/me/payouts", headers=owner(client, v)).json()
    assert [(i["submission_id"], i["money_state"], i["amount_minor"]) for i in sponsor] == [
        (v.judged.entries[0].id, "payable", 4_000_000)]
    verifier = token_for(client, v.verifier.email or "")
    assert client.get("/api/v1/me/payouts", headers=verifier).json() == []
    payments.record_payment(db, challenge=v.challenge, submission_id=v.judged.entries[0].id,
                            amount_minor=4_000_000, currency="USD", paid_on=clock.now().date(),
                            method=payments.PaymentMethod.OTHER, reference="r", actor_id=None,
                            today=clock.now().date())
    db.commit()
    clock.set(clock.now() + dt.timedelta(days=180))
    [waiting] = client.get("/api/v1/me/payouts", headers=owner(client, v)).json()
    assert waiting["money_state"] == "holdback_due"
    [due] = client.get("/api/v1/me/payouts", headers=verifier).json()
    assert (due["money_state"], due["amount_minor"]) == ("holdback_due", 1_000_000)
    entrant = token_for(client, v.judged.entrants[0].email or "")
    assert client.get("/api/v1/me/payouts", headers=entrant).json() == []


def test_two_payments_at_once_cannot_overpay(db: Session, clock: Clock,
                                             database_url: str) -> None:
    """The first payment's transaction holds the ledger's turn; the second waits for it (or,
    on SQLite, is refused as busy) and then sees the first: together never more than due."""
    from app.challenges.models import Challenge
    from tests.concurrency import Second

    v = finalised(db, clock)
    entry, challenge_id, today = v.judged.entries[0].id, v.challenge.id, clock.now().date()

    def pay(session: Session) -> object:
        return payments.record_payment(
            session, challenge=session.get(Challenge, challenge_id), submission_id=entry,
            amount_minor=3_000_000, currency="USD", paid_on=today,
            method=payments.PaymentMethod.OTHER, reference="at once", actor_id=None,
            today=today)

    pay(db)  # the first, its transaction still open
    second = Second(database_url, pay)
    waited = second.is_waiting()
    db.commit()
    outcome = second.finish()
    assert waited or db.get_bind().dialect.name == "sqlite"
    assert isinstance(outcome, Exception), outcome  # 3,000,000 more would exceed 4,000,000
    assert payments.paid_total(db, challenge_id=challenge_id) == 3_000_000
    assert ledger.verify(db).ok
