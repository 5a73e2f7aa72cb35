"""Links to this site inside stored texts (inbox messages, emails), independent of its address.

A message is stored with `site_link("/challenges/7")`, i.e. `{site}/challenges/7`, never with
the server's address: the address is `BASE_URL` when the text is *used* (an email, the API),
and a page shows the link as words leading to the site-relative path. A message queued before
`BASE_URL` changed therefore never points at the old address.

Pure: no database, no settings; callers pass the base URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

SITE = "{site}"

# A path of this site after the marker: the characters our paths and queries use, ending
# before a sentence's closing punctuation.
_SITE_LINK = re.compile(r"\{site\}(/[A-Za-z0-9\-._~%/?=&#+]*)")
_WEB_URL = re.compile(r"https?://[^\s<>\"']+")
_ANY_LINK = re.compile(f"{_SITE_LINK.pattern}|{_WEB_URL.pattern}")
_TRAILING = ".,;:!?"


def site_link(path: str) -> str:
    """The stored form of a link to `path` on this site (`path` starts with "/")."""
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    return f"{SITE}{path}"


def absolute(text: str, base_url: str) -> str:
    """The text with each site link made absolute with `base_url` (for an email, the API)."""
    base = base_url.rstrip("/")
    return _SITE_LINK.sub(lambda m: base + m.group(1), text)


def _split_trailing(url: str) -> tuple[str, str]:
    stripped = url.rstrip(_TRAILING)
    return stripped, url[len(stripped):]


def linkify(text: str | None, *, base_url: str, label: Callable[[str], str]) -> Markup:
    """Plain text, escaped, with links made clickable: a site link (or, in messages stored
    before site links existed, an absolute link under `base_url`) becomes a relative link whose
    text is `label(path)`; another web address stays visible as its own text."""
    text = text or ""
    base = base_url.rstrip("/")
    out: list[str] = []
    position = 0
    for match in _ANY_LINK.finditer(text):
        out.append(str(escape(text[position:match.start()])))
        position = match.end()
        raw, trailing = _split_trailing(match.group(0))
        if match.group(1) is not None:
            path = raw[len(SITE):]
        elif raw.startswith(f"{base}/"):
            path = raw[len(base):]
        else:
            path = None
        if path is not None:
            out.append(str(Markup('<a href="{}">{}</a>').format(path, label(path))))
        else:
            out.append(str(Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>')
                           .format(raw, raw)))
        out.append(str(escape(trailing)))
    out.append(str(escape(text[position:])))
    return Markup("".join(out))
