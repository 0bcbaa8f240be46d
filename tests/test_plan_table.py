"""The printed 工作计划表 says what the plan says: sub-rows (子项) under their task's merged 序号 and
name, group rows (分组), 检查主体 with a level's printed text, 指导, 检查方式, 事项类别, item brackets and
依据 lines, 备注, 基数, 抽取, 批次, 配合 待定, 合并抽取 — each in the HTML, Word and Excel table at the row
it belongs to, while a plan that uses none of them (Chengqu) keeps the classic eleven columns.

Cells are read back with the importer's own grid reader (`importer.tables.read_grids`), which resolves
rowspan (HTML), vMerge/gridSpan (Word) and merged ranges (Excel) alike: a merged cell shows its text in
every row it spans and carries the position of its first row (`origin`)."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from test_import_roundtrip import joint_columns, table_columns

from ssjlang.check.checker import check_source, load_plan
from ssjlang.check.export import export_plan
from ssjlang.documents.render import PLAN_COLUMNS, RenderOptions, render_documents
from ssjlang.importer import Options, import_table
from ssjlang.importer.tables import Cell, read_grids

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "plans" / "corpus"
KINDS = ("html", "docx", "xlsx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SYNTHETIC = """\
计划 "某市2025年度部门联合双随机抽查工作计划" {
  年度 2025
}

部门 某市市场监管局 {
  单位 信用监督管理科
}
部门 某市商务局
部门 某市税务局

任务 1 "对汽车销售企业的抽查" {
  分组 "商务领域"
  事项 {
    "汽车销售备案情况的检查" {
      依据 "《汽车销售管理办法》第五条"
    }
    "在用计量器具监督检查" {
      检查 某市市场监管局
      代码 "SJ-JL-01"
      类别 "重点检查事项"
      方式 "现场检查"、"书面检查"
      材料 "计量器具检定证书"
    }
    "价格行为的检查" {
      类别 "专项检查"
    }
  }
  类别 "一般检查事项"
  对象 "全市汽车销售企业" 筛选 行业类别 包含 "汽车销售" 基数 约 420户 "动态更新"
  比例 5%
  频次 1次/年
  时间 3月—11月
  抽取 3月1日—3月15日 "每年3月上旬抽取"
  批次 "第一批" 截止 6月30日
  批次 "第二批" 截止 11月30日
  发起 某市商务局
  指导 信用监督管理科
  检查 某市商务局、某市市场监管局
  配合 待定
  模式 市抽市查
  方式 "现场检查"
  材料 {
    "营业执照"
    "备案回执"
  }
  备注 "与上年度已查企业不重复"
}

任务 2 "对加油站的抽查" {
  分组 "商务领域"
  事项 "成品油经营情况的检查"
  对象 "全市加油站" 筛选 行业类别 包含 "加油站"
  比例 10%
  频次 1次/年
  时间 4月—10月
  发起 某市商务局
  配合 某市税务局
  模式 市抽市查
}

任务 3 "对单用途预付卡发卡企业的抽查" {
  分组 "商务领域"
  事项 "单用途卡备案情况的检查"
  对象 "全市单用途预付卡发卡企业" 筛选 行业类别 包含 "预付卡"
  比例 10%
  频次 1次/年
  时间 4月—10月
  发起 某市商务局
  配合 某市市场监管局
  模式 市抽市查
}

任务 4 "税务登记情况的抽查" {
  分组 "税务领域"
  频次 每季度1次
  时间 全年
  抽取 每轮 10日内
  定向
  发起 某市税务局
  模式 市抽市查
  子项 "企业" {
    事项 "税务登记情况的检查"
    对象 "企业" 筛选 类型 = "企业"
    比例 3%
  }
  子项 "个体工商户" {
    事项 "税务登记情况的检查"
    对象 "个体工商户" 筛选 类型 = "个体工商户"
    比例 1%
    配合 待定 "是否部门联合抽查：是"
  }
}

