"""`ssj lsp` driven as an editor drives it: pytest-lsp starts the server process and speaks LSP to it.

Positions are UTF-16 code units, as VS Code counts them; the plans here put CJK Extension B characters
(𠮷, two UTF-16 units) before what is checked, so a server counting Python characters fails.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from ssjlang.check.checker import check
from ssjlang.diagnostics import sorted_diagnostics
from ssjlang.language.formatter import format_plan
from ssjlang.language.parser import parse
from ssjlang.lsp.keyword_docs import KEYWORD_DOCS

ROOT = Path(__file__).resolve().parent.parent
SERVER = [sys.executable, "-m", "ssjlang", "lsp", "--debounce", "0.01"]
pytestmark = pytest.mark.asyncio(loop_scope="module")  # the tests share the module's server and loop

PLAN = """计划 "晋城市城区2024年度部门联合双随机抽查工作计划" {
  年度 2024
  地区 "晋城市城区"
}

部门 城区𠮷商务局
部门 城区市场监管局
部门 城区人社局 又称 区人社局

风险递加 信用分类 "按信用风险分类递加" {
  低风险 比例×1
  高风险 比例×3 频次 2次/年
}

任务 4 "对汽车销售企业的部门联合抽查" {
  事项 "对从事汽车销售及其相关服务活动的检查"
  对象 "全区汽车销售企业" 筛选 行业类别 包含 "汽车销售"
  比例 不低于 20%
  频次 1次/年
  风险 信用分类
  时间 3月—12月
  发起 区人社局
  配合 城区𠮷商务局、城区市场监管居
  模式 县抽县查
}
"""
MISSPELT_LINE = 22  # 0-based: "  配合 城区𠮷商务局、城区市场监管居"


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    """One server for the module's tests (each test opens its own document)."""
    refreshes: list[None] = []

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def code_lens_refresh(client: LanguageClient, params: None) -> None:
        refreshes.append(params)

    lsp_client.code_lens_refreshes = refreshes  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=uri_of(ROOT))
    )
    yield
    await lsp_client.shutdown_session()


async def open_plan(client: LanguageClient, uri: str, text: str) -> list[types.Diagnostic]:
    waiting = asyncio.ensure_future(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="ssj", version=1, text=text)
        )
    )
    await asyncio.wait_for(waiting, 30)
    return list(client.diagnostics[uri])


async def change(client: LanguageClient, uri: str, version: int, text: str) -> list[types.Diagnostic]:
    waiting = asyncio.ensure_future(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await asyncio.wait_for(waiting, 30)
    return list(client.diagnostics[uri])


def utf16_offset(text: str, position: types.Position) -> int:
    """The Python offset of an LSP position counted in UTF-16 units (what the client does)."""
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for index, char in enumerate(lines[position.line]):
        if units >= position.character:
            return offset + index
        units += 2 if ord(char) > 0xFFFF else 1
    return offset + len(lines[position.line])


def apply(text: str, edits: list[types.TextEdit]) -> str:
    spans = [(utf16_offset(text, e.range.start), utf16_offset(text, e.range.end), e.new_text) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def checked(text: str) -> list[str]:
    result = parse(text, "plan.ssj")
    assert result.plan is not None
    return [d.code for d in sorted_diagnostics([*result.diagnostics, *check(result.plan, "plan.ssj")])]


async def test_misspelt_department_utf16_range_and_quick_fix(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    diagnostics = await open_plan(client, uri, PLAN)
    assert [d.code for d in diagnostics] == ["SSJ104"]
    unknown = diagnostics[0]
    # "  配合 城区𠮷商务局、" is 12 characters but 13 UTF-16 units (𠮷 is U+20BB7, two units)
    assert unknown.range == types.Range(
        start=types.Position(line=MISSPELT_LINE, character=13),
        end=types.Position(line=MISSPELT_LINE, character=20),
    )
    assert unknown.severity == types.DiagnosticSeverity.Error and unknown.source == "ssj"
    assert (
        unknown.code_description is not None and "diagnostics/ssj1.md#ssj104" in unknown.code_description.href
    )
    assert "是否应为「城区市场监管局」" in unknown.message

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=unknown.range,
            context=types.CodeActionContext(diagnostics=[unknown]),
        )
    )
    assert actions[0].title == "改为「城区市场监管局」 (replace with 城区市场监管局)"
    preferred = next(a for a in actions if a.is_preferred)
    assert preferred.kind == types.CodeActionKind.QuickFix and preferred.edit is not None
    fixed = apply(PLAN, preferred.edit.changes[uri])
    assert "  配合 城区𠮷商务局、城区市场监管局\n" in fixed
    assert await change(client, uri, 2, fixed) == []
    assert checked(fixed) == []

    declare = next(a for a in actions if a.title.startswith("声明部门"))
    declared = apply(PLAN, declare.edit.changes[uri])
    assert await change(client, uri, 3, declared) == []
    assert checked(declared) == []


async def test_completion_after_lead_offers_the_declared_departments(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    text = PLAN.replace("  发起 区人社局\n", "  发起 \n")
    await open_plan(client, uri, text)
    line = text.split("\n").index("  发起 ")
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=5),
        )
    )
    labels = [item.label for item in result.items]
    assert labels[:4] == ["城区𠮷商务局", "城区市场监管局", "城区人社局", "区人社局"]
    assert all(item.kind == types.CompletionItemKind.Class for item in result.items)


