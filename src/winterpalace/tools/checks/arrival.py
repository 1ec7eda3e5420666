"""Arrival-time bounds: for each role, the earliest and latest clock at which a player can
stand in each scene, over the graph of time costs (choices, their windows, redirects, waits,
and events that carry players elsewhere). `earliest` is a lower bound and `latest` an upper
bound, so a warning built on them is never a false alarm."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...engine import Choice, Condition, ExprError, Node, Scene, World, parse_expr
from ...errors import WinterPalaceError

__all__ = ['RoleReach', 'Stopped', 'components', 'event_moves', 'only_role_false', 'open_to', 'reach_role', 'role_moves']


class Stopped(WinterPalaceError):
    """The analysis was asked to stop (the language server: the author typed again)."""


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
            possible = reach.cond is None or not only_role_false(reach.cond, role)
            if possible and reach.go:
                out.append((reach.go, ev.at, ev.id))
            if reach.cond is None or _role_truth_of(reach.cond, role) is True:
                break   # later cases never apply
    return out


def only_role_false(cond: Condition, role: str) -> bool:
    """True when `cond` is false for this role whatever else holds (e.g. `role == "x" and
    within(smolny)` for any role but x)."""
    return _role_truth_of(cond, role) is False


_ROLE_TRUTH: dict[tuple[str, str], bool | None] = {}


def _role_truth_of(cond: Condition, role: str) -> bool | None:
    if "role" not in cond.reads:
        return None
    key = (cond.source, role)
    if key not in _ROLE_TRUTH:
        try:
            _ROLE_TRUTH[key] = _role_truth(parse_expr(cond.source), role)
        except ExprError:
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


def _role_truth(n: Node, role: str) -> bool | None:
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
            return bool((right.value == role) == (n.value == "=="))
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
        if can_wait and scene.wait is not None:
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
    comp = components(nodes, {s: [t for t, _ in edges.get(s, ()) if t in out.earliest]
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


def components(nodes: list[str], succ: dict[str, list[str]]) -> list[list[str]]:
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
