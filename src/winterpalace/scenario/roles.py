"""world.yaml's own sections: the clock and the roles."""

from __future__ import annotations

from typing import Any

from ..engine import MAX_TEXT, TYPE_NAMES, Clock, Role, suggest, value_type
from .context import References
from .fields import CLOCK_FIELDS, ROLE_FIELDS
from .reader import Entry, NodeReader
from .yamlnodes import Node, ScalarNode

__all__ = ["compile_clock", "compile_roles"]


def compile_clock(ld: NodeReader, wf: str,
                  fields: dict[str, tuple[Node, Node]]) -> tuple[Clock | None, int]:
    """world.yaml's `clock:` and the default time a choice takes (None and 0 if unusable)."""
    if "clock" not in fields:
        return None, 0
    cf = ld.fields(wf, fields["clock"][1], CLOCK_FIELDS, "`clock`")
    if not cf:
        return None, 0
    stamps = []
    for key in ("start", "end"):
        if key not in cf:
            return None, 0
        node = cf[key][1]
        stamp = Clock.parse_stamp(node.value) if isinstance(node, ScalarNode) else None
        if stamp is None:
            ld.error(wf, node, f"bad clock {key} `{getattr(node, 'value', '')}`",
                       "write a date and time like \"1917-10-25 06:00\"")
            return None, 0
        stamps.append((stamp, node))
    (d0, m0), _ = stamps[0]
    (d1, m1), end_node = stamps[1]
    end = (d1 - d0).days * 1440 + m1
    if end <= m0:
        ld.error(wf, end_node, "the clock ends before it starts")
        return None, 0
    if end - m0 > 1440:
        ld.error(wf, end_node, "the night is longer than 24 hours",
                   "a scenario's clock spans at most one day, so `HH:MM` is never ambiguous")
        return None, 0
    julian = True
    if "calendar" in cf:
        cal = ld.scalar(wf, cf["calendar"][1], "calendar")
        if cal not in ("julian", "gregorian"):
            ld.error(wf, cf["calendar"][1], "`calendar` is `julian` or `gregorian`")
        julian = cal != "gregorian"
    takes = 5
    if "default_takes" in cf:
        takes = ld.duration(wf, cf["default_takes"][1], "default_takes") or 0
    return Clock(d0, m0, end, julian), takes


def compile_roles(ld: NodeReader, wf: str, fields: dict[str, tuple[Node, Node]],
                  role_nodes: dict[str, tuple[Node, Node]], ref: References, clock: Clock | None,
                  variables: dict[str, tuple[Any, str, Entry]]) -> dict[str, Role]:
    """world.yaml's `roles:` (`role_nodes`, read when the file was)."""
    roles = {}
    for rid, (k, node) in role_nodes.items():
        r = compile_role(ld, wf, rid, k, node, ref, clock, variables)
        if r is not None:
            roles[rid] = r
    if "roles" in fields and not role_nodes:
        ld.error(wf, fields["roles"][1], "the scenario has no roles",
                 "add at least one role under `roles:`")
    return roles


def compile_role(ld: NodeReader, wf: str, rid: str, k: Node, node: Node, ref: References,
                 clock: Clock | None,
                 variables: dict[str, tuple[Any, str, Entry]]) -> Role | None:
    f = ld.fields(wf, node, ROLE_FIELDS, f"role `{rid}`")
    if f is None:
        return None
    start = ref.check(wf, f["start"][1], "scene", f"role `{rid}` start") if "start" in f \
        else None
    time_out = ref.check(wf, f["time_out"][1], "scene", f"role `{rid}` time_out") \
        if "time_out" in f else None
    at = ld.time_of_day(wf, f["at"][1], "at", clock) if "at" in f else None
    if at is not None and clock and not clock.start <= at < clock.end:
        ld.error(wf, f["at"][1], f"role `{rid}` starts outside the clock "
                   f"({clock.hhmm(clock.start)}-{clock.hhmm(clock.end)})")
    overrides = {}
    if "variables" in f:
        for name, (vk, vv) in ld.mapping(wf, f["variables"][1], "variables").items():
            if name not in variables:
                ld.error(wf, vk, f"role `{rid}` sets unknown variable `{name}`",
                           suggest(name, variables) or "declare it under `variables:`")
                continue
            problems = len(ld.problems)
            value = ld.scalar(wf, vv, name)
            if len(ld.problems) > problems:
                continue
            if value_type(value) != variables[name][1]:
                ld.error(wf, vv, f"`{name}` is {TYPE_NAMES[variables[name][1]]}")
                continue
            if isinstance(value, str) and len(value) > MAX_TEXT:
                ld.too_long(wf, vv, name, value)
                continue
            overrides[name] = value
    ref.role_targets.append((wf, f.get("time_out", (None, None))[1], "time_out"))
    if start is None or time_out is None or at is None:
        return None
    return Role(rid, ld.field_str(wf, f, "name") or rid,
                ld.field_str(wf, f, "title", required=False) or "",
                ld.field_str(wf, f, "intro") or "", start, at, time_out, overrides,
                ld.where(wf, k))


