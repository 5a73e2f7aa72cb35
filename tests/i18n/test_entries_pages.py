"""The entry and judging pages in Chinese: an entrant's entry page, receipts and refusals, the
sponsor's list of entries, a judge's panels and scorecard, the manager's panel and results."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.judging import panel
from app.notifications import service as notifications
from app.submissions import service as submissions
from tests.challenges.factories import Clock
from tests.factories import csrf_from, login, make_user
from tests.judging.factories import (
    Judged,
    judge,
    judging_challenge,
    one_scorecard_then_verification,
    start_judging,
)
from tests.submissions.factories import (
    add_pdf,
    open_challenge,
    pdf,
    register,
    solver,
    start,
    team_registration,
)
from tests.submissions.factories import submitted as submitted_entry

ZH = "zh-Hans"


def chinese(client: TestClient) -> None:
    client.cookies.set("vc_lang", ZH)


def post(client: TestClient, from_url: str, action: str, data: dict[str, str],
         **kwargs: object):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(from_url).text)
    return client.post(action, data={**data, "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


def has(html: str, *present: str, absent: tuple[str, ...] = ()) -> None:
    assert f'<html lang="{ZH}">' in html
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_a_visitor_sees_no_entry_links_and_refusals_in_chinese(
        client: TestClient, db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    chinese(client)
    detail = client.get(f"/challenges/{arena.challenge.id}").text
    has(detail, absent=("您的参赛方案", "Your entry", "Submissions ("))
    stranger = solver(db)
    login(client, stranger.email or "")
    chinese(client)
    refused = client.get(f"/challenges/{arena.challenge.id}/submission")
    assert refused.status_code == 404
    has(refused.text, "您尚未报名参加此挑战赛。",
        absent=("You are not registered for this challenge.",))


def test_an_entrant_starts_uploads_and_submits_in_chinese(
        client: TestClient, db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    me = solver(db, display_name="Asha")
    register(db, arena.challenge, me)
    login(client, me.email or "")
    chinese(client)
    url = f"/challenges/{arena.challenge.id}/submission"
    first = client.get(url).text
    has(first, "开始撰写参赛方案", "保存草稿", "您以<strong>Asha</strong>的身份参赛。", "提交截止时间为",
        "最多 200 个字符。",
        absent=("Start your entry", "Save draft", "You enter as", "Submissions close",
                "At most 200 characters."))

    empty = post(client, url, url, {"title": "", "summary": "x"})
    assert empty.status_code == 422
    has(empty.text, "部分字段无效；未保存任何内容。", absent=("Some fields are not valid",))

    started = post(client, url, url, {"title": "Solar cold room", "summary": "Cool."},
                   follow_redirects=True).text
    has(started, "草稿已保存。请添加 PDF 文件，然后提交。", "标题和摘要", "添加 PDF 文件", "上传",
        "尚无文件。", "提交参赛方案",
        absent=("Draft saved.", "Title and summary", "Add a PDF file", "No files yet.",
                "Submit entry", ">Upload<"))
    match = re.search(r'action="/submissions/(\d+)/edit"', started)
    assert match
    sid = int(match.group(1))
    incomplete = post(client, url, f"/submissions/{sid}/submit", {})
    assert incomplete.status_code == 422
    has(incomplete.text, "您的参赛方案尚不完整。", "请至少上传一个 PDF 文件",
        absent=("Your entry is not complete yet.", "upload at least one PDF file"))

    token = csrf_from(client.get(url).text)
    added = client.post(f"/submissions/{sid}/files", data={"csrf_token": token},
                        files={"file": ("plan.pdf", pdf(b"plan"), "application/pdf")},
                        follow_redirects=True).text
    has(added, "已添加 plan.pdf。", "删除", "还可添加", absent=("Added plan.pdf.", ">Delete<"))
    not_pdf = client.post(f"/submissions/{sid}/files", data={"csrf_token": token},
                          files={"file": ("notes.pdf", b"hello", "application/pdf")})
    assert not_pdf.status_code == 422
    has(not_pdf.text, "该文件不是 PDF 文档。", "请上传完整的 PDF 文件（不接受其他格式）",
        absent=("The file is not a PDF document.",))

    done = post(client, url, f"/submissions/{sid}/submit", {}, follow_redirects=True).text
    has(done, "您的参赛方案已提交。第 1 号回执", "已提交", "回执", "第 1 号", "重新打开以修改",
        "下载回执（规范 JSON）", "可自行核对：",
        absent=("Your entry was submitted.", "Reopen to change it", "Download the receipt",
                "Check it yourself", "number 1"))

    view = client.get(f"/submissions/{sid}").text
    has(view, "参赛者", "状态", "您的参赛方案页面", "摘要", "文件",
        absent=("Entrant", "Your entry page", "<h2>Summary</h2>", "<h2>Files</h2>"))
    receipt = client.get(f"/submissions/{sid}/receipts/1").text
    has(receipt, "第 1 号回执", "提交时的摘要", "回执永不更改",
        absent=("Receipt 1", "Summary as submitted", "The receipt never changes"))

    reopened = post(client, url, f"/submissions/{sid}/reopen", {}, follow_redirects=True).text
    has(reopened, "您的参赛方案已重新变为草稿。", "这是您上次提交的回执",
        absent=("Your entry is a draft again.", "The receipt of your last submission"))


def test_the_sponsor_lists_the_entries_in_chinese(
        client: TestClient, db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    entrant = solver(db, display_name="Asha")
    register(db, arena.challenge, entrant)
    draft = start(db, arena.challenge, entrant)
    add_pdf(db, draft, entrant)
    login(client, arena.owner.email or "")
    chinese(client)
    cid = arena.challenge.id
    empty = client.get(f"/challenges/{cid}/submissions").text
    has(empty, "参赛方案", "尚无已提交的参赛方案。", "仅显示已提交的参赛方案",
        absent=("No entry has been submitted yet.", "Submitted entries only"))
    other = solver(db, display_name="Bo")
    register(db, arena.challenge, other)
    submitted_entry(db, arena.challenge, other)
    listing = client.get(f"/challenges/{cid}/submissions").text
    has(listing, "参赛者", "已提交", "第 1 号", "Bo", absent=("Entrant", "No. 1"))
    detail = client.get(f"/challenges/{cid}").text
    assert "参赛方案（1）" in detail and "Submissions (1)" not in detail


def test_a_judge_scores_in_chinese(client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=2, judges=1)
    login(client, judged.judges[0].email or "")
    chinese(client)
    home = client.get("/").text
    has(home, '<a href="/judging">评审</a>', absent=('<a href="/judging">Judging</a>',))
    mine = client.get("/judging").text
    has(mine, "您所在的评审团", "挑战赛", "您的评分表", "已提交 0 / 2",
        absent=("Your judging panels", "Your scorecards", "of 2 submitted"))
    page = f"/challenges/{judged.challenge.id}/judging"
    overview = client.get(page).text
    has(overview, "待评分的参赛方案", "未开始", "已提交 0 / 2 份评分表。",
        absent=("Entries to score", "Not started", "scorecards submitted"))
    code = judged.code(judged.entries[0])
    url = f"{page}/entries/{code}"
    entry = client.get(url).text
    has(entry, "您的评分表", "0 到 10 之间的数字，最多一位小数，例如 7.5。草稿可随时保存",
        "权重 3（占总分的 75.0%）", "保存草稿", "提交评分表", "利益冲突", f"申请回避 {code}",
        absent=("Your scorecard", "Save a draft", "% of the total", "Submit scorecard",
                "Conflict of interest", "Recuse myself"))
    impact, afford = (c.id for c in judged.challenge.criteria)
    bad = post(client, url, url, {f"scores.{impact}": "7.55", "intent": "save"})
    assert bad.status_code == 422
    has(bad.text, "部分评分无效。", '<p class="error" id="e-scores.',
        absent=("Some scores are not valid.", "at most one decimal place"))
    incomplete = post(client, url, url, {f"scores.{impact}": "7.5", "intent": "submit"})
    assert incomplete.status_code == 422
    has(incomplete.text, "提交前请为每个评分项打分。", f'id="e-scores.{afford}">必填</p>',
        absent=("Score every criterion",))
    done = post(client, url, url, {f"scores.{impact}": "7.5", f"scores.{afford}": "6.5",
                                   "intent": "submit"}, follow_redirects=True).text
    has(done, f"{code} 的评分表已提交。", "已提交 1 / 2 份评分表。",
        absent=(f"Scorecard for {code} submitted.",))
    final = client.get(url).text
    has(final, "此评分表已定稿，不可更改。", "加权总分", absent=("It is final.", "Weighted total"))


def _manager(client: TestClient, db: Session, clock: Clock) -> Judged:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    login(client, judged.owner.email or "")
    chinese(client)
    return judged


def test_the_manager_runs_the_panel_and_reads_the_results_in_chinese(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = _manager(client, db, clock)
    newcomer = judge(db, name="Noor Newcomer")
    page = f"/challenges/{judged.challenge.id}/judging"
    overview = client.get(page).text
    has(overview, "评审团", "已提交 1 份参赛方案。", "评审员及其进度", "添加评审员", "选择评审员…",
        "加入评审团", "挑战赛进入核证阶段后，标准化结果将显示在此处。",
        absent=("Panel<", "submitted entry.", "Add a judge", "Add to the panel",
                "The normalised results appear"))
    empty = post(client, page, f"{page}/panel", {"judge_id": ""})
    assert empty.status_code == 422
    has(empty.text, "请选择一名评审员。", '<p class="error" id="e-judge_id">请选择评审员</p>',
        absent=("Choose a judge.",))
    added = post(client, page, f"{page}/panel", {"judge_id": str(newcomer.id)},
                 follow_redirects=True).text
    has(added, "该评审员已加入评审团", "移除 Noor Newcomer",
        absent=("The judge was added", "Remove Noor Newcomer"))
    twice = post(client, page, f"{page}/panel", {"judge_id": str(newcomer.id)})
    assert twice.status_code == 409
    has(twice.text, "Noor Newcomer 已在评审团中。", absent=("is already on the panel",))
    early = client.get(f"{page}/results")
    assert early.status_code == 409
    has(early.text, "挑战赛进入核证阶段后才显示结果。", absent=("Results are shown once",))

    one_scorecard_then_verification(db, judged, "4", "1.5")
    code = judged.code(judged.entries[0])
    assert "查看标准化结果" in client.get(page).text
    table = client.get(f"{page}/results").text
    has(table, "评审结果", "名次", "标准化分数", "原始平均分", "符合条件", "各评分项平均分", "否",
        "最低总分：5", "（最低 2）", code,
        "Affordability：平均分 1.5000 低于最低分 2", "原始平均分 3.3750 低于最低总分 5",
        absent=("Judging results", "Raw mean", "Mean score per criterion", "Minimum overall",
                "(min. 2)", "is below the minimum"))


def test_a_solver_is_told_in_chinese_that_the_judging_pages_are_not_theirs(
        client: TestClient, db: Session, clock: Clock) -> None:
    judged = judging_challenge(db, clock, entries=1, judges=1)
    login(client, make_user(db).email or "")
    chinese(client)
    assert '<a href="/judging">' not in client.get("/").text
    assert client.get("/judging").status_code == 403
    hidden = client.get(f"/challenges/{judged.challenge.id}/judging")
    assert hidden.status_code == 404
    has(hidden.text, absent=("Judging", "评审团"))


def _chooses_chinese(db: Session, user: User) -> None:
    user.locale = ZH
    db.flush()


def test_entrants_and_judges_who_chose_chinese_get_their_messages_in_chinese(
        db: Session, clock: Clock) -> None:
    arena = open_challenge(db, clock)
    lead, mate = solver(db, display_name="Asha Lead"), solver(db, display_name="Bikram Mate")
    team_registration(db, arena.challenge, lead, [mate])
    _chooses_chinese(db, mate)
    entry = start(db, arena.challenge, lead, title="Solar cold room")
    add_pdf(db, entry, lead)
    receipt = submissions.submit(db, entry=entry, user=lead)
    submissions.reopen(db, entry=entry, user=lead)
    db.commit()
    title = arena.challenge.title
    [english] = notifications.for_recipient(db, recipient_id=lead.id, kind="submission.submitted")
    [zh] = notifications.for_recipient(db, recipient_id=mate.id, kind="submission.submitted")
    assert english.subject == f"Entry submitted: {title}"
    assert english.body.startswith('The entry "Solar cold room" was submitted on ')
    assert f"SHA-256 of the receipt: {receipt.sha256}" in english.body
    assert zh.subject == f"参赛方案已提交：{title}"
    at = receipt.submitted_at.strftime("%Y-%m-%d %H:%M:%S")
    assert zh.body.startswith(f"参赛方案“Solar cold room”已于 {at} UTC 提交（第 1 号回执）。\n\n"
                              f"回执的 SHA-256：{receipt.sha256}\n\n请保留此消息：")
    assert zh.body.endswith(f"/submissions/{entry.submission.id}/receipts/1")
    assert "submitted" not in zh.body
    [reopened] = notifications.for_recipient(db, recipient_id=mate.id, kind="submission.reopened")
    assert reopened.subject == f"参赛方案已重新打开：{title}"
    assert reopened.body.startswith("Asha Lead 重新打开了参赛方案“Solar cold room”。它已重新变为草稿")
    assert notifications.for_recipient(db, recipient_id=lead.id, kind="submission.reopened") == []

    in_chinese, in_english = judge(db, name="Chen Judge"), judge(db, name="Dana Judge")
    _chooses_chinese(db, in_chinese)
    for person in (in_chinese, in_english):
        panel.assign(db, challenge=arena.challenge, user=arena.owner, judge_id=person.id)
    [zh] = notifications.for_recipient(db, recipient_id=in_chinese.id, kind="judging.assigned")
    [english] = notifications.for_recipient(db, recipient_id=in_english.id,
                                            kind="judging.assigned")
    assert zh.subject == f"您已加入评审团：{title}"
    assert zh.body.startswith(f"您受邀评审“{title}”的参赛方案。")
    assert zh.body.endswith(f"/challenges/{arena.challenge.id}/judging")
    assert english.subject == f"You are on the judging panel: {title}"
    assert english.body.startswith(f'You were asked to judge the entries of "{title}".')
    submissions.submit(db, entry=entry, user=lead)
    start_judging(db, clock, arena.challenge, arena.owner)
    [zh] = notifications.for_recipient(db, recipient_id=in_chinese.id, kind="judging.started")
    [english] = notifications.for_recipient(db, recipient_id=in_english.id,
                                            kind="judging.started")
    assert zh.subject == f"评审已开始：{title}"
    assert zh.body.startswith(f"“{title}”的 1 份已提交参赛方案已可供您评分，仅以代码显示。\n\n")
    assert english.subject == f"Judging has started: {title}"
    assert english.body.startswith(f'The 1 submitted entry of "{title}" are ready for you')
    panel.remove(db, challenge=arena.challenge, user=arena.owner, judge_id=in_chinese.id)
    [removed] = notifications.for_recipient(db, recipient_id=in_chinese.id,
                                            kind="judging.removed")
    assert removed.subject == f"已被移出评审团：{title}"
    assert removed.body == f"您已不再是“{title}”评审团的成员；您为其填写的评分表草稿已被删除。"
