"""Conditions that can never hold (choices never enabled) and scenes where nothing may be
possible (dead ends): heuristics over candidate states, and worded as such."""

from __future__ import annotations

from ...engine import Condition, Scene
from .arrival import open_to
from .common import Analysis, ever_enabled, revisitable_scenes, scene_roles, warn
from .states import Facts, TooMany, candidate_states, choice_open

__all__ = ['check']


def check(a: Analysis) -> None:
    """Choices whose condition never holds, and scenes where nothing may be possible."""
    world = a.world
    facts = a.facts
    facts_key = (frozenset(facts.written), frozenset(facts.given), frozenset(facts.learned))
    cyclic = revisitable_scenes(a)
    for sid in sorted(a.reachable):
        scene = world.scenes[sid]
        if scene.ending is not None:
            continue
        a.tick()
        roles = scene_roles(a, sid)
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
    sid = scene.id
    for ch in scene.choices:
        if ch.cond is None:
            continue
        mine = {rid: span for rid, span in roles.items() if open_to(ch, rid)}
        ever = ever_enabled(a, scene, ch, mine, windows=True)
        if ever is False:
            a.problems.append(warn(ch.where, "never-enabled",
                                    f"choice `{ch.label.plain}` can never be enabled: "
                                    f"`{ch.cond.source}` is never true where and when "
                                    f"players are in `{sid}`",
                                    _never_hint(ch.cond, facts)))
    _check_dead_end(a, scene, roles, facts, revisitable)


def _never_hint(cond: Condition, facts: Facts) -> str:
    missing = [f"`{x}`" for f, x in sorted(cond.calls) if f == "has" and x not in facts.given]
    if missing:
        return f"nothing gives {', '.join(missing)}: add `give(...)` to some `do:`"
    fixed = [f"`{n}`" for n in sorted(cond.reads - {"time", "role"}) if n not in facts.written]
    if fixed:
        return f"{', '.join(fixed)} never change{'s' if len(fixed) == 1 else ''}: " \
            "some `do:` should set it"
    return "check the condition against the scene's times"


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
            used = {ch.key for ch, g in zip(maybe_gone, gone, strict=False) if g}
            if any(r.cond.fn(ctx) for r in scene.redirects):
                continue
            if any(ch.key not in used and choice_open(ch, ctx.time)
                   and (ch.cond is None or ch.cond.fn(ctx)) for ch in scene.choices):
                continue
            if used:
                desc += " after taking " + ", ".join(f"`{ch.label.plain}`" for ch in maybe_gone
                                                      if ch.key in used)
            a.problems.append(warn(scene.where, "dead-end",
                                    f"scene `{scene.id}` may be a dead end: no choice is "
                                    f"enabled {desc}",
                                    "add a choice with no conditions, or `wait:`, so the "
                                    "player is never stuck", len(scene.id)))
            return
    except TooMany:
        return
    except Exception:
        return
