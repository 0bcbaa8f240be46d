"""Documents an office can issue (issue 9): issuers by rule, editions, results as inspectors record them,
the record form, the --issuers and --session inputs, real XLSX types, DOCX grids, PDF, screenshots."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from helpers import chromium_screenshot

from ssjlang.diagnostics import InputError
from ssjlang.documents.issuers import Organisation, channel, describe_beacon, load_issuers, load_session
from ssjlang.documents.render import RenderOptions, render_documents
from ssjlang.documents.results import load_results
from ssjlang.documents.views import Edition, stratum_labels

HERE = Path(__file__).parent
DATA = HERE / "data"
ALL = frozenset({"html", "docx", "xlsx", "csv"})
RISK_WORDS = ("低风险", "一般风险", "较高风险", "高风险", "未分类", "风险等级")


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


@pytest.fixture(scope="module")
def plan() -> dict:
    return _json("fixture_plan.json")


@pytest.fixture(scope="module")
def record() -> dict:
    return _json("fixture_record.json")


def document_text(name: str, data: bytes) -> str:
    """The text of a written file as a reader sees it: HTML/CSV decoded, DOCX/XLSX XML parts joined."""
    if name.endswith((".docx", ".xlsx")):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return data.decode("utf-8-sig")


def risk_mentions(plan: dict, name: str, data: bytes) -> list[str]:
    """Risk-class words in a file, leaving out the plan's own policy text (the 智慧监管 column and the
    profiles' descriptions say 低风险、一般风险… as rules, not of any subject)."""
    text = document_text(name, data)
    for policy in {t["risk_text"] for t in plan["tasks"]} | {
        p.get("description") or "" for p in plan["profiles"]
    }:
        if policy:
            text = text.replace(policy, "")
    return [w for w in RISK_WORDS if w in text]


# ---------------------------------------------------------------- issuers


def test_units_issue_under_their_department_and_levels_through_the_office_on_the_team() -> None:
    plan = {
        "plan": {
            "title": "t",
            "year": 2024,
            "authority": "某市市场监督管理局",
            "doc_number": "某市监发〔{年}〕{号}号",
        },
        "departments": [
            {
                "name": "市农业农村局",
                "aliases": ["农业局"],
                "units": [{"name": "执法大队", "aliases": ["大队"]}],
                "full_name": "某市农业农村局",
                "doc_number": "某农发〔{年}〕{号}号",
                "contact": None,
                "phone": None,
                "address": None,
                "site": None,
                "areas": [],
            },
            {
                "name": "甲区市场监管局",
                "aliases": [],
                "units": [],
                "full_name": "某市甲区市场监督管理局",
                "doc_number": None,
                "contact": None,
                "phone": None,
                "address": None,
                "site": None,
                "areas": ["甲区"],
            },
            {
                "name": "乙区市场监管局",
                "aliases": [],
                "units": [],
                "full_name": "某市乙区市场监督管理局",
                "doc_number": None,
                "contact": None,
                "phone": None,
                "address": None,
                "site": None,
                "areas": ["乙区"],
            },
        ],
        "levels": [
            {
                "name": "各区市场监管部门",
                "text": "各区市场监管部门",
                "field": "所属区域",
                "members": ["甲区市场监管局", "乙区市场监管局"],
            }
        ],
        "tasks": [],
    }
    org = Organisation(plan)
    assert org.issuer(org.department_of("大队")).name == "某市农业农村局"
    assert org.issuer(org.department_of("农业局")).doc_number == "某农发〔{年}〕{号}号"
    team = [{"department": "执法大队"}, {"department": "乙区市场监管局"}]
    assert org.body_department("各区市场监管部门", team) == "乙区市场监管局"
    assert org.body_department("执法大队", team) == "市农业农村局"
    assert org.team_departments(team) == ["市农业农村局", "乙区市场监管局"]
    assert org.issuer(None).name == "某市市场监督管理局"  # the plan's own documents
    assert org.issuer("某个未声明的部门").name == "某个未声明的部门"  # never another body's name


