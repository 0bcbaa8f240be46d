"""Write the Word templates templates/docx/plan_table.docx, notice.docx and record_form.docx (docxtpl).

The templates are Jinja-in-Word: staff open them in Word/WPS, change fonts, margins, wording or the red
header, keep the {{ … }} and {%p … %} / {%tr … %} tags, and save them into their --templates DIR/docx/.
This script is how the shipped versions are made; it is deterministic (fixed core properties, fixed zip
entry times), so running it again gives byte-identical files:

    /work/venv/bin/python tools/make_docx_templates.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ssjlang.documents.officialstyle import DOCX_FONT_BODY, DOCX_FONT_HEADING, DOCX_FONT_TABLE  # noqa: E402
from ssjlang.documents.ooxml import normalise_ooxml  # noqa: E402
from ssjlang.documents.views import PLAN_TABLE_MM, TABLE_COLUMNS  # noqa: E402

#: Core-property date of the shipped templates (fixed so the files never change without a reason).
TEMPLATE_DATE = date(2024, 1, 1)

#: Every plan-table column at its share of the table's width (the renderer sets the widths of the columns
#: a plan shows; these are what Word shows when the template is opened).
PLAN_WIDTHS_MM = tuple(round(c.mm * PLAN_TABLE_MM / sum(d.mm for d in TABLE_COLUMNS), 1)
                       for c in TABLE_COLUMNS)


def _fonts(run_or_style: object, name: str, size: float | None = None, bold: bool = False) -> None:
    """Set the Latin and the East Asian font (Word keeps them apart: w:eastAsia)."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = Pt(size)
    font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _document(title: str) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    _fonts(normal, DOCX_FONT_BODY, 16)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(28)
    props = doc.core_properties
    stamp = datetime(TEMPLATE_DATE.year, TEMPLATE_DATE.month, TEMPLATE_DATE.day)
    props.author = ""
    props.last_modified_by = ""
    props.title = title
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.comments = "docxtpl template: keep the Jinja tags when editing"
    return doc


def _para(
    doc: Document,
    text: str,
    *,
    font: str = DOCX_FONT_BODY,
    size: float = 16,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    color: RGBColor | None = None,
) -> None:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    run = p.add_run(text)
    _fonts(run, font, size, bold)
    if color is not None:
        run.font.color.rgb = color


def _cell_text(
    cell: object,
    text: str,
    size: float = 10.5,
    font: str = DOCX_FONT_TABLE,
    bold: bool = False,
    center: bool = False,
) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = 1.0
    run = p.add_run(text)
    _fonts(run, font, size, bold)


def _cell_paragraphs(cell: object, lines: list[str], size: float = 9) -> None:
    """A cell whose content is several paragraphs (first one reuses the cell's empty paragraph)."""
    for i, line in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()  # type: ignore[attr-defined]
        p.paragraph_format.line_spacing = 1.0
        run = p.add_run(line)
        _fonts(run, DOCX_FONT_TABLE, size)


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _grid(table: object, widths_mm: tuple[float, ...]) -> None:
    """Fixed column widths that Word and LibreOffice both keep: every cell's tcW and the table's tblGrid
    (LibreOffice lays tables out from tblGrid, which python-docx fills with equal columns) agree."""
    tbl = table._tbl  # type: ignore[attr-defined]
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    tblpr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    total = tblpr.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        tblpr.append(total)
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(sum(int(Mm(w).twips) for w in widths_mm)))


def _merge_field(cell: object, key: str) -> None:
    """The cell's vertical merge from the row's view: restart on a task's first row, continue below it."""
    tc = cell._tc  # type: ignore[attr-defined]
    tc.get_or_add_tcPr().get_or_add_vMerge().set(qn("w:val"), f"{{{{ r.cells.{key}.merge }}}}")


