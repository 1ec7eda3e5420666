"""Reading a scenario folder: YAML in, a validated and compiled `World` out.

The YAML is composed into nodes (pyyaml's safe C loader where available), so every value keeps
its line and column. Every file is read and every mistake reported in one pass: unknown fields,
missing fields, bad times, unknown references, expression errors. Scenes are compiled file by
file as they are read (see `Loader`); anything a scene names that no file has declared yet is
looked at again once all are read, so files may refer to each other in any order.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine import expr as ex
from ..engine.clock import Clock, parse_duration, parse_hhmm
from ..engine.limits import MAX_NUMBER, MAX_PROBLEMS, MAX_TEXT, MAX_TOTAL_BYTES, clip_middle
from ..engine.model import (
    Area,
    Character,
    Choice,
    Decision,
    Ending,
    Event,
    Item,
    Place,
    Reach,
    Redirect,
    Role,
    Scene,
    Stint,
    Template,
    Variant,
    Where,
    World,
)
from .cascades import without_cascades
from .errors import Problem, ScenarioError
from .files import WORLD_FILE, FileProblem, Namer, find_yaml, read_bounded
from .lint import Suppression, read_lint
from .load import default_scenario_dir, load_scenario  # noqa: F401  (where they were)
from .sources import Sources
from .text import compile_text
from .yamlnodes import MappingNode, Node, NodeBudget, ScalarNode, SequenceNode, compose, stream

# Files larger than this are composed a part at a time (`yamlnodes.stream`): a section's
# entries one by one, each let go once read, so a 50 MB file never has all its nodes at once.
# (Composing in parts is pyyaml's Python composer over libyaml's events: 1.6 times the time.)
STREAM_CHARS = 2_000_000
STREAMED = frozenset(("variables", "world_flags", "scenes", "places", "areas", "characters",
                      "items", "events", "narrate", "glossary", "notes"))

class _TooManyProblems(Exception):
    """MAX_PROBLEMS errors are reported: the loader stops (a broken 50 MB file would otherwise
    make millions of them)."""


class _Problems(list):  # type: ignore[type-arg]
    """The loader's problems, up to MAX_PROBLEMS."""

    def append(self, problem: Problem) -> None:
        if len(self) >= MAX_PROBLEMS:
            raise _TooManyProblems
        super().append(problem)


class Fields(dict):
    """The fields a kind of mapping may have, name -> required?, with the required ones at hand."""

    def __init__(self, table: dict[str, bool]):
        super().__init__(table)
        self.required = tuple(k for k, r in table.items() if r)


# The fields each kind of mapping may have: name -> required?
WORLD_FIELDS = Fields({"scenario": True, "title": True, "subtitle": False, "clock": True,
                       "roles": True, "stats": False})
SECTION_FIELDS = Fields({"variables": False, "world_flags": False, "scenes": False,
                         "places": False, "areas": False, "characters": False, "items": False,
                         "events": False, "narrate": False, "glossary": False, "notes": False,
                         "lesson": False})
WORLD_FILE_FIELDS = Fields({**WORLD_FIELDS, **SECTION_FIELDS, "lint": False})
FILE_FIELDS = Fields({**SECTION_FIELDS, "lint": False})   # what a scene file may hold
CLOCK_FIELDS = Fields({"start": True, "end": True, "calendar": False, "default_takes": False})
ROLE_FIELDS = Fields({"name": True, "title": False, "intro": True, "start": True, "at": True,
                      "time_out": True, "variables": False})
SCENE_FIELDS = Fields({"title": True, "place": True, "text": True, "variants": False,
                       "choices": False, "ending": False, "wait": False, "on_enter": False,
                       "redirect": False, "content_notes": False, "decision": False,
                       "told": False, "brief": False, "lint": False})
DECISION_FIELDS = Fields({"id": True, "question": True, "history": True, "source": False,
                          "prompts": False})
PROMPT_STAGES = ("feelings", "facts", "learned", "then_and_now")
VARIANT_FIELDS = Fields({"if": True, "text": True, "append": False})
CHOICE_FIELDS = Fields({"label": True, "go": False, "takes": False, "after": False,
                        "before": False, "if": False, "otherwise": False, "once": False,
                        "do": False, "result": False, "remember": False, "told": False,
                        "lint": False})
ENDING_FIELDS = Fields({"title": True, "epilogue": True, "note": False, "historical": False,
                        "told": False})
REDIRECT_FIELDS = Fields({"if": True, "go": True})
PLACE_FIELDS = Fields({"name": True, "area": False, "detail": False})
AREA_FIELDS = Fields({"name": True})
CHARACTER_FIELDS = Fields({"name": True, "about": False, "invented": False, "schedule": False})
STINT_FIELDS = Fields({"at": True, "from": False, "until": False, "if": False})
ITEM_FIELDS = Fields({"name": True, "about": False})
EVENT_FIELDS = Fields({"title": True, "at": True, "if": False, "do": False, "narrate": False})
REACH_FIELDS = Fields({"if": False, "text": False, "go": False, "do": False, "told": False,
                       "remember": False})

KINDS = ("scene", "place", "area", "character", "item", "event", "note")
SECTION_KINDS = {"scenes": "scene", "places": "place", "areas": "area", "characters": "character",
                 "items": "item", "events": "event", "notes": "note"}


@dataclass(slots=True)
class _Entry:
    """A declaration waiting to be compiled: its id, its node, and where it came from.

    A glossary term's or a note's `node` is its text, read at once (a glossary may have a
    million terms: their nodes would be most of the memory)."""

    id: str
    key: Node
    node: Node
    file: str
    line: int = 0   # the key's line and column, kept for messages after the nodes are let go
    col: int = 0

    def __post_init__(self) -> None:
        if self.key is not None:
            self.line = self.key.start_mark.line + 1
            self.col = self.key.start_mark.column + 1


@dataclass
class _Collected:
    world: _Entry | None = None
    world_fields: dict[str, tuple[Node, Node]] = field(default_factory=dict)
    sections: dict[str, list[_Entry]] = field(default_factory=lambda: {k: [] for k in SECTION_FIELDS})
    files: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class _Setup:
    """What compiling a scene needs from world.yaml, known as soon as that file is read."""

    fields: dict[str, tuple[Node, Node]]
    clock: Clock | None
    default_takes: int
    role_nodes: dict[str, tuple[Node, Node]]
    sym: ex.Symbols          # what a player's expressions may name
    world_sym: ex.Symbols    # what an event's expressions may name: no player variables
    ref: _Refs


