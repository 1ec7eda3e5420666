"""Completion, go-to-definition and hover for scenario files, as plain functions of the text
and an `Index` of what the scenario declares (the language server wraps them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine import EFFECT_FUNCTIONS, REFERENCE_FUNCTIONS, TYPE_NAMES, World
from ..codes import CODES
from ..fielddocs import FIELDS, tables
from .yamlpath import Context, kind_of

KINDS = ("scene", "place", "area", "character", "item", "event", "note")

FUNCTIONS: dict[str, str] = {
    "has": "`has(item)`: the player carries the item",
    "visited": "`visited(scene)`: the player has been there",
    "visits": "`visits(scene)`: how many times the player has been there",
    "present": "`present(character)`: the character's schedule puts them where the player is",
    "at": "`at(place)`: the player is at that place",
    "within": "`within(area)`: the player is in that area",
    "fired": "`fired(event)`: the event has happened tonight",
    "knows": "`knows(note)`: the player has learned the fact",
    "give": "`give(item)`: the player now carries the item",
    "take": "`take(item)`: the player no longer carries it",
    "learn": "`learn(note)`: the player learns the fact",
    "min": "`min(a, b)`: the smaller number",
    "max": "`max(a, b)`: the larger number",
    "random": "`random(low, high)`: a seeded random number (effects only)",
}
_ARG_KIND = {**{f: k for f, (k, _) in REFERENCE_FUNCTIONS.items()}, **EFFECT_FUNCTIONS}
_OPEN_CALL = re.compile(r"([A-Za-z_]\w*)\(\s*([A-Za-z_]\w*)?$")
_EXPRESSION_FIELDS = ("if", "do", "on_enter")
_SCENE_FIELDS = ("go", "start", "time_out")


@dataclass
class Thing:
    kind: str
    id: str
    file: str
    line: int
    col: int
    detail: str = ""


@dataclass
class Index:
    """What a scenario declares, with where: built from the last load, even a failed one."""

    things: dict[str, dict[str, Thing]] = field(default_factory=lambda: {k: {} for k in KINDS})
    names: dict[str, tuple[str, str]] = field(default_factory=dict)   # name -> (kind, type)
    roles: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, loader: Any, world: World | None) -> Index:
        idx = cls()
        for kind in KINDS:
            for ident, e in loader.ids.get(kind, {}).items():
                col = e.col or 3      # kept when the entry's nodes are let go
                idx.things[kind][ident] = Thing(kind, ident, e.file, e.line, col,
                                                _detail(world, kind, ident))
        for section, kind in (("variables", "variable"), ("world_flags", "world flag")):
            for name, t in loader.types.get(section, {}).items():
                idx.names[name] = (kind, TYPE_NAMES.get(t, t))
        if loader.setup is not None:
            idx.roles = list(loader.setup.role_nodes)
        return idx


def _detail(world: World | None, kind: str, ident: str) -> str:
    if world is None:
        return ""
    if kind == "scene" and ident in world.scenes:
        s = world.scenes[ident]
        return f"{s.title} ({'ending' if s.ending else world.places[s.place].name})"
    tables: dict[str, dict[str, Any]] = {"place": world.places, "area": world.areas,
                                         "character": world.characters, "item": world.items}
    table = tables.get(kind)
    if table is not None and ident in table:
        return str(getattr(table[ident], "name", ""))
    if kind == "note":
        return world.notes.get(ident, "")
    if kind == "event":
        ev = next((e for e in world.events if e.id == ident), None)
        return f"{world.clock.hhmm(ev.at)} {ev.title}" if ev else ""
    return ""


@dataclass
class Item:
    """One completion: its text, what it is, and its documentation."""

    label: str
    kind: str          # scene, place, ..., variable, function, field, value, code
    detail: str = ""
    doc: str = ""


def value_kind(ctx: Context) -> str | None:
    """What the value under the cursor names: a kind of id, `expression`, `otherwise`, `code`."""
    m = _OPEN_CALL.search(ctx.before)
    if m and m.group(1) in _ARG_KIND:
        return _ARG_KIND[m.group(1)]
    where = kind_of(ctx.path)
    f = ctx.field
    if f in _SCENE_FIELDS:
        return "scene"
    if f == "place" or (f == "at" and where == "stint"):
        return "place"
    if f == "area" and where == "place":
        return "area"
    if f in _EXPRESSION_FIELDS or (f in ("text", "label", "result", "epilogue", "told")
                                   and ctx.before.count("{") > ctx.before.count("}")):
        return "expression"
    if f == "otherwise":
        return "otherwise"
    if f == "ignore" or (ctx.path and ctx.path[-1] == "ignore"):
        return "code"
    return None


def complete(ctx: Context, idx: Index, is_world: bool) -> list[Item]:
    want = value_kind(ctx)
    if want in KINDS:
        return [Item(t.id, want, t.detail) for t in idx.things[want].values()]
    if want == "expression":
        out = [Item(n, k, t) for n, (k, t) in idx.names.items()]
        out += [Item(f, "function", "", d) for f, d in FUNCTIONS.items()]
        out += [Item("time", "variable", "the player's clock"),
                Item("role", "variable", "the player's role: " + ", ".join(idx.roles))]
        return out
    if want == "otherwise":
        return [Item("hide", "value", "", "the choice is absent while it is shut (default)"),
                Item("show", "value", "", "the choice is greyed, with the reason from its gate")]
    if want == "code":
        return [Item(c, "code", "", d) for c, d in CODES.items()]
    if ctx.field is None:   # typing a key: the fields of the mapping around the cursor
        kind = kind_of(ctx.path)
        kinds = [kind] if kind else (["world", "file"] if is_world and not ctx.path
                                     else ["file"] if not ctx.path else [])
        out = []
        for k in kinds:
            for name, required in tables()[k].items():
                out.append(Item(name, "field", "required" if required else "",
                                FIELDS[k].get(name, "")))
        return out
    return []


def definition(ctx: Context, idx: Index) -> Thing | None:
    """The declaration of the id under the cursor."""
    if not ctx.word:
        return None
    want = value_kind(ctx)
    kinds = [want] if want in KINDS else list(KINDS)
    for k in kinds:
        if ctx.word in idx.things[k]:
            return idx.things[k][ctx.word]
    return None


def hover(ctx: Context, idx: Index, is_world: bool) -> str | None:
    """Markdown for what is under the cursor: a field's meaning, an id, a function, a code."""
    if ctx.key is not None:
        kind = kind_of(ctx.path)
        for k in ([kind] if kind else (["world", "file"] if is_world else ["file"])):
            text = FIELDS.get(k, {}).get(ctx.key)
            if text:
                return f"**{ctx.key}** ({k})\n\n{text}"
        return None
    if ctx.word in CODES and value_kind(ctx) == "code":
        return f"**{ctx.word}**: {CODES[ctx.word]}"
    if ctx.word in FUNCTIONS and ctx.after.startswith("("):
        return FUNCTIONS[ctx.word]
    thing = definition(ctx, idx)
    if thing is not None:
        where = f"{Path(thing.file).name}:{thing.line}"
        return f"**{thing.id}** ({thing.kind}) {thing.detail}\n\ndeclared at {where}".strip()
    if ctx.word in idx.names:
        kind, t = idx.names[ctx.word]
        return f"**{ctx.word}**: {kind}, {t}"
    return None