async def test_completion_of_task_fields_keywords_and_snippets(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    text = PLAN.replace("  模式 县抽县查\n", "  模式 县抽县查\n  \n")
    await open_plan(client, uri, text)
    line = text.split("\n").index("  模式 县抽县查") + 1
    fields = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=2),
        )
    )
    assert {"事项", "比例", "批次", "定向", "配合"} <= {item.label for item in fields.items}
    end = len(text.split("\n")) - 1
    top = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=end, character=0),
        )
    )
    labels = {item.label for item in top.items}
    assert {"任务", "部门", "风险递加", "任务 {…}", "风险递加 {…}"} <= labels
    snippet = next(item for item in top.items if item.label == "任务 {…}")
    assert snippet.insert_text_format == types.InsertTextFormat.Snippet
    assert snippet.insert_text.startswith('任务 ${1:1} "${2:任务名称}" {')


async def test_hover_on_a_keyword_shows_its_reference(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    await open_plan(client, uri, PLAN)
    line = PLAN.split("\n").index("  比例 不低于 20%")
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=3),
        )
    )
    assert result is not None and KEYWORD_DOCS["rate"] in result.contents.value
    assert result.range == types.Range(
        start=types.Position(line=line, character=2), end=types.Position(line=line, character=4)
    )


async def test_hover_on_a_task_department_and_profile(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    await open_plan(client, uri, PLAN)
    lines = PLAN.split("\n")

    async def hover_at(line: int, character: int) -> str:
        result = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
            )
        )
        assert result is not None
        return result.contents.value

    task = await hover_at(lines.index('任务 4 "对汽车销售企业的部门联合抽查" {'), 8)
    assert "2024-03-01 — 2024-12-31（3月—12月）" in task and "不低于20%" in task
    assert "| 高风险 | 不低于60%（×3） | 2次/年 |" in task
    department = await hover_at(MISSPELT_LINE, 8)
    assert "部门 城区𠮷商务局" in department and "声明于第 6 行" in department
    alias = await hover_at(lines.index("  发起 区人社局"), 6)
    assert "部门 城区人社局 又称 区人社局" in alias and "任务中共被提及 1 次" in alias
    profile = await hover_at(lines.index("  风险 信用分类"), 6)
    assert "按信用风险分类递加" in profile and "| 高风险（D） | ×3 | 2次/年 |" in profile


async def test_formatting_returns_the_ssj_fmt_text(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    messy = PLAN.replace("  比例 不低于 20%", "比例不低于20％").replace("  频次 1次/年", "      频次 1次／年")
    await open_plan(client, uri, messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    result = parse(messy, "plan.ssj")
    assert result.plan is not None
    assert apply(messy, edits) == format_plan(result.plan, result.comments, result.language)
    assert "  比例 不低于 20%\n  频次 1次/年\n" in apply(messy, edits)


async def test_definition_references_symbols_folding(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    await open_plan(client, uri, PLAN)
    lines = PLAN.split("\n")
    assist = types.Position(line=MISSPELT_LINE, character=6)
    document = types.TextDocumentIdentifier(uri=uri)
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=document, position=assist)
    )
    assert definition == [
        types.Location(
            uri=uri,
            range=types.Range(
                start=types.Position(line=5, character=3), end=types.Position(line=5, character=10)
            ),
        )
    ]
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=document, position=assist, context=types.ReferenceContext(include_declaration=True)
        )
    )
    assert [(r.range.start.line, r.range.start.character) for r in found] == [(5, 3), (22, 5)]
    alias = types.Position(line=lines.index("  发起 区人社局"), character=6)
    uses = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=document, position=alias, context=types.ReferenceContext(include_declaration=False)
        )
    )
    assert [(r.range.start.line, r.range.start.character) for r in uses] == [(21, 5)]
    outline = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document)
    )
    assert [s.name for s in outline if s.kind == types.SymbolKind.Event] == [
        "任务 4 对汽车销售企业的部门联合抽查"
    ]
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=document))
    assert (14, 23) in {(f.start_line, f.end_line) for f in folds}


