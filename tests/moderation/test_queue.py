"""The moderation queue: reports grouped by subject; hide, restore and dismiss, each once."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.config import Settings
from app.errors import Conflict
from app.moderation import service
from app.moderation.models import Report, ReportState, SubjectKind
from app.moderation.schemas import Decision
from tests.concurrency import meanwhile
from tests.factories import csrf_from, login
from tests.moderation.helpers import headers, outbox, report, suggested_edit, world
from tests.teams.factories import make_team


def decide(client: TestClient, auth: dict[str, str], kind: str, subject_id: int, action: str,
           reason: str = "breaks the rules") -> object:
    return client.post(f"/api/v1/moderation/subjects/{kind}/{subject_id}", headers=auth,
                       json={"action": action, "reason": reason})


def test_the_queue_groups_reports_by_subject_for_moderators_only(
        client: TestClient, db: Session) -> None:
    w = world(db)
    report(client, headers(client, w.solver), "question", w.question.id, note="an advert")
    report(client, headers(client, w.sponsor), "question", w.question.id, reason="misleading")
    report(client, headers(client, w.solver), "challenge", w.challenge.id, reason="other")
    groups = client.get("/api/v1/moderation/reports?state=open",
                        headers=headers(client, w.curator)).json()
    assert [(g["subject_kind"], g["count"]) for g in groups] == [("question", 2),
                                                                  ("challenge", 1)]
    first = groups[0]
    assert first["reasons"] == {"spam": 1, "misleading": 1}
    assert first["notes"] == ["an advert"]
    assert first["excerpt"].startswith("Buy cheap watches")
    assert "reporter_id" not in first and "reporters" not in first
    assert client.get("/api/v1/moderation/reports",
                      headers=headers(client, w.solver)).status_code == 403
    assert client.get("/api/v1/moderation/reports").status_code == 401


def test_hiding_a_question_removes_it_everywhere_and_tells_the_reporters(
        client: TestClient, db: Session) -> None:
    w = world(db)
    report(client, headers(client, w.solver), "question", w.question.id)
    report(client, headers(client, w.sponsor), "question", w.question.id)
    curator = headers(client, w.curator)
    done = decide(client, curator, "question", w.question.id, "hide", "an advert")
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    assert done.json()["reports_decided"] == 2  # type: ignore[attr-defined]
    page = client.get(f"/challenges/{w.challenge.id}")
    assert "Buy cheap watches" not in page.text
    assert "Hidden by moderators." in page.text
    assert "We do not sell watches." in page.text  # the answer was not reported
    listed = client.get(f"/api/v1/challenges/{w.challenge.id}/questions").json()
    assert [(q["body"], q["hidden"]) for q in listed] == [("", True)]
    db.expire_all()
    assert {r.state for r in db.scalars(select(Report))} == {ReportState.HIDDEN}
    event = db.scalar(select(AuditEvent).where(AuditEvent.event == "moderation.hide"))
    assert event is not None and event.actor_id == w.curator.id
    assert event.details["reason"] == "an advert" and event.details["reports"] == 2
    told = outbox(db, w.solver, "moderation.report_decided")
    assert len(told) == 1 and "hidden" in told[0].subject and "an advert" in told[0].body
    # The second moderator is told it is done, and nothing changes twice.
    assert decide(client, curator, "question", w.question.id, "hide").status_code == 409  # type: ignore
    assert decide(client, curator, "question", w.question.id, "dismiss").status_code == 409  # type: ignore
    # What is hidden cannot be reported again by those who see it hidden.
    assert report(client, headers(client, w.other), "question", w.question.id
                  ).status_code == 404  # type: ignore[attr-defined]
    restored = decide(client, curator, "question", w.question.id, "restore", "a real question")
    assert restored.status_code == 200  # type: ignore[attr-defined]
    assert "Buy cheap watches" in client.get(f"/challenges/{w.challenge.id}").text
    assert decide(client, curator, "question", w.question.id, "restore").status_code == 409  # type: ignore
    assert db.scalar(select(AuditEvent).where(AuditEvent.event == "moderation.restore"))


def test_dismissing_decides_every_open_report_once(client: TestClient, db: Session) -> None:
    w = world(db)
    report(client, headers(client, w.solver), "answer", w.question.id)
    curator = headers(client, w.curator)
    assert decide(client, curator, "answer", w.question.id, "dismiss", "",
                  ).status_code == 422  # type: ignore[attr-defined]
    assert decide(client, curator, "answer", w.question.id, "dismiss").status_code == 200  # type: ignore
    # Compare-and-set on the state: a second dismissal (another moderator) decides nothing.
    second = decide(client, headers(client, w.admin), "answer", w.question.id, "dismiss")
    assert second.status_code == 409  # type: ignore[attr-defined]
    assert second.json()["error"]["code"] == "already_decided"  # type: ignore[attr-defined]
    assert "We do not sell watches." in client.get(f"/challenges/{w.challenge.id}").text
    assert client.get("/api/v1/moderation/reports?state=dismissed",
                      headers=curator).json()[0]["count"] == 1
    told = outbox(db, w.solver, "moderation.report_decided")
    assert len(told) == 1 and "left as it is" in told[0].subject
    assert decide(client, headers(client, w.solver), "answer", w.question.id, "hide"
                  ).status_code == 403  # type: ignore[attr-defined]


def test_a_hidden_challenge_is_gone_for_all_but_its_sponsor_and_admins(
        client: TestClient, db: Session) -> None:
    w = world(db)
    title = w.challenge.title
    assert title in client.get("/feeds/challenges.atom").text
    assert decide(client, headers(client, w.curator), "challenge", w.challenge.id, "hide"
                  ).status_code == 200  # type: ignore[attr-defined]
    assert client.get(f"/challenges/{w.challenge.id}").status_code == 404
    assert client.get(f"/api/v1/challenges/{w.challenge.id}").status_code == 404
    assert title not in client.get("/challenges").text
    assert title not in client.get(f"/challenges?q={title[:12]}").text
    assert all(c["id"] != w.challenge.id for c in client.get("/api/v1/challenges").json()["items"])
    assert title not in client.get("/feeds/challenges.atom").text
    assert title not in client.get("/feeds/deadlines.ics").text
    solver = headers(client, w.solver)
    assert client.get(f"/api/v1/challenges/{w.challenge.id}", headers=solver).status_code == 404
    assert client.get(f"/api/v1/challenges/{w.challenge.id}/questions",
                      headers=solver).status_code == 404
    for person in (w.sponsor, w.admin):
        assert client.get(f"/api/v1/challenges/{w.challenge.id}",
                          headers=headers(client, person)).status_code == 200
    login(client, w.sponsor.email or "")
    page = client.get(f"/challenges/{w.challenge.id}")
    assert page.status_code == 200 and "Hidden by moderators" in page.text


def test_hidden_team_names_profiles_answers_and_suggestions(client: TestClient,
                                                             db: Session) -> None:
    w = world(db)
    team = make_team(db, w.solver, name="Rude Name Crew")
    suggestion = suggested_edit(db, w.other, fund="Some fund", new_name="Insulting fund",
                                comment="call me at +1 555 0100")
    db.commit()
    curator = headers(client, w.curator)
    for kind, subject_id in (("team", team.id), ("profile", w.solver.id),
                             ("answer", w.question.id), ("suggestion", suggestion.id)):
        assert decide(client, curator, kind, subject_id, "hide").status_code == 200  # type: ignore
    lead = headers(client, w.solver)
    shown = client.get(f"/api/v1/teams/{team.id}", headers=lead).json()
    assert (shown["name"], shown["name_hidden"]) == ("", True)
    assert shown["members"][0]["display_name"] == ""
    assert shown["members"][0]["profile_hidden"] is True
    login(client, w.solver.email or "")
    page = client.get(f"/teams/{team.id}").text
    assert "Rude Name Crew" not in page and "Team name hidden by moderators" in page
    assert "Rude Name Crew" not in client.get("/teams").text
    qa_page = client.get(f"/challenges/{w.challenge.id}").text
    assert "We do not sell watches." not in qa_page
    assert "The answer was hidden by moderators." in qa_page
    answers = client.get(f"/api/v1/challenges/{w.challenge.id}/questions").json()
    assert (answers[0]["answer"], answers[0]["answer_hidden"]) == (None, True)
    item = client.get(f"/api/v1/suggestions/{suggestion.id}", headers=curator).json()
    assert (item["comment"], item["payload"], item["hidden"]) == (None, {}, True)
    applied = client.post(f"/api/v1/suggestions/{suggestion.id}/accept",
                          headers=curator)
    assert applied.status_code == 409, applied.text


def test_the_queue_page_hides_with_a_reason(client: TestClient, db: Session) -> None:
    w = world(db)
    report(client, headers(client, w.solver), "question", w.question.id)
    login(client, w.curator.email or "")
    page = client.get("/moderation")
    assert page.status_code == 200 and "Buy cheap watches" in page.text
    action = f"/moderation/question/{w.question.id}"
    token = csrf_from(page.text)
    missing = client.post(action, data={"action": "hide", "reason": "", "state": "open",
                                         "csrf_token": token})
    assert missing.status_code == 422 and "Say why" in missing.text
    done = client.post(action, data={"action": "hide", "reason": "spam", "state": "open",
                                     "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert "Nothing here." in client.get("/moderation").text
    hidden_tab = client.get("/moderation?state=hidden").text
    assert "Buy cheap watches" in hidden_tab and 'value="restore"' in hidden_tab
    again = client.post(action, data={"action": "hide", "reason": "spam", "state": "open",
                                      "csrf_token": token})
    assert again.status_code == 409 and "already hidden" in again.text


def test_two_moderators_at_once_decide_once(client: TestClient, db: Session, settings: Settings,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A dismissal that read the open reports before another moderator's hide committed is
    refused (409) by the compare-and-set on the reports' state, instead of deciding them
    again."""
    w = world(db)
    report(client, headers(client, w.solver), "question", w.question.id)
    curator = db.merge(w.curator)
    real_update = service.update
    raced: list[object] = []

    def hide_meanwhile(session: Session) -> object:
        admin = session.get(User, w.admin.id)
        assert admin is not None
        return service.decide(session, moderator=admin, kind=SubjectKind.QUESTION,
                              subject_id=w.question.id, action=Decision.HIDE, reason="spam")

    def update_after_the_other(*args: Any, **kwargs: Any) -> Any:
        if not raced:  # the other request commits between this one's read and its write
            raced.append("the other moderator")  # (its own update goes straight through)
            meanwhile(settings.database_url, hide_meanwhile)
        return real_update(*args, **kwargs)

    monkeypatch.setattr(service, "update", update_after_the_other)
    with pytest.raises(Conflict):
        service.decide(db, moderator=curator, kind=SubjectKind.QUESTION,
                       subject_id=w.question.id, action=Decision.DISMISS, reason="fine")
    db.rollback()
    assert raced
    assert [r.state for r in db.scalars(select(Report))] == [ReportState.HIDDEN]
    assert len(outbox(db, w.solver, "moderation.report_decided")) == 1
