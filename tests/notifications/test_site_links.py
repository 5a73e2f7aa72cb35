"""Links to the site in messages are stored without the server's address: an email gets
`BASE_URL` as it is when the mail goes, the inbox shows words leading to the relative path."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import email_links
from app.config import get_settings
from app.db import utcnow
from app.kit import links
from app.notifications import service as notifications
from app.notifications.delivery import OutgoingMail, deliver_pending
from tests.factories import login, make_user, token_for

OLD, NEW = "http://old.example:8000", "https://valleycross.example.org"


class Recorder:
    def __init__(self) -> None:
        self.mails: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.mails.append(mail)


def _base_url(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("BASE_URL", url)
    get_settings.cache_clear()


def test_a_message_queued_under_one_address_is_mailed_with_the_address_at_sending(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(db, email="holder@example.org")
    _base_url(monkeypatch, OLD)
    email_links.tell_holder(db, holder=user, attempt="signup")   # shown in the inbox too
    email_links.send_verification(db, user=user)                 # mailed only (`mail.`)
    db.commit()
    assert all(OLD not in m.body and "{site}/" in m.body
               for m in notifications.for_recipient(db, recipient_id=user.id))

    _base_url(monkeypatch, NEW + "/")  # a trailing slash makes no double one
    sender = Recorder()
    report = deliver_pending(db, sender=sender, now=utcnow())
    assert report.sent == 2
    notice, verify = sender.mails
    assert f"{NEW}/password-reset" in notice.body
    assert f"{NEW}/verify-email/" in verify.body
    assert all(OLD not in m.body and "{site}" not in m.body and "//password" not in m.body
               for m in sender.mails)


def test_the_inbox_shows_links_as_words_and_keeps_html_as_text(
        client: TestClient, db: Session) -> None:
    me = make_user(db)
    base = get_settings().base_url
    notifications.queue(db, recipient_id=me.id, subject="Changes requested",
                        body="A reviewer asked:\n\n<script>alert(1)</script> <b>x</b>\n\n"
                             + links.site_link("/challenges/7") + "\n\nThe review queue: "
                             + links.site_link("/admin/challenges/review") + ".",
                        kind="test.note")
    # A message stored before site links (absolute, on this address) reads the same way; an
    # address elsewhere that someone typed stays visible as it is.
    notifications.queue(db, recipient_id=me.id, subject="Older",
                        body=f"{base}/teams/3 and https://elsewhere.example/x?a=1&b=2",
                        kind="test.note")
    db.commit()
    login(client, me.email or "")
    page = client.get("/inbox").text
    main = page.split("<main", 1)[1]
    assert '<a href="/challenges/7">Open the challenge</a>' in main
    assert '<a href="/admin/challenges/review">Open the review queue</a>.' in main
    assert '<a href="/teams/3">Open the team</a>' in main
    assert ('<a href="https://elsewhere.example/x?a=1&amp;b=2" rel="nofollow noopener '
            'noreferrer">https://elsewhere.example/x?a=1&amp;b=2</a>') in main
    assert "http://127.0.0.1:8000" not in page and "{site}" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;" in main
    assert "<script>alert" not in page and "<b>x</b>" not in page


def test_the_api_gives_absolute_links_on_the_current_address(
        client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    me = make_user(db)
    notifications.queue(db, recipient_id=me.id, subject="s",
                        body="See " + links.site_link("/challenges/7"), kind="test.note")
    db.commit()
    _base_url(monkeypatch, NEW)
    headers = token_for(client, me.email or "")
    [item] = client.get("/api/v1/me/messages", headers=headers).json()["items"]
    assert item["body"] == f"See {NEW}/challenges/7"


@pytest.mark.parametrize(("text", "html"), [
    ("", ""),
    ("no links <i>here</i> & there", "no links &lt;i&gt;here&lt;/i&gt; &amp; there"),
    ("{site}/a?x=1&y=2, then", '<a href="/a?x=1&amp;y=2">L(/a?x=1&amp;y=2)</a>, then'),
    ("{site}", "{site}"),  # the marker alone is text
    ("see {site}/x\"onmouseover=alert(1)",
     'see <a href="/x">L(/x)</a>&#34;onmouseover=alert(1)'),
    ("javascript:alert(1) http://b.example/p.", 'javascript:alert(1) <a href="http://b.example/p" '
     'rel="nofollow noopener noreferrer">http://b.example/p</a>.'),
    ("http://a.example/old/path", '<a href="/old/path">L(/old/path)</a>'),
])
def test_linkify_escapes_text_and_links(text: str, html: str) -> None:
    got = links.linkify(text, base_url="http://a.example/", label=lambda p: f"L({p})")
    assert str(got) == html


def test_absolute_and_site_link() -> None:
    assert links.absolute("a {site}/b\n{site}/c", "https://x.org/") == (
        "a https://x.org/b\nhttps://x.org/c")
    assert links.site_link("/b") == "{site}/b"
    with pytest.raises(ValueError, match="starts with"):
        links.site_link("b")
