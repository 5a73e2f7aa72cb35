"""The accounts, inbox and team pages in Chinese: their own words translated, what people
typed (names, team names, messages stored in English) shown as it is."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.passwords import MAX_LENGTH, MIN_LENGTH, TOO_LONG, TOO_SHORT, password_problem
from app.challenges import team_entries
from app.notifications import service as notifications
from app.teams import invitations
from app.teams import service as teams
from tests.accounts.conftest import oidc_site, provider, site  # noqa: F401 (fixtures)
from tests.accounts.oidc_helpers import query_of, sign_in_via_provider, start
from tests.factories import PASSWORD, csrf_from, login, make_user
from tests.oidc_provider import Provider
from tests.teams.factories import invite, make_team


def _chinese(client: TestClient) -> None:
    client.cookies.set("vc_lang", "zh-Hans")


def _text(html: str) -> str:
    """The page's words without tags or repeated spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _post(client: TestClient, page: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def test_sign_in_and_sign_up_pages_for_a_visitor(client: TestClient) -> None:
    _chinese(client)
    page = client.get("/login")
    assert '<html lang="zh-Hans">' in page.text
    assert "<h1>登录</h1>" in page.text and "密码" in page.text
    assert "还没有账户？" in page.text and "注册成为解题者" in page.text
    assert "No account yet?" not in page.text and ">Password" not in page.text

    signup = client.get("/signup")
    assert "<h1>注册成为解题者</h1>" in signup.text and "创建账户" in signup.text
    assert "至少 12 个字符" in signup.text and "向他人显示的名称" in signup.text
    assert "Create account" not in signup.text and "At least 12 characters" not in signup.text


def test_refusals_next_to_the_fields_are_in_chinese(client: TestClient, db: Session) -> None:
    _chinese(client)
    short = _post(client, "/signup", "/signup", {
        "email": "new@example.org", "password": "short pass", "display_name": ""})
    assert short.status_code == 422
    assert "请至少使用 12 个字符。" in short.text and "请输入向他人显示的名称。" in short.text
    assert "Use at least" not in short.text and "Enter a name" not in short.text

    make_user(db, email="asha@example.org")
    wrong = _post(client, "/login", "/login", {
        "email": "asha@example.org", "password": "not the password", "next": "/"})
    assert wrong.status_code == 401 and "电子邮件或密码不正确。" in wrong.text