合并抽取 "商务领域合并抽取" {
  任务 2、3
  比例 8%
  备注 "两项检查合并抽取"
}
"""
"""What no corpus plan writes: 指导, 材料, an item's 代码, 方式 and 类别 of its own, 依据 on one item
only, 配合 待定 without words, a 合并抽取 with one rate, 抽取 with a window and words, a sub-row's own
配合."""


@functools.cache
def exported(name: str) -> dict[str, Any]:
    if name == "synthetic":
        checked, diagnostics = check_source(SYNTHETIC, "synthetic.ssj")
        assert checked is not None, [d.message for d in diagnostics]
        return export_plan(checked.resolved)
    path = ROOT / "plans" / f"{name}.ssj" if name == "chengqu2024" else CORPUS / f"{name}.ssj"
    return export_plan(load_plan(path).resolved)


@functools.cache
def rendered(name: str) -> dict[str, bytes]:
    out = render_documents(exported(name), options=RenderOptions(formats=frozenset(KINDS)))
    return {kind: out.files[f"计划/工作计划表.{kind}"] for kind in KINDS}


class Table:
    """A rendered plan table as the importer's grid: header, group rows, the rows of each task."""

    def __init__(self, name: str, kind: str, tmp: Path) -> None:
        path = tmp / f"{name}.{kind}"
        path.write_bytes(rendered(name)[kind])
        self.grid = read_grids(path)[0]
        self.header_row = next(i for i, row in enumerate(self.grid.rows) if row[0].text == "序号")
        self.headings = [c.text for c in self.grid.rows[self.header_row]]
        self.body = self.grid.rows[self.header_row + 1:]

    @staticmethod
    def is_group(row: list[Cell]) -> bool:
        return len({c.origin for c in row}) == 1 and bool(row[0].text)

    def groups(self) -> list[tuple[str, str]]:
        """(group text, 序号 of the task below it) for every group row."""
        out = []
        for index, row in enumerate(self.body):
            if self.is_group(row):
                out.append((row[0].text, self.body[index + 1][0].text))
        return out

    def rows(self, no: object) -> list[list[Cell]]:
        return [row for row in self.body if not self.is_group(row) and row[0].text == str(no)]

    def cells(self, no: object, heading: str) -> list[Cell]:
        column = self.headings.index(heading)
        return [row[column] for row in self.rows(no)]

    def texts(self, no: object, heading: str) -> list[str]:
        return [c.text for c in self.cells(no, heading)]

    def merged(self, no: object, heading: str) -> bool:
        """Whether the task's rows share one cell in this column."""
        return len({c.origin for c in self.cells(no, heading)}) == 1


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def table(name: str, kind: str, tmp_path: Path) -> Table:
    return Table(name, kind, tmp_path)


# ---------------------------------------------------------------- the classic table stays classic


def test_chengqu_has_exactly_the_classic_columns(kind: str, tmp_path: Path) -> None:
    t = table("chengqu2024", kind, tmp_path)
    assert t.headings == list(PLAN_COLUMNS) and len(PLAN_COLUMNS) == 11
    assert t.groups() == [] and len(t.body) == 27  # one row per task, no group rows
    assert all(len(t.rows(n)) == 1 for n in range(1, 28))
    if kind == "docx":
        assert [p.text for p in docx.Document(io.BytesIO(rendered("chengqu2024")["docx"])).paragraphs][1:] \
            == ["晋城市城区市场监督管理局", "2024年3月1日"]  # nothing under the table but the signature
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(rendered("chengqu2024")["xlsx"])).active
        assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:K1"]  # the title only
        assert sheet.max_row == 29


# ---------------------------------------------------------------- sub-rows (子项)


def test_sub_rows_under_the_merged_number_and_name(kind: str, tmp_path: Path) -> None:
    t = table("wuhan-kaifaqu-2022", kind, tmp_path)
    assert len(t.rows(1)) == 4 and len(t.rows(2)) == 2 and len(t.rows(3)) == 1
    for heading in ("序号", "抽查任务名称", "抽查类型", "抽查检查起止时间", "抽查检查模式"):
        assert t.merged(1, heading), heading  # the same for every sub-row: one cell
    assert t.texts(1, "抽查对象范围") == [
        "学科类校外培训机构", "各类中小学(校服质量专项检查)", "高校", "中小学、幼儿园"]
    rates = [re.split(r"[\n ]", r)[0] for r in t.texts(1, "抽查比例及频次")]  # Excel: 30% 1次/年 on one line
    assert rates == ["10%—20%", "60—70家", "30%", "50%"]
    assert t.texts(1, "发起部门") == ["教育部门", "教育部门", "市场监管部门", "市场监管部门"]
    assert not t.merged(1, "发起部门") and not t.merged(1, "抽查事项")
    assert t.texts(1, "抽查事项")[2] == t.texts(1, "抽查事项")[3] == "1.学校食堂食品安全情况的检查"
    assert t.texts(2, "检查主体") == ["公安部门", "公安部门"] and t.merged(2, "检查主体")
    assert t.texts(2, "发起部门") == ["武汉市公安部门"] * 2


