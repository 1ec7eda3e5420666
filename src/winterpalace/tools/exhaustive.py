"""Explore every state a small scenario can reach (up to a bound) and prove which endings are.

States are compared by everything that decides what happens next (scene, clock, variables,
items, notes, visits, once-choices used, world flags and events, the random generator), not by
the history that led there, so paths that meet are explored once. The search is breadth first:
the path it gives to each ending is a shortest one.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..engine import engine as eng
from ..engine.model import World
from ..engine.state import PlayerState, WorldState
from .randomtest import visible_choices

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

    def unreachable_endings(self, world: World) -> list[str] | None:
        """Endings proved unreachable for this role, or None if the search was cut short."""
        if not self.complete:
            return None
        return [s for s, sc in world.scenes.items() if sc.ending and s not in self.endings]


def _key(ws: WorldState, ps: PlayerState) -> Any:
    return (ps.scene, ps.time, tuple(sorted(ps.vars.items())), ps.items,
            tuple(sorted(ps.notes)), tuple(sorted(ps.visits.items())), ps.used, ps.rng,
            tuple(sorted(ws.flags.items())), ws.decided, tuple(e for e, _ in ws.fired))


def explore(world: World, role: str, seed: int = 0, bound: int = DEFAULT_BOUND) -> RoleSpace:
    """Breadth-first search of one role's states, at most `bound` of them."""
    space = RoleSpace(role)
    ws, ps, _ = eng.start(world, role, seed)
    seen = {_key(ws, ps)}
    queue: deque[tuple[WorldState, PlayerState, tuple[str, ...]]] = deque([(ws, ps, ())])
    while queue:
        ws, ps, path = queue.popleft()
        space.states += 1
        space.scenes.update(s for _, s in ps.trail)
        if ps.ending is not None:
            space.endings.setdefault(ps.ending, path)
            continue
        moves: list[tuple[str, int]] = [(str(n), i) for n, i in visible_choices(world, ws, ps)]
        if world.scenes[ps.scene].wait is not None and ps.time < world.clock.end:
            moves.append(("wait", -1))
        if not moves:
            space.dead_ends.setdefault(ps.scene, path)
            continue
        for typed, index in moves:
            if index < 0:
                nws, nps, turn = eng.wait(world, ws, ps)
            else:
                nws, nps, turn = eng.choose(world, ws, ps, index)
            if turn.refused:
                continue
            k = _key(nws, nps)
            if k in seen:
                continue
            if len(seen) >= bound:
                space.complete = False
                continue
            seen.add(k)
            queue.append((nws, nps, path + (typed,)))
    return space
