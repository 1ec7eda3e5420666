"""Values that grow without bound on a loop (`x = x * 2` on a scene a player can revisit)."""

from __future__ import annotations

import re
from typing import Any

from ...engine import MAX_NUMBER, MAX_TEXT, ExprError, Where, parse_expr
from .common import Analysis, revisitable_scenes, warn

__all__ = ['check']


_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=(?!=))(.*)$", re.DOTALL)


_DOUBLING: dict[str, str | None] = {}


def _doubling(source: str) -> str | None:
    """The variable an effect at least doubles every time it runs (`s = s + s`,
    `big = big * big`, `x += x`, `x = x * 3`), or None when it cannot be sure."""
    if source not in _DOUBLING:
        if len(_DOUBLING) > 100_000:
            _DOUBLING.clear()
        _DOUBLING[source] = _doubles(source)
    return _DOUBLING[source]


def _doubles(source: str) -> str | None:
    m = _ASSIGN.match(source)
    if m is None:
        return None
    name, op, rhs = m.groups()
    try:
        node = parse_expr(rhs)
    except ExprError:
        return None
    uses, ops, factors = 0, set(), []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == "name" and n.value == name:
            uses += 1
        elif n.kind == "binary":
            ops.add(n.value)
            if n.value == "*":
                factors += [a.value for a in n.args if a.kind == "lit"
                            and isinstance(a.value, int) and not isinstance(a.value, bool)]
        elif n.kind in ("call", "unary", "not"):
            return None   # min(), random(), -x ...: no telling
        stack.extend(n.args)
    if ops - {"+", "*"}:
        return None
    if op == "+=" and uses >= 1:
        return name
    if op == "=" and (uses >= 2 or (uses == 1 and any(abs(f) >= 2 for f in factors))):
        return name
    return None


def check(a: Analysis) -> None:
    """Effects that at least double a value each time a choice can be taken again: the
    value passes its bound after a few dozen turns, and the turn is then refused."""
    world = a.world
    again = revisitable_scenes(a)
    for sid, scene in world.scenes.items():
        if sid not in a.reachable:
            continue
        runs: list[tuple[Any, Where, Any]] = []   # (effect, where, choice or None: on_enter)
        for ch in scene.choices:
            if not ch.once and (ch.go is None or sid in again):
                runs += [(eff, ch.where, ch) for eff in ch.effects]
        if sid in again:
            runs += [(eff, scene.where, None) for eff in scene.on_enter]
        for eff, where, ch in runs:
            name = _doubling(eff.source)
            if name is None:
                continue
            what = f"choice “{ch.label.plain}”" if ch is not None else \
                f"`on_enter:` of scene `{sid}`"
            value = world.variables.get(name, world.world_flags.get(name))
            bound = f"{MAX_TEXT:,} characters" if isinstance(value, str) else f"±{MAX_NUMBER:,}"
            a.problems.append(warn(
                where, "grows-without-bound",
                f"`{eff.source.strip()}` can double `{name}` or more each time, and {what} can "
                f"be taken again and again: within a few dozen turns `{name}` passes {bound}, "
                "the most it may hold, and the turn is refused",
                "give the choice `once: true`, or let it add rather than multiply"))
