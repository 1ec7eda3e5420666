"""Reading a scenario folder: YAML in, a validated and compiled `World` out.

The YAML is composed into nodes (pyyaml's safe C loader where available), so every value keeps
its line and column. Every file is read and every mistake reported in one pass: unknown fields,
missing fields, bad times, unknown references, expression errors. Scenes are compiled file by
file as they are read (see `Loader`); anything a scene names that no file has declared yet is
looked at again once all are read, so files may refer to each other in any order.

This module reads the files and declares what they hold; each section is compiled by its own
module (roles.py, places.py, values.py, scenes.py, choices.py, endings.py, events.py, stats.py,
lesson.py), through the `NodeReader` (reader.py) the loader is.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine import MAX_TOTAL_BYTES, Scene, Symbols, World, parse_hhmm
from .cascades import without_cascades
from .context import KINDS, SECTION_KINDS, References, Setup
from .errors import Problem, ScenarioError
from .events import compile_events
from .fields import FILE_FIELDS, SECTION_FIELDS, WORLD_FIELDS, WORLD_FILE_FIELDS
from .files import WORLD_FILE, FileProblem, Namer, find_yaml, read_bounded
from .lint import read_lint
from .places import compile_areas, compile_characters, compile_places
from .reader import Entry, NodeReader, TooManyProblems, tidy
from .roles import compile_clock, compile_roles
from .scenes import compile_scene
from .sources import Sources
from .values import Declared, check_shared_names, compile_items, declare_value
from .yamlnodes import MappingNode, Node, NodeBudget, ScalarNode, compose, stream

__all__ = ["KINDS", "SECTION_KINDS", "STREAM_CHARS", "WORLD_FILE", "Collected", "Loader"]

# Files larger than this are composed a part at a time (`yamlnodes.stream`): a section's
# entries one by one, each let go once read, so a 50 MB file never has all its nodes at once.
# (Composing in parts is pyyaml's Python composer over libyaml's events: 1.6 times the time.)
STREAM_CHARS = 2_000_000
STREAMED = frozenset(("variables", "world_flags", "scenes", "places", "areas", "characters",
                      "items", "events", "narrate", "glossary", "notes"))


@dataclass
class Collected:
    """What the files hold, as they are read: world.yaml's entry and fields, each section's
    entries, the files' names and texts."""

    world: Entry | None = None
    world_fields: dict[str, tuple[Node, Node]] = field(default_factory=dict)
    sections: dict[str, list[Entry]] = field(default_factory=lambda: {k: [] for k in SECTION_FIELDS})
    files: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


