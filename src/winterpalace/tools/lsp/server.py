"""`winterpalace lsp`: a language server for scenario files, on pygls, over stdio.

It publishes `check`'s findings as the author types: first the load's errors (each edit
reloads only the edited file, see `incremental`), then the analysis' warnings, computed in the
background and dropped if the author has typed again meanwhile. Diagnostics carry their code;
a "did you mean" comes with a quick fix. Completion offers ids in `go:`, `place:` and inside
`if:`/`do:` expressions, the variables and functions of the language, field names, and
`hide`/`show` for `otherwise:`; go-to-definition jumps from an id to its declaration; hover
shows what a field means, what an id is, and what a warning code says.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ... import __version__
from ...errors import EXIT_OK
from ...scenario import WORLD_FILE, Problem
from ..analysis import Stopped
from . import features
from .project import Project, find_root, quick_fix
from .yamlpath import context

log = logging.getLogger("winterpalace.lsp")


def uri_to_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)).resolve()


def path_to_uri(path: str) -> str:
    return Path(path).resolve().as_uri()


class ScenarioServer(LanguageServer):
    """The server's state: the scenario folders open in the editor and the refresh worker."""

    def __init__(self) -> None:
        super().__init__("winterpalace", __version__)
        self.projects: dict[Path, Project] = {}
        self.published: dict[Path, set[str]] = {}
        self.sent: dict[str, list[Problem]] = {}   # file -> what its diagnostics say now
        self.dirty: set[Path] = set()
        self.worker: asyncio.Task[None] | None = None
        self.generation: dict[Path, int] = {}   # bumped by every edit: stale work stops
        self.loads = ThreadPoolExecutor(1, "wp-load")
        self.analyses = ThreadPoolExecutor(1, "wp-analysis")
        self.background: set[asyncio.Task[None]] = set()

    def project_for(self, uri: str) -> Project | None:
        root = find_root(uri_to_path(uri))
        if root is None:
            return None
        if root not in self.projects:
            self.projects[root] = Project(root)
        return self.projects[root]

    def overlays(self, project: Project) -> dict[str, str]:
        out = {}
        for uri, doc in self.workspace.text_documents.items():
            path = uri_to_path(uri)
            if project.root in path.parents:
                out[str(path)] = doc.source
        return out

    def changed(self, uri: str) -> None:
        project = self.project_for(uri)
        if project is None:
            return
        self.dirty.add(project.root)
        self.generation[project.root] = self.generation.get(project.root, 0) + 1
        if self.worker is None or self.worker.done():
            self.worker = asyncio.get_running_loop().create_task(self.refresh())

    async def refresh(self) -> None:
        """Reload and publish until nothing is left to do. The analysis runs on its own, after
        a load that no edit has overtaken, and stops as soon as another edit comes."""
        loop = asyncio.get_running_loop()
        while self.dirty:
            root = self.dirty.pop()
            project = self.projects[root]
            gen = self.generation.get(root, 0)
            project.overlays = self.overlays(project)
            try:
                report = await loop.run_in_executor(self.loads, project.load)
            except Exception as e:
                log.exception("load failed")
                self.window_log_message(types.LogMessageParams(types.MessageType.Error,
                                                           f"winterpalace: {e}"))
                continue
            stale = set(project.overlays)   # edited files: old warnings would be misplaced
            keep = {f: ps for f, ps in project.warnings.items() if f not in stale} \
                if report.loaded else {}
            self.publish(project, report.by_file, keep)
            if report.loaded and self.generation.get(root, 0) == gen:
                task = loop.create_task(self.analyse(project, gen))
                self.background.add(task)
                task.add_done_callback(self.background.discard)

    async def analyse(self, project: Project, gen: int) -> None:
        root = project.root
        loop = asyncio.get_running_loop()

        def stale() -> bool:
            return self.generation.get(root, 0) != gen

        try:
            warned = await loop.run_in_executor(self.analyses, project.analyse, stale)
        except Stopped:
            return
        except Exception as e:
            log.exception("analysis failed")
            self.window_log_message(types.LogMessageParams(types.MessageType.Error,
                                                       f"winterpalace: {e}"))
            return
        if not stale():
            self.publish(project, {}, warned.by_file)

    def publish(self, project: Project, errors: dict[str, list[Problem]],
                warnings: dict[str, list[Problem]]) -> None:
        files = set(errors) | set(warnings)
        before = self.published.get(project.root, set())
        # Open documents always get an answer, an empty one when they are clean.
        for f in sorted(files | before | set(project.overlays)):
            problems = errors.get(f, []) + warnings.get(f, [])
            if self.sent.get(f) == problems and f not in project.overlays:
                continue   # unchanged: an editor keeps what it was sent
            self.sent[f] = problems
            lines = self.lines_of(f) if problems else []
            diags = [diagnostic(p, lines[p.line - 1] if 0 < p.line <= len(lines) else "")
                     for p in problems]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=path_to_uri(f), diagnostics=diags))
        self.published[project.root] = files

    def lines_of(self, file: str) -> list[str]:
        doc = self.workspace.text_documents.get(path_to_uri(file))
        if doc is not None:
            return list(doc.lines)
        try:
            return Path(file).read_text(encoding="utf-8").splitlines()
        except OSError:
            return []


