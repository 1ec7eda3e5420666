"""Other players, simulated: what the rest of a class may do to the night one player sees.

A single-player night follows history wherever this player does not act. In a shared night
other roles' players, and the class's votes, change world flags this player reads: a sailor
lets the Duma march through, the Congress votes Martov's motion down. Random play of one role
never sees those scenes. `plan` finds, for each role, the world flags it never writes itself
but that other roles' scenes (their choices, `on_enter:`, the narration of events that reach
them) or the lesson's class votes write, with

- the values those writers give (the literal right-hand sides of their effects; `true`/`false`
  for a true/false flag set from an expression; a vote's `carried`/`lost` value, and its seats
  flag with the seats of 1917 or 0),
- when they can give them: from the earliest time the writer can stand in the writing scene
  (the analysis' arrival bounds, and the choice's `after:`) until the latest (`before:`); a vote
  is counted at its `hold:` time,
- and the writing choice's condition, when it reads only the world (flags, time, events), so
  that e.g. a sailor can only let the march through while it is marching.

`draw` picks, for one playthrough, per flag either nothing (history) or one of those writes,
from its own seeded generator. `Pending` applies them during play: at the first moment the
player's clock has reached a write's start and its condition holds on the shared world.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from ..engine import Condition, Effect, ExprError, World, WorldState, parse_expr
from .analysis import RoleReach, only_role_false, open_to, reach_role

_ASSIGN_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$", re.S)
_WORLD_CALLS = {"fired"}


@dataclass(frozen=True)
class Write:
    """One thing another player (or the class) can do to a world flag."""

    flag: str
    value: Any
    start: int                     # the earliest minute it can happen
    end: int                       # the latest minute the writer can still do it
    by: str                        # who and where, for people: `sailor in sailor_canal`
    cond: Condition | None = None   # the writer's condition, when it reads only the world
    role: str = ""                 # the writer's role (what `role` reads in `cond`)
    also: tuple[tuple[str, Any], ...] = ()   # flags set at the same moment (a vote's seats)

    def changes(self) -> tuple[tuple[str, Any], ...]:
        return ((self.flag, self.value),) + self.also

    def describe(self, world: World) -> str:
        sets = ", ".join(f"{k} = {shown(v)}" for k, v in self.changes())
        return f"{sets} ({self.by}, from {world.clock.hhmm(self.start)})"


@dataclass(frozen=True)
class Plan:
    """What other players may do to one role's night: flag -> the writes they can make."""

    role: str
    flags: dict[str, tuple[Write, ...]] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()   # writes whose value cannot be known without playing

    def writers(self, flag: str) -> list[str]:
        return sorted({w.by.split(" ")[0] if not w.by.startswith("class") else "class vote"
                       for w in self.flags.get(flag, ())})

    def to_dict(self) -> dict[str, Any]:
        return {f: sorted({shown(w.value) for w in ws}) for f, ws in self.flags.items()}


def plan(world: World, reach: dict[str, RoleReach] | None = None) -> dict[str, Plan]:
    """For every role: the world flags other players may change, and how."""
    if reach is None:
        reach = {rid: reach_role(world, rid) for rid in world.roles}
    by_role: dict[str, list[Write]] = {rid: [] for rid in world.roles}
    skipped: dict[str, list[str]] = {rid: [] for rid in world.roles}
    end = world.clock.end
    for rid, rr in reach.items():
        for sid in rr.earliest:
            scene = world.scenes[sid]
            lo, hi = rr.earliest[sid], rr.latest.get(sid, end)
            for ch in scene.choices:
                if not open_to(ch, rid):
                    continue   # `role == "x"`: a gate, not something this role can do
                start = lo if ch.after is None else max(lo, ch.after)
                stop = hi if ch.before is None else min(hi, ch.before - 1)
                if start > stop:
                    continue
                cond = ch.cond if _world_only(world, ch.cond) else None
                where = f"{rid} in {sid}, `{ch.label.plain}`"
                for eff in ch.effects:
                    _writes(world, eff, start, stop, where, cond, rid, by_role[rid],
                            skipped[rid])
            for eff in scene.on_enter:
                _writes(world, eff, lo, hi, f"{rid} entering {sid}", None, rid, by_role[rid],
                        skipped[rid])
        for ev in world.events:
            if not world.roles[rid].start_time <= ev.at <= end:
                continue
            for r in ev.reaches:
                if r.cond is not None and only_role_false(r.cond, rid):
                    continue
                cond = r.cond if _world_only(world, r.cond) else None
                for eff in r.effects:
                    _writes(world, eff, ev.at, ev.at, f"{rid} reached by {ev.id}", cond, rid,
                            by_role[rid], skipped[rid])
    votes = _vote_writes(world)
    out: dict[str, Plan] = {}
    for rid in world.roles:
        own = {w.flag for w in by_role[rid]}
        flags: dict[str, list[Write]] = {}
        for other, writes in by_role.items():
            if other == rid:
                continue
            for w in writes:
                if w.flag not in own:
                    flags.setdefault(w.flag, []).append(w)
        for w in votes:
            if w.flag not in own:
                flags.setdefault(w.flag, []).append(w)
        notes = sorted({s for other in world.roles if other != rid for s in skipped[other]})
        out[rid] = Plan(rid, {f: tuple(flags[f]) for f in sorted(flags)}, tuple(notes))
    return out


