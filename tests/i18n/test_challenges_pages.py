"""The challenge pages in Chinese: the list, a challenge's page, the authoring form, "my
challenges" and the review queue, for a visitor, a solver, the sponsor and an admin."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import workflow
from app.challenges.models import Challenge
from tests.challenges.factories import Clock, admin, draft, published, sponsor
from tests.challenges.test_pages import FORM, post_form
from tests.factories import csrf_from, login, make_user


@pytest.fixture
def zh(client: TestClient) -> TestClient:
    client.cookies.set("vc_lang", "zh-Hans")
    return client


def _open_challenge(db: Session, clock: Clock) -> Challenge:
    owner = sponsor(db, email="owner@example.org")
    challenge = published(db, owner, admin(db))
    clock.advance(days=2)  # it opened a day after the clock's start
    return challenge


def test_a_visitor_reads_the_list_and_a_challenge_in_chinese(zh: TestClient, db: Session,
                                                             clock: Clock) -> None:
    challenge = _open_challenge(db, clock)
    page = zh.get("/challenges").text
    for chinese in ("<title>挑战赛", "筛选", "排序方式", ">显示<", "开放参赛", "后截止", "29天"):
        assert chinese in page, chinese
    for english in (">Filter<", ">Show<", "Open for entries", "Closes in", "No challenge"):
        assert english not in page, english

    page = zh.get(f"/challenges/{challenge.id}").text
    for chinese in ("简介", "时间表", "参赛资格", "成果指标", "奖金总额", "按名次：", "评审标准",
                    "成果合约", "问答", "历史记录", "登录</a>后即可报名或提问", "个人、团队",
                    "开放许可", "获奖解决方案以开放许可发布。",
                    "每笔奖励的 20.00% 予以暂扣", "奖励提议后 14 天"):
        assert chinese in page, chinese
    for english in ("Outcome targets", "Who may enter", "Timeline", "Ranked places",
                    "Sign in</a> to register", "individual, team", "Open licence",
                    "held back", "days after awards", "not set"):
        assert english not in page, english


def test_a_solver_registers_in_chinese(zh: TestClient, db: Session, clock: Clock) -> None:
    challenge = _open_challenge(db, clock)
    make_user(db, email="solver@example.org")  # no country yet
    login(zh, "solver@example.org")
    url = f"/challenges/{challenge.id}"
    page = zh.get(url).text
    for chinese in ("参赛", "参赛身份", "您的团队（仅限团队）", ">报名<", "提出问题", "本人不受雇于赞助方"):
        assert chinese in page, chinese
    assert "You enter as" not in page and ">Register<" not in page
    refused = zh.post(f"{url}/register", data={"solver_kind": "individual",
                                                "declares_not_sponsor_employee": "on",
                                                "csrf_token": csrf_from(page)})
    assert refused.status_code == 422
    assert "您不符合本挑战赛的参赛资格。" in refused.text
    assert "请先在个人资料中设置国家再报名" in refused.text
    assert "not eligible" not in refused.text and "set your country" not in refused.text


def test_the_sponsor_drafts_and_submits_in_chinese(zh: TestClient, db: Session,
                                                   clock: Clock) -> None:
    owner = sponsor(db, email="s@example.org")
    mine = draft(db, owner)
    login(zh, "s@example.org")
    form = zh.get("/challenges/new").text
    for chinese in ("<title>起草挑战赛", "1. 挑战赛", "成果指标", "知识产权条款", "奖金总额的发放方式",
                    "保存草稿", "添加更多行", "— 请选择 —", "指标 1 的键"):
        assert chinese in form, chinese
    for english in ("Save draft", "Add more rows", "How the purse is awarded", "Key of target"):
        assert english not in form, english

    listing = zh.get("/challenges/mine").text
    assert "我的挑战赛" in listing and "草稿" in listing and "My challenges" not in listing

    page = zh.get(f"/challenges/{mine.id}").text
    for chinese in ("管理", "编辑草稿", "导出报名信息（CSV）", "提交审核", "取消挑战赛的理由"):
        assert chinese in page, chinese
    assert "Edit draft" not in page and "Submit for review" not in page

    done = zh.post(f"/challenges/{mine.id}/actions/submit", data={"csrf_token": csrf_from(page)})
    assert done.status_code == 200 and "提交审核：已完成。挑战赛当前状态为“审核中”。" in done.text


def test_messages_with_values_show_in_chinese(zh: TestClient, db: Session, clock: Clock) -> None:
    """Field errors that carry a value (an amount, a key, a currency) are translated with it."""
    sponsor(db, email="s@example.org")
    login(zh, "s@example.org")
    bad = {**FORM, "prize_rules.award.places.0": "90000", "targets.1.key": "cool",
           "targets.1.metric": "Again", "targets.1.unit": "t", "targets.1.threshold": "1",
           "targets.1.direction": "at_least",
           "timeline.judging_ends_at": "2030-03-01T00:00"}
    r = post_form(zh, "/challenges/new", "/challenges/new", bad)
    assert r.status_code == 422
    for chinese in ("各名次金额合计超过奖金总额：合计（USD 130,000.00）超过奖金总额（USD 100,000.00）",
                    "键 &#39;cool&#39; 已被另一项指标使用", "评审结束时间必须晚于提交截止时间"):
        assert chinese in r.text, chinese
    for english in ("exceeds the purse", "is used by another target", "must come after"):
        assert english not in r.text, english

    listing = zh.get("/challenges?currency=zzz&min_purse=1&sort=cheapest").text
    assert "&#39;ZZZ&#39; 不是 ISO 4217 货币代码" in listing
    assert "应为以下之一：closing_soonest, newest, largest_purse" in listing
    assert "is not an ISO 4217 currency code" not in listing and "one of " not in listing


def test_an_admin_reviews_in_chinese(zh: TestClient, db: Session, clock: Clock) -> None:
    owner = sponsor(db)
    waiting = draft(db, owner)
    workflow.submit_for_review(db, challenge=waiting, user=owner)
    db.commit()
    reviewer = admin(db)
    login(zh, reviewer.email)
    queue = zh.get("/admin/challenges/review").text
    assert "待审核的挑战赛" in queue and "等待批准的挑战赛" in queue
    assert "Challenges to review" not in queue
    page = zh.get(f"/challenges/{waiting.id}").text
    assert "批准并发布" in page and "要求修改的理由" in page and "审核中" in page
    assert "Approve and publish" not in page


def test_english_stays_the_default(client: TestClient, db: Session, clock: Clock) -> None:
    challenge = _open_challenge(db, clock)
    page = client.get(f"/challenges/{challenge.id}").text
    assert "Outcome targets" in page and "Closes in 29 days" in page
    assert "成果指标" not in page


def test_countdowns_say_the_two_largest_units(clock: Clock) -> None:
    from app.challenges.labels import duration
    from app.challenges.states import countdown
    from app.i18n.translate import use_locale

    now = clock.now()
    for delta, chinese in ((dt.timedelta(seconds=30), "不到一分钟"),
                           (dt.timedelta(minutes=1), "1分钟"),
                           (dt.timedelta(hours=5, minutes=10), "5小时10分钟"),
                           (dt.timedelta(days=3, hours=4, minutes=9), "3天4小时"),
                           (dt.timedelta(days=1), "1天")):
        assert duration(now, now + delta) == countdown(now, now + delta)
        with use_locale("zh-Hans"):
            assert duration(now, now + delta) == chinese


def test_notifications_reach_each_recipient_in_their_language(db: Session, clock: Clock) -> None:
    """Admins told of a submission, and the sponsor asked for changes, each read their own
    language: the title, the links and the reviewer's words go in as they are."""
    from app.notifications.service import for_recipient

    owner = sponsor(db)
    chinese_admin, english_admin = admin(db), admin(db)
    owner.locale = chinese_admin.locale = "zh-Hans"
    db.flush()
    waiting = draft(db, owner)
    workflow.submit_for_review(db, challenge=waiting, user=owner)
    url = f"{{site}}/challenges/{waiting.id}"
    queue = "{site}/admin/challenges/review"

    [zh] = for_recipient(db, recipient_id=chinese_admin.id, kind="challenge.submitted")
    assert zh.subject == f"待审核：{waiting.title}"
    assert zh.body == f"一位赞助方提交了挑战赛，等待审核。\n\n{url}\n\n审核队列：{queue}"
    [en] = for_recipient(db, recipient_id=english_admin.id, kind="challenge.submitted")
    assert en.subject == f"Waiting for review: {waiting.title}"
    assert en.body == (f"A sponsor submitted a challenge for review.\n\n{url}\n\n"
                       f"The review queue: {queue}")

    workflow.request_changes(db, challenge=waiting, user=english_admin,
                      reason="Name the 100% metric.")
    [asked] = for_recipient(db, recipient_id=owner.id, kind="challenge.changes_requested")
    assert asked.subject == f"要求修改：{waiting.title}"
    assert asked.body == f"审核人要求修改：\n\nName the 100% metric.\n\n{url}"