def test_sub_rows_merged_in_word_and_excel() -> None:
    document = docx.Document(io.BytesIO(rendered("wuhan-kaifaqu-2022")["docx"]))
    merges = [tc.find(f"{W}tcPr/{W}vMerge").get(f"{W}val")
              for tc in document.tables[0]._tbl.findall(f"{W}tr")[2].findall(f"{W}tc")]
    # the second row of task 1: 序号, 名称, 类型, 风险, 时间, 检查主体, 模式 continue the first row's cells
    assert merges == ["continue", "continue", "restart", "restart", "continue", "restart", "continue",
                      "continue", "restart", "continue", "restart", "continue"]
    sheet = openpyxl.load_workbook(io.BytesIO(rendered("wuhan-kaifaqu-2022")["xlsx"])).active
    ranges = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A6", "B3:B6", "A7:A8", "B7:B8"} <= ranges and "C3:C6" not in ranges
    assert sheet["A3"].value == 1 and sheet["A3"].data_type == "n"


# ---------------------------------------------------------------- groups (分组)


def test_group_rows_where_the_group_changes(kind: str, tmp_path: Path) -> None:
    assert table("wuhan-qingshan-sthj-2025", kind, tmp_path).groups() == [
        ("污染源日常环境的监管", "1"),
        ("对非市场主体污染源的专项抽查", "2"),
        ("对市场主体污染源的专项抽查", "4"),
    ]
    assert table("guangzhou-jiaoyu-2021", kind, tmp_path).groups() == [("广州市教育局", "1")]
    assert table("wuwei-2023", kind, tmp_path).groups() == [("粮食收储", "1"), ("粮食加工", "2")]


# ---------------------------------------------------------------- who: 检查主体, levels, 指导, 配合 待定


def test_inspecting_bodies_and_levels_by_their_printed_text(kind: str, tmp_path: Path) -> None:
    t = table("qingchuan-2025", kind, tmp_path)
    assert "检查主体" in t.headings
    assert t.texts(1, "检查主体") == ["县,直属分局、行政审批股"]  # level 县及直属分局 prints "县,直属分局"
    t = table("wuwei-2023", kind, tmp_path)
    assert t.texts(1, "发起部门") == t.texts(1, "检查主体") == ["市、县(市、区)粮食行政管理部门"]
    t = table("zhaoqing-2025", kind, tmp_path)
    assert t.texts(1, "检查主体") == ["市局、县级市场监管部门"]
    assert t.texts(3, "检查主体") == ["县级市场监管部门"]
    assert t.texts(1, "配合部门") == ["待定（是否部门联合抽查：是）"] and t.texts(2, "配合部门") == [""]
    assert "检查主体" not in table("chengqu2024", kind, tmp_path).headings


def test_guide_and_unstated_assist(kind: str, tmp_path: Path) -> None:
    t = table("synthetic", kind, tmp_path)
    assert t.texts(1, "发起部门") == ["某市商务局\n指导：信用监督管理科"]
    assert t.texts(1, "检查主体") == ["某市商务局、某市市场监管局"]
    assert t.texts(1, "配合部门") == ["待定"]
    assert t.texts(4, "配合部门") == ["", "待定（是否部门联合抽查：是）"]  # a sub-row's own


# ---------------------------------------------------------------- 方式, 类别, 依据, 材料, 备注


