"""What can be known about a scenario without playing it: reachability and time.

For each role, arrival times at each scene are bounded over the graph of time costs: choices
(`takes:`, their `after`/`before` windows), redirects (no time), waits, and events that carry
players elsewhere (`go:` at the event's time). `earliest` is a lower bound and `latest` an upper
bound of the clock when a player of that role can stand in a scene, so a warning built on them
("this window closes before anyone can arrive") is never a false alarm.

Conditions are evaluated over small sets of candidate states (`Domain`) to find choices that can
never be enabled and scenes where nothing may be possible (dead ends). Those two checks are
heuristics over an over-approximation of the reachable states, and say so in their wording.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import expr as ex
from ..engine.engine import where_is
from ..engine.limits import MAX_NUMBER, MAX_TEXT
from ..engine.model import Choice, Scene, Where, World
from ..scenario import Problem

MAX_COMBINATIONS = 20_000   # candidate states tried per scene before giving up on a check


# --------------------------------------------------------------------------- reachability


@dataclass
class RoleReach:
    """Bounds on when a player of one role can be in each scene it can reach."""

    role: str
    earliest: dict[str, int]
    latest: dict[str, int]
    late_only: set[str] = field(default_factory=set)   # targets entered only at the clock's end
    times_out: bool = False                            # the clock can run out for this role


def event_moves(world: World, role: str) -> list[tuple[str, int, str]]:
    """(target scene, time, event id) for every event case that may carry this role's player."""
    r = world.roles[role]
    out = []
    for ev in world.events:
        if not r.start_time <= ev.at < world.clock.end:
            continue
        for reach in ev.reaches:
            possible = reach.cond is None or not _only_role_false(reach.cond, role)
            if possible and reach.go:
                out.append((reach.go, ev.at, ev.id))
            if reach.cond is None or _role_truth_of(reach.cond, role) is True:
                break   # later cases never apply
    return out


def _only_role_false(cond: ex.Condition, role: str) -> bool:
    """True when `cond` is false for this role whatever else holds (e.g. `role == "x" and
    within(smolny)` for any role but x)."""
    return _role_truth_of(cond, role) is False


_ROLE_TRUTH: dict[tuple[str, str], bool | None] = {}


def _role_truth_of(cond: ex.Condition, role: str) -> bool | None:
    if "role" not in cond.reads:
        return None
    key = (cond.source, role)
    if key not in _ROLE_TRUTH:
        try:
            _ROLE_TRUTH[key] = _role_truth(ex.parse(cond.source), role)
        except ex.ExprError:
            _ROLE_TRUTH[key] = None
    return _ROLE_TRUTH[key]


def open_to(ch: Choice | Any, role: str) -> bool:
    """Whether a choice (or redirect) can ever apply to a player of `role`: `role == "x"` in
    its condition is a gate, so a keeper's exit is no way out for the smuggler."""
    return ch.cond is None or _role_truth_of(ch.cond, role) is not False


def role_moves(scene: Scene, role: str) -> tuple[list[Any], list[Choice], bool]:
    """(redirects, choices, can wait) of a scene as one role meets it: a redirect whose
    condition is true for the role whatever else holds always fires, so nothing after it
    (later redirects, choices, waiting) is ever offered to that role."""
    redirects = []
    for rd in scene.redirects:
        truth = _role_truth_of(rd.cond, role)
        if truth is False:
            continue
        redirects.append(rd)
        if truth is True:
            return redirects, [], False
    return redirects, [ch for ch in scene.choices if open_to(ch, role)], scene.wait is not None


def _role_truth(n: ex.Node, role: str) -> bool | None:
    """Three-valued truth of a condition knowing only the role: True, False or None (unknown)."""
    if n.kind == "and":
        a, b = _role_truth(n.args[0], role), _role_truth(n.args[1], role)
        return False if False in (a, b) else (True if a is True and b is True else None)
    if n.kind == "or":
        a, b = _role_truth(n.args[0], role), _role_truth(n.args[1], role)
        return True if True in (a, b) else (False if a is False and b is False else None)
    if n.kind == "not":
        a = _role_truth(n.args[0], role)
        return None if a is None else not a
    if n.kind == "lit" and isinstance(n.value, bool):
        return n.value
    if n.kind == "binary" and n.value in ("==", "!=") and len(n.args) == 2:
        left, right = n.args
        if right.kind == "name" and right.value == "role":
            left, right = right, left
        if left.kind == "name" and left.value == "role" and right.kind == "lit" \
                and isinstance(right.value, str):
            return (right.value == role) == (n.value == "==")
    return None


