"""`ssj lsp`: the language server on pygls 2, over standard input and output (语言服务器).

Problems are published after each change once typing pauses (`DEBOUNCE_SECONDS`), for the version the
editor sent; a request (hover, completion…) that arrives before then analyses the text at once, so an
answer never describes an older text. Analyses are incremental (`analysis.PlanDocument`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..check.resolve import resolve_plan
from ..check.resolved import ResolvedPlan
from . import features, hovers, navigation
from .analysis import Analysis, PlanDocument
from .lens import RegistryCache, RegistrySetting, find_setting, task_lens
from .positions import Positions

DEBOUNCE_SECONDS = 0.03
"""How long typing must pause before the plan is checked again."""


class SsjLanguageServer(LanguageServer):
    """The server's state: one incremental document per open plan, settings, loaded registries."""

    def __init__(self) -> None:
        super().__init__("ssj", __version__)
        self.documents: dict[str, PlanDocument] = {}
        self.analysed: dict[str, tuple[int | None, Analysis]] = {}
        self.resolved_plans: dict[str, tuple[Analysis, ResolvedPlan]] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.settings: dict[str, str] = {"registry": "", "registryEncoding": ""}
        self.docs_url: str | None = None
        self.registries = RegistryCache()
        self.debounce = DEBOUNCE_SECONDS

    # -- analysis

    def encoding(self) -> str:
        chosen = self.workspace.position_encoding
        return str(getattr(chosen, "value", chosen) or "utf-16")

    def analysis(self, uri: str) -> tuple[Analysis, Positions]:
        """The analysis of the document's current text (analysing now if a change is pending)."""
        document = self.workspace.get_text_document(uri)
        done = self.analysed.get(uri)
        if done is None or done[0] != document.version or uri in self.pending:
            self.analyse(uri)
            done = self.analysed[uri]
        return done[1], Positions(done[1].text, self.encoding())

    def resolved(self, uri: str) -> ResolvedPlan | None:
        """The resolved plan of the document's current text, when it has no errors (kept per version:
        the code lenses of one version all use it)."""
        analysis = self.analysis(uri)[0]
        if analysis.plan is None or any(d.is_error for d in analysis.diagnostics):
            return None
        kept = self.resolved_plans.get(uri)
        if kept is None or kept[0] is not analysis:
            kept = (analysis, resolve_plan(analysis.plan))
            self.resolved_plans[uri] = kept
        return kept[1]

    def analyse(self, uri: str) -> None:
        """Analyse the document now and publish its problems."""
        timer = self.pending.pop(uri, None)
        if timer is not None:
            timer.cancel()
        document = self.workspace.get_text_document(uri)
        plan = self.documents.setdefault(uri, PlanDocument(_file_name(uri)))
        analysis = plan.update(document.source)
        self.analysed[uri] = (document.version, analysis)
        positions = Positions(analysis.text, self.encoding())
        diagnostics = [
            features.lsp_diagnostic(d, positions, uri, self.docs_url) for d in analysis.diagnostics
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def schedule(self, uri: str) -> None:
        """Analyse once typing pauses: every change restarts the wait."""
        timer = self.pending.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(self.debounce, self.analyse, uri)

    def forget(self, uri: str) -> None:
        timer = self.pending.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.documents.pop(uri, None)
        self.analysed.pop(uri, None)
        self.resolved_plans.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- settings

    def configure(self, options: Any) -> None:
        """Take the client's settings: {"registry", "registryEncoding", "docsUrl"}, possibly under "ssj"."""
        if not isinstance(options, dict):
            return
        section = options.get("ssj", options)
        if not isinstance(section, dict):
            return
        for key in ("registry", "registryEncoding"):
            value = section.get(key)
            if isinstance(value, str):
                self.settings[key] = value
        docs = section.get("docsUrl")
        if isinstance(docs, str):
            self.docs_url = docs or None

    def root(self) -> Path | None:
        root = self.workspace.root_path
        return Path(root) if root else None


def _file_name(uri: str) -> str:
    return to_fs_path(uri) or uri


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path and uri.startswith("file:") else None


server = SsjLanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: SsjLanguageServer, params: types.InitializeParams) -> None:
    ls.configure(params.initialization_options)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: SsjLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    ls.configure(params.settings)
    _refresh_lenses(ls)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: SsjLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    _refresh_lenses(ls)


