"""Waiting rooms: scenes where, from some time on, all a player can do is wait for the end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...engine import format_duration
from .arrival import event_moves, role_moves
from .common import scene_roles, warn
from .states import TooMany, candidate_states, choice_open

if TYPE_CHECKING:
    from .common import Analysis

MIN_MINUTES = 60   # shorter waits at the end of a night are part of its rhythm
MIN_WAITS = 3


def check(a: Analysis) -> None:
    world = a.world
    end = world.clock.end
    hhmm = world.clock.hhmm
    for sid in sorted(a.reachable):
        scene = world.scenes[sid]
        if scene.ending is not None or scene.wait is None:
            continue
        a.tick()
        starts: dict[str, int] = {}
        for rid, (lo, hi) in scene_roles(a, sid).items():
            redirects, choices, can_wait = role_moves(scene, rid)
            if not can_wait:
                continue
            last = _last_chance(a, sid, rid, (lo, hi))
            if last is False:
                continue   # could not tell: say nothing
            if last is None and (choices or redirects):
                continue   # nothing here is ever possible: never-enabled/window-* say why
            begins = lo if last is None else last + 1
            if begins >= hi or end - begins < max(MIN_MINUTES, MIN_WAITS * scene.wait):
                continue
            # An event may still carry this role's player away.
            if any(at >= begins for _, at, _ in event_moves(world, rid)):
                continue
            starts[rid] = begins
        if not starts:
            continue
        begins = min(starts.values())
        who = "" if len(starts) == len(world.roles) else \
            " as " + ", ".join(f"`{r}`" for r in sorted(starts))
        span = end - begins
        a.problems.append(warn(
            scene.where, "waiting-room",
            f"from {hhmm(begins)} a player in `{sid}`{who} can only wait: nothing else is "
            f"possible here until the night ends at {hhmm(end)} ({format_duration(span)}, "
            f"{-(-span // scene.wait)} waits)",
            f"give the player a way on after {hhmm(begins)} (a choice, a `redirect:` to an "
            "ending, an event that moves them)", len(sid)))


def _last_chance(a: Analysis, sid: str, rid: str, span: tuple[int, int]) -> int | None | bool:
    """The latest candidate minute at which something besides waiting may be possible for this
    role here; None if nothing ever is; False if the states are too many to tell."""
    scene = a.world.scenes[sid]
    redirects, choices, _ = role_moves(scene, rid)
    conds = [c.cond for c in choices if c.cond is not None] + [r.cond for r in redirects]
    times = [t for c in choices for t in (c.after, c.before) if t is not None]
    last: int | None = None
    try:
        for ctx, _, _ in candidate_states(a.world, scene, conds, a.facts, {rid: span},
                                          times + [span[1]], describe=False):
            if last is not None and ctx.time <= last:
                continue
            if any(r.cond.fn(ctx) for r in redirects) or any(
                    choice_open(c, ctx.time) and (c.cond is None or c.cond.fn(ctx))
                    for c in choices):
                last = ctx.time
    except TooMany:
        return False
    except Exception:
        return False
    return last