class Loader:
    """Loads one scenario folder. Use `load_scenario(path)`.

    Files are read one by one (world.yaml first). Each file's scenes are compiled as soon as it
    is read, so their YAML nodes, most of the memory of a big scenario, can go before the next
    file is read. A scene that names something not declared yet (a scene of a later file, a
    variable declared further on) is simply compiled again at the end, when everything is known;
    references to scene ids are noted and checked then.
    """

    # A big file's scenes are compiled as they are read (`_read_streamed`), so their nodes go
    # at once; a loader that follows what each file compiles (the language server's) gets
    # them with the rest of the file's, as for any file.
    compile_as_read = True

    def __init__(self, root: Path, display_root: Path | None = None,
                 sources: Sources | None = None):
        self.root = root
        self.display_root = display_root
        # The files already found (by the cache, to key them), named as there.
        self.sources = sources
        self.namer = sources.namer if sources is not None else Namer(root, display_root)
        self.problems: list[Problem] = _Problems()
        self.stopped = False      # MAX_PROBLEMS were reached: not everything was looked at
        self.bytes_read = 0
        self.nodes = NodeBudget()   # YAML values all files may still hold
        self.col = _Collected()
        # Declarations, as files are read: every id of every kind, and declared values.
        self.ids: dict[str, dict[str, _Entry]] = {k: {} for k in KINDS}
        self.values: dict[str, dict[str, tuple[Any, str, _Entry]]] = {"variables": {},
                                                                       "world_flags": {}}
        self.types: dict[str, dict[str, str]] = {"variables": {}, "world_flags": {}}
        self.setup: _Setup | None = None
        self.glossary: dict[str, str] = {}
        self._glossary_shared = False    # the glossary is a file's own dict (copied to change)
        self.early_scenes: dict[str, Scene] = {}
        self.suppressions: dict[tuple[str, int, int], Suppression] = {}

    # ----------------------------------------------------------------- reporting

    def display(self, path: Path) -> str:
        """How a file is named in messages: relative to the working folder when inside it."""
        return self.namer.name(path)

    def error(self, file: str, node: Node | None, message: str, hint: str | None = None,
              length: int | None = None, offset: tuple[int, int] | None = None) -> None:
        if offset is not None:
            line, col = offset
        elif node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        else:
            line, col = 0, 0
        if length is None and isinstance(node, ScalarNode) and node.start_mark.line == \
                node.end_mark.line:
            length = max(1, node.end_mark.column - node.start_mark.column)
        self.problems.append(Problem(file, line, col, message, hint, length or 1))

    def where(self, file: str, node: Node) -> Where:
        return Where(file, node.start_mark.line + 1, node.start_mark.column + 1)

    # ----------------------------------------------------------------- reading files

    def read_files(self) -> None:
        world_path = self.root / WORLD_FILE
        if not self.root.is_dir():
            self.problems.append(Problem(str(self.root), 0, 0, "no such scenario folder",
                                         "give the folder that holds world.yaml"))
            return
        if not os.path.lexists(world_path):
            # Refused at once: without a world file this is not a scenario, and walking it
            # (`check /`) would read a whole filesystem to say so.
            self.problems.append(Problem(self.display(world_path), 0, 0,
                                         "the scenario has no world.yaml, so this is not a "
                                         "scenario folder; nothing else in it was read",
                                         "give the folder that holds world.yaml"))
            return
        if self.sources is not None:
            found = self.sources.found
        else:
            found = find_yaml(self.root, skip=world_path)
            if self.namer.links is None:
                self.namer.links = found.links
        for path, message, hint in found.problems:
            self.problems.append(Problem(self.display(path), 0, 0, message, hint))
        for path in [world_path, *found.files]:
            is_world = path == world_path
            scenes = self.read_file(path, is_world)
            if is_world:
                self.setup = self._setup()
            self._compile_early(scenes)
            if self.bytes_read > MAX_TOTAL_BYTES:
                self.problems.append(Problem(self.display(path), 0, 0,
                                             f"the scenario's files together are larger than "
                                             f"{MAX_TOTAL_BYTES // 2**20} MB, the most a "
                                             "scenario may be; the files after this one were "
                                             "not read", "is it the right folder?"))
                return

    def read_bytes(self, path: Path) -> bytes:
        """A file's bytes, within the size limit (the language server gives an editor's unsaved
        text instead)."""
        if self.sources is not None:
            return self.sources.read(path)
        return read_bounded(path)

    def read_file(self, path: Path, is_world: bool) -> list[_Entry]:
        """Read one file: collect and declare its entries; return its (new) scenes."""
        name = self.display(path)
        self.col.files.append(name)
        try:
            raw = self.read_bytes(path)
            self.bytes_read += len(raw)
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[:e.start].count(b"\n") + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            self.problems.append(Problem(name, line, col, "this file is not UTF-8 text",
                                         "save it as UTF-8"))
            return []
        except FileProblem as e:
            self.problems.append(Problem(name, 1, 1, e.message, e.hint))
            return []
        self.col.sources[name] = text  # split into lines only if an error needs them
        if len(text) > STREAM_CHARS:
            return self._read_streamed(name, text, is_world, raw)
        del raw
        try:
            node, second = compose(text, self.nodes)
        except yaml.YAMLError as e:
            self._yaml_error(name, text, e)
            return []
        if second is not None:
            self._second_document(name, second)
        return self._read_node(name, node, is_world)

    def _yaml_error(self, name: str, text: str, e: yaml.YAMLError) -> None:
        if isinstance(e, yaml.MarkedYAMLError):
            mark = e.problem_mark or e.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            problem = (e.problem or "not valid YAML").strip()
            hint = _yaml_hint(problem, e.context) or _tab_hint(text, mark)
            self.problems.append(Problem(name, line, col, f"YAML syntax: {problem}", hint))
        else:
            self.problems.append(Problem(name, 0, 0, f"YAML syntax: {e}"))

    def _second_document(self, name: str, at: tuple[int, int]) -> None:
        self.problems.append(Problem(name, at[0] + 1, at[1] + 1,
                                     "a second YAML document (after `---`) in one file",
                                     "a scenario file holds one document: remove the `---` "
                                     "line, or move what follows into a file of its own"))

    def _read_node(self, name: str, node: Node | None, is_world: bool,
                   streamed: dict[str, list[_Entry]] | None = None) -> list[_Entry]:
        """A file's document: check its fields, collect and declare its entries (`streamed`:
        those of sections already taken one by one); return its (new) scenes."""
        if node is None:
            if is_world:
                self.problems.append(Problem(name, 1, 1, "world.yaml is empty"))
            return []
        if not is_world:
            node = self._misplaced_fields(name, node)
        fields = self.fields(name, node, WORLD_FILE_FIELDS if is_world else FILE_FIELDS,
                             "world.yaml" if is_world else "a scenario file")
        if fields is None:
            return []
        if "lint" in fields:
            read_lint(self, name, *fields["lint"], "file", None, self.suppressions)
        if is_world:
            self.col.world = _Entry("world", node, node, name)
            self.col.world_fields = fields
        scenes = []
        for section in SECTION_FIELDS:
            if streamed is not None and section in streamed:
                scenes += streamed[section]      # taken as they were read
            elif section == "glossary" and "glossary" in fields:
                terms: dict[str, str] = {}
                for ident, (k, v) in self.mapping(name, fields[section][1], section).items():
                    self._term(name, terms, ident, v)
                self._take(section, _Entry("glossary", None, terms, name))   # type: ignore
            elif section in fields:
                key, value = fields[section]
                items = self.mapping(name, value, section)
                for ident, (k, v) in items.items():
                    entry = self._take(section, _Entry(ident, k, v, name))
                    if entry is not None and section == "scenes":
                        scenes.append(entry)
        return scenes

    def _term(self, file: str, terms: dict[str, str], ident: str, node: Node) -> None:
        """A glossary term's text, read at once into its file's glossary (a glossary may have
        a million terms: an entry and nodes kept for each were most of the memory)."""
        text = self.string(file, node, f"glossary.{ident}")
        terms[ident] = _tidy(text or "", getattr(node, "style", None))

    def _take(self, section: str, entry: _Entry) -> _Entry | None:
        """Collect and declare one entry of a section; the entry, or None if it is refused.
        A note's text is read now, and its nodes let go. (A file's glossary is one entry: its
        terms and texts.)"""
        self.col.sections[section].append(entry)
        if not self._declare(section, entry):
            return None
        if section == "notes":
            entry.node = self.string(entry.file, entry.node, f"notes.{entry.id}") \
                or ""                    # type: ignore[assignment]
            entry.key = None             # type: ignore[assignment]
        return entry

    def _read_streamed(self, name: str, text: str, is_world: bool,
                       raw: bytes | None = None) -> list[_Entry]:
        """A big file, a part at a time: each entry of a section is collected and declared as
        it is composed (a scene compiled at once when it can be), so only the nodes a
        declaration keeps stay. Then the document's other fields, as for any file."""
        pairs: list[tuple[Node, Node]] = []
        streamed: dict[str, list[_Entry]] = {}
        seen: dict[str, int] = {}      # a section's ids so far, and their lines
        terms: dict[str, str] = {}     # the file's glossary
        root: Node | None = None
        mark = self._mark_file()
        try:
            for part in stream(text, STREAMED, self.nodes, raw):
                if part.kind == "entry" and part.key.value == "glossary":
                    k = part.id_key
                    if self._streamed_key(name, "glossary", k, terms, text):
                        self._term(name, terms, k.value, part.value)
                elif part.kind == "entry":
                    section = part.key.value
                    entries = streamed.setdefault(section, [])
                    entry = self._streamed_entry(name, section, part.id_key, part.value, seen)
                    if entry is not None and section == "scenes":
                        if self.setup is not None and not is_world and self.compile_as_read:
                            self._compile_early([entry])     # its nodes go, or wait for the end
                        else:
                            entries.append(entry)
                elif part.kind == "end":
                    pairs.append((part.key, part.value))
                    streamed.setdefault(part.key.value, [])
                    seen.clear()
                    if part.key.value == "glossary":
                        self._take("glossary", _Entry("glossary", None, terms, name))  # type: ignore
                elif part.kind == "pair" and part.key is None:
                    root = part.value
                elif part.kind == "pair":
                    pairs.append((part.key, part.value))
                elif part.kind == "mapping":
                    start, end, flow = part.value
                    root = MappingNode("tag:yaml.org,2002:map", pairs, start, end, flow)
                elif part.kind == "second":
                    self._second_document(name, part.value)
        except yaml.YAMLError as e:
            self._forget_file(name, mark)      # as if nothing of it was read, as for any file
            self._yaml_error(name, text, e)
            return []
        return self._read_node(name, root, is_world, streamed)

    def _mark_file(self) -> tuple[int, dict[str, int], int]:
        return (len(self.problems), {k: len(v) for k, v in self.col.sections.items()},
                len(self.setup.ref.pending) if self.setup is not None else 0)

    def _forget_file(self, name: str, mark: tuple[int, dict[str, int], int]) -> None:
        """Undo what reading a file since `mark` declared, compiled and reported."""
        problems, sections, pending = mark
        for section, count in sections.items():
            kind = SECTION_KINDS.get(section)
            for e in self.col.sections[section][count:]:
                if kind is not None and self.ids[kind].get(e.id) is e:
                    del self.ids[kind][e.id]
                    if kind == "scene":
                        self.early_scenes.pop(e.id, None)
                if section in self.values and e.id in self.values[section] \
                        and self.values[section][e.id][2] is e:
                    del self.values[section][e.id]
                    del self.types[section][e.id]
            if section == "glossary" and self.col.sections[section][count:]:
                self.glossary, self._glossary_shared = {}, False
                for e in self.col.sections[section][:count]:
                    self.glossary.update(e.node)  # type: ignore[call-overload]
            del self.col.sections[section][count:]
        del self.problems[problems:]
        if self.setup is not None:
            del self.setup.ref.pending[pending:]
        for k in [k for k in self.suppressions if k[0] == name]:
            del self.suppressions[k]

    def _streamed_entry(self, name: str, section: str, k: Node, v: Node,
                        seen: dict[str, int]) -> _Entry | None:
        """One entry of a section of a big file: what `mapping` says of a key, then `_take`."""
        if not self._streamed_key(name, section, k, seen):
            return None
        return self._take(section, _Entry(k.value, k, v, name))

    def _streamed_key(self, name: str, section: str, k: Node, seen: dict[str, Any],
                      text: str | None = None) -> bool:
        """Whether a key of a section of a big file is a new plain name (else an error, as
        `mapping` would give). `seen`: the section's names so far, with their lines, or
        (`text` given) with anything: the first line is then looked for in the text."""
        if not isinstance(k, ScalarNode):
            self.error(name, k, f"a key in `{section}` must be a plain name")
            return False
        if k.value in seen:
            first = seen[k.value] if text is None else _key_position(text, k.value)[0]
            self.error(name, k, f"duplicate key `{k.value}` in `{section}`",
                       f"it was first given at line {first}")
            return False
        if text is None:
            seen[k.value] = k.start_mark.line + 1
        return True

    def _declare(self, section: str, entry: _Entry) -> bool:
        """Record a declaration; False (with an error) for a duplicate id or a bad value."""
        if section == "glossary":
            self._glossary(entry.file, entry.node)  # type: ignore[arg-type]
            return True
        kind = SECTION_KINDS.get(section)
        if kind is not None:
            first = self.ids[kind].get(entry.id)
            if first is not None:
                self.error(entry.file, entry.key, f"duplicate {kind} id `{entry.id}`",
                           f"it is already defined at {first.file}:{first.line}",
                           length=len(entry.id))
                return False
            self.ids[kind][entry.id] = entry
            return True
        if section in self.values:
            return self._declare_value(entry, section)
        return True

    def _glossary(self, file: str, terms: dict[str, str]) -> None:
        """Add a file's glossary to the scenario's; a term given in an earlier file too is an
        error. The first file's glossary is used as it is, not copied."""
        if not self.glossary:
            self.glossary, self._glossary_shared = terms, True
            return
        if self._glossary_shared:
            self.glossary, self._glossary_shared = dict(self.glossary), False
        for term, text in terms.items():
            if term in self.glossary:
                line, col = _key_position(self.col.sources.get(file, ""), term)
                self.error(file, None, f"duplicate glossary term `{term}`", length=len(term),
                           offset=(line, col))
            self.glossary[term] = text

    def _setup(self) -> _Setup | None:
        """world.yaml's fields, clock and roles, and the symbols expressions are checked with."""
        if self.col.world is None:
            return None
        wf, fields = self.col.world.file, self.col.world_fields
        clock, default_takes = self._clock(wf, fields)
        role_nodes = self.mapping(wf, fields["roles"][1], "roles") if "roles" in fields else {}
        # The symbols hold the live declaration tables, so they grow as files are read.
        sym = ex.Symbols(
            player_vars=self.types["variables"],
            world_flags=self.types["world_flags"],
            things=self.ids,
            roles=list(role_nodes),
            time_of=clock.parse_time if clock else (lambda s: parse_hhmm(s)),
        )
        world_sym = ex.Symbols({}, sym.world_flags, sym.things, sym.roles, sym.time_of)
        return _Setup(fields, clock, default_takes, role_nodes, sym, world_sym,
                      _Refs(self, self.ids))

    def _compile_early(self, entries: list[_Entry]) -> None:
        """Compile a file's scenes now and let their nodes go; put off any that fail to."""
        st = self.setup
        if st is None or st.clock is None:
            return
        # Errors here are thrown away (reported, if still there, at the end): no hints.
        st.sym.quiet = st.world_sym.quiet = True
        try:
            self._compile_each(st, entries)
        finally:
            st.sym.quiet = st.world_sym.quiet = False

    def _compile_each(self, st: _Setup, entries: list[_Entry]) -> None:
        for e in entries:
            problems, pending = len(self.problems), len(st.ref.pending)
            try:
                scene = self._scene(e, st.sym, st.ref, st.default_takes, st.clock)
            except _TooManyProblems:
                scene = None   # at the cap: compiled again at the end, where it counts
            if scene is None or len(self.problems) > problems:
                # Perhaps a later file declares what it names: compile it again at the end,
                # and report what is still wrong then (once).
                del self.problems[problems:]
                del st.ref.pending[pending:]
                continue
            self.early_scenes[e.id] = scene
            e.node = e.key = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- node helpers

    def mapping(self, file: str, node: Node, what: str) -> dict[str, tuple[Node, Node]]:
        """A YAML mapping as {key: (key node, value node)}; reports duplicates and non-mappings."""
        if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
            return {}
        if not isinstance(node, MappingNode):
            self.error(file, node, f"`{what}` should be a mapping of names to values",
                       "indent `name: value` lines under it")
            return {}
        pairs = node.value
        try:
            # The usual case in one step: only text keys (a list or mapping as a key would be
            # unhashable here) and no duplicates (the dict would come out shorter).
            out = {k.value: (k, v) for k, v in pairs}
            if len(out) == len(pairs):
                return out
        except TypeError:
            pass
        out = {}
        for k, v in pairs:
            if not isinstance(k, ScalarNode):
                self.error(file, k, f"a key in `{what}` must be a plain name")
                continue
            key = k.value
            if key in out:
                self.error(file, k, f"duplicate key `{key}` in `{what}`",
                           f"it was first given at line {out[key][0].start_mark.line + 1}")
                continue
            out[key] = (k, v)
        return out

    def fields(self, file: str, node: Node, allowed: dict[str, bool],
               what: str) -> dict[str, tuple[Node, Node]] | None:
        """Check a mapping's keys: unknown ones (with a suggestion) and missing required ones."""
        if not isinstance(node, MappingNode):
            self.error(file, node, f"{what} should be a mapping (`field: value` lines)")
            return None
        got = self.mapping(file, node, what)
        if not got.keys() <= allowed.keys():
            for key, (k, _) in got.items():
                if key not in allowed:
                    hint = ex.suggest(key, allowed) or _flow_comma_hint(node, k) \
                        or f"fields: {', '.join(allowed)}"
                    self.error(file, k, f"`{key}` is not a field of {what}", hint,
                               length=len(key))
        required = allowed.required if isinstance(allowed, Fields) else \
            [k for k, r in allowed.items() if r]
        for key in required:
            if key not in got:
                self.error(file, node, f"{what} needs `{key}:`")
        return got

    def scalar(self, file: str, node: Node, what: str) -> Any:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be a single value, not a list or mapping")
            return None
        tag = node.tag
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on", "y")
        if tag.endswith(":int"):
            text = node.value.replace("_", "")
            # Checked before int(): thousands of digits must not reach Python's limit on
            # converting them, nor a number past the bounds a night may hold.
            if ":" not in text and len(text.lstrip("+-")) > len(str(MAX_NUMBER)) + 2:
                return self._too_big(file, node)
            try:
                value = int(text, 0)
            except ValueError:
                return node.value  # sexagesimal (22:00) and other YAML 1.1 oddities: keep the text
            if not -MAX_NUMBER <= value <= MAX_NUMBER:
                return self._too_big(file, node)
            return value
        if tag.endswith(":float"):
            try:
                return float(node.value)
            except ValueError:
                return node.value
        return node.value

    def _too_big(self, file: str, node: ScalarNode) -> None:
        self.error(file, node, f"`{clip_middle(node.value, 40)}` is past ±{MAX_NUMBER:,}, the "
                   "largest number a scenario may hold")

    def string(self, file: str, node: Node, what: str, allow_empty: bool = False) -> str | None:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be text")
            return None
        if node.tag.endswith(":null") or (not allow_empty and not node.value.strip()):
            self.error(file, node, f"`{what}` is empty")
            return None
        return node.value

    def boolean(self, file: str, node: Node, what: str) -> bool:
        value = self.scalar(file, node, what)
        if not isinstance(value, bool):
            self.error(file, node, f"`{what}` should be true or false")
            return False
        return value

    def time_of_day(self, file: str, node: Node, what: str, clock: Clock | None) -> int | None:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be a time like \"22:00\"")
            return None
        # Raw text, not the constructed value: YAML 1.1 reads an unquoted 22:00 as the number 1320.
        text = node.value.strip()
        tod = parse_hhmm(text)
        if tod is None:
            self.error(file, node, f"bad time `{text}` in `{what}`",
                       "write a 24-hour time like \"21:40\"")
            return None
        return clock.resolve(tod) if clock else tod

    def duration(self, file: str, node: Node, what: str) -> int | None:
        if not isinstance(node, ScalarNode):
            self.error(file, node, f"`{what}` should be a duration like 10m or 1h30m")
            return None
        d = parse_duration(node.value)
        if d is None:
            hint = "add a unit: `10m`, `1h`, `1h30m`" if node.value.strip().isdigit() \
                else "write a duration like 10m, 1h or 1h30m"
            self.error(file, node, f"bad duration `{node.value}` in `{what}`", hint)
        return d

    def list_of(self, file: str, node: Node, what: str) -> list[Node]:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
            return []
        if isinstance(node, ScalarNode):
            return [node]  # a single effect may be written without brackets
        self.error(file, node, f"`{what}` should be a list")
        return []

    # ----------------------------------------------------------------- expressions

    def expr_pos(self, file: str, node: ScalarNode, offset: int) -> tuple[int, int]:
        """The line and column of character `offset` inside a scalar's text."""
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        style = node.style
        if style in (None, "", "'", '"'):
            return line, col + offset + (1 if style in ("'", '"') else 0)
        if style == "|":
            text = node.value[:offset]
            nl = text.count("\n")
            src = self.col.sources.get(file, "").splitlines()
            body_line = line + 1 + nl
            indent = 0
            if 0 < body_line <= len(src):
                raw = src[body_line - 1]
                indent = len(raw) - len(raw.lstrip(" "))
            return body_line, indent + 1 + (offset - (text.rfind("\n") + 1))
        return line + 1, col

    def cond(self, file: str, node: Node, sym: ex.Symbols, what: str,
             want: str | None = ex.BOOL) -> ex.Condition | None:
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            self.error(file, node, f"`{what}` should be an expression, e.g. `resolve > 1`")
            return None
        src = node.value
        if node.tag.endswith(":bool"):
            src = "true" if self.scalar(file, node, what) else "false"
        try:
            return _expression(sym, src, want)
        except ex.ExprError as e:
            self.expr_error(file, node, e, what)
            return None

    def effects(self, file: str, node: Node, sym: ex.Symbols, what: str) -> tuple[ex.Effect, ...]:
        out = []
        for item in self.list_of(file, node, what):
            if not isinstance(item, ScalarNode) or item.tag.endswith(":null"):
                self.error(file, item, f"each entry of `{what}` should be an effect like "
                           "`resolve += 1`")
                continue
            src = item.value
            try:
                got = _effect(sym, src)
            except ex.ExprError as e:
                err = e
                if src.count("(") > src.count(")") and not item.style:
                    # `do: [x = min(a, b)]` splits at the comma inside a [...] list.
                    err = ex.ExprError(e.message, e.offset, e.length,
                                       "in a [...] list a comma starts the next entry: "
                                       "put quotes around an effect that contains a comma")
                self.expr_error(file, item, err, what)
            else:
                out.append(got)
        return tuple(out)

    def expr_error(self, file: str, node: ScalarNode, e: ex.ExprError, what: str,
                   base: int = 0) -> None:
        self.error(file, node, f"in `{what}`: {e.message}", e.hint, e.length,
                   offset=self.expr_pos(file, node, base + e.offset))

    def template(self, file: str, node: Node, sym: ex.Symbols, what: str) -> Template | None:
        cache = sym.compiled
        key = ("text", node.value, node.tag, getattr(node, "style", None)) \
            if isinstance(node, ScalarNode) else None
        got = cache.get(key)
        if got is not None:
            return got   # the same text was compiled before: labels and short texts repeat
        got = self._template(file, node, sym, what)
        if got is not None and key is not None:
            cache[key] = got
        return got

    def _template(self, file: str, node: Node, sym: ex.Symbols, what: str) -> Template | None:
        text = self.string(file, node, what)
        if text is None:
            return None
        assert isinstance(node, ScalarNode)
        text = _tidy(text, node.style)
        if "{" not in text and "}" not in text:
            return Template((text,))
        try:
            return compile_text(text, lambda src, want: _expression(sym, src, want))
        except ex.ExprError as e:
            self._template_error(file, node, node.value, text, e.offset, what,
                                 ex.ExprError(e.message, 0, e.length, e.hint))
            return None

    def _template_error(self, file: str, node: ScalarNode, raw: str, text: str, at: int,
                        what: str, e: ex.ExprError) -> None:
        # `at` is an index into the tidied text; tidying only took newlines off the front.
        base = at + len(raw) - len(raw.lstrip("\n"))
        self.expr_error(file, node, e, what, base=base)

    # ----------------------------------------------------------------- the whole scenario

    def load(self) -> World:
        # The loader makes hundreds of thousands of small objects that all live on; the cyclic
        # garbage collector would scan them again and again for nothing (it doubles load time).
        was_enabled = gc.isenabled()
        gc.disable()
        world = None
        try:
            self.read_files()
            world = self.build()
        except _TooManyProblems:
            self.stopped = True
        finally:
            if was_enabled:
                gc.enable()
        if self.problems or world is None:
            self.problems = without_cascades(self.problems, self.col.sources)
            raise ScenarioError(self.problems or [Problem(str(self.root), 0, 0,
                                                          "the scenario could not be loaded")],
                                stopped=self.stopped)
        return world

    def build(self) -> World | None:
        c, st = self.col, self.setup
        if c.world is None or st is None:
            return None
        wf = c.world.file
        fields = st.fields
        scenario_id = self._field_str(wf, fields, "scenario") or "scenario"
        title = self._field_str(wf, fields, "title") or ""
        subtitle = self._field_str(wf, fields, "subtitle", required=False) or ""
        clock, default_takes = st.clock, st.default_takes
        ids = self.ids
        variables, world_flags = self.values["variables"], self.values["world_flags"]
        for name in set(variables) & set(world_flags):
            self.error(world_flags[name][2].file, world_flags[name][2].key,
                       f"`{name}` is both a variable and a world flag",
                       "give one of them another name")
        role_nodes, sym, ref = st.role_nodes, st.sym, st.ref
        ref.final = True  # every file is read: an unknown id now is a mistake

        areas = {}
        for e in ids["area"].values():
            if isinstance(e.node, ScalarNode):
                name = self.string(e.file, e.node, f"areas.{e.id}")
            else:
                f = self.fields(e.file, e.node, AREA_FIELDS, f"area `{e.id}`") or {}
                name = self._field_str(e.file, f, "name") if f else None
            areas[e.id] = Area(e.id, name or e.id, self.where(e.file, e.key))

        places = {}
        for e in ids["place"].values():
            f = self.fields(e.file, e.node, PLACE_FIELDS, f"place `{e.id}`") or {}
            area = None
            if "area" in f:
                area = ref.check(e.file, f["area"][1], "area", f"place `{e.id}`")
            places[e.id] = Place(e.id, self._field_str(e.file, f, "name") or e.id, area,
                                 self._field_str(e.file, f, "detail", required=False) or "",
                                 self.where(e.file, e.key))

        items = {}
        for e in ids["item"].values():
            if isinstance(e.node, ScalarNode):
                items[e.id] = Item(e.id, self.string(e.file, e.node, f"items.{e.id}") or e.id, "",
                                   self.where(e.file, e.key))
                continue
            f = self.fields(e.file, e.node, ITEM_FIELDS, f"item `{e.id}`") or {}
            items[e.id] = Item(e.id, self._field_str(e.file, f, "name") or e.id,
                               self._field_str(e.file, f, "about", required=False) or "",
                               self.where(e.file, e.key))

        notes = {e.id: e.node for e in ids["note"].values()}   # texts, read with the files
        glossary = self.glossary                               # read with the files

        characters = {}
        for e in ids["character"].values():
            characters[e.id] = self._character(e, sym, clock, ref)

        scenes = {}
        for e in ids["scene"].values():
            scene = self.early_scenes.get(e.id)
            if scene is None:
                scene = self._scene(e, sym, ref, default_takes, clock)
            if scene is not None:
                scenes[e.id] = scene
            e.node = e.key = None  # type: ignore[assignment]

        extra_reaches: dict[str, list[Reach]] = {}
        for e in c.sections["narrate"]:
            if e.id not in ids["event"]:
                self.error(e.file, e.key, f"`narrate:` names unknown event `{e.id}`",
                           ex.suggest(e.id, ids["event"]), length=len(e.id))
                continue
            extra_reaches.setdefault(e.id, []).extend(
                self._reaches(e.file, e.node, sym, ref, f"narrate.{e.id}"))
        events = []
        for e in ids["event"].values():
            ev = self._event(e, sym, ref, clock, extra_reaches.get(e.id, []))
            if ev is not None:
                events.append(ev)
        events.sort(key=lambda ev: ev.at)

        roles = {}
        for rid, (k, node) in role_nodes.items():
            r = self._role(wf, rid, k, node, sym, ref, clock, variables)
            if r is not None:
                roles[rid] = r
        if "roles" in fields and not role_nodes:
            self.error(wf, fields["roles"][1], "the scenario has no roles",
                       "add at least one role under `roles:`")

        ref.finish(scenes)
        stats = {}
        if "stats" in fields:
            from .stats import compile_stats
            stats = compile_stats(self, wf, fields["stats"][1], role_nodes, variables)
        lesson = None
        if c.sections["lesson"]:
            from .lesson import compile_lesson  # the classroom lesson's data (optional)
            lesson = compile_lesson(self, c.sections["lesson"], roles=role_nodes,
                                    variables=variables, world_flags=world_flags,
                                    glossary=glossary, scenes=scenes, events=ids["event"],
                                    clock=clock)
        if self.problems or clock is None:
            return None
        return World(
            id=scenario_id, title=title, subtitle=subtitle, clock=clock,
            default_takes=default_takes, roles=roles, places=places, areas=areas,
            characters=characters, items=items,
            variables={k: v for k, (v, t, _) in variables.items()},
            world_flags={k: v for k, (v, t, _) in world_flags.items()},
            scenes=scenes, events=tuple(events), glossary=glossary, notes=notes,
            files=tuple(c.files), root=str(self.root),
            extra={"event_times": [ev.at for ev in events],
                   "lint": sorted(self.suppressions.values(), key=lambda s: (s.file, s.first))},
            lesson=lesson, stats=stats,
        )

    # ----------------------------------------------------------------- parts

    def _field_str(self, file: str, fields: dict[str, tuple[Node, Node]], key: str,
                   required: bool = True) -> str | None:
        if key not in fields:
            return None
        text = self.string(file, fields[key][1], key, allow_empty=not required)
        return _tidy(text, getattr(fields[key][1], "style", None)) if text is not None else None

    def _clock(self, wf: str, fields: dict[str, tuple[Node, Node]]) -> tuple[Clock | None, int]:
        if "clock" not in fields:
            return None, 0
        cf = self.fields(wf, fields["clock"][1], CLOCK_FIELDS, "`clock`")
        if not cf:
            return None, 0
        stamps = []
        for key in ("start", "end"):
            if key not in cf:
                return None, 0
            node = cf[key][1]
            stamp = Clock.parse_stamp(node.value) if isinstance(node, ScalarNode) else None
            if stamp is None:
                self.error(wf, node, f"bad clock {key} `{getattr(node, 'value', '')}`",
                           "write a date and time like \"1917-10-25 06:00\"")
                return None, 0
            stamps.append((stamp, node))
        (d0, m0), _ = stamps[0]
        (d1, m1), end_node = stamps[1]
        end = (d1 - d0).days * 1440 + m1
        if end <= m0:
            self.error(wf, end_node, "the clock ends before it starts")
            return None, 0
        if end - m0 > 1440:
            self.error(wf, end_node, "the night is longer than 24 hours",
                       "a scenario's clock spans at most one day, so `HH:MM` is never ambiguous")
            return None, 0
        julian = True
        if "calendar" in cf:
            cal = self.scalar(wf, cf["calendar"][1], "calendar")
            if cal not in ("julian", "gregorian"):
                self.error(wf, cf["calendar"][1], "`calendar` is `julian` or `gregorian`")
            julian = cal != "gregorian"
        takes = 5
        if "default_takes" in cf:
            takes = self.duration(wf, cf["default_takes"][1], "default_takes") or 0
        return Clock(d0, m0, end, julian), takes

    def _declare_value(self, entry: _Entry, section: str) -> bool:
        """Declare one variable or world flag with its initial value (and so its type)."""
        out = self.values[section]
        name, file, k, v = entry.id, entry.file, entry.key, entry.node
        if name in out:
            first = out[name][2]
            self.error(file, k, f"`{name}` is declared twice",
                       f"it is already declared at {first.file}:{first.line}",
                       length=len(name))
            return False
        if not name.isidentifier() or name in ex._KEYWORDS or name in ("time", "role"):
            self.error(file, k, f"`{name}` cannot be a variable name",
                       "use letters, digits and _; not a keyword, `time` or `role`")
            return False
        problems = len(self.problems)
        value = self.scalar(file, v, f"{section}.{name}")
        t = ex.value_type(value)
        if t is None:
            if len(self.problems) == problems:
                self.error(file, v, f"`{name}` needs an initial value: a number, true/false or "
                           "text")
            return False
        if t == ex.STR and len(value) > MAX_TEXT:
            self._too_long(file, v, name, value)
            return False
        out[name] = (value, t, entry)
        self.types[section][name] = t
        return True

    def _too_long(self, file: str, node: Node, name: str, value: str) -> None:
        self.error(file, node, f"`{name}` starts as a text of {len(value):,} characters; a text "
                   f"holds at most {MAX_TEXT:,}", length=1)

    def _role(self, wf: str, rid: str, k: Node, node: Node, sym: ex.Symbols, ref: _Refs,
              clock: Clock | None, variables: dict[str, tuple[Any, str, _Entry]]) -> Role | None:
        f = self.fields(wf, node, ROLE_FIELDS, f"role `{rid}`")
        if f is None:
            return None
        start = ref.check(wf, f["start"][1], "scene", f"role `{rid}` start") if "start" in f \
            else None
        time_out = ref.check(wf, f["time_out"][1], "scene", f"role `{rid}` time_out") \
            if "time_out" in f else None
        at = self.time_of_day(wf, f["at"][1], "at", clock) if "at" in f else None
        if at is not None and clock and not clock.start <= at < clock.end:
            self.error(wf, f["at"][1], f"role `{rid}` starts outside the clock "
                       f"({clock.hhmm(clock.start)}-{clock.hhmm(clock.end)})")
        overrides = {}
        if "variables" in f:
            for name, (vk, vv) in self.mapping(wf, f["variables"][1], "variables").items():
                if name not in variables:
                    self.error(wf, vk, f"role `{rid}` sets unknown variable `{name}`",
                               ex.suggest(name, variables) or "declare it under `variables:`")
                    continue
                problems = len(self.problems)
                value = self.scalar(wf, vv, name)
                if len(self.problems) > problems:
                    continue
                if ex.value_type(value) != variables[name][1]:
                    self.error(wf, vv, f"`{name}` is {ex.TYPE_NAMES[variables[name][1]]}")
                    continue
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    self._too_long(wf, vv, name, value)
                    continue
                overrides[name] = value
        ref.role_targets.append((wf, f.get("time_out", (None, None))[1], "time_out"))
        if start is None or time_out is None or at is None:
            return None
        return Role(rid, self._field_str(wf, f, "name") or rid,
                    self._field_str(wf, f, "title", required=False) or "",
                    self._field_str(wf, f, "intro") or "", start, at, time_out, overrides,
                    self.where(wf, k))

    def _character(self, e: _Entry, sym: ex.Symbols, clock: Clock | None,
                   ref: _Refs) -> Character:
        f = self.fields(e.file, e.node, CHARACTER_FIELDS, f"character `{e.id}`") or {}
        stints = []
        if "schedule" in f:
            for s in self.list_of(e.file, f["schedule"][1], "schedule"):
                sf = self.fields(e.file, s, STINT_FIELDS, "a schedule entry")
                if sf is None:
                    continue
                place = ref.check(e.file, sf["at"][1], "place", "schedule") if "at" in sf \
                    else None
                start = self.time_of_day(e.file, sf["from"][1], "from", clock) if "from" in sf \
                    else (clock.start if clock else 0)
                end = self.time_of_day(e.file, sf["until"][1], "until", clock) if "until" in sf \
                    else (clock.end if clock else 0)
                cond = self.cond(e.file, sf["if"][1], sym, "if") if "if" in sf else None
                if start is not None and end is not None and end <= start:
                    self.error(e.file, s, f"`until` is not after `from` in {e.id}'s schedule")
                if place and start is not None and end is not None:
                    stints.append(Stint(start, end, place, cond))
        return Character(e.id, self._field_str(e.file, f, "name") or e.id,
                         self._field_str(e.file, f, "about", required=False) or "",
                         tuple(stints),
                         not (self.boolean(e.file, f["invented"][1], "invented")
                              if "invented" in f else False),
                         self.where(e.file, e.key))

    def _scene(self, e: _Entry, sym: ex.Symbols, ref: _Refs, default_takes: int,
               clock: Clock | None) -> Scene | None:
        what = f"scene `{e.id}`"
        f = self.fields(e.file, e.node, SCENE_FIELDS, what)
        if f is None:
            return None
        if "lint" in f:
            read_lint(self, e.file, *f["lint"], "scene", _Span(e.key, e.node),
                      self.suppressions)
        place = ref.check(e.file, f["place"][1], "place", what) if "place" in f else None
        text = self.template(e.file, f["text"][1], sym, "text") if "text" in f else None
        variants = []
        if "variants" in f:
            for vn in self.list_of(e.file, f["variants"][1], "variants"):
                vf = self.fields(e.file, vn, VARIANT_FIELDS, "a variant")
                if vf is None or "if" not in vf or "text" not in vf:
                    continue
                c = self.cond(e.file, vf["if"][1], sym, "if")
                t = self.template(e.file, vf["text"][1], sym, "text")
                append = self.boolean(e.file, vf["append"][1], "append") if "append" in vf \
                    else False
                if c and t:
                    variants.append(Variant(c, t, append, self.where(e.file, vn)))
        ending = None
        if "ending" in f:
            ef = self.fields(e.file, f["ending"][1], ENDING_FIELDS, "an ending")
            if ef is not None:
                epi = self.template(e.file, ef["epilogue"][1], sym, "epilogue") \
                    if "epilogue" in ef else None
                ending = Ending(self._field_str(e.file, ef, "title") or e.id,
                                epi or Template(("",)),
                                self._field_str(e.file, ef, "note", required=False) or "",
                                self.boolean(e.file, ef["historical"][1], "historical")
                                if "historical" in ef else False,
                                self.where(e.file, f["ending"][1]),
                                self._told(e.file, ef, sym, "epilogue"))
        choices = []
        choice_nodes = self.list_of(e.file, f["choices"][1], "choices") if "choices" in f else []
        if choice_nodes:
            for i, cn in enumerate(choice_nodes):
                ch = self._choice(e, i, cn, sym, ref, default_takes, clock)
                if ch is not None:
                    choices.append(ch)
        if ending is not None and choices:
            self.error(e.file, f["choices"][0], f"{what} is an ending and cannot have choices",
                       "remove `choices:` or `ending:`")
        wait = None
        if "wait" in f:
            node = f["wait"][1]
            if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
                wait = (default_takes or 5) if self.scalar(e.file, node, "wait") else None
            else:
                wait = self.duration(e.file, node, "wait")
                if wait == 0:
                    self.error(e.file, node, "a wait must take some time", "e.g. `wait: 15m`")
        on_enter = self.effects(e.file, f["on_enter"][1], sym, "on_enter") if "on_enter" in f \
            else ()
        redirects = []
        if "redirect" in f:
            for rn in self.list_of(e.file, f["redirect"][1], "redirect"):
                rf = self.fields(e.file, rn, REDIRECT_FIELDS, "a redirect")
                if rf is None or "if" not in rf or "go" not in rf:
                    continue
                c = self.cond(e.file, rf["if"][1], sym, "if")
                go = ref.check(e.file, rf["go"][1], "scene", "redirect")
                if go == e.id:
                    self.error(e.file, rf["go"][1], "a scene cannot redirect to itself")
                elif c and go:
                    redirects.append(Redirect(c, go, self.where(e.file, rn)))
        notes: tuple[str, ...] = ()
        if "content_notes" in f:
            notes = tuple(str(self.scalar(e.file, n, "content_notes"))
                          for n in self.list_of(e.file, f["content_notes"][1], "content_notes"))
        decision = self._decision(e, f["decision"][1]) if "decision" in f else None
        told = self.template(e.file, f["told"][1], sym, "told") if "told" in f else None
        brief = self.template(e.file, f["brief"][1], sym, "brief") if "brief" in f else None
        if ending is None and not choice_nodes and wait is None and "redirect" not in f:
            self.error(e.file, e.key, f"{what} has no way forward",
                       "give it `choices:`, `wait:`, a `redirect:` or make it an `ending:`",
                       length=len(e.id))
        title = self._field_str(e.file, f, "title")
        if place is None or text is None or title is None:
            return None
        return Scene(e.id, title, place, text, tuple(variants), tuple(choices), ending, wait,
                     on_enter, tuple(redirects), self.where(e.file, e.key), notes, decision,
                     told, brief)

    def _decision(self, e: _Entry, node: Node) -> Decision | None:
        f = self.fields(e.file, node, DECISION_FIELDS, "a decision")
        if f is None:
            return None
        prompts = []
        if "prompts" in f:
            for stage, (k, v) in self.mapping(e.file, f["prompts"][1], "prompts").items():
                if stage not in PROMPT_STAGES:
                    self.error(e.file, k, f"`{stage}` is not a prompt stage",
                               ex.suggest(stage, PROMPT_STAGES)
                               or f"stages: {', '.join(PROMPT_STAGES)}", length=len(stage))
                    continue
                text = self.string(e.file, v, f"prompts.{stage}")
                if text:
                    prompts.append((stage, _tidy(text, getattr(v, "style", None))))
        prompts.sort(key=lambda p: PROMPT_STAGES.index(p[0]))
        ident = self._field_str(e.file, f, "id")
        question = self._field_str(e.file, f, "question")
        history = self._field_str(e.file, f, "history")
        if not (ident and question and history):
            return None
        return Decision(ident, question, history,
                        self._field_str(e.file, f, "source", required=False) or "",
                        tuple(prompts), self.where(e.file, node))

    def _choice(self, e: _Entry, index: int, node: Node, sym: ex.Symbols, ref: _Refs,
                default_takes: int, clock: Clock | None) -> Choice | None:
        f = self.fields(e.file, node, CHOICE_FIELDS, "a choice")
        if f is None:
            return None
        if "lint" in f:
            read_lint(self, e.file, *f["lint"], "choice", node, self.suppressions)
        label = self.template(e.file, f["label"][1], sym, "label") if "label" in f else None
        go = ref.check(e.file, f["go"][1], "scene", "go") if "go" in f else None
        takes = default_takes
        if "takes" in f:
            d = self.duration(e.file, f["takes"][1], "takes")
            takes = d if d is not None else default_takes
        after = self.time_of_day(e.file, f["after"][1], "after", clock) if "after" in f else None
        before = self.time_of_day(e.file, f["before"][1], "before", clock) if "before" in f \
            else None
        if after is not None and before is not None and before <= after:
            self.error(e.file, f["before"][1], "`before` is not later than `after`: this choice "
                       "can never be taken", "check the two times")
        cond = self.cond(e.file, f["if"][1], sym, "if") if "if" in f else None
        otherwise, show = None, False
        if "otherwise" in f:
            on = f["otherwise"][1]
            text = self.string(e.file, on, "otherwise")
            if text is not None:
                low = text.strip().lower()
                if low in ("hide", "hidden"):
                    pass
                elif low in ("show", "shown", "grey", "greyed"):
                    show = True
                else:
                    if low.startswith("show "):
                        text = text.strip()[5:].strip().strip('"')
                    otherwise, show = _tidy(text, getattr(on, "style", None)), True
        once = self.boolean(e.file, f["once"][1], "once") if "once" in f else False
        effects = self.effects(e.file, f["do"][1], sym, "do") if "do" in f else ()
        result = self.template(e.file, f["result"][1], sym, "result") if "result" in f else None
        remember = self._field_str(e.file, f, "remember", required=False)
        if label is None:
            return None
        return Choice(e.id, index, label, go, takes, after, before, cond, otherwise, show, once,
                      effects, result, remember, self.where(e.file, node),
                      self._told(e.file, f, sym, "result"))

    def _told(self, file: str, fields: dict[str, tuple[Node, Node]], sym: ex.Symbols,
              shown: str) -> Template | None:
        """A `told:` text: the gentler version of the `shown` field, used in content mode."""
        if "told" not in fields:
            return None
        if shown not in fields:
            self.error(file, fields["told"][0], f"`told:` is a gentler `{shown}:`, and there is "
                       f"no `{shown}:` here", f"add a `{shown}:` or remove `told:`")
            return None
        return self.template(file, fields["told"][1], sym, "told")

    def _reaches(self, file: str, node: Node, sym: ex.Symbols, ref: _Refs,
                 what: str) -> list[Reach]:
        out = []
        for rn in self.list_of(file, node, what):
            rf = self.fields(file, rn, REACH_FIELDS, "a narrate case")
            if rf is None:
                continue
            c = self.cond(file, rf["if"][1], sym, "if") if "if" in rf else None
            t = self.template(file, rf["text"][1], sym, "text") if "text" in rf else None
            go = ref.check(file, rf["go"][1], "scene", "go") if "go" in rf else None
            effs = self.effects(file, rf["do"][1], sym, "do") if "do" in rf else ()
            if effs and any(eff.world for eff in effs):
                self.error(file, rf["do"][1], "a narrate case changes only its player",
                           "put world flag changes in the event's own `do:`")
            remember = self._field_str(file, rf, "remember", required=False)
            if remember is not None and t is None:
                self.error(file, rf["remember"][0], "`remember:` needs the case's `text:`",
                           "a player remembers what reached them in words")
            out.append(Reach(c, t, go, effs, self.where(file, rn),
                             self._told(file, rf, sym, "text"), remember or None))
        return out

    def _event(self, e: _Entry, sym: ex.Symbols, ref: _Refs, clock: Clock | None,
               extra: list[Reach]) -> Event | None:
        f = self.fields(e.file, e.node, EVENT_FIELDS, f"event `{e.id}`")
        if f is None:
            return None
        at = self.time_of_day(e.file, f["at"][1], "at", clock) if "at" in f else None
        if at is not None and clock and not clock.start <= at <= clock.end:
            self.error(e.file, f["at"][1], f"event `{e.id}` is outside the clock",
                       f"the night runs from {clock.hhmm(clock.start)} to "
                       f"{clock.hhmm(clock.end)}: give a time between them")
        cond = None
        world_sym = self.setup.world_sym if self.setup else sym
        mark = len(self.problems)
        if "if" in f:
            cond = self.cond(e.file, f["if"][1], world_sym, "if")
            if cond is not None:
                self._world_only_calls(e.file, f["if"][1], cond)
        effects = self.effects(e.file, f["do"][1], world_sym, "do") if "do" in f else ()
        self._explain_world_only(mark)
        reaches = extra + (self._reaches(e.file, f["narrate"][1], sym, ref, "narrate")
                           if "narrate" in f else [])
        title = self._field_str(e.file, f, "title")
        if at is None or title is None:
            return None
        return Event(e.id, title, at, cond, effects, tuple(reaches), self.where(e.file, e.key))


    # ----------------------------------------------------------------- messages that say the rule

    def _misplaced_fields(self, file: str, node: Node) -> Node:
        """A scene file with world.yaml's fields, or a walkthrough, gets one message that says
        where those belong; the node comes back without them."""
        if not isinstance(node, MappingNode):
            return node
        keys = {k.value: k for k, _ in node.value if isinstance(k, ScalarNode)}
        if {"steps", "role"} <= keys.keys() or {"steps", "seed"} <= keys.keys():
            self.error(file, keys["steps"], "this looks like a walkthrough (`role:`, `steps:`), "
                       "and every .yaml file in the scenario folder is read as part of the "
                       "scenario", "keep walkthroughs outside the scenario folder, e.g. in "
                       "tests/walkthroughs/, with `scenario:` pointing at the folder",
                       length=len("steps"))
            return MappingNode(node.tag, [], node.start_mark, node.end_mark)
        moved = [k for k in keys if k in WORLD_FIELDS]
        for k in moved:
            self.error(file, keys[k], f"`{k}:` belongs in world.yaml, not in a scene file",
                       "a scene file holds sections: " + ", ".join(SECTION_FIELDS),
                       length=len(k))
        if not moved:
            return node
        return MappingNode(node.tag, [(k, v) for k, v in node.value
                                      if not (isinstance(k, ScalarNode) and k.value in moved)],
                           node.start_mark, node.end_mark, node.flow_style)

    def _world_only_calls(self, file: str, node: Node, cond: ex.Condition) -> None:
        """An event's own `if:` is decided once for the whole night: what one player has, knows
        or where one player is means nothing there."""
        player = sorted(f"{fn}({arg})" for fn, arg in cond.calls
                        if fn not in ("fired",)) + (["role"] if "role" in cond.reads else [])
        if player:
            self.error(file, node, f"an event's `if:` is about the world only, but "
                       f"`{player[0]}` is about one player",
                       "an event's `if:` may read world flags, `time` and `fired(...)`; put "
                       "player conditions in a `narrate:` case's `if:`")

    def _explain_world_only(self, mark: int) -> None:
        """Errors from an event's own `if:`/`do:` naming a player variable: say the rule
        (events read and change world state only), not "unknown name"."""
        players = self.types["variables"]
        for i in range(mark, len(self.problems)):
            p = self.problems[i]
            m = re.search(r"unknown (?:name|variable) `([^`]+)`", p.message)
            if m and m.group(1) in players:
                name = m.group(1)
                self.problems[i] = Problem(
                    p.file, p.line, p.col, p.message.split(":")[0] + f": `{name}` is a "
                    "player's variable, and an event's own `if:` and `do:` read and change the "
                    "world only", "use a world flag (`world_flags:`), or put it in a `narrate:` "
                    "case, whose `if:` and `do:` are about each player", p.length)


