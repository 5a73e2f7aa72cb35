"""The audit table tells a challenge's story to the admins: every move of its state (by whom,
from which state, why; the clock's opening and closing with no one), each judge put on or
taken off its panel, each appeal filed and decided, and the awards computed. The admins' audit
API lists them, newest first, for one challenge with `?challenge_id=`."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.judging import panel
from tests.awards.factories import awards_proposed
from tests.awards.test_appeals import appeal, decide
from tests.challenges.factories import Clock
from tests.factories import token_for
from tests.judging.factories import judge, open_challenge


def test_a_challenge_s_transitions_panel_and_appeals_are_audit_events(
        client: TestClient, db: Session, clock: Clock) -> None:
    other, owner, _ = open_challenge(db, clock)  # another challenge's events stay out
    v = awards_proposed(db, clock)
    cid = v.challenge.id
    filed = appeal(client, v)
    decide(client, v, filed["id"], "dismissed")
    admin = token_for(client, v.judged.admin.email or "")
    events = client.get(f"/api/v1/audit?challenge_id={cid}&limit=500", headers=admin).json()
    assert events and all(e["details"]["challenge_id"] == cid for e in events)
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    oldest_first = list(reversed(events))
    moves = [(e["details"]["action"], e["details"]["from_state"], e["details"]["to_state"],
              e["actor_id"]) for e in oldest_first if e["event"] == "challenge.transition"]
    owner_id, admin_id = v.judged.owner.id, v.judged.admin.id
    assert moves == [
        ("submit", "draft", "in_review", owner_id),
        ("approve", "in_review", "published", admin_id),
        ("open", "published", "open", None),  # the clock
        ("close", "open", "closed", None),
        ("start-judging", "closed", "judging", owner_id),
        ("start-verification", "judging", "verification", owner_id),
        ("propose-awards", "verification", "awards_proposed", owner_id)]
    added = [(e["subject_user_id"], e["actor_id"]) for e in oldest_first
             if e["event"] == "panel.judge_added"]
    assert added == [(j.id, owner_id) for j in v.judged.judges]
    appeals = [(e["event"], e["actor_id"], e["details"]["appeal_id"]) for e in oldest_first
               if e["event"].startswith("appeal.")]
    assert appeals == [("appeal.filed", v.judged.entrants[1].id, filed["id"]),
                       ("appeal.decided", admin_id, filed["id"])]
    [decided] = [e for e in events if e["event"] == "appeal.decided"]
    assert (decided["details"]["outcome"], decided["details"]["decision"]) == (
        "dismissed", "Checked the logger cards.")
    # One kind of event across challenges; the other challenge's opening is there too.
    opened = client.get("/api/v1/audit?event=challenge.transition&limit=500",
                        headers=admin).json()
    assert {e["details"]["challenge_id"] for e in opened} == {cid, other.id}
    # A judge taken off the panel is an event of its own.
    person = judge(db)
    panel.assign(db, challenge=other, user=owner, judge_id=person.id)
    panel.remove(db, challenge=other, user=owner, judge_id=person.id)
    db.commit()
    changes = client.get(f"/api/v1/audit?challenge_id={other.id}", headers=admin).json()
    assert [(e["event"], e["subject_user_id"], e["details"]["judge"]) for e in changes
            if e["event"].startswith("panel.")] == [
        ("panel.judge_removed", person.id, person.display_name),
        ("panel.judge_added", person.id, person.display_name)]
    solver = token_for(client, v.judged.entrants[0].email or "")
    assert client.get(f"/api/v1/audit?challenge_id={cid}", headers=solver).status_code == 403