def plan_table() -> Document:
    """工作计划表: A4 landscape, every column a plan table may have (the renderer drops the optional ones no
    task uses and sets the widths), one row per task or sub-row via {%tr for r in plan.rows %}, a
    full-width row where the 分组 changes, cells merged over a task's sub-rows (vMerge from the row's view),
    the 合并抽取 listed under the table."""
    doc = _document("{{ plan.title }}")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(15)
    _para(doc, "{{ plan.title }}", font=DOCX_FONT_HEADING, size=18, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=8, cols=len(TABLE_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid(table, PLAN_WIDTHS_MM)
    for cell, column in zip(table.rows[0].cells, TABLE_COLUMNS, strict=True):
        _cell_text(cell, column.heading, 10, DOCX_FONT_HEADING, center=True)
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], "{%tr for r in plan.rows %}", 9)
    _cell_text(table.rows[2].cells[0], "{%tr if r.group %}", 9)
    group = table.rows[3].cells[0].merge(table.rows[3].cells[-1])
    _cell_text(group, "{{ r.group }}", 10, DOCX_FONT_HEADING)
    _cell_text(table.rows[4].cells[0], "{%tr else %}", 9)
    centred = {"no", "category", "kind", "methods", "window", "mode"}
    for cell, column in zip(table.rows[5].cells, TABLE_COLUMNS, strict=True):
        key = column.key
        _merge_field(cell, key)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        lines = f"r.cells.{key}.lines"
        if key == "checks":  # 依据, 材料 in small type
            _cell_paragraphs(cell, [f"{{%p for l in {lines} %}}", "{%p if l.small %}", "{{ l.text }}",
                                    "{%p else %}", "{{ l.text }}", "{%p endif %}", "{%p endfor %}"])
            for run in cell.paragraphs[2].runs:
                run.font.size = Pt(7.5)
            continue
        _cell_paragraphs(cell, [f"{{%p for l in {lines} %}}", "{{ l.text }}", "{%p endfor %}"])
        if key in centred:
            cell.paragraphs[1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(table.rows[6].cells[0], "{%tr endif %}", 9)
    _cell_text(table.rows[7].cells[0], "{%tr endfor %}", 9)
    _para(doc, "{%p for j in plan.joints %}")
    _para(doc, "{{ j.text }}", size=12)
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ plan.authority }}", size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ date_cn }}", size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


NOTICE_BASIS = (
    "根据《优化营商环境条例》第五十四条、《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》"
    "（国发〔2019〕5号）和《{{ n.plan_title }}》，经随机抽取，你单位被确定为{{ n.tasks_text }}的检查对象。"
    "按照“进一次门、查多项”的要求，{{ n.issuer_names }}"
    "{% if n.participants %}会同{{ n.participants }}组成联合检查组，{% else %}检查组{% endif %}"
    "定于{{ n.date_cn }}到你单位实施检查（本次抽查的检查期限为{{ n.window_cn }}，"
    "检查日期如需调整将另行告知）。"
    "现将有关事项通知如下："
)
NOTICE_RIGHTS = (
    "检查人员少于两人或者未出示行政执法证件的，你单位有权拒绝检查；检查人员与你单位有直接利害关系或者有其他关系"
    "可能影响公正检查的，你单位有权在检查开始前向{{ n.issuer.name }}或当场向检查组申请回避；"
    "对检查结果有异议的，"
    "有权陈述和申辩。你单位应当如实提供材料、回答询问，配合检查，不得拒绝、阻碍检查或者隐瞒真实情况、弄虚作假；"
    "拒不配合检查情节严重的，将依法处理并向社会公示。"
)
NOTICE_PUBLISH = (
    "检查结果将自检查完成之日起20个工作日内通过{{ n.channel }}向社会公示（按上述检查日期计，最迟于"
    "{{ n.publish_by_cn }}前公示）。"
)
RECEIPT_ROWS = (
    ("送达文书名称及文号", "检查通知书{% if n.number %}（{{ n.number }}）{% endif %}"),
    ("受送达人", "{{ n.subject }}"),
    ("统一社会信用代码", "{{ n.subject_id }}"),
    ("送达地点", "{{ n.address }}"),
    ("送达方式", "□直接送达　□留置送达　□邮寄送达　□电子送达"),
    ("送达人（签名）", "　　　　　　　　　　　　年　　月　　日"),
    ("受送达人签名或盖章", "　　　　　　　　　　　　年　　月　　日"),
    ("代收人及代收理由", ""),
    ("见证人（留置送达时）", ""),
    ("备注", ""),
)
BODY_PT = 11.5


def _a4_form(title: str, size: float, leading: float,
             margins_mm: tuple[float, float, float, float]) -> Document:
    """A portrait A4 form document: body font size and line spacing, margins top, bottom, left, right."""
    doc = _document(title)
    normal = doc.styles["Normal"]
    _fonts(normal, DOCX_FONT_BODY, size)
    normal.paragraph_format.line_spacing = Pt(leading)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(margins_mm[0]), Mm(margins_mm[1])
    section.left_margin, section.right_margin = Mm(margins_mm[2]), Mm(margins_mm[3])
    return doc


