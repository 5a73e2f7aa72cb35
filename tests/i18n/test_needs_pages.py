"""The needs, gaps, country and coordination pages in Chinese, for a visitor, a curator and a
sponsor: the interface's words are Chinese, the people's data (technology names) as typed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.factories import csrf_from, form_post, login, make_user
from tests.needs.hand_case import build


def _chinese(client: TestClient) -> None:
    client.cookies.set("vc_lang", "zh-Hans")


def test_a_visitor_reads_the_gaps_page_and_its_heatmap_in_chinese(client: TestClient,
                                                                    db: Session) -> None:
    build(db)
    _chinese(client)
    html = client.get("/gaps").text
    assert '<html lang="zh-Hans">' in html
    assert "<h1>技术缺口</h1>" in html and "显示缺口" in html and "清除筛选条件" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert '<title id="heatmap-title">按部门和阶段划分的技术缺口（所有国家，待解决需求）' in svg
    assert "缺口分值汇总" in svg and "1 项需求 · 1 项未覆盖" in svg
    assert "Summed gap score" not in svg and "uncovered" not in svg
    table = html[html.index('id="matrix-table"'):]
    assert "1 项需求，1 项未覆盖" in table[:table.index("</table>")]
    assert "缺口分值 = 优先级权重 × 脆弱性权重 ÷ (1 + 覆盖机制数量)" in html
    assert '<option value="open" selected>待解决</option>' in html
    assert "Ocean energy" in html and "斐济" in html            # data as typed; the country's name
    for english in ("Technology gaps", "Show gaps", "Ranked gaps", "How gaps are computed",
                    "No needs match", "Start a challenge"):
        assert english not in html
    bad = client.get("/gaps", params={"sector": "space"})
    assert bad.status_code == 422 and "未知部门" in bad.text and "unknown sector" not in bad.text


def test_a_sponsor_gets_the_challenge_links_in_chinese(client: TestClient, db: Session) -> None:
    build(db)
    login(client, make_user(db, roles=[Role.SPONSOR]).email or "")
    _chinese(client)
    html = client.get("/gaps").text
    assert "针对此缺口发起挑战赛" in html and "Start a challenge for this gap" not in html


def test_the_country_page_names_the_country_and_its_groups_in_chinese(client: TestClient,
                                                                      db: Session) -> None:
    build(db)
    _chinese(client)
    html = client.get("/countries/npl").text
    assert "<h1>尼泊尔" in html and "<title>尼泊尔" in html
    assert "尼泊尔目前属于：" in html
    assert "最不发达国家" in html and "内陆发展中国家" in html
    assert "Least Developed Countries" not in html and ">Nepal" not in html
    assert "技术需求 <small>（2 项；0 项无任何机制覆盖）</small>" in html
    assert "在尼泊尔运行的机制" in html and "向尼泊尔开放的挑战赛" in html and "目前没有。" in html
    assert "Mini-grids" in html                                  # a need as it was recorded
    for english in ("Technology needs", "Mechanisms active in", "Challenges open to",
                    "None at the moment", "Groups<"):
        assert english not in html


def test_the_coordination_page_in_chinese(client: TestClient, db: Session) -> None:
    build(db)
    _chinese(client)
    html = client.get("/coordination", params={"threshold": "0.05", "currency": "USD",
                                               "rates": "EUR:1.08"}).text
    assert "<h1>机制之间的协调</h1>" in html and "重叠的机制" in html and "换算" in html
    assert "USD：USD 10,010.81，来自 2 个机制" in html and "未换算（未提供汇率）" in html
    assert "Overlapping mechanisms" not in html and ">Convert<" not in html
    bad = client.get("/coordination", params={"threshold": "2"}).text
    assert "部分字段无效。" in bad and "必须大于 0 且不超过 1" in bad
    assert "must be above 0" not in bad


def test_a_visitor_reads_the_needs_list_and_a_need_in_chinese(client: TestClient,
                                                              db: Session) -> None:
    need = build(db).needs["N1"]
    _chinese(client)
    listing = client.get("/needs").text
    assert "<h1>技术需求 <small>(6)</small></h1>" in listing and "筛选" in listing
    assert "以 CSV 格式下载全部需求" in listing and "导入 CSV" not in listing
    assert "<td>高</td>" in listing and "<td>待解决</td>" in listing
    assert "Download all needs" not in listing and ">Filter<" not in listing
    detail = client.get(f"/needs/{need.id}").text
    assert "<dt>优先级</dt><dd>高</dd>" in detail and "<dt>状态</dt><dd>待解决</dd>" in detail
    assert "修改历史记录" in detail and "删除此需求" not in detail
    assert "Covering mechanisms" not in detail and "History of changes" not in detail
    history = client.get(f"/needs/{need.id}/history").text
    assert "第 1 次修订：创建" in history and "由 系统 操作" in history
    assert "Revision 1" not in history


def test_a_curator_records_and_edits_a_need_in_chinese(client: TestClient, db: Session) -> None:
    build(db)
    login(client, make_user(db, roles=[Role.CURATOR]).email or "")
    _chinese(client)
    listing = client.get("/needs").text
    assert "记录需求" in listing and "导入 CSV" in listing and "导出 CSV" in listing
    blank = client.get("/needs/new").text
    assert "<h1>记录技术需求</h1>" in blank and "请选择部门" in blank and "记录该需求" in blank
    assert '<option value="adaptation" >适应</option>' in blank
    assert "Record the need" not in blank and "Choose a sector" not in blank
    form = {"country_code": "npl", "sector": "water", "stage": "research",
            "technology_name": "Glacial lake early warning", "technology_ref": "",
            "mitigation_adaptation": "adaptation", "priority": "high", "source_title": "",
            "source_url": "ftp://x", "status": "open", "notes": ""}
    bad = form_post(client, "/needs/new", "/needs/new", form)
    assert bad.status_code == 422  # type: ignore[attr-defined]
    error = bad.text.split('id="e-source_url">')[1].split("</p>")[0]  # type: ignore[attr-defined]
    assert "http://" in error and "must be" not in error                 # said in Chinese
    created = form_post(client, "/needs/new", "/needs/new", {**form, "source_url": ""},
                        follow=True)
    assert "需求已记录。" in created.text and "删除此需求" in created.text  # type: ignore[attr-defined]
    url = str(created.url)  # type: ignore[attr-defined]
    edit = client.get(f"{url}/edit").text
    assert "编辑需求" in edit and "保存" in edit and ">Save<" not in edit
    edited = form_post(client, f"{url}/edit", f"{url}/edit", {**form, "source_url": "",
                                                              "priority": "low"}, follow=True)
    assert "需求已保存。" in edited.text  # type: ignore[attr-defined]
    assert "第 2 次修订：更新" in client.get(f"{url}/history").text
    imports = client.get("/needs/import").text
    assert "从 CSV 导入需求" in imports and "CSV 文件（UTF-8）" in imports
    assert "Import needs from CSV" not in imports


def test_messages_with_values_read_in_chinese_with_their_values(client: TestClient,
                                                                db: Session) -> None:
    build(db)
    _chinese(client)
    missing = client.get("/needs/987654")
    assert missing.status_code == 404 and "没有 ID 为 987654 的需求。" in missing.text
    assert "No need with id" not in missing.text
    gaps = client.get("/gaps", params={"group": "NOPE"})
    assert gaps.status_code == 422 and "未知的国家组别 &#39;NOPE&#39;。" in gaps.text
    assert "未知的国家组别代码" in gaps.text and "Unknown country group" not in gaps.text
    page = client.get("/coordination", params={"currency": "XYZ"}).text
    assert "&#39;XYZ&#39; 不是 ISO 4217 货币" in page and "is not an ISO 4217" not in page
    page = client.get("/coordination", params={"currency": "USD", "rates": "EUR:1,EUR:2"}).text
    assert "EUR 重复给出" in page and "given twice" not in page
    page = client.get("/coordination", params={"currency": "USD", "rates": "USD:1"}).text
    assert "USD 本身无需汇率" in page and "no rate is needed" not in page


def test_a_curator_reads_what_is_wrong_with_an_import_in_chinese(client: TestClient,
                                                                 db: Session) -> None:
    build(db)
    login(client, make_user(db, roles=[Role.CURATOR]).email or "")
    _chinese(client)
    page = client.get("/needs/import")
    body = ("id,country,sector,stage,mitigation_adaptation,priority\n"
            "abc,KEN,water,research,adaptation,low\n"
            ",XXX,water,research,adaptation,low\n"
            ",XXX,water,research,adaptation,urgent\n"
            ",KEN,water,research,adaptation,low,extra\n")
    answer = client.post("/needs/import", data={"csrf_token": csrf_from(page.text)},
                         files={"file": ("needs.csv", body.encode(), "text/csv")})
    html = answer.text
    assert answer.status_code == 422 and "4 行无效；未导入任何内容。" in html
    assert "id：&#39;abc&#39; 不是有效的 id（应为 1 到 2147483647 之间的整数）" in html
    assert "country：未知的 ISO 3166-1 三字母代码 &#39;XXX&#39;" in html
    assert "priority：输入应为 &#39;high&#39;" in html and "有 7 个单元格，而标题行有 6 个" in html
    assert "not valid" not in html and "whole number" not in html and "unknown ISO" not in html
    header = client.post("/needs/import", data={"csrf_token": csrf_from(page.text)},
                         files={"file": ("needs.csv", b"id,colour,colour\n", "text/csv")})
    assert "未知列：colour, colour；重复列：colour" in header.text   # each part, and the join
    assert "column(s)" not in header.text