def test_publication_channel_follows_the_subject() -> None:
    assert channel("91140502MA0K00001Q", {"type": "有限责任公司"}) == "gsxt"
    assert channel("92140502MA0K00001Q", {"type": ""}) == "gsxt"
    assert channel("L1140502MA0K00001Q", {"type": "个体工商户"}) == "gsxt"
    assert channel("12140502MA0K00001Q", {"type": "事业单位"}) == "site"
    assert channel("52140502MA0K00001Q", {"type": "民办非企业单位"}) == "site"


def test_a_public_institution_is_told_its_result_goes_on_the_departments_site(
    plan: dict, record: dict
) -> None:
    # the fixture gives the 医保 centre an enterprise-like code; a 事业单位's code begins with 12
    public_body = json.loads(json.dumps(record).replace("91140502MA0K000130", "12140502MA0K000130"))
    out = render_documents(plan, public_body, None, RenderOptions(formats=frozenset({"html"})))
    notice = out.files["通知书/V0009-晋城市医疗保险事务中心.html"].decode()
    assert "晋城市城区医疗保障局门户网站（http://example.invalid/ybj）" in notice
    assert "国家企业信用信息公示系统" not in notice
    assert "城区医保发〔2024〕1号" in notice and "晋城市城区市场监督管理局" not in notice
    other = out.files["通知书/V0001-晋城市城区甲汽车销售有限公司.html"].decode()
    assert "通过国家企业信用信息公示系统向社会公示" in other


def test_draw_list_is_issued_by_the_tasks_lead(plan: dict, record: dict) -> None:
    out = render_documents(plan, record, None, RenderOptions(formats=frozenset({"html"})))
    lst = out.files["名单/任务18-第1轮.html"].decode()
    assert '<div class="signature small"><div>晋城市公安局城区分局</div>' in lst
    assert "晋城市城区市场监督管理局" not in lst


# ---------------------------------------------------------------- editions


def test_public_edition_shows_no_risk_class_and_internal_keeps_it(plan: dict, record: dict) -> None:
    results, _ = load_results(DATA / "results" / "results_ok.csv", record)
    public = render_documents(plan, record, results, RenderOptions(formats=ALL))
    for name, data in public.files.items():
        assert risk_mentions(plan, name, data) == [], name
    publication = public.files["公示/抽查情况公示.html"].decode()
    assert "第1层" in publication and "信用风险分类不向社会公开" in publication
    internal = render_documents(plan, record, results, RenderOptions(formats=ALL, edition="internal"))
    assert "风险等级" in risk_mentions(
        plan, "名单/任务04-第1轮.html", internal.files["名单/任务04-第1轮.html"]
    )
    assert "低风险" in internal.files["名单/任务04-第1轮.html"].decode()
    assert (
        "（A）" not in publication
        and '<td class="c">A</td>' in internal.files["公示/抽查情况公示.html"].decode()
    )


def test_plan_that_publishes_risk_classes_shows_them_in_the_public_edition(plan: dict, record: dict) -> None:
    open_plan = json.loads(json.dumps(plan))
    open_plan["plan"]["publish_risk"] = True
    out = render_documents(open_plan, record, None, RenderOptions(formats=frozenset({"html"})))
    assert "低风险" in out.files["名单/任务04-第1轮.html"].decode()


def test_neutral_stratum_labels_follow_the_digests_not_the_classes() -> None:
    strata = [
        {"label": "A", "risk": "A", "population_digest": "c"},
        {"label": "B", "risk": "B", "population_digest": "a"},
        {"label": "三级/D", "risk": "D", "population_digest": "b"},
        {"label": "全部", "risk": None, "population_digest": "d"},
    ]
    assert stratum_labels(strata, Edition()) == ["第2层", "第1层", "三级/第1层", "全部"]
    assert stratum_labels(strata, Edition("internal")) == ["A", "B", "三级/D", "全部"]


# ---------------------------------------------------------------- results as inspectors record them


