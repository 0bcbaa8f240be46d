"""The one table of .ssj keywords (关键字表).

Every keyword of the language is listed here once: an abstract key (used in the grammar as the
rule ``_k_<key>``), its canonical Chinese form (written by ``ssj fmt``), other accepted Chinese
spellings, and its English form(s). The parser generates the grammar's keyword terminals from
this table, the formatter writes `Keyword.chinese`, and syntax-error messages name keywords by
`Keyword.label`. There is no second list anywhere.

`TERMINAL_LABELS` names the grammar's other terminals (punctuation, numbers, names) the way a
syntax error message shows them to a policy officer: in Chinese first, then English.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keyword:
    """One abstract keyword and all its spellings.

    ``english`` spellings are matched case-insensitively; a space in a spelling matches any run
    of whitespace (``at least``, ``by subgroup``).
    """

    key: str
    chinese: str
    english: tuple[str, ...]
    other: tuple[str, ...] = ()
    meaning: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every accepted spelling, canonical Chinese first."""
        return (self.chinese, *self.other, *self.english)

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
    _kw("escalation", "风险递加", "escalation", meaning="credit-risk escalation profile"),
    _kw("task", "任务", "task", meaning="spot-check task"),
    # plan header settings
    _kw("year", "年度", "year"),
    _kw("region", "地区", "region"),
    _kw("division", "区划代码", "division"),
    _kw("authority", "发文机关", "authority"),
    _kw("doc_number", "文号", "doc-number"),
    _kw("contact", "联系人", "contact"),
    # registry field kinds
    _kw("kind_text", "文本", "text"),
    _kw("kind_list", "列表", "list"),
    _kw("kind_money", "金额", "money"),
    _kw("kind_number", "数值", "number", ("数字",)),
    _kw("kind_date", "日期", "date"),
    # departments
    _kw("alias", "又称", ("alias", "aka")),
    # credit-risk classes (信用风险分类); the letters are the registry codes
    _kw("low", "低风险", "low", ("A",)),
    _kw("medium", "一般风险", "medium", ("B",)),
    _kw("higher", "较高风险", "higher", ("C",)),
    _kw("high", "高风险", "high", ("D",)),
    _kw("unclassified", "未分类", "unclassified", ("U",)),
    # task fields
    _kw("items", "事项", "items", ("抽查事项",)),
    _kw("scope", "对象", "scope", ("抽查对象",)),
    _kw("where", "筛选", "where"),
    _kw("rate", "比例", "rate", ("抽查比例",)),
    _kw("rounds", "频次", "rounds", ("抽查频次",)),
    _kw("risk", "风险", "risk"),
    _kw("none", "无", "none", ("不涉及",)),
    _kw("window", "时间", "window", ("起止时间",)),
    _kw("batch", "批次", "batch"),
    _kw("due", "截止", "due", ("截至",)),
    _kw("directed", "定向", "directed"),
    _kw("undirected", "不定向", "undirected"),
    _kw("lead", "发起", "lead", ("发起部门",)),
    _kw("assist", "配合", "assist", ("配合部门",)),
    _kw("mode", "模式", "mode", ("检查模式",)),
    # rates
    _kw("at_least", "不低于", "at least", ("不少于", "至少"),
        meaning="a floor; 不少于 is the canonical form before a count"),
    _kw("by_subgroup", "按对象", "by subgroup"),
    _kw("by_count", "按总数", "by count"),
    _kw("at_most", "不超过", "at most"),
    _kw("above", "超过", ("above", "more than")),
    _kw("below", "少于", ("below", "fewer than"), ("低于",)),
    _kw("or_fewer", "及以下", "or fewer", ("以下", "以内")),
    _kw("or_more", "及以上", "or more", ("以上",)),
    _kw("count_unit", "户", "subjects", ("家", "所", "个")),
    _kw("per_year", "次/年", "per year", ("次／年",)),
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
)

KEYWORDS_BY_KEY: dict[str, Keyword] = {k.key: k for k in KEYWORDS}

LANGUAGES: tuple[str, ...] = ("zh", "en")
"""Keyword languages a plan is written in: Chinese (`Keyword.chinese`, canonical) and English
(`Keyword.english`). The parser tells which one a file mostly uses; `ssj fmt` writes that one."""

NAME_STOP_KEYS: tuple[str, ...] = ("contains", "not_in", "in", "and", "or", "alias")
"""Keywords that may follow a bare name without a space (``行业类别包含"x"``); a name stops before
their Chinese spellings, so no name can contain them."""

NAME_ALTERNATIVE_KEYS: tuple[str, ...] = ("none", "not")
"""Keywords that may stand where a bare name may stand (``风险 无`` / ``风险 信用分类``;
``非 X`` / ``X = 1``).
The grammar gives them one terminal per spelling so the lexer matches them as whole words only."""

TERMINAL_LABELS: dict[str, str] = {
    "NAME": "名称 (a name)",
    "STRING": '带引号的文本 (quoted text "…")',
    "NUMBER": "数字 (a number)",
    "DATE_ISO": "日期 (a date such as 2026-02-24)",
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