def reach_role(world: World, role: str, stop: Any = None) -> RoleReach:
    """Earliest and latest arrival times of one role at every scene it can reach (`stop`: a
    callable; Stopped is raised soon after it turns true)."""
    clock_end = world.clock.end
    r = world.roles[role]
    scenes = world.scenes
    out = RoleReach(role, {}, {})
    dist = out.earliest
    heap: list[tuple[int, str]] = [(r.start_time, r.start)]
    moves = event_moves(world, role)
    for target, at, _ in moves:
        heap.append((at, target))
    heapq.heapify(heap)
    edges: dict[str, list[tuple[str, int]]] = {}

    def relax(target: str, t: int, src: str, takes: int) -> None:
        if t >= clock_end and src != "":
            if scenes[target].ending is None:
                out.late_only.add(target)
                out.times_out = True
                target, t = r.time_out, clock_end
            else:
                t = clock_end
        edges.setdefault(src, []).append((target, takes))
        if t < dist.get(target, clock_end + 1):
            heapq.heappush(heap, (t, target))

    pops = 0
    while heap:
        pops += 1
        if stop is not None and not pops & 1023 and stop():
            raise Stopped()
        t, s = heapq.heappop(heap)
        if s in dist and dist[s] <= t:
            continue
        dist[s] = t
        scene = scenes[s]
        if scene.ending is not None:
            continue
        redirects, choices, can_wait = role_moves(scene, role)
        for rd in redirects:
            relax(rd.go, t, s, 0)
        if can_wait:
            relax(s, t + scene.wait, s, scene.wait)
        for ch in choices:
            dep = t if ch.after is None else max(t, ch.after)
            if ch.before is not None and dep >= ch.before:
                continue
            relax(ch.go or s, dep + ch.takes, s, ch.takes)
    out.late_only -= set(dist)
    _latest(world, out, edges, moves)
    return out


def _latest(world: World, out: RoleReach, edges: dict[str, list[tuple[str, int]]],
            moves: list[tuple[str, int, str]]) -> None:
    """Upper bounds on arrival times: any scene on a cycle that spends time may be held to the
    end; otherwise the latest of its arrivals, taken over the graph's components in order."""
    end = world.clock.end
    nodes = list(out.earliest)
    comp = _components(nodes, {s: [t for t, _ in edges.get(s, ()) if t in out.earliest]
                               for s in nodes})
    role = world.roles[out.role]
    latest = out.latest
    incoming: dict[str, int] = {role.start: role.start_time}
    for target, at, _ in moves:
        incoming[target] = max(incoming.get(target, at), at)
    # Tarjan yields components sinks first; walk them sources first.
    for members in reversed(comp):
        # Every edge inside a component lies on a cycle: one that spends time lets the player
        # stay in the component until the clock's end.
        inside = set(members)
        cyclic = any(t in inside and takes > 0 for m in members for t, takes in edges.get(m, ()))
        base = max((incoming.get(m, -1) for m in members), default=-1)
        value = end if cyclic else base
        for m in members:
            latest[m] = min(end, max(value, out.earliest[m]))
        for m in members:
            redirects, choices, _ = role_moves(world.scenes[m], out.role)
            for ch in choices:
                dep = latest[m] if ch.before is None else min(latest[m], ch.before - 1)
                if ch.after is not None and dep < ch.after:
                    continue
                target = ch.go or m
                incoming[target] = max(incoming.get(target, -1), min(end, dep + ch.takes))
            for rd in redirects:
                incoming[rd.go] = max(incoming.get(rd.go, -1), latest[m])
    for s in nodes:
        if world.scenes[s].ending is None and (latest[s] >= end or any(
                latest[s] + takes >= end for _, takes in edges.get(s, ()))):
            out.times_out = True
    if out.times_out:
        out.earliest.setdefault(role.time_out, end)
        out.latest[role.time_out] = end


