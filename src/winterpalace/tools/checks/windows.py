"""Time windows that close before anyone can arrive, or open after everyone has left."""

from __future__ import annotations

from .arrival import open_to
from .common import Analysis, scene_roles, warn

__all__ = ['check']


def check(a: Analysis) -> None:
    world = a.world
    hhmm = world.clock.hhmm
    for sid in sorted(a.reachable):
        scene = world.scenes[sid]
        if all(ch.before is None and ch.after is None for ch in scene.choices):
            continue            # no window to close
        spans = scene_roles(a, sid)
        for ch in scene.choices:
            if ch.before is None and ch.after is None:
                continue
            # Only the roles the choice is open to (`role == "x"` is a gate).
            mine = [span for rid, span in spans.items() if open_to(ch, rid)]
            if not mine:
                continue
            early, late = min(lo for lo, _ in mine), max(hi for _, hi in mine)
            if ch.before is not None and ch.before <= early:
                a.problems.append(warn(ch.where, "window-closed",
                                        f"choice `{ch.label.plain}` can never be taken: its window "
                                        f"closes at {hhmm(ch.before)}, but no player reaches "
                                        f"`{sid}` before {hhmm(early)}",
                                        "move `before:` later, or make the way there shorter"))
            elif ch.after is not None and ch.after > late:
                a.problems.append(warn(ch.where, "window-never-open",
                                        f"choice `{ch.label.plain}` can never be taken: it opens "
                                        f"at {hhmm(ch.after)}, but no player is in `{sid}` after "
                                        f"{hhmm(late)}",
                                        "move `after:` earlier, or let players wait here "
                                        "(`wait:`)"))
