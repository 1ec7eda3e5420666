"""The `stats:` section of world.yaml: the qualities each role's `stats` screen shows.

```yaml
stats:
  sinegub:                           # a role
    - show: resolve                  # a player variable (a number, true/false or text)
      name: Resolve                  # what the screen calls it
      about: how much fight you have left   # optional
      out_of: 5                      # optional, numbers: shown as "3 of 5"
    - show: cadets_loyal
      name: Your cadets
      when_true: stand by you        # optional, true/false: the words for each
      when_false: are drifting away
    - show: faction
      name: Your fraction
      values: { none: not chosen yet }   # optional, text: words for some of its values
```

Checked with located messages like the rest of a scenario: an unknown role or variable (with a
suggestion), a field that does not fit the variable's type, a variable listed twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine import BOOL, INT, STR, TYPE_NAMES, Stat, suggest

if TYPE_CHECKING:
    from .reader import NodeReader
    from .yamlnodes import Node

STAT_FIELDS = {"show": True, "name": True, "about": False, "out_of": False, "when_true": False,
               "when_false": False, "values": False}


def compile_stats(ld: NodeReader, file: str, node: Node, roles: dict[str, Any],
                  variables: dict[str, tuple[Any, str, Any]]) -> dict[str, tuple[Stat, ...]]:
    """Each role's stats, in the order given (problems go to the loader)."""
    out: dict[str, tuple[Stat, ...]] = {}
    for rid, (k, v) in ld.mapping(file, node, "stats").items():
        if rid not in roles:
            ld.error(file, k, f"unknown role `{rid}` in `stats:`",
                     suggest(rid, roles) or f"roles: {', '.join(roles)}", length=len(rid))
            continue
        stats: list[Stat] = []
        seen: set[str] = set()
        for sn in ld.list_of(file, v, f"stats.{rid}"):
            stat = _stat(ld, file, sn, rid, variables, seen)
            if stat is not None:
                stats.append(stat)
        out[rid] = tuple(stats)
    return out


_Fields = dict[str, tuple["Node", "Node"]]


def _stat(ld: NodeReader, file: str, sn: Node, rid: str,
          variables: dict[str, tuple[Any, str, Any]], seen: set[str]) -> Stat | None:
    """One stat of role `rid`; None (its problems reported) when it cannot be shown.
    `seen`: the variables this role's stats already show (this one is added)."""
    f = ld.fields(file, sn, STAT_FIELDS, f"a stat of `{rid}`")
    if f is None or "show" not in f or "name" not in f:
        return None
    var = ld.string(file, f["show"][1], "show")
    name = ld.string(file, f["name"][1], "name")
    if var is None or name is None:
        return None
    if var not in variables:
        ld.error(file, f["show"][1], f"unknown variable `{var}` in `show:`",
                 suggest(var, variables) or "a stat shows a player variable, "
                 "declared under `variables:`")
        return None
    if var in seen:
        ld.error(file, f["show"][1], f"`{var}` is shown twice for `{rid}`")
        return None
    seen.add(var)
    kind = variables[var][1]
    out_of = _out_of(ld, file, f, var, kind)
    words = _bool_words(ld, file, f, var, kind)
    values = _text_values(ld, file, f, var, kind)
    about = ld.string(file, f["about"][1], "about") if "about" in f else ""
    return Stat(var, " ".join(name.split()), " ".join((about or "").split()),
                out_of, words["when_true"], words["when_false"],
                ld.where(file, sn), tuple(values))


def _out_of(ld: NodeReader, file: str, f: _Fields, var: str, kind: str) -> int | None:
    """`out_of:`, for a number: its greatest value."""
    if "out_of" not in f:
        return None
    n = ld.scalar(file, f["out_of"][1], "out_of")
    if kind != INT:
        ld.error(file, f["out_of"][0], f"`out_of:` is for numbers; `{var}` is "
                 f"{TYPE_NAMES[kind]}")
    elif type(n) is not int or n < 1:
        ld.error(file, f["out_of"][1], "`out_of:` should be a whole number above 0")
    else:
        return n
    return None


def _bool_words(ld: NodeReader, file: str, f: _Fields, var: str,
                kind: str) -> dict[str, str | None]:
    """`when_true:` and `when_false:`, for a true/false: the words for each."""
    words: dict[str, str | None] = {"when_true": None, "when_false": None}
    for key in words:
        if key in f:
            if kind != BOOL:
                ld.error(file, f[key][0], f"`{key}:` is for true/false; `{var}` is "
                         f"{TYPE_NAMES[kind]}")
                continue
            words[key] = ld.string(file, f[key][1], key)
    return words


def _text_values(ld: NodeReader, file: str, f: _Fields, var: str,
                 kind: str) -> list[tuple[str, str]]:
    """`values:`, for text: the words for some of its values."""
    values: list[tuple[str, str]] = []
    if "values" not in f:
        return values
    if kind != STR:
        ld.error(file, f["values"][0], f"`values:` is for text; `{var}` is "
                 f"{TYPE_NAMES[kind]}")
        return values
    for key, (_kn, vn) in ld.mapping(file, f["values"][1], "values").items():
        said = ld.string(file, vn, f"values.{key}")
        if said is not None:
            values.append((str(key), " ".join(said.split())))
    return values