def _page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _small(doc: Document, text: str, **kwargs: object) -> None:
    _para(doc, text, size=BODY_PT, **kwargs)  # type: ignore[arg-type]


def notice() -> Document:
    """检查通知书 and its 送达回证: every visit in one document, the notice on one page and the receipt on the
    next (A4 portrait, narrow margins, 11.5 pt: a form handed over on site)."""
    doc = _a4_form("检查通知书", BODY_PT, 17, (16, 14, 18, 18))
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{%p for n in notices %}")
    _para(doc, "{%p for i in n.issuers %}")
    _para(doc, "{{ i.name }}", font=DOCX_FONT_HEADING, size=17, align=center, color=RGBColor(0xCC, 0, 0))
    _para(doc, "{%p endfor %}")
    _para(doc, "检查通知书", font=DOCX_FONT_HEADING, size=19, align=center)
    _small(doc, "{{ n.number }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _small(doc, "{{ n.subject }}（统一社会信用代码：{{ n.subject_id }}）：")
    _small(doc, NOTICE_BASIS, indent=True)
    _small(doc, "一、检查事项", font=DOCX_FONT_HEADING)
    _para(doc, "{%p for g in n.groups %}")
    _para(doc, "{%p if n.groups|length > 1 %}")
    _small(doc, "{{ g.label }}：{{ g.name }}", indent=True)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p for item in g.numbered %}")
    _small(doc, "{{ item }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _small(doc, "二、检查方式：{{ n.methods }}", font=DOCX_FONT_HEADING)
    _small(doc, "三、请备齐以下材料（复印件加盖公章）", font=DOCX_FONT_HEADING)
    _small(doc, "{% for m in n.materials %}{{ loop.index }}.{{ m }}"
                "{% if not loop.last %}；{% else %}。{% endif %}{% endfor %}", indent=True)
    _small(doc, "四、检查人员", font=DOCX_FONT_HEADING)
    _small(doc, "{% for m in n.team %}{{ m.name }}（{{ m.department }}，执法证号 {{ m.badge }}"
                "{% if m.lead %}，主检{% endif %}）{% if not loop.last %}、{% endif %}{% endfor %}",
           indent=True)
    _small(doc, "五、你单位的权利和义务", font=DOCX_FONT_HEADING)
    _small(doc, NOTICE_RIGHTS, indent=True)
    _small(doc, "六、检查结果公示", font=DOCX_FONT_HEADING)
    _small(doc, NOTICE_PUBLISH, indent=True)
    _small(doc, "联系人：{{ n.contact or '＿＿＿＿＿＿' }}　　联系电话：{{ n.phone or '＿＿＿＿＿＿＿＿' }}"
                "{% if n.issuer.address %}　　地址：{{ n.issuer.address }}{% endif %}")
    _para(doc, "{%p for i in n.issuers %}")
    _small(doc, "{{ i.name }}（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{%p endfor %}")
    _small(doc, "{{ n.issued_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_break(doc)
    _para(doc, "送达回证", font=DOCX_FONT_HEADING, size=19, align=center)
    _para(doc, "{{ n.issuer_names }}", size=14, align=center)
    table = doc.add_table(rows=len(RECEIPT_ROWS), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid(table, (50, 124))
    for row, (label, value) in zip(table.rows, RECEIPT_ROWS, strict=True):
        row.height = Mm(14)
        _cell_text(row.cells[0], label, 12, DOCX_FONT_HEADING, center=True)
        if value:
            _cell_text(row.cells[1], value, 12, DOCX_FONT_BODY)
    _small(doc, "说明：受送达人拒绝签收的，送达人可以邀请有关基层组织或者所在单位的代表到场，说明情况，"
                "在送达回证上记明拒收事由和日期，由送达人、见证人签名或者盖章，把文书留在受送达人的住所，即视为送达。"
                "本回证由{{ n.issuer.name }}存档。")
    _para(doc, "{%p if not loop.last %}")
    _page_break(doc)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    return doc


FORM_ITEM_WIDTHS_MM = (11, 83, 46, 40)


def record_form() -> Document:
    """检查情况记录表: every visit in one document, one form each: the subject, its items with a line each
    for 检查方式 and the outcome, the result categories, 后续处置 choices, the team and signatures."""
    doc = _a4_form("检查情况记录表", 11, 16, (14, 14, 15, 15))
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{%p for f in forms %}")
    _para(doc, "{{ f.issuer_names }}", size=12, align=center)
    _para(doc, "检查情况记录表", font=DOCX_FONT_HEADING, size=18, align=center)
    _para(doc, "检查编号 {{ f.visit }}{% if f.number %}　检查通知书 {{ f.number }}{% endif %}", size=10,
          align=WD_ALIGN_PARAGRAPH.RIGHT)
    info = doc.add_table(rows=5, cols=4)
    info.style = doc.styles["Table Grid"]
    _grid(info, (34, 56, 34, 56))
    cells = [("检查对象", "{{ f.subject }}", "统一社会信用代码", "{{ f.subject_id }}"),
             ("法定代表人（负责人）", "{{ f.legal_rep }}", "联系电话", "{{ f.phone }}"),
             ("地址", "{{ f.address }}", "计划检查日期", "{{ f.date_cn }}"),
             ("抽查任务", "{{ f.task_labels }}", "实际检查日期", "　　年　　月　　日"),
             ("检查部门", "{{ f.departments }}", "检查人员",
              "{% for m in f.team %}{{ m.name }}{% if not loop.last %}、{% endif %}{% endfor %}")]
    for row, values in zip(info.rows, cells, strict=True):
        for n, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            label = n % 2 == 0
            _cell_text(cell, value, 10.5, DOCX_FONT_HEADING if label else DOCX_FONT_TABLE, center=label)
    _para(doc, "")
    items = doc.add_table(rows=4, cols=4)
    items.style = doc.styles["Table Grid"]
    _grid(items, FORM_ITEM_WIDTHS_MM)
    for cell, name in zip(items.rows[0].cells, ("序号", "检查事项", "检查方式", "检查结果"), strict=True):
        _cell_text(cell, name, 10.5, DOCX_FONT_HEADING, center=True)
    _repeat_header(items.rows[0])
    _cell_text(items.rows[1].cells[0], "{%tr for d in f.checks %}", 9)
    values = ("{{ d.n }}", "{{ d.text }}", "{% for m in (d.methods or f.methods) %}□{{ m }} {% endfor %}",
              "□未发现问题 □发现问题 □不涉及")
    for cell, value in zip(items.rows[2].cells, values, strict=True):
        if value:
            _cell_text(cell, value, 10, center=value == "{{ d.n }}")
    _cell_text(items.rows[3].cells[0], "{%tr endfor %}", 9)
    _para(doc, "")
    result = doc.add_table(rows=3, cols=2)
    result.style = doc.styles["Table Grid"]
    _grid(result, (34, 146))
    rows = (("检查结果（可多选）", "{% for c in f.categories %}□{{ c }}　{% endfor %}"),
            ("后续处置（可多选）", "{% for d in f.disposals %}□{{ d }}"
             "{% if d == '其他' %}：＿＿＿＿{% endif %}　{% endfor %}处置完成日期：　　年　　月　　日"),
            ("检查情况说明（发现的问题及依据）", ""))
    for row, (label, value) in zip(result.rows, rows, strict=True):
        _cell_text(row.cells[0], label, 10.5, DOCX_FONT_HEADING, center=True)
        if value:
            _cell_text(row.cells[1], value, 10)
    result.rows[2].height = Mm(22)
    _para(doc, "检查人员签名：{% for m in f.team %}{{ m.name }}＿＿＿＿＿＿　{% endfor %}", size=11)
    _para(doc, "检查对象负责人（或委托人）意见及签名：＿＿＿＿＿＿＿＿＿＿＿＿　　年　　月　　日", size=11)
    _para(doc, "{%p if not loop.last %}")
    _page_break(doc)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    return doc


def _bytes(doc: Document) -> bytes:
    out = BytesIO()
    doc.save(out)
    return normalise_ooxml(out.getvalue(), TEMPLATE_DATE)


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "templates" / "docx"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, build in (("plan_table.docx", plan_table), ("notice.docx", notice),
                        ("record_form.docx", record_form)):
        path = out_dir / name
        path.write_bytes(_bytes(build()))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