def diagnostic(p: Problem, text: str) -> types.Diagnostic:
    line = max(0, p.line - 1)
    col = max(0, p.col - 1)
    end = col + max(1, p.length)
    fix = quick_fix(p.hint)
    data = None
    if fix and difflib.SequenceMatcher(None, text[col:end], fix).ratio() >= 0.5:
        data = {"replace": fix}
    message = p.message + (f"; {p.hint}" if p.hint else "")
    return types.Diagnostic(
        range=types.Range(types.Position(line, col), types.Position(line, end)), message=message,
        severity=types.DiagnosticSeverity.Error if p.severity == "error"
        else types.DiagnosticSeverity.Warning,
        code=p.code or _load_code(p.message), source="winterpalace", data=data)


def _load_code(message: str) -> str:
    """A code for a load error (the loader's own problems carry none): `unknown-scene`, ..."""
    words = message.replace("`", " ").split()
    if len(words) >= 2 and words[0] == "unknown":
        return f"unknown-{words[1]}"
    if message.startswith("in `"):
        return "expression"
    return "load-error"


server = ScenarioServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ScenarioServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.changed(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: ScenarioServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.changed(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ScenarioServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.changed(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: ScenarioServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.changed(params.text_document.uri)   # back to the text on disk


def _where(ls: ScenarioServer, uri: str, pos: types.Position) -> tuple[Project | None, Any, bool]:
    project = ls.project_for(uri)
    doc = ls.workspace.get_text_document(uri)
    lines = list(doc.lines)
    if not 0 <= pos.line <= len(lines):
        # A request that raced an edit shortening the file: nothing is there (not an error).
        project = None
    ctx = context(lines, pos.line, pos.character)
    ctx.before = ctx.before.rstrip("\n")
    return project, ctx, uri_to_path(uri).name == WORLD_FILE


_ITEM_KINDS = {"scene": types.CompletionItemKind.Module, "place": types.CompletionItemKind.Folder,
               "area": types.CompletionItemKind.Folder, "character": types.CompletionItemKind.Class,
               "item": types.CompletionItemKind.Struct, "event": types.CompletionItemKind.Event,
               "note": types.CompletionItemKind.Text, "variable": types.CompletionItemKind.Variable,
               "world flag": types.CompletionItemKind.Variable,
               "function": types.CompletionItemKind.Function,
               "field": types.CompletionItemKind.Property, "value": types.CompletionItemKind.Value,
               "code": types.CompletionItemKind.Constant}


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=[" ", "(", "{", ":"]))
def completion(ls: ScenarioServer, params: types.CompletionParams) -> types.CompletionList:
    project, ctx, is_world = _where(ls, params.text_document.uri, params.position)
    if project is None:
        return types.CompletionList(is_incomplete=False, items=[])
    items = [types.CompletionItem(
        label=it.label, kind=_ITEM_KINDS.get(it.kind), detail=it.detail or it.kind,
        documentation=types.MarkupContent(types.MarkupKind.Markdown, it.doc) if it.doc else None)
        for it in features.complete(ctx, project.index, is_world)]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ScenarioServer, params: types.DefinitionParams) -> types.Location | None:
    project, ctx, _ = _where(ls, params.text_document.uri, params.position)
    if project is None:
        return None
    thing = features.definition(ctx, project.index)
    if thing is None:
        return None
    file = thing.file if Path(thing.file).is_absolute() else str(project.root / thing.file)
    at = types.Position(max(0, thing.line - 1), max(0, thing.col - 1))
    return types.Location(uri=path_to_uri(file), range=types.Range(at, types.Position(at.line,
                                                                          at.character
                                                                          + len(thing.id))))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ScenarioServer, params: types.HoverParams) -> types.Hover | None:
    project, ctx, is_world = _where(ls, params.text_document.uri, params.position)
    if project is None:
        return None
    text = features.hover(ctx, project.index, is_world)
    if not text:
        return None
    return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: ScenarioServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    out = []
    for d in params.context.diagnostics:
        data = d.data if isinstance(d.data, dict) else None
        if not data or "replace" not in data:
            continue
        new = str(data["replace"])
        out.append(types.CodeAction(
            title=f"Change to `{new}`", kind=types.CodeActionKind.QuickFix, diagnostics=[d],
            is_preferred=True, edit=types.WorkspaceEdit(changes={
                params.text_document.uri: [types.TextEdit(range=d.range, new_text=new)]})))
    return out


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    server.start_io()
    return EXIT_OK