class Loader(NodeReader):
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
        super().__init__()
        self.root = root
        self.display_root = display_root
        # The files already found (by the cache, to key them), named as there.
        self.sources = sources
        self.namer = sources.namer if sources is not None else Namer(root, display_root)
        self.stopped = False      # MAX_PROBLEMS were reached: not everything was looked at
        self.bytes_read = 0
        self.nodes = NodeBudget()   # YAML values all files may still hold
        self.col = Collected(sources=self.texts)
        # Declarations, as files are read: every id of every kind, and declared values.
        self.ids: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}
        self.values: dict[str, Declared] = {"variables": {}, "world_flags": {}}
        self.types: dict[str, dict[str, str]] = {"variables": {}, "world_flags": {}}
        self.setup: Setup | None = None
        self.glossary: dict[str, str] = {}
        self._glossary_shared = False    # the glossary is a file's own dict (copied to change)
        self.early_scenes: dict[str, Scene] = {}

    def display(self, path: Path) -> str:
        """How a file is named in messages: relative to the working folder when inside it."""
        return self.namer.name(path)

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
        except TooManyProblems:
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
        """Compile every section, once every file is read and declared; None if there were
        mistakes (they are in `problems`)."""
        c, st = self.col, self.setup
        if c.world is None or st is None:
            return None
        wf, fields = c.world.file, st.fields
        scenario_id = self.field_str(wf, fields, "scenario") or "scenario"
        title = self.field_str(wf, fields, "title") or ""
        subtitle = self.field_str(wf, fields, "subtitle", required=False) or ""
        ids = self.ids
        variables, world_flags = self.values["variables"], self.values["world_flags"]
        check_shared_names(self, variables, world_flags)
        st.ref.final = True  # every file is read: an unknown id now is a mistake

        areas = compile_areas(self, ids["area"].values())
        places = compile_places(self, ids["place"].values(), st.ref)
        items = compile_items(self, ids["item"].values())
        characters = compile_characters(self, ids["character"].values(), st.sym, st.clock,
                                        st.ref)
        scenes = self._scenes(st)
        events = compile_events(self, ids["event"], c.sections["narrate"], st,
                                self.types["variables"])
        roles = compile_roles(self, wf, fields, st.role_nodes, st.ref, st.clock, variables)
        st.ref.finish(scenes)
        stats = {}
        if "stats" in fields:
            from .stats import compile_stats
            stats = compile_stats(self, wf, fields["stats"][1], st.role_nodes, variables)
        lesson = None
        if c.sections["lesson"]:
            from .lesson import compile_lesson  # the classroom lesson's data (optional)
            lesson = compile_lesson(self, c.sections["lesson"], roles=st.role_nodes,
                                    variables=variables, world_flags=world_flags,
                                    glossary=self.glossary, scenes=scenes, events=ids["event"],
                                    clock=st.clock)
        if self.problems or st.clock is None:
            return None
        return World(
            id=scenario_id, title=title, subtitle=subtitle, clock=st.clock,
            default_takes=st.default_takes, roles=roles, places=places, areas=areas,
            characters=characters, items=items,
            variables={k: v for k, (v, t, _) in variables.items()},
            world_flags={k: v for k, (v, t, _) in world_flags.items()},
            scenes=scenes, events=tuple(events), glossary=self.glossary,
            notes={e.id: e.text for e in ids["note"].values()},   # read with the files
            files=tuple(c.files), root=str(self.root),
            extra={"event_times": [ev.at for ev in events],
                   "lint": sorted(self.suppressions.values(), key=lambda s: (s.file, s.first))},
            lesson=lesson, stats=stats,
        )

    def _scenes(self, st: Setup) -> dict[str, Scene]:
        """Every scene: compiled as its file was read, or now (and its nodes let go)."""
        scenes = {}
        for e in self.ids["scene"].values():
            scene = self.early_scenes.get(e.id)
            if scene is None:
                scene = compile_scene(self, e, st)
            if scene is not None:
                scenes[e.id] = scene
            e.let_go()
        return scenes

    # ----------------------------------------------------------------- reading files

    def read_files(self) -> None:
        world_path = self.root / WORLD_FILE
        if self.root.is_file():
            self.problems.append(Problem(
                str(self.root), 0, 0, "this is a file, not a scenario folder",
                f"give the folder that holds world.yaml (this file is in {self.root.parent})"))
            return
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
            self.compile_early(scenes)
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

    def read_file(self, path: Path, is_world: bool) -> list[Entry]:
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
                   streamed: dict[str, list[Entry]] | None = None) -> list[Entry]:
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
            self.col.world = Entry("world", node, node, name)
            self.col.world_fields = fields
        scenes = []
        for section in SECTION_FIELDS:
            if streamed is not None and section in streamed:
                scenes += streamed[section]      # taken as they were read
            elif section == "glossary" and "glossary" in fields:
                terms: dict[str, str] = {}
                for ident, (_k, v) in self.mapping(name, fields[section][1], section).items():
                    self._term(name, terms, ident, v)
                self._take(section, Entry.glossary(terms, name))
            elif section in fields:
                key, value = fields[section]
                items = self.mapping(name, value, section)
                for ident, (k, v) in items.items():
                    entry = self._take(section, Entry(ident, k, v, name))
                    if entry is not None and section == "scenes":
                        scenes.append(entry)
        return scenes

    def _term(self, file: str, terms: dict[str, str], ident: str, node: Node) -> None:
        """A glossary term's text, read at once into its file's glossary (a glossary may have
        a million terms: an entry and nodes kept for each were most of the memory)."""
        text = self.string(file, node, f"glossary.{ident}")
        terms[ident] = tidy(text or "", getattr(node, "style", None))

    def _take(self, section: str, entry: Entry) -> Entry | None:
        """Collect and declare one entry of a section; the entry, or None if it is refused.
        A note's text is read now, and its nodes let go. (A file's glossary is one entry: its
        terms and texts.)"""
        self.col.sections[section].append(entry)
        if not self.declare(section, entry):
            return None
        if section == "notes":
            entry.text = self.string(entry.file, entry.node, f"notes.{entry.id}") or ""
            entry.let_go()
        return entry

    def _read_streamed(self, name: str, text: str, is_world: bool,
                       raw: bytes | None = None) -> list[Entry]:
        """A big file, a part at a time: each entry of a section is collected and declared as
        it is composed (a scene compiled at once when it can be), so only the nodes a
        declaration keeps stay. Then the document's other fields, as for any file."""
        pairs: list[tuple[Node, Node]] = []
        streamed: dict[str, list[Entry]] = {}
        seen: dict[str, int] = {}      # a section's ids so far, and their lines
        terms: dict[str, str] = {}     # the file's glossary
        root: Node | None = None
        mark = self._mark_file()
        try:
            for part in stream(text, STREAMED, self.nodes, raw):
                key = part.key
                if part.kind == "entry":
                    assert key is not None and part.id_key is not None   # as `stream` gives them
                    self._streamed_part(name, key.value, part.id_key, part.value, is_world,
                                        streamed, seen, terms, text)
                elif part.kind == "end":
                    assert key is not None
                    pairs.append((key, part.value))
                    streamed.setdefault(key.value, [])
                    seen.clear()
                    if key.value == "glossary":
                        self._take("glossary", Entry.glossary(terms, name))
                elif part.kind == "pair" and key is None:
                    root = part.value
                elif part.kind == "pair":
                    assert key is not None
                    pairs.append((key, part.value))
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

    def _streamed_part(self, name: str, section: str, id_key: Node, value: Node,
                       is_world: bool, streamed: dict[str, list[Entry]], seen: dict[str, int],
                       terms: dict[str, str], text: str) -> None:
        """One entry of a section of a big file: a glossary term read into `terms`, or an
        entry collected and declared (a scene compiled at once when it can be)."""
        if section == "glossary":
            if self._streamed_key(name, "glossary", id_key, terms, text):
                self._term(name, terms, id_key.value, value)
            return
        entries = streamed.setdefault(section, [])
        entry = self._streamed_entry(name, section, id_key, value, seen)
        if entry is not None and section == "scenes":
            if self.setup is not None and not is_world and self.compile_as_read:
                self.compile_early([entry])     # its nodes go, or wait for the end
            else:
                entries.append(entry)

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
                    self.glossary.update(e.terms or {})
            del self.col.sections[section][count:]
        del self.problems[problems:]
        if self.setup is not None:
            del self.setup.ref.pending[pending:]
        for k in [k for k in self.suppressions if k[0] == name]:
            del self.suppressions[k]

    def _streamed_entry(self, name: str, section: str, k: Node, v: Node,
                        seen: dict[str, int]) -> Entry | None:
        """One entry of a section of a big file: what `mapping` says of a key, then `_take`."""
        if not self._streamed_key(name, section, k, seen):
            return None
        return self._take(section, Entry(k.value, k, v, name))

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

    # ----------------------------------------------------------------- declaring and compiling early

    def declare(self, section: str, entry: Entry) -> bool:
        """Record a declaration; False (with an error) for a duplicate id or a bad value."""
        if section == "glossary":
            self._glossary(entry.file, entry.terms or {})
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
            return declare_value(self, self.values[section], self.types[section], entry,
                                 section)
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

    def _setup(self) -> Setup | None:
        """world.yaml's fields, clock and roles, and the symbols expressions are checked with."""
        if self.col.world is None:
            return None
        wf, fields = self.col.world.file, self.col.world_fields
        clock, default_takes = compile_clock(self, wf, fields)
        role_nodes = self.mapping(wf, fields["roles"][1], "roles") if "roles" in fields else {}
        # The symbols hold the live declaration tables, so they grow as files are read.
        sym = Symbols(
            player_vars=self.types["variables"],
            world_flags=self.types["world_flags"],
            things=self.ids,
            roles=list(role_nodes),
            time_of=clock.parse_time if clock else (lambda s: parse_hhmm(s)),
        )
        world_sym = Symbols({}, sym.world_flags, sym.things, sym.roles, sym.time_of)
        return Setup(fields, clock, default_takes, role_nodes, sym, world_sym,
                      References(self, self.ids))

    def compile_early(self, entries: list[Entry]) -> None:
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

    def _compile_each(self, st: Setup, entries: list[Entry]) -> None:
        for e in entries:
            problems, pending = len(self.problems), len(st.ref.pending)
            try:
                scene = compile_scene(self, e, st)
            except TooManyProblems:
                scene = None   # at the cap: compiled again at the end, where it counts
            if scene is None or len(self.problems) > problems:
                # Perhaps a later file declares what it names: compile it again at the end,
                # and report what is still wrong then (once).
                del self.problems[problems:]
                del st.ref.pending[pending:]
                continue
            self.early_scenes[e.id] = scene
            e.let_go()


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


