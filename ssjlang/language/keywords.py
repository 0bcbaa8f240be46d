"""The one table of .ssj keywords (关键字表).

Every keyword of the language is listed here once: an abstract key (used in the grammar as the
rule ``_k_<key>``), its canonical Chinese form (written by ``ssj fmt``), other accepted Chinese
spellings — among them the column headings real plan tables use (抽查比例、发起部门、检查主体 …) —
and its English form(s). The parser generates the grammar's keyword terminals from this table, the
formatter writes `Keyword.chinese`, and syntax-error messages name keywords by `Keyword.label`.
There is no second list anywhere.

Traditional characters (計劃、不低於、縣抽縣查、戶): every Chinese spelling is also accepted in its
Traditional forms (`traditional_forms`), made from the character table `SIMPLIFIED_TRADITIONAL`; the parser
reads such a spelling as the keyword it stands for and `ssj fmt` writes the Simplified form. The table
covers every character of every spelling here and of the modes (县抽县查 …); a test compares it with
OpenCC's conversion.

`TERMINAL_LABELS` names the grammar's other terminals (punctuation, numbers, names) the way a
syntax error message shows them to a policy officer: in Chinese first, then English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

# ---------------------------------------------------------------- Simplified ↔ Traditional

SIMPLIFIED_TRADITIONAL = (
    "万萬 与與 个個 为爲為 于於 亿億 体體 关關 内內 划劃 别別 务務 区區 单單 县縣 参參 发發 号號 员員 围圍 "
    "备備 头頭 实實 对對 导導 层層 属屬 并並併 开開 录錄 总總 户戶 执執 拟擬 据據 数數 无無 时時 暂暫 机機 "
    "构構 检檢 注註 牵牽 独獨 电電 监監 码碼 称稱 筛篩 类類 系繫 约約 级級 纳納 组組 织織 编編 网網 联聯 "
    "范範 见見 计計 设設 证證 话話 轮輪 较較 辖轄 过過 选選 递遞 门門 间間 险險 项項 领領 预預 频頻 额額 风風"
)
"""Simplified → Traditional forms of the characters in keyword spellings, modes (县抽县查) and count
units (户), as OpenCC's s2t writes them, with the Taiwan/Hong Kong variant second where they differ
(为爲為). A test checks the table against OpenCC and that it covers every spelling."""

_VARIANTS: dict[str, tuple[str, ...]] = {
    entry[0]: tuple(entry[1:]) for entry in SIMPLIFIED_TRADITIONAL.split() if len(entry) >= 2
}
TO_SIMPLIFIED = str.maketrans({form: simple for simple, forms in _VARIANTS.items() for form in forms})


def traditional_forms(text: str, limit: int = 8) -> tuple[str, ...]:
    """The Traditional forms of `text` (every variant combination, at most `limit`), first the
    OpenCC one; `text` itself is not among them unless no character changes."""
    forms = [""]
    for char in text:
        options = _VARIANTS.get(char, (char,))
        forms = [prefix + option for prefix in forms for option in options][:limit]
    return tuple(forms)


def simplified(text: str) -> str:
    """`text` with every Traditional character the table knows written in its Simplified form."""
    return text.translate(TO_SIMPLIFIED)


# ---------------------------------------------------------------- keywords


@dataclass(frozen=True)
class Keyword:
    """One abstract keyword and all its spellings.

    ``english`` spellings are matched case-insensitively; a space in a spelling matches any run
    of whitespace (``at least``, ``by subgroup``). Each Chinese spelling is also accepted in
    Traditional characters (`traditional_spellings`).
    """

    key: str
    chinese: str
    english: tuple[str, ...]
    other: tuple[str, ...] = ()
    meaning: str = ""

    @cached_property
    def traditional_spellings(self) -> tuple[str, ...]:
        """The Traditional forms of the Chinese spellings that differ from them (計劃, 不低於)."""
        seen: list[str] = []
        for spelling in (self.chinese, *self.other):
            for form in traditional_forms(spelling):
                if form != spelling and form not in seen and form not in self.other:
                    seen.append(form)
        return tuple(seen)

    @property
    def chinese_spellings(self) -> tuple[str, ...]:
        """Every Chinese spelling, Simplified (canonical first) then Traditional."""
        return (self.chinese, *self.other, *self.traditional_spellings)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every accepted spelling, canonical Chinese first."""
        return (*self.chinese_spellings, *self.english)

    @property
    def label(self) -> str:
        """How an error message names the keyword: ``比例 (rate)``."""
        return f"{self.chinese} ({self.english[0]})" if self.english else self.chinese