def test_the_api_keeps_answering_in_english(client: TestClient) -> None:
    _chinese(client)
    response = client.post("/api/v1/auth/signup", json={
        "email": "a@example.org", "password": "password1234", "display_name": "A"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["password"] == (
        "This password is too common; choose another.")


def test_the_length_messages_name_the_rules() -> None:
    assert password_problem("x1" * (MIN_LENGTH // 2 - 1) + "y") == TOO_SHORT
    assert TOO_SHORT == f"Use at least {MIN_LENGTH} characters."
    assert TOO_LONG == f"Use at most {MAX_LENGTH} characters."


def test_the_account_page_and_its_flash(client: TestClient, db: Session) -> None:
    make_user(db, email="asha@example.org", display_name="Asha Rana")
    login(client, "asha@example.org")
    _chinese(client)
    page = client.get("/account")
    assert "<h1>您的账户</h1>" in page.text
    assert "个人资料" in page.text and "保存个人资料" in page.text and "API 访问令牌" in page.text
    assert '<span class="tag">解题者</span>' in page.text and "暂无令牌。" in page.text
    assert "Save profile" not in page.text and "No tokens yet." not in page.text
    assert 'value="Asha Rana"' in page.text  # what the person typed stays as it is

    saved = _post(client, "/account", "/account", {
        "email": "asha@example.org", "display_name": "Asha R.", "organisation": "",
        "country_code": "NPL"})
    assert saved.status_code == 303
    assert "您的个人资料已保存。" in client.get("/account").text

    created = _post(client, "/account", "/account/tokens", {"name": "laptop"})
    assert created.status_code == 201
    assert "新令牌“laptop”——请立即复制" in created.text and "有效" in created.text

    email = client.get("/account/email")
    assert "<h1>您的电子邮件地址</h1>" in email.text and "保存电子邮件地址" in email.text


def test_the_admin_user_list(client: TestClient, db: Session) -> None:
    make_user(db, email="root@example.org", roles=[Role.ADMIN])
    make_user(db, email="judge@example.org", display_name="Jia Judge", roles=[Role.JUDGE])
    login(client, "root@example.org")
    _chinese(client)
    page = client.get("/admin/users")
    assert "<h1>用户 <small>" in page.text and "按姓名或电子邮件查找" in page.text
    assert ">评审员</span>" in page.text and '<option value="verifier">核证员</option>' in page.text
    assert ">Grant<" not in page.text and "Change a role" not in page.text
    judge = next(u for u in re.findall(r'action="/admin/users/(\d+)/roles"', page.text))
    granted = _post(client, "/admin/users", f"/admin/users/{judge}/roles",
                    {"role": "sponsor", "action": "grant", "q": "jia"})
    assert granted.status_code == 303
    followed = client.get(granted.headers["location"])
    assert "现已拥有赞助方角色" in _text(followed.text)


def test_the_inbox_translates_its_chrome_not_the_messages(client: TestClient,
                                                         db: Session) -> None:
    user = make_user(db, email="asha@example.org")
    notifications.queue(db, recipient_id=user.id, subject="Your entry was received",
                        body="We received your entry.", kind="test")
    db.commit()
    login(client, "asha@example.org")
    _chinese(client)
    page = client.get("/inbox")
    assert "<h1>收件箱 <small>" in page.text and "全部标为已读" in page.text
    assert '<span class="tag">新</span>' in page.text
    assert "Your entry was received" in page.text  # stored in English when it happened
    assert "Mark all read" not in page.text and "Messages about" not in page.text
    marked = _post(client, "/inbox", "/inbox/read", {"up_to_id": "999"})
    assert marked.status_code == 303
    assert "已将 1 条消息标为已读。" in client.get("/inbox").text


def test_the_team_pages_for_a_lead_and_an_invitee(client: TestClient, db: Session) -> None:
    lead = make_user(db, email="lead@example.org", display_name="Lena Lead")
    make_user(db, email="ivo@example.org", display_name="Ivo")
    team = make_team(db, lead, name="Solar Pumps")
    invite(db, team, lead, "ivo@example.org")
    login(client, "lead@example.org")
    _chinese(client)
    listing = client.get("/teams")
    assert "<h1>您的团队</h1>" in listing.text and "组建团队" in listing.text
    assert "Solar Pumps" in listing.text and "1 名成员" in listing.text
    assert ">负责人</span>" in listing.text and '<a href="/teams">团队</a>' in listing.text
    assert "Form a team" not in listing.text and "1 member<" not in listing.text

    detail = client.get(f"/teams/{team.id}")
    text = _text(detail.text)
    assert "您是本团队的负责人。" in text and "待答复的邀请" in text and "管理团队" in text
    assert "ivo@example.org" in text and "解散团队" in text
    assert "You lead this team." not in text and "Manage the team" not in text

    again = _post(client, f"/teams/{team.id}", f"/teams/{team.id}/invitations",
                  {"email": "ivo@example.org"})
    assert again.status_code == 409
    assert "此地址已有一份待答复的团队邀请。" in again.text and "已邀请" in again.text

    client.cookies.clear()
    login(client, "ivo@example.org", PASSWORD)
    _chinese(client)
    waiting = _text(client.get("/teams").text)
    assert "等待您答复的邀请" in waiting and "来自 Lena Lead，" in waiting
    assert "接受" in waiting and "拒绝" in waiting and "Accept" not in waiting


def test_signing_in_with_a_provider_in_chinese(site: TestClient, provider: Provider,  # noqa: F811
                                               db: Session) -> None:
    _chinese(site)
    assert "使用 Example ID 登录" in site.get("/login").text
    assert "使用 Example ID 注册" in site.get("/signup").text
    state = query_of(start(site))["state"]
    cancelled = site.get("/auth/oidc/callback", params={"error": "access_denied",
                                                         "state": state})
    assert cancelled.status_code == 400
    assert "<h1>您尚未登录</h1>" in cancelled.text and "返回登录页面" in cancelled.text
    # A message with the provider's name in it (the JSON API would say it in English).
    assert "已取消通过 Example ID 登录。未作任何更改。" in cancelled.text
    assert "Signing in with Example ID was cancelled" not in cancelled.text
    state = query_of(start(site))["state"]
    refused = site.get("/auth/oidc/callback", params={"error": "server_error", "state": state})
    assert refused.status_code == 400
    assert "Example ID 未能为您完成登录（server_error）。" in refused.text
    assert "could not sign you in" not in refused.text

    make_user(db, email="alice@example.org")  # the provider's address is taken here
    in_use = sign_in_via_provider(site, provider)
    assert in_use.status_code == 409
    assert "已有账户使用该电子邮件地址" in in_use.text and "选择“关联 Example ID”" in in_use.text
    assert "<strong>alice@example.org</strong>" in in_use.text
    assert "If it is your account" not in in_use.text


def test_refusals_with_values_are_in_chinese(client: TestClient, db: Session,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lead = make_user(db, email="lead@example.org", display_name="Lena Lead")
    make_user(db, email="ivo@example.org", display_name="Ivo")
    team = make_team(db, lead, name="Solar Pumps")
    invitation = invite(db, team, lead, "ivo@example.org")
    monkeypatch.setattr(invitations, "MAX_MEMBERS", 2)
    login(client, "lead@example.org")
    _chinese(client)
    full = _post(client, f"/teams/{team.id}", f"/teams/{team.id}/invitations",
                 {"email": "mo@example.org"})
    assert full.status_code == 409
    assert "每个团队最多 2 名成员（含待答复的邀请）：请先撤销一份邀请或移除一名成员。" in full.text
    assert "A team has at most" not in full.text

    client.cookies.clear()
    login(client, "ivo@example.org", PASSWORD)
    _chinese(client)
    declined = _post(client, "/teams", f"/teams/invitations/{invitation.id}/decline", {})
    assert declined.status_code == 303
    again = _post(client, "/teams", f"/teams/invitations/{invitation.id}/accept", {})
    assert again.status_code == 409
    assert "此邀请已被拒绝。" in again.text and "was declined already" not in again.text
    judging = client.get("/judging")
    assert judging.status_code == 403
    assert "此操作需要评审员角色。" in judging.text and "This needs" not in judging.text


def test_team_messages_are_in_each_recipients_language(db: Session) -> None:
    """An invitation, and news of the team, reach each person in the language they chose."""
    lead = make_user(db, email="lead@example.org", display_name="Lena Lead")
    ivo = make_user(db, email="ivo@example.org", display_name="Ivo")
    eve = make_user(db, email="eve@example.org", display_name="Eve")
    ivo.locale = "zh-Hans"
    db.flush()
    team = make_team(db, lead, name="Solar Pumps")
    invitation = invite(db, team, lead, "ivo@example.org")
    invite(db, team, lead, "eve@example.org")

    (invited,) = notifications.for_recipient(db, recipient_id=ivo.id)
    assert invited.subject == "Lena Lead 邀请您加入团队“Solar Pumps”"
    assert invited.body.startswith("Lena Lead 邀请您在 Valleycross 上加入团队“Solar Pumps”，"
                                   "一起参加挑战赛。请在您的团队页面接受或拒绝邀请：\n\n")
    assert invited.body.endswith("/teams")
    (same,) = notifications.for_recipient(db, recipient_id=eve.id)
    assert same.subject == "Lena Lead invited you to team “Solar Pumps”"
    assert same.body.startswith("Lena Lead invited you to join the team “Solar Pumps” on "
                                "Valleycross, to enter challenges together.")

    team_entries.accept(db, invitation_id=invitation.id, user=ivo)
    teams.remove_member(db, team=team, user=lead, member_id=ivo.id)
    db.commit()
    removed = notifications.for_recipient(db, recipient_id=ivo.id, kind="team.member_removed")
    assert [(m.subject, m.body) for m in removed] == [
        ("您已被移出团队“Solar Pumps”", "团队负责人 Lena Lead 已将您移出“Solar Pumps”。")]
    (joined,) = notifications.for_recipient(db, recipient_id=lead.id,
                                            kind="team.invitation_accepted")
    assert joined.subject == "Ivo joined team “Solar Pumps”"  # the lead chose English
    assert joined.body.startswith("Ivo accepted your invitation and is now a member of "
                                  "“Solar Pumps”.\n\n")
