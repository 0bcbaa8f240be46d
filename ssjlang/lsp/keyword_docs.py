"""What each keyword means (关键字说明), shown when the cursor rests on it: the language reference
(docs/language.md) in a sentence or two, keyed by `Keyword.key`.

The spellings (Chinese, other Chinese forms, English) are not repeated here: the hover adds them from
`ssjlang.language.keywords`. tests/test_lsp_features.py fails when a keyword has no entry here, so a keyword
added to the table is documented in the editor too.
"""

from __future__ import annotations

KEYWORD_DOCS: dict[str, str] = {
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
    "level": (
        "层级：`层级 市县两级 \"市县两级市场监管部门\" { 按 所属区域  成员 甲区市场监管局、乙区市场监管局 "
        "}`，一组各管本辖区的机关；检查 写层级时，每个对象由其所属区域的成员机关检查。(An inspecting level: "
        "offices that each take the subjects of their area.)"
    ),
    "escalation": (
        "风险递加：`风险递加 名称 \"要求\" { 低风险 比例×1 … 高风险 比例×3 频次 2次/年 }`，"
        "按信用风险分类递加抽查比例和频次；未列出的等级按任务的比例×1。(A credit-risk escalation profile.)"
    ),
    "task": (
        "任务：`任务 序号 \"名称\" { … }`，计划表的一行；必填 事项 对象 比例 频次 时间 发起 模式。(A "
        "spot-check task: one row of the plan table.)"
    ),
    "joint": (
        "合并抽取：几项任务合并抽取，`合并抽取 \"…\" { 任务 1、2  比例 1.5% }`：各任务的对象合为一个总体，"
        "按合并的比例一次抽取，被抽中的对象按其所属各任务检查。(Tasks drawn together: one population, one "
        "rate, one list.)"
    ),
    "year": "年度：计划年度（2000–2100）；只写月份的时间落在这一年。(The plan year.)",
    "region": "地区：文书上印的地区名称，如 \"晋城市城区\"。(The district, as printed on documents.)",
    "division": (
        "区划代码：行政区划代码，6 位数字，如 \"140502\"。(The six-digit administrative division code.)"
    ),
    "authority": "发文机关：检查通知上的发文机关。(The issuing office on notices.)",
    "plan_no": "计划编号：计划的编号，印在文书上。(The plan's number, as printed on documents.)",
    "doc_number": (
        "文号：文号格式，`{年}` 和 `{号}` 会被填入，如 \"城区市监发〔{年}〕{号}号\"。(The document number "
        "pattern.)"
    ),
    "contact": "联系人：文书上的联系人。(The contact line on documents.)",
    "phone": "电话：联系电话，印在文书上（计划头或部门块中）。(The contact telephone on documents.)",
    "address": "地址：联系地址，印在文书上（计划头或部门块中）。(The contact address on documents.)",
    "site": "网站：公示网站，抽查结果在此公示（计划头或部门块中）。(The site where results are published.)",
    "full_name": (
        "全称：部门的全称，发文用；`部门 城区市场监管局 { 全称 \"晋城市城区市场监督管理局\" }`。(A "
        "department's full name, for its documents.)"
    ),
    "witness": (
        "见证：见证抽取的机构，如 `见证 \"公证机构\"、\"纪检监察\"`，写入抽查情况公示。(Who witnesses the "
        "draw.)"
    ),
    "publish_risk": (
        "公开风险分类：允许公开文书显示各对象的信用风险分类。(Public documents may show each subject's risk "
        "class.)"
    ),
    "materials": (
        "材料：被检查对象需备查的材料，`材料 { \"营业执照\" \"…\" }`，可写在计划头、任务或事项中。(Materials "
        "the subject prepares.)"
    ),
    "kind_text": "文本：名录字段的类型，按文本比较（= ≠ 包含 属于）。(A text column.)",
    "kind_list": "列表：名录字段的类型，单元格以 ；、， 分隔多个值；包含 指其中一项相等。(A list column.)",
    "kind_money": "金额：名录字段的类型，单位万元；与 3000万元、1.5亿元 比较大小。(A money column, in 万元.)",
    "kind_number": "数值：名录字段的类型，与数字比较大小。(A number column.)",
    "kind_date": "日期：名录字段的类型，与带引号的 \"2024-03-01\" 比较。(A date column.)",
    "alias": (
        "又称：部门的别名，任务中可用别名指称该部门，如 `部门 城区人社局 又称 区人社局`。(Alias names of a "
        "department.)"
    ),
    "unit": (
        "单位：部门的内设单位（股室、科室、中队…），写在部门块中：`部门 城区市场监管局 { 单位 信用监管股 "
        "又称 信用股 }`；任务可用它作检查主体。(A department's own unit.)"
    ),
    "area": (
        "辖区：部门机关管辖的名录区域值，层级据此把对象分给成员：`辖区 \"东城\"、\"西城\"`。(The registry "
        "area values a department's office covers.)"
    ),
    "by": (
        "按：层级或风险递加读取的名录字段，如 `按 所属区域`、`风险递加 监管分类 按 监管类别 { … }`。(The "
        "registry field a level or a profile reads.)"
    ),
    "members": "成员：层级的成员机关（须已声明为部门），以 、 分隔。(The offices of a level.)",
    "low": "低风险（A 类）：信用风险分类等级；风险递加从低风险到高风险不得递减。(Credit-risk class A, low.)",
    "medium": "一般风险（B 类）：信用风险分类等级。(Credit-risk class B, medium.)",
    "higher": "较高风险（C 类）：信用风险分类等级。(Credit-risk class C, higher.)",
    "high": "高风险（D 类）：信用风险分类等级；通常比例最高、频次最多。(Credit-risk class D, high.)",
    "unclassified": "未分类（U 类）：尚未分类的对象，不参加 A ≤ B ≤ C ≤ D 的递加比较。(Not yet classified.)",
    "items": (
        "事项：抽查事项，`事项 { \"…\" \"…\" }` 每行一项，或 `事项 \"…\"`。(The check items of the task.)"
    ),
    "basis": (
        "依据：检查事项的依据（法规条款），`\"…检查\" { 依据 \"《…条例》第十条\" }`。(The legal basis of an "
        "item.)"
    ),
    "code": "代码：检查事项的代码（事项清单编号）。(The code of a check item.)",
    "category": (
        "类别：事项类别，如 一般检查事项、重点检查事项；可写在任务或事项中。(The category of the items.)"
    ),
    "method": "方式：检查方式，如 `方式 \"书面检查\"、\"实地核查\"`。(How the items are checked.)",
    "scope": (
        "对象：抽查对象范围，照录计划表原文；可加 `筛选 …` 写明从名录库抽取的条件。(The scope as published, "
        "optionally with a selector.)"
    ),
    "where": (
        "筛选：从名录库选出抽查对象的条件，如 `行业类别 包含 \"汽车销售\" 且 注册资本 >= 3000万元`。(The "
        "selector that picks subjects from the registry.)"
    ),
    "base": (
        "基数：计划表写明的抽查基数，`对象 \"…\" 基数 约 40065户`；抽取时与名录库核对。(The population the "
        "table states, checked against the registry.)"
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
    "draw_window": (
        "抽取：抽取的时间，与检查时间分开写，如 `抽取 3月`。(When the subjects are drawn, apart from the "
        "inspection window.)"
    ),
    "each_round": (
        "每轮：每轮的抽取期限，`抽取 每轮 15日内`：每轮在其开始后的若干日内抽取。(Each round's draw "
        "deadline.)"
    ),
    "within_days": "日内：天数，写在 `每轮 N` 之后，`抽取 每轮 15日内`。(Days, after 每轮 N.)",
    "batch": (
        "批次：`批次 \"第一批\" 截止 2024年6月30日`，可写多个；第 r 批是第 r 轮。(A named batch with its "
        "deadline.)"
    ),
    "due": "截止：批次的截止日期，须在抽查时间之内且逐批递增。(The deadline of a batch.)",
    "directed": "定向：在 筛选 选出的对象中抽取；省略时有 筛选 即为定向。(Draw within the selector.)",
    "undirected": "不定向：从整个名录库抽取。(Draw from the whole registry.)",
    "lead": "发起：发起部门，须已声明（名称或别名）。(The lead department, declared with 部门.)",
    "guide": "指导：指导单位（部门或单位，不能是层级）。(The guiding department or unit.)",
    "inspect": "检查：检查主体（部门、单位或层级），以 、 分隔；省略时由发起部门检查。(Who inspects.)",
    "assist": "配合：配合部门，以 、 或 , 分隔，须已声明；不应与发起部门重复。(The assisting departments.)",
    "mode": "模式：抽查检查模式，写作 X抽Y查，如 县抽县查、市抽县(区)查。(The inspection mode.)",
    "remarks": "备注：计划表的备注栏，照录原文。(The table's remarks cell.)",
    "group": (
        "分组：计划表中几行任务共用的合并单元格（计划名称、抽查领域）。(The merged cell a run of task rows "
        "shares.)"
    ),
    "part": (
        "子项：任务序号下的一行，有自己的对象、比例或主体：`子项 \"高校\" { 对象 … 比例 … }`；"
        "未写的字段沿用任务的。(A sub-row under the task's number.)"
    ),
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
    "about": (
        "约：计划数量是约数，`3%（约1200户）`、`基数 约 40065户`；抽取按比例，并报告与计划数量的差。(About: "
        "a planned count beside the rate.)"
    ),
    "annual": (
        "全年：比例按全年计，分摊到各轮（`比例 全年 不低于 40%`）；时间 全年 指计划年度全年。(For the whole "
        "year, spread over its rounds.)"
    ),
    "all_levels": (
        "各级合计：组织层级及其下级合计的一个比例，`比例 各级合计 不低于 20%`（须由层级检查）。(One rate for "
        "the organising level and those below.)"
    ),
    "per_inspector": (
        "每名执法人员：按检查主体在岗执法人员数定户数，`比例 每名执法人员 10户`（需要执法人员名录）。(A "
        "sample size set by the inspecting body's headcount.)"
    ),
    "staff_ratio": (
        "人员比：执法人员与抽查对象之比，`比例 人员比 1:2.5`（需要执法人员名录）。(Inspectors to subjects.)"
    ),
    "exclude": (
        "不抽：该等级或该组不抽查，`高风险 不抽`、`\"…\" 名称 包含 \"…\": 不抽`。(A class or group that is "
        "not drawn.)"
    ),
    "unstated": (
        "待定：计划表没有给出数值，`比例 待定 \"抽取一定比例\"`；抽取时不抽并给出警告。(The table gives no "
        "number.)"
    ),
    "drawn_by": (
        "由：`比例 5% 由 \"联合双随机牵头单位\" 抽取`：这些对象由另一机关抽取，本计划只列出、不抽取。"
        "(Another body draws these subjects, not this plan.)"
    ),
    "per_year": "次/年：频次的单位，如 `频次 2次/年`。(Per year: the unit of rounds.)",
    "per_quarter": "次/季度：每季度的频次，`频次 1次/季度`。(Rounds per quarter.)",
    "per_month": "次/月：每月的频次，`频次 1次/月`。(Rounds per month.)",
    "times": "次：频次的单位，`抽查1次`、`每季度1次`。(Times: the unit of a count of rounds.)",
    "checked": "抽查：频次前的动词，`抽查1次`、`每季度各抽查1次`。(The verb before a count of rounds.)",
    "quarterly": (
        "每季度：按季度的频次，`频次 每季度1次`；各季度是一轮。(Each quarter: one round per quarter.)"
    ),
    "monthly": "每月：按月的频次，`频次 每月1次`。(Each month: one round per month.)",
    "half_yearly": "每半年：按半年的频次，`频次 每半年1次`。(Each half-year.)",
    "independent": (
        "各轮独立：每轮都从全部对象中抽取（各轮可重复抽到同一对象），`频次 每季度1次 各轮独立`。(Every round "
        "draws from the whole population.)"
    ),
    "wan_yuan": "万元：金额单位，名录库注册资本的单位。(10,000 yuan, the registry's unit.)",
    "yi_yuan": "亿元：金额单位，1亿元 = 10000万元。(100 million yuan.)",
    "yuan": "元：金额单位，200元 = 0.02万元。(Yuan.)",
    "and": "且：两个条件都成立；且 比 或 优先结合。(And; binds tighter than 或.)",
    "or": "或：任一条件成立。(Or.)",
    "not": "非：条件不成立，`非 名称 包含 \"培训\"`（非 后留空格）。(Not.)",
    "contains": "包含：列表字段含有该项，或文本字段含有该文字。(Contains.)",
    "in": "属于：取值是列表中的一个，`类型 属于 [\"公共娱乐场所\", \"文博场所\"]`。(In a list.)",
    "not_in": "不属于：取值不是列表中的任何一个。(Not in a list.)",
    "to": "至 / 到：时间的起止分隔，如 `12月至次年2月`。(To: separates a window's start and end.)",
    "next_year": "次年：计划年度的下一年，如 `12月至次年2月`。(The year after the plan year.)",
    "before": "前：截止日期，`时间 10月31日前`（从计划年度开始到该日）。(Before: a deadline.)",
    "month_end_before": "底前：到该月最后一天，`时间 10月底前`。(By the end of that month.)",
    "year_end": "年底前：到计划年度的 12月31日，`时间 年底前`。(By 31 December of the plan year.)",
    "tentative": "暂定：时间是暂定的，`时间 暂定 3月—11月`，文书照印。(A tentative window.)",
}
