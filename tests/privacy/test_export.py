"""GET /api/v1/me/export and the account page's "Download your data": everything the platform
holds about a person, and nothing that would open their account."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import app.models  # noqa: F401  (every domain's tables in Base.metadata)
from app.accounts.models import ApiToken, User, UserSession
from app.awards import payments
from app.challenges import qa
from app.config import get_settings
from app.db import Base
from app.judging import codes
from app.privacy import export
from tests.awards.factories import finalised
from tests.challenges.factories import Clock
from tests.factories import login, make_user, token_for
from tests.submissions.factories import open_challenge
from tests.teams.factories import invite, make_team


def _user_columns() -> set[str]:
    """Every "table.column" that is a foreign key to users.id."""
    found = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.target_fullname == "users.id" for fk in column.foreign_keys):
                found.add(f"{table.name}.{column.name}")
    return found


def test_every_column_that_names_a_person_is_exported_or_excluded_with_a_reason(
        db: Session) -> None:
    columns = _user_columns()
    assert "challenge_registrations.user_id" in columns  # the walk sees the schema
    unaccounted = columns - set(export.COVERED) - set(export.NOT_EXPORTED)
    assert not unaccounted, (
        "Add these to app/privacy/export.py (COVERED with the section that exports them, or "
        f"NOT_EXPORTED with the reason): {sorted(unaccounted)}")
    assert not set(export.COVERED) & set(export.NOT_EXPORTED)
    assert set(export.COVERED) | set(export.NOT_EXPORTED) <= columns, "names no column any more"
    assert all(reason.strip() for reason in export.NOT_EXPORTED.values())
    document = export.personal_data(db, user=make_user(db))
    missing = {section for section in export.COVERED.values() if section not in document}
    assert not missing, f"sections named in COVERED but absent from the export: {missing}"


def test_a_real_entrants_data_is_in_the_export_and_no_secret_is(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    lead = v.judged.entrants[0]  # leads the team whose entry won the first place
    entry = v.judged.entries[0]
    payments.record_payment(db, challenge=v.challenge, submission_id=entry.id,
                            amount_minor=4_000_000, currency="USD", paid_on=clock.now().date(),
                            method=payments.PaymentMethod.BANK_TRANSFER, reference="PAY-7",
                            actor_id=v.judged.owner.id, today=clock.now().date())
    other = make_user(db)
    invite(db, make_team(db, other, name="Dryland Pumps"), other, lead.email or "")
    db.commit()
    headers = token_for(client, lead.email or "")
    login(client, lead.email or "")
    response = client.get("/api/v1/me/export", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="valleycross-{lead.id}-' in disposition and disposition.endswith('.json"')
    assert "no-store" in response.headers["cache-control"]
    data = response.json()

    assert data["user_id"] == lead.id
    profile = data["profile"]
    assert profile["email"] == lead.email and profile["display_name"] == lead.display_name
    assert profile["organisation"] == "Okafor Cooling Cooperative"
    assert profile["country_code"] == "NPL"
    assert profile["roles"][0]["role"] == "solver"
    assert profile["roles"][0]["granted_at"].endswith("+00:00")
    assert [r["challenge_id"] for r in data["registrations"]] == [v.challenge.id]
    [team] = data["teams"]
    assert team["name"] == "Okafor Cold Chain Collective" and team["your_role"] == "lead"
    [mine] = [e for e in data["entries"] if e["id"] == entry.id]
    assert mine["state"] == "submitted" and mine["receipts"][0]["sha256"]
    [file] = mine["files"]
    stored = entry.files[0]
    assert file == {"name": stored.original_name, "media_type": "application/pdf",
                    "size_bytes": stored.size_bytes, "sha256": stored.sha256,
                    "uploaded_by_you": True, "uploaded_at": file["uploaded_at"]}
    [award] = [a for a in data["awards"] if a["entry_id"] == entry.id]
    assert (award["amount_minor"], award["held_back_minor"], award["currency"]) == (
        5_000_000, 1_000_000, "USD")
    [payment] = data["payments"]
    assert (payment["amount_minor"], payment["currency"], payment["reference"],
            payment["method"]) == (4_000_000, "USD", "PAY-7", "bank_transfer")
    assert [i["state"] for i in data["team_invitations_received"]] == ["pending"]
    assert any(e["event"] == "login.succeeded" and e["ip"] for e in data["audit_events"])
    assert {s["device"] for s in data["sessions"]} == {"testclient"}
    assert [t["name"] for t in data["api_tokens"]] == ["test"]
    assert data["notifications"], "the entrant was told of the awards"
    assert data["login_attempts"][-1]["succeeded"] is True

    # Nothing that opens the account: no hash of the password, a session or a token.
    text = response.text
    user = db.get(User, lead.id)
    assert user is not None and user.password_hash and user.password_hash not in text
    for model in (UserSession, ApiToken):
        for row in db.scalars(select(model).where(model.user_id == lead.id)):
            assert row.token_hash not in text
    assert "token_hash" not in text and "password_hash" not in text

    # The same file from the account page's button.
    page = client.get("/account")
    assert 'href="/account/export"' in page.text
    download = client.get("/account/export")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == disposition
    assert json.loads(download.text)["registrations"] == data["registrations"]


def test_a_judges_file_names_entries_by_their_codes_only(db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    judge = v.judged.judges[0]
    data = export.personal_data(db, user=judge)
    scorecards = data["judging"]["scorecards"]
    assert scorecards and all(s["state"] == "submitted" for s in scorecards)
    expected = codes.codes_for(get_settings().secret_key, v.challenge.id,
                               [e.id for e in v.judged.entries])
    assert {s["entry_code"] for s in scorecards} <= set(expected.values())
    # Blind judging holds in the file too: no entry id, title or entrant name.
    text = json.dumps(data)
    for entrant in v.judged.entrants:
        assert entrant.display_name not in text
    assert "entry_id" not in json.dumps(data["judging"])
    verifier = export.personal_data(db, user=v.verifier)
    assert {a["entry_id"] for a in verifier["attestations"]} == {
        v.judged.entries[0].id, v.judged.entries[1].id}


def test_questions_asked_are_in_the_askers_file(db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    asker = make_user(db)
    qa.ask(db, challenge=arena.challenge, user=asker, body="Which data loggers count?")
    db.commit()
    [question] = export.personal_data(db, user=asker)["questions_asked"]
    assert question["challenge_id"] == arena.challenge.id
    assert question["question"] == "Which data loggers count?"
    assert question["asked_at"].endswith("+00:00")
    assert export.personal_data(db, user=arena.owner)["challenges_sponsored"][0]["id"] == \
        arena.challenge.id


def test_the_export_needs_a_signed_in_person(client: TestClient) -> None:
    response = client.get("/api/v1/me/export")
    assert response.status_code == 401
    page = client.get("/account/export", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
