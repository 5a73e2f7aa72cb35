"""Atom (RFC 4287) and iCalendar (RFC 5545) documents, written by hand (pure, no database).

Atom goes through ElementTree, which escapes text; iCalendar text is escaped (backslash,
semicolon, comma, newline) and its lines folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

ATOM_NS = "http://www.w3.org/2005/Atom"


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


def _rfc3339(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(*, feed_id: str, title: str, self_url: str, site_url: str, updated: dt.datetime,
         entries: Iterable[Entry]) -> bytes:
    """An Atom feed document (UTF-8)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None,
            **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", _rfc3339(updated))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = sub(feed, "author")
    sub(author, "name", "Valleycross")
    sub(feed, "generator", "Valleycross")
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", e.id)
        sub(entry, "title", e.title, type="text")
        sub(entry, "link", rel="alternate", type="text/html", href=e.url)
        sub(entry, "published", _rfc3339(e.published))
        sub(entry, "updated", _rfc3339(e.updated))
        entry_author = sub(entry, "author")
        sub(entry_author, "name", e.author or "Valleycross")
        for term in e.categories:
            sub(entry, "category", term=term)
        sub(entry, "summary", e.summary, type="text")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime
    summary: str
    description: str
    url: str


def ical_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 section 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, continuation lines start with a
    space, never cutting a multi-byte UTF-8 character (RFC 5545 section 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def icalendar(*, prodid: str, name: str, stamp: dt.datetime, events: Iterable[Event]) -> bytes:
    """A VCALENDAR with one VEVENT per deadline (times in UTC), CRLF line endings."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{ical_escape(name)}"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{_stamp(stamp)}",
                  f"DTSTART:{_stamp(e.start)}", f"SUMMARY:{ical_escape(e.summary)}",
                  f"DESCRIPTION:{ical_escape(e.description)}", f"URL:{e.url}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
