"""Undo levels in a save, each stored as its difference from the next newer state.

Fifty undo levels of a long night are fifty copies of nearly the same game; stored whole they
made a save of half a megabyte, encoded twice on every turn. A level is stored as
`{"changes": {"world": {...}, "player": {...}}}`: the fields that differ from the next newer
state (the game itself for the newest level), with `{"first": N}` for a history, trail or list
of fired events that is the first N entries of the newer one. A level stored whole (as older
versions wrote them) is read as it is. `expand` never raises anything but `Damaged`, whatever
the data; the expanded levels are then checked like any saved game.
"""

from __future__ import annotations

from typing import Any

from .damage import Damaged

PREFIXED = ("history", "trail", "witnessed", "fired")   # lists a newer state only appends to


def difference(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`old` (a Game.to_dict()) as its changes from `new`."""
    changes: dict[str, Any] = {}
    if old.get("version") != new.get("version"):
        changes["version"] = old.get("version")
    for part in ("world", "player"):
        o, n = old[part], new[part]
        d: dict[str, Any] = {}
        for key, value in o.items():
            newer = n.get(key, _MISSING)
            if newer == value:
                continue
            if key in PREFIXED and isinstance(newer, list) and len(value) <= len(newer) \
                    and newer[:len(value)] == value:
                d[key] = {"first": len(value)}
            else:
                d[key] = value
        changes[part] = d
    return {"changes": changes}


def expand(game: Any, levels: Any) -> list[Any]:
    """The undo levels of a save as whole game records (oldest first); Damaged if malformed."""
    if not isinstance(levels, list):
        raise Damaged("its undo levels are not a list")
    out: list[Any] = []
    newer = game
    for entry in reversed(levels):
        if isinstance(entry, dict) and "changes" in entry:
            entry = _apply(newer, entry["changes"])
        out.append(entry)
        newer = entry
    out.reverse()
    return out


def _apply(newer: Any, changes: Any) -> dict[str, Any]:
    if not isinstance(changes, dict) or not isinstance(newer, dict):
        raise Damaged("an undo level is not a record of changes")
    full: dict[str, Any] = {"version": changes.get("version", newer.get("version"))}
    for part in ("world", "player"):
        base, delta = newer.get(part), changes.get(part, {})
        if not isinstance(base, dict) or not isinstance(delta, dict):
            raise Damaged("an undo level is not a record of changes")
        merged = dict(base)
        for key, value in delta.items():
            if key in PREFIXED and isinstance(value, dict):
                n = value.get("first")
                whole = base.get(key)
                if type(n) is not int or not isinstance(whole, list) \
                        or not 0 <= n <= len(whole) or len(value) != 1:
                    raise Damaged(f"an undo level's `{key}` does not fit the newer one")
                merged[key] = whole[:n]
            else:
                merged[key] = value
        full[part] = merged
    return full


_MISSING = object()
