"""Going round for ever, found without playing: redirect cycles and zero-minute loops.

One finding per cause (a strongly connected set of scenes), not one per scene on it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...engine import MAX_REDIRECTS, Choice, Scene, World
from .arrival import components, open_to, role_moves
from .common import ever_enabled, scene_roles, warn
from .states import TooMany, candidate_states

if TYPE_CHECKING:
    from .common import Analysis

_SET_LITERAL = re.compile(r"^\s*[A-Za-z_]\w*\s*=(?!=)\s*(\"[^\"]*\"|'[^']*'|-?\d+|true|false|"
                          r"\d{1,2}:\d{2})\s*$")


def check(a: Analysis) -> None:
    _redirect_cycles(a)
    _zero_time_loops(a)


def _cycles(nodes: list[str], succ: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected sets of scenes that hold a cycle, in file order."""
    out = []
    for comp in components(nodes, succ):
        if len(comp) > 1 or comp[0] in succ.get(comp[0], ()):
            out.append(comp)
    return out


def _order(world: World, sids: list[str]) -> list[str]:
    return sorted(sids, key=lambda s: (world.scenes[s].where.file, world.scenes[s].where.line))


# --------------------------------------------------------------------------- redirects


def _redirect_cycles(a: Analysis) -> None:
    world = a.world
    nodes = sorted(a.reachable)
    succ = {s: [r.go for r in world.scenes[s].redirects] for s in nodes}
    for comp in _cycles(nodes, succ):
        comp = _order(world, comp)
        found = _simulate_redirects(a, comp)
        if found is None:
            continue
        path, desc = found
        scene = world.scenes[comp[0]]
        rd = next(r for r in scene.redirects if r.go in comp)
        shown = " -> ".join(f"`{s}`" for s in path)
        a.problems.append(warn(
            rd.where, "redirect-cycle",
            f"redirects go round in a circle, {shown}, {desc}: the night stops with an error "
            f"after {MAX_REDIRECTS} of them",
            "make one of these `if:`s false once the player has passed (an `on_enter:` that "
            "changes what it reads), or send one of them elsewhere"))


def _simulate_redirects(a: Analysis, comp: list[str]) -> tuple[list[str], str] | None:
    """A candidate state in which following the redirects from `comp[0]` never stops."""
    world = a.world
    start = world.scenes[comp[0]]
    roles = scene_roles(a, start.id)
    conds = [r.cond for s in comp for r in world.scenes[s].redirects]
    try:
        for ctx, _, desc in candidate_states(world, start, conds, a.facts, roles):
            # The effects run on entering (`_enter`) append to lists, as a player's do.
            ctx.items = list(ctx.items)
            ctx.notes = list(ctx.notes)
            path = [start.id]
            here = start
            for _ in range(MAX_REDIRECTS + 1):
                redirects, _, _ = role_moves(here, ctx.role)
                nxt = next((r.go for r in redirects if r.cond.fn(ctx)), None)
                if nxt is None:
                    break
                _enter(world, ctx, nxt)
                here = world.scenes[nxt]
                if len(path) <= len(comp):
                    path.append(nxt)
            else:
                return path, f"when a player arrives {desc}"
    except TooMany:
        return None
    except Exception:   # a state the fake context cannot answer: say nothing
        return None
    return None


def _enter(world: World, ctx: Any, sid: str) -> None:
    ctx.scene = sid
    ctx.place = world.scenes[sid].place
    place = world.places.get(ctx.place)
    ctx.area = place.area if place else None
    ctx.visits[sid] = ctx.visits.get(sid, 0) + 1
    for eff in world.scenes[sid].on_enter:
        eff.fn(ctx)


# --------------------------------------------------------------------------- zero time


def _idempotent(effects: Any) -> bool:
    """Effects that leave the same state when applied twice (`x = 1`, give, take, learn)."""
    return all(not e.writes or _SET_LITERAL.match(e.source) for e in effects)


def _free(a: Analysis, scene: Scene, ch: Choice) -> bool:
    """A choice a player can take again and again in no time, coming back to the same state."""
    if ch.takes != 0 or ch.once or not _idempotent(ch.effects):
        return False
    target = a.world.scenes.get(ch.go or scene.id)
    return not (target is None or target.ending is not None or not _idempotent(target.on_enter))


def _zero_time_loops(a: Analysis) -> None:
    world = a.world
    nodes = sorted(a.reachable)
    edges: dict[str, list[tuple[str, Choice | None]]] = {s: [] for s in nodes}
    settled: dict[str, bool] = {}   # scene -> its on_enter leaves the state as it was
    for sid in nodes:
        a.tick()
        scene = world.scenes[sid]
        if scene.ending is not None:
            continue
        roles = scene_roles(a, sid)
        for ch in scene.choices:
            if ch.takes != 0 or ch.once:
                continue
            target = ch.go or sid
            if target not in settled:
                settled[target] = _idempotent(world.scenes[target].on_enter)
            if settled[target] and _free(a, scene, ch) and any(open_to(ch, r) for r in roles) \
                    and _enabled_somewhere(a, scene, ch, roles):
                edges[sid].append((ch.go or sid, ch))
        for rd in scene.redirects:
            if _idempotent(world.scenes[rd.go].on_enter):
                edges[sid].append((rd.go, None))
    succ = {s: [t for t, _ in es if t in edges] for s, es in edges.items()}
    for comp in _cycles(nodes, succ):
        inside = set(comp)
        choices = [ch for s in _order(world, comp) for t, ch in edges[s]
                   if t in inside and ch is not None]
        if not choices:
            continue   # redirects alone: `redirect-cycle` says it
        # Written by a choice on the loop and read by one: the state may not come back.
        writes = {n for ch in choices for e in ch.effects for n in e.writes}
        if any(ch.cond is not None and ch.cond.reads & writes for ch in choices):
            continue
        first = choices[0]
        labels = ", ".join(f"`{ch.label.plain}`" for ch in choices[:4])
        where = ", ".join(f"`{s}`" for s in _order(world, comp)[:4])
        a.problems.append(warn(
            first.where, "zero-time-loop",
            f"a player can go round {where} for ever without the clock moving ({labels} "
            "take no time and change nothing lasting)",
            "give one of these choices a `takes:`, or `once: true`; `test` reports this as "
            "a loop"))


def _enabled_somewhere(a: Analysis, scene: Scene, ch: Choice,
                       roles: dict[str, tuple[int, int]]) -> bool:
    if ch.cond is None:
        return True
    mine = {r: s for r, s in roles.items() if open_to(ch, r)}
    return bool(ever_enabled(a, scene, ch, mine, windows=False))
