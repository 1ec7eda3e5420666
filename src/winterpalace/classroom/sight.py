"""What each scene's view can read of the shared world, so a change reaches only those it may
concern.

When one student's action changes a world flag, everyone whose scene reads that flag may see
their scene change under their feet; nobody else can. Working out which scenes read which
flags once, when the room is made, spares a hundred views a turn in a large class.

PURE: the scenario in, sets of names out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..engine import World


def _names(things: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for t in things:
        if t is None:
            continue
        holes = t.holes if hasattr(t, "holes") else [t]
        for h in holes:
            out |= set(getattr(h, "reads", ()))
    return out


def scene_reads(world: World) -> dict[str, frozenset[str]]:
    """For each scene: the names its text, variants, choices and ending may read, with those
    any character's schedule reads (who is present shows in every scene)."""
    always = _names(st.cond for c in world.characters.values() for st in c.schedule)
    out = {}
    for sid, sc in world.scenes.items():
        parts: list[Any] = [sc.text, sc.told]
        for v in sc.variants:
            parts += [v.cond, v.text]
        for ch in sc.choices:
            parts += [ch.label, ch.cond]
        if sc.ending is not None:
            parts += [sc.ending.epilogue, sc.ending.told]
        out[sid] = frozenset(_names(parts) | always)
    return out


__all__ = ["scene_reads"]