def _kw(key: str, chinese: str, english: str | tuple[str, ...], other: tuple[str, ...] = (),
        meaning: str = "") -> Keyword:
    return Keyword(key, chinese, (english,) if isinstance(english, str) else english, other, meaning)


KEYWORDS: tuple[Keyword, ...] = (
    # top-level statements
    _kw("plan", "计划", "plan", meaning="plan header block"),
    _kw("fields", "名录字段", "fields", meaning="registry field declarations"),
    _kw("department", "部门", "department", meaning="department declaration"),
    _kw("level", "层级", "level",
        meaning="an inspecting level: offices that each take the subjects of their area"),
    _kw("escalation", "风险递加", "escalation", meaning="credit-risk escalation profile"),
    _kw("task", "任务", "task", meaning="spot-check task"),
    _kw("joint", "合并抽取", "joint-draw",
        meaning="tasks drawn together: one population, one rate, one list"),
    # plan header and department settings
    _kw("year", "年度", "year"),
    _kw("region", "地区", "region"),
    _kw("division", "区划代码", "division"),
    _kw("authority", "发文机关", "authority", ("发文单位",)),
    _kw("plan_no", "计划编号", "plan-number", ("抽查计划编号",)),
    _kw("doc_number", "文号", "doc-number"),
    _kw("contact", "联系人", "contact"),
    _kw("phone", "电话", "phone", ("联系电话",)),
    _kw("address", "地址", "address"),
    _kw("site", "网站", "site", ("公示网站",)),
    _kw("full_name", "全称", "full-name"),
    _kw("witness", "见证", "witness", meaning="who witnesses the draw (公证机构、纪检监察)"),
    _kw("publish_risk", "公开风险分类", "publish-risk-classes",
        meaning="the plan lets public documents show each subject's risk class"),
    _kw("materials", "材料", "materials", ("备查材料",), meaning="materials the subject prepares"),
    # registry field kinds
    _kw("kind_text", "文本", "text"),
    _kw("kind_list", "列表", "list"),
    _kw("kind_money", "金额", "money"),
    _kw("kind_number", "数值", "number", ("数字",)),
    _kw("kind_date", "日期", "date"),
    # departments and levels
    _kw("alias", "又称", ("alias", "aka")),
    _kw("unit", "单位", "unit", ("内设机构",),
        meaning="a department's own unit: 股室、科室、处室、中队、大队"),
    _kw("area", "辖区", "area", meaning="the registry area values a department's office covers"),
    _kw("by", "按", "by", meaning="the registry field a level or a profile reads"),
    _kw("members", "成员", "members"),
    # credit-risk classes (信用风险分类); the letters are the registry codes
    _kw("low", "低风险", "low", ("A",)),
    _kw("medium", "一般风险", "medium", ("B",)),
    _kw("higher", "较高风险", "higher", ("C",)),
    _kw("high", "高风险", "high", ("D",)),
    _kw("unclassified", "未分类", "unclassified", ("U",)),
    # task fields
    _kw("items", "事项", "items", ("抽查事项", "检查事项", "抽查内容", "检查内容", "抽查事项名称")),
    _kw("basis", "依据", "basis", ("检查依据",)),
    _kw("code", "代码", "code", ("事项代码",)),
    _kw("category", "类别", "category", ("事项类别",)),
    _kw("method", "方式", "method", ("检查方式",)),
    _kw("scope", "对象", "scope", ("抽查对象", "抽查对象范围", "检查对象", "抽查范围")),
    _kw("where", "筛选", "where"),
    _kw("base", "基数", "base", ("抽查基数",), meaning="the population the table states (基数约40065户)"),
    _kw("rate", "比例", "rate", ("抽查比例", "检查比例")),
    _kw("rounds", "频次", "rounds", ("抽查频次", "检查频次")),
    _kw("risk", "风险", "risk", ("信用风险分类", "信用风险分类管理", "智慧监管要求")),
    _kw("none", "无", "none", ("不涉及",)),
    _kw("window", "时间", "window", ("起止时间", "抽查时间", "检查时间", "抽查检查起止时间", "实施时间",
                                    "完成时限")),
    _kw("draw_window", "抽取", ("draw-window", "draw"), ("抽取时间", "抽取日期"),
        meaning="when the subjects are drawn, apart from the inspection window"),
    _kw("each_round", "每轮", "each-round", ("各轮",),
        meaning="抽取 每轮 15日内: each round's draw deadline"),
    _kw("within_days", "日内", "days", ("天内",)),
    _kw("batch", "批次", "batch"),
    _kw("due", "截止", "due", ("截至",)),
    _kw("directed", "定向", "directed", ("定向抽查",)),
    _kw("undirected", "不定向", "undirected", ("不定向抽查",)),
    _kw("lead", "发起", "lead", ("发起部门", "发起主体", "组织单位", "牵头部门", "牵头单位")),
    _kw("guide", "指导", "guide", ("指导单位",)),
    _kw("inspect", "检查", "inspected-by", ("检查主体", "实施主体", "实施部门", "检查部门", "执行股室"),
        meaning="who inspects (检查主体/实施主体): departments, units or a level"),
    _kw("assist", "配合", "assist", ("配合部门", "参与部门", "联查部门")),
    _kw("mode", "模式", "mode", ("检查模式", "抽查检查模式")),
    _kw("remarks", "备注", "remarks"),
    _kw("group", "分组", "group", ("计划名称", "抽查领域"),
        meaning="the merged cell a run of task rows shares"),
    _kw("part", "子项", "part",
        meaning="a sub-row under the task's 序号 with its own population, rate or bodies"),
    # rates
    _kw("at_least", "不低于", "at least", ("不少于", "至少", "最低"),
        meaning="a floor; 不少于 is the canonical form before a count"),
    _kw("by_subgroup", "按对象", "by subgroup"),
    _kw("by_count", "按总数", "by count"),
    _kw("at_most", "不超过", "at most", ("不高于",)),
    _kw("above", "超过", ("above", "more than")),
    _kw("below", "少于", ("below", "fewer than"), ("低于",)),
    _kw("or_fewer", "及以下", "or fewer", ("以下", "以内")),
    _kw("or_more", "及以上", "or more", ("以上",)),
    _kw("count_unit", "户", "subjects", ("家", "所", "个")),
    _kw("about", "约", "about", ("预估", "大约", "约为"), meaning="a planned count beside the rate"),
    _kw("annual", "全年", "annual", meaning="the rate is for the whole year, spread over its rounds"),
    _kw("all_levels", "各级合计", "all levels", meaning="one rate for the organising level and those below"),
    _kw("per_inspector", "每名执法人员", "per inspector", ("每人",),
        meaning="a sample size set by the inspecting body's headcount"),
    _kw("staff_ratio", "人员比", "staff ratio", ("人户比",),
        meaning="inspectors : subjects, e.g. 1:2.5 (按在岗执法人员数量与被抽查对象的比)"),
    _kw("exclude", "不抽", "exclude", ("不抽查", "不纳入抽查"), meaning="a class or group that is not drawn"),
    _kw("unstated", "待定", "unstated",
        meaning="the table gives no number (抽取一定比例), or no partner (配合 待定)"),
    _kw("drawn_by", "由", "drawn-by",
        meaning="由 \"市局\" 抽取: another body draws these subjects, this plan does not"),
    # rounds
    _kw("per_year", "次/年", "per year", ("次／年",)),
    _kw("per_quarter", "次/季度", "per quarter", ("次／季度",)),
    _kw("per_month", "次/月", "per month", ("次／月",)),
    _kw("times", "次", "times"),
    _kw("checked", "抽查", "checked", ("各抽查",),
        meaning="抽查1次, 每季度各抽查1次: the verb before a count of rounds"),
    _kw("quarterly", "每季度", "each quarter", ("每个季度",)),
    _kw("monthly", "每月", "each month", ("每个月",)),
    _kw("half_yearly", "每半年", "each half-year"),
    _kw("independent", "各轮独立", "independent", ("独立",),
        meaning="every round draws from the whole population"),
    # money units
    _kw("wan_yuan", "万元", "wan"),
    _kw("yi_yuan", "亿元", "yi"),
    _kw("yuan", "元", "yuan"),
    # selectors
    _kw("and", "且", "and", ("并且",)),
    _kw("or", "或", "or", ("或者",)),
    _kw("not", "非", "not"),
    _kw("contains", "包含", "contains"),
    _kw("in", "属于", "in"),
    _kw("not_in", "不属于", "not in"),
    # windows
    _kw("to", "至", "to", ("到",)),
    _kw("next_year", "次年", "next-year"),
    _kw("before", "前", "before", ("之前", "以前"), meaning="a deadline: 10月31日前"),
    _kw("month_end_before", "底前", "by the end of", ("底",), meaning="10月底前: by the month's last day"),
    _kw("year_end", "年底前", "year-end", ("年底",), meaning="the plan year's 31 December"),
    _kw("tentative", "暂定", "tentative", ("初步", "拟")),
)

