"""What every check family shares: the `Analysis` (the world, the per-role bounds, the warnings
found so far), how a warning is made (`warn`), and the questions several checks ask."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine import Choice, Scene, Where, World
from ...scenario import Problem
from .arrival import RoleReach, Stopped, components
from .states import Facts, TooMany, Uses, candidate_states, choice_open

__all__ = ['Analysis', 'declaration_sites', 'ever_enabled', 'revisitable_scenes', 'scene_roles', 'warn', 'world_where']


@dataclass
class Analysis:
    """The results of analysing a scenario: per-role bounds and the warnings found."""

    world: World
    roles: dict[str, RoleReach]
    uses: Uses
    problems: list[Problem]
    _facts: Facts | None = None
    cache_old: dict[Any, Any] = field(default_factory=dict)
    cache_new: dict[Any, Any] = field(default_factory=dict)
    stop: Any = None                 # a callable: True when the caller no longer wants this
    _ticks: int = 0
    _reachable: set[str] | None = None
    _revisitable: set[str] | None = None
    verdicts: dict[Any, bool | None] = field(default_factory=dict)   # see ever_enabled
    # The conditions and effects the text-value check looks at (see `text_thing`), kept from
    # the one walk over them all (keeping all of them was 60 MB for 100,000 scenes).
    texts: list[tuple[Any, Where]] = field(default_factory=list)

    def tick(self) -> None:
        """Called in the checks' loops: raise Stopped when the caller has asked to stop."""
        self._ticks += 1
        if self.stop is not None and not self._ticks & 63 and self.stop():
            raise Stopped()

    @property
    def facts(self) -> Facts:
        if self._facts is None:
            self._facts = Facts.of(self.world, self.uses)
        return self._facts

    @property
    def reachable(self) -> set[str]:
        """The scenes some role can reach (worked out once: every check asks, scene by scene)."""
        if self._reachable is None:
            self._reachable = set().union(*(r.earliest for r in self.roles.values())) \
                if self.roles else set()
        return self._reachable

    def earliest(self, scene: str) -> int | None:
        ts = [r.earliest[scene] for r in self.roles.values() if scene in r.earliest]
        return min(ts) if ts else None

    def latest(self, scene: str) -> int | None:
        ts = [r.latest[scene] for r in self.roles.values() if scene in r.latest]
        return max(ts) if ts else None


def warn(where: Where, code: str, message: str, hint: str | None = None,
          length: int = 1) -> Problem:
    return Problem(where.file, where.line, where.col, message, hint, length, "warning", code)


def scene_roles(a: Analysis, sid: str) -> dict[str, tuple[int, int]]:
    return {rid: (rr.earliest[sid], rr.latest[sid]) for rid, rr in a.roles.items()
            if sid in rr.earliest}


def ever_enabled(a: Analysis, scene: Scene, ch: Choice, roles: dict[str, tuple[int, int]],
                 windows: bool) -> bool | None:
    """Whether a choice's condition holds in some candidate state of `scene` for `roles`
    (with `windows`: while the choice is open too); None when there are too many states or
    one cannot be evaluated.

    A condition that reads no time and calls nothing (`resolve > 2`) has the same candidate
    states in every scene, so its answer is kept: a big scenario asks it thousands of times.
    """
    cond = ch.cond
    assert cond is not None
    times = tuple(t for t in (ch.after, ch.before) if t is not None)
    key: tuple[Any, ...] | None = None
    if not cond.calls and "time" not in cond.reads:
        key = (cond.source, windows, times,
               tuple(sorted(roles.items())) if times else tuple(sorted(roles)))
        if key in a.verdicts:
            return a.verdicts[key]
    try:
        ever: bool | None = any((not windows or choice_open(ch, ctx.time)) and cond.fn(ctx)
                                for ctx, _, _ in candidate_states(
                                    a.world, scene, [cond], a.facts, roles, list(times),
                                    describe=False))
    except TooMany:
        ever = None
    except Exception:   # an evaluation the fake state cannot answer: say nothing
        ever = None
    if key is not None:
        a.verdicts[key] = ever
    return ever


def revisitable_scenes(a: Analysis) -> set[str]:
    """Scenes a player can stand in twice (on a cycle of the scene graph); worked out once."""
    if a._revisitable is None:
        a._revisitable = _cyclic_scenes(a)
    return a._revisitable


def _cyclic_scenes(a: Analysis) -> set[str]:
    world = a.world
    nodes = sorted(a.reachable)
    succ = {s: [ch.go or s for ch in world.scenes[s].choices]
            + [r.go for r in world.scenes[s].redirects] for s in nodes}
    out = set()
    for comp in components(nodes, succ):
        if len(comp) > 1 or comp[0] in succ.get(comp[0], ()):
            out.update(comp)
    return out


def world_where(world: World) -> Where:
    return Where(world.files[0] if world.files else "world.yaml", 1, 1)


_SECTION_RE = re.compile(r"^(variables|world_flags)\s*:\s*(\{.*)?$")


_TOP_RE = re.compile(r"^[A-Za-z_]")


def declaration_sites(world: World) -> dict[str, Where]:
    """Where each variable and world flag is declared (found by reading the files' lines)."""
    out: dict[str, Where] = {}
    names = set(world.variables) | set(world.world_flags)
    for file in world.files:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        section = False
        for n, line in enumerate(lines, 1):
            if _TOP_RE.match(line):
                m = _SECTION_RE.match(line.split("#")[0].rstrip())
                section = bool(m)
                if not m:
                    continue
            if not section:
                continue
            for name in names - set(out):
                m2 = re.search(rf"(?<![\w.]){re.escape(name)}\s*:", line.split("#")[0])
                if m2:
                    out[name] = Where(file, n, m2.start() + 1)
    return out
