"""Selector semantics (docs/architecture.md "Selector semantics") on registry subjects."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssjlang.diagnostics import InputError
from ssjlang.interpret.registry import load_registry
from ssjlang.interpret.selector import (
    BAD_VALUE,
    UNKNOWN_FIELD,
    SubjectIndex,
    compile_selector,
    matches,
    parse_number,
    select_subjects,
)
from ssjlang.language.nodes import (
    NO_SPAN,
    And,
    Compare,
    CompareOp,
    FieldKind,
    Money,
    Name,
    Not,
    Number,
    Or,
    Text,
    ValueList,
)

HEADER = "统一社会信用代码,名称,类型,行业类别,风险等级,注册资本,地址,机构等级,成立日期,从业人数\n"
ROWS = [
    "91140502MA0K000001,晋城市城区甲汽车销售有限公司,有限责任公司,汽车销售;二手车销售,A,5000,城区北石店,,2010-05-01,30",
    "91140502MA0K000002,晋城市城区乙烟酒店,个体工商户,卷烟零售、单用途预付卡发卡企业,B,10,城区钟家庄,,2019-01-02,",
    "91140502MA0K000003,晋城市城区丙医院,事业单位,医疗机构,,3000,城区西街,三级,2001-01-01,abc",
    "91140502MA0K000004,晋城市城区丁建设有限公司,有限责任公司,建设工程项目;统计在库单位,D,2.5亿元,城区东街,,2020-12-31,120",
]
KINDS = {"机构等级": FieldKind.TEXT, "成立日期": FieldKind.DATE, "从业人数": FieldKind.NUMBER}


@pytest.fixture(scope="module")
def subjects(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    path: Path = tmp_path_factory.mktemp("sel") / "registry.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return load_registry(path).subjects


def cmp(field: str, op: CompareOp, value: object) -> Compare:
    if isinstance(value, str):
        value = Text(value, NO_SPAN)
    elif isinstance(value, list):
        value = ValueList(tuple(Text(v, NO_SPAN) if isinstance(v, str) else v for v in value), NO_SPAN)
    return Compare(Name(field, NO_SPAN), op, value, NO_SPAN)  # type: ignore[arg-type]


def ids(selector: object, subjects: tuple, index: SubjectIndex | None = None) -> list[str]:
    return [s.id[-1] for s in select_subjects(selector, subjects, KINDS, index=index)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("selector", "expected"), [
    (cmp("行业类别", CompareOp.CONTAINS, "汽车销售"), ["1"]),
    (cmp("category", CompareOp.CONTAINS, "卷烟零售"), ["2"]),
    (cmp("行业类别", CompareOp.CONTAINS, "汽车"), []),  # element equality on a list field, not substring
    (cmp("行业类别", CompareOp.EQ, "统计在库单位"), ["4"]),
    (cmp("行业类别", CompareOp.NE, "汽车销售"), ["2", "3", "4"]),
    (cmp("行业类别", CompareOp.IN, ["医疗机构", "卷烟零售"]), ["2", "3"]),
    (cmp("行业类别", CompareOp.NOT_IN, ["医疗机构", "卷烟零售"]), ["1", "4"]),
    (cmp("名称", CompareOp.CONTAINS, "汽车"), ["1"]),  # substring on a text field
    (cmp("名称", CompareOp.EQ, " 晋城市城区丙医院\t"), ["3"]),  # canonical text equality
    (cmp("类型", CompareOp.NE, "个体工商户"), ["1", "3", "4"]),
    (cmp("类型", CompareOp.IN, ["事业单位", "个体工商户"]), ["2", "3"]),
    (cmp("注册资本", CompareOp.GE, Money(Decimal(3000), NO_SPAN)), ["1", "3", "4"]),  # 2.5亿元 = 25000万元
    (cmp("capital", CompareOp.LT, Number(Decimal(3000), NO_SPAN)), ["2"]),
    (cmp("注册资本", CompareOp.EQ, Money(Decimal(25000), NO_SPAN)), ["4"]),
    (cmp("风险等级", CompareOp.EQ, "低风险"), ["1"]),
    (cmp("risk", CompareOp.EQ, "d"), ["4"]),
    (cmp("风险等级", CompareOp.EQ, "未分类"), ["3"]),
    (cmp("风险等级", CompareOp.GE, "较高风险"), ["4"]),  # ordered A < B < C < D; U never compares
    (cmp("风险等级", CompareOp.IN, ["A", "一般风险"]), ["1", "2"]),
    (cmp("统一社会信用代码", CompareOp.EQ, "91140502ma0k000002"), ["2"]),  # ids are upper-cased
    (cmp("机构等级", CompareOp.EQ, "三级"), ["3"]),
    (cmp("成立日期", CompareOp.LT, "2015-01-01"), ["1", "3"]),
    (cmp("从业人数", CompareOp.GT, Number(Decimal(50), NO_SPAN)), ["4"]),  # blank and "abc" never match
    (cmp("从业人数", CompareOp.LE, Number(Decimal(50), NO_SPAN)), ["1"]),
    (And((cmp("注册资本", CompareOp.GE, Money(Decimal(3000), NO_SPAN)),
          cmp("类型", CompareOp.NE, "事业单位")), NO_SPAN), ["1", "4"]),
    (Or((cmp("风险等级", CompareOp.EQ, "A"), cmp("风险等级", CompareOp.EQ, "B"),
         cmp("名称", CompareOp.CONTAINS, "医院")), NO_SPAN), ["1", "2", "3"]),
    (Not(cmp("行业类别", CompareOp.CONTAINS, "汽车销售"), NO_SPAN), ["2", "3", "4"]),
])
def test_selector_semantics(subjects: tuple, selector: object, expected: list[str]) -> None:
    assert ids(selector, subjects) == expected
    warm = SubjectIndex(subjects)
    assert [ids(selector, subjects, warm) for _ in range(3)] == [expected] * 3  # scan, then indexes
    assert [s.id[-1] for s in subjects if matches(selector, s, KINDS)] == expected  # type: ignore[arg-type]


def test_unknown_field_is_a_diagnostic() -> None:
    with pytest.raises(InputError) as info:
        compile_selector(cmp("机构级别", CompareOp.EQ, "三级"), KINDS, "plan.ssj")
    assert info.value.diagnostics[0].code == UNKNOWN_FIELD
    assert info.value.diagnostics[0].file == "plan.ssj"


@pytest.mark.parametrize("selector", [
    cmp("注册资本", CompareOp.GE, "很多"),
    cmp("风险等级", CompareOp.EQ, "极高风险"),
    cmp("风险等级", CompareOp.GT, "未分类"),
    cmp("成立日期", CompareOp.LT, "去年"),
])
def test_unusable_values_are_diagnostics(selector: Compare) -> None:
    with pytest.raises(InputError) as info:
        compile_selector(selector, KINDS)
    assert info.value.diagnostics[0].code == BAD_VALUE


@pytest.mark.parametrize(("cell", "money", "value"), [
    ("3000", True, Decimal(3000)), ("1.5亿元", True, Decimal(15000)), ("200元", True, Decimal("0.02")),
    ("3,000万元", True, Decimal(3000)), ("", True, None), ("abc", False, None), ("10万元", False, None),
])
def test_parse_number(cell: str, money: bool, value: Decimal | None) -> None:
    assert parse_number(cell, money) == value


_VALUES = {
    "行业类别": ["汽车销售", "二手车销售", "卷烟零售", "医疗机构", "学校"],
    "类型": ["有限责任公司", "个体工商户", "事业单位"],
    "风险等级": ["A", "B", "D", "未分类"],
    "名称": ["晋城市城区丙医院", "汽车"],
}
_compares = st.sampled_from(sorted(_VALUES)).flatmap(lambda f: st.one_of(
    st.tuples(st.just(f), st.sampled_from([CompareOp.EQ, CompareOp.NE]), st.sampled_from(_VALUES[f])),
    st.tuples(st.just(f), st.sampled_from([CompareOp.IN, CompareOp.NOT_IN]),
              st.lists(st.sampled_from(_VALUES[f]), min_size=1, max_size=3)),
)).map(lambda t: cmp(*t))
_selectors = st.recursive(_compares, lambda inner: st.one_of(
    st.lists(inner, min_size=2, max_size=3).map(lambda ops: And(tuple(ops), NO_SPAN)),
    st.lists(inner, min_size=2, max_size=3).map(lambda ops: Or(tuple(ops), NO_SPAN)),
    inner.map(lambda op: Not(op, NO_SPAN)),
), max_leaves=6)


@settings(max_examples=60, deadline=None)
@given(selectors=st.lists(_selectors, min_size=1, max_size=6))
def test_indexed_selection_equals_the_predicate(selectors: list[object]) -> None:
    """Shared indexes (built on a field's second use) give what testing every subject gives."""
    subjects = _registry_for_property()
    index = SubjectIndex(subjects)
    for selector in selectors * 2:
        expected = [s for s in subjects if compile_selector(selector)(s)]  # type: ignore[arg-type]
        assert select_subjects(selector, subjects, index=index) == expected  # type: ignore[arg-type]


_CACHE: dict[str, tuple] = {}


def _registry_for_property() -> tuple:
    if "subjects" not in _CACHE:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "registry.csv"
            csv_path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
            _CACHE["subjects"] = load_registry(csv_path).subjects
    return _CACHE["subjects"]
