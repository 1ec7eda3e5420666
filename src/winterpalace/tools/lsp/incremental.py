"""Loading a scenario again after one file changed, reusing what the others compiled.

A language server reloads on every edit. Most of a big scenario's load is composing YAML and
compiling scenes, file by file; `IncrementalLoader` keeps, per file, what reading it produced
(its declarations, its compiled scenes, the references it left to check) and replays that for
files whose text has not changed, so only the edited file is composed and compiled again. The
whole-scenario steps (resolving references, events, roles, the lesson) run as usual.

Reuse is safe because a reused file's scenes were compiled against declarations that still
hold: a file is only kept when it had no problems, when world.yaml is unchanged, and when no
declaration it depends on (an id it names, a variable's type) was removed or changed by the
edit; otherwise it is read again (`Project.load` does that second pass).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine import EFFECT_FUNCTIONS, REFERENCE_FUNCTIONS, Scene, World
from ...scenario import SECTION_KINDS, WORLD_FILE, Entry, Loader, Problem, ScenarioError


@dataclass
class Unit:
    """What reading one file produced, to be replayed while its text is the same."""

    raw: bytes
    text: str
    entries: list[tuple[str, str, Any, Any]]      # (section, id, key node, value node or None)
    scenes: dict[str, Scene]                      # compiled as the file was read
    pending: list[Any]                            # references to ids not declared yet then
    suppressions: dict[Any, Any]
    world: Any = None                             # world.yaml's entry and fields
    world_fields: Any = None
    deps: set[tuple[str, str]] = field(default_factory=set)
    decl: set[tuple[Any, ...]] = field(default_factory=set)


@dataclass
class Memo:
    """A scene compiled from the same text at the same place of a changed file."""

    scene: Scene
    pending: list[Any]
    deps: set[tuple[str, str]]


class IncrementalLoader(Loader):
    """A Loader that replays unchanged files from `cache` (updated in place), and in a changed
    file reuses the scenes whose text and position did not change (`memo`)."""

    compile_as_read = False    # each file's scenes are compiled (and recorded) together

    def __init__(self, root: Path, cache: dict[str, Unit], read: Callable[[Path], bytes],
                 fresh: set[str] | None = None,
                 memo: dict[str, dict[Any, Memo]] | None = None):
        super().__init__(root)
        self.cache = cache
        self.memo = memo if memo is not None else {}
        self.memo_used: list[tuple[str, set[tuple[str, str]]]] = []
        self.read = read
        self.fresh = fresh or set()        # files to read again even if unchanged
        self.reused: list[str] = []
        self.changed: list[str] = []
        self.declared: dict[str, set[tuple[Any, ...]]] = {}   # what each file read declares
        self._raw: dict[Path, bytes] = {}
        self._current: tuple[str, bytes, dict[str, Any], list[tuple[str, str, Any, Any]],
                             bool] | None = None
        self._pending_replay: list[Any] = []
        world = cache.get(str((root / WORLD_FILE).resolve()))
        self.world_same = world is not None and world.raw == self._bytes(root / WORLD_FILE)

    def display(self, path: Path) -> str:
        return str(path.resolve())

    def _bytes(self, path: Path) -> bytes | None:
        if path not in self._raw:
            try:
                self._raw[path] = self.read(path)
            except OSError:
                return None
        return self._raw[path]

    def read_bytes(self, path: Path) -> bytes:
        got = self._bytes(path)
        if got is None:
            return self.read(path)   # raises the OSError for the loader to report
        return got

    # ----------------------------------------------------------------- reading

    def read_file(self, path: Path, is_world: bool) -> list[Entry]:
        name = self.display(path)
        raw = self._bytes(path)
        unit = self.cache.get(name)
        if unit is not None and raw == unit.raw and self.world_same and name not in self.fresh \
                and self._fits(unit):
            self._replay(name, unit, is_world)
            self.reused.append(name)
            return []
        self.changed.append(name)
        mark = self._mark()
        scenes = super().read_file(path, is_world)
        entries = self._entries_since(mark)
        self._current = (name, raw or b"", mark, entries, is_world)
        return scenes

    def compile_early(self, entries: list[Entry]) -> None:
        if self._pending_replay and self.setup is not None:
            self.setup.ref.pending.extend(self._pending_replay)
            self._pending_replay = []
        pending_mark = len(self.setup.ref.pending) if self.setup is not None else 0
        if self._current is not None and self.setup is not None and entries:
            self._compile_memo(self._current[0], entries)
        else:
            super().compile_early(entries)
        if self._current is not None:
            self._record(*self._current, pending_mark)
            self._current = None

    def _compile_memo(self, name: str, entries: list[Entry]) -> None:
        """Compile a changed file's scenes, reusing those whose own text and position are as
        before (typing in one scene recompiles that scene)."""
        assert self.setup is not None
        text = self.col.sources.get(name, "")
        before = {} if name in self.fresh else self.memo.get(name, {})
        now: dict[Any, Memo] = {}
        pending = self.setup.ref.pending
        for e in entries:
            k = e.key.start_mark
            source = text[k.index:e.node.end_mark.index]
            key = (e.id, k.line, k.column, source)
            hit = before.get(key) if "lint:" not in source else None
            if hit is not None:
                self.early_scenes[e.id] = hit.scene
                pending.extend(hit.pending)
                e.let_go()
                self.memo_used.append((name, hit.deps))
                now[key] = hit
                continue
            mark = len(pending)
            super().compile_early([e])
            if e.id in self.early_scenes:
                scene = self.early_scenes[e.id]
                now[key] = Memo(scene, list(pending[mark:]), scene_deps(scene))
        self.memo[name] = now

    def _mark(self) -> dict[str, Any]:
        return {"problems": len(self.problems),
                "sections": {k: len(v) for k, v in self.col.sections.items()},
                "lint": set(self.suppressions)}

    def _entries_since(self, mark: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
        out = []
        for section, items in self.col.sections.items():
            for e in items[mark["sections"][section]:]:
                out.append((section, e.id, e.key, e.node))
        return out

    def _record(self, name: str, raw: bytes, mark: dict[str, Any],
                entries: list[tuple[str, str, Any, Any]], is_world: bool,
                pending_mark: int) -> None:
        self.declared[name] = self._declarations(entries)
        if len(self.problems) > mark["problems"]:
            self.cache.pop(name, None)   # files with mistakes are always read again
            return
        scenes = {i: self.early_scenes[i] for s, i, _, _ in entries
                  if s == "scenes" and i in self.early_scenes}
        kept = [(s, i, k, None if s == "scenes" and i in scenes else v)
                for s, i, k, v in entries]
        pending = list(self.setup.ref.pending[pending_mark:]) if self.setup else []
        unit = Unit(raw, self.col.sources.get(name, ""), kept, scenes, pending,
                    {k: v for k, v in self.suppressions.items() if k not in mark["lint"]})
        if is_world:
            unit.world, unit.world_fields = self.col.world, self.col.world_fields
        for sc in scenes.values():
            unit.deps |= scene_deps(sc)
        unit.decl = self._declarations(kept)
        self.cache[name] = unit

    def _declarations(self, entries: list[tuple[str, str, Any, Any]]) -> set[tuple[Any, ...]]:
        out: set[tuple[Any, ...]] = set()
        for section, ident, _, _ in entries:
            if section in SECTION_KINDS:
                out.add((SECTION_KINDS[section], ident))
            elif section in ("variables", "world_flags"):
                out.add(("name", ident, self.types[section].get(ident)))
        return out

    def _fits(self, unit: Unit) -> bool:
        """No id of the unit is declared already (a duplicate is reported by a fresh read)."""
        for section, ident, _, _ in unit.entries:
            kind = SECTION_KINDS.get(section)
            if kind is not None and ident in self.ids[kind]:
                return False
            if section in self.values and ident in self.values[section]:
                return False
        return True

    def _replay(self, name: str, unit: Unit, is_world: bool) -> None:
        self.col.files.append(name)
        self.col.sources[name] = unit.text
        if is_world:
            self.col.world, self.col.world_fields = unit.world, unit.world_fields
        for section, ident, key, node in unit.entries:
            entry = Entry(ident, key, node, name)
            self.col.sections[section].append(entry)
            self.declare(section, entry)
            if section == "scenes" and ident in unit.scenes:
                self.early_scenes[ident] = unit.scenes[ident]
        self.suppressions.update(unit.suppressions)
        if self.setup is not None:
            self.setup.ref.pending.extend(unit.pending)
        else:
            self._pending_replay.extend(unit.pending)


_KIND_OF = {**{f: k for f, (k, _) in REFERENCE_FUNCTIONS.items()}, **EFFECT_FUNCTIONS}


def scene_deps(scene: Scene) -> set[tuple[str, str]]:
    """Every declaration a compiled scene relies on: ids it names, names it reads or sets."""
    out: set[tuple[str, str]] = {("place", scene.place)}
    things: list[Any] = list(scene.text.holes) + list(scene.on_enter)
    for v in scene.variants:
        things += [v.cond, *v.text.holes]
    for ch in scene.choices:
        things += [*ch.label.holes, *ch.effects]
        if ch.cond is not None:
            things.append(ch.cond)
        for t in (ch.result, ch.told):
            if t is not None:
                things += t.holes
        if ch.go:
            out.add(("scene", ch.go))
    for rd in scene.redirects:
        things.append(rd.cond)
        out.add(("scene", rd.go))
    for t in (scene.told, scene.ending.epilogue if scene.ending else None,
              scene.ending.told if scene.ending else None):
        if t is not None:
            things += t.holes
    for th in things:
        out |= {("name", n) for n in th.reads}
        out |= {("name", n) for n in getattr(th, "writes", ())}
        out |= {(_KIND_OF.get(f, f), x) for f, x in th.calls}
    return out


@dataclass
class Loaded:
    """One load: the world (or None) and its problems, by absolute file name."""

    world: World | None
    problems: list[Problem]
    loader: IncrementalLoader
    reused: int
    read: int


def load(root: Path, cache: dict[str, Unit], read: Callable[[Path], bytes],
         memo: dict[str, dict[Any, Memo]] | None = None,
         declared: dict[str, set[tuple[Any, ...]]] | None = None) -> Loaded:
    """Load `root`, reusing `cache` (and `memo` for the scenes of changed files); a second pass
    reads again any reused file or scene that depended on a declaration the changed files
    removed or changed."""
    declared = declared if declared is not None else {}
    old = {name: set(u.decl) for name, u in cache.items()}
    old.update({n: d for n, d in declared.items() if n not in old})
    fresh: set[str] = set()
    for _ in range(2):
        ld = IncrementalLoader(root, cache, read, fresh, memo)
        try:
            world: World | None = ld.load()
            problems: list[Problem] = []
        except ScenarioError as e:
            world, problems = None, e.problems
        delta: set[tuple[str, str]] = set()
        for name in ld.changed:
            before = old.get(name, set())
            after = ld.declared.get(name, set())
            delta |= {(d[0], d[1]) for d in before ^ after}
        stale = {name for name in ld.reused if cache[name].deps & delta}
        stale |= {name for name, deps in ld.memo_used if deps & delta}
        if not stale:
            break
        fresh |= stale
    declared.update(ld.declared)
    return Loaded(world, problems, ld, len(ld.reused), len(ld.changed))