def _components(nodes: list[str], succ: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (iterative Tarjan), sinks first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    members.append(w)
                    if w == v:
                        break
                out.append(members)
    return out


# --------------------------------------------------------------------------- uses of names


@dataclass
class Uses:
    """Which names, items, notes and scenes the scenario reads and changes, and where."""

    reads: dict[str, Where] = field(default_factory=dict)
    writes: dict[str, Where] = field(default_factory=dict)
    calls: dict[tuple[str, str], Where] = field(default_factory=dict)


def _conditions_of(world: World) -> Iterator[tuple[Any, Where]]:
    """Every compiled Condition and Effect in the scenario, with a place to point at."""
    for scene in world.scenes.values():
        w = scene.where
        yield from ((p, w) for p in scene.text.holes)
        for v in scene.variants:
            yield v.cond, v.where
            yield from ((p, v.where) for p in v.text.holes)
        for ch in scene.choices:
            yield from ((p, ch.where) for p in ch.label.holes)
            if ch.cond is not None:
                yield ch.cond, ch.where
            yield from ((e, ch.where) for e in ch.effects)
            if ch.result is not None:
                yield from ((p, ch.where) for p in ch.result.holes)
        for rd in scene.redirects:
            yield rd.cond, rd.where
        yield from ((e, w) for e in scene.on_enter)
        if scene.ending is not None:
            yield from ((p, scene.ending.where) for p in scene.ending.epilogue.holes)
    for ev in world.events:
        if ev.cond is not None:
            yield ev.cond, ev.where
        yield from ((e, ev.where) for e in ev.effects)
        for reach in ev.reaches:
            if reach.cond is not None:
                yield reach.cond, reach.where
            if reach.text is not None:
                yield from ((p, reach.where) for p in reach.text.holes)
            yield from ((e, reach.where) for e in reach.effects)
    for ch in world.characters.values():
        for stint in ch.schedule:
            if stint.cond is not None:
                yield stint.cond, ch.where


def uses(world: World, texts: list[tuple[Any, Where]] | None = None) -> Uses:
    """Collect reads, writes and reference calls across the whole scenario. With `texts`,
    also keep there what the text-value check needs (see `text_things`), from the same walk."""
    u = Uses()
    names = {n for store in (world.variables, world.world_flags)
             for n, v in store.items() if isinstance(v, str)} if texts is not None else set()
    for thing, where in _conditions_of(world):
        if texts is not None and text_thing(thing, names):
            texts.append((thing, where))
        for name in thing.reads:
            u.reads.setdefault(name, where)
        for call in thing.calls:
            u.calls.setdefault(call, where)
        for name in getattr(thing, "writes", ()):
            u.writes.setdefault(name, where)
    # A lesson's class vote sets its flag (and its seats flag) when the class has voted.
    for vote in (world.lesson.votes.values() if world.lesson else ()):
        for name in (vote.flag, vote.seats_flag):
            if name:
                u.writes.setdefault(name, vote.where)
    return u


def text_thing(thing: Any, text_names: set[str]) -> bool:
    """Whether the text-value check (checks/values.py) looks at an expression or effect: one
    that writes a text variable or flag, or holds a quoted text."""
    source = thing.source
    return '"' in source or "'" in source or \
        bool(text_names and getattr(thing, "writes", None) and thing.writes & text_names)


# --------------------------------------------------------------------------- candidate states


class FakeContext:
    """An evaluation context for compiled conditions, filled from a candidate state."""

    __slots__ = ("world", "time", "role", "scene", "place", "area", "vars", "flags", "items",
                 "notes", "visits", "fired", "rng")

    def __init__(self, world: World, scene: Scene):
        self.world = world
        self.scene = scene.id
        place = world.places.get(scene.place)
        self.place = scene.place
        self.area = place.area if place else None
        self.time = 0
        self.role = ""
        self.vars: dict[str, Any] = {}
        self.flags: dict[str, Any] = {}
        self.items: set[str] = set()
        self.notes: set[str] = set()
        self.visits: dict[str, int] = {}
        self.fired: set[str] = set()
        self.rng = 0

    def present(self, character: str) -> bool:
        return where_is(self.world, character, self.time, self) == self.place

    def random(self, lo: int, hi: int) -> int:
        return lo

    def own(self, store: str) -> Any:
        return getattr(self, store)

    def show(self, value: Any) -> str:
        return str(value)


_CONSTANTS: dict[tuple[str, Any], tuple[frozenset[int], frozenset[int], frozenset[str]]] = {}


def constants(source: str, world: World) -> tuple[frozenset[int], frozenset[int], frozenset[str]]:
    """Integer, time and text literals in an expression's source (parsed once per source and
    clock: the checks ask for the same conditions scene after scene)."""
    key = (source, world.clock)
    got = _CONSTANTS.get(key)
    if got is None:
        if len(_CONSTANTS) > 100_000:
            _CONSTANTS.clear()    # a long-lived language server sees many sources come and go
        ints, times, texts = _constants(source, world)
        got = _CONSTANTS[key] = (frozenset(ints), frozenset(times), frozenset(texts))
    return got


def _constants(source: str, world: World) -> tuple[set[int], set[int], set[str]]:
    ints: set[int] = set()
    times: set[int] = set()
    texts: set[str] = set()
    try:
        node = ex.parse(source)
    except ex.ExprError:
        return ints, times, texts
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == "lit":
            if isinstance(n.value, bool):
                pass
            elif isinstance(n.value, int):
                ints.add(n.value)
            elif isinstance(n.value, str):
                texts.add(n.value)
        elif n.kind == "time":
            t = world.clock.parse_time(n.value)
            if t is not None:
                times.add(t)
        stack.extend(n.args)
    return ints, times, texts


@dataclass
class Facts:
    """Whole-scenario facts the candidate states are built from."""

    written: set[str]
    given: set[str]
    learned: set[str]

    @classmethod
    def of(cls, world: World, u: Uses) -> Facts:
        return cls(set(u.writes), {x for (f, x) in u.calls if f == "give"},
                   {x for (f, x) in u.calls if f == "learn"})


def candidate_states(world: World, scene: Scene, conds: list[ex.Condition], facts: Facts,
                     roles: dict[str, tuple[int, int]], extra_times: Iterable[int] = (),
                     atoms: int = 0, describe: bool = True
                     ) -> Iterator[tuple[FakeContext, tuple[bool, ...], str]]:
    """Candidate states for evaluating `conds` in `scene`: (context, extra atoms, description).

    `roles` maps each role that reaches the scene to its (earliest, latest) arrival. Names
    nothing changes keep their starting values; the rest range over the literals the
    conditions compare them with, one either side, and their starting values. Without
    `describe` the description is "" (most checks only want to know whether one exists).
    """
    reads: set[str] = set()
    calls: set[tuple[str, str]] = set()
    ints: set[int] = set()
    extra_times = list(extra_times)
    times: set[int] = set(extra_times)
    texts: set[str] = set()
    for c in conds:
        reads |= c.reads
        calls |= c.calls
        i, t, s = constants(c.source, world)
        ints |= i
        times |= t
        texts |= s
    # `present(x)` is decided by x's schedule: its stints' times and conditions count too.
    for c in _schedule_conditions(world, calls):
        reads |= c.reads
        calls |= c.calls
        i, t, s = constants(c.source, world)
        ints |= i
        times |= t
        texts |= s
    times |= _schedule_times(world, calls)
    for role, (lo, hi) in roles.items():
        axes: list[tuple[str, Any, list[Any]]] = []
        if "time" in reads or any(f == "present" for f, _ in calls) or extra_times:
            points = {lo, hi}
            for t in times:
                points.update(x for x in (t - 1, t, t + 1) if lo <= x <= hi)
            axes.append(("time", None, sorted(points)))
        initial = dict(world.variables)
        initial.update(world.roles[role].variables)
        for name in sorted(reads - {"time", "role"}):
            store = "vars" if name in world.variables else "flags"
            start = initial[name] if store == "vars" else world.world_flags[name]
            if name not in facts.written:
                values = [start]
            elif isinstance(start, bool):
                values = [False, True]
            elif isinstance(start, int):
                values = sorted({start, *(x for c in ints for x in (c - 1, c, c + 1))})
            else:
                values = sorted({start, *texts})
            axes.append((store, name, values))
        for fn, arg in sorted(calls):
            if fn in ("at", "within", "present"):
                continue
            if fn == "has":
                values = [False, True] if arg in facts.given else [False]
            elif fn == "knows":
                values = [False, True] if arg in facts.learned else [False]
            elif fn == "visited":
                values = [True] if arg == scene.id else [False, True]
            elif fn == "visits":
                values = sorted({1, 2, *(x for c in ints for x in (c - 1, c, c + 1) if x >= 1)}) \
                    if arg == scene.id else sorted({0, 1, *(x for c in ints
                                                            for x in (c - 1, c, c + 1) if x >= 0)})
            else:   # fired
                values = [False, True]
            axes.append((fn, arg, values))
        axes.extend(("atom", i, [False, True]) for i in range(atoms))
        total = 1
        for _, _, values in axes:
            total *= len(values)
        if total > MAX_COMBINATIONS:
            raise TooMany(total)
        for combo in itertools.product(*(values for _, _, values in axes)):
            ctx = FakeContext(world, scene)
            ctx.role = role
            ctx.time = lo
            ctx.vars = dict(initial)
            ctx.flags = dict(world.world_flags)
            ctx.visits = {scene.id: 1}
            extra: list[bool] = []
            desc: list[str] = []
            for (kind, name, _), value in zip(axes, combo):
                if kind == "time":
                    ctx.time = value
                elif kind == "vars" or kind == "flags":
                    getattr(ctx, kind)[name] = value
                    if name in facts.written:
                        desc.append(f"{name} = {_show(value)}")
                elif kind == "atom":
                    extra.append(value)
                    continue
                elif kind == "has":
                    if value:
                        ctx.items.add(name)
                    desc.append(f"{'' if value else 'not '}has({name})")
                elif kind == "knows":
                    if value:
                        ctx.notes.add(name)
                    desc.append(f"{'' if value else 'not '}knows({name})")
                elif kind == "fired":
                    if value:
                        ctx.fired.add(name)
                    desc.append(f"{'' if value else 'not '}fired({name})")
                elif kind == "visited":
                    if value:
                        ctx.visits[name] = max(1, ctx.visits.get(name, 0))
                    else:
                        ctx.visits.pop(name, None)
                    if name != scene.id:
                        desc.append(f"{'' if value else 'not '}visited({name})")
                elif kind == "visits":
                    ctx.visits[name] = value
                    if not value:
                        ctx.visits.pop(name)
                    desc.append(f"visits({name}) = {value}")
            if not describe:
                yield ctx, tuple(extra), ""
                continue
            head = f"as {role} at {world.clock.hhmm(ctx.time)}"
            yield ctx, tuple(extra), head + (" with " + ", ".join(desc) if desc else "")


def _schedule_conditions(world: World, calls: set[tuple[str, str]]) -> list[ex.Condition]:
    out: list[ex.Condition] = []
    for fn, who in sorted(calls):
        if fn == "present" and who in world.characters:
            out += [st.cond for st in world.characters[who].schedule if st.cond is not None]
    return out


def _schedule_times(world: World, calls: set[tuple[str, str]]) -> set[int]:
    """The minutes where a present() called here can change: each stint's start and end."""
    out: set[int] = set()
    for fn, who in calls:
        if fn == "present" and who in world.characters:
            for st in world.characters[who].schedule:
                out.update((st.start, st.end))
    return out


class TooMany(Exception):
    """More candidate states than the check will try."""


class Stopped(Exception):
    """The analysis was asked to stop (the language server: the author typed again)."""


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def choice_open(ch: Choice, t: int) -> bool:
    return (ch.after is None or t >= ch.after) and (ch.before is None or t < ch.before)


# --------------------------------------------------------------------------- the checks


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


def _warn(where: Where, code: str, message: str, hint: str | None = None,
          length: int = 1) -> Problem:
    return Problem(where.file, where.line, where.col, message, hint, length, "warning", code)


def analyse(world: World, cache: dict[Any, Any] | None = None,
            stop: Any = None) -> Analysis:
    """Run every check; the warnings come back in file order.

    `cache` (kept by a caller that analyses again and again, the language server) remembers
    the per-scene results of the condition checks: a scene object that comes back unchanged,
    with the same arrival times and the same facts, is not tried again.
    """
    roles = {}
    for rid in world.roles:
        if stop is not None and stop():
            raise Stopped()
        roles[rid] = reach_role(world, rid, stop)
    if stop is not None and stop():
        raise Stopped()
    texts: list[tuple[Any, Where]] = []
    u = uses(world, texts)
    if stop is not None and stop():
        raise Stopped()
    a = Analysis(world, roles, u, [], stop=stop, texts=texts)
    a.cache_old = cache if cache is not None else {}
    a.cache_new = {}
    _check_reachability(a)
    _check_windows(a)
    _check_conditions(a)
    _check_names(a)
    _check_growth(a)
    from .checks import run_all
    run_all(a)
    a.problems.sort(key=lambda p: (p.file, p.line, p.col, p.code))
    if cache is not None:
        cache.clear()
        cache.update(a.cache_new)   # only what this world still holds
    return a


def _check_reachability(a: Analysis) -> None:
    world = a.world
    reachable = a.reachable
    late = set().union(*(r.late_only for r in a.roles.values())) - reachable if a.roles else set()
    hhmm = world.clock.hhmm
    preds = _predecessors(world)
    for sid, scene in world.scenes.items():
        if sid in reachable:
            continue
        n = len(sid)
        if sid in late:
            a.problems.append(_warn(scene.where, "after-clock-end",
                                    f"scene `{sid}` can only be reached after the clock's end "
                                    f"({hhmm(world.clock.end)}); players go to their time-out "
                                    "ending instead", "shorten the `takes:` on the way there, "
                                    "or open its way in earlier", n))
        elif scene.ending is not None:
            a.problems.append(_warn(scene.where, "ending-unreachable",
                                    f"ending `{sid}` can never be reached",
                                    _way_in_hint(preds, sid), n))
        else:
            a.problems.append(_warn(scene.where, "unreachable",
                                    f"scene `{sid}` cannot be reached from any role's start",
                                    _way_in_hint(preds, sid), n))
    for rid, rr in a.roles.items():
        if not any(world.scenes[s].ending is not None for s in rr.earliest):
            role = world.roles[rid]
            a.problems.append(_warn(role.where, "role-no-ending",
                                    f"role `{rid}` can reach no ending",
                                    "give its scenes a way to an ending, or `wait:` so the "
                                    "clock can run out", len(rid)))


def _predecessors(world: World) -> dict[str, list[str]]:
    preds: dict[str, list[str]] = {}
    for s in world.scenes.values():
        for target in dict.fromkeys([ch.go for ch in s.choices if ch.go]
                                    + [r.go for r in s.redirects]):
            preds.setdefault(target, []).append(s.id)
    return preds


def _way_in_hint(preds: dict[str, list[str]], sid: str) -> str:
    sources = preds.get(sid, [])
    if not sources:
        return f"nothing leads there: add a choice with `go: {sid}`"
    return "it is only reached from " + ", ".join(f"`{s}`" for s in sources[:4]) + \
        ", which cannot be reached either (or whose way there is closed by its time window)"


def _check_windows(a: Analysis) -> None:
    world = a.world
    hhmm = world.clock.hhmm
    for sid in sorted(a.reachable):
        scene = world.scenes[sid]
        if all(ch.before is None and ch.after is None for ch in scene.choices):
            continue            # no window to close
        spans = _scene_roles(a, sid)
        for ch in scene.choices:
            if ch.before is None and ch.after is None:
                continue
            # Only the roles the choice is open to (`role == "x"` is a gate).
            mine = [span for rid, span in spans.items() if open_to(ch, rid)]
            if not mine:
                continue
            early, late = min(lo for lo, _ in mine), max(hi for _, hi in mine)
            if ch.before is not None and ch.before <= early:
                a.problems.append(_warn(ch.where, "window-closed",
                                        f"choice `{ch.label.plain}` can never be taken: its window "
                                        f"closes at {hhmm(ch.before)}, but no player reaches "
                                        f"`{sid}` before {hhmm(early)}",
                                        "move `before:` later, or make the way there shorter"))
            elif ch.after is not None and ch.after > late:
                a.problems.append(_warn(ch.where, "window-never-open",
                                        f"choice `{ch.label.plain}` can never be taken: it opens "
                                        f"at {hhmm(ch.after)}, but no player is in `{sid}` after "
                                        f"{hhmm(late)}",
                                        "move `after:` earlier, or let players wait here "
                                        "(`wait:`)"))


def _scene_roles(a: Analysis, sid: str) -> dict[str, tuple[int, int]]:
    return {rid: (rr.earliest[sid], rr.latest[sid]) for rid, rr in a.roles.items()
            if sid in rr.earliest}


def _check_conditions(a: Analysis) -> None:
    """Choices whose condition never holds, and scenes where nothing may be possible."""
    world = a.world
    facts = a.facts
    facts_key = (frozenset(facts.written), frozenset(facts.given), frozenset(facts.learned))
    cyclic = _revisitable(a)
    for sid in sorted(a.reachable):
        scene = world.scenes[sid]
        if scene.ending is not None:
            continue
        a.tick()
        roles = _scene_roles(a, sid)
        key = (id(scene), tuple(sorted(roles.items())), sid in cyclic, facts_key)
        hit = a.cache_old.get(key)
        if hit is not None and hit[0] is scene:
            a.problems += hit[1]
            a.cache_new[key] = hit
            continue
        mark = len(a.problems)
        _scene_conditions(a, scene, roles, facts, sid in cyclic)
        a.cache_new[key] = (scene, a.problems[mark:])


def _scene_conditions(a: Analysis, scene: Scene, roles: dict[str, tuple[int, int]],
                      facts: Facts, revisitable: bool) -> None:
    world, sid = a.world, scene.id
    for ch in scene.choices:
        if ch.cond is None:
            continue
        mine = {rid: span for rid, span in roles.items() if open_to(ch, rid)}
        ever = ever_enabled(a, scene, ch, mine, windows=True)
        if ever is False:
            a.problems.append(_warn(ch.where, "never-enabled",
                                    f"choice `{ch.label.plain}` can never be enabled: "
                                    f"`{ch.cond.source}` is never true where and when "
                                    f"players are in `{sid}`",
                                    _never_hint(ch.cond, facts)))
    _check_dead_end(a, scene, roles, facts, revisitable)


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


def _never_hint(cond: ex.Condition, facts: Facts) -> str:
    missing = [f"`{x}`" for f, x in sorted(cond.calls) if f == "has" and x not in facts.given]
    if missing:
        return f"nothing gives {', '.join(missing)}: add `give(...)` to some `do:`"
    fixed = [f"`{n}`" for n in sorted(cond.reads - {"time", "role"}) if n not in facts.written]
    if fixed:
        return f"{', '.join(fixed)} never change{'s' if len(fixed) == 1 else ''}: " \
            "some `do:` should set it"
    return "check the condition against the scene's times"


def _revisitable(a: Analysis) -> set[str]:
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
    for comp in _components(nodes, succ):
        if len(comp) > 1 or comp[0] in succ.get(comp[0], ()):
            out.update(comp)
    return out


def _check_dead_end(a: Analysis, scene: Scene, roles: dict[str, tuple[int, int]], facts: Facts,
                    revisitable: bool) -> None:
    if scene.wait is not None:
        return   # time can always pass here, up to the clock's end and the time-out ending
    always = [ch for ch in scene.choices if ch.cond is None and not ch.once
              and ch.after is None and ch.before is None]
    if always:
        return
    world = a.world
    # A once-only choice may be gone when the player stands here again.
    maybe_gone = [ch for ch in scene.choices if ch.once and (revisitable or not ch.go
                                                             or ch.go == scene.id)]
    conds = [ch.cond for ch in scene.choices if ch.cond is not None] + \
        [r.cond for r in scene.redirects]
    times = [t for ch in scene.choices for t in (ch.after, ch.before) if t is not None]
    try:
        for ctx, gone, desc in candidate_states(world, scene, conds, facts, roles, times,
                                                atoms=len(maybe_gone)):
            used = {ch.key for ch, g in zip(maybe_gone, gone) if g}
            if any(r.cond.fn(ctx) for r in scene.redirects):
                continue
            if any(ch.key not in used and choice_open(ch, ctx.time)
                   and (ch.cond is None or ch.cond.fn(ctx)) for ch in scene.choices):
                continue
            if used:
                desc += " after taking " + ", ".join(f"`{ch.label.plain}`" for ch in maybe_gone
                                                      if ch.key in used)
            a.problems.append(_warn(scene.where, "dead-end",
                                    f"scene `{scene.id}` may be a dead end: no choice is "
                                    f"enabled {desc}",
                                    "add a choice with no conditions, or `wait:`, so the "
                                    "player is never stuck", len(scene.id)))
            return
    except TooMany:
        return
    except Exception:
        return


def _check_names(a: Analysis) -> None:
    world = a.world
    u = a.uses
    sites = declaration_sites(world)
    overridden = {n for r in world.roles.values() for n in r.variables}
    shown = {st.var for stats in world.stats.values() for st in stats}   # the `stats` screen
    for kind, names in (("variable", world.variables), ("world flag", world.world_flags)):
        for name in names:
            where = sites.get(name, _world_where(world))
            read, written = name in u.reads or name in shown, name in u.writes
            if written and not read:
                a.problems.append(_warn(where, "never-read",
                                        f"{kind} `{name}` is set but never read",
                                        "use it in an `if:` or a `{...}` in text, or remove it",
                                        len(name)))
            elif read and not written and name not in overridden:
                a.problems.append(_warn(where, "never-written",
                                        f"{kind} `{name}` is read but never changed: it is "
                                        f"always {_show(names[name])}",
                                        "change it in some `do:`, or use its value directly",
                                        len(name)))
            elif not read and not written:
                a.problems.append(_warn(where, "unused",
                                        f"{kind} `{name}` is never used", "remove it",
                                        len(name)))
    given = {x for (f, x) in u.calls if f == "give"}
    used = {x for (f, x) in u.calls if f in ("has", "take")}
    for iid, item in world.items.items():
        if iid in given and iid not in used:
            a.problems.append(_warn(item.where, "item-never-used",
                                    f"item `{iid}` is given but never used",
                                    f"check for it with `has({iid})` somewhere, or remove it",
                                    len(iid)))
        elif iid in used and iid not in given:
            a.problems.append(_warn(item.where, "item-never-given",
                                    f"item `{iid}` is checked for but never given",
                                    f"add `give({iid})` to some `do:`", len(iid)))


_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=(?!=))(.*)$", re.DOTALL)


