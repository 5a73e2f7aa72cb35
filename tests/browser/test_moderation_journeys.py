"""Trust and safety in a browser: a reported question hidden from the queue, a user suspended."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.challenges import qa
from tests.browser.journey import PASSWORD, Screenshots, Windows, nav, send_sign_in_form
from tests.browser.server_data import create_user, on_the_server
from tests.challenges.factories import published
from tests.live import LiveServer

pytestmark = pytest.mark.browser

ADVERT = "Cheap watches at spam.example, order now"


def test_a_solver_reports_a_question_and_a_curator_hides_it(
        windows: Windows, live: LiveServer, shots: Screenshots,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with on_the_server(live, monkeypatch) as db:
        sponsor = create_user(live, email="sponsor@mod.example", display_name="Sam Sponsor",
                              roles=[Role.SPONSOR])
        admin = create_user(live, email="admin@mod.example", display_name="Ada Admin",
                            roles=[Role.ADMIN])
        asker = create_user(live, email="asker@mod.example", display_name="Al Asker",
                            roles=[Role.SOLVER])
        create_user(live, email="solver@mod.example", display_name="Sol Solver",
                    roles=[Role.SOLVER])
        create_user(live, email="curator@mod.example", display_name="Cu Curator",
                    roles=[Role.CURATOR])
        challenge = published(db, db.merge(sponsor), db.merge(admin), title="Solar pumps")
        question = qa.ask(db, challenge=challenge, user=db.merge(asker), body=ADVERT)
        qa.answer(db, challenge=challenge, question_id=question.id, user=db.merge(sponsor),
                  text="We sell no watches.")
        db.commit()
        url = f"/challenges/{challenge.id}"

    solver = windows.signed_in("solver@mod.example", PASSWORD)
    solver.goto(url)
    solver.locator("dt", has_text=ADVERT).get_by_role("link", name="Report").click()
    expect(solver.get_by_role("heading", level=1)).to_have_text("Report a question")
    solver.get_by_label("Reason").select_option("spam")
    solver.get_by_label("Anything the moderators should know (optional)").fill("An advert.")
    shots(solver, "the report form")
    solver.get_by_role("button", name="Send the report").click()
    expect(solver.get_by_role("status")).to_contain_text("The moderators will look at it")

    curator = windows.signed_in("curator@mod.example", PASSWORD)
    nav(curator).get_by_role("link", name="Moderation", exact=True).click()
    item = curator.get_by_role("article").filter(has_text=ADVERT)
    expect(item).to_contain_text("1 report")
    expect(item).to_contain_text("An advert.")
    shots(curator, "the queue")
    item.get_by_label("Reason for the decision (told to the reporters)").fill("Spam.")
    item.get_by_role("button", name="Hide").click()
    expect(curator.get_by_role("status")).to_contain_text("Hidden; the reporters will be told.")
    expect(curator.get_by_text("Nothing here.")).to_be_visible()

    visitor = windows.open()
    visitor.goto(url)
    expect(visitor.locator("section.qa")).to_contain_text("Hidden by moderators.")
    expect(visitor.locator("section.qa")).not_to_contain_text(ADVERT)
    expect(visitor.locator("section.qa")).to_contain_text("We sell no watches.")
    shots(visitor, "the question is gone")


def test_an_admin_suspends_a_user_who_is_signed_out_and_told_why(
        windows: Windows, live: LiveServer, shots: Screenshots) -> None:
    create_user(live, email="boss@mod.example", display_name="Bo Boss", roles=[Role.ADMIN])
    create_user(live, email="troll@mod.example", display_name="Tro Troll", roles=[Role.SOLVER])
    person: Page = windows.signed_in("troll@mod.example", PASSWORD)
    person.goto("/account")
    expect(person.get_by_role("heading", level=1)).to_be_visible()

    admin = windows.signed_in("boss@mod.example", PASSWORD)
    nav(admin).get_by_role("link", name="Users", exact=True).click()
    admin.get_by_role("link", name="Standing of Tro Troll").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Standing of Tro Troll")
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    admin.get_by_label("Suspended until (UTC)").fill(until)
    admin.get_by_label("Reason (told to the person)").fill("Insults in the Q&A")
    admin.get_by_role("button", name="Suspend").click()
    expect(admin.get_by_role("status")).to_contain_text("Tro Troll is suspended")
    expect(admin.locator("#standing-now")).to_contain_text("Suspended until")
    shots(admin, "suspended")

    person.reload()  # the open session is over at once
    expect(person).to_have_url(f"{live.url}/login?next=/account")
    send_sign_in_form(person, "troll@mod.example", PASSWORD)
    alert = person.get_by_role("alert")
    expect(alert).to_contain_text("This account is suspended until")
    expect(alert).to_contain_text("Insults in the Q&A")
    shots(person, "sign-in refused with the reason")
