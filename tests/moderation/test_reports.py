"""Reports: anyone signed in reports what they can see, once while it is open, throttled."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.challenges import qa
from app.moderation import service
from app.moderation.models import Report, SubjectKind
from tests.challenges.factories import draft
from tests.factories import csrf_from, login
from tests.moderation.helpers import headers, report, suggested_edit, world
from tests.teams.factories import make_team


def test_a_report_is_filed_once_and_the_repeat_is_the_same_report(
        client: TestClient, db: Session) -> None:
    w = world(db)
    auth = headers(client, w.solver)
    first = report(client, auth, "question", w.question.id, note="a watch advert")
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert (body["state"], body["reason"], body["note"]) == ("open", "spam", "a watch advert")
    again = report(client, auth, "question", w.question.id, reason="abuse")
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json()["id"] == body["id"]  # type: ignore[attr-defined]
    # Someone else's report of the same question is their own, and neither sees the other's.
    other = report(client, headers(client, w.sponsor), "question", w.question.id)
    assert other.status_code == 201  # type: ignore[attr-defined]
    mine = client.get("/api/v1/reports/mine", headers=auth).json()
    assert [r["id"] for r in mine] == [body["id"]]
    assert "reporter_id" not in mine[0]
    assert db.scalar(select(Report).where(Report.id == body["id"])).excerpt.startswith("Buy")


def test_what_the_reporter_cannot_see_is_not_found(client: TestClient, db: Session) -> None:
    w = world(db)
    hidden_draft = draft(db, w.sponsor)
    unanswered = qa.ask(db, challenge=w.challenge, user=w.other, body="Is a pilot enough?")
    team = make_team(db, w.other)
    suggestion = suggested_edit(db, w.other, fund="Reported fund", new_name="Renamed fund",
                                comment="rename it")
    db.commit()
    auth = headers(client, w.solver)
    for kind, subject_id in (("challenge", hidden_draft.id), ("question", unanswered.id),
                             ("team", team.id), ("suggestion", suggestion.id),
                             ("question", 999_999), ("profile", 999_999)):
        answer = report(client, auth, kind, subject_id)
        assert answer.status_code == 404, (kind, answer.text)  # type: ignore[attr-defined]
        assert "Reported fund" not in answer.text  # type: ignore[attr-defined]
    # ... and what they can see, they can report.
    for kind, subject_id in (("challenge", w.challenge.id), ("answer", w.question.id),
                             ("profile", w.other.id)):
        assert report(client, auth, kind, subject_id).status_code == 201  # type: ignore
    assert report(client, headers(client, w.other), "question", unanswered.id
                  ).status_code == 201  # type: ignore[attr-defined]
    assert report(client, headers(client, w.curator), "suggestion", suggestion.id
                  ).status_code == 201  # type: ignore[attr-defined]
    assert report(client, auth, "nonsense", 1).status_code == 422  # type: ignore
    assert report(client, auth, "question", w.question.id, reason="boring"
                  ).status_code == 422  # type: ignore[attr-defined]
    assert client.post("/api/v1/reports", json={"subject_kind": "question", "subject_id": 1,
                                                "reason": "spam"}).status_code == 401


def test_reports_are_throttled(client: TestClient, db: Session,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "REPORTS_PER_DAY", 2)
    w = world(db)
    auth = headers(client, w.solver)
    assert report(client, auth, "question", w.question.id).status_code == 201  # type: ignore
    assert report(client, auth, "answer", w.question.id).status_code == 201  # type: ignore
    refused = report(client, auth, "challenge", w.challenge.id)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.json()["error"]["code"] == "rate_limited"  # type: ignore[attr-defined]
    # A repeat of an open report is not a new one, so it is not refused.
    assert report(client, auth, "question", w.question.id).status_code == 200  # type: ignore


def test_the_report_page_works_without_javascript(client: TestClient, db: Session) -> None:
    w = world(db)
    url = f"/report?kind=question&id={w.question.id}"
    assert client.get(url, follow_redirects=False).headers["location"].startswith("/login")
    login(client, w.solver.email or "")
    page = client.get(f"/challenges/{w.challenge.id}")
    assert f'href="/report?kind=question&amp;id={w.question.id}"' in page.text
    assert f'href="/report?kind=challenge&amp;id={w.challenge.id}"' in page.text
    form = client.get(url)
    assert form.status_code == 200
    assert "Buy cheap watches" in form.text
    fields = {"kind": "question", "id": str(w.question.id), "csrf_token": csrf_from(form.text)}
    missing = client.post("/report", data={**fields, "reason": ""})
    assert missing.status_code == 422
    assert "Choose a reason." in missing.text
    sent = client.post("/report", data={**fields, "reason": "spam", "note": "advert"},
                       follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/challenges/{w.challenge.id}"
    assert "The moderators will look at it" in client.get(sent.headers["location"]).text
    stored = db.scalars(select(Report)).all()
    assert [(r.subject_kind, r.note) for r in stored] == [(SubjectKind.QUESTION, "advert")]
    assert client.get("/report?kind=challenge&id=abc").status_code == 404
    assert client.get(f"/report?kind=challenge&id={draft(db, w.sponsor).id}").status_code == 404