def _filled_results(tmp_path: Path) -> Path:
    """V0001 (tasks 4 and 6) item by item with methods, outcomes and follow-up; V0002 as one row with two
    categories; V0005 left blank (a template row not yet entered)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "检查编号",
            "统一社会信用代码",
            "名称",
            "任务序号",
            "检查事项",
            "检查方式",
            "检查日期",
            "检查结果",
            "后续处置",
            "完成日期",
            "处理情况/备注",
        ]
    )
    a = "91140502MA0K00001Q"
    sheet.append(
        [
            "V0001",
            a,
            None,
            4,
            "对从事汽车销售及其相关服务活动的检查",
            "现场检查",
            datetime(2024, 3, 4),
            "未发现问题",
            "无需后续处置",
            None,
            None,
        ]
    )
    sheet.append(
        [
            "V0001",
            a,
            None,
            4,
            "市场主体登记事项和公示信息检查",
            "书面检查、网络监测",
            None,
            "未按规定公示应当公示的信息",
            "责令限期改正",
            "2024-03-20",
            "已补报年报",
        ]
    )
    sheet.append(
        [
            "V0001",
            a,
            None,
            6,
            "对二手车交易市场和二手车经营主体的检查",
            "现场检查",
            "2024-03-04",
            "发现问题已责令改正",
            "当场整改；其他：约谈负责人",
            "2024年3月4日",
            None,
        ]
    )
    sheet.append(
        [
            "V0001",
            a,
            None,
            6,
            "市场主体登记事项和公示信息检查",
            "现场检查",
            None,
            "未发现问题",
            None,
            None,
            None,
        ]
    )
    sheet.append(
        [
            "V0002",
            "91140502MA0K00003Y",
            None,
            4,
            None,
            "现场检查",
            "2024-03-05",
            "未按规定公示应当公示的信息；发现问题待后续处理（移交）",
            "移送有关部门处理",
            None,
            "移交城区市场监管局",
        ]
    )
    sheet.append(["V0005", "91140502MA0K00007B", None, 6, None, None, None, None, None, None, None])
    path = tmp_path / "results.xlsx"
    workbook.save(path)
    return path


def test_item_results_round_trip_into_the_departments_publication(
    tmp_path: Path, plan: dict, record: dict
) -> None:
    results, _ = load_results(_filled_results(tmp_path), record, plan=plan)
    assert [(r.subject, r.task, r.categories) for r in results.rows] == [
        ("91140502MA0K00001Q", 4, ("未按规定公示应当公示的信息",)),
        ("91140502MA0K00001Q", 6, ("发现问题已责令改正",)),
        ("91140502MA0K00003Y", 4, ("未按规定公示应当公示的信息", "发现问题待后续处理（移交）")),
    ]
    first = results.rows[0]
    assert [i.outcome for i in first.items] == [("未发现问题",), ("未按规定公示应当公示的信息",)]
    assert first.methods == ("现场检查", "书面检查", "网络监测") and first.completed == date(2024, 3, 20)
    assert results.rows[1].disposal == ("当场整改", "其他：约谈负责人")
    out = render_documents(plan, record, results, RenderOptions(formats=ALL))
    html = out.files["公示/抽查结果公示-城区商务局.html"].decode()
    assert "未按规定公示应当公示的信息；发现问题待后续处理（移交）" in html
    assert "无需后续处置；责令限期改正（2024年3月20日完成）。已补报年报" in html
    assert "当场整改；其他：约谈负责人（2024年3月4日完成）" in html
    assert "移送有关部门处理（处置中）。移交城区市场监管局" in html
    assert "1.对二手车交易市场和二手车经营主体的检查；2.市场主体登记事项和公示信息检查" in html
    assert "91140502MA0K00007B" not in html  # not entered yet: not published
    csv_text = out.files["公示/抽查结果公示-城区商务局.csv"].decode("utf-8-sig")
    assert (
        csv_text.splitlines()[0]
        == "序号,统一社会信用代码,名称,检查机关,任务序号,检查事项,检查日期,检查结果,处理情况,公示渠道"
    )


def test_item_level_problems_are_reported_at_their_cells(tmp_path: Path, record: dict) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "统一社会信用代码",
            "任务序号",
            "检查事项",
            "检查方式",
            "检查日期",
            "检查结果",
            "后续处置",
            "完成日期",
        ]
    )
    a = "91140502MA0K00001Q"
    sheet.append([a, 4, "对汽车销售的检查", "现场检查", "2024-03-04", "未发现问题", None, None])
    sheet.append(
        [
            a,
            4,
            "市场主体登记事项和公示信息检查",
            "飞行检查",
            "2024-03-05",
            "未发现问题；发现问题已责令改正",
            "罚款",
            "2024-03-01",
        ]
    )
    sheet.append([a, 6, "市场主体登记事项和公示信息检查", "现场检查", "2024-03-04", "未发现问题", None, None])
    sheet.append([a, 6, "市场主体登记事项和公示信息检查", "现场检查", "2024-03-04", "未发现问题", None, None])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as info:
        load_results(path, record)
    found = {(d.code, d.span.line, d.span.column) for d in info.value.diagnostics}
    assert ("SSJ417", 2, 3) in found  # not an item of task 4 for this subject
    assert ("SSJ419", 3, 4) in found  # unknown 检查方式
    assert ("SSJ416", 3, 6) in found  # 未发现问题 beside a finding
    assert ("SSJ419", 3, 7) in found  # 罚款 is not a standard 后续处置
    assert ("SSJ418", 3, 8) in found  # completed before the inspection
    assert ("SSJ407", 5, 1) in found  # the same item twice
    hint = next(d.hint for d in info.value.diagnostics if d.code == "SSJ417")
    assert "对从事汽车销售及其相关服务活动的检查" in (hint or "")


def test_dates_of_one_subject_and_task_must_agree(tmp_path: Path, record: dict) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "统一社会信用代码,任务序号,检查事项,检查日期,检查结果\n"
        "91140502MA0K00001Q,4,对从事汽车销售及其相关服务活动的检查,2024-03-04,未发现问题\n"
        "91140502MA0K00001Q,4,市场主体登记事项和公示信息检查,2024-03-06,未发现问题\n",
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        load_results(path, record)
    assert [(d.code, d.span.line) for d in info.value.diagnostics if d.is_error] == [("SSJ418", 3)]


def test_results_from_several_files_one_per_department(tmp_path: Path, record: dict) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(
        "统一社会信用代码,任务序号,检查日期,检查结果\n91140502MA0K00001Q,4,2024-03-04,未发现问题\n", "utf-8"
    )
    second.write_text(
        "统一社会信用代码,任务序号,检查日期,检查结果\n91140502MA0K00008E,18,2024-03-11,未发现问题\n"
        "91140502MA0K00001Q,4,2024-03-04,未发现问题\n",
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        load_results([first, second], record)
    duplicate = next(d for d in info.value.diagnostics if d.code == "SSJ407")
    assert duplicate.file == str(second) and duplicate.related[0].file == str(first)
    second.write_text(
        "统一社会信用代码,任务序号,检查日期,检查结果\n91140502MA0K00008E,18,2024-03-11,未发现问题\n", "utf-8"
    )
    results, _ = load_results([first, second], record)
    assert [(r.file, r.subject) for r in results.rows] == [
        (str(first), "91140502MA0K00001Q"),
        (str(second), "91140502MA0K00008E"),
    ]


def test_entry_template_rows_are_the_departments_items_and_read_back(
    tmp_path: Path, plan: dict, record: dict
) -> None:
    out = render_documents(plan, record, None, RenderOptions(formats=frozenset({"xlsx"})))
    data = out.files["结果录入/结果录入表-城区商务局.xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["结果录入"]
    assert [c.value for c in sheet[1]][:5] == ["检查编号", "统一社会信用代码", "名称", "任务序号", "检查事项"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    mine = [v for v in record["visits"] if v["tasks"][0]["no"] in (4, 6)]
    assert len(rows) == sum(len(v["items"]) for v in mine)
    assert rows[0][:5] == [
        "V0001",
        "91140502MA0K00001Q",
        "晋城市城区甲汽车销售有限公司",
        4,
        "对从事汽车销售及其相关服务活动的检查",
    ]
    assert sheet.cell(row=2, column=6).is_date  # 计划检查日期 is a date cell
    assert sheet.data_validations.dataValidation  # drop-down lists of the standard choices
    # filled as an officer would, then read back as it is
    path = tmp_path / "filled.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(data))
    filled = book["结果录入"]
    filled.cell(row=2, column=8, value=datetime(2024, 3, 4))
    filled.cell(row=2, column=9, value="未发现问题")
    book.save(path)
    results, _ = load_results(path, record)
    assert [(r.subject, r.task, [i.item for i in r.items]) for r in results.rows] == [
        ("91140502MA0K00001Q", 4, ["对从事汽车销售及其相关服务活动的检查"])
    ]


# ---------------------------------------------------------------- the record form


def test_record_form_lists_exactly_the_visits_items_and_team(plan: dict, record: dict) -> None:
    out = render_documents(plan, record, None, RenderOptions(formats=frozenset({"html", "docx"})))
    visit = record["visits"][0]
    html = out.files["记录表/V0001-晋城市城区甲汽车销售有限公司.html"].decode()
    items = re.findall(r'<tr><td class="c">(\d+)</td><td>([^<]+)', html)
    assert [text for _, text in items] == [i["item"] for i in visit["items"]]
    assert [n for n, _ in items] == [str(n) for n in range(1, len(visit["items"]) + 1)]
    team = re.findall(
        r'<tr><td class="c">([^<（]+)(?:（主检）)?</td><td class="c">([^<]+)</td><td class="c mono">(\d+)',
        html,
    )
    assert team == [(m["name"], m["department"], m["badge"]) for m in visit["team"]]
    for choice in ("□无需后续处置", "□立案调查", "□其他", "□未发现问题", "□现场检查"):
        assert choice in html
    word = docx.Document(io.BytesIO(out.files["记录表/检查情况记录表.docx"]))
    texts = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert all(i["item"] in texts for v in record["visits"] for i in v["items"])


# ---------------------------------------------------------------- --issuers and --session


def test_issuers_file_fills_what_the_plan_lacks_and_the_plan_wins(tmp_path: Path, plan: dict) -> None:
    path = tmp_path / "issuers.csv"
    path.write_text(
        "部门,全称,文号,联系人,电话,起始号\n"
        "城区卫体局,晋城市城区卫生健康和体育局,城区卫体发〔{年}〕{号}号,新联系人,0356-1,12\n"
        "发文机关,,,,0356-9,\n",
        "utf-8",
    )
    issuers, warnings = load_issuers(path, plan)
    org = Organisation(plan, issuers)
    health = org.issuer("城区卫体局")
    assert health.contact == "赵丽华"  # the plan's value is used
    assert health.first_number == 12
    assert [(w.code, w.span.line, w.span.column) for w in warnings] == [
        ("SSJ432", 2, 4),
        ("SSJ432", 2, 5),
        ("SSJ432", 3, 5),
    ]
    assert org.plan_issuer.phone == "0356-0000000"  # the plan header's phone wins too


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("部门,全称\n城区不存在局,某局\n", ("SSJ431", 2, 1)),
        ("全称,电话\n某局,1\n", ("SSJ430", 1, 1)),
        ("部门,文号\n城区卫体局,城区卫体发〔{年}〕\n", ("SSJ433", 2, 2)),
        ("部门,起始号\n城区卫体局,第一\n", ("SSJ433", 2, 2)),
        ("部门,电话\n城区卫体局,1\n区人社局,2\n城区人社局,3\n", ("SSJ433", 4, 1)),
    ],
)
def test_bad_issuers_files_name_the_cell(tmp_path: Path, plan: dict, text: str, where: tuple) -> None:
    path = tmp_path / "issuers.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        load_issuers(path, plan)
    assert where in {(d.code, d.span.line, d.span.column) for d in info.value.diagnostics}


def test_session_file_and_its_account(tmp_path: Path, plan: dict, record: dict) -> None:
    path = tmp_path / "session.txt"
    path.write_text(
        "# 抽取现场\n时间：2024-02-28 09:30\n地点: 城区市场监管局三楼会议室\n"
        "见证：晋城市城区公证处、城区纪检监察组\n",
        "utf-8",
    )
    session = load_session(path)
    assert session.time == "2024年2月28日9时30分" and session.witnesses == (
        "晋城市城区公证处",
        "城区纪检监察组",
    )
    out = render_documents(plan, record, None, RenderOptions(formats=frozenset({"html"}), session=session))
    html = out.files["公示/抽查情况公示.html"].decode()
    account = html.index("2024年2月28日9时30分，晋城市城区市场监督管理局在城区市场监管局三楼会议室组织了")
    assert account < html.index("附件") < html.index("承诺文本 T")  # the account first, the digests after
    assert "晋城市城区公证处、城区纪检监察组派员到场见证" in html
    assert describe_beacon(record["commitment"]["beacon"]) in html
    assert describe_beacon("dice:d10x20") == "当众投掷10面骰子20次，依次记录每次的点数，连成随机数"
    assert not [w for w in out.warnings if w.code == "SSJ425"]
    assert (
        describe_beacon("福彩双色球 2024-03-05 开奖号码")
        == "取自事先公布的公开随机来源：福彩双色球 2024-03-05 开奖号码"
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("时间 2024-02-28\n", ("SSJ434", 1)),
        ("时刻：2024-02-28\n", ("SSJ434", 1)),
        ("地点：甲\n地点：乙\n", ("SSJ434", 2)),
        ("# c\n时间：二月底\n", ("SSJ435", 2)),
        ("时间：2024-02-30 09:00\n", ("SSJ435", 1)),
    ],
)
def test_bad_session_files_name_the_line(tmp_path: Path, text: str, where: tuple) -> None:
    path = tmp_path / "session.txt"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        load_session(path)
    assert where in {(d.code, d.span.line) for d in info.value.diagnostics}


# ---------------------------------------------------------------- task codes and sub-rows


def test_string_task_codes_and_sub_rows_render(plan: dict, record: dict) -> None:
    coded = json.loads(json.dumps(plan))
    drawn = json.loads(json.dumps(record))
    task = next(t for t in coded["tasks"] if t["no"] == 18)
    task["no"] = "SJ-2023-01"
    task["parts"] = [
        {**{k: v for k, v in task.items() if k not in ("no", "name", "parts")}, "sub": 1, "label": "保安公司"}
    ]
    for entry in drawn["tasks"]:
        if entry["no"] == 18:
            entry.update(no="SJ-2023-01", sub=1, label="保安公司")
    for visit in drawn["visits"]:
        for t in visit["tasks"]:
            if t["no"] == 18:
                t.update(no="SJ-2023-01", sub=1)
        for i in visit["items"]:
            if i["task"] == 18:
                i.update(task="SJ-2023-01", sub=1)
    out = render_documents(coded, drawn, None, RenderOptions(formats=ALL))
    assert "名单/任务SJ-2023-01-子项1-第2轮.html" in out.files
    notice = out.files["通知书/V0006-晋城市城区辛保安服务有限公司.html"].decode()
    assert "城区公发〔2024〕1号" in notice and "1.对保安服务公司基本情况" in notice


# ---------------------------------------------------------------- spreadsheets and Word files


def test_xlsx_cells_hold_real_numbers_and_dates(plan: dict, record: dict) -> None:
    results, _ = load_results(DATA / "results" / "results_ok.csv", record)
    out = render_documents(plan, record, results, RenderOptions(formats=frozenset({"xlsx"})))
    lists = openpyxl.load_workbook(io.BytesIO(out.files["名单/抽查名单.xlsx"]))["任务04-第1轮"]
    assert lists["A3"].data_type == "n" and lists["A3"].value == 1
    assert lists["E3"].is_date and lists["E3"].number_format == "yyyy-mm-dd"
    assert isinstance(lists["E3"].value, datetime)
    result = openpyxl.load_workbook(io.BytesIO(out.files["公示/抽查结果公示-城区商务局.xlsx"])).active
    assert result["A3"].value == 1 and result["E3"].value == 4 and result["G3"].is_date
    table = openpyxl.load_workbook(io.BytesIO(out.files["计划/工作计划表.xlsx"])).active
    assert [table.cell(row=r, column=1).value for r in range(3, 3 + len(plan["tasks"]))] == [
        t["no"] for t in plan["tasks"]
    ]


def _grid_problems(data: bytes) -> list[str]:
    """Tables whose tblGrid does not agree with the widths of their cells (what LibreOffice lays out from)."""
    problems = []
    for n, table in enumerate(docx.Document(io.BytesIO(data)).tables):
        grid = [
            int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
            for c in table._tbl.tblGrid.findall(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol"
            )
        ]
        for row in table.rows:
            widths = [c.width.twips if c.width is not None else None for c in row.cells]
            if widths != grid:
                problems.append(f"table {n}: grid {grid}, cells {widths}")
    return problems


def test_docx_table_grids_agree_with_their_cells(plan: dict, record: dict) -> None:
    out = render_documents(plan, record, None, RenderOptions(formats=frozenset({"docx"})))
    names = [n for n in out.files if n.endswith(".docx")]
    assert names == ["计划/工作计划表.docx", "通知书/检查通知书.docx", "记录表/检查情况记录表.docx"]
    for name in names:
        assert _grid_problems(out.files[name]) == [], name
    widths = [
        c.width.twips
        for c in docx.Document(io.BytesIO(out.files["计划/工作计划表.docx"])).tables[0].rows[0].cells
    ]
    assert len(set(widths)) > 3  # not all columns the same width
    for name, title in zip(names, (plan["plan"]["title"], "检查通知书", "检查情况记录表"), strict=True):
        core = docx.Document(io.BytesIO(out.files[name])).core_properties
        assert (core.title, core.author, core.comments) == (title, "晋城市城区市场监督管理局", ""), name


# ---------------------------------------------------------------- PDF


def test_pdf_is_deterministic_and_names_no_tool(plan: dict, record: dict) -> None:
    """--format pdf on one task and its first two visits (small, so the suite stays quick): every printable
    document as PDF, byte-identical on a rerun, dated by the document date, naming no tool."""
    pypdf = pytest.importorskip("pypdf")
    options = RenderOptions(formats=frozenset({"pdf"}), date=date(2024, 2, 28))
    one_task = {**plan, "tasks": plan["tasks"][:1]}
    small = {**record, "tasks": record["tasks"][:1], "visits": record["visits"][1:3]}
    first = render_documents(one_task, small, None, options)
    pdfs = sorted(n for n in first.files if n.endswith(".pdf"))
    assert pdfs == ["公示/抽查情况公示.pdf", "名单/任务04-第1轮.pdf", "汇总.pdf", "计划/工作计划表.pdf",
                    "记录表/检查情况记录表（合并打印）.pdf", "通知书/检查通知书（合并打印）.pdf"]
    assert not [n for n in first.files if n.endswith(".html") and n != "index.html"]  # pdf alone asked for
    again = render_documents(one_task, small, None, options)
    for name in ("通知书/检查通知书（合并打印）.pdf", "公示/抽查情况公示.pdf"):
        assert first.files[name] == again.files[name], name
    data = first.files["通知书/检查通知书（合并打印）.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 4  # each notice one page, each receipt one page
    assert reader.metadata["/CreationDate"].startswith("D:20240228")
    assert b"WeasyPrint" not in data and b"ssjlang" not in data
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
               if not isinstance(item, list)]
    assert outline == [(f"{v['visit']} {record['subjects'][v['subject']]['name']}", 2 * n)
                       for n, v in enumerate(small["visits"])]


# ---------------------------------------------------------------- screenshots (a real browser)


@pytest.fixture(scope="module")
def screenshots_set(plan: dict, record: dict) -> dict[str, bytes]:
    results, _ = load_results(DATA / "results" / "results_ok.csv", record)
    return render_documents(plan, record, results, RenderOptions(formats=frozenset({"html"}))).files


@pytest.mark.parametrize(
    ("name", "path", "red"),
    [
        ("notice", "通知书/V0001-晋城市城区甲汽车销售有限公司.html", True),
        ("form", "记录表/V0001-晋城市城区甲汽车销售有限公司.html", False),
        ("publication", "公示/抽查情况公示.html", False),
        ("results", "公示/抽查结果公示-城区商务局.html", True),
        ("summary", "汇总.html", True),
    ],
)
def test_chromium_renders_the_documents(
    tmp_path: Path, screenshots_set: dict[str, bytes], name: str, path: str, red: bool
) -> None:
    width, height, ink, reds = chromium_screenshot(tmp_path, name, screenshots_set[path], (1000, 1400))
    assert (width, height) == (1000, 1400)
    assert ink > 1500, f"{name}: the page is blank"
    # the notice's and the results' red issuer header; the summary's red reference marks
    assert (reds > 20) == red, f"{name}: {reds} red pixels"
