"""Rendering: the plan table matches the seed, golden HTML, DOCX/XLSX contents, determinism, escaping,
formula neutralisation, the publication's verification commands, and a real Chromium screenshot."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from helpers import chromium_screenshot
from seed import SEED_CORRECTIONS, read_seed

from ssjlang.diagnostics import InputError
from ssjlang.documents import officialstyle as style
from ssjlang.documents.render import (
    PLAN_COLUMNS,
    Rendered,
    RenderOptions,
    default_date,
    make_environment,
    normalise_ooxml,
    plan_rows,
    plan_view,
    render_documents,
    render_template,
    verification_steps,
)
from ssjlang.documents.results import load_results
from ssjlang.output import neutralise_cell

HERE = Path(__file__).parent
DATA = HERE / "data"
GOLDEN = HERE / "golden"
REAL_PLAN = HERE.parent / "plans" / "chengqu2024.ssj"
ALL = frozenset({"html", "docx", "xlsx", "csv"})
UPDATE = os.environ.get("SSJ_UPDATE_GOLDEN") == "1"


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


def notice_numbers(record: dict) -> dict[str, str]:
    """The 文号 each fixture notice must carry, worked out by hand from the fixture plan: the 发起 of the
    visit's first task numbers it in its own sequence; 城区市场监管局, the plan's authority, uses the
    plan's."""
    plan = _json("fixture_plan.json")
    departments = {d["name"]: d for d in plan["departments"]}
    leads = {t["no"]: t["lead"] for t in plan["tasks"]}
    counters: dict[str, int] = {}
    numbers = {}
    for visit in record["visits"]:
        lead = departments[leads[visit["tasks"][0]["no"]]]
        pattern = lead["doc_number"] or (plan["plan"]["doc_number"]
                                         if lead["full_name"] == plan["plan"]["authority"] else None)
        counters[lead["name"]] = counters.get(lead["name"], 0) + 1
        numbers[visit["visit"]] = pattern.replace("{年}", "2024").replace("{号}", str(counters[lead["name"]]))
    return numbers


@pytest.fixture(scope="module")
def plan() -> dict:
    return _json("fixture_plan.json")


@pytest.fixture(scope="module")
def record() -> dict:
    return _json("fixture_record.json")


@pytest.fixture(scope="module")
def rendered(plan: dict, record: dict) -> Rendered:
    results, _ = load_results(DATA / "results" / "results_ok.csv", record)
    return render_documents(plan, record, results, RenderOptions(formats=ALL))


def real_plan() -> dict:
    """The shipped plan as data, through the real checker and export."""
    assert REAL_PLAN.exists(), "plans/chengqu2024.ssj ships with the repository"
    from ssjlang.check.checker import load_plan
    from ssjlang.check.export import export_plan

    return export_plan(load_plan(REAL_PLAN).resolved)


# ---------------------------------------------------------------- the seed


def _strip_numbering(text: str) -> str:
    """Remove the item numbers 1. 2、 3 … in order, wherever the seed glued them to the text."""
    out, pos, n = text, 0, 1
    while True:
        m = re.compile(rf"{n}[.、．]?").search(out, pos)
        if m is None:
            return out
        out = out[: m.start()] + out[m.end() :]
        pos, n = m.start(), n + 1


def norm(text: str, column: str) -> str:
    text = re.sub(r"\s+", "", text)
    if column == "抽查事项":
        text = _strip_numbering(text)
    if column in ("发起部门", "配合部门"):
        text = "、".join(SEED_CORRECTIONS.get(p, p) for p in text.split("、"))
    text = re.sub(r"[-—–~～至]", "-", text)
    return re.sub(r"[；;，,。.]", "", text)


