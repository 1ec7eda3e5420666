"""Texts compared with values nothing ever gives them: `mood != "angyr"` is always true."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...engine import ExprError, Where, World, parse_expr, suggest
from .common import warn
from .states import conditions_of

if TYPE_CHECKING:
    from .common import Analysis

_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*(=(?!=)|\+=|-=)\s*(.*)$", re.S)


def possible_values(world: World, conditions: list[tuple[Any, Where]] | None = None
                    ) -> dict[str, set[str] | None]:
    """For each text variable and world flag: every value it can hold, or None when some
    effect gives it a value that cannot be known without playing (`conditions`: the
    analysis' `texts`, which hold every effect that writes a text, if there are any)."""
    out: dict[str, set[str] | None] = {}
    for store in (world.variables, world.world_flags):
        for name, v in store.items():
            if isinstance(v, str):
                out[name] = {v}
    for role in world.roles.values():
        for name, v in role.variables.items():
            known = out.get(name)
            if isinstance(v, str) and known is not None:
                known.add(v)
    if not out:
        return out      # no text variable: nothing to look for
    for thing, _ in (conditions if conditions is not None else conditions_of(world)):
        if not hasattr(thing, "writes"):
            continue
        m = _ASSIGN.match(thing.source)
        if not m or m.group(1) not in out:
            continue
        known = out[m.group(1)]
        value = _literal(m.group(3))
        if value is None:
            out[m.group(1)] = None
        elif known is not None:
            known.add(value)
    lesson = world.lesson
    if lesson is not None:
        for vote in lesson.votes.values():
            flag_values = out.get(vote.flag)
            for v in (vote.carried, vote.lost):
                if isinstance(v, str) and flag_values is not None:
                    flag_values.add(v)
            ballots = out.get(vote.ballot)
            for _, v in vote.options:
                if isinstance(v, str) and ballots is not None:
                    ballots.add(v)
        factions = out.get(lesson.faction_variable) if lesson.faction_variable else None
        if factions is not None:
            factions.update(lesson.factions)
    return out


def _literal(src: str) -> str | None:
    try:
        node = parse_expr(src)
    except ExprError:
        return None
    return node.value if node.kind == "lit" and isinstance(node.value, str) else None


def _comparisons(source: str) -> Iterator[tuple[str, str]]:
    """(name, text) for every `name == "text"` / `!=` in an expression."""
    try:
        stack = [parse_expr(source)]
    except ExprError:
        return
    while stack:
        n = stack.pop()
        if n.kind == "binary" and n.value in ("==", "!=") and len(n.args) == 2:
            left, right = n.args
            if right.kind == "name":
                left, right = right, left
            if left.kind == "name" and right.kind == "lit" and isinstance(right.value, str):
                yield left.value, right.value
        stack.extend(n.args)


def check(a: Analysis) -> None:
    values = possible_values(a.world, a.texts)
    if not any(values.values()):
        return          # no text variable or flag whose values are all known
    said: set[tuple[str, str, Where]] = set()
    cache: dict[int, list[tuple[str, str]]] = {}    # by expression: most are met many times
    for thing, where in a.texts:
        a.tick()
        found = cache.get(id(thing))
        if found is None:
            source = _expression_of(thing)
            found = cache[id(thing)] = [] if source is None or '"' not in source \
                and "'" not in source else list(_comparisons(source))
        for name, text in found:
            known = values.get(name)
            if not known or text in known or (name, text, where) in said:
                continue
            said.add((name, text, where))
            shown = ", ".join(f'"{v}"' for v in sorted(known)[:6])
            close = suggest(text, sorted(known))
            a.problems.append(warn(
                where, "unknown-value",
                f'`{name}` is never "{text}": nothing gives it that value (it can only be '
                f"{shown})",
                (close.replace("`", '"') + " " if close else "")
                + f"compare with a value some `do:` gives `{name}`, or give it this one"))


def _expression_of(thing: Any) -> str | None:
    if hasattr(thing, "writes"):   # an effect: the value after `=`
        m = _ASSIGN.match(thing.source)
        return m.group(3) if m else None
    return getattr(thing, "source", None)