def test_methods_categories_basis_and_remarks(kind: str, tmp_path: Path) -> None:
    t = table("xiaogan-sthj-2024", kind, tmp_path)
    assert t.headings == [
        "序号", "抽查任务名称", "抽查事项", "事项类别", "抽查对象范围", "抽查类型", "检查方式",
        "抽查比例及频次", "智慧监管（信用风险分类）要求", "抽查检查起止时间", "发起部门", "检查主体",
        "配合部门", "抽查检查模式"]
    assert t.texts(2, "事项类别") == ["重点检查事项"] and t.texts(3, "检查方式") == ["书面检查"]
    items = t.texts(1, "抽查事项")[0].split("\n")
    assert items[:3] == [
        "1.污染防治设施运行情况", "2.污染物排放情况", "3.环评、“三同时”、排污许可证等环境管理制度落实情况"]
    assert items[3] == "检查依据：《中华人民共和国环境保护法》《湖北省生态环境监管“双随机、一公开”实施方案》"
    t = table("qingchuan-2025", kind, tmp_path)
    assert t.texts(1, "备注") == ["检查对象不涉及D类企业"] and t.texts(3, "备注") == [""]
    assert t.texts(3, "检查方式") == ["现场检查、书面检查"]
    assert t.texts(3, "抽查比例及频次")[0].startswith("5%（个体：5%（40户）")  # the headline rate prints


def test_item_brackets_and_their_own_basis(kind: str, tmp_path: Path) -> None:
    lines = table("synthetic", kind, tmp_path).texts(1, "抽查事项")[0].split("\n")
    assert lines == [
        "1.汽车销售备案情况的检查",
        "依据：《汽车销售管理办法》第五条",
        "2.在用计量器具监督检查（重点检查事项）（检查：某市市场监管局）（方式：现场检查、书面检查）"
        "（代码：SJ-JL-01）（材料：计量器具检定证书）",
        "3.价格行为的检查（类别：专项检查）",
        "材料：营业执照、备案回执",
    ]
    weishan = table("weishan-2024", kind, tmp_path).texts(2, "抽查事项")[0]
    assert weishan == "1.年度报告公示信息的检查\n2.即时公示信息的检查（对象：企业）"
    assert table("wuwei-2023", kind, tmp_path).texts(1, "抽查事项")[0].endswith(
        "3.在用计量器具监督检查（检查：市、县(市、区)市场监管部门）")


def test_small_type_for_basis_lines() -> None:
    html = rendered("xiaogan-sthj-2024")["html"].decode()
    assert '<div class="small">检查依据：《中华人民共和国环境保护法》' in html
    assert "td.items div.small { font-size: 7.5pt" in html
    runs = [r for p in docx.Document(io.BytesIO(rendered("xiaogan-sthj-2024")["docx"])).tables[0].rows[1]
            .cells[2].paragraphs for r in p.runs]
    sizes = {r.text.split("：")[0]: r.font.size.pt for r in runs if r.text}
    assert sizes["检查依据"] < sizes["1.污染防治设施运行情况"]


# ---------------------------------------------------------------- 基数, 抽取, 批次


def test_base_draw_and_batches(kind: str, tmp_path: Path) -> None:
    t = table("guangzhou-sthj-2025", kind, tmp_path)
    assert t.texts(1, "抽查对象范围") == ["排放污染物的企业事业单位和其他生产经营者\n基数49670户"]
    assert t.texts(1, "抽查检查起止时间") == [
        "全年\n抽取：每轮开始后15日内（每个季度第一个月的15日内完成本季度所有任务抽取工作）"]
    # no 时间: 抽取 dates the task
    assert t.texts(3, "抽查检查起止时间") == ["抽取：年底前（本年度完成所有任务抽取工作）"]
    assert table("guangzhou-jiaoyu-2021", kind, tmp_path).texts(2, "抽查检查起止时间") == [
        "抽取：2021年5月10日—2021年12月20日"]
    assert table("yibin-2023", kind, tmp_path).texts(1, "抽查检查起止时间") == [
        "2022年9月—2022年11月\n抽取：2022年9月—2022年10月"]
    t = table("wuwei-2023", kind, tmp_path)
    assert t.texts(2, "抽查对象范围") == ["粮食加工企业\n基数7户，无为计划"]
    assert t.texts(1, "抽查检查起止时间") == [
        "2023年10月15日前\n第一批：2023年7月20日前\n第二批：2023年10月15日前"]
    t = table("synthetic", kind, tmp_path)
    assert t.texts(1, "抽查对象范围") == ["全市汽车销售企业\n基数约420户，动态更新"]
    assert t.texts(1, "抽查检查起止时间")[0].split("\n")[:2] == [
        "3月—11月", "抽取：3月1日—3月15日（每年3月上旬抽取）"]


