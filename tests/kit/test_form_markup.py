"""Regression found by the browser journeys: the `attrs` of the form macros were HTML-escaped,
so `maxlength="3"` became `maxlength=&#34;3&#34;` and the challenge form's table cells lost
their accessible names (`aria-label`), leaving screen-reader users unable to tell them apart."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.factories import login, make_user


def test_field_attributes_reach_the_markup(client: TestClient) -> None:
    html = client.get("/signup").text
    assert 'maxlength="3"' in html and "&#34;" not in html


def test_challenge_form_cells_have_accessible_names(client: TestClient, db: Session) -> None:
    make_user(db, roles=[Role.SPONSOR], email="sponsor@example.org")
    login(client, "sponsor@example.org")
    html = client.get("/challenges/new").text
    assert 'aria-label="Key of target 1"' in html
    assert 'aria-label="Amount for place 2"' in html
    assert "=&#34;" not in html
