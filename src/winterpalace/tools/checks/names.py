"""Declared names nothing reads or writes, and names that are written but never read."""

from __future__ import annotations

from .common import Analysis, declaration_sites, warn, world_where
from .states import show_value

__all__ = ['check']


def check(a: Analysis) -> None:
    world = a.world
    u = a.uses
    sites = declaration_sites(world)
    overridden = {n for r in world.roles.values() for n in r.variables}
    shown = {st.var for stats in world.stats.values() for st in stats}   # the `stats` screen
    for kind, names in (("variable", world.variables), ("world flag", world.world_flags)):
        for name in names:
            where = sites.get(name, world_where(world))
            read, written = name in u.reads or name in shown, name in u.writes
            if written and not read:
                a.problems.append(warn(where, "never-read",
                                        f"{kind} `{name}` is set but never read",
                                        "use it in an `if:` or a `{...}` in text, or remove it",
                                        len(name)))
            elif read and not written and name not in overridden:
                a.problems.append(warn(where, "never-written",
                                        f"{kind} `{name}` is read but never changed: it is "
                                        f"always {show_value(names[name])}",
                                        "change it in some `do:`, or use its value directly",
                                        len(name)))
            elif not read and not written:
                a.problems.append(warn(where, "unused",
                                        f"{kind} `{name}` is never used", "remove it",
                                        len(name)))
    given = {x for (f, x) in u.calls if f == "give"}
    used = {x for (f, x) in u.calls if f in ("has", "take")}
    for iid, item in world.items.items():
        if iid in given and iid not in used:
            a.problems.append(warn(item.where, "item-never-used",
                                    f"item `{iid}` is given but never used",
                                    f"check for it with `has({iid})` somewhere, or remove it",
                                    len(iid)))
        elif iid in used and iid not in given:
            a.problems.append(warn(item.where, "item-never-given",
                                    f"item `{iid}` is checked for but never given",
                                    f"add `give({iid})` to some `do:`", len(iid)))