KEYWORDS_BY_KEY: dict[str, Keyword] = {k.key: k for k in KEYWORDS}

LANGUAGES: tuple[str, ...] = ("zh", "en")
"""Keyword languages a plan is written in: Chinese (`Keyword.chinese`, canonical) and English
(`Keyword.english`). The parser tells which one a file mostly uses; `ssj fmt` writes that one."""

NAME_STOP_KEYS: tuple[str, ...] = ("contains", "not_in", "in", "and", "or", "alias")
"""Keywords that may follow a bare name without a space (``行业类别包含"x"``); a name stops before
their Chinese spellings, so no name can contain them."""

NAME_ALTERNATIVE_KEYS: tuple[str, ...] = ("none", "not", "unstated")
"""Keywords that may stand where a bare name may stand (``风险 无`` / ``风险 信用分类``;
``非 X`` / ``X = 1``; ``配合 待定`` / ``配合 市公安局``).
The grammar gives them one terminal per spelling so the lexer matches them as whole words only."""

TERMINAL_LABELS: dict[str, str] = {
    "NAME": "名称 (a name)",
    "STRING": '带引号的文本 (quoted text "…")',
    "NUMBER": "数字 (a number)",
    "DATE_ISO": "日期 (a date such as 2026-02-24)",
    "DATE_SLASH": "日期 (a date such as 2021/5/20)",
    "DATE_DOT": "日期 (a date such as 2021.04.01)",
    "_LBRACE": '"{"',
    "_RBRACE": '"}"',
    "_LPAREN": '"("',
    "_RPAREN": '")"',
    "_LBRACKET": '"["',
    "_RBRACKET": '"]"',
    "_COLON": '":" 或 "："',
    "_COMMA": '"、" 或 ","',
    "_SEP": '";" (换行亦可 / or a new line)',
    "_PERCENT": '"%"',
    "_TIMES": '"×"',
    "_DASH": '"—" 或 "-"',
    "_YEAR_MARK": '"年"',
    "_MONTH_MARK": '"月"',
    "_DAY_MARK": '"日"',
    "_EQ": '"="',
    "_NE": '"≠"',
    "_LT": '"<"',
    "_LE": '"<="',
    "_GT": '">"',
    "_GE": '">="',
    "$END": "文件结尾 (end of file)",
}
"""Error-message names of the grammar's non-keyword terminals."""


def keyword_terminal(key: str, index: int | None = None) -> str:
    """The grammar terminal of a keyword (``_KW_RATE``) or of one of its spellings (``_KW_NONE_1``)."""
    return f"_KW_{key.upper()}" if index is None else f"_KW_{key.upper()}_{index}"


def keyword_of_terminal(terminal: str) -> Keyword | None:
    """The keyword a grammar terminal stands for, if it is a keyword terminal."""
    if not terminal.startswith("_KW_"):
        return None
    key = terminal[4:].lower()
    if key in KEYWORDS_BY_KEY:
        return KEYWORDS_BY_KEY[key]
    return KEYWORDS_BY_KEY.get(key.rsplit("_", 1)[0])


def terminal_label(terminal: str) -> str:
    """Name a grammar terminal for a syntax error message; never shows Lark's internal names."""
    keyword = keyword_of_terminal(terminal)
    if keyword is not None:
        return keyword.label
    return TERMINAL_LABELS.get(terminal, "其他内容 (something else)")
