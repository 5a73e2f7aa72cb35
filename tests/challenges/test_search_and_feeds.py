"""Finding challenges (filters, sorting, paging) and the Atom and iCalendar feeds."""

from __future__ import annotations

import datetime as dt

import feedparser
import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges.feeds import Event, calendar
from tests.challenges.factories import T0, admin, draft, make_mechanism, published, sponsor


@pytest.fixture
def catalogue(db: Session, clock):
    owner, boss = sponsor(db), admin(db)
    mech = make_mechanism(db)
    ldc = published(db, owner, boss, title="Cold rooms, LDC and SIDS", mechanisms=[
        {"mechanism_id": mech.id, "role": "sponsor"}])
    sids = published(db, owner, boss, title="Island sirens; SIDS only",
                     eligibility={"scope": ["SIDS"], "solver_kinds": ["organisation"]},
                     sectors=["coastal_zones"], stage="diffusion", sdg_targets=["13.1"],
                     prize_rules={"purse": {"amount_minor": 90_000_000, "currency": "USD"},
                                  "award": {"type": "threshold", "amount_per_solution": 1000,
                                            "overflow": "by_rank"}})
    later = published(db, owner, boss, title="Nepal only, opens later",
                      eligibility={"scope": ["NPL"], "solver_kinds": ["individual"]},
                      timeline={"opens_at": "2030-03-20T00:00:00Z",
                                "submissions_close_at": "2030-06-01T00:00:00Z",
                                "judging_ends_at": "2030-07-01T00:00:00Z",
                                "verification_closes_at": "2030-08-01T00:00:00Z"},
                      prize_rules={"purse": {"amount_minor": 500_000, "currency": "EUR"},
                                   "award": {"type": "ranked", "places": [500_000]}},
                      rubric={"criteria": [{"name": "x", "weight": "1"}]})
    hidden = draft(db, owner, title="Secret draft, LDC")
    clock.advance(days=2)  # the first two are open, the third opens later
    return {"ldc": ldc, "sids": sids, "later": later, "draft": hidden, "mechanism": mech}


def ids(client: TestClient, **params) -> list[int]:
    r = client.get("/api/v1/challenges", params=params)
    assert r.status_code == 200, r.text
    return [item["id"] for item in r.json()["items"]]


def test_eligible_from_nepal_hides_a_sids_only_challenge(client, catalogue) -> None:
    found = ids(client, eligible_from="NPL")
    assert catalogue["ldc"].id in found and catalogue["later"].id in found
    assert catalogue["sids"].id not in found and catalogue["draft"].id not in found
    assert set(ids(client, eligible_from="FJI")) == {catalogue["ldc"].id, catalogue["sids"].id}
    r = client.get("/api/v1/challenges", params={"eligible_from": "XYZ"})
    assert r.status_code == 422 and "eligible_from" in r.json()["error"]["fields"]


