"""The inventory's pages in Chinese: lists, records, forms, history, the queues, export."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.inventory import mechanisms, suggestions
from app.inventory.models import LinkType, Mechanism, Technology
from app.notifications import service as notifications
from tests.factories import csrf_from, login, make_user
from tests.inventory.factories import make_mechanism, make_technology


def _records(db: Session) -> tuple[Mechanism, Technology]:
    fund = make_mechanism(db, name="Zh Beta Fund", kind="fund")
    net = make_mechanism(db, name="Zh Alpha Net", functions=["finance"], sectors=["water"],
                         stages=["research"], scope=["LDC", "NPL"])
    mechanisms.add_link(db, mechanism=net, target_id=fund.id, link_type=LinkType.FUNDED_BY,
                        note=None, actor=None)
    db.commit()
    dryer = make_technology(db, name="Zh Gamma Dryer", related_mechanism_ids=[net.id],
                            countries_deployed=["KEN"], sectors=["water"])
    return net, dryer


def _in_chinese(client: TestClient) -> None:
    client.cookies.set("vc_lang", "zh-Hans")


def _signed_in(client: TestClient, db: Session, role: Role) -> None:
    user = make_user(db, roles=[role])
    login(client, user.email or "")
    _in_chinese(client)


def test_a_visitor_reads_the_inventory_in_chinese(client: TestClient, db: Session) -> None:
    net, dryer = _records(db)
    _in_chinese(client)

    listing = client.get("/inventory").text
    assert '<html lang="zh-Hans">' in listing
    assert "技术促进机制" in listing and "Technology facilitation mechanisms" not in listing
    assert "排序方式" in listing and "Sort by" not in listing
    assert "<legend>部门</legend>" in listing and "<legend>Sector</legend>" not in listing
    assert "<legend>核实情况</legend>" in listing  # a record's check, not an outcome's
    assert "水资源" in listing and "研究（TRL 1–4）" in listing
    assert "最不发达国家" in listing and "非洲" in listing and ">Africa<" not in listing
    assert "个机制" in listing and " mechanisms</h2>" not in listing

    found = client.get("/inventory/technologies", params={"q": "dryer"}).text
    assert "1 项技术与“dryer”匹配" in found and "清洁技术" in found

    page = client.get(f"/inventory/mechanisms/{net.id}").text
    assert "与其他机制的关联" in page and "Links to other mechanisms" not in page
    assert "Zh Alpha Net 资金来自 Zh Beta Fund。" in page  # the graph's description
    assert "登录后提出修改建议" in page and "Sign in to suggest an edit" not in page
    assert "尼泊尔" in page and "历史记录（2 次修订）" in page and "地理范围" in page
    assert "添加关联" not in page  # curators only

    tech = client.get(f"/inventory/technologies/{dryer.id}").text
    assert "示范，TRL 6" in tech and "公有领域" in tech and "肯尼亚" in tech
    assert "相关机制" in tech and "Related mechanisms" not in tech

    history = client.get(f"/inventory/mechanisms/{net.id}/history").text
    assert "Zh Alpha Net 的历史记录" in history and "从第 1 次修订到第 2 次修订的变更" in history
    assert "添加关联" in history and "系统" in history and "恢复第 1 次修订" not in history

    export = client.get("/inventory/transfer").text
    assert "导出整个清单" in export and "Export the whole inventory" not in export
    assert "上传任一导出格式的文件" not in export  # importing is for curators


def test_a_solver_suggests_an_edit_in_chinese(client: TestClient, db: Session) -> None:
    net, _ = _records(db)
    _signed_in(client, db, Role.SOLVER)
    form = client.get(f"/inventory/mechanisms/{net.id}/suggest").text
    assert "对 Zh Alpha Net 提出修改建议" in form and "提交修改建议" in form
    assert "给内容管理员的留言（可选）" in form and "Send suggestion" not in form
    sent = client.post(f"/inventory/mechanisms/{net.id}/suggest",
                       data={"name": "Zh Alpha Net", "kind": "network", "acronym": "ZAN",
                             "scope": "LDC NPL", "functions": "finance", "sectors": "water",
                             "stages": "research", "comment": "From its website.",
                             "csrf_token": csrf_from(form)})
    assert "谢谢！内容管理员将审核您的修改建议。" in sent.text
    mine = client.get("/inventory/suggestions").text
    assert "我的修改建议" in mine and "待审核" in mine and "Your suggestions" not in mine


def test_a_curator_works_the_queues_in_chinese(client: TestClient, db: Session) -> None:
    net, _ = _records(db)
    author = make_user(db)
    suggestions.create_suggestion(db, author=author, entity_type="technology", entity_id=None,
                                  payload={"name": "Zh New thing", "stage": "research",
                                           "availability": "proprietary"})
    db.commit()
    _signed_in(client, db, Role.CURATOR)

    page = client.get(f"/inventory/mechanisms/{net.id}").text
    assert "标记为已核实" in page and "Mark verified" not in page
    assert "Zh Alpha Net 与目标机制的关系：" in page and "删除 Zh Alpha Net" in page

    queue = client.get("/inventory/suggestions").text
    assert "审核队列" in queue and "Moderation queue" not in queue
    assert "新技术“Zh New thing”" in queue and "采纳后将产生的变更" in queue

    stale = client.get("/inventory/stale").text
    assert "过时记录" in stale and "将 Zh Alpha Net 标记为已核实" in stale
    verified = client.post(f"/inventory/mechanisms/{net.id}/verify?next=stale",
                           data={"csrf_token": csrf_from(stale)})
    assert "Zh Alpha Net 已于今日标记为已核实。" in verified.text

    history = client.get(f"/inventory/mechanisms/{net.id}/history").text
    assert "恢复第 1 次修订" in history and "Restore revision" not in history

    new = client.get("/inventory/technologies/new").text
    assert "添加技术" in new and "技术成熟度（TRL，1–9）" in new and "请选择…" in new
    refused = client.post("/inventory/technologies/new", data={
        "name": "Zh Gamma Dryer", "stage": "research", "trl": "x", "availability": "open_licence",
        "csrf_token": csrf_from(new)})
    assert refused.status_code == 422
    assert "请输入整数" in refused.text and "已有其他技术使用此名称" in refused.text
    assert "enter a whole number" not in refused.text

    transfer = client.get("/inventory/transfer").text
    assert "导出和导入" in transfer and "文件（.json 或 .zip）" in transfer
    bad = client.post("/inventory/transfer/import", data={"csrf_token": csrf_from(transfer)},
                      files={"file": ("x.json", b'{"mechanisms": 3}', "application/json")})
    assert bad.status_code == 422
    assert "文件中有无法导入的行；未导入任何内容。" in bad.text and "应为列表" in bad.text


def test_messages_with_values_show_in_chinese(client: TestClient, db: Session) -> None:
    """Messages that carry a value (a code, a currency, a row's place) are translated too."""
    net, _ = _records(db)
    _signed_in(client, db, Role.CURATOR)

    new = client.get("/inventory/mechanisms/new").text
    refused = client.post("/inventory/mechanisms/new", data={
        "name": "Zh Delta Fund", "kind": "fund", "scope": "LDC ATLANTIS", "description": "x",
        "budget_amount": "1.5", "budget_currency": "JPY", "csrf_token": csrf_from(new)})
    assert refused.status_code == 422
    assert "未知的代码：ATLANTIS" in refused.text and "unknown code(s)" not in refused.text
    assert "JPY 有 0 位小数" in refused.text and "decimal places" not in refused.text

    page = client.get(f"/inventory/mechanisms/{net.id}").text
    fund = next(m for m in mechanisms.list_all(db) if m.name == "Zh Beta Fund")
    twice = client.post(f"/inventory/mechanisms/{net.id}/links", data={
        "target_id": str(fund.id), "type": "funded_by", "csrf_token": csrf_from(page)})
    assert twice.status_code == 409
    assert "该关联已存在。" in twice.text and "已以 funded_by 关系关联" in twice.text

    transfer = client.get("/inventory/transfer").text
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("mechanisms.csv", "name,colour\nZh X,red\n")
    bad = client.post("/inventory/transfer/import", data={"csrf_token": csrf_from(transfer)},
                      files={"file": ("x.zip", archive.getvalue(), "application/zip")})
    assert bad.status_code == 422
    assert "mechanisms.csv 第 1 行" in bad.text and "缺少列：acronym, kind" in bad.text
    assert "；未知列：colour" in bad.text and "missing column(s)" not in bad.text


def test_the_api_keeps_answering_in_english(client: TestClient, db: Session) -> None:
    _records(db)
    _in_chinese(client)
    facets = client.get("/api/v1/mechanisms").json()["facets"]
    assert "Water" in {v["label"] for v in facets["sector"]}
    assert "Africa" in {v["label"] for v in facets["group"]}
    missing = client.get("/api/v1/mechanisms/999999")
    assert missing.json()["error"]["message"] == "No such mechanism."


def test_a_suggestion_decided_is_told_in_the_authors_language(db: Session) -> None:
    """Each author reads the curator's decision in the language their account chose."""
    net, dryer = _records(db)
    curator = make_user(db, roles=[Role.CURATOR])
    chinese, english = make_user(db), make_user(db)
    chinese.locale = "zh-Hans"
    db.flush()
    for author in (chinese, english):
        made = suggestions.create_suggestion(db, author=author, entity_type="technology",
                                             entity_id=dryer.id, payload={"summary": "Warm"},
                                             comment=None)
        suggestions.reject(db, suggestion=made, curator=curator, reason="No 100% source.")
    applied = suggestions.create_suggestion(db, author=chinese, entity_type="mechanism",
                                            entity_id=net.id, payload={"acronym": "ZAN"},
                                            comment=None)
    suggestions.accept(db, suggestion=applied, curator=curator)
    db.commit()
    page = f"{{site}}/inventory/technologies/{dryer.id}"

    rejected, accepted = notifications.for_recipient(db, recipient_id=chinese.id)
    assert rejected.subject == "您的修改建议未被采纳：Zh Gamma Dryer"
    assert rejected.body == f"内容管理员未采纳您的修改建议，理由如下：\n\nNo 100% source.\n\n{page}"
    assert accepted.subject == "您的修改建议已被采纳：Zh Alpha Net"
    assert accepted.body.startswith("内容管理员已采纳您的修改建议；该记录的历史记录中署有您的名字。\n\n")
    assert accepted.body.endswith(f"/inventory/mechanisms/{net.id}")

    (told,) = notifications.for_recipient(db, recipient_id=english.id)
    assert told.subject == "Your suggestion was not applied: Zh Gamma Dryer"
    assert told.body == ("A curator did not apply your suggestion, saying:\n\n"
                         f"No 100% source.\n\n{page}")
