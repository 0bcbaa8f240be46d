"""Visits of organised plans (SSJ-ORG-1): units, levels routed by area, and items checked by their own body.

A level (层级) stands for several offices; each subject's visit goes to the member whose 辖区 holds the
subject's value of the level's field, and its team comes from that office's roster — also when the level is
named on one item (一业一查: the department that checks that item joins the team).
"""

from __future__ import annotations

import pytest
from corpus_data import registry_csv, roster_csv

from ssjlang.check.checker import load_plan
from ssjlang.interpret.record import ORG_EXTENSION
from ssjlang.pipeline import make_record

PLAN = """计划 "两级联合抽查" {
  年度 2024
  地区 "测试市"
}
部门 市粮食局 {
  单位 监督检查科
}
部门 甲区粮食局 { 辖区 "甲区" }
部门 乙区粮食局 { 辖区 "乙区" }
部门 甲区市场监管局 { 辖区 "甲区" }
部门 乙区市场监管局 { 辖区 "乙区" }
层级 各区粮食部门 "各区粮食行政管理部门" {
  按 所属区域
  成员 甲区粮食局、乙区粮食局
}
层级 各区市场监管部门 "各区市场监管部门" {
  按 所属区域
  成员 甲区市场监管局、乙区市场监管局
}
任务 1 "粮食流通监督检查" {
  事项 {
    "粮食收购活动监督检查"
    "在用计量器具监督检查" { 检查 各区市场监管部门 }
  }
  对象 "粮食经营者" 筛选 类型 = "有限责任公司"
  比例 50%
  频次 1次/年
  风险 无
  时间 4月—10月
  定向
  发起 监督检查科
  检查 各区粮食部门
  模式 市抽县(区)查
}
"""

OFFICES = {"甲区": ("甲区粮食局", "甲区市场监管局"), "乙区": ("乙区粮食局", "乙区市场监管局")}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict[str, str]]:
    """The record, and each subject's district as the registry gives it."""
    folder = tmp_path_factory.mktemp("organised")
    plan = folder / "plan.ssj"
    plan.write_text(PLAN, encoding="utf-8")
    resolved = load_plan(plan).resolved
    registry = folder / "registry.csv"
    rows = registry_csv(resolved).decode("utf-8").splitlines()
    header, body = rows[0], rows[1:]
    area = header.split(",").index("所属区域")
    lines = [header]
    districts: dict[str, str] = {}
    for i, line in enumerate(body):  # half the subjects in each district
        cells = line.split(",")
        cells[area] = "甲区" if i % 2 else "乙区"
        districts[cells[0]] = cells[area]
        lines.append(",".join(cells))
    registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    roster = folder / "roster.csv"
    roster.write_bytes(roster_csv(resolved))
    return make_record(plan, registry, roster, "dice:d10x20", "20241231"), districts


def test_the_record_names_org_1(drawn: tuple[dict, dict[str, str]]) -> None:
    assert ORG_EXTENSION in drawn[0]["extensions"]


def test_each_visit_goes_to_the_offices_of_its_subjects_district(drawn: tuple[dict, dict[str, str]]) -> None:
    record, districts = drawn
    assert {districts[visit["subject"]] for visit in record["visits"]} == set(OFFICES)
    for visit in record["visits"]:
        district = districts[visit["subject"]]
        grain, market = OFFICES[district]
        departments = [member["department"] for member in visit["team"]]
        assert departments[0] == grain, visit  # the inspecting level's office leads
        assert market in departments, visit    # the item's own level joins from the same district
        assert not set(departments) - {grain, market}, visit