def test_eligibility_follows_group_membership_on_the_opening_day(client, db, clock) -> None:
    """São Tomé and Príncipe left the LDC category on 2024-12-13."""
    owner, boss = sponsor(db), admin(db)
    ldc_only = {"scope": ["LDC"], "solver_kinds": ["individual"]}
    timeline = {"opens_at": "2024-06-02T00:00:00Z", "submissions_close_at": "2025-06-01T00:00:00Z",
                "judging_ends_at": "2025-07-01T00:00:00Z",
                "verification_closes_at": "2025-08-01T00:00:00Z"}
    clock.set(dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    before = published(db, owner, boss, timeline=timeline, eligibility=ldc_only)
    clock.set(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    after = published(db, owner, boss, eligibility=ldc_only,
                      timeline={**timeline, "opens_at": "2025-01-02T00:00:00Z"})
    assert ids(client, eligible_from="STP") == [before.id]
    assert set(ids(client, eligible_from="NPL")) == {before.id, after.id}


def test_filters_sorting_and_pages(client, catalogue) -> None:
    c = catalogue
    assert set(ids(client, state="open")) == {c["ldc"].id, c["sids"].id}
    assert ids(client, state="published") == [c["later"].id]
    assert ids(client, sector="coastal_zones") == [c["sids"].id]
    assert ids(client, stage="diffusion") == [c["sids"].id]
    assert ids(client, sdg_target="13.1") == [c["sids"].id]
    assert ids(client, mechanism=c["mechanism"].id) == [c["ldc"].id]
    assert ids(client, min_purse=50_000_000, currency="USD") == [c["sids"].id]
    assert ids(client, currency="EUR") == [c["later"].id]
    assert ids(client, q="island") == [c["sids"].id]
    assert ids(client, sort="largest_purse")[0] == c["sids"].id
    assert ids(client, sort="closing_soonest")[-1] == c["later"].id
    r = client.get("/api/v1/challenges", params={"limit": 2, "offset": 2}).json()
    assert r["total"] == 3 and len(r["items"]) == 1
    for bad in ({"min_purse": 5}, {"state": "nope"}, {"sort": "random"}):
        assert client.get("/api/v1/challenges", params=bad).status_code == 422


def test_atom_feed_lists_open_and_newly_published_challenges(client, catalogue) -> None:
    r = client.get("/feeds/challenges.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = {e.title: e for e in feed.entries}
    assert set(titles) == {"Cold rooms, LDC and SIDS", "Island sirens; SIDS only",
                           "Nepal only, opens later"}
    entry = titles["Nepal only, opens later"]
    assert entry.link == f"http://testserver/challenges/{catalogue['later'].id}" or \
        entry.link.endswith(f"/challenges/{catalogue['later'].id}")
    assert entry.published_parsed[:3] == (2030, 3, 1)
    assert "Opens soon" in entry.summary and "EUR 5,000.00" in entry.summary


def test_deadline_calendars_parse_and_carry_the_dates(client, catalogue, clock) -> None:
    r = client.get("/feeds/deadlines.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert all(len(line.encode()) <= 75 for line in r.content.decode().split("\r\n"))
    cal = icalendar.Calendar.from_ical(r.content)
    events = list(cal.walk("VEVENT"))
    summaries = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert summaries["Submissions close: Island sirens; SIDS only"] == T0 + dt.timedelta(days=31)
    assert summaries["Opens: Nepal only, opens later"] == dt.datetime(2030, 3, 20, tzinfo=dt.UTC)
    assert "Opens: Cold rooms, LDC and SIDS" not in summaries  # already open
    assert not any("Secret draft" in s for s in summaries)
    assert len({str(e["UID"]) for e in events}) == len(events)
    one = icalendar.Calendar.from_ical(
        client.get(f"/challenges/{catalogue['sids'].id}/deadlines.ics").content)
    assert {str(e["SUMMARY"]).split(":")[0] for e in one.walk("VEVENT")} == {
        "Submissions close", "Judging ends", "Verification closes"}
    clock.advance(days=40)  # the first two have closed; the third is open now
    closed = icalendar.Calendar.from_ical(client.get("/feeds/deadlines.ics").content)
    assert {str(e["SUMMARY"]) for e in closed.walk("VEVENT")} == {
        "Submissions close: Nepal only, opens later", "Judging ends: Nepal only, opens later",
        "Verification closes: Nepal only, opens later"}


def test_ical_text_is_escaped_and_folded() -> None:
    summary = "a;b,c\\d\ne" + "é" * 60
    body = calendar(prodid="-//Valleycross//Test//EN", name="n", stamp=T0, events=[
        Event(uid="u@testserver", start=T0, summary=summary, description="", url="http://x/")])
    lines = body.decode().split("\r\n")
    assert all(len(part.encode()) <= 75 for part in lines)
    assert any(line.startswith(" ") for line in lines)  # the summary line was folded
    unfolded = body.decode().replace("\r\n ", "")
    assert "\r\nSUMMARY:a\\;b\\,c\\\\d\\ne" + "é" * 60 + "\r\n" in unfolded
    event = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
    assert str(event["SUMMARY"]) == summary


@pytest.mark.parametrize(("query", "field", "message"), [
    ("min_purse=-5&currency=USD", "min_purse", "a whole number, 0 or more"),
    ("min_purse=lots&currency=USD", "min_purse", "a whole number, 0 or more"),
    ("min_purse=99999999999999999999&currency=USD", "min_purse", "between 0 and"),
    ("min_purse=100", "currency", "give the currency of min_purse"),
    ("mechanism=abc", "mechanism", "a whole number, 0 or more"),
])
def test_the_list_page_names_a_bad_filter_next_to_its_field(client, catalogue, query, field,
                                                            message) -> None:
    page = client.get(f"/challenges?{query}")
    assert page.status_code == 200
    assert message in page.text, page.text
    assert "Some filters are not valid" in page.text
    assert 'class="challenge-card' not in page.text  # no results for a filter not understood
    assert 'class="challenge-card' in client.get("/challenges").text
