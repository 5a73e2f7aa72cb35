"""A browser's user-agent string in words a person recognises ("Firefox on Windows").

Pure: a rough reading for the session list, never used to decide anything.
"""

from __future__ import annotations

from app.i18n.translate import N_, translatable

# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"),
             ("curl/", "curl"), ("python-httpx", "httpx"), ("python-requests", "requests"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"))

UNKNOWN = N_("an unknown device")


def describe(user_agent: str | None) -> str:
    """E.g. "Firefox on Windows", "Safari on iPhone", "curl", or "an unknown device"."""
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), None)
    system = next((name for marker, name in _SYSTEMS if marker in ua), None)
    if browser and system:
        return translatable("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or translatable(UNKNOWN)
