"""Atom (RFC 4287) and iCalendar (RFC 5545) documents (pure, no database).

feedgen writes the Atom feed through lxml, which escapes text; icalendar escapes TEXT values
(backslash, semicolon, comma, newline) and folds lines at 75 octets without splitting a UTF-8
character. What is left here is what those libraries leave to their caller: aware UTC times, text
that XML can hold, and two attributes of each entry (see _EntryAttributes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from feedgen.feed import FeedGenerator
from icalendar import Calendar, vText
from icalendar import Event as CalendarEvent

GENERATOR = "Valleycross"
# Characters XML 1.0 cannot carry (C0 controls but tab, newline and carriage return; surrogates;
# U+FFFE, U+FFFF). Only NUL is refused on input (app.kit.nul), and lxml raises on the others, so
# one stray control character typed into a title would otherwise take the whole feed down.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    url: str
    summary: str
    published: dt.datetime
    updated: dt.datetime
    author: str
    categories: tuple[str, ...] = ()


def utc(at: dt.datetime) -> dt.datetime:
    """`at` in UTC to the second (both formats stop at seconds); a naive time is refused, since
    feedgen would refuse it too and icalendar would write it as a floating local time."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()}: feeds carry aware UTC times only")
    return at.astimezone(dt.UTC).replace(microsecond=0)


def xml_text(text: str) -> str:
    """`text` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


class _EntryAttributes:
    """feedgen entry extension, run on the entry's XML element, for two attributes feedgen leaves
    out: `type="text"` on the title (Atom's default, but the title is what people typed, so the
    document says outright that it is never markup), and the `rel` and `type` of the link
    (feedgen 1.0.0 writes only its `href`: lkiesow/python-feedgen#135)."""

    def __init__(self, link: dict[str, str]) -> None:
        self.link = link

    def extend_atom(self, entry: Any) -> Any:
        entry.find("title").set("type", "text")
        for link in entry.iterfind("link"):
            if link.get("href") == self.link["href"]:
                link.attrib.update(self.link)
        return entry


def atom(*, feed_id: str, title: str, self_url: str, site_url: str, updated: dt.datetime,
         entries: Iterable[Entry], subtitle: str | None = None) -> bytes:
    """An Atom feed document (UTF-8), entries in the order given."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(xml_text(title))
    if subtitle:
        feed.subtitle(xml_text(subtitle))
    feed.updated(utc(updated))
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=site_url, rel="alternate", type="text/html")
    feed.author(name=GENERATOR)
    # feedgen names itself, with its version and home page, unless told otherwise
    feed.generator(GENERATOR)
    for e in entries:
        # feedgen prepends by default, which would reverse the caller's order
        entry = feed.add_entry(order="append")
        link = {"href": e.url, "rel": "alternate", "type": "text/html"}
        entry.register_extension("valleycross", partial(_EntryAttributes, link), atom=True,
                                 rss=False)
        entry.id(e.id)
        entry.title(xml_text(e.title))
        entry.link(**link)
        entry.published(utc(e.published))
        entry.updated(utc(e.updated))
        entry.author(name=xml_text(e.author) or GENERATOR)
        for term in e.categories:
            entry.category(term=term)
        entry.summary(xml_text(e.summary), type="text")
    return bytes(feed.atom_str(encoding="UTF-8", xml_declaration=True))


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime
    summary: str
    description: str
    url: str


def calendar(*, prodid: str, name: str, stamp: dt.datetime, events: Iterable[Event]) -> bytes:
    """A VCALENDAR with one VEVENT per deadline (times in UTC), CRLF line endings."""
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # icalendar knows no type for X- properties and would write the name unescaped
    cal.add("x-wr-calname", vText(name))
    for e in events:
        event = CalendarEvent()
        event.add("uid", e.uid)
        event.add("dtstamp", utc(stamp))
        event.add("dtstart", utc(e.start))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("url", e.url)
        # a deadline is a reminder, not time the subscriber is busy
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())