def _writes(world: World, eff: Effect, start: int, end: int, by: str,
            cond: Condition | None, role: str, out: list[Write], skipped: list[str]) -> None:
    if not eff.world:
        return
    m = _ASSIGN_RE.match(eff.source)
    if not m:
        skipped.append(f"`{eff.source}` ({by})")
        return
    flag, rhs = m.group(1), m.group(2)
    values = _literal(world, flag, rhs)
    if values is None:
        skipped.append(f"`{eff.source}` ({by})")
        return
    out.extend(Write(flag, v, start, end, by, cond, role) for v in values)


def _literal(world: World, flag: str, rhs: str) -> list[Any] | None:
    """The value an assignment gives, when it can be known without playing."""
    try:
        node = parse_expr(rhs)
    except ExprError:
        return None
    if node.kind == "lit":
        return [node.value]
    if node.kind == "time":
        t = world.clock.parse_time(node.value)
        return None if t is None else [t]
    if isinstance(world.world_flags.get(flag), bool):
        return [True, False]
    return None


def _vote_writes(world: World) -> list[Write]:
    """A class vote sets its flag to `carried` or `lost` when counted, at its hold time."""
    if world.lesson is None:
        return []
    from ..engine import historical
    out = []
    for v in world.lesson.votes.values():
        hist = historical(world, v)
        for carried in (True, False):
            value = v.carried if carried else v.lost
            also: tuple[tuple[str, Any], ...] = ()
            if v.seats_flag:
                seats = hist.seats_of(v.yes) if hist.carried == carried else \
                    (_smallest_carrying(world, v) if carried else 0)
                also = ((v.seats_flag, seats),)
            out.append(Write(v.flag, value, v.hold, world.clock.end, f"class vote `{v.id}`",
                             None, v.role, also))
    return out


def _smallest_carrying(world: World, v: Any) -> int:
    lesson = world.lesson
    seats = sorted(f.seats for f in lesson.factions.values() if f.role == v.role) if lesson \
        else []
    if v.rule == "any":
        return seats[0] if seats else 1
    return sum(seats) // 2 + 1 if seats else 1


def _world_only(world: World, cond: Condition | None) -> bool:
    """Whether a condition reads nothing but the shared world (flags, time, events, role)."""
    if cond is None:
        return False
    names = set(world.world_flags) | {"time", "role"}
    return cond.reads <= names and all(f in _WORLD_CALLS for f, _ in cond.calls)


def shown(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return f'"{v}"' if isinstance(v, str) else str(v)


# --------------------------------------------------------------------------- one playthrough


def draw(p: Plan, seed: int) -> list[Write]:
    """For one playthrough: per flag, nothing (history) or one write, chosen with `seed`."""
    if not p.flags:
        return []
    rng = random.Random(seed ^ 0x07E5)
    out = []
    for _flag, writes in p.flags.items():
        values: dict[tuple[Any, ...], list[Write]] = {}
        for w in writes:
            values.setdefault(w.changes(), []).append(w)
        k = rng.randrange(len(values) + 1)
        if k == len(values):
            continue   # this flag follows history
        group = list(values.values())[k]
        out.append(group[rng.randrange(len(group))] if len(group) > 1 else group[0])
    out.sort(key=lambda w: w.start)
    return out


class _WorldView:
    """What a writer's world-only condition sees."""

    __slots__ = ("world", "time", "flags", "fired", "role")

    def __init__(self, world: World, time: int, flags: dict[str, Any], fired: frozenset[str],
                 role: str):
        self.world, self.time, self.flags, self.fired, self.role = \
            world, time, flags, fired, role

    def random(self, lo: int, hi: int) -> int:
        return lo


class Pending:
    """Writes still to come in one playthrough; `due` applies the ones whose time has come."""

    __slots__ = ("world", "writes", "next_at")

    def __init__(self, world: World, writes: list[Write]):
        self.world = world
        self.writes = writes
        self.next_at = writes[0].start if writes else None

    def due(self, ws: WorldState, now: int) -> tuple[WorldState, list[Write]]:
        """The world with every write whose time has come applied, and those writes."""
        applied: list[Write] = []
        keep: list[Write] = []
        flags = None
        for w in self.writes:
            if w.start > now:
                keep.append(w)
                continue
            if w.cond is not None:
                view = _WorldView(self.world, now, ws.flags if flags is None else flags,
                                  ws.fired_ids(), w.role)
                if not w.cond.fn(view):
                    if now <= w.end:
                        keep.append(w)   # the writer may still get the chance
                    continue
            if flags is None:
                flags = dict(ws.flags)
            flags.update(w.changes())
            applied.append(w)
        self.writes = keep
        self.next_at = min((w.start for w in keep), default=None) if keep else None
        if flags is None:
            return ws, applied
        return ws.with_flags(flags), applied
