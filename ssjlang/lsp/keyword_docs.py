"""What each keyword means (关键字说明), shown when the cursor rests on it: the language reference
(docs/language.md) in a sentence or two, keyed by `Keyword.key`.

The spellings (Chinese, other Chinese forms, English) are not repeated here: the hover adds them from
`ssjlang.keywords`. tests/test_lsp_features.py fails when a keyword has no entry here, so a keyword added to
the table is documented in the editor too.
"""

from __future__ import annotations

KEYWORD_DOCS: dict[str, str] = {
    # top-level statements
    "plan": (
        "计划头：`计划 \"标题\" { 年度 2024 … }`，每个文件一个；设置年度、地区、区划代码、发文机关、文号、"
        "联系人。(The plan header: its title and the settings used on documents; one per file.)"
    ),
    "fields": (
        "名录字段：`名录字段 { 机构等级 文本 }` 声明筛选可用的名录库列；标准列（名称、行业类别、注册资本…）"
        "无需声明。(Registry columns a selector may use beyond the standard ones.)"
    ),
    "department": (
        "部门：`部门 城区人社局 又称 区人社局`，每个部门声明一次；任务用名称或别名指称它。(A department, "
        "declared once; tasks name it by its name or an alias.)"
    ),
    "escalation": (
        "风险递加：`风险递加 名称 \"要求\" { 低风险 比例×1 … 高风险 比例×3 频次 2次/年 }`，"
        "按信用风险分类递加抽查比例和频次；未列出的等级按任务的比例×1。(A credit-risk escalation profile.)"
    ),
    "task": (
        "任务：`任务 序号 \"名称\" { … }`，计划表的一行；必填 事项 对象 比例 频次 时间 发起 模式。(A "
        "spot-check task: one row of the plan table.)"
    ),
    # plan header settings
    "year": "年度：计划年度（2000–2100）；只写月份的时间落在这一年。(The plan year.)",
    "region": "地区：文书上印的地区名称，如 \"晋城市城区\"。(The district, as printed on documents.)",
    "division": (
        "区划代码：行政区划代码，6 位数字，如 \"140502\"。(The six-digit administrative division code.)"
    ),
    "authority": "发文机关：检查通知上的发文机关。(The issuing office on notices.)",
    "doc_number": (
        "文号：文号格式，`{年}` 和 `{号}` 会被填入，如 \"城区市监发〔{年}〕{号}号\"。(The document number "
        "pattern.)"
    ),
    "contact": "联系人：文书上的联系人。(The contact line on documents.)",
    # registry field kinds
    "kind_text": "文本：名录字段的类型，按文本比较（= ≠ 包含 属于）。(A text column.)",
    "kind_list": "列表：名录字段的类型，单元格以 ；、， 分隔多个值；包含 指其中一项相等。(A list column.)",
    "kind_money": "金额：名录字段的类型，单位万元；与 3000万元、1.5亿元 比较大小。(A money column, in 万元.)",
    "kind_number": "数值：名录字段的类型，与数字比较大小。(A number column.)",
    "kind_date": "日期：名录字段的类型，与带引号的 \"2024-03-01\" 比较。(A date column.)",
    # departments
    "alias": (
        "又称：部门的别名，任务中可用别名指称该部门，如 `部门 城区人社局 又称 区人社局`。(Alias names of a "
        "department.)"
    ),
    # credit-risk classes
    "low": "低风险（A 类）：信用风险分类等级；风险递加从低风险到高风险不得递减。(Credit-risk class A, low.)",
    "medium": "一般风险（B 类）：信用风险分类等级。(Credit-risk class B, medium.)",
    "higher": "较高风险（C 类）：信用风险分类等级。(Credit-risk class C, higher.)",
    "high": "高风险（D 类）：信用风险分类等级；通常比例最高、频次最多。(Credit-risk class D, high.)",
    "unclassified": "未分类（U 类）：尚未分类的对象，不参加 A ≤ B ≤ C ≤ D 的递加比较。(Not yet classified.)",
    # task fields
    "items": (
        "事项：抽查事项，`事项 { \"…\" \"…\" }` 每行一项，或 `事项 \"…\"`。(The check items of the task.)"
    ),
    "scope": (
        "对象：抽查对象范围，照录计划表原文；可加 `筛选 …` 写明从名录库抽取的条件。(The scope as published, "
        "optionally with a selector.)"
    ),
    "where": (
        "筛选：从名录库选出抽查对象的条件，如 `行业类别 包含 \"汽车销售\" 且 注册资本 >= 3000万元`。(The "
        "selector that picks subjects from the registry.)"
    ),
    "rate": (
        "比例：抽查比例，如 `20%`、`不低于 10%`、`20户`、`10% 不少于 2户`，或 `按对象 {…}`、`按总数 {…}`；"
        "风险递加中 `比例×1.5` 为倍数。(The sample rate.)"
    ),
    "rounds": "频次：每年抽查几轮，`1次/年` 到 `12次/年`；批次数须与频次相同。(Rounds per year.)",
    "risk": (
        "风险：任务使用的风险递加方案，`风险 信用分类`；`风险 无` 为不递加（计划表该栏空白）。(The "
        "escalation profile the task uses, or none.)"
    ),
    "none": "无：`风险 无` 表示不按信用风险递加；`风险 无 \"/\"` 在计划表中印 \"/\"。(No escalation.)",
    "window": (
        "时间：抽查检查起止时间，如 `3月—11月`、`12月至次年2月`、`2026年2月24日—2026年11月30日`。(The window "
        "of the checks.)"
    ),
    "batch": (
        "批次：`批次 \"第一批\" 截止 2024年6月30日`，可写多个；第 r 批是第 r 轮。(A named batch with its "
        "deadline.)"
    ),
    "due": "截止：批次的截止日期，须在抽查时间之内且逐批递增。(The deadline of a batch.)",
    "directed": "定向：在 筛选 选出的对象中抽取；省略时有 筛选 即为定向。(Draw within the selector.)",
    "undirected": "不定向：从整个名录库抽取。(Draw from the whole registry.)",
    "lead": "发起：发起部门，须已声明（名称或别名）。(The lead department, declared with 部门.)",
    "assist": "配合：配合部门，以 、 或 , 分隔，须已声明；不应与发起部门重复。(The assisting departments.)",
    "mode": "模式：抽查检查模式，写作 X抽Y查，如 县抽县查、市抽县(区)查。(The inspection mode.)",
    # rates
    "at_least": (
        "不低于 / 不少于：下限。`不低于 10%` 为比例下限，`不少于 2户` 为户数下限；按总数中 `不少于 10` 指 N "
        "≥ 10。(At least: a floor.)"
    ),
    "by_subgroup": (
        "按对象：`比例 按对象 { \"三级\" 机构等级 = \"三级\": 不低于 50%; … }`，各子群体各自的比例；"
        "对象属于第一条匹配的规则。(Rates per sub-population.)"
    ),
    "by_count": (
        "按总数：`比例 按总数 { 不超过 10: 不少于 2户; 超过 10: 不低于 50% }`，按对象总数 N 选用比例；"
        "各条件须覆盖所有 N ≥ 1 且不重叠。(Rates by population size.)"
    ),
    "at_most": "不超过：按总数条件 N ≤ 数（含本数）。(At most: N ≤ the number.)",
    "above": "超过：按总数条件 N > 数（不含本数）。(Above: N > the number.)",
    "below": "少于 / 低于：按总数条件 N < 数（不含本数）。(Below: N < the number.)",
    "or_fewer": (
        "及以下 / 以下 / 以内：按总数条件 N ≤ 数，包括本数（刑法第九十九条）。(Or fewer: N ≤ the number.)"
    ),
    "or_more": "及以上 / 以上：按总数条件 N ≥ 数，包括本数。(Or more: N ≥ the number.)",
    "count_unit": (
        "户（家、所、个）：户数的量词，按书写保留，如 `20户`、`不少于 2所`。(Subjects: the count's measure "
        "word.)"
    ),
    "per_year": "次/年：频次的单位，如 `频次 2次/年`。(Per year: the unit of rounds.)",
    # money units
    "wan_yuan": "万元：金额单位，名录库注册资本的单位。(10,000 yuan, the registry's unit.)",
    "yi_yuan": "亿元：金额单位，1亿元 = 10000万元。(100 million yuan.)",
    "yuan": "元：金额单位，200元 = 0.02万元。(Yuan.)",
    # selectors
    "and": "且：两个条件都成立；且 比 或 优先结合。(And; binds tighter than 或.)",
    "or": "或：任一条件成立。(Or.)",
    "not": "非：条件不成立，`非 名称 包含 \"培训\"`（非 后留空格）。(Not.)",
    "contains": "包含：列表字段含有该项，或文本字段含有该文字。(Contains.)",
    "in": "属于：取值是列表中的一个，`类型 属于 [\"公共娱乐场所\", \"文博场所\"]`。(In a list.)",
    "not_in": "不属于：取值不是列表中的任何一个。(Not in a list.)",
    # windows
    "to": "至 / 到：时间的起止分隔，如 `12月至次年2月`。(To: separates a window's start and end.)",
    "next_year": "次年：计划年度的下一年，如 `12月至次年2月`。(The year after the plan year.)",
}
