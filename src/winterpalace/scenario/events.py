"""Events: what happens at a time for the whole night, and how it reaches each player
(`narrate:` cases, given with the event or in a section of their own)."""

from __future__ import annotations

import re

from ..engine import Condition, Event, Reach, Symbols, suggest
from .context import References, Setup
from .errors import Problem
from .fields import EVENT_FIELDS, REACH_FIELDS
from .reader import Entry, NodeReader
from .yamlnodes import Node

__all__ = ["compile_events"]


def compile_events(ld: NodeReader, events: dict[str, Entry], narrate: list[Entry], st: Setup,
                   player_vars: dict[str, str]) -> list[Event]:
    """`events:` (with the `narrate:` sections that add cases to them), in time order."""
    extra: dict[str, list[Reach]] = {}
    for e in narrate:
        if e.id not in events:
            ld.error(e.file, e.key, f"`narrate:` names unknown event `{e.id}`",
                     suggest(e.id, events), length=len(e.id))
            continue
        extra.setdefault(e.id, []).extend(
            compile_reaches(ld, e.file, e.node, st.sym, st.ref, f"narrate.{e.id}"))
    out = []
    for e in events.values():
        ev = compile_event(ld, e, st, extra.get(e.id, []), player_vars)
        if ev is not None:
            out.append(ev)
    out.sort(key=lambda ev: ev.at)
    return out


def compile_reaches(ld: NodeReader, file: str, node: Node, sym: Symbols, ref: References,
                    what: str) -> list[Reach]:
    """`narrate:` cases: how an event reaches each player (a text, a move, effects)."""
    out = []
    for rn in ld.list_of(file, node, what):
        rf = ld.fields(file, rn, REACH_FIELDS, "a narrate case")
        if rf is None:
            continue
        c = ld.cond(file, rf["if"][1], sym, "if") if "if" in rf else None
        t = ld.template(file, rf["text"][1], sym, "text") if "text" in rf else None
        go = ref.check(file, rf["go"][1], "scene", "go") if "go" in rf else None
        effs = ld.effects(file, rf["do"][1], sym, "do") if "do" in rf else ()
        if effs and any(eff.world for eff in effs):
            ld.error(file, rf["do"][1], "a narrate case changes only its player",
                     "put world flag changes in the event's own `do:`")
        remember = ld.field_str(file, rf, "remember", required=False)
        if remember is not None and t is None:
            ld.error(file, rf["remember"][0], "`remember:` needs the case's `text:`",
                     "a player remembers what reached them in words")
        out.append(Reach(c, t, go, effs, ld.where(file, rn),
                         ld.told(file, rf, sym, "text"), remember or None))
    return out


def compile_event(ld: NodeReader, e: Entry, st: Setup, extra: list[Reach],
                  player_vars: dict[str, str]) -> Event | None:
    """One event; its own `if:` and `do:` are about the world, its `narrate:` about players."""
    f = ld.fields(e.file, e.node, EVENT_FIELDS, f"event `{e.id}`")
    if f is None:
        return None
    clock = st.clock
    at = ld.time_of_day(e.file, f["at"][1], "at", clock) if "at" in f else None
    if at is not None and clock and not clock.start <= at <= clock.end:
        ld.error(e.file, f["at"][1], f"event `{e.id}` is outside the clock",
                 f"the night runs from {clock.hhmm(clock.start)} to "
                 f"{clock.hhmm(clock.end)}: give a time between them")
    cond = None
    mark = len(ld.problems)
    if "if" in f:
        cond = ld.cond(e.file, f["if"][1], st.world_sym, "if")
        if cond is not None:
            world_only_calls(ld, e.file, f["if"][1], cond)
    effects = ld.effects(e.file, f["do"][1], st.world_sym, "do") if "do" in f else ()
    explain_world_only(ld, mark, player_vars)
    reaches = extra + (compile_reaches(ld, e.file, f["narrate"][1], st.sym, st.ref, "narrate")
                       if "narrate" in f else [])
    title = ld.field_str(e.file, f, "title")
    if at is None or title is None:
        return None
    return Event(e.id, title, at, cond, effects, tuple(reaches), ld.where(e.file, e.key))


def world_only_calls(ld: NodeReader, file: str, node: Node, cond: Condition) -> None:
    """An event's own `if:` is decided once for the whole night: what one player has, knows
    or where one player is means nothing there."""
    player = sorted(f"{fn}({arg})" for fn, arg in cond.calls
                    if fn not in ("fired",)) + (["role"] if "role" in cond.reads else [])
    if player:
        ld.error(file, node, f"an event's `if:` is about the world only, but "
                 f"`{player[0]}` is about one player",
                 "an event's `if:` may read world flags, `time` and `fired(...)`; put "
                 "player conditions in a `narrate:` case's `if:`")


def explain_world_only(ld: NodeReader, mark: int, players: dict[str, str]) -> None:
    """Errors from an event's own `if:`/`do:` naming a player variable: say the rule
    (events read and change world state only), not "unknown name"."""
    for i in range(mark, len(ld.problems)):
        p = ld.problems[i]
        m = re.search(r"unknown (?:name|variable) `([^`]+)`", p.message)
        if m and m.group(1) in players:
            name = m.group(1)
            ld.problems[i] = Problem(
                p.file, p.line, p.col, p.message.split(":")[0] + f": `{name}` is a "
                "player's variable, and an event's own `if:` and `do:` read and change the "
                "world only", "use a world flag (`world_flags:`), or put it in a `narrate:` "
                "case, whose `if:` and `do:` are about each player", p.length)