class _Span:
    """A scene's lines: from its key to the end of its value."""

    def __init__(self, key: Node, node: Node):
        self.start_mark, self.end_mark = key.start_mark, node.end_mark


def _field_name(kind: str, what: str) -> str:
    """The field an unknown reference was written in, from the loader's `what`."""
    if "`" in what:   # "scene `a`", "role `r` start": the field is the last plain word
        words = [w for w in what.split() if "`" not in w]
        return words[-1] if words and words[-1] != what.split()[0] else kind
    return what.split()[-1] if what.split() else what


def _key_position(text: str, key: str) -> tuple[int, int]:
    """Where `key:` is written in a file's text (for a message about a key whose nodes are
    gone); the file's start if it cannot be found."""
    m = re.search(r"^([ \t]*)['\"]?" + re.escape(key) + r"['\"]?[ \t]*:", text, re.MULTILINE)
    if m is None:
        return 1, 1
    return text.count("\n", 0, m.start()) + 1, len(m.group(1)) + 1


def _tab_hint(text: str, mark: Any) -> str | None:
    """libyaml says "cannot start any token" for a tab: say what it is."""
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return "this is a tab: indent with spaces"
    return None


def _flow_comma_hint(node: Node, key: Node) -> str | None:
    """In `{ name: a, b }` the comma ended the value: `b` became a key without a value."""
    value = next((v for k, v in node.value if k is key), None)
    if getattr(node, "flow_style", False) and isinstance(value, ScalarNode) \
            and value.tag.endswith(":null") and not value.value:
        return "in a `{...}` mapping a comma ends the value before it: put quotes around " \
            "text that holds a comma"
    return None


