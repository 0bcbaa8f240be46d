"""Reading one cell: the forms real plan tables write, and the ones the importer must leave to a person."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ssjlang.importer import cells
from ssjlang.importer.headers import field_of, normalise_heading
from ssjlang.language.nodes import CountRates, Period, Rate
from ssjlang.language.wording import rate_text, rounds_text, window_text


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        (
            "1.中小学教育装备产品检查2.招生、办学情况的检查3.执行政府定价情况的检查",
            ["中小学教育装备产品检查", "招生、办学情况的检查", "执行政府定价情况的检查"],
        ),
        (
            "1、景区是否存在违规行为；2、登记事项和公示信息检查。3、价格行为的检查。",
            ["景区是否存在违规行为", "登记事项和公示信息检查", "价格行为的检查"],
        ),
        ("（1）许可证检查（2）台账检查", ["许可证检查", "台账检查"]),
        ("①农药标签②进销货台账", ["农药标签", "进销货台账"]),
        (
            # the seed's "2" without a dot
            "1.对人防工程维护管理监督检查2单位履行法定消防安全职责情况的监督抽查",
            ["对人防工程维护管理监督检查", "单位履行法定消防安全职责情况的监督抽查"],
        ),
        ("1.律师执业表现情况;2.律师协会会员义务履行情况。", ["律师执业表现情况", "律师协会会员义务履行情况"]),
        ("1.第一项\n2.第二项。\n3.第三项", ["第一项", "第二项。", "第三项"]),  # one per line: kept as written
        ("12.年度报告公示信息的检查", ["年度报告公示信息的检查"]),  # numbered across the whole table
        ("1.检查2021年度报告3.5%的企业", ["检查2021年度报告3.5%的企业"]),  # digits inside an item are text
    ],
)
def test_items_split_at_their_numbering(cell: str, items: list[str]) -> None:
    assert cells.split_items(cell) == items


def test_a_cell_without_numbering_is_one_item() -> None:
    assert cells.split_items("对保安服务公司基本情况的检查") is None


@pytest.mark.parametrize(
    ("cell", "rate", "rounds"),
    [
        ("不低于10%，1次/年", "不低于10%", "1次/年"),
        ("3%;2次/年", "3%", "2次/年"),
        ("100%,抽查1次", "100%", "1次/年"),
        ("抽查比例不低于3%;抽查1次", "不低于3%", "1次/年"),
        ("全年抽查比例不低于1%,抽查1次", "全年不低于1%", "1次/年"),
        ("1次/年 100%", "100%", "1次/年"),
        ("5%（约20户）\n1次/年", "5%（约20户）", "1次/年"),
        ("3%（不少于20户）；每季度1次", "3%（不少于20户）", "每季度1次"),
        ("10-20%", "10%—20%", None),
        ("60-70家", "60—70家", None),
        ("不少于2所 不少于1次/年", "不少于2所", "不少于1次/年"),
        ("每年80%", "80%", None),
        ("各级合计不低于20% 1次/年", "各级合计不低于20%", "1次/年"),
        ("人员比1:2.5 每季度各抽查1次", "人员比1:2.5", "每季度1次"),
        ("100% 每季度1次（各轮独立）", "100%", "每季度1次（各轮独立）"),
        ("不低於１０％，１次／年", "不低于10%", "1次/年"),  # Traditional, full-width
        ("5%（约1户），由联合双随机牵头单位抽取；1次/年", "5%（约1户），由联合双随机牵头单位抽取", "1次/年"),
    ],
)
def test_rate_and_rounds_cells(cell: str, rate: str, rounds: str | None) -> None:
    read = cells.parse_rate_rounds(cell)
    assert read.rest == "" and isinstance(read.rate, Rate)
    assert rate_text(read.rate) == rate
    assert (rounds_text(read.rounds) if read.rounds is not None else None) == rounds


def test_a_rate_by_population_size_is_read_whole() -> None:
    spec = cells.parse_rate("总数不超过10：不少于2户；总数超过10：不低于50%")
    assert isinstance(spec, CountRates) and [r.threshold for r in spec.rules] == [10, 10]
    assert cells.rate_spec_text(spec) == "总数不超过10：不少于2户；总数超过10：不低于50%"


@pytest.mark.parametrize(
    "cell",
    [
        "按照市局要求比例开展检查",
        "企业抽查比例为2%,个体工商户抽查比例为0.1%",
        "重点源100%;一般源全年按在编在岗人员1:10比例抽取。",
        "市级医疗保障部门每年对市级及以下经办机构抽查比例之和≥20%",
        "辖区学校总数的 20%",
    ],
)
def test_rates_the_importer_will_not_guess(cell: str) -> None:
    read = cells.parse_rate_rounds(cell)
    assert read.rate is None and read.rest


@pytest.mark.parametrize(
    ("cell", "rounds"),
    [
        ("1次/年", (1, Period.YEAR, False)),
        ("=1", (1, Period.YEAR, False)),
        (">=1", (1, Period.YEAR, True)),
        ("1次", (1, Period.YEAR, False)),
        ("2次/季度", (2, Period.QUARTER, False)),
        ("每月1次", (1, Period.MONTH, False)),
    ],
)
def test_rounds_cells(cell: str, rounds: tuple[int, Period, bool]) -> None:
    read = cells.parse_rounds(cell)
    assert read is not None and (read.times, read.period, read.at_least) == rounds


@pytest.mark.parametrize("cell", ["全年", "每年", "1", "若干次"])
def test_rounds_the_importer_will_not_guess(cell: str) -> None:
    assert cells.parse_rounds(cell) is None


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("3月—11月", "3月—11月"),
        ("3月-11月", "3月—11月"),
        ("4-11月", "4月—11月"),
        ("3月至10月", "3月—10月"),
        ("12月至次年2月", "12月至次年2月"),
        ("2025年4月-9月", "2025年4月—9月"),
        ("4月", "4月"),
        ("10月31日前", "10月31日前"),
        ("12月前", "12月前"),
        ("10月底前", "10月底前"),
        ("年底", "年底前"),
        ("全年", "全年"),
        ("2021.04.01—2021.10.31", "2021年4月1日—2021年10月31日"),
        ("2021/5/20—2021/12/20/", "2021年5月20日—2021年12月20日"),
        ("2021年9月（暂定）", "2021年9月（暂定）"),
        ("暂定2021年9月", "2021年9月（暂定）"),
        ("2023年10月15日前完成", "2023年10月15日前"),
    ],
)
def test_window_cells(cell: str, text: str) -> None:
    window = cells.parse_window(cell)
    assert window is not None and window_text(window) == text


@pytest.mark.parametrize("cell", ["4—10", "1031日前", "13月", "2021年4月32日", "分两批次", "第一季度"])
def test_windows_the_importer_will_not_guess(cell: str) -> None:
    assert cells.parse_window(cell) is None


def test_window_from_two_cells() -> None:
    window = cells.window_from_points("2021.06.15", "2021.09.30")
    assert window is not None and window_text(window) == "2021年6月15日—2021年9月30日"


def test_department_cells() -> None:
    assert cells.split_names("市场监管局\n市税务局") == ["市场监管局", "市税务局"]
    assert cells.split_names("城乡建设、卫生健康、市场监管部门 消防救援机构") == [
        "城乡建设",
        "卫生健康",
        "市场监管部门",
        "消防救援机构",
    ]
    assert cells.split_names("各县（市、区）市场监管部门、市公安局") == [
        "各县（市、区）市场监管部门",
        "市公安局",
    ]
    assert cells.as_name("城区人社局") == "城区人社局"
    assert cells.as_name("县(市、区)粮食行政管理部门") == "县(市、区)粮食行政管理部门"
    assert [cells.as_name(bad) for bad in ("市", "第3大队", "(县市场监管局配合)", "无")] == [None] * 4
    assert cells.looks_like_organ("城区人社局") and not cells.looks_like_organ("人力资源和社会保障")


def test_modes_and_types() -> None:
    assert cells.parse_modes("市抽市查、市抽县（区）查") == ["市抽市查", "市抽县(区)查"]
    assert cells.parse_modes("縣抽縣查") == ["县抽县查"]
    assert cells.parse_modes("区级发起,区级检查") is None
    assert [cells.parse_directed(t) for t in ("定向", "不定向抽查", "本部门抽查")] == [True, False, None]


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("", "blank"),
        ("/", "none"),
        ("不涉及信用风险分类", "none"),
        ("低风险", "label"),
        (
            "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次",
            "escalation",
        ),
        ("escalate by credit class", "escalation"),
        ("按照B40%13户),C80%7户)比例抽取", "unknown"),  # numbers per class: not an escalation without numbers
    ],
)
def test_risk_cells(cell: str, kind: str) -> None:
    assert cells.risk_kind(cell) == kind


def test_counts() -> None:
    assert cells.parse_count("46家")[0].count == 46  # type: ignore[index]
    planned, words = cells.parse_count("1户(实际以联合双随机牵头单位抽查数为准。)")  # type: ignore[misc]
    assert (planned.count, planned.unit, planned.approx) == (1, "户", False) and words.startswith("(实际")
    assert cells.parse_count("若干") is None


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("序号", "no"),
        ("抽查任务名称", "name"),
        ("抽查对象\n范围", "scope"),
        ("抽查对象(范围)", "scope"),
        ("抽查比例\n及频次", "rate_rounds"),
        ("智慧监管（信用风险分类）要求", "risk"),
        ("抽查检查\n起止时间", "window"),
        ("发起主体/指导单位", "lead"),
        ("配合部门", "assist"),
        ("检查主体", "inspect"),
        ("抽查类型", "directed"),
        ("检查方式", "method"),
        ("检查依据", "basis"),
        ("完成时限", "window"),
        ("抽查户数(户)", "count"),
        ("抽查對象範圍", "scope"),
        ("發起部門", "lead"),
        ("抽查頻次", "rounds"),
        ("責任科室", "lead"),
        ("实施层级及说明", None),
        ("是否部门联合抽查", None),
    ],
)
def test_headings(heading: str, field: str | None) -> None:
    assert field_of(heading) == field, normalise_heading(heading)


def test_ranges_read_as_the_language_reads_them() -> None:
    read = cells.parse_rate("10%—20%")
    assert isinstance(read, Rate) and read.at_least and read.upper == Decimal(20)


def test_traditional_headings_are_covered_as_opencc_writes_them() -> None:
    """Every heading the importer knows is recognised in OpenCC's Traditional form (keywords' table plus
    the importer's few extra characters, each of which must be OpenCC's own pair)."""
    opencc = pytest.importorskip("opencc")
    from ssjlang.importer import headers

    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    for pair in headers._EXTRA_TRADITIONAL.split():  # 週 is 周 only in words (周期): check the way back
        assert t2s.convert(pair[1]) == pair[0], pair
    for key, spellings in headers._MORE_HEADINGS.items():
        for spelling in spellings:
            assert field_of(s2t.convert(spelling)) == key, spelling
