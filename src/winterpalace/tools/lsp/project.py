"""A scenario folder as the language server sees it: files (an editor's unsaved text first),
the last load, its diagnostics by file, and what completion and navigation need."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine import World
from ...scenario import WORLD_FILE, Problem, read_bounded
from .. import analysis, suppress
from . import incremental
from .features import Index

_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")


def find_root(path: Path) -> Path | None:
    """The scenario folder holding `path`: the nearest folder above it with a world.yaml."""
    for folder in [path, *path.parents] if path.is_dir() else path.parents:
        if (folder / WORLD_FILE).is_file():
            return folder
    return None


@dataclass
class Report:
    """Diagnostics of one refresh, by absolute file name."""

    by_file: dict[str, list[Problem]]
    loaded: bool
    seconds: float
    reused: int = 0
    read: int = 0


@dataclass
class Project:
    root: Path
    overlays: dict[str, str] = field(default_factory=dict)   # absolute path -> editor text
    cache: dict[str, incremental.Unit] = field(default_factory=dict)
    memo: dict[str, dict[Any, incremental.Memo]] = field(default_factory=dict)
    declared: dict[str, set[Any]] = field(default_factory=dict)
    analysis_cache: dict[Any, Any] = field(default_factory=dict)
    world: World | None = None
    _index: Index | None = None
    _loaded: Any = None
    load_problems: list[Problem] = field(default_factory=list)
    warnings: dict[str, list[Problem]] = field(default_factory=dict)

    def read(self, path: Path, overlays: dict[str, str] | None = None) -> bytes:
        text = (overlays if overlays is not None else self.overlays).get(str(path.resolve()))
        return text.encode("utf-8") if text is not None else read_bounded(path)

    def load(self, overlays: dict[str, str] | None = None) -> Report:
        """Load again (reusing unchanged files); the load's problems by file."""
        t0 = time.perf_counter()
        snapshot = dict(self.overlays if overlays is None else overlays)
        got = incremental.load(self.root, self.cache, lambda p: self.read(p, snapshot),
                               self.memo, self.declared)
        self._loaded, self._index = got, None   # the index is built when first asked for
        self.load_problems = got.problems
        if got.world is not None:
            self.world = got.world
        by_file: dict[str, list[Problem]] = {}
        for p in got.problems:
            by_file.setdefault(_absolute(self.root, p.file), []).append(p)
        return Report(by_file, got.world is not None, time.perf_counter() - t0, got.reused,
                      got.read)

    def analyse(self, stop: Any = None) -> Report:
        """`check`'s warnings on the last world that loaded, by file (`analysis.Stopped` when
        `stop()` turns true on the way)."""
        t0 = time.perf_counter()
        by_file: dict[str, list[Problem]] = {}
        world = self.world
        if world is not None:
            a = analysis.analyse(world, cache=self.analysis_cache, stop=stop)
            for p in suppress.apply(world, a.problems).problems:
                by_file.setdefault(_absolute(self.root, p.file), []).append(p)
        self.warnings = by_file
        return Report(by_file, True, time.perf_counter() - t0)

    @property
    def index(self) -> Index:
        """What the last load declared, with where (for completion, definition, hover)."""
        if self._index is None:
            self._index = Index.of(self._loaded.loader, self._loaded.world or self.world) \
                if self._loaded is not None else Index()
        return self._index

    def files(self) -> list[str]:
        return [str(p.resolve()) for p in sorted(self.root.rglob("*.y*ml"))
                if p.suffix in (".yaml", ".yml")]


def _absolute(root: Path, file: str) -> str:
    p = Path(file)
    return str(p if p.is_absolute() else (Path.cwd() / p).resolve())


def quick_fix(problem_hint: str | None) -> str | None:
    """The replacement a "did you mean" hint offers, if any."""
    if not problem_hint:
        return None
    m = _DID_YOU_MEAN.search(problem_hint)
    return m.group(1) if m else None