def html_table_cells(html: str) -> list[list[str]]:
    """Body rows of the plan table as cell texts (tags → newlines), from the rendered HTML."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([re.sub(r"<[^>]+>", "\n", c).replace("&amp;", "&").strip() for c in cells])
    return rows


#: The column the published seed table lacks and the plan table adds (定向/不定向 from 定向 in the plan).
ADDED_COLUMN = "抽查类型"


def _compare_with_seed(data: dict) -> int:
    table = read_seed()
    seed_columns = [c for c in PLAN_COLUMNS if c != ADDED_COLUMN]
    assert [re.sub(r"\s+", "", h) for h in table.header] == seed_columns
    assert data["plan"]["title"] == table.title
    seed = {int(r[0].strip()): r for r in table.rows}
    html = render_template(
        make_environment(),
        "plan_table.html",
        {"plan": plan_view(data), "date": "2024-03-01", "date_cn": "2024年3月1日"},
    )
    compared = 0
    added = PLAN_COLUMNS.index(ADDED_COLUMN)
    for cells in html_table_cells(html):
        no = int(cells[0])
        assert no in seed, f"task {no} is not in the seed"
        assert cells[added] == ("定向抽查" if next(t for t in data["tasks"] if t["no"] == no)["directed"]
                                else "不定向抽查")
        mine_cells = cells[:added] + cells[added + 1:]
        for column, mine, theirs in zip(seed_columns, mine_cells, seed[no], strict=True):
            assert norm(mine, column) == norm(theirs, column), (
                f"task {no} {column}: {mine!r} vs seed {theirs!r}"
            )
        compared += 1
    return compared


def test_fixture_plan_table_matches_seed(plan: dict) -> None:
    assert _compare_with_seed(plan) == len(plan["tasks"])


def test_real_plan_table_matches_seed_task_by_task() -> None:
    assert _compare_with_seed(real_plan()) == 27


# ---------------------------------------------------------------- golden HTML


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"golden file {path} is missing; run with SSJ_UPDATE_GOLDEN=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name} differs from the golden file (SSJ_UPDATE_GOLDEN=1 to accept)"


def test_golden_plan_table_fixture(plan: dict) -> None:
    out = render_documents(plan, None, None, RenderOptions(formats=frozenset({"html"})))
    _golden("fixture/工作计划表.html", out.files["计划/工作计划表.html"])


def test_golden_plan_table_real_plan() -> None:
    out = render_documents(real_plan(), None, None, RenderOptions(formats=frozenset({"html"})))
    _golden("chengqu2024/工作计划表.html", out.files["计划/工作计划表.html"])


def test_golden_notice_and_publication(rendered: Rendered) -> None:
    _golden("fixture/V0002.html", rendered.files["通知书/V0002-晋城市城区丙丁汽车销售有限公司.html"])
    _golden("fixture/抽查情况公示.html", rendered.files["公示/抽查情况公示.html"])


# ---------------------------------------------------------------- document set and determinism


def test_document_set(rendered: Rendered, record: dict) -> None:
    names = set(rendered.files)
    for expected in (
        "计划/工作计划表.html",
        "计划/工作计划表.docx",
        "计划/工作计划表.xlsx",
        "名单/抽查名单.xlsx",
        "名单/抽查名单.csv",
        "名单/任务18-第2轮.html",
        "通知书/检查通知书.docx",
        "通知书/检查通知书（合并打印）.html",
        "记录表/检查情况记录表.docx",
        "记录表/检查情况记录表（合并打印）.html",
        "公示/抽查情况公示.html",
        "公示/抽查结果公示-城区商务局.html",
        "公示/抽查结果公示-城区商务局.xlsx",
        "结果录入/结果录入表-城区商务局.xlsx",
        "汇总.html",
        "index.html",
    ):
        assert expected in names
    notices = [n for n in names if n.startswith("通知书/V")]
    forms = [n for n in names if n.startswith("记录表/V")]
    assert len(notices) == len(forms) == len(record["visits"])
    # the fixture gives no --session: the draw publication says so, nothing else is missing
    assert [w.code for w in rendered.warnings] == ["SSJ425"]


def test_plan_documents_alone(plan: dict) -> None:
    out = render_documents(plan)
    plan_files = [f"计划/工作计划表.{ext}" for ext in ("docx", "html", "xlsx")]
    assert sorted(out.files) == ["index.html", *plan_files]


def test_render_twice_is_byte_identical(plan: dict, record: dict, rendered: Rendered) -> None:
    results, _ = load_results(DATA / "results" / "results_ok.csv", record)
    again = render_documents(plan, record, results, RenderOptions(formats=ALL))
    assert again.files.keys() == rendered.files.keys()
    for name, data in rendered.files.items():
        assert again.files[name] == data, name


def test_ooxml_entries_have_fixed_times(rendered: Rendered) -> None:
    for name in ("计划/工作计划表.docx", "通知书/检查通知书.docx", "名单/抽查名单.xlsx"):
        with zipfile.ZipFile(io.BytesIO(rendered.files[name])) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            core = z.read("docProps/core.xml").decode()
            assert "2024-03-01T00:00:00Z" in core  # the document date, not the clock


def test_normalise_is_idempotent(rendered: Rendered) -> None:
    data = rendered.files["计划/工作计划表.xlsx"]
    assert normalise_ooxml(data, date(2024, 3, 1)) == data


def test_shipped_docx_templates_are_reproducible(tmp_path: Path) -> None:
    script = HERE.parent / "tools" / "make_docx_templates.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, capture_output=True)
    for name in ("plan_table.docx", "notice.docx", "record_form.docx"):
        shipped = HERE.parent / "templates" / "docx" / name
        assert (tmp_path / name).read_bytes() == shipped.read_bytes(), f"templates/docx/{name} is stale"


# ---------------------------------------------------------------- contents


def test_plan_table_docx_and_xlsx_cells(plan: dict, rendered: Rendered) -> None:
    expected = plan_rows(plan)
    document = docx.Document(io.BytesIO(rendered.files["计划/工作计划表.docx"]))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(PLAN_COLUMNS)
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in body] == [str(t["no"]) for t in plan["tasks"]]
    for got, want in zip(body, expected, strict=True):
        assert got[2] == want[2]  # numbered items, one paragraph each
        assert got[4] == want[4] == "定向抽查"
        assert got[5].replace("\n", " ") == want[5]  # 不低于20% 1次/年
        assert got[6:] == want[6:]
    assert document.paragraphs[0].text == plan["plan"]["title"]
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape

    sheet = openpyxl.load_workbook(io.BytesIO(rendered.files["计划/工作计划表.xlsx"])).active
    assert [c.value for c in sheet[2]] == list(PLAN_COLUMNS)
    assert [[c.value or "" for c in row] for row in sheet.iter_rows(min_row=3)] == expected
    assert sheet.print_title_rows == "$2:$2"
    assert sheet["A3"].value == 4 and sheet["A3"].data_type == "n"  # 序号 is a number, not text
    assert expected[0][5] == "不低于20% 1次/年"
    assert expected[0][2] == "1.对从事汽车销售及其相关服务活动的检查\n2.市场主体登记事项和公示信息检查"


def test_notice_docx_has_every_visit(record: dict, rendered: Rendered) -> None:
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(rendered.files["通知书/检查通知书.docx"])).paragraphs
    )
    notices = notice_numbers(record)
    for visit in record["visits"]:
        assert notices[visit["visit"]] in text
        assert record["subjects"][visit["subject"]]["name"] in text
    document = docx.Document(io.BytesIO(rendered.files["通知书/检查通知书.docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.count("送达回证") == len(record["visits"])
    assert "<丙&丁>" in text  # escaped into XML, shown as written
    assert "回避" in text and "主检" in text and "第五十四条" in text and "检查方式" in text


def test_notice_html_content(record: dict, rendered: Rendered) -> None:
    html = rendered.files["通知书/V0001-晋城市城区甲汽车销售有限公司.html"].decode()
    assert "城区商务发〔2024〕1号" in html and "2024年3月4日" in html  # task 4's 发起 numbers it
    # every item of both tasks (4 and 6) merged into the one visit, numbered through
    for item in ("1.对从事汽车销售及其相关服务活动的检查", "3.对二手车交易市场和二手车经营主体的检查"):
        assert item in html
    assert "国发〔2019〕5号" in html and "回避" in html and "检查方式：现场检查" in html
    assert re.search(r"李明.*14050200101.*主检", html, flags=re.S)
    assert "联系人：孙志强" in html and "联系电话：0356-2021304" in html
    # a joint notice: the 发起 issues it, the team's other department is named as taking part
    assert "晋城市城区商务局会同晋城市城区市场监督管理局组成联合检查组" in html
    assert "最迟于2024年4月1日前公示" in html  # the publication deadline, worded as one
    assert "请备齐以下材料" in html and "营业执照" in html
    assert "<style>" in html and "@page" in html and "<link" not in html  # self-contained
    combined = rendered.files["通知书/检查通知书（合并打印）.html"].decode()
    assert combined.count('<section class="notice') == len(record["visits"])
    assert combined.count('<section class="receipt"') == len(record["visits"])


def test_html_is_escaped(rendered: Rendered) -> None:
    html = rendered.files["通知书/V0002-晋城市城区丙丁汽车销售有限公司.html"].decode()
    assert "&lt;丙&amp;丁&gt;" in html and "<丙&丁>" not in html


def test_formula_cells_are_neutralised(rendered: Rendered) -> None:
    book = openpyxl.load_workbook(io.BytesIO(rendered.files["名单/抽查名单.xlsx"]))
    values = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in values if "1+1" in c.value]
    assert risky and all(c.value.startswith("'=") and c.data_type == "s" for c in risky)
    assert not any(c.data_type == "f" for c in values)
    csv_text = rendered.files["名单/抽查名单.csv"].decode("utf-8-sig")
    assert "'=1+1二手车交易市场有限公司" in csv_text
    result_csv = rendered.files["公示/抽查结果公示-城区商务局.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in result_csv
    assert neutralise_cell("-5") == "'-5" and neutralise_cell(5) == 5


def test_draw_list_xlsx_sheets(record: dict, rendered: Rendered) -> None:
    book = openpyxl.load_workbook(io.BytesIO(rendered.files["名单/抽查名单.xlsx"]))
    expected = [f"任务{t['no']:02d}-第{r['round']}轮" for t in record["tasks"] for r in t["rounds"]]
    assert book.sheetnames == expected
    sheet = book["任务04-第1轮"]
    ids = [row[1].value for row in sheet.iter_rows(min_row=3)]  # public edition: by date, then code
    want = [s["id"] for st in record["tasks"][0]["rounds"][0]["strata"] for s in st["selected"]]
    assert sorted(ids) == sorted(want)
    header = ["序号", "统一社会信用代码", "名称", "地址", "检查日期", "检查组（执法证号）"]
    assert [c.value for c in sheet[2]] == header


def test_publication_verification_commands_reproduce_the_record(record: dict, rendered: Rendered) -> None:
    if shutil.which("sha256sum") is None or shutil.which("bash") is None:
        pytest.skip("sha256sum/bash not installed")
    html = rendered.files["公示/抽查情况公示.html"].decode()
    commands = [
        re.sub(
            r"&#3[49];|&quot;|&amp;|&lt;|&gt;",
            lambda m: {"&#34;": '"', "&#39;": "'", "&quot;": '"', "&amp;": "&", "&lt;": "<", "&gt;": ">"}[
                m.group(0)
            ],
            c,
        )
        for c in re.findall(r"<pre>(printf .*?)</pre>", html, flags=re.S)
    ]
    assert len(commands) == 4
    assert "ssjlang" not in html and "ssj verify" not in html  # no tool name unless asked for (--cite-tool)
    outputs = [
        subprocess.run(["bash", "-c", c], check=True, capture_output=True, text=True).stdout.split()[0]
        for c in commands
    ]
    example = record["tasks"][0]["rounds"][0]
    assert outputs == [
        record["commitment"]["digest"],
        record["seed"],
        example["stream"],
        example["strata"][0]["selected"][0]["key"],
    ]
    assert record["beacon_value"] in html


def _without_roster(record: dict) -> dict:
    """The fixture as `make_record(…, roster_path=None)` gives it: no roster, Q = "-", no visits or teams."""
    drawn = json.loads(json.dumps(record))
    drawn.update(roster=None, visits=[], workload=[])
    drawn["commitment"]["roster"] = "-"
    return drawn


def test_record_drawn_without_a_roster_renders(plan: dict, record: dict) -> None:
    drawn = _without_roster(record)
    steps = verification_steps(drawn)
    assert steps["roster_file"] == "-" and steps["registry_file"] == record["registry"]["file"]
    assert verification_steps(record)["roster_file"] == record["roster"]["file"]
    out = render_documents(plan, drawn, None, RenderOptions(formats=ALL, cite_tool=True))
    html = out.files["公示/抽查情况公示.html"].decode()
    assert "执法检查人员名录库摘要 Q（未提供，0 人）" in html
    assert "本次抽取未使用执法人员名录库" in html and "执法人员名录库 -" not in html
    verify = re.search(r"<pre>(ssj verify .*?)</pre>", html)
    assert verify is not None and "--roster" not in verify.group(1)
    assert not [name for name in out.files if name.startswith("通知书/V")]  # no visits, no notices


def test_results_publication_of_the_inspecting_department(rendered: Rendered) -> None:
    """Tasks 4 and 6 are 城区商务局's: its 抽查结果公示 holds them, with 检查机关, 检查事项, the objection
    paragraph."""
    html = rendered.files["公示/抽查结果公示-城区商务局.html"].decode()
    assert html.index("任务4 ") < html.index("任务6 ")
    assert "通过登记的住所（经营场所）无法联系" in html and "2024年3月8日" in html
    assert "<th>检查机关</th>" in html and "<th>检查事项</th>" in html and "晋城市城区商务局" in html
    assert "1.对从事汽车销售及其相关服务活动的检查" in html
    # published on the latest 检查日期 2024-03-08; 10 working days later is 2024-03-22
    assert "自公示之日起10个工作日内（即2024年3月22日前）向晋城市城区商务局书面提出" in html
    assert "联系人：孙志强；电话：0356-2021304" in html
    assert "晋城市城区市场监督管理局" not in html  # 城区商务局 publishes its own results
    sheet = openpyxl.load_workbook(io.BytesIO(rendered.files["公示/抽查结果公示-城区商务局.xlsx"])).active
    first = [c.value for c in sheet[3]]
    assert first[:5] == [1, "91140502MA0K00001Q", "晋城市城区甲汽车销售有限公司", "晋城市城区商务局", 4]
    day = sheet.cell(row=3, column=7)
    assert day.is_date and day.value.date() == date(2024, 3, 4)


def test_summary_counts_and_svg(record: dict, rendered: Rendered) -> None:
    html = rendered.files["汇总.html"].decode()
    multi = sum(1 for v in record["visits"] if len(v["tasks"]) > 1)
    pairs = sum(len(v["tasks"]) for v in record["visits"])
    assert f"抽取 {pairs} 户次，合并为 {len(record['visits'])} 次入户检查；其中 {multi} 次" in html
    assert html.count("<svg") == 2 and "<script" not in html  # public: no chart of risk classes
    assert "已录入检查结果 5 户次" in html
    assert "截至2024年3月8日" in html  # dated by its latest result, not the plan's first window start
    assert html.count('class="mark"') == len(record["tasks"])  # every task has its reference mark
    internal = render_documents(_json("fixture_plan.json"), record, None,
                                RenderOptions(formats=frozenset({"html"}), edition="internal"))
    assert internal.files["汇总.html"].decode().count("<svg") == 3


def test_dates_and_numbers() -> None:
    assert style.cn_date("2024-03-05") == "2024年3月5日"
    assert style.doc_number("城区监〔{年}〕{号}号", 2024, 12) == "城区监〔2024〕12号"
    assert [style.risk_name(x) for x in ("A", "b", "C", "D", "", "U")] == [
        "低风险",
        "一般风险",
        "较高风险",
        "高风险",
        "未分类",
        "未分类",
    ]
    assert style.cn_number(12) == "十二" and style.cn_number(20) == "二十"
    assert style.percent(12.5) == "12.5%" and style.percent(25.0) == "25%"


def test_default_date_and_override(plan: dict, record: dict) -> None:
    assert default_date(plan) == date(2024, 3, 1)
    out = render_documents(
        plan,
        record,
        None,
        RenderOptions(formats=frozenset({"html"}), date=date(2024, 2, 28), first_number=40),
    )
    html = out.files["通知书/V0001-晋城市城区甲汽车销售有限公司.html"].decode()
    assert "城区商务发〔2024〕40号" in html and "2024年2月28日" in html
    assert "2024年2月28日" in out.files["计划/工作计划表.html"].decode()


def test_batches_shown_in_window_cell(plan: dict) -> None:
    batched = json.loads(json.dumps(plan))
    batched["tasks"][2]["batches"] = [
        {"name": "第一批", "deadline": "2024-06-30"},
        {"name": "第二批", "deadline": "2024-12-31"},
    ]
    html = (
        render_documents(batched, None, None, RenderOptions(formats=frozenset({"html"})))
        .files["计划/工作计划表.html"]
        .decode()
    )
    assert "3月—12月<br>第一批：2024年6月30日前<br>第二批：2024年12月31日前" in html


def test_issuer_without_doc_number_warns_once_and_numbers_nothing(plan: dict, record: dict) -> None:
    bare = json.loads(json.dumps(plan))
    commerce = next(d for d in bare["departments"] if d["name"] == "城区商务局")
    commerce["doc_number"] = None
    out = render_documents(bare, record, None, RenderOptions(formats=frozenset({"html"})))
    numbering = [w for w in out.warnings if w.code == "SSJ421"]
    said = "「晋城市城区商务局」没有文号格式，其检查通知书将不编号 (no 文号 pattern)"
    assert [w.message for w in numbering] == [said]
    assert "城区" not in (numbering[0].hint or "")  # never another district's 文号 as the example
    html = out.files["通知书/V0001-晋城市城区甲汽车销售有限公司.html"].decode()
    assert "〔2024〕" not in html.split("送达回证")[0]  # no number, and never the plan authority's
    assert "城区监〔2024〕" not in html


def test_doc_number_without_sequence_hint_extends_the_issuers_own_pattern(plan: dict, record: dict) -> None:
    fixed = json.loads(json.dumps(plan))
    next(d for d in fixed["departments"] if d["name"] == "城区商务局")["doc_number"] = "城区商务发〔{年}〕"
    out = render_documents(fixed, record, None, RenderOptions(formats=frozenset({"html"})))
    numbering = [w for w in out.warnings if w.code == "SSJ421"]
    assert len(numbering) == 1 and "城区商务发〔{年}〕{号}号" in (numbering[0].hint or "")


def test_user_template_error_points_at_file_and_line(tmp_path: Path, plan: dict) -> None:
    (tmp_path / "plan_table.html").write_text(
        '{% extends "base.html" %}\n{% block body %}\n{{ plan.nosuch }}\n{% endblock %}\n', "utf-8"
    )
    with pytest.raises(InputError) as info:
        render_documents(plan, None, None, RenderOptions(formats=frozenset({"html"}), templates=tmp_path))
    diag = info.value.diagnostics[0]
    assert diag.code == "SSJ420" and diag.file.endswith("plan_table.html") and diag.span.line == 3
    (tmp_path / "plan_table.html").write_text("{% for %}\n", "utf-8")
    with pytest.raises(InputError) as info:
        render_documents(plan, None, None, RenderOptions(formats=frozenset({"html"}), templates=tmp_path))
    assert info.value.diagnostics[0].span.line == 1


def test_user_docx_template_override(tmp_path: Path, plan: dict) -> None:
    document = docx.Document()
    document.add_paragraph("本单位版式：{{ plan.title }}")
    (tmp_path / "docx").mkdir()
    document.save(tmp_path / "docx" / "plan_table.docx")
    out = render_documents(plan, None, None, RenderOptions(formats=frozenset({"docx"}), templates=tmp_path))
    text = docx.Document(io.BytesIO(out.files["计划/工作计划表.docx"])).paragraphs[0].text
    assert text == "本单位版式：" + plan["plan"]["title"]
    (tmp_path / "docx" / "plan_table.docx").write_bytes(b"not a zip")
    with pytest.raises(InputError) as info:
        render_documents(plan, None, None, RenderOptions(formats=frozenset({"docx"}), templates=tmp_path))
    assert info.value.diagnostics[0].code == "SSJ422"


# ---------------------------------------------------------------- a real browser


def test_chromium_renders_the_plan_table(tmp_path: Path, plan: dict) -> None:
    files = render_documents(plan, None, None, RenderOptions(formats=frozenset({"html"}))).files
    page = files["计划/工作计划表.html"]
    width, height, ink, _red = chromium_screenshot(tmp_path, "plan", page, (1400, 1000))
    assert (width, height) == (1400, 1000)
    assert ink > 2000, "the page is blank"
