"""What a player and the world hold: variables and world flags (declared with their first
value, which gives their type) and items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..engine import KEYWORDS, MAX_TEXT, STR, Item, value_type
from .fields import ITEM_FIELDS
from .reader import Entry, NodeReader
from .yamlnodes import ScalarNode

__all__ = ["Declared", "check_shared_names", "compile_items", "declare_value"]

# name -> (first value, its type, its declaration)
Declared = dict[str, tuple[Any, str, Entry]]


def declare_value(ld: NodeReader, out: Declared, types: dict[str, str], entry: Entry,
                  section: str) -> bool:
    """Declare one variable or world flag with its initial value (and so its type) in `out`
    and `types`; False (with an error) if it cannot be."""
    name, file, k, v = entry.id, entry.file, entry.key, entry.node
    if name in out:
        first = out[name][2]
        ld.error(file, k, f"`{name}` is declared twice",
                 f"it is already declared at {first.file}:{first.line}",
                 length=len(name))
        return False
    if not name.isidentifier() or name in KEYWORDS or name in ("time", "role"):
        ld.error(file, k, f"`{name}` cannot be a variable name",
                 "use letters, digits and _; not a keyword, `time` or `role`")
        return False
    problems = len(ld.problems)
    value = ld.scalar(file, v, f"{section}.{name}")
    t = value_type(value)
    if t is None:
        if len(ld.problems) == problems:
            ld.error(file, v, f"`{name}` needs an initial value: a number, true/false or "
                     "text")
        return False
    if t == STR and len(value) > MAX_TEXT:
        ld.too_long(file, v, name, value)
        return False
    out[name] = (value, t, entry)
    types[name] = t
    return True


def check_shared_names(ld: NodeReader, variables: Declared, world_flags: Declared) -> None:
    """A name is a player's variable or a world flag, not both."""
    for name in set(variables) & set(world_flags):
        ld.error(world_flags[name][2].file, world_flags[name][2].key,
                 f"`{name}` is both a variable and a world flag",
                 "give one of them another name")


def compile_items(ld: NodeReader, entries: Iterable[Entry]) -> dict[str, Item]:
    """`items:`: a name each, and what it is (`id: Name`, or `id: {name: ..., about: ...}`)."""
    items = {}
    for e in entries:
        if isinstance(e.node, ScalarNode):
            items[e.id] = Item(e.id, ld.string(e.file, e.node, f"items.{e.id}") or e.id, "",
                               ld.where(e.file, e.key))
            continue
        f = ld.fields(e.file, e.node, ITEM_FIELDS, f"item `{e.id}`") or {}
        items[e.id] = Item(e.id, ld.field_str(e.file, f, "name") or e.id,
                           ld.field_str(e.file, f, "about", required=False) or "",
                           ld.where(e.file, e.key))
    return items
