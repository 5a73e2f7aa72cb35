"""The outcome pages in Chinese: a verifier's queue, a challenge's verification and an entry's
attestation forms; the awards page for its manager, an entrant and an admin deciding an appeal;
the public results page, whose recipient's country is named in Chinese while the API and the
360Giving export stay English."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import workflow
from app.awards.schemas import AppealDecisionIn, AppealIn
from app.notifications import service as notifications
from tests.awards.factories import attest, awards_proposed, finalised, verified_and_closed
from tests.challenges.factories import Clock
from tests.factories import csrf_from, login
from tests.verification.factories import verification_challenge

ZH = "zh-Hans"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def in_chinese(client: TestClient, email: str | None = None) -> None:
    client.cookies.clear()
    client.cookies.set("vc_lang", ZH)
    if email:
        login(client, email)


def test_a_verifier_attests_in_chinese(client: TestClient, db: Session, clock: Clock) -> None:
    v = verification_challenge(db, clock)
    in_chinese(client, v.verifier.email)

    queue = client.get("/verification")
    assert queue.status_code == 200 and "<title>核证 · Valleycross</title>" in queue.text
    assert "<h1>成果核证</h1>" in queue.text and "处于核证阶段的挑战赛" in queue.text
    assert ">待核证<" in queue.text and ">Pending<" not in queue.text
    assert "Outcome verification" not in queue.text

    overview_url = f"/challenges/{v.challenge.id}/verification"
    overview = client.get(overview_url).text
    assert f'href="{overview_url}">成果核证<' in client.get(f"/challenges/{v.challenge.id}").text
    assert "入围参赛方案及其成果" in overview and "核证员可在" in overview
    assert "不低于" in overview and "（可选）" in overview
    assert "Attested outcomes" not in overview and "at least" not in overview

    entry_url = f"{overview_url}/entries/{v.judged.entries[0].id}"
    page = client.get(entry_url)
    assert "指标：不低于 <strong>500 tonne-days</strong>。" in page.text
    assert ">核证</button>" in page.text and "证据链接（可选）" in page.text
    assert "Evidence address" not in page.text and ">Attest<" not in page.text

    bad = client.post(f"{entry_url}/targets/cooling", data={
        "measured_value": "about 600", "evidence": "", "evidence_url": "ftp://x",
        "csrf_token": csrf_from(page.text)})
    assert bad.status_code == 422
    assert "核证信息不完整。" in bad.text and "须为数字，例如 1250.5" in bad.text
    assert "请说明测量的方式、地点和时间" in bad.text and "必须是 http:// 或 https:// 网址" in bad.text
    assert "The attestation is not complete." not in bad.text

    done = client.post(f"{entry_url}/targets/cooling", data={
        "measured_value": "612.5", "evidence": "Logger 17.", "csrf_token": csrf_from(page.text)})
    after = text(done.text)
    assert "您对“Stored produce kept below 8 °C”的核证已记录。" in after
    assert "状态： 已核证" in after and "核证值： 612.5 tonne-days 达标 核证人：Vera Verifier" in after
    assert "更正核证" in after and "Correct the attestation" not in after


def test_the_manager_reads_verification_in_chinese(client: TestClient, db: Session,
                                                   clock: Clock) -> None:
    v = verification_challenge(db, clock)
    in_chinese(client, v.judged.owner.email)
    overview = client.get(f"/challenges/{v.challenge.id}/verification").text
    assert "<h1>成果核证</h1>" in overview and ">待核证<" in overview
    assert "打开参赛方案即可核证其测量值。" not in overview  # the owner never attests
    refused = client.get("/challenges/999999/verification")
    assert refused.status_code == 404


def test_the_awards_page_in_chinese(client: TestClient, db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    url = f"/challenges/{v.challenge.id}/awards"

    in_chinese(client, v.judged.owner.email)
    owner = client.get(url).text
    assert f"<title>奖励 · {v.challenge.title} · Valleycross</title>" in owner
    owner_view = text(owner)
    assert "奖金总额 USD 100,000.00；已颁发 USD 50,000.00；未颁发 USD 50,000.00。" in owner_view
    assert "现付 USD 40,000.00，暂扣 USD 10,000.00" in owner_view
    assert ("Stored produce kept below 8 °C 为 480 tonne-days，要求 ≥ 500 tonne-days"
            in owner_view and "没有申诉。" in owner_view)
    assert "Purse" not in owner_view and "No award" not in owner_view
    assert "held back" not in owner_view and "Appeals" not in owner_view

    in_chinese(client, v.judged.entrants[0].email)
    page = client.get(url)
    assert "您未提出申诉。" in page.text and ">提出申诉</button>" in page.text
    assert "Purse" not in page.text and "Appeal for" not in page.text
    entry = str(v.judged.entries[0].id)
    bad = client.post(f"/challenges/{v.challenge.id}/appeals", data={
        "submission_id": entry, "reason": "", "csrf_token": csrf_from(page.text)})
    assert bad.status_code == 422 and "申诉须说明理由。" in bad.text
    filed = client.post(f"/challenges/{v.challenge.id}/appeals", data={
        "submission_id": entry, "reason": "The logger was misread.",
        "csrf_token": csrf_from(page.text)})
    assert "您的申诉已提交；管理员裁定后会通知您。" in filed.text
    assert ">待处理</span>" in filed.text and "提交于" in filed.text

    in_chinese(client, v.judged.admin.email)
    admin = client.get(url).text
    assert "申诉成立（重新计算奖励）" in admin and ">记录裁定</button>" in admin
    assert "Record the decision" not in admin and "Dismiss" not in admin
    action = re.search(r'action="(/appeals/\d+/decision)"', admin)
    assert action is not None
    decided = client.post(action[1], data={
        "outcome": "dismissed", "decision": "The reading stands.",
        "csrf_token": csrf_from(admin)})
    assert f"“{v.judged.entries[0].title}”的申诉已被驳回。" in decided.text
    assert ">已驳回</span>" in decided.text and "裁定" in decided.text
    again = client.post(action[1], data={
        "outcome": "upheld", "decision": "On second thoughts.", "csrf_token": csrf_from(admin)})
    assert again.status_code == 409 and "该申诉此前已被驳回。" in again.text
    assert "This appeal was dismissed already." not in again.text


def test_the_public_results_in_chinese_name_the_country_in_chinese(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    in_chinese(client)
    page = client.get(f"/challenges/{v.challenge.id}/results")
    assert page.status_code == 200
    assert f"<title>结果 · {v.challenge.title} · Valleycross</title>" in page.text
    view = text(page.text)
    assert "Okafor Cold Chain Collective, 尼泊尔" in view and "Nepal" not in view
    assert "获奖参赛方案" in view and "以 360Giving 数据格式（JSON）下载这些奖励" in view
    assert "Download these awards" not in view and "of a purse of" not in view
    # The data standard's export and the API stay English, whatever the language.
    api = client.get(f"/api/v1/challenges/{v.challenge.id}/results").json()
    assert api["awards"][0]["country"] == "Nepal"
    export = client.get(f"/challenges/{v.challenge.id}/results/360giving.json").json()
    assert export["grants"][0]["beneficiaryLocation"] == [{"countryCode": "NP", "name": "Nepal"}]
    # In English the page is as it was.
    client.cookies.set("vc_lang", "en")
    assert "Okafor Cold Chain Collective, Nepal" in text(
        client.get(f"/challenges/{v.challenge.id}/results").text)


def test_a_refusal_reads_in_chinese(client: TestClient, db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    in_chinese(client)
    early = client.get(f"/challenges/{v.challenge.id}/results")
    assert early.status_code == 409 and "奖励最终确定后才会公布结果。" in early.text
    assert "Results are published" not in early.text


def test_outcome_notifications_reach_chinese_recipients_in_chinese(db: Session,
                                                                  clock: Clock) -> None:
    """Each recipient reads the awards' and the appeal's messages in the language of their
    account; the others of the same event still read the English."""
    v = verified_and_closed(db, clock)
    owner, admin, entrants = v.judged.owner, v.judged.admin, v.judged.entrants
    entry = v.judged.entries[1]
    owner.locale = entrants[1].locale = ZH
    db.flush()
    title = v.challenge.title
    url = f"{{site}}/challenges/{v.challenge.id}/awards"
    workflow.propose_awards(db, challenge=v.challenge, user=owner)

    [none] = notifications.for_recipient(db, recipient_id=entrants[1].id, kind="awards.proposed")
    assert none.subject == f"奖励已提议：{title}"
    assert none.body.startswith(f"您的参赛方案“{entry.title}”未获提议奖励：Stored produce kept "
                                "below 8 °C 为 480 tonne-days，要求 ≥ 500 tonne-days。如您认为规则的"
                                "适用有误，可在 ")
    assert none.body.endswith(f" UTC 之前提出申诉。\n\n{url}")
    [won] = notifications.for_recipient(db, recipient_id=entrants[0].id, kind="awards.proposed")
    assert won.subject == f"Awards proposed: {title}"
    assert won.body.startswith(f"Your entry \"{v.judged.entries[0].title}\" is proposed an "
                               "award of USD 50,000.00 (place 1). If you think the rules were "
                               "applied wrongly, you may appeal until ")

    reason = "Logger 6 was left out."
    filed = workflow.file_appeal(db, challenge_id=v.challenge.id, user=entrants[1],
                                 body=AppealIn(submission_id=entry.id, reason=reason))
    [zh] = notifications.for_recipient(db, recipient_id=owner.id, kind="awards.appeal")
    [en] = notifications.for_recipient(db, recipient_id=admin.id, kind="awards.appeal")
    assert (zh.subject, zh.body) == (f"针对奖励的申诉：{title}",
                                     f"“{entry.title}”的参赛者提出申诉：{reason}\n\n{url}")
    assert (en.subject, en.body) == (f"Appeal against the awards: {title}",
                                     f"The entrants of \"{entry.title}\" appeal: {reason}\n\n"
                                     f"{url}")

    attest(db, v, 1, "540")  # corrected while the appeal is open
    workflow.decide_appeal(db, appeal_id=filed.id, admin=admin,
                           body=AppealDecisionIn(outcome="upheld", decision="Checked the cards."))
    [news] = notifications.for_recipient(db, recipient_id=entrants[1].id,
                                         kind="awards.appeal_decided")
    assert news.subject == f"申诉已裁定：{title}"
    assert news.body == (f"您对“{entry.title}”的申诉成立：Checked the cards.\n\n"
                         f"奖励已重新计算：“{entry.title}”现获提议奖励 USD 30,000.00（此前：USD 0.00）。"
                         f"\n\n{url}")


def test_an_attested_outcome_reaches_a_chinese_entrant_in_chinese(db: Session,
                                                                  clock: Clock) -> None:
    v = verification_challenge(db, clock)
    entrants, entries, title = v.judged.entrants, v.judged.entries, v.challenge.title
    entrants[1].locale = ZH
    db.flush()
    attest(db, v, 1, "480")
    attest(db, v, 0, "640")
    [zh] = notifications.for_recipient(db, recipient_id=entrants[1].id,
                                       kind="verification.outcome")
    assert zh.subject == f"成果未达标：{entries[1].title}"
    assert zh.body == (f"“{title}”的核证员已核证您的参赛方案“{entries[1].title}”的成果：至少有一项"
                       "必需指标未达标。奖励将根据这些核证计算。")
    [en] = notifications.for_recipient(db, recipient_id=entrants[0].id,
                                       kind="verification.outcome")
    assert en.subject == f"Outcomes verified: {entries[0].title}"
    assert en.body == (f"The verifiers of \"{title}\" attested the outcomes of your entry "
                       f"\"{entries[0].title}\": every required target is met. The awards are "
                       "computed from these attestations.")
