"""Candidate states: what conditions are evaluated over to find choices that can never be
enabled and scenes where nothing may be possible. An over-approximation of the reachable states,
built from the values the scenario's expressions use (`uses`) and the facts about them."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...engine import Choice, Condition, ExprError, Scene, Where, World, parse_expr, where_is
from ...errors import WinterPalaceError

__all__ = ['Facts', 'FakeContext', 'MAX_COMBINATIONS', 'TooMany', 'Uses', 'candidate_states', 'choice_open', 'conditions_of', 'constants', 'show_value', 'text_thing', 'uses']


MAX_COMBINATIONS = 20_000   # candidate states tried per scene before giving up on a check


@dataclass
class Uses:
    """Which names, items, notes and scenes the scenario reads and changes, and where."""

    reads: dict[str, Where] = field(default_factory=dict)
    writes: dict[str, Where] = field(default_factory=dict)
    calls: dict[tuple[str, str], Where] = field(default_factory=dict)


def conditions_of(world: World) -> Iterator[tuple[Any, Where]]:
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
    for character in world.characters.values():
        for stint in character.schedule:
            if stint.cond is not None:
                yield stint.cond, character.where


def uses(world: World, texts: list[tuple[Any, Where]] | None = None) -> Uses:
    """Collect reads, writes and reference calls across the whole scenario. With `texts`,
    also keep there what the text-value check needs (see `text_things`), from the same walk."""
    u = Uses()
    names = {n for store in (world.variables, world.world_flags)
             for n, v in store.items() if isinstance(v, str)} if texts is not None else set()
    for thing, where in conditions_of(world):
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
        # Typed as the engine's Context types them: sets while states are made, lists where
        # effects run on them (they append, as to a player's).
        self.items: Any = set()
        self.notes: Any = set()
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
        node = parse_expr(source)
    except ExprError:
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


def candidate_states(world: World, scene: Scene, conds: list[Condition], facts: Facts,
                     roles: dict[str, tuple[int, int]], extra_times: Iterable[int] = (),
                     atoms: int = 0, describe: bool = True
                     ) -> Iterator[tuple[FakeContext, tuple[bool, ...], str]]:
    """Candidate states for evaluating `conds` in `scene`: (context, extra atoms, description).

    `roles` maps each role that reaches the scene to its (earliest, latest) arrival. Names
    nothing changes keep their starting values; the rest range over the literals the
    conditions compare them with, one either side, and their starting values. Without
    `describe` the description is "" (most checks only want to know whether one exists).
    """
    extra_times = list(extra_times)
    used = _Used.of(world, conds, extra_times)
    for role, (lo, hi) in roles.items():
        initial = dict(world.variables)
        initial.update(world.roles[role].variables)
        axes = _axes(world, scene, used, facts, initial, lo, hi, bool(extra_times), atoms)
        total = 1
        for _, _, values in axes:
            total *= len(values)
        if total > MAX_COMBINATIONS:
            raise TooMany(total)
        yield from _states(world, scene, role, lo, initial, facts, axes, describe)


@dataclass
class _Used:
    """What a set of conditions reads and calls, and the constants they compare with."""

    reads: set[str] = field(default_factory=set)
    calls: set[tuple[str, str]] = field(default_factory=set)
    ints: set[int] = field(default_factory=set)
    times: set[int] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, world: World, conds: list[Condition], extra_times: list[int]) -> _Used:
        used = cls(times=set(extra_times))
        for c in conds:
            used.add(c, world)
        # `present(x)` is decided by x's schedule: its stints' times and conditions count too.
        for c in _schedule_conditions(world, used.calls):
            used.add(c, world)
        used.times |= _schedule_times(world, used.calls)
        return used

    def add(self, c: Condition, world: World) -> None:
        self.reads |= c.reads
        self.calls |= c.calls
        c_ints, c_times, c_texts = constants(c.source, world)
        self.ints |= c_ints
        self.times |= c_times
        self.texts |= c_texts


def _axes(world: World, scene: Scene, used: _Used, facts: Facts, initial: dict[str, Any],
          lo: int, hi: int, extra_times: bool, atoms: int) -> list[tuple[str, Any, list[Any]]]:
    """The values each thing the conditions look at ranges over, for one role's arrival."""
    reads, calls, ints = used.reads, used.calls, used.ints
    axes: list[tuple[str, Any, list[Any]]] = []
    if "time" in reads or any(f == "present" for f, _ in calls) or extra_times:
        points = {lo, hi}
        for t in used.times:
            points.update(x for x in (t - 1, t, t + 1) if lo <= x <= hi)
        axes.append(("time", None, sorted(points)))
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
            values = sorted({start, *used.texts})
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
    return axes


def _states(world: World, scene: Scene, role: str, lo: int, initial: dict[str, Any],
            facts: Facts, axes: list[tuple[str, Any, list[Any]]], describe: bool
            ) -> Iterator[tuple[FakeContext, tuple[bool, ...], str]]:
    """Every combination of the axes' values, as a context for one role (one loop: this is
    the analysis' innermost)."""
    for combo in itertools.product(*(values for _, _, values in axes)):
        ctx = FakeContext(world, scene)
        ctx.role = role
        ctx.time = lo
        ctx.vars = dict(initial)
        ctx.flags = dict(world.world_flags)
        ctx.visits = {scene.id: 1}
        extra: list[bool] = []
        desc: list[str] = []
        for (kind, name, _), value in zip(axes, combo, strict=False):
            if kind == "time":
                ctx.time = value
            elif kind == "vars" or kind == "flags":
                getattr(ctx, kind)[name] = value
                if name in facts.written:
                    desc.append(f"{name} = {show_value(value)}")
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


def _schedule_conditions(world: World, calls: set[tuple[str, str]]) -> list[Condition]:
    out: list[Condition] = []
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


class TooMany(WinterPalaceError):
    """More candidate states than the check will try."""


def show_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def choice_open(ch: Choice, t: int) -> bool:
    return (ch.after is None or t >= ch.after) and (ch.before is None or t < ch.before)