async def test_the_chengqu_plan_has_the_problems_ssj_check_reports(client: LanguageClient) -> None:
    path = ROOT / "plans" / "chengqu2024.ssj"
    text = path.read_text(encoding="utf-8")
    diagnostics = await open_plan(client, uri_of(path), text)
    assert [d.code for d in diagnostics] == checked(text) == ["SSJ133", "SSJ124", "SSJ124"]
    assert all(d.severity == types.DiagnosticSeverity.Warning for d in diagnostics)


async def test_incremental_changes_counted_in_utf16(client: LanguageClient, tmp_path: Path) -> None:
    """A partial change after 𠮷 (its position counted in UTF-16 units) lands where the editor meant."""
    uri = uri_of(tmp_path / "plan.ssj")
    await open_plan(client, uri, PLAN)
    # "  配合 城区𠮷商务局、城区市场监管居": replace the last character 居 (units 19–20) by 局
    waiting = asyncio.ensure_future(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=MISSPELT_LINE, character=19),
                        end=types.Position(line=MISSPELT_LINE, character=20),
                    ),
                    text="局",
                )
            ],
        )
    )
    await asyncio.wait_for(waiting, 30)
    assert list(client.diagnostics[uri]) == []


async def test_code_lens_from_the_registry_in_ssj_toml(client: LanguageClient, tmp_path: Path) -> None:
    registry = ROOT / "data" / "registry.csv"
    (tmp_path / "ssj.toml").write_text(f'registry = "{registry.as_posix()}"\n', encoding="utf-8")
    plan = tmp_path / "chengqu2024.ssj"
    plan.write_text((ROOT / "plans" / "chengqu2024.ssj").read_text(encoding="utf-8"), encoding="utf-8")
    uri = uri_of(plan)
    await open_plan(client, uri, plan.read_text(encoding="utf-8"))
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert len(lenses) == 27
    first = lenses[0]
    assert plan.read_text(encoding="utf-8").split("\n")[first.range.start.line].startswith("任务 1 ")
    resolved = [await client.code_lens_resolve_async(lens) for lens in lenses[:4]]
    titles = [lens.command.title for lens in resolved if lens.command is not None]
    assert titles == [
        "名录 60 户 · 本年抽取约 6 户",
        "名录 45 户 · 本年抽取约 5 户",
        "名录 12 户 · 本年抽取约 3 户",
        "名录 180 户 · 本年抽取约 46 户",
    ]


async def test_no_code_lens_without_a_registry(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "plan.ssj")
    await open_plan(client, uri, PLAN)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert not lenses


async def test_code_lens_from_the_client_settings(client: LanguageClient, tmp_path: Path) -> None:
    """`ssj.registry` sent by the client (workspace/didChangeConfiguration) instead of an ssj.toml."""
    plan = tmp_path / "plan.ssj"
    text = (ROOT / "plans" / "chengqu2024.ssj").read_text(encoding="utf-8")
    uri = uri_of(plan)
    await open_plan(client, uri, text)
    settings = {"ssj": {"registry": str(ROOT / "data" / "registry.csv"), "registryEncoding": ""}}
    refreshed = len(client.code_lens_refreshes)  # type: ignore[attr-defined]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    try:
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        assert len(lenses) == 27
        last = await client.code_lens_resolve_async(lenses[-1])
        assert last.command is not None and last.command.title == "名录 400 户 · 本年抽取约 33 户"
        assert len(client.code_lens_refreshes) > refreshed  # type: ignore[attr-defined]
    finally:
        settings["ssj"]["registry"] = ""
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    assert not await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
