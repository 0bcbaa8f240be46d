"""The draw record: determinism, files, atomic output, and verification of every kind of tampering."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

from ssjlang.check.checker import load_plan
from ssjlang.diagnostics import InputError
from ssjlang.interpret import draw
from ssjlang.interpret.record import (
    PLAN_MISMATCH,
    list_file_name,
    load_record,
    record_json,
    write_record,
)
from ssjlang.interpret.workdays import FIRST_COVERED_YEAR, LAST_COVERED_YEAR
from ssjlang.output import OutputExistsError, atomic_directory, csv_bytes, safe_cell, write_text_atomic
from ssjlang.pipeline import make_commitment, make_record, verify_record

PLAN = """计划 "晋城市城区2024年度部门联合双随机抽查工作计划" {
  年度 2024
  地区 "晋城市城区"
}

部门 城区商务局
部门 城区市场监管局 又称 区市场监管局

风险递加 信用分类 "对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次" {
  低风险   比例×1
  一般风险 比例×1.5
  较高风险 比例×2
  高风险   比例×3   频次 2次/年
}

任务 4 "对汽车销售企业的部门联合抽查" {
  事项 {
    "对从事汽车销售及其相关服务活动的检查"
    "市场主体登记事项和公示信息检查"
  }
  对象 "全区汽车销售企业" 筛选 行业类别 包含 "汽车销售"
  比例 不低于 20%
  频次 1次/年
  风险 信用分类
  时间 3月—11月
  定向
  发起 城区商务局
  配合 区市场监管局
  模式 县抽县查
}

任务 6 "对二手车销售企业的部门联合抽查" {
  事项 "二手车交易市场检查"
  对象 "全区二手车销售企业" 筛选 行业类别 包含 "二手车销售"
  比例 2户
  频次 1次/年
  风险 无
  时间 4月
  发起 城区商务局
  配合 城区市场监管局
  模式 县抽县查
}