class _Refs:
    """Checks references to ids of a kind, with a suggestion for near misses.

    Until every file is read (`final`), an id not declared yet may still come: it is noted and
    looked up again by `finish`.
    """

    def __init__(self, loader: Loader, ids: dict[str, dict[str, _Entry]]):
        self.loader = loader
        self.ids = ids
        self.final = False
        self.pending: list[tuple[str, int, int, str, str, str]] = []
        self.role_targets: list[tuple[str, Node | None, str]] = []

    def check(self, file: str, node: Node, kind: str, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            self.loader.error(file, node, f"`{what}` should name a {kind}")
            return None
        ident = node.value
        if ident in self.ids[kind]:
            return ident
        field_name = _field_name(kind, what)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if not self.final:
            self.pending.append((file, line, col, kind, ident, field_name))
            return ident
        self._unknown(file, line, col, kind, ident, field_name)
        return None

    def _unknown(self, file: str, line: int, col: int, kind: str, ident: str,
                 field_name: str) -> None:
        hint = ex.suggest(ident, self.ids[kind])
        if not hint:
            other = next((k for k in KINDS if ident in self.ids[k]), None)
            hint = f"`{ident}` is a {other}, not a {kind}" if other else None
        self.loader.error(file, None, f"unknown {kind} `{ident}` in `{field_name}:`", hint,
                          length=len(ident), offset=(line, col))

    def finish(self, scenes: dict[str, Scene]) -> None:
        for file, line, col, kind, ident, field_name in self.pending:
            if ident not in self.ids[kind]:
                self._unknown(file, line, col, kind, ident, field_name)
        for file, node, what in self.role_targets:
            if node is None or not isinstance(node, ScalarNode):
                continue
            scene = scenes.get(node.value)
            if scene is not None and scene.ending is None:
                self.loader.error(file, node, f"`{what}` must name an ending scene",
                                  "give that scene an `ending:`")


# Each expression is compiled once per source and symbol table, however often it is written.
# Only successes are kept: an error may be gone once a later file has declared a name.

def _expression(sym: ex.Symbols, src: str, want: str | None) -> ex.Condition:
    """`src` compiled as an expression of type `want` (None: any). Raises ExprError."""
    got = sym.compiled.get((src, want))
    if got is None:
        got = sym.compiled[(src, want)] = ex.compile_expr(src, sym, want)
    return got


def _effect(sym: ex.Symbols, src: str) -> ex.Effect:
    """`src` compiled as an effect. Raises ExprError."""
    got = sym.compiled.get(src)
    if got is None:
        got = sym.compiled[src] = ex.compile_effect(src, sym)
    return got


def _tidy(text: str | None, style: str | None) -> str:
    """Normalise authored text: strip the trailing newline of block scalars, keep paragraphs."""
    if text is None:
        return ""
    return text.strip("\n").rstrip()


def _yaml_hint(problem: str, context: str | None) -> str | None:
    if "is not allowed in a YAML file" in problem:
        return "remove it: such characters are often left over from pasting text"
    if "nesting depth" in problem or "nesting deeper" in problem:
        return "a scenario file never needs more than a dozen levels: check the brackets"
    if "mapping values are not allowed" in problem:
        return "a value containing `: ` must be quoted, or use a `|` block"
    if "found character '\\t'" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line in a mapping needs `key: value`"
    if "found undefined alias" in problem:
        return "anchors (&name) must be defined before aliases (*name)"
    if "expected <block end>" in problem:
        return "check the indentation of this line against the lines above"
    return None