def _refresh_lenses(ls: SsjLanguageServer) -> None:
    capabilities = ls.client_capabilities.workspace
    lens = capabilities.code_lens if capabilities is not None else None
    if lens is not None and lens.refresh_support:
        ls.workspace_code_lens_refresh(None)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SsjLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.analyse(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SsjLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SsjLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=[" ", "、", ",", "，", "\u3000"]),
)
def completion(ls: SsjLanguageServer, params: types.CompletionParams) -> types.CompletionList:
    analysis, positions = ls.analysis(params.text_document.uri)
    return features.completion(analysis, positions, positions.offset(params.position))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: SsjLanguageServer, params: types.HoverParams) -> types.Hover | None:
    analysis, positions = ls.analysis(params.text_document.uri)
    return hovers.hover(analysis, positions, positions.offset(params.position))


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: SsjLanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
    return features.formatting(*ls.analysis(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: SsjLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
    uri = params.text_document.uri
    analysis, positions = ls.analysis(uri)
    return navigation.definition(analysis, positions, uri, positions.offset(params.position))


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: SsjLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
    uri = params.text_document.uri
    analysis, positions = ls.analysis(uri)
    offset = positions.offset(params.position)
    return navigation.references(analysis, positions, uri, offset, params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: SsjLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    return features.symbols(*ls.analysis(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_range(ls: SsjLanguageServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    return features.folding(*ls.analysis(params.text_document.uri))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: SsjLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    analysis, positions = ls.analysis(uri)
    return features.code_actions(analysis, positions, uri, params.range, ls.docs_url)


def _registry(ls: SsjLanguageServer, uri: str) -> RegistrySetting | None:
    return find_setting(_path(uri), ls.settings["registry"], ls.settings["registryEncoding"], ls.root())


@server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
def code_lens(ls: SsjLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    """A lens above each task when a registry is configured and the plan has no errors; its text is
    computed when the editor shows it (codeLens/resolve)."""
    uri = params.text_document.uri
    analysis, positions = ls.analysis(uri)
    if _registry(ls, uri) is None or analysis.plan is None or any(d.is_error for d in analysis.diagnostics):
        return []
    return [
        types.CodeLens(range=header, data={"uri": uri, "index": index, "task": task.code.text})
        for index, (task, header) in enumerate(features.task_at_lines(analysis, positions))
    ]


@server.feature(types.CODE_LENS_RESOLVE)
async def code_lens_resolve(ls: SsjLanguageServer, lens: types.CodeLens) -> types.CodeLens:
    data = lens.data if isinstance(lens.data, dict) else {}
    uri = str(data.get("uri", ""))
    setting = _registry(ls, uri) if uri in ls.documents else None
    title = "计划已改动 (the plan changed)"
    resolved = ls.resolved(uri) if setting is not None else None
    index = data.get("index")
    if resolved is not None and isinstance(index, int) and 0 <= index < len(resolved.tasks) \
            and resolved.tasks[index].code.text == data.get("task"):
        loaded = await asyncio.get_running_loop().run_in_executor(None, ls.registries.get, setting)
        title = task_lens(resolved, resolved.tasks[index], loaded, ls.analysis(uri)[0].file)
    lens.command = types.Command(title=title, command="")
    return lens


def start(debounce: float = DEBOUNCE_SECONDS) -> None:
    """Serve over standard input and output until the client says exit."""
    server.debounce = debounce
    server.start_io()
