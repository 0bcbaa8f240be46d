"""Write the Word templates templates/docx/plan_table.docx and templates/docx/notice.docx (docxtpl).

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
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ssjlang.officialstyle import DOCX_FONT_BODY, DOCX_FONT_HEADING, DOCX_FONT_TABLE  # noqa: E402
from ssjlang.render import PLAN_COLUMNS, normalise_ooxml  # noqa: E402

#: Core-property date of the shipped templates (fixed so the files never change without a reason).
TEMPLATE_DATE = date(2024, 1, 1)

PLAN_WIDTHS_MM = (10, 30, 62, 30, 20, 40, 20, 20, 20, 15)


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
    props.author = "ssjlang"
    props.last_modified_by = "ssjlang"
    props.title = title
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.comments = "ssjlang template (docxtpl): keep the Jinja tags when editing"
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


def plan_table() -> Document:
    """工作计划表: A4 landscape, the ten seed columns, one row per task via {%tr for %}."""
    doc = _document("{{ plan.title }}")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(15)
    _para(doc, "{{ plan.title }}", font=DOCX_FONT_HEADING, size=18, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=4, cols=len(PLAN_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, PLAN_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
    for cell, name in zip(table.rows[0].cells, PLAN_COLUMNS, strict=True):
        _cell_text(cell, name, 10, DOCX_FONT_HEADING, center=True)
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], "{%tr for t in plan.tasks %}", 9)
    values = [
        "{{ t.no }}",
        "{{ t.name }}",
        None,
        "{{ t.scope }}",
        None,
        "{{ t.risk }}",
        "{{ t.window }}",
        "{{ t.lead }}",
        "{{ t.assist }}",
        "{{ t.mode }}",
    ]
    cells = table.rows[2].cells
    for cell, value in zip(cells, values, strict=True):
        if value is not None:
            _cell_text(cell, value, 9, center=value in ("{{ t.no }}", "{{ t.window }}", "{{ t.mode }}"))
    _cell_paragraphs(cells[2], ["{%p for item in t.checks %}", "{{ item }}", "{%p endfor %}"])
    _cell_paragraphs(cells[4], ["{{ t.rate }}", "{{ t.rounds }}"])
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", 9)
    _para(doc, "{{ plan.authority }}", size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ date_cn }}", size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


NOTICE_BASIS = (
    "根据《优化营商环境条例》第五十四条、《国务院办公厅关于推广随机抽查规范事中事后监管的通知》"
    "（国办发〔2015〕58号）、"
    "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）"
    "和《{{ n.plan_title }}》，"
    "经随机抽取，你单位被确定为{{ n.tasks_text }}的检查对象。按照“进一次门、查多项事”的要求，"
    "{{ n.departments }}"
    "组成联合检查组，定于{{ n.date_cn }}对你单位进行检查（检查时间范围：{{ n.window_cn }}）。检查事项如下："
)
NOTICE_RIGHTS = (
    "你单位的权利：检查人员少于两人或者未出示行政执法证件的，你单位有权拒绝检查；检查人员与你单位有直接利害关系"
    "或者有其他关系可能影响公正检查的，你单位有权申请其回避（回避申请可在检查开始前向{{ n.authority }}提出，"
    "也可当场"
    "向检查组提出）；对检查结果有异议的，你单位有权陈述和申辩。"
)
NOTICE_DUTIES = (
    "你单位的义务：如实提供检查所需的证照、台账、票据等材料，如实回答询问，配合检查，不得拒绝、阻碍检查，"
    "不得隐瞒真实情况、弄虚作假。拒不配合检查情节严重的，将依法记录并向社会公示。"
)
NOTICE_PUBLISH = (
    "抽查检查结果将于检查完成之日起20个工作日内（本次检查预计于{{ n.publish_by_cn }}前）"
    "通过国家企业信用信息公示系统向社会公示。"
)


def notice() -> Document:
    """检查通知书: every visit in one document, a page break between notices (A4 portrait, 公文 margins)."""
    doc = _document("检查通知书")
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{%p for n in notices %}")
    _para(doc, "{{ n.authority }}", font=DOCX_FONT_HEADING, size=26, align=center, color=RGBColor(0xCC, 0, 0))
    _para(doc, "检查通知书", font=DOCX_FONT_HEADING, size=22, align=center)
    _para(doc, "{{ n.number }}", align=center)
    _para(doc, "")
    _para(doc, "{{ n.subject }}（统一社会信用代码：{{ n.subject_id }}）：")
    _para(doc, NOTICE_BASIS, indent=True)
    _para(doc, "{%p for g in n.groups %}")
    _para(
        doc,
        "任务{{ g.task }}：{{ g.name }}（发起部门：{{ g.lead }}；配合部门：{{ g.assist }}）",
        font=DOCX_FONT_HEADING,
        indent=True,
    )
    _para(doc, "{%p for item in g.numbered %}")
    _para(doc, "{{ item }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "检查人员：", indent=True)
    _para(doc, "{%p for m in n.team %}")
    _para(
        doc,
        "{{ m.name }}（{{ m.department }}，执法证号{{ m.badge }}{% if m.lead %}，主检{% endif %}）",
        indent=True,
    )
    _para(doc, "{%p endfor %}")
    _para(doc, NOTICE_RIGHTS, indent=True)
    _para(doc, NOTICE_DUTIES, indent=True)
    _para(doc, NOTICE_PUBLISH, indent=True)
    _para(doc, "联系人：{{ n.contact }}", indent=True)
    _para(doc, "")
    _para(doc, "{{ n.authority }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ n.issued_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{%p if not loop.last %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
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
    for name, build in (("plan_table.docx", plan_table), ("notice.docx", notice)):
        path = out_dir / name
        path.write_bytes(_bytes(build()))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
