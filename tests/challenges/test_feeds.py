"""The Atom and iCalendar documents themselves (app.challenges.feeds, pure): what feedgen and
icalendar are given, and what the project adds to them, read back with feedparser and icalendar."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest

from app.challenges.feeds import Entry, Event, atom, calendar

ATOM = "{http://www.w3.org/2005/Atom}"
T = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))


def entry(n: int, **overrides: object) -> Entry:
    fields: dict[str, object] = {
        "id": f"http://x/challenges/{n}", "title": f"Challenge {n}",
        "url": f"http://x/challenges/{n}", "summary": f"Open. Summary {n}.", "published": T,
        "updated": T, "author": f"Sponsor {n}", "categories": ()}
    return Entry(**{**fields, **overrides})  # type: ignore[arg-type]


def feed(*entries: Entry, updated: dt.datetime = T) -> bytes:
    return atom(feed_id="http://x/feeds/challenges.atom", title="Valleycross: feed",
                self_url="http://x/feeds/challenges.atom", site_url="http://x/challenges",
                updated=updated, entries=entries)


def test_atom_feed_carries_every_field_in_the_given_order() -> None:
    body = feed(entry(2, categories=("energy", "water"), author="",
                      published=dt.datetime(2030, 3, 1, 14, 0, 0, 999, tzinfo=PLUS_TWO),
                      updated=dt.datetime(2030, 3, 2, 2, 30, tzinfo=PLUS_TWO)),
                entry(1))
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert parsed.feed.id == "http://x/feeds/challenges.atom"
    assert parsed.feed.title == "Valleycross: feed"
    assert parsed.feed.updated_parsed[:6] == (2030, 3, 1, 12, 0, 0)
    assert {(link.rel, link.type, link.href) for link in parsed.feed.links} == {
        ("self", "application/atom+xml", "http://x/feeds/challenges.atom"),
        ("alternate", "text/html", "http://x/challenges")}
    assert parsed.feed.author == "Valleycross"
    assert parsed.feed.generator == "Valleycross"
    assert [e.id for e in parsed.entries] == ["http://x/challenges/2", "http://x/challenges/1"]
    first = parsed.entries[0]
    assert first.title == "Challenge 2" and first.summary == "Open. Summary 2."
    assert [(link.rel, link.type, link.href) for link in first.links] == [
        ("alternate", "text/html", "http://x/challenges/2")]
    assert first.author == "Valleycross"  # no sponsor organisation given
    assert parsed.entries[1].author == "Sponsor 1"
    assert [tag.term for tag in first.tags] == ["energy", "water"]
    # in UTC, to the second
    assert first.published_parsed[:6] == (2030, 3, 1, 12, 0, 0)
    assert first.updated_parsed[:6] == (2030, 3, 2, 0, 30, 0)
    root = ElementTree.fromstring(body)
    # as written, not as feedparser completes them (it defaults a link's rel and type)
    assert [link.attrib for e in root.iter(f"{ATOM}entry") for link in e.iter(f"{ATOM}link")] \
        == [{"href": f"http://x/challenges/{n}", "rel": "alternate", "type": "text/html"}
            for n in (2, 1)]
    assert root.findtext(f"{ATOM}generator") == "Valleycross"
    assert root.find(f"{ATOM}generator").attrib == {}  # neither feedgen's uri nor its version
    times = [el.text for el in root.iter() if el.tag in (f"{ATOM}published", f"{ATOM}updated")]
    assert all(t.endswith("+00:00") and "." not in t for t in times), times


def test_atom_text_is_text_escaped_never_markup() -> None:
    title = '<script>alert("t")</script> & <b>bold</b>'
    summary = '<img src=x onerror="alert(1)"> Café'
    body = feed(entry(1, title=title, summary=summary, author="<i>Fund</i>"))
    assert b"<script" not in body and b"<img" not in body and b"<i>" not in body
    element = ElementTree.fromstring(body).find(f"{ATOM}entry")
    assert element is not None
    assert element.findtext(f"{ATOM}title") == title
    assert element.find(f"{ATOM}title").get("type") == "text"
    assert element.findtext(f"{ATOM}summary") == summary
    assert element.find(f"{ATOM}summary").get("type") == "text"
    parsed = feedparser.parse(body).entries[0]
    assert parsed.title_detail.type == "text/plain" and parsed.title == title
    assert parsed.author == "<i>Fund</i>"


def test_a_control_character_in_user_text_does_not_break_the_feed() -> None:
    body = feed(entry(1, title="Bell\x07 and escape\x1b", summary="tab\tand\nnewline\x0b"))
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.entries[0].title == "Bell\ufffd and escape\ufffd"
    assert parsed.entries[0].summary == "tab\tand\nnewline\ufffd"


def test_naive_times_are_refused() -> None:
    naive = dt.datetime(2030, 3, 1, 12, 0)  # noqa: DTZ001 - the case under test
    event = Event(uid="u@x", start=T, summary="s", description="d", url="http://x/")
    for make in (lambda: feed(entry(1, published=naive)), lambda: feed(entry(1, updated=naive)),
                 lambda: feed(updated=naive),
                 lambda: calendar(prodid="-//x//EN", name="n", stamp=naive, events=[event]),
                 lambda: calendar(prodid="-//x//EN", name="n", stamp=T,
                                  events=[Event(**{**event.__dict__, "start": naive})])):
        with pytest.raises(ValueError, match="naive"):
            make()


def test_calendar_has_the_properties_and_times_in_utc() -> None:
    body = calendar(prodid="-//Valleycross//Challenge deadlines//EN", name="Deadlines: a, b; c",
                    stamp=dt.datetime(2030, 1, 1, 9, 0, 0, 5, tzinfo=PLUS_TWO), events=[
                        Event(uid="challenge-7-opens_at@x", summary="Opens: a, b",
                              start=dt.datetime(2030, 3, 20, 1, 0, tzinfo=PLUS_TWO),
                              description="Line one\nhttp://x/challenges/7",
                              url="http://x/challenges/7")])
    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF line endings only
    lines = set(text.split("\r\n"))
    assert {"VERSION:2.0", "PRODID:-//Valleycross//Challenge deadlines//EN",
            "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Deadlines: a\\, b\\; c",
            "UID:challenge-7-opens_at@x", "DTSTAMP:20300101T070000Z",
            "DTSTART:20300319T230000Z", "SUMMARY:Opens: a\\, b",
            "DESCRIPTION:Line one\\nhttp://x/challenges/7", "URL:http://x/challenges/7",
            "TRANSP:TRANSPARENT"} <= lines
    event = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
    assert event.decoded("DTSTART") == dt.datetime(2030, 3, 19, 23, 0, tzinfo=dt.UTC)
    assert str(event["DESCRIPTION"]) == "Line one\nhttp://x/challenges/7"
