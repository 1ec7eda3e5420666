"""Scenes no role can reach, with a hint at the way in."""

from __future__ import annotations

from ...engine import World
from .common import Analysis, warn

__all__ = ['check']


def check(a: Analysis) -> None:
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
            a.problems.append(warn(scene.where, "after-clock-end",
                                    f"scene `{sid}` can only be reached after the clock's end "
                                    f"({hhmm(world.clock.end)}); players go to their time-out "
                                    "ending instead", "shorten the `takes:` on the way there, "
                                    "or open its way in earlier", n))
        elif scene.ending is not None:
            a.problems.append(warn(scene.where, "ending-unreachable",
                                    f"ending `{sid}` can never be reached",
                                    _way_in_hint(preds, sid), n))
        else:
            a.problems.append(warn(scene.where, "unreachable",
                                    f"scene `{sid}` cannot be reached from any role's start",
                                    _way_in_hint(preds, sid), n))
    for rid, rr in a.roles.items():
        if not any(world.scenes[s].ending is not None for s in rr.earliest):
            role = world.roles[rid]
            a.problems.append(warn(role.where, "role-no-ending",
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
