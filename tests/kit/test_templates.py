"""Static checks over every template: a page's title block is one line of text (markup there
would show as raw HTML in the browser tab; an awards page once carried a whole form in it)."""

from __future__ import annotations

import re

import pytest

from app.config import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
TITLE = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_the_title_block_is_plain_text(path: object) -> None:
    text = path.read_text()  # type: ignore[attr-defined]
    for title in TITLE.findall(text):
        assert "<" not in title and "\n" not in title, title[:200]