_DOUBLING: dict[str, str | None] = {}


def _doubling(source: str) -> str | None:
    """The variable an effect at least doubles every time it runs (`s = s + s`,
    `big = big * big`, `x += x`, `x = x * 3`), or None when it cannot be sure."""
    if source not in _DOUBLING:
        if len(_DOUBLING) > 100_000:
            _DOUBLING.clear()
        _DOUBLING[source] = _doubles(source)
    return _DOUBLING[source]


def _doubles(source: str) -> str | None:
    m = _ASSIGN.match(source)
    if m is None:
        return None
    name, op, rhs = m.groups()
    try:
        node = ex.parse(rhs)
    except ex.ExprError:
        return None
    uses, ops, factors = 0, set(), []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == "name" and n.value == name:
            uses += 1
        elif n.kind == "binary":
            ops.add(n.value)
            if n.value == "*":
                factors += [a.value for a in n.args if a.kind == "lit"
                            and isinstance(a.value, int) and not isinstance(a.value, bool)]
        elif n.kind in ("call", "unary", "not"):
            return None   # min(), random(), -x ...: no telling
        stack.extend(n.args)
    if ops - {"+", "*"}:
        return None
    if op == "+=" and uses >= 1:
        return name
    if op == "=" and (uses >= 2 or (uses == 1 and any(abs(f) >= 2 for f in factors))):
        return name
    return None


