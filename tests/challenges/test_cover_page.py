"""Regression found by the permission matrix: the cover form's route was bound to the helper
that reads the upload, so POST /challenges/{id}/cover saved nothing and asked nobody to sign in."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges.models import Challenge
from tests.challenges.factories import draft, sponsor
from tests.factories import csrf_from, login
from tests.files import png

PNG = png()


def test_the_owner_uploads_and_removes_a_cover_through_the_form(client: TestClient,
                                                                db: Session, clock) -> None:
    owner = sponsor(db, email="owner@example.org")
    challenge = draft(db, owner)
    login(client, "owner@example.org")
    token = csrf_from(client.get(f"/challenges/{challenge.id}/edit").text)
    saved = client.post(f"/challenges/{challenge.id}/cover", data={"csrf_token": token},
                        files={"cover": ("cover.png", PNG, "image/png")})
    assert saved.status_code == 200 and "Cover image saved." in saved.text
    db.expire_all()
    assert db.get(Challenge, challenge.id).cover_image  # type: ignore[union-attr]
    assert client.get(f"/challenges/{challenge.id}/cover").content == PNG
    removed = client.post(f"/challenges/{challenge.id}/cover",
                          data={"csrf_token": token, "remove": "yes"})
    assert "Cover image removed." in removed.text
    db.expire_all()
    assert not db.get(Challenge, challenge.id).cover_image  # type: ignore[union-attr]


def test_the_cover_form_needs_a_signed_in_owner(client: TestClient, db: Session, clock) -> None:
    owner = sponsor(db, email="owner@example.org")
    sponsor(db, email="other@example.org")
    challenge = draft(db, owner)
    token = csrf_from(client.get("/login").text)
    anonymous = client.post(f"/challenges/{challenge.id}/cover", data={"csrf_token": token},
                            files={"cover": ("c.png", PNG, "image/png")}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    login(client, "other@example.org")
    token = csrf_from(client.get("/account").text)
    other = client.post(f"/challenges/{challenge.id}/cover", data={"csrf_token": token},
                        files={"cover": ("c.png", PNG, "image/png")})
    assert other.status_code == 404  # a draft is hidden from other sponsors
