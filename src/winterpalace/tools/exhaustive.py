"""Explore every state a small scenario can reach (up to a bound) and prove which endings are.

States are compared by everything that decides what happens next (scene, clock, variables,
items, notes, visits, once-choices used, world flags and events, the random generator), not by
the history that led there, so paths that meet are explored once. The search is breadth first:
the path it gives to each ending is a shortest one.

Real scenarios have too many states for that. The search estimates early, from how fast each
level grows, whether it will pass its bound, and says so (`warn`). With `abstract=True` states
are compared coarser: the clock by the stretch between two "boundaries" where something can
change (a window's `after`/`before`, an event, a schedule, a time in a condition), and numbers
capped just beyond the largest and smallest the scenario compares them with. Every path found
is still a real one (the engine plays it), but an ending not found is no longer proved
unreachable: two states merged may not really behave alike.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import engine
from ..engine import PlayerState, Turn, World, WorldState
from .randomtest import visible_options

DEFAULT_BOUND = 200_000


@dataclass
class RoleSpace:
    """The explored state space of one role."""

    role: str
    states: int = 0
    complete: bool = True                       # False: the bound stopped the search
    endings: dict[str, tuple[str, ...]] = field(default_factory=dict)   # ending -> a path
    dead_ends: dict[str, tuple[str, ...]] = field(default_factory=dict)  # scene -> a path
    scenes: set[str] = field(default_factory=set)
    abstract: bool = False
    estimate: int | None = None                 # the early estimate of all states, if made

    def unreachable_endings(self, world: World) -> list[str] | None:
        """Endings proved unreachable for this role, or None if the search was cut short (or
        abstracted: then nothing is proved)."""
        if not self.complete or self.abstract:
            return None
        return [s for s, sc in world.scenes.items() if sc.ending and s not in self.endings]


def _key(ws: WorldState, ps: PlayerState) -> Any:
    return (ps.scene, ps.time, tuple(sorted(ps.vars.items())), ps.items,
            tuple(sorted(ps.notes)), tuple(sorted(ps.visits.items())), ps.used, ps.rng,
            tuple(sorted(ws.flags.items())), ws.decided, tuple(e for e, _ in ws.fired))


class Abstraction:
    """The coarser state key of `explore(abstract=True)`."""

    def __init__(self, world: World):
        from .analysis import conditions_of, constants
        times: set[int] = {world.clock.end}
        ints: set[int] = set()
        self.counted: set[str] = set()   # scenes whose visits a condition reads
        for thing, _ in conditions_of(world):
            i, t, _s = constants(getattr(thing, "source", ""), world)
            times |= t
            ints |= i
            self.counted |= {x for f, x in thing.calls if f in ("visited", "visits")}
        for s in world.scenes.values():
            for ch in s.choices:
                times.update(t for t in (ch.after, ch.before) if t is not None)
        times.update(ev.at for ev in world.events)
        for c in world.characters.values():
            for st in c.schedule:
                times.update((st.start, st.end))
        for v in list(world.variables.values()) + list(world.world_flags.values()):
            if isinstance(v, int) and not isinstance(v, bool):
                ints.add(v)
        self.boundaries = sorted(times)
        self.lo = min(ints, default=0) - 1
        self.hi = max(ints, default=0) + 1

    def cap(self, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            return min(self.hi, max(self.lo, v))
        return v

    def key(self, ws: WorldState, ps: PlayerState) -> Any:
        cap = self.cap
        return (ps.scene, self.window(ps.time),
                tuple(sorted((k, cap(v)) for k, v in ps.vars.items())), tuple(sorted(ps.items)),
                tuple(sorted(ps.notes)), tuple(sorted((k, cap(v)) for k, v in ps.visits.items()
                                                      if k in self.counted)),
                ps.used, ps.rng, tuple(sorted((k, cap(v)) for k, v in ws.flags.items())),
                ws.decided, tuple(sorted(e for e, _ in ws.fired)))

    def window(self, t: int) -> int:
        """Which stretch between two boundaries the minute `t` is in."""
        return bisect.bisect_right(self.boundaries, t)


AHEAD = 5   # actions ahead the estimate looks


def estimate(seen: int, levels: list[int]) -> int | None:
    """The states a breadth-first search will have seen `AHEAD` actions on, if its levels
    keep growing as the last two did; None while too early to tell or when not growing."""
    if len(levels) < 3 or seen < 500:
        return None
    growth = levels[-1] / max(1, levels[-2])
    if growth <= 1.0:
        return None
    return int(seen + sum(levels[-1] * growth ** k for k in range(1, AHEAD + 1)))


def explore(world: World, role: str, seed: int = 0, bound: int = DEFAULT_BOUND,
            abstract: bool = False,
            warn: Callable[[str], None] | None = None) -> RoleSpace:
    """Breadth-first search of one role's states, at most `bound` of them. `warn` is told
    once, early, when the search looks set to pass the bound."""
    space = RoleSpace(role, abstract=abstract)
    ab = Abstraction(world) if abstract else None
    keyer = ab.key if ab is not None else _key
    ws, ps, _ = engine.start(world, role, seed)
    seen = {keyer(ws, ps)}
    queue: deque[tuple[WorldState, PlayerState, tuple[str, ...]]] = deque([(ws, ps, ())])
    levels: list[int] = []
    depth, at_depth = 0, 0
    while queue:
        ws, ps, path = queue.popleft()
        if len(path) != depth:
            levels.append(at_depth)
            depth, at_depth = len(path), 0
            # (Under abstraction the levels jump in time: no estimate, it would cry wolf.)
            if space.estimate is None and not abstract:
                _estimate_growth(space, len(seen), levels, depth, bound, warn)
        at_depth += 1
        space.states += 1
        space.scenes.update(s for _, s in ps.trail)
        if ps.ending is not None:
            space.endings.setdefault(ps.ending, path)
            continue
        moves: list[tuple[str, int]] = visible_options(world, ws, ps)
        if world.scenes[ps.scene].wait is not None and ps.time < world.clock.end:
            moves.append(("wait", -1))
        if not moves:
            space.dead_ends.setdefault(ps.scene, path)
            continue
        for typed, index in moves:
            if index < 0:
                nws, nps, turn, typed = _wait(world, ab, ws, ps)
            else:
                nws, nps, turn = engine.choose(world, ws, ps, index)
            if turn.refused:
                continue
            k = keyer(nws, nps)
            if k in seen:
                continue
            if len(seen) >= bound:
                space.complete = False
                continue
            seen.add(k)
            queue.append((nws, nps, path + tuple(typed.split(" "))))
    return space


def _estimate_growth(space: RoleSpace, seen: int, levels: list[int], depth: int, bound: int,
                     warn: Callable[[str], None] | None) -> None:
    """At a new level: when the search looks set to pass `bound`, note the estimate in
    `space` and tell `warn` (once: the estimate is noted only once)."""
    guess = estimate(seen, levels)
    if guess is None or guess <= bound:
        return
    space.estimate = guess
    if warn is not None:
        warn(f"{space.role}: {seen:,} states after {depth} actions, growing "
             f"{levels[-1] / max(1, levels[-2]):.1f}x an action: about {guess:,} "
             f"within {AHEAD} more, past the bound ({bound:,}). The search will "
             "likely stop before it is complete; --abstract compares states by time window "
             "and caps numbers, so real scenarios finish")


def _wait(world: World, ab: Abstraction | None, ws: WorldState,
          ps: PlayerState) -> tuple[WorldState, PlayerState, Turn, str]:
    """The `wait` move: the next state, the turn, and what was typed."""
    typed = "wait"
    nws, nps, turn = engine.wait(world, ws, ps)
    if ab is not None:
        # Time inside one window is one state: wait on to the next boundary (a real
        # path: as many `wait`s as that takes), or until something happens.
        here = ab.window(ps.time)
        while not turn.refused and nps.ending is None and nps.scene == ps.scene \
                and ab.window(nps.time) == here and nps.time < world.clock.end:
            nws, nps, turn = engine.wait(world, nws, nps)
            typed += " wait"
    return nws, nps, turn, typed