def _check_growth(a: Analysis) -> None:
    """Effects that at least double a value each time a choice can be taken again: the
    value passes its bound after a few dozen turns, and the turn is then refused."""
    world = a.world
    again = _revisitable(a)
    for sid, scene in world.scenes.items():
        if sid not in a.reachable:
            continue
        runs: list[tuple[Any, Where, Any]] = []   # (effect, where, choice or None: on_enter)
        for ch in scene.choices:
            if not ch.once and (ch.go is None or sid in again):
                runs += [(eff, ch.where, ch) for eff in ch.effects]
        if sid in again:
            runs += [(eff, scene.where, None) for eff in scene.on_enter]
        for eff, where, ch in runs:
            name = _doubling(eff.source)
            if name is None:
                continue
            what = f"choice “{ch.label.plain}”" if ch is not None else \
                f"`on_enter:` of scene `{sid}`"
            value = world.variables.get(name, world.world_flags.get(name))
            bound = f"{MAX_TEXT:,} characters" if isinstance(value, str) else f"±{MAX_NUMBER:,}"
            a.problems.append(_warn(
                where, "grows-without-bound",
                f"`{eff.source.strip()}` can double `{name}` or more each time, and {what} can "
                f"be taken again and again: within a few dozen turns `{name}` passes {bound}, "
                "the most it may hold, and the turn is refused",
                "give the choice `once: true`, or let it add rather than multiply"))


def _world_where(world: World) -> Where:
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