# ---------------------------------------------------------------- rates: joint draws, drawn by others


def test_joint_draws_in_the_rate_cells_and_under_the_table(kind: str, tmp_path: Path) -> None:
    t = table("weishan-2024", kind, tmp_path)
    assert t.texts(1, "抽查比例及频次")[0].endswith("\n与任务2合并抽取")
    assert t.texts(2, "抽查比例及频次")[0].endswith("\n与任务1合并抽取")
    line = ("合并抽取「登记事项与公示信息合并抽取」：任务1、2；比例：企业：1.5%；个体工商户：0.1%；"
            "农民专业合作社：3%；外国企业常驻代表机构：50%；备注：对市场主体名称等登记事项的检查与对企业、"
            "个体工商户、农民专业合作社公示信息的监督检查合并抽取企业比例为1.5%")
    data = rendered("weishan-2024")[kind]
    if kind == "html":
        assert f'<div class="joints">\n<p>{line}</p>' in data.decode()
    elif kind == "docx":
        assert line in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet.cell(row=sheet.max_row, column=1).value == f"注：{line}"
    assert not any("合并抽取" in c for c in table("shanggao-2023", kind, tmp_path).texts(1, "抽查比例及频次"))


def test_rate_drawn_by_another_body_prints(kind: str, tmp_path: Path) -> None:
    t = table("shanggao-2023", kind, tmp_path)
    assert t.texts(1, "抽查比例及频次")[0].startswith("5%（约1户），由联合双随机牵头单位抽取")


# ---------------------------------------------------------------- layout


def test_word_grid_agrees_with_every_row() -> None:
    """tblGrid, each cell's width (a spanning cell: the sum of its columns) and tblW agree, for a table
    with group rows, sub-rows and every optional column."""
    for name in ("synthetic", "wuhan-kaifaqu-2022", "weishan-2024", "chengqu2024"):
        tbl = docx.Document(io.BytesIO(rendered(name)["docx"])).tables[0]._tbl
        grid = [int(c.get(f"{W}w")) for c in tbl.tblGrid.findall(f"{W}gridCol")]
        for tr in tbl.findall(f"{W}tr"):
            column = 0
            for tc in tr.findall(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                width = int(span.get(f"{W}val")) if span is not None else 1
                assert int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) == sum(grid[column:column + width]), name
                column += width
            assert column == len(grid), name
        assert int(tbl.tblPr.find(f"{W}tblW").get(f"{W}w")) == sum(grid) == pytest.approx(15024, abs=3)


def test_html_widths_add_up_and_empty_columns_narrow() -> None:
    for name in ("synthetic", "weishan-2024", "chengqu2024"):
        html = rendered(name)["html"].decode()
        widths = [float(w) for w in re.findall(r'<col style="width:([\d.]+)%">', html)]
        assert sum(widths) == pytest.approx(100, abs=0.1), name
    weishan = rendered("weishan-2024")["html"].decode()
    widths = dict(zip(re.findall(r"<th>(.*?)</th>", weishan),
                      re.findall(r'<col style="width:([\d.]+)%">', weishan), strict=True))
    assert float(widths["智慧监管（信用风险分类）要求"]) < 4 < float(widths["抽查比例及频次"])


# ---------------------------------------------------------------- reading it back


def test_synthetic_plan_reads_back_in_full(tmp_path: Path) -> None:
    """What no corpus plan writes (指导, 材料, 代码, an item's own 方式/类别/依据, 配合 待定, a joint rate)
    reads back from Word, Excel and the web page with nothing left to finish."""
    original = exported("synthetic")
    for kind in KINDS:
        path = tmp_path / f"synthetic.{kind}"
        path.write_bytes(rendered("synthetic")[kind])
        result = import_table(path, Options(year=2025))
        assert result.text is not None and not [d for d in result.diagnostics if d.is_error], kind
        checked, diagnostics = check_source(result.text, str(path))
        assert checked is not None, [d.message for d in diagnostics]
        imported = export_plan(checked.resolved)
        assert [table_columns(t, imported) for t in imported["tasks"]] == [
            table_columns(t, original) for t in original["tasks"]], kind
        assert joint_columns(imported) == joint_columns(original), kind