任务 7 "对滑雪场所的检查" {
  事项 "安全检查"
  对象 "滑雪经营单位" 筛选 行业类别 包含 "滑雪场所"
  比例 100%
  频次 1次/年
  时间 12月至次年2月
  发起 城区商务局
  模式 县抽县查
}
"""

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(n: int) -> str:
    body = f"91140502MA0K{n:05d}"
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def registry_text() -> str:
    lines = ["统一社会信用代码,名称,类型,行业类别,风险等级,注册资本,地址,法定代表人,联系电话"]
    risks = "AAAABBBCCDDAB"
    for i in range(40):
        tags = ("汽车销售;二手车销售" if i % 5 == 0
                else "汽车销售" if i < 26 else "二手车销售" if i < 34 else "")
        name = f"=HYPERLINK(\"x\")公司{i}" if i == 0 else f"晋城市城区{i}号汽车销售有限公司"
        lines.append(f'{uscc(i + 1)},"{name}",有限责任公司,{tags},{risks[i % len(risks)]},100,'
                     f"城区北街{i}号,张{i},0356-{2000000 + i}")
    return "\n".join(lines) + "\n"


ROSTER = """执法证号,姓名,部门,执法资格,专长,回避对象,不可用日期
140502190101,林海,城区市场监管局,是,,,
140502190102,谭强,城区市场监管局,是,,,
140502190103,王芳,城区市场监管局,是,,,
140502190201,赵磊,城区商务局,是,,,
140502190202,钱敏,城区商务局,是,,,
140502190203,孙丽,城区商务局,是,,,
"""

DESCRIPTOR = "dice:d10x20"
VALUE = "31415926535897932384"


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    plan = tmp_path / "plan.ssj"
    plan.write_text(PLAN, encoding="utf-8")
    registry = tmp_path / "registry.csv"
    registry.write_text(registry_text(), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return {"plan": plan, "registry": registry, "roster": roster}


@pytest.fixture()
def record(inputs: dict[str, Path]) -> dict:
    return make_record(inputs["plan"], inputs["registry"], inputs["roster"], DESCRIPTOR, VALUE)


def test_record_shape_and_determinism(inputs: dict[str, Path], record: dict) -> None:
    again = make_record(inputs["plan"], inputs["registry"], inputs["roster"], DESCRIPTOR, VALUE)
    assert record_json(again) == record_json(record)
    assert list(record) == ["spec", "extensions", "generator", "commitment", "beacon_value", "seed", "plan",
                            "registry", "roster", "calendar", "tasks", "subjects", "visits", "workload",
                            "warnings"]
    assert record["extensions"] == ["SSJ-TEAM-2"]  # the team rule of a new draw (docs/spec/SSJ-TEAM-2.md)
    assert record["calendar"] == {"source": "chinesecalendar",
                                  "version": importlib.metadata.version("chinesecalendar"),
                                  "covered_years": [FIRST_COVERED_YEAR, LAST_COVERED_YEAR]}
    commitment = make_commitment(inputs["plan"], inputs["registry"], inputs["roster"], DESCRIPTOR)
    assert record["commitment"] == commitment
    assert commitment["plan"] == draw.plan_digest(PLAN)
    assert record["seed"] == draw.seed(commitment["digest"], VALUE)
    task4, task6, task7 = record["tasks"]
    assert (task4["no"], task4["lead"], task4["assist"]) == (4, "城区商务局", ["城区市场监管局"])
    assert task4["rate_text"] == "不低于20%"
    assert task4["population"] == 28 and task4["floor_percent"] == 20
    labels = [s["label"] for s in task4["rounds"][0]["strata"]]
    assert labels == ["A", "B", "C", "D"]
    assert [s["label"] for s in task4["rounds"][1]["strata"]] == ["D"]
    assert task4["rounds"][0]["window"] == {"start": "2024-03-01", "end": "2024-07-16"}  # 275 days: 138 + 137
    assert task4["rounds"][1]["window"] == {"start": "2024-07-17", "end": "2024-11-30"}
    assert [s["label"] for s in task6["rounds"][0]["strata"]] == ["全部"]
    assert task6["rounds"][0]["strata"][0]["k"] == 2 and task6["floor_percent"] is None
    assert task7["population"] == 0 and task7["rounds"][0]["strata"] == []
    assert any(w.startswith(f"{draw.EMPTY_POPULATION}: ") for w in record["warnings"])
    drawn = {p["id"] for t in record["tasks"] for r in t["rounds"] for s in r["strata"]
             for p in s["selected"]}
    assert list(record["subjects"]) == sorted(drawn)
    assert {v["subject"] for v in record["visits"]} == drawn
    for stratum in task4["rounds"][0]["strata"]:
        picks = stratum["selected"]
        assert [p["rank"] for p in picks] == list(range(1, stratum["k"] + 1))
        assert all(p["key"] == draw.subject_key(task4["rounds"][0]["stream"], p["id"]) for p in picks)


def test_population_digest_lets_anyone_check_a_stratum(record: dict) -> None:
    stratum = record["tasks"][1]["rounds"][0]["strata"][0]
    ids = sorted(uscc(i + 1) for i in range(40) if i % 5 == 0 or 26 <= i < 34)
    assert stratum["population"] == len(ids)
    assert stratum["population_digest"] == draw.H("".join(i + "\n" for i in ids))


def test_write_record_files(tmp_path: Path, record: dict) -> None:
    out = tmp_path / "out"
    paths = write_record(record, out, force=False)
    names = sorted(p.name for p in paths)
    assert "record.json" in names and "visits.csv" in names
    assert list_file_name(4, 2) in names and list_file_name(7, 1) in names
    assert json.loads((out / "record.json").read_text(encoding="utf-8")) == record
    listing = (out / list_file_name(4, 1)).read_bytes()
    assert listing.startswith("\ufeff分层,序号,统一社会信用代码".encode())
    assert (out / list_file_name(7, 1)).read_bytes() == csv_bytes(
        ("分层", "序号", "统一社会信用代码", "名称", "地址", "风险等级", "随机键"), [])
    with pytest.raises(OutputExistsError):
        write_record(record, out, force=False)
    (out / "extra.txt").write_text("old", encoding="utf-8")
    write_record(record, out, force=True)
    assert not (out / "extra.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == names
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_formula_cells_are_neutralised() -> None:
    cells = ("=SUM(A1)", "+1", "-2", "@x", "公司", 3)
    assert [safe_cell(v) for v in cells] == ["'=SUM(A1)", "'+1", "'-2", "'@x", "公司", "3"]
    text = csv_bytes(("名称",), [("=HYPERLINK(\"x\")",)]).decode("utf-8")
    assert "'=HYPERLINK" in text


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "rec"
    target.mkdir()
    (target / "keep.txt").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_directory(target, force=True) as tmp:
        (tmp / "half.json").write_text("{", encoding="utf-8")
        raise RuntimeError("disk full")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec"]
    assert (target / "keep.txt").read_text(encoding="utf-8") == "old"
    with pytest.raises(OutputExistsError):
        write_text_atomic(target / "keep.txt", "new")
    write_text_atomic(target / "keep.txt", "new", force=True)
    assert (target / "keep.txt").read_text(encoding="utf-8") == "new"


def _write(tmp_path: Path, record: dict) -> Path:
    path = tmp_path / "published.json"
    path.write_text(record_json(record), encoding="utf-8")
    return path


def test_verify_accepts_the_record(tmp_path: Path, inputs: dict[str, Path], record: dict) -> None:
    path = _write(tmp_path, record)
    assert verify_record(path, inputs["plan"], inputs["registry"], inputs["roster"]) == []
    renamed = tmp_path / "另一个名字.csv"
    renamed.write_bytes(inputs["registry"].read_bytes())
    assert verify_record(path, inputs["plan"], renamed, inputs["roster"]) == []


def test_verify_detects_one_byte_registry_change(tmp_path: Path, inputs: dict[str, Path],
                                                 record: dict) -> None:
    path = _write(tmp_path, record)
    data = inputs["registry"].read_bytes().replace("张7,".encode(), "张8,".encode(), 1)
    inputs["registry"].write_bytes(data)
    (message,) = verify_record(path, inputs["plan"], inputs["registry"], inputs["roster"])
    assert message.startswith(f"检查对象名录库摘要不一致 (registry digest differs)：记录中为 "
                              f"{record['commitment']['registry'][:8]}…，重新计算为 ")
    assert message.endswith("——所给的检查对象名录库不是承诺时的那一份")


def test_verify_detects_changed_plan(tmp_path: Path, inputs: dict[str, Path], record: dict) -> None:
    path = _write(tmp_path, record)
    inputs["plan"].write_text(PLAN.replace("不低于 20%", "不低于 30%"), encoding="utf-8")
    (message,) = verify_record(path, inputs["plan"], inputs["registry"], inputs["roster"])
    assert message.startswith("计划文件摘要不一致 (plan digest differs)")


def test_verify_detects_changed_roster(tmp_path: Path, inputs: dict[str, Path], record: dict) -> None:
    path = _write(tmp_path, record)
    (message,) = verify_record(path, inputs["plan"], inputs["registry"], None)
    assert message.startswith("执法检查人员名录摘要不一致 (roster digest differs)")


def test_verify_detects_changed_beacon_value(tmp_path: Path, inputs: dict[str, Path], record: dict) -> None:
    path = _write(tmp_path, {**record, "beacon_value": "31415926535897932385"})
    (message,) = verify_record(path, inputs["plan"], inputs["registry"], inputs["roster"])
    assert message.startswith("种子 S 不一致 (seed differs)") and "随机源数值" in message


def test_verify_detects_tampered_selection(tmp_path: Path, inputs: dict[str, Path], record: dict) -> None:
    tampered = json.loads(record_json(record))
    stratum = tampered["tasks"][0]["rounds"][0]["strata"][0]
    original = stratum["selected"][0]["id"]
    stratum["selected"][0]["id"] = uscc(40)
    path = _write(tmp_path, tampered)
    (message,) = verify_record(path, inputs["plan"], inputs["registry"], inputs["roster"])
    assert message.startswith(f"任务4.rounds[0].strata[0].selected[0].id 不一致 (differs)：记录中为 "
                              f"{uscc(40)}，重新计算为 {original}——记录与其输入文件得出的抽取结果不符")
    assert "calendar" not in message


def test_verify_detects_changed_commitment(tmp_path: Path, inputs: dict[str, Path], record: dict) -> None:
    tampered = json.loads(record_json(record))
    tampered["commitment"]["beacon"] = "dice:d10x21"
    path = _write(tmp_path, tampered)
    (message,) = verify_record(path, inputs["plan"], inputs["registry"], inputs["roster"])
    assert message.startswith("承诺文本 T 与其中的摘要和随机源描述不符 (commitment text differs)")


def test_verify_ignores_a_calendar_version_that_changes_nothing(tmp_path: Path, inputs: dict[str, Path],
                                                               record: dict) -> None:
    other = json.loads(record_json(record))
    other["calendar"]["version"] = "0.0.1"
    assert verify_record(_write(tmp_path, other), inputs["plan"], inputs["registry"], inputs["roster"]) == []
    del other["calendar"]  # records made before the calendar was stated still verify
    assert verify_record(_write(tmp_path, other), inputs["plan"], inputs["registry"], inputs["roster"]) == []


def test_verify_names_the_calendar_version_when_dates_differ(tmp_path: Path, inputs: dict[str, Path],
                                                             record: dict) -> None:
    moved = json.loads(record_json(record))
    moved["calendar"]["version"] = "0.0.1"
    moved["visits"][0]["date"] = "2024-10-01"  # what an older 国庆 schedule could have allowed
    (message,) = verify_record(_write(tmp_path, moved), inputs["plan"], inputs["registry"], inputs["roster"])
    assert message.startswith("visits[0].date 不一致 (differs)：记录中为 2024-10-01")
    installed = importlib.metadata.version("chinesecalendar")
    assert (f"节假日日历版本不同 (calendar version differs)：记录使用 chinesecalendar 0.0.1，本机为 "
            f"chinesecalendar {installed}") in message
    same_calendar = {**moved, "calendar": record["calendar"]}
    (message,) = verify_record(_write(tmp_path, same_calendar), inputs["plan"], inputs["registry"],
                               inputs["roster"])
    assert message.startswith("visits[0].date 不一致") and "calendar" not in message


def test_not_a_record(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError):
        load_record(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InputError):
        load_record(bad)


def test_draw_without_roster_has_no_visits(inputs: dict[str, Path]) -> None:
    record = make_record(inputs["plan"], inputs["registry"], None, DESCRIPTOR, VALUE)
    assert record["commitment"]["roster"] == "-" and record["roster"] is None
    assert record["visits"] == [] and any(w.startswith("SSJ321") for w in record["warnings"])


def test_draw_without_roster_renders_its_documents(inputs: dict[str, Path], tmp_path: Path) -> None:
    """A record with `"roster": null` is a complete record: it loads for compile and its documents render."""
    from ssjlang.check.export import export_plan
    from ssjlang.documents.render import RenderOptions, render_documents

    record = make_record(inputs["plan"], inputs["registry"], None, DESCRIPTOR, VALUE)
    path = _write(tmp_path, record)
    checked = load_plan(inputs["plan"])
    assert load_record(path, complete=True, plan=checked) == record
    rendered = render_documents(export_plan(checked.resolved), record, None,
                                RenderOptions(formats=frozenset({"html", "csv"}), cite_tool=True))
    publication = rendered.files["公示/抽查情况公示.html"].decode("utf-8")
    assert "ssj verify record.json --plan plan.ssj --registry registry.csv</pre>" in publication
    assert "执法检查人员名录库摘要 Q（未提供，0 人）" in publication
    assert '<td class="n">2户</td>' in publication  # 任务 6: an absolute count (rate_ppm null)


def test_load_record_for_a_plan_compares_p_as_the_draw_does(inputs: dict[str, Path], record: dict,
                                                             tmp_path: Path) -> None:
    """The plan check of `ssj compile --record` uses P of the draw itself (draw.plan_digest): the same
    plan saved with a BOM and CRLF line ends is the same plan; an edited plan is not (SSJ423)."""
    path = _write(tmp_path, record)
    windows = tmp_path / "windows.ssj"
    windows.write_bytes(b"\xef\xbb\xbf" + PLAN.replace("\n", "\r\n").encode("utf-8"))
    assert load_record(path, complete=True, plan=load_plan(windows)) == record
    edited = tmp_path / "edited.ssj"
    edited.write_text(PLAN.replace("比例 2户", "比例 3户"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_record(path, plan=load_plan(edited))
    [d] = caught.value.diagnostics
    assert d.code == PLAN_MISMATCH == "SSJ423" and d.file == str(path)
    said = f"抽查记录 {path} 不是用计划 edited.ssj 抽取的 (drawn from a different plan)："
    assert d.message.startswith(said)
    assert f"edited.ssj 的 P={draw.plan_digest(edited.read_text('utf-8'))}" in d.message
